using System.Runtime.CompilerServices;
using System;
using System.Runtime.Intrinsics;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// 2-D convolution over NCHW tensors with a fused epilogue: output = act(conv(input) + bias[c] + residual).
/// One entry point, the kernel chosen by geometry and instruction set:
/// pointwise (1x1, stride 1, no padding, one group) is the GEMM W[Cout, Cin] · X[Cin, H*W];
/// depthwise (one filter per channel, horizontal stride 1 or 2) is <see cref="DepthwiseConvolution"/> or
/// <see cref="DepthwiseChannelBlocks"/>;
/// dense 3×3 stride 1 from 25 tiles on is <see cref="WinogradConvolution"/>, and dense convolutions whose taps mostly
/// read the zero padding (atrous 3×3 on small maps) are <see cref="TapwiseConvolution"/>;
/// the stem (3×3 stride 2 on an image's few channels) with AVX-512 is <see cref="ShallowConv3x3Stride2"/>; with AVX and
/// FMA every dense 3×3 stride-2 convolution of up to 48 inputs is <see cref="Conv3x3Stride2ChannelVectorsAvx"/> (output
/// channels along the vector), or <see cref="ShallowConv3x3Stride2Avx"/> for the stems when the weights are in the ONNX
/// layout alone;
/// dense stride-1 convolutions keeping the input's size, with AVX-512 and rows of 16 or more outputs, are a GEMM over a
/// zero-padded copy of the input (<see cref="PaddedInputConvolution"/>);
/// everything else (the rest of dense 3x3, dilated, grouped) is an implicit GEMM per group whose B panels are
/// gathered from the input on the fly (<see cref="Im2colPanels"/>).
/// </summary>
public static unsafe class Conv2dF32
{
    /// <summary>
    /// Weights in ONNX layout [OutChannels, InChannels/Groups, KH, KW] to the layout <see cref="Run"/> reads: for a
    /// pointwise convolution over more than one pixel with six or more output channels, <see cref="InterleavedRowTiles"/>
    /// (each 6-channel tile's weights depth by depth, one stream for the GEMM tile's broadcasts); for a 3×3 stride-1
    /// convolution <see cref="WinogradConvolution"/> takes, the ONNX layout followed by the Winograd-transformed kernels
    /// (16 / 9 times as many floats again); for a convolution whose taps mostly read the zero padding
    /// (<see cref="TapwiseConvolution"/>), the ONNX layout followed by one interleaved [out × in] matrix per tap; for a
    /// pointwise convolution on a 1 × 1 plane with more outputs than inputs, the ONNX layout followed by Wᵀ in
    /// <see cref="GemmF32.PackB"/>'s panels (<see cref="TakesOnePixelPanels"/>); for a dense 3×3 stride-2 convolution of up to
    /// 48 inputs, the ONNX layout followed by <see cref="Conv3x3Stride2ChannelVectorsAvx"/>'s panels of 24 or 16 output
    /// channels (on every machine, so the layout does not depend on it); for every other convolution the ONNX layout
    /// as-is (a row of W per output channel is one GEMM row of A), validated and copied.
    /// </summary>
    public static float[] PackWeights(ReadOnlySpan<float> weights, in Conv2dGeometry g)
    {
        g.Validate(convolution: true);
        if (weights.Length != g.WeightLength)
            throw new ArgumentException($"Expected {g.WeightLength} weights for {g}, got {weights.Length}.", nameof(weights));
        if (InterleavesWeights(g)) return InterleavedRowTiles.Pack(weights, g.OutChannels, g.InChannels);
        // The ONNX layout (the scalar reference reads it), then the Winograd kernels, the per-tap matrices or the transposed
        // panels the vector paths read.
        bool winograd = WinogradConvolution.Supports(g), perTap = !winograd && TapwiseConvolution.Supports(g), onePixel = TakesOnePixelPanels(g);
        bool channelVectors = !winograd && !perTap && Conv3x3Stride2ChannelVectorsAvx.TakesGeometry(g);
        var packed = new float[PackedLength(g)];
        weights.CopyTo(packed);
        Span<float> after = packed.AsSpan((int)g.WeightLength);
        if (winograd) WinogradConvolution.TransformWeights(weights, g.OutChannels, g.InChannels, after);
        else if (perTap) TapwiseConvolution.PackWeights(weights, g, after);
        else if (onePixel) GemmF32.PackBInto(weights, g.InChannels, g.OutChannels, bTransposed: true, after);
        else if (channelVectors) Conv3x3Stride2ChannelVectorsAvx.PackWeights(weights, g, after);
        return packed;
    }

