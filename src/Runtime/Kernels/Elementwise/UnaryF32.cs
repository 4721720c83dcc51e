using System;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>Element-wise functions. Identity..Tanh match <see cref="ActivationKind"/> (same formulas, same accuracy).</summary>
public enum UnaryKind
{
    Identity, Relu, Clip, Sigmoid, SiLU, HardSigmoid, HardSwish, GeluErf, GeluTanh, Tanh,
    Exp, Log, Sqrt, Reciprocal, Neg, Abs, Erf, Floor, Ceil, Square, LeakyRelu, Elu, Softplus, Swish,
}

public static unsafe class UnaryF32
{
    /// <summary>
    /// output[i] = f(input[i]). Clip: alpha = min, beta = max. HardSigmoid: alpha, beta. LeakyRelu (ONNX default 0.01),
    /// Elu (ONNX default 1) and Swish (x·sigmoid(alpha·x)): alpha. input and output may be the same memory.
    /// </summary>
    public static void Run(UnaryKind kind, ReadOnlySpan<float> input, Span<float> output, float alpha = 0f, float beta = 0f)
        => Run(kind, input, output, alpha, beta, KernelIsaSelector.Best);

    internal static void Run(UnaryKind kind, ReadOnlySpan<float> input, Span<float> output, float alpha, float beta, KernelIsa isa)
    {
        if (output.Length < input.Length) throw new ArgumentException("output is shorter than input.", nameof(output));
        fixed (float* inputPointer = input)
        fixed (float* outputPointer = output)
            ElementwiseRow.Apply(isa, kind, alpha, beta, inputPointer, outputPointer, input.Length);
    }
}
