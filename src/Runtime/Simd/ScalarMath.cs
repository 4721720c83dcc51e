using System;

namespace MobileViT.Runtime.Simd;

/// <summary>Scalar counterparts of <see cref="VectorMath"/>, used by the scalar reference kernels and Activation.Apply.</summary>
internal static class ScalarMath
{
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary>erfc(z) for z &gt;= 0 in double precision (Numerical Recipes erfcc, relative error &lt; 1.2e-7).</summary>
    public static double ErfcNonNegative(double z)
    {
        double t = 1.0 / (1.0 + 0.5 * z);
        double p = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
        return t * Math.Exp(p);
    }

    public static float Erf(float x)
    {
        double value = x;
        double absolute = Math.Abs(value);
        if (double.IsNaN(value)) return x;
        if (absolute < 0.5)
        {
            double z = value * value;
            double series = 1.0 + z * (-1.0 / 3 + z * (1.0 / 10 + z * (-1.0 / 42 + z * (1.0 / 216 + z * (-1.0 / 1320 + z / 9360)))));
            return (float)(1.1283791670955126 * value * series);
        }
        double result = 1.0 - ErfcNonNegative(absolute);
        return (float)(value < 0 ? -result : result);
    }

    public static float GeluErf(float x)
    {
        if (float.IsNaN(x)) return x;
        double erfc = ErfcNonNegative(Math.Abs(x) * 0.70710678118654752);
        double onePlusErf = x < 0 ? erfc : 2.0 - erfc;
        return (float)(0.5 * x * onePlusErf);
    }

    public static float GeluTanh(float x)
    {
        double u = 0.79788456080286536 * (x + 0.044715 * (double)x * x * x);
        return (float)(0.5 * x * (1.0 + Math.Tanh(u)));
    }

    public static float Softplus(float x)
    {
        // max(x, 0) + log1p(exp(-|x|)) never overflows.
        return MathF.Max(x, 0f) + (float)Math.Log(1.0 + Math.Exp(-Math.Abs((double)x)));
    }
}
