using System.Runtime.CompilerServices;
using System;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// Normalizes one contiguous run: y = (x - mean) / sqrt(var + eps) * scale + bias, with mean and variance from two
/// passes (sum, then sum of squared deviations) so large means do not cancel. scale/bias are either per element
/// (pointers) or one value for the whole run (instance norm).
/// </summary>
internal static unsafe class RowNormalization
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Normalize<TIsa, TVector>(float* input, float* output, int count, float epsilon,
        float* scale, float uniformScale, float* bias, float uniformBias)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        TVector sum0 = TIsa.Zero, sum1 = TIsa.Zero;
        int index = 0;
        for (; index + 2 * width <= count; index += 2 * width)
        {
            sum0 = TIsa.Add(sum0, TIsa.Load(input + index));
            sum1 = TIsa.Add(sum1, TIsa.Load(input + index + width));
        }
        for (; index < count; index += width)
            sum0 = TIsa.Add(sum0, TIsa.LoadPartial(input + index, Math.Min(width, count - index)));
        float mean = TIsa.Sum(TIsa.Add(sum0, sum1)) / count;

        TVector meanVector = TIsa.Broadcast(mean);
        sum0 = TIsa.Zero;
        sum1 = TIsa.Zero;
        index = 0;
        for (; index + 2 * width <= count; index += 2 * width)
        {
            TVector d0 = TIsa.Subtract(TIsa.Load(input + index), meanVector);
            TVector d1 = TIsa.Subtract(TIsa.Load(input + index + width), meanVector);
            sum0 = TIsa.MultiplyAdd(d0, d0, sum0);
            sum1 = TIsa.MultiplyAdd(d1, d1, sum1);
        }
        for (; index + width <= count; index += width)
        {
            TVector d0 = TIsa.Subtract(TIsa.Load(input + index), meanVector);
            sum0 = TIsa.MultiplyAdd(d0, d0, sum0);
        }
        float tailSquares = 0f;
        for (; index < count; index++)
        {
            float deviation = input[index] - mean;
            tailSquares += deviation * deviation;
        }
        float variance = (TIsa.Sum(TIsa.Add(sum0, sum1)) + tailSquares) / count;
        float inverseDeviation = 1f / MathF.Sqrt(variance + epsilon);

        TVector factor = TIsa.Broadcast(inverseDeviation * uniformScale);
        TVector offset = TIsa.Broadcast(uniformBias);
        TVector inverse = TIsa.Broadcast(inverseDeviation);
        for (index = 0; index < count; index += width)
        {
            int valid = Math.Min(width, count - index);
            bool full = valid == width;
            TVector x = full ? TIsa.Load(input + index) : TIsa.LoadPartial(input + index, valid);
            TVector y;
            if (scale == null)
            {
                // (x - mean) first: folding mean into the offset cancels badly when the deviation is tiny.
                y = TIsa.MultiplyAdd(TIsa.Subtract(x, meanVector), factor, offset);
            }
            else
            {
                TVector normalized = TIsa.Multiply(TIsa.Subtract(x, meanVector), inverse);
                TVector s = full ? TIsa.Load(scale + index) : TIsa.LoadPartial(scale + index, valid);
                TVector b = bias == null ? TIsa.Broadcast(uniformBias) : full ? TIsa.Load(bias + index) : TIsa.LoadPartial(bias + index, valid);
                y = TIsa.MultiplyAdd(normalized, s, b);
            }
            if (full) TIsa.Store(output + index, y);
            else TIsa.StorePartial(output + index, y, valid);
        }
    }

    /// <summary>
    /// <see cref="Normalize{TIsa, TVector}"/> on two rows at once (same operations per row, so the same bits): a row of
    /// 96 to 144 floats is a few vectors of work between two horizontal sums, a division and a square root, whose
    /// latencies one row alone waits out.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void NormalizePair<TIsa, TVector>(float* inputA, float* outputA, float* inputB, float* outputB, int count, float epsilon, float* scale, float* bias)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        TVector a0 = TIsa.Zero, a1 = TIsa.Zero, b0 = TIsa.Zero, b1 = TIsa.Zero;
        int index = 0;
        for (; index + 2 * width <= count; index += 2 * width)
        {
            a0 = TIsa.Add(a0, TIsa.Load(inputA + index));
            a1 = TIsa.Add(a1, TIsa.Load(inputA + index + width));
            b0 = TIsa.Add(b0, TIsa.Load(inputB + index));
            b1 = TIsa.Add(b1, TIsa.Load(inputB + index + width));
        }
        for (; index < count; index += width)
        {
            a0 = TIsa.Add(a0, TIsa.LoadPartial(inputA + index, Math.Min(width, count - index)));
            b0 = TIsa.Add(b0, TIsa.LoadPartial(inputB + index, Math.Min(width, count - index)));
        }
        float meanA = TIsa.Sum(TIsa.Add(a0, a1)) / count, meanB = TIsa.Sum(TIsa.Add(b0, b1)) / count;

        TVector meanVectorA = TIsa.Broadcast(meanA), meanVectorB = TIsa.Broadcast(meanB);
        a0 = a1 = b0 = b1 = TIsa.Zero;
        index = 0;
        for (; index + 2 * width <= count; index += 2 * width)
        {
            TVector da0 = TIsa.Subtract(TIsa.Load(inputA + index), meanVectorA), da1 = TIsa.Subtract(TIsa.Load(inputA + index + width), meanVectorA);
            TVector db0 = TIsa.Subtract(TIsa.Load(inputB + index), meanVectorB), db1 = TIsa.Subtract(TIsa.Load(inputB + index + width), meanVectorB);
            a0 = TIsa.MultiplyAdd(da0, da0, a0);
            a1 = TIsa.MultiplyAdd(da1, da1, a1);
            b0 = TIsa.MultiplyAdd(db0, db0, b0);
            b1 = TIsa.MultiplyAdd(db1, db1, b1);
        }
        for (; index + width <= count; index += width)
        {
            TVector da = TIsa.Subtract(TIsa.Load(inputA + index), meanVectorA), db = TIsa.Subtract(TIsa.Load(inputB + index), meanVectorB);
            a0 = TIsa.MultiplyAdd(da, da, a0);
            b0 = TIsa.MultiplyAdd(db, db, b0);
        }
        float tailA = 0f, tailB = 0f;
        for (; index < count; index++)
        {
            float deviationA = inputA[index] - meanA, deviationB = inputB[index] - meanB;
            tailA += deviationA * deviationA;
            tailB += deviationB * deviationB;
        }
        float inverseA = 1f / MathF.Sqrt((TIsa.Sum(TIsa.Add(a0, a1)) + tailA) / count + epsilon);
        float inverseB = 1f / MathF.Sqrt((TIsa.Sum(TIsa.Add(b0, b1)) + tailB) / count + epsilon);

        TVector inverseVectorA = TIsa.Broadcast(inverseA), inverseVectorB = TIsa.Broadcast(inverseB);
        for (index = 0; index < count; index += width)
        {
            int valid = Math.Min(width, count - index);
            bool full = valid == width;
            TVector xa = full ? TIsa.Load(inputA + index) : TIsa.LoadPartial(inputA + index, valid);
            TVector xb = full ? TIsa.Load(inputB + index) : TIsa.LoadPartial(inputB + index, valid);
            TVector s = full ? TIsa.Load(scale + index) : TIsa.LoadPartial(scale + index, valid);
            TVector b = bias == null ? TIsa.Zero : full ? TIsa.Load(bias + index) : TIsa.LoadPartial(bias + index, valid);
            TVector ya = TIsa.MultiplyAdd(TIsa.Multiply(TIsa.Subtract(xa, meanVectorA), inverseVectorA), s, b);
            TVector yb = TIsa.MultiplyAdd(TIsa.Multiply(TIsa.Subtract(xb, meanVectorB), inverseVectorB), s, b);
            if (full)
            {
                TIsa.Store(outputA + index, ya);
                TIsa.Store(outputB + index, yb);
            }
            else
            {
                TIsa.StorePartial(outputA + index, ya, valid);
                TIsa.StorePartial(outputB + index, yb, valid);
            }
        }
    }

    /// <summary>Scalar reference, accumulating in double.</summary>
    public static void NormalizeScalar(float* input, float* output, int count, float epsilon, float* scale, float uniformScale, float* bias, float uniformBias)
    {
        double sum = 0;
        for (int i = 0; i < count; i++) sum += input[i];
        double mean = sum / count;
        double squares = 0;
        for (int i = 0; i < count; i++) squares += (input[i] - mean) * (input[i] - mean);
        double inverseDeviation = 1.0 / Math.Sqrt(squares / count + epsilon);
        for (int i = 0; i < count; i++)
        {
            double normalized = (input[i] - mean) * inverseDeviation;
            double s = scale == null ? uniformScale : scale[i];
            double b = bias == null ? uniformBias : bias[i];
            output[i] = (float)(normalized * s + b);
        }
    }

    /// <summary>Rows [first, end) of a row-major matrix, each normalized with per-element scale and bias (or none), two at a time.</summary>
    public static void NormalizeRows(KernelIsa isa, float* input, float* output, int first, int end, int count, float epsilon, float* scale, float* bias)
    {
        switch (isa)
        {
            case KernelIsa.Vector512: NormalizeRows<Vector512Isa, System.Runtime.Intrinsics.Vector512<float>>(input, output, first, end, count, epsilon, scale, bias); break;
            case KernelIsa.Vector256: NormalizeRows<Vector256Isa, System.Runtime.Intrinsics.Vector256<float>>(input, output, first, end, count, epsilon, scale, bias); break;
            case KernelIsa.Vector128: NormalizeRows<Vector128Isa, System.Runtime.Intrinsics.Vector128<float>>(input, output, first, end, count, epsilon, scale, bias); break;
            default:
                for (int row = first; row < end; row++)
                    NormalizeScalar(input + (nint)row * count, output + (nint)row * count, count, epsilon, scale, 1f, bias, 0f);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NormalizeRows<TIsa, TVector>(float* input, float* output, int first, int end, int count, float epsilon, float* scale, float* bias)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int row = first;
        for (; row + 2 <= end; row += 2)
            NormalizePair<TIsa, TVector>(input + (nint)row * count, output + (nint)row * count, input + (nint)(row + 1) * count, output + (nint)(row + 1) * count,
                count, epsilon, scale, bias);
        for (; row < end; row++)
            Normalize<TIsa, TVector>(input + (nint)row * count, output + (nint)row * count, count, epsilon, scale, 1f, bias, 0f);
    }

    public static void Normalize(KernelIsa isa, float* input, float* output, int count, float epsilon, float* scale, float uniformScale, float* bias, float uniformBias)
    {
        switch (isa)
        {
            case KernelIsa.Vector512: Normalize<Vector512Isa, System.Runtime.Intrinsics.Vector512<float>>(input, output, count, epsilon, scale, uniformScale, bias, uniformBias); break;
            case KernelIsa.Vector256: Normalize<Vector256Isa, System.Runtime.Intrinsics.Vector256<float>>(input, output, count, epsilon, scale, uniformScale, bias, uniformBias); break;
            case KernelIsa.Vector128: Normalize<Vector128Isa, System.Runtime.Intrinsics.Vector128<float>>(input, output, count, epsilon, scale, uniformScale, bias, uniformBias); break;
            default: NormalizeScalar(input, output, count, epsilon, scale, uniformScale, bias, uniformBias); break;
        }
    }
}
