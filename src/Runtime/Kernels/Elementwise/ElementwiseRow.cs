using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// The shared epilogue of every kernel and the body of UnaryF32:
/// output[j] = op(input[j] * scale + rowBias + columnBias[j] + residual[j]) over one contiguous run.
/// columnBias and residual may be null. input may equal output (in place).
/// The operator is chosen once per run, so the vector loop is a straight instantiation per operator.
/// </summary>
internal static unsafe class ElementwiseRow
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply<TIsa, TVector>(UnaryKind kind, float alpha, float beta, float* input, float* output, int count,
        float scale = 1f, float rowBias = 0f, float* columnBias = null, float* residual = null)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        switch (kind)
        {
            case UnaryKind.Identity: Apply<TIsa, TVector, IdentityOperator>(alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            case UnaryKind.Relu: Apply<TIsa, TVector, ReluOperator>(alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            case UnaryKind.Clip: Apply<TIsa, TVector, ClipOperator>(alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            case UnaryKind.Sigmoid: Apply<TIsa, TVector, SigmoidOperator>(alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            case UnaryKind.SiLU: Apply<TIsa, TVector, SiLUOperator>(alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            case UnaryKind.HardSigmoid: Apply<TIsa, TVector, HardSigmoidOperator>(alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            case UnaryKind.HardSwish: Apply<TIsa, TVector, HardSwishOperator>(alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            // The GELU form by vendor, chosen here once per call rather than per vector (VectorMath.GeluErfExp).
            case UnaryKind.GeluErf when CpuVendor.IsAmd: Apply<TIsa, TVector, GeluErfExpOperator>(alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            case UnaryKind.GeluErf: Apply<TIsa, TVector, GeluErfOperator>(alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            case UnaryKind.GeluTanh: Apply<TIsa, TVector, GeluTanhOperator>(alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            case UnaryKind.Tanh: Apply<TIsa, TVector, TanhOperator>(alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            case UnaryKind.Exp: Apply<TIsa, TVector, ExpOperator>(alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            case UnaryKind.Log: Apply<TIsa, TVector, LogOperator>(alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            case UnaryKind.Sqrt: Apply<TIsa, TVector, SqrtOperator>(alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            case UnaryKind.Reciprocal: Apply<TIsa, TVector, ReciprocalOperator>(alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            case UnaryKind.Neg: Apply<TIsa, TVector, NegOperator>(alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            case UnaryKind.Abs: Apply<TIsa, TVector, AbsOperator>(alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            case UnaryKind.Erf: Apply<TIsa, TVector, ErfOperator>(alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            case UnaryKind.Floor: Apply<TIsa, TVector, FloorOperator>(alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            case UnaryKind.Ceil: Apply<TIsa, TVector, CeilOperator>(alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            case UnaryKind.Square: Apply<TIsa, TVector, SquareOperator>(alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            case UnaryKind.LeakyRelu: Apply<TIsa, TVector, LeakyReluOperator>(alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            case UnaryKind.Elu: Apply<TIsa, TVector, EluOperator>(alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            case UnaryKind.Softplus: Apply<TIsa, TVector, SoftplusOperator>(alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            case UnaryKind.Swish: Apply<TIsa, TVector, SwishOperator>(alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown unary operator.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Apply<TIsa, TVector, TOperator>(float alpha, float beta, float* input, float* output, int count,
        float scale, float rowBias, float* columnBias, float* residual)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct where TOperator : struct, IUnaryOperator
    {
        // SiLU with a column bias or a residual stays with the one-pass loop below.
        if (typeof(TOperator) == typeof(SiLUOperator) && typeof(TVector) != typeof(Vector512<float>) && count >= TIsa.Count
            && columnBias == null && residual == null)
        {
            int whole = SiLUInTwoPasses<TIsa, TVector>(input, output, count, scale, rowBias);
            if (whole == count) return;
            input += whole;
            output += whole;
            count -= whole;
        }
        TVector alphaVector = TIsa.Broadcast(alpha);
        TVector betaVector = TIsa.Broadcast(beta);
        bool plain = scale == 1f && rowBias == 0f && columnBias == null && residual == null;
        int width = TIsa.Count;
        int index = 0;
        if (plain)
        {
            for (; index <= count - 2 * width; index += 2 * width)
            {
                TVector first = TIsa.Load(input + index), second = TIsa.Load(input + index + width);
                UnaryPair.Invoke<TIsa, TVector, TOperator>(ref first, ref second, alphaVector, betaVector);
                TIsa.Store(output + index, first);
                TIsa.Store(output + index + width, second);
            }
            for (; index <= count - width; index += width)
                TIsa.Store(output + index, TOperator.Invoke<TIsa, TVector>(TIsa.Load(input + index), alphaVector, betaVector));
            if (index < count)
                TIsa.StorePartial(output + index, TOperator.Invoke<TIsa, TVector>(TIsa.LoadPartial(input + index, count - index), alphaVector, betaVector), count - index);
            return;
        }

        TVector scaleVector = TIsa.Broadcast(scale);
        TVector rowBiasVector = TIsa.Broadcast(rowBias);
        // Two vectors per step (see UnaryPair), each formed exactly as the one-vector step below forms it.
        for (; index <= count - 2 * width; index += 2 * width)
        {
            TVector first = TIsa.MultiplyAdd(TIsa.Load(input + index), scaleVector, rowBiasVector);
            TVector second = TIsa.MultiplyAdd(TIsa.Load(input + index + width), scaleVector, rowBiasVector);
            if (columnBias != null)
            {
                first = TIsa.Add(first, TIsa.Load(columnBias + index));
                second = TIsa.Add(second, TIsa.Load(columnBias + index + width));
            }
            if (residual != null)
            {
                first = TIsa.Add(first, TIsa.Load(residual + index));
                second = TIsa.Add(second, TIsa.Load(residual + index + width));
            }
            UnaryPair.Invoke<TIsa, TVector, TOperator>(ref first, ref second, alphaVector, betaVector);
            TIsa.Store(output + index, first);
            TIsa.Store(output + index + width, second);
        }
        for (; index <= count - width; index += width)
        {
            TVector value = TIsa.MultiplyAdd(TIsa.Load(input + index), scaleVector, rowBiasVector);
            if (columnBias != null) value = TIsa.Add(value, TIsa.Load(columnBias + index));
            if (residual != null) value = TIsa.Add(value, TIsa.Load(residual + index));
            TIsa.Store(output + index, TOperator.Invoke<TIsa, TVector>(value, alphaVector, betaVector));
        }
        if (index < count)
        {
            int remaining = count - index;
            TVector value = TIsa.MultiplyAdd(TIsa.LoadPartial(input + index, remaining), scaleVector, rowBiasVector);
            if (columnBias != null) value = TIsa.Add(value, TIsa.LoadPartial(columnBias + index, remaining));
            if (residual != null) value = TIsa.Add(value, TIsa.LoadPartial(residual + index, remaining));
            TIsa.StorePartial(output + index, TOperator.Invoke<TIsa, TVector>(value, alphaVector, betaVector), remaining);
        }
    }

    /// <summary>Floats <see cref="SiLUInTwoPasses"/> takes per chunk (its stack buffer: 1 KiB).</summary>
    private const int SiLUChunk = 256;

    /// <summary>
    /// SiLU of input · scale + row bias over the whole vectors of a run, in chunks of <see cref="SiLUChunk"/> floats,
    /// each in two passes: exp(−|value|) into a stack buffer, then <see cref="SiLUOperator.FromExp"/> from the value
    /// formed again (cheaper than storing and loading it): bitwise <see cref="SiLUOperator.Invoke"/> on the value
    /// <see cref="Apply{TIsa, TVector, TOperator}"/> forms. One pass chains the exp, the division and the rest over some
    /// 50 cycles a vector, more than the out-of-order core overlaps; two shorter chains overlap better. Zen 3, 4096
    /// floats in calls of 256, same process alternating, best of 1500: 3.32 → 2.93 ns per 8 floats, with a row bias (the
    /// GEMM's pass) 3.78 → 3.27. Returns how many floats it did, the whole vectors (the caller finishes the rest). The
    /// second pass writes each chunk's output after the first has read its input, so input may be output.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SiLUInTwoPasses<TIsa, TVector>(float* input, float* output, int count, float scale, float rowBias)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        int whole = count / width * width;
        float* exps = stackalloc float[SiLUChunk];
        TVector scaleVector = TIsa.Broadcast(scale), rowBiasVector = TIsa.Broadcast(rowBias);
        bool plain = scale == 1f && rowBias == 0f;
        for (int start = 0; start < whole; start += SiLUChunk)
        {
            int length = Math.Min(SiLUChunk, whole - start);
            float* from = input + start, to = output + start;
            if (plain)
            {
                // As the one-pass loop: the input itself (a multiply-add by 1 and 0 would turn −0 into +0).
                for (int i = 0; i < length; i += width)
                    TIsa.Store(exps + i, SiLUOperator.ExpOfMinusAbs<TIsa, TVector>(TIsa.Load(from + i)));
                for (int i = 0; i < length; i += width)
                    TIsa.Store(to + i, SiLUOperator.FromExp<TIsa, TVector>(TIsa.Load(from + i), TIsa.Load(exps + i)));
                continue;
            }
            for (int i = 0; i < length; i += width)
                TIsa.Store(exps + i, SiLUOperator.ExpOfMinusAbs<TIsa, TVector>(TIsa.MultiplyAdd(TIsa.Load(from + i), scaleVector, rowBiasVector)));
            for (int i = 0; i < length; i += width)
                TIsa.Store(to + i, SiLUOperator.FromExp<TIsa, TVector>(TIsa.MultiplyAdd(TIsa.Load(from + i), scaleVector, rowBiasVector), TIsa.Load(exps + i)));
        }
        return whole;
    }

    /// <summary>Scalar reference of <see cref="Apply{TIsa, TVector}"/>.</summary>
    public static void ApplyScalar(UnaryKind kind, float alpha, float beta, float* input, float* output, int count,
        float scale = 1f, float rowBias = 0f, float* columnBias = null, float* residual = null)
    {
        for (int index = 0; index < count; index++)
        {
            float value = input[index] * scale + rowBias;
            if (columnBias != null) value += columnBias[index];
            if (residual != null) value += residual[index];
            output[index] = UnaryOperators.ApplyScalar(kind, value, alpha, beta);
        }
    }

    /// <summary>Runs <see cref="Apply{TIsa, TVector}"/> with the given variant.</summary>
    public static void Apply(KernelIsa isa, UnaryKind kind, float alpha, float beta, float* input, float* output, int count,
        float scale = 1f, float rowBias = 0f, float* columnBias = null, float* residual = null)
    {
        switch (isa)
        {
            case KernelIsa.Vector512: Apply<Vector512Isa, System.Runtime.Intrinsics.Vector512<float>>(kind, alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            case KernelIsa.Vector256: Apply<Vector256Isa, System.Runtime.Intrinsics.Vector256<float>>(kind, alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            case KernelIsa.Vector128: Apply<Vector128Isa, System.Runtime.Intrinsics.Vector128<float>>(kind, alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
            default: ApplyScalar(kind, alpha, beta, input, output, count, scale, rowBias, columnBias, residual); break;
        }
    }
}