    /// <summary>Floats <see cref="PackWeights"/> returns for <paramref name="g"/>.</summary>
    internal static long PackedLength(in Conv2dGeometry g)
        => g.WeightLength + (InterleavesWeights(g) ? InterleavedRowTiles.Padding
            : WinogradConvolution.Supports(g) ? WinogradConvolution.TransformedLength(g)
            : TapwiseConvolution.Supports(g) ? TapwiseConvolution.TransformedLength(g)
            : TakesOnePixelPanels(g) ? OnePixelPanelsLength(g)
            : Conv3x3Stride2ChannelVectorsAvx.TakesGeometry(g) ? Conv3x3Stride2ChannelVectorsAvx.PackedLength(g) : 0);

    /// <summary>
    /// A pointwise convolution on a 1 × 1 plane with contiguous channels and more outputs than inputs (the expanding half
    /// of squeeze-and-excitation): the batch's pixels times the transposed weights, a product of a row per batch item
    /// whose weights come after the ONNX layout as the 64-column panels of <see cref="GemmF32.PackB"/>. Its tiles sweep
    /// each panel once, one contiguous stream of weights, where the row-by-row dot product read four rows of a few hundred
    /// floats at a time. In-process A/B inside MobileNetV3-L (Zen 3): 240 → 960 111 → 70 and 94 → 62 µs, 168 → 672 58 → 38
    /// and 55 → 36, 120 → 480 27 → 19. The reducing half keeps the dot products, whose rows are long: 960 → 240 74 → 80,
    /// 672 → 168 37 → 41 and 38 → 44 with the panels.
    /// </summary>
    internal static bool TakesOnePixelPanels(in Conv2dGeometry g)
        => IsPointwise(g) && g.InHeight * g.InWidth == 1 && !g.HasChannelStrides && g.OutChannels > g.InChannels;

    private static long OnePixelPanelsLength(in Conv2dGeometry g) => GemmF32.PackedLength(g.InChannels, g.OutChannels);

    /// <summary>Whether <see cref="PackWeights"/> interleaves: the pointwise GEMM with at least one whole 6-row tile (one pixel is a GEMV over rows).</summary>
    internal static bool InterleavesWeights(in Conv2dGeometry g)
        => IsPointwise(g) && g.InHeight * g.InWidth > 1 && g.OutChannels >= GemmMicrokernels.TileRows;

    /// <summary>
    /// input [Batch, InChannels, InHeight, InWidth] → output [Batch, OutChannels, OutHeight, OutWidth].
    /// bias empty or OutChannels long; residual empty or the output's shape. output must not overlap input or residual
    /// (the raw sums are stored before the epilogue reads the residual). packedWeights as <see cref="PackWeights"/> made
    /// them: for a 3×3 stride-1 convolution the Winograd kernel takes, weights longer than the ONNX layout are read as
    /// carrying the transformed kernels after it, and weights of exactly that length take the direct convolution; the
    /// same holds for the per-tap matrices of <see cref="TapwiseConvolution"/>, the transposed panels of
    /// <see cref="TakesOnePixelPanels"/> and the channel-vector panels of <see cref="Conv3x3Stride2ChannelVectorsAvx"/>.
    /// </summary>
    public static void Run(ReadOnlySpan<float> input, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> bias, ReadOnlySpan<float> residual,
        Span<float> output, in Conv2dGeometry g, Activation activation)
        => Run(input, packedWeights, bias, residual, output, g, activation, KernelIsaSelector.Best);

