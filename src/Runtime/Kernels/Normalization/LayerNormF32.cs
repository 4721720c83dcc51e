using System;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>Layer normalization over the last axis (ONNX LayerNormalization with axis = -1).</summary>
public static unsafe class LayerNormF32
{
    /// <summary>Normalizes each of <paramref name="rows"/> rows of length <paramref name="cols"/>; scale has cols values; bias cols values or empty. In place allowed.</summary>
    public static void Run(ReadOnlySpan<float> input, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias, Span<float> output, int rows, int cols, float epsilon)
        => Run(input, scale, bias, output, rows, cols, epsilon, KernelIsaSelector.Best);

    internal static void Run(ReadOnlySpan<float> input, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias, Span<float> output, int rows, int cols, float epsilon, KernelIsa isa)
    {
        if (rows < 0 || cols <= 0) throw new ArgumentOutOfRangeException(nameof(cols), "Need rows >= 0 and cols > 0.");
        long length = (long)rows * cols;
        if (input.Length < length || output.Length < length) throw new ArgumentException("input/output shorter than rows * cols.");
        if (scale.Length < cols) throw new ArgumentException("scale needs cols values.", nameof(scale));
        if (!bias.IsEmpty && bias.Length < cols) throw new ArgumentException("bias needs cols values or none.", nameof(bias));
        fixed (float* inputPointer = input)
        fixed (float* scalePointer = scale)
        fixed (float* biasPointer = bias)
        fixed (float* outputPointer = output)
        {
            float* biasOrNull = bias.IsEmpty ? null : biasPointer;
            for (int row = 0; row < rows; row++)
                RowNormalization.Normalize(isa, inputPointer + (nint)row * cols, outputPointer + (nint)row * cols, cols, epsilon, scalePointer, 1f, biasOrNull, 0f);
        }
    }
}
