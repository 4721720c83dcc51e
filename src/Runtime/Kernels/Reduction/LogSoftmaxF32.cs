using System;
using System.Runtime.CompilerServices;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// LogSoftmax over the middle axis of [outer, axisLength, inner]: x - max - log Σ exp(x - max), computed from the
/// logits rather than as log(softmax), so a probability that underflows to 0 still gives its finite logarithm.
/// Classification heads run it once on a few hundred values, so it stays single-threaded.
/// </summary>
public static unsafe class LogSoftmaxF32
{
    /// <summary>In place allowed.</summary>
    public static void Run(ReadOnlySpan<float> input, Span<float> output, int outer, int axisLength, int inner)
        => Run(input, output, outer, axisLength, inner, KernelIsaSelector.Best);

    internal static void Run(ReadOnlySpan<float> input, Span<float> output, int outer, int axisLength, int inner, KernelIsa isa)
    {
        if (outer < 0 || axisLength <= 0 || inner <= 0) throw new ArgumentOutOfRangeException(nameof(axisLength));
        long length = (long)outer * axisLength * inner;
        if (input.Length < length || output.Length < length) throw new ArgumentException($"input and output need {length} floats (outer * axisLength * inner).");
        fixed (float* x = input)
        fixed (float* y = output)
        {
            switch (isa)
            {
                case KernelIsa.Vector512: Run<Vector512Isa, System.Runtime.Intrinsics.Vector512<float>>(x, y, outer, axisLength, inner); break;
                case KernelIsa.Vector256: Run<Vector256Isa, System.Runtime.Intrinsics.Vector256<float>>(x, y, outer, axisLength, inner); break;
                case KernelIsa.Vector128: Run<Vector128Isa, System.Runtime.Intrinsics.Vector128<float>>(x, y, outer, axisLength, inner); break;
                default: RunScalar(x, y, outer, axisLength, inner); break;
            }
        }
    }

    private static void RunScalar(float* input, float* output, int outer, int axisLength, int inner)
    {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                float* x = input + (nint)o * axisLength * inner + i, y = output + (nint)o * axisLength * inner + i;
                float max = float.NegativeInfinity;
                for (int a = 0; a < axisLength; a++) max = MathF.Max(max, x[(nint)a * inner]);
                float sum = 0f;
                for (int a = 0; a < axisLength; a++) sum += MathF.Exp(x[(nint)a * inner] - max);
                float shift = max + MathF.Log(sum);
                for (int a = 0; a < axisLength; a++) y[(nint)a * inner] = x[(nint)a * inner] - shift;
            }
    }

    /// <summary>
    /// Vectors run across the inner axis (columns side by side; a contiguous axis, inner = 1, goes along the row
    /// instead), so every lane is one independent LogSoftmax computed in axis order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TIsa, TVector>(float* input, float* output, int outer, int axisLength, int inner)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        for (int o = 0; o < outer; o++)
        {
            float* x = input + (nint)o * axisLength * inner, y = output + (nint)o * axisLength * inner;
            if (inner == 1)
            {
                Row<TIsa, TVector>(x, y, axisLength);
                continue;
            }
            for (int i = 0; i < inner; i += width)
            {
                int lanes = Math.Min(width, inner - i);
                TVector max = TIsa.Broadcast(float.NegativeInfinity);
                for (int a = 0; a < axisLength; a++) max = TIsa.Max(max, Load<TIsa, TVector>(x + (nint)a * inner + i, lanes));
                TVector sum = TIsa.Zero;
                for (int a = 0; a < axisLength; a++)
                    sum = TIsa.Add(sum, VectorMath.ExpClamped<TIsa, TVector>(TIsa.Subtract(Load<TIsa, TVector>(x + (nint)a * inner + i, lanes), max)));
                TVector shift = TIsa.Add(max, VectorMath.Log<TIsa, TVector>(sum));
                for (int a = 0; a < axisLength; a++)
                    TIsa.StorePartial(y + (nint)a * inner + i, TIsa.Subtract(Load<TIsa, TVector>(x + (nint)a * inner + i, lanes), shift), lanes);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Load<TIsa, TVector>(float* source, int lanes) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => lanes == TIsa.Count ? TIsa.Load(source) : TIsa.LoadPartial(source, lanes);

    private static void Row<TIsa, TVector>(float* x, float* y, int count) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count, whole = count / width * width;
        TVector maxVector = TIsa.Broadcast(float.NegativeInfinity);
        for (int a = 0; a < whole; a += width) maxVector = TIsa.Max(maxVector, TIsa.Load(x + a));
        float max = TIsa.MaxAcross(maxVector);
        for (int a = whole; a < count; a++) max = MathF.Max(max, x[a]);
        TVector maxBroadcast = TIsa.Broadcast(max), sumVector = TIsa.Zero;
        for (int a = 0; a < whole; a += width) sumVector = TIsa.Add(sumVector, VectorMath.ExpClamped<TIsa, TVector>(TIsa.Subtract(TIsa.Load(x + a), maxBroadcast)));
        float sum = TIsa.Sum(sumVector);
        for (int a = whole; a < count; a++) sum += MathF.Exp(x[a] - max);
        float shift = max + MathF.Log(sum);
        TVector shiftVector = TIsa.Broadcast(shift);
        for (int a = 0; a < whole; a += width) TIsa.Store(y + a, TIsa.Subtract(TIsa.Load(x + a), shiftVector));
        for (int a = whole; a < count; a++) y[a] = x[a] - shift;
    }
}
