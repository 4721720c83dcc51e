using System;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// Two pointwise convolutions where the second alone reads the first (a channel mixer: RepViT's expansion with GELU
/// and its projection with the residual, a convolutional FFN): with AVX2 and FMA as 256-bit vectors, the input goes to
/// channel blocks once, both products run on blocks (<see cref="PointwiseChannelBlocksAvx"/>) with the hidden tensor in
/// blocks in <c>hidden</c>, and the result comes back to NCHW once with the residual and activation; elsewhere the two
/// convolutions of <see cref="Conv2dF32"/> one after the other, through <c>hidden</c>.
/// </summary>
public static unsafe class PointwisePairF32
{
    [ThreadStatic] private static float[]? t_blocks;

    /// <summary>
    /// Weights [out, in, 1, 1] of either convolution for <see cref="Run"/>: <see cref="Conv2dF32.PackWeights"/>'s packing for
    /// the two steps, then, when the channels come in whole blocks, the 16-channel panels of the channel-blocked products
    /// (on every machine, so the layout does not depend on it).
    /// </summary>
    public static float[] PackWeights(ReadOnlySpan<float> weights, in Conv2dGeometry g)
    {
        if (!Conv2dF32.IsPointwise(g)) throw new ArgumentException($"Both convolutions of the pair must be pointwise, not {g}.", nameof(g));
        float[] pointwise = Conv2dF32.PackWeights(weights, g);
        if (!PointwiseChannelBlocksAvx.TakesChannels(g.InChannels, g.OutChannels)) return pointwise;
        var packed = new float[PackedLength(g)];
        pointwise.CopyTo(packed, 0);
        PointwiseChannelBlocksAvx.PackPanels(weights, g.InChannels, g.OutChannels, packed.AsSpan(pointwise.Length));
        return packed;
    }

    /// <summary>Floats <see cref="PackWeights"/> returns.</summary>
    internal static long PackedLength(in Conv2dGeometry g)
        => Conv2dF32.PackedLength(g) + (PointwiseChannelBlocksAvx.TakesChannels(g.InChannels, g.OutChannels)
            ? PointwiseChannelBlocksAvx.PanelsLength(g.InChannels, g.OutChannels) : 0);

    /// <summary>
    /// output = activation(second(firstActivation(first(input))) + secondBias + residual). <paramref name="hidden"/> holds
    /// the first convolution's output, laid out as <paramref name="first"/> says, when the two steps run apart, and its
    /// channel blocks otherwise (it is a workspace either way).
    /// </summary>
    public static void Run(ReadOnlySpan<float> input, ReadOnlySpan<float> firstWeights, ReadOnlySpan<float> firstBias, Activation firstActivation,
        Span<float> hidden, ReadOnlySpan<float> secondWeights, ReadOnlySpan<float> secondBias, ReadOnlySpan<float> residual, Span<float> output,
        in Conv2dGeometry first, in Conv2dGeometry second, Activation activation)
        => Run(input, firstWeights, firstBias, firstActivation, hidden, secondWeights, secondBias, residual, output, first, second, activation,
            KernelIsaSelector.Best);

