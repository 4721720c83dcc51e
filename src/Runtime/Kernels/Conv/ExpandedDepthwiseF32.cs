using System;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// A pointwise expansion followed by the depthwise convolution that alone reads it (the first two steps of every
/// MobileNetV2/V3 inverted residual block): with AVX2 and FMA as 256-bit vectors, one pass
/// (<see cref="DepthwiseChannelBlocks.RunExpanded"/>) whose expanded channels go from the expansion's registers
/// straight into the depthwise channel blocks, never to memory; elsewhere the two convolutions of
/// <see cref="Conv2dF32"/> one after the other, through <c>expanded</c>.
/// </summary>
public static unsafe class ExpandedDepthwiseF32
{
    /// <summary>
    /// The expansion's weights [out, in, 1, 1] for <see cref="Run"/>: the transposed 16-channel panels of the one pass,
    /// then the pointwise convolution's own packing (<see cref="Conv2dF32.PackWeights"/>) for the two steps.
    /// </summary>
    public static float[] PackExpansionWeights(ReadOnlySpan<float> weights, in Conv2dGeometry expansion)
    {
        if (!Conv2dF32.IsPointwise(expansion))
            throw new ArgumentException($"The expansion must be a pointwise convolution, not {expansion}.", nameof(expansion));
        float[] pointwise = Conv2dF32.PackWeights(weights, expansion);
        long panels = DepthwiseChannelBlocks.ExpansionPanelsLength(expansion.OutChannels, expansion.InChannels);
        var packed = new float[PackedLength(expansion)];
        DepthwiseChannelBlocks.PackExpansion(weights, expansion.OutChannels, expansion.InChannels, packed.AsSpan(0, (int)panels));
        pointwise.CopyTo(packed.AsSpan((int)panels));
        return packed;
    }

    /// <summary>Floats <see cref="PackExpansionWeights"/> returns: the panels, then the pointwise packing.</summary>
    private static long PackedLength(in Conv2dGeometry expansion)
        => DepthwiseChannelBlocks.ExpansionPanelsLength(expansion.OutChannels, expansion.InChannels) + Conv2dF32.PackedLength(expansion);

    /// <summary>
    /// output = depthwise(expansionActivation(expansion(input))), with the depthwise step's bias, residual and
    /// activation. <paramref name="expanded"/> holds the expansion's output when the two steps run apart (its length is
    /// the expansion's output, laid out as <paramref name="expansion"/> says); the one pass leaves it untouched.
    /// </summary>
    public static void Run(ReadOnlySpan<float> input, ReadOnlySpan<float> expansionWeights, ReadOnlySpan<float> expansionBias, Activation expansionActivation,
        Span<float> expanded, ReadOnlySpan<float> depthwiseWeights, ReadOnlySpan<float> depthwiseBias, ReadOnlySpan<float> residual, Span<float> output,
        in Conv2dGeometry expansion, in Conv2dGeometry depthwise, Activation activation)
        => Run(input, expansionWeights, expansionBias, expansionActivation, expanded, depthwiseWeights, depthwiseBias, residual, output, expansion, depthwise,
            activation, KernelIsaSelector.Best);

