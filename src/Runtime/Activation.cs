using System;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>Activations a kernel can apply in its epilogue, after bias and residual.</summary>
public enum ActivationKind
{
    None,
    Relu,
    /// <summary>min(max(x, Alpha), Beta).</summary>
    Clip,
    Sigmoid,
    /// <summary>x * sigmoid(x), also called Swish.</summary>
    SiLU,
    /// <summary>max(0, min(1, Alpha * x + Beta)); ONNX defaults are alpha 0.2, beta 0.5.</summary>
    HardSigmoid,
    /// <summary>x * max(0, min(1, x / 6 + 0.5)).</summary>
    HardSwish,
    /// <summary>0.5 x (1 + erf(x / sqrt 2)).</summary>
    GeluErf,
    /// <summary>0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).</summary>
    GeluTanh,
    Tanh,
}

/// <summary>A fused activation with its parameters (Clip: Alpha = min, Beta = max; HardSigmoid: Alpha, Beta).</summary>
public readonly struct Activation
{
    public static readonly Activation None = new(ActivationKind.None);

    public Activation(ActivationKind kind, float alpha = 0f, float beta = 0f)
    {
        Kind = kind;
        Alpha = alpha;
        Beta = beta;
    }

    public ActivationKind Kind { get; }
    public float Alpha { get; }
    public float Beta { get; }

    /// <summary>The same function the kernels apply, on one value (scalar reference).</summary>
    public float Apply(float x) => UnaryOperators.ApplyScalar(ToUnaryKind(Kind), x, Alpha, Beta);

    internal static UnaryKind ToUnaryKind(ActivationKind kind) => kind switch
    {
        ActivationKind.None => UnaryKind.Identity,
        ActivationKind.Relu => UnaryKind.Relu,
        ActivationKind.Clip => UnaryKind.Clip,
        ActivationKind.Sigmoid => UnaryKind.Sigmoid,
        ActivationKind.SiLU => UnaryKind.SiLU,
        ActivationKind.HardSigmoid => UnaryKind.HardSigmoid,
        ActivationKind.HardSwish => UnaryKind.HardSwish,
        ActivationKind.GeluErf => UnaryKind.GeluErf,
        ActivationKind.GeluTanh => UnaryKind.GeluTanh,
        ActivationKind.Tanh => UnaryKind.Tanh,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation."),
    };

    public override string ToString() => Kind switch
    {
        ActivationKind.Clip or ActivationKind.HardSigmoid => $"{Kind}({Alpha.ToString(System.Globalization.CultureInfo.InvariantCulture)}, {Beta.ToString(System.Globalization.CultureInfo.InvariantCulture)})",
        _ => Kind.ToString(),
    };
}