    internal static void Run(ReadOnlySpan<float> input, ReadOnlySpan<float> firstWeights, ReadOnlySpan<float> firstBias, Activation firstActivation,
        Span<float> hidden, ReadOnlySpan<float> secondWeights, ReadOnlySpan<float> secondBias, ReadOnlySpan<float> residual, Span<float> output,
        in Conv2dGeometry first, in Conv2dGeometry second, Activation activation, KernelIsa isa)
    {
        if (!Conv2dF32.IsPointwise(first)) throw new ArgumentException($"Both convolutions of the pair must be pointwise, not {first}.", nameof(first));
        if (!Conv2dF32.IsPointwise(second)) throw new ArgumentException($"Both convolutions of the pair must be pointwise, not {second}.", nameof(second));
        if (second.InChannels != first.OutChannels || second.Batch != first.Batch || second.InHeight != first.OutHeight || second.InWidth != first.OutWidth)
            throw new ArgumentException($"The second convolution {second} does not read the first {first}.", nameof(second));
        // Every span is checked here, whichever form runs, so a call that fails on one machine fails on all of them.
        first.Validate(convolution: true);
        second.Validate(convolution: true);
        if (firstWeights.Length < PackedLength(first))
            throw new ArgumentException($"Expected {PackedLength(first)} packed weights for {first} (PackWeights), got {firstWeights.Length}.", nameof(firstWeights));
        if (secondWeights.Length < PackedLength(second))
            throw new ArgumentException($"Expected {PackedLength(second)} packed weights for {second} (PackWeights), got {secondWeights.Length}.", nameof(secondWeights));
        if (input.Length < first.InputLength) throw new ArgumentException($"Input is shorter than {first}.", nameof(input));
        if (!firstBias.IsEmpty && firstBias.Length < first.OutChannels) throw new ArgumentException("The first bias is shorter than its output channels.", nameof(firstBias));
        if (hidden.Length < first.OutputLength)
            throw new ArgumentException($"The hidden workspace must hold the output of {first}: {first.OutputLength} floats, got {hidden.Length}.", nameof(hidden));
        if (!secondBias.IsEmpty && secondBias.Length < second.OutChannels) throw new ArgumentException("The second bias is shorter than its output channels.", nameof(secondBias));
        if (!residual.IsEmpty && residual.Length < second.OutputLength) throw new ArgumentException($"Residual is shorter than the output of {second}.", nameof(residual));
        if (output.Length < second.OutputLength) throw new ArgumentException($"Output is shorter than {second}.", nameof(output));
        if (!Blocks(first, second, isa))
        {
            Conv2dF32.Run(input, firstWeights, firstBias, default, hidden, first, firstActivation, isa);
            Conv2dF32.Run(hidden, secondWeights, secondBias, residual, output, second, activation, isa);
            return;
        }
        int pixels = first.InHeight * first.InWidth;
        // The input's blocks and the result's blocks (the hidden tensor's blocks go in the workspace).
        float[] buffer = ScratchMemory.Reuse(ref t_blocks, (long)(first.InChannels + second.OutChannels) * pixels + 8);
        fixed (float* inputPointer = input)
        fixed (float* firstPointer = firstWeights)
        fixed (float* firstBiasPointer = firstBias)
        fixed (float* hiddenPointer = hidden)
        fixed (float* secondPointer = secondWeights)
        fixed (float* secondBiasPointer = secondBias)
        fixed (float* residualPointer = residual)
        fixed (float* outputPointer = output)
        fixed (float* unaligned = buffer)
        {
            float* inputBlocks = (float*)(((nint)unaligned + 31) & ~(nint)31);
            float* resultBlocks = inputBlocks + (nint)first.InChannels * pixels;
            float* firstPanels = firstPointer + Conv2dF32.PackedLength(first), secondPanels = secondPointer + Conv2dF32.PackedLength(second);
            nint outStride = second.OutputChannelStride;
            for (int n = 0; n < first.Batch; n++)
            {
                PointwiseChannelBlocksAvx.ToBlocks(inputPointer + (nint)n * first.InChannels * first.InputChannelStride, first.InputChannelStride,
                    first.InChannels, pixels, inputBlocks);
                PointwiseChannelBlocksAvx.Convolve(inputBlocks, first.InChannels, pixels, firstPanels, firstBias.IsEmpty ? null : firstBiasPointer,
                    hiddenPointer, first.OutChannels, firstActivation);
                PointwiseChannelBlocksAvx.Convolve(hiddenPointer, second.InChannels, pixels, secondPanels, secondBias.IsEmpty ? null : secondBiasPointer,
                    resultBlocks, second.OutChannels, outputPointer + (nint)n * second.OutChannels * outStride, outStride,
                    residual.IsEmpty ? null : residualPointer + (nint)n * second.OutChannels * outStride, activation);
            }
        }
    }

    /// <summary>
    /// Whether the channel-blocked form runs: 256-bit vectors with AVX2 and FMA (with AVX-512 the two steps keep their
    /// 16-channel GEMM tiles), whole blocks and groups on both sides, and planes of at least <see cref="MinPixels"/>.
    /// </summary>
    internal static bool Blocks(in Conv2dGeometry first, in Conv2dGeometry second, KernelIsa isa)
        => isa == KernelIsa.Vector256 && PointwiseChannelBlocksAvx.IsSupported
           && PointwiseChannelBlocksAvx.TakesChannels(first.InChannels, first.OutChannels)
           && PointwiseChannelBlocksAvx.TakesChannels(second.InChannels, second.OutChannels)
           && first.InHeight * first.InWidth >= MinPixels;

    /// <summary>
    /// Pixels from which the blocked pair beats the two GEMM steps. Zen 3, same process alternating with the two steps
    /// (expansion with GELU, projection with a residual): RepViT-M0.9's 192 → 384 → 192 on 14×14 0.87, 96 → 192 → 96 on
    /// 28×28 0.97, 48 → 96 → 48 on 56×56 0.85, but 384 → 768 → 384 on 7×7 1.05 (49 pixels: the last 6-pixel tile
    /// repeats 5, and the weights, 2.3 MB, outweigh the input).
    /// </summary>
    internal const int MinPixels = 100;
}