    internal static void Run(ReadOnlySpan<float> input, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> bias, ReadOnlySpan<float> residual,
        Span<float> output, in Conv2dGeometry g, Activation activation, KernelIsa isa)
    {
        g.Validate(convolution: true);
        if (input.Length < g.InputLength) throw new ArgumentException($"Input is shorter than {g}.", nameof(input));
        if (packedWeights.Length < g.WeightLength) throw new ArgumentException($"Weights are shorter than {g}.", nameof(packedWeights));
        // Interleaved tiles are read a little past the ONNX layout's length (InterleavedRowTiles.Padding): weights of only
        // that length are not PackWeights' output, and the tiles would read past them.
        if (InterleavesWeights(g) && packedWeights.Length < PackedLength(g))
            throw new ArgumentException($"Expected {PackedLength(g)} packed weights for {g} (PackWeights interleaves a pointwise convolution's weights by 6-row tiles), got {packedWeights.Length}.",
                nameof(packedWeights));
        if (!bias.IsEmpty && bias.Length < g.OutChannels) throw new ArgumentException("Bias is shorter than OutChannels.", nameof(bias));
        if (!residual.IsEmpty && residual.Length < g.OutputLength) throw new ArgumentException($"Residual is shorter than the output of {g}.", nameof(residual));
        if (output.Length < g.OutputLength) throw new ArgumentException($"Output is shorter than {g}.", nameof(output));

        fixed (float* inputPointer = input)
        fixed (float* weightPointer = packedWeights)
        fixed (float* biasPointer = bias)
        fixed (float* residualPointer = residual)
        fixed (float* outputPointer = output)
        {
            float* biasOrNull = bias.IsEmpty ? null : biasPointer;
            float* residualOrNull = residual.IsEmpty ? null : residualPointer;
            // The reference loop reads the ONNX layout; interleaved weights go through the pointwise path's scalar GEMM.
            if (isa == KernelIsa.Scalar && !InterleavesWeights(g))
            {
                Conv2dReference.Run(inputPointer, weightPointer, biasOrNull, residualOrNull, outputPointer, g, activation);
                return;
            }
            if (TakesOnePixelPanels(g) && packedWeights.Length >= g.WeightLength + OnePixelPanelsLength(g))
            {
                // [Batch, InChannels] · Wᵀ: a row per batch item, the bias per column, the residual laid out as the output.
                var source = new PrepackedPanels(weightPointer + g.WeightLength, g.InChannels);
                var epilogue = new GemmEpilogue(1f, null, biasOrNull, residualOrNull, activation);
                GemmDriver.Run(isa, ref source, inputPointer, g.InChannels, 1, outputPointer, g.OutChannels, g.Batch, g.InChannels, g.OutChannels, epilogue);
            }
            else if (IsPointwise(g))
                RunPointwise(isa, inputPointer, weightPointer, biasOrNull, residualOrNull, outputPointer, g, activation);
            else if (WinogradConvolution.Supports(g) && packedWeights.Length >= g.WeightLength + WinogradConvolution.TransformedLength(g))
                WinogradConvolution.Run(isa, inputPointer, weightPointer + g.WeightLength, biasOrNull, residualOrNull, outputPointer, g, activation);
            else if (DepthwiseConvolution.Supports(g))
                RunDepthwise(isa, inputPointer, weightPointer, biasOrNull, residualOrNull, outputPointer, g, activation);
            else if (packedWeights.Length >= g.WeightLength + TapwiseConvolution.TransformedLength(g) && TapwiseConvolution.Supports(g))
                TapwiseConvolution.Run(isa, inputPointer, weightPointer + g.WeightLength, biasOrNull, residualOrNull, outputPointer, g, activation);
            else if (isa == KernelIsa.Vector512 && ShallowConv3x3Stride2.Supports(g))
                ShallowConv3x3Stride2.Run(inputPointer, weightPointer, biasOrNull, residualOrNull, outputPointer, g, activation);
            else if (isa == KernelIsa.Vector256 && Conv3x3Stride2ChannelVectorsAvx.Supports(g)
                     && packedWeights.Length >= g.WeightLength + Conv3x3Stride2ChannelVectorsAvx.PackedLength(g))
                Conv3x3Stride2ChannelVectorsAvx.Run(inputPointer, weightPointer + g.WeightLength, biasOrNull, residualOrNull, outputPointer, g, activation);
            else if (isa == KernelIsa.Vector256 && ShallowConv3x3Stride2Avx.Supports(g))
                ShallowConv3x3Stride2Avx.Run(inputPointer, weightPointer, biasOrNull, residualOrNull, outputPointer, g, activation);
            else if (isa == KernelIsa.Vector512 && PaddedInputConvolution.Supports(g))
                PaddedInputConvolution.Run(inputPointer, weightPointer, biasOrNull, residualOrNull, outputPointer, g, activation);
            else
                RunImplicitGemm(isa, inputPointer, weightPointer, biasOrNull, residualOrNull, outputPointer, g, activation);
        }
    }

    internal static bool IsPointwise(in Conv2dGeometry g)
        => g.KernelHeight == 1 && g.KernelWidth == 1 && g.StrideHeight == 1 && g.StrideWidth == 1 && g.PadTop == 0 && g.PadLeft == 0
           && g.Groups == 1 && g.OutHeight == g.InHeight && g.OutWidth == g.InWidth;

