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
