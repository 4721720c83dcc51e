using System.Runtime.CompilerServices;
using System;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

public enum ReduceKind { Mean, Sum, Max, Min, SumSquare, L1, L2 }

/// <summary>Reduces the middle axis of [outer, axisLength, inner] to [outer, inner].</summary>
public static unsafe class ReduceF32
{
    /// <summary>output must not overlap input.</summary>
    public static void Run(ReduceKind kind, ReadOnlySpan<float> input, Span<float> output, int outer, int axisLength, int inner)
        => Run(kind, input, output, outer, axisLength, inner, KernelIsaSelector.Best);

    internal static void Run(ReduceKind kind, ReadOnlySpan<float> input, Span<float> output, int outer, int axisLength, int inner, KernelIsa isa)
    {
        if (outer < 0 || axisLength <= 0 || inner <= 0) throw new ArgumentOutOfRangeException(nameof(axisLength));
        if (input.Length < (long)outer * axisLength * inner || output.Length < (long)outer * inner)
            throw new ArgumentException("input/output shorter than the shape requires.");
        fixed (float* inputPointer = input)
        fixed (float* outputPointer = output)
        {
            switch (isa)
            {
                case KernelIsa.Vector512: Run<Vector512Isa, System.Runtime.Intrinsics.Vector512<float>>(kind, inputPointer, outputPointer, outer, axisLength, inner); break;
                case KernelIsa.Vector256: Run<Vector256Isa, System.Runtime.Intrinsics.Vector256<float>>(kind, inputPointer, outputPointer, outer, axisLength, inner); break;
                case KernelIsa.Vector128: Run<Vector128Isa, System.Runtime.Intrinsics.Vector128<float>>(kind, inputPointer, outputPointer, outer, axisLength, inner); break;
                default: RunScalar(kind, inputPointer, outputPointer, outer, axisLength, inner); break;
            }
        }
    }

    private static void RunScalar(ReduceKind kind, float* input, float* output, int outer, int axisLength, int inner)
    {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                float* x = input + (nint)o * axisLength * inner + i;
                double accumulator = kind switch { ReduceKind.Max => double.NegativeInfinity, ReduceKind.Min => double.PositiveInfinity, _ => 0 };
                for (int a = 0; a < axisLength; a++)
                {
                    float value = x[(nint)a * inner];
                    accumulator = kind switch
                    {
                        ReduceKind.Max => Math.Max(accumulator, value),
                        ReduceKind.Min => Math.Min(accumulator, value),
                        ReduceKind.SumSquare or ReduceKind.L2 => accumulator + (double)value * value,
                        ReduceKind.L1 => accumulator + Math.Abs(value),
                        _ => accumulator + value,
                    };
                }
                output[(nint)o * inner + i] = (float)(kind == ReduceKind.Mean ? accumulator / axisLength : kind == ReduceKind.L2 ? Math.Sqrt(accumulator) : accumulator);
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TIsa, TVector>(ReduceKind kind, float* input, float* output, int outer, int axisLength, int inner)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        for (int o = 0; o < outer; o++)
        {
            float* x = input + (nint)o * axisLength * inner;
            float* y = output + (nint)o * inner;
            if (inner == 1) *y = Contiguous<TIsa, TVector>(kind, x, axisLength);
            else Strided<TIsa, TVector>(kind, x, y, axisLength, inner);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static TVector Combine<TIsa, TVector>(ReduceKind kind, TVector accumulator, TVector value)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct => kind switch
    {
        ReduceKind.Max => TIsa.Max(accumulator, value),
        ReduceKind.Min => TIsa.Min(accumulator, value),
        ReduceKind.SumSquare or ReduceKind.L2 => TIsa.MultiplyAdd(value, value, accumulator),
        ReduceKind.L1 => TIsa.Add(accumulator, TIsa.Abs(value)),
        _ => TIsa.Add(accumulator, value),
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Contiguous<TIsa, TVector>(ReduceKind kind, float* x, int length)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        TVector identity = kind switch
        {
            ReduceKind.Max => TIsa.Broadcast(float.NegativeInfinity),
            ReduceKind.Min => TIsa.Broadcast(float.PositiveInfinity),
            _ => TIsa.Zero,
        };
        TVector a0 = identity, a1 = identity;
        int index = 0;
        for (; index + 2 * width <= length; index += 2 * width)
        {
            a0 = Combine<TIsa, TVector>(kind, a0, TIsa.Load(x + index));
            a1 = Combine<TIsa, TVector>(kind, a1, TIsa.Load(x + index + width));
        }
        for (; index + width <= length; index += width) a0 = Combine<TIsa, TVector>(kind, a0, TIsa.Load(x + index));
        a0 = Combine<TIsa, TVector>(kind is ReduceKind.SumSquare or ReduceKind.L1 or ReduceKind.L2 ? ReduceKind.Sum : kind, a0, a1);
        float result = kind switch
        {
            ReduceKind.Max => TIsa.MaxAcross(a0),
            ReduceKind.Min => TIsa.MinAcross(a0),
            _ => TIsa.Sum(a0),
        };
        for (; index < length; index++)
        {
            float value = x[index];
            result = kind switch
            {
                ReduceKind.Max => MathF.Max(result, value),
                ReduceKind.Min => MathF.Min(result, value),
                ReduceKind.SumSquare or ReduceKind.L2 => result + value * value,
                ReduceKind.L1 => result + MathF.Abs(value),
                _ => result + value,
            };
        }
        return kind == ReduceKind.Mean ? result / length : kind == ReduceKind.L2 ? MathF.Sqrt(result) : result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Strided<TIsa, TVector>(ReduceKind kind, float* x, float* y, int axisLength, int inner)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        TVector scale = TIsa.Broadcast(kind == ReduceKind.Mean ? 1f / axisLength : 1f);
        for (int i = 0; i < inner; i += width)
        {
            int valid = Math.Min(width, inner - i);
            bool full = valid == width;
            TVector first = full ? TIsa.Load(x + i) : TIsa.LoadPartial(x + i, valid);
            TVector accumulator = kind switch
            {
                ReduceKind.SumSquare or ReduceKind.L2 => TIsa.Multiply(first, first),
                ReduceKind.L1 => TIsa.Abs(first),
                _ => first,
            };
            for (int a = 1; a < axisLength; a++)
                accumulator = Combine<TIsa, TVector>(kind, accumulator, full ? TIsa.Load(x + (nint)a * inner + i) : TIsa.LoadPartial(x + (nint)a * inner + i, valid));
            if (kind == ReduceKind.Mean) accumulator = TIsa.Multiply(accumulator, scale);
            if (kind == ReduceKind.L2) accumulator = TIsa.Sqrt(accumulator);
            if (full) TIsa.Store(y + i, accumulator);
            else TIsa.StorePartial(y + i, accumulator, valid);
        }
    }
}