    private static void RunPointwise(KernelIsa isa, float* input, float* weights, float* bias, float* residual, float* output, in Conv2dGeometry g, Activation activation)
    {
        int plane = g.InHeight * g.InWidth;
        for (int n = 0; n < g.Batch; n++)
        {
            nint inOffset = (nint)n * g.InChannels * g.InputChannelStride, outOffset = (nint)n * g.OutChannels * g.OutputChannelStride;
            var epilogue = new GemmEpilogue(1f, bias, null, residual == null ? null : residual + outOffset, activation);
            if (plane == 1 && !g.HasChannelStrides)
            {
                GemvF32.Run(isa, weights, g.InChannels, input + inOffset, output + outOffset, g.OutChannels, g.InChannels, epilogue);
                continue;
            }
            if (isa == KernelIsa.Scalar)
            {
                InterleavedRowTiles.RunScalar(weights, input + inOffset, g.InputChannelStride, output + outOffset, g.OutputChannelStride,
                    g.OutChannels, g.InChannels, plane, epilogue);
                continue;
            }
            var source = new RowMajorPanels(input + inOffset, g.InputChannelStride);
            GemmDriver.Run(isa, ref source, weights, g.InChannels, 1, output + outOffset, g.OutputChannelStride, g.OutChannels, g.InChannels, plane,
                epilogue, interleavedA: InterleavesWeights(g));
        }
    }

    private static void RunImplicitGemm(KernelIsa isa, float* input, float* weights, float* bias, float* residual, float* output, in Conv2dGeometry g, Activation activation)
    {
        switch (isa)
        {
            case KernelIsa.Vector512: RunImplicitGemm<Vector512Isa, Vector512<float>>(input, weights, bias, residual, output, g, activation); break;
            case KernelIsa.Vector256: RunImplicitGemm<Vector256Isa, Vector256<float>>(input, weights, bias, residual, output, g, activation); break;
            default: RunImplicitGemm<Vector128Isa, Vector128<float>>(input, weights, bias, residual, output, g, activation); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunImplicitGemm<TIsa, TVector>(float* input, float* weights, float* bias, float* residual, float* output, in Conv2dGeometry g, Activation activation)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int inPerGroup = g.InChannels / g.Groups, outPerGroup = g.OutChannels / g.Groups;
        int depth = inPerGroup * g.KernelHeight * g.KernelWidth;
        int outPlane = g.OutHeight * g.OutWidth;
        nint inStride = g.InputChannelStride, outStride = g.OutputChannelStride;
        bool wholePlane = WholePlaneTaps.Applies<TVector>(g);
        int* tapOffsets = stackalloc int[wholePlane ? WholePlaneTaps.MaxTaps : 1];
        float* tapMasks = stackalloc float[wholePlane ? WholePlaneTaps.MaxTaps * GemmDriver.PanelWidth : 1];
        var taps = wholePlane ? WholePlaneTaps.Prepare(g, tapOffsets, tapMasks) : default;
        for (int n = 0; n < g.Batch; n++)
            for (int group = 0; group < g.Groups; group++)
            {
                nint inOffset = ((nint)n * g.InChannels + group * inPerGroup) * inStride;
                nint outOffset = ((nint)n * g.OutChannels + group * outPerGroup) * outStride;
                var epilogue = new GemmEpilogue(1f, bias == null ? null : bias + group * outPerGroup, null,
                    residual == null ? null : residual + outOffset, activation);
                var source = new Im2colPanels<TIsa, TVector>(input + inOffset, g, taps);
                GemmDriver.Run<TIsa, TVector, Im2colPanels<TIsa, TVector>>(ref source, weights + (nint)group * outPerGroup * depth, depth, 1,
                    output + outOffset, outStride, outPerGroup, depth, outPlane, epilogue);
            }
    }

    private static void RunDepthwise(KernelIsa isa, float* input, float* weights, float* bias, float* residual, float* output, in Conv2dGeometry g, Activation activation)
    {
        switch (isa)
        {
            case KernelIsa.Vector512 when DepthwiseChannelBlocks.Supports<Vector512<float>>(g):
                DepthwiseChannelBlocks.Run<Vector512Isa, Vector512<float>>(input, weights, bias, residual, output, g, activation); break;
            case KernelIsa.Vector256 when DepthwiseChannelBlocks.Supports<Vector256<float>>(g):
                DepthwiseChannelBlocks.Run<Vector256Isa, Vector256<float>>(input, weights, bias, residual, output, g, activation); break;
            case KernelIsa.Vector512: DepthwiseConvolution.Run<Vector512Isa, Vector512<float>>(input, weights, bias, residual, output, g, activation); break;
            case KernelIsa.Vector256: DepthwiseConvolution.Run<Vector256Isa, Vector256<float>>(input, weights, bias, residual, output, g, activation); break;
            default: DepthwiseConvolution.Run<Vector128Isa, Vector128<float>>(input, weights, bias, residual, output, g, activation); break;
        }
    }
}
