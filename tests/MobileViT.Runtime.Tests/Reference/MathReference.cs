using System;

namespace MobileViT.Runtime.Tests.Reference;

/// <summary>Double-precision definitions of every element-wise function, written from their formulas.</summary>
internal static class MathReference
{
    /// <summary>erf by its Maclaurin series (exact to ~1e-10 for |x| ≤ 4; beyond, |1 − erf| &lt; 1.6e-8).</summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        if (Math.Abs(x) > 4) return Math.Sign(x);
        double sum = 0, term = x;
        for (int n = 0; n < 200; n++)
        {
            double contribution = term / (2 * n + 1);
            sum += contribution;
            if (Math.Abs(contribution) < 1e-17 * Math.Abs(sum)) break;
            term *= -x * x / (n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    /// <summary>
    /// erfc for x &gt;= 0 with relative accuracy in the tail: 1 − erf below 2 (erfc(2) = 4.7e-3, so 1e-10 absolute is
    /// 2e-8 relative), the continued fraction e^(−x²)/√π · 1/(x + ½/(x + 1/(x + 3⁄2/(x + …)))) from 2 on.
    /// </summary>
    public static double ErfcNonNegative(double x)
    {
        if (x < 2) return 1 - Erf(x);
        double fraction = 0;
        for (int k = 80; k >= 1; k--) fraction = k / 2.0 / (x + fraction);
        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / (x + fraction);
    }

    public static double Apply(UnaryKind kind, double x, double alpha, double beta) => kind switch
    {
        UnaryKind.Identity => x,
        UnaryKind.Relu => Math.Max(x, 0),
        UnaryKind.Clip => Math.Min(Math.Max(x, alpha), beta),
        UnaryKind.Sigmoid => 1 / (1 + Math.Exp(-x)),
        UnaryKind.SiLU => x / (1 + Math.Exp(-x)),
        UnaryKind.HardSigmoid => Math.Max(0, Math.Min(1, alpha * x + beta)),
        UnaryKind.HardSwish => x * Math.Max(0, Math.Min(1, x / 6 + 0.5)),
        UnaryKind.GeluErf => 0.5 * x * (1 + Erf(x / Math.Sqrt(2))),
        UnaryKind.GeluTanh => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
        UnaryKind.Tanh => Math.Tanh(x),
        UnaryKind.Exp => Math.Exp(x),
        UnaryKind.Log => Math.Log(x),
        UnaryKind.Sqrt => Math.Sqrt(x),
        UnaryKind.Reciprocal => 1 / x,
        UnaryKind.Neg => -x,
        UnaryKind.Abs => Math.Abs(x),
        UnaryKind.Erf => Erf(x),
        UnaryKind.Floor => Math.Floor(x),
        UnaryKind.Ceil => Math.Ceiling(x),
        UnaryKind.Square => x * x,
        UnaryKind.LeakyRelu => x < 0 ? alpha * x : x,
        UnaryKind.Elu => x < 0 ? alpha * (Math.Exp(x) - 1) : x,
        UnaryKind.Softplus => Math.Log(1 + Math.Exp(x)),
        UnaryKind.Swish => x / (1 + Math.Exp(-alpha * x)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static double Apply(ActivationKind kind, double x, double alpha, double beta)
        => Apply(Activation.ToUnaryKind(kind), x, alpha, beta);
}