    internal static void Run(ReadOnlySpan<float> input, ReadOnlySpan<float> expansionWeights, ReadOnlySpan<float> expansionBias, Activation expansionActivation,
        Span<float> expanded, ReadOnlySpan<float> depthwiseWeights, ReadOnlySpan<float> depthwiseBias, ReadOnlySpan<float> residual, Span<float> output,
        in Conv2dGeometry expansion, in Conv2dGeometry depthwise, Activation activation, KernelIsa isa)
    {
        if (!Conv2dF32.IsPointwise(expansion))
            throw new ArgumentException($"The expansion must be a pointwise convolution, not {expansion}.", nameof(expansion));
        if (depthwise.Groups != depthwise.InChannels || depthwise.InChannels != expansion.OutChannels || depthwise.Batch != expansion.Batch
            || depthwise.InHeight != expansion.OutHeight || depthwise.InWidth != expansion.OutWidth)
            throw new ArgumentException($"The depthwise convolution {depthwise} does not read the expansion {expansion}.", nameof(depthwise));
        long panels = DepthwiseChannelBlocks.ExpansionPanelsLength(expansion.OutChannels, expansion.InChannels);
        if (expansionWeights.Length < PackedLength(expansion))
            throw new ArgumentException($"Expected {PackedLength(expansion)} packed expansion weights for {expansion} (PackExpansionWeights), got {expansionWeights.Length}.",
                nameof(expansionWeights));
        // Every span is checked here, whichever form runs, so a call that fails on one machine fails on all of them.
        expansion.Validate(convolution: true);
        depthwise.Validate(convolution: true);
        if (input.Length < expansion.InputLength) throw new ArgumentException($"Input is shorter than {expansion}.", nameof(input));
        if (!expansionBias.IsEmpty && expansionBias.Length < expansion.OutChannels) throw new ArgumentException("The expansion's bias is shorter than its output channels.", nameof(expansionBias));
        if (expanded.Length < expansion.OutputLength)
            throw new ArgumentException($"The expanded workspace must hold the output of {expansion}: {expansion.OutputLength} floats, got {expanded.Length}.", nameof(expanded));
        if (depthwiseWeights.Length < depthwise.WeightLength) throw new ArgumentException($"Weights are shorter than {depthwise}.", nameof(depthwiseWeights));
        if (!depthwiseBias.IsEmpty && depthwiseBias.Length < depthwise.OutChannels) throw new ArgumentException("The depthwise bias is shorter than its channels.", nameof(depthwiseBias));
        if (!residual.IsEmpty && residual.Length < depthwise.OutputLength) throw new ArgumentException($"Residual is shorter than the output of {depthwise}.", nameof(residual));
        if (output.Length < depthwise.OutputLength) throw new ArgumentException($"Output is shorter than {depthwise}.", nameof(output));
        if (!Fuses(expansion, depthwise, expansionActivation, isa))
        {
            var pointwise = expansionWeights.Slice((int)panels);
            Conv2dF32.Run(input, pointwise, expansionBias, default, expanded, expansion, expansionActivation, isa);
            Conv2dF32.Run(expanded, depthwiseWeights, depthwiseBias, residual, output, depthwise, activation, isa);
            return;
        }
        fixed (float* inputPointer = input)
        fixed (float* panelPointer = expansionWeights)
        fixed (float* expansionBiasPointer = expansionBias)
        fixed (float* weightPointer = depthwiseWeights)
        fixed (float* biasPointer = depthwiseBias)
        fixed (float* residualPointer = residual)
        fixed (float* outputPointer = output)
        {
            DepthwiseChannelBlocks.RunExpanded(inputPointer, expansion.InChannels, expansion.InputChannelStride, panelPointer,
                expansionBias.IsEmpty ? null : expansionBiasPointer, expansionActivation, weightPointer, depthwiseBias.IsEmpty ? null : biasPointer,
                residual.IsEmpty ? null : residualPointer, outputPointer, depthwise, activation);
        }
    }

    /// <summary>
    /// Whether the one pass runs: 256-bit vectors with AVX2 and FMA (with AVX-512 the two steps keep their 16-channel
    /// kernels), an expansion activation it takes, a depthwise geometry the channel blocks take, and input planes that
    /// are not 4 KiB multiples apart (their rows would share the L1 sets the expansion's broadcasts read; the memory plan
    /// pads such planes apart).
    /// </summary>
    internal static bool Fuses(in Conv2dGeometry expansion, in Conv2dGeometry depthwise, Activation expansionActivation, KernelIsa isa)
        => isa == KernelIsa.Vector256 && DepthwiseChannelBlocks.FusesExpansionActivation(expansionActivation.Kind)
           && DepthwiseChannelBlocks.SupportsExpanded(depthwise) && expansion.InputChannelStride % AliasingStride != 0;

    /// <summary>Plane strides (floats) whose multiples put every plane's rows in the same L1 sets (4 KiB).</summary>
    private const int AliasingStride = 1024;
}
