using System;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>Instance normalization (ONNX InstanceNormalization): each (n, c) plane normalized, then scale[c], bias[c].</summary>
public static unsafe class InstanceNormF32
{
    /// <summary>input/output [batch, channels, spatial]; scale and bias have one value per channel. In place allowed.</summary>
    public static void Run(ReadOnlySpan<float> input, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias, Span<float> output, int batch, int channels, int spatial, float epsilon)
        => Run(input, scale, bias, output, batch, channels, spatial, epsilon, KernelIsaSelector.Best);

    internal static void Run(ReadOnlySpan<float> input, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias, Span<float> output, int batch, int channels, int spatial, float epsilon, KernelIsa isa)
    {
        if (batch < 0 || channels <= 0 || spatial <= 0) throw new ArgumentOutOfRangeException(nameof(spatial), "Need batch >= 0, channels > 0, spatial > 0.");
        long length = (long)batch * channels * spatial;
        if (input.Length < length || output.Length < length) throw new ArgumentException("input/output shorter than batch * channels * spatial.");
        if (scale.Length < channels || bias.Length < channels) throw new ArgumentException("scale and bias need one value per channel.");
        fixed (float* inputPointer = input)
        fixed (float* outputPointer = output)
            for (int n = 0; n < batch; n++)
                for (int c = 0; c < channels; c++)
                {
                    nint offset = ((nint)n * channels + c) * spatial;
                    RowNormalization.Normalize(isa, inputPointer + offset, outputPointer + offset, spatial, epsilon, null, scale[c], null, bias[c]);
                }
    }
}
