using System;

namespace MobileViT.Runtime;

/// <summary>
/// Shape of a 2-D convolution or pooling window over NCHW tensors. Bottom/right padding is implied by the output size:
/// cells read past the input are zero (convolution) or ignored (pooling).
/// </summary>
public readonly struct Conv2dGeometry
{
    public Conv2dGeometry(int batch, int inChannels, int inHeight, int inWidth, int outChannels, int outHeight, int outWidth,
        int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int padTop, int padLeft,
        int dilationHeight, int dilationWidth, int groups)
        : this(batch, inChannels, inHeight, inWidth, outChannels, outHeight, outWidth, kernelHeight, kernelWidth, strideHeight, strideWidth,
            padTop, padLeft, dilationHeight, dilationWidth, groups, 0, 0)
    {
    }

    /// <param name="inputChannelStride">
    /// Floats from one input channel's plane to the next (0: the planes are contiguous, InHeight · InWidth). The compiler
    /// pads planes whose size is a multiple of 4 KiB, whose rows would otherwise share cache sets. Every convolution
    /// path reads and writes padded planes; pooling does not take them.
    /// </param>
    /// <param name="outputChannelStride">The same for the output (and the residual, which has the output's layout).</param>
    public Conv2dGeometry(int batch, int inChannels, int inHeight, int inWidth, int outChannels, int outHeight, int outWidth,
        int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int padTop, int padLeft,
        int dilationHeight, int dilationWidth, int groups, int inputChannelStride, int outputChannelStride)
    {
        InputChannelStride = inputChannelStride == 0 ? inHeight * inWidth : inputChannelStride;
        OutputChannelStride = outputChannelStride == 0 ? outHeight * outWidth : outputChannelStride;
        Batch = batch;
        InChannels = inChannels;
        InHeight = inHeight;
        InWidth = inWidth;
        OutChannels = outChannels;
        OutHeight = outHeight;
        OutWidth = outWidth;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        StrideHeight = strideHeight;
        StrideWidth = strideWidth;
        PadTop = padTop;
        PadLeft = padLeft;
        DilationHeight = dilationHeight;
        DilationWidth = dilationWidth;
        Groups = groups;
    }

    public int Batch { get; }
    public int InChannels { get; }
    public int InHeight { get; }
    public int InWidth { get; }
    public int OutChannels { get; }
    public int OutHeight { get; }
    public int OutWidth { get; }
    public int KernelHeight { get; }
    public int KernelWidth { get; }
    public int StrideHeight { get; }
    public int StrideWidth { get; }
    public int PadTop { get; }
    public int PadLeft { get; }
    public int DilationHeight { get; }
    public int DilationWidth { get; }
    public int Groups { get; }
    /// <summary>Floats from one input channel's plane to the next; batch items are InChannels such strides apart.</summary>
    public int InputChannelStride { get; }
    /// <summary>Floats from one output (and residual) channel's plane to the next.</summary>
    public int OutputChannelStride { get; }

    internal bool HasChannelStrides => InputChannelStride != InHeight * InWidth || OutputChannelStride != OutHeight * OutWidth;

    internal long InputLength => Span(Batch * InChannels, InputChannelStride, InHeight * InWidth);
    internal long OutputLength => Span(Batch * OutChannels, OutputChannelStride, OutHeight * OutWidth);

    /// <summary>Floats from the first plane's start to the last plane's end.</summary>
    private static long Span(int planes, int stride, int plane) => planes <= 0 ? 0 : (long)(planes - 1) * stride + plane;
    internal long WeightLength => (long)OutChannels * (InChannels / Math.Max(Groups, 1)) * KernelHeight * KernelWidth;

    internal void Validate(bool convolution)
    {
        if (Batch < 0 || InChannels <= 0 || InHeight <= 0 || InWidth <= 0 || OutChannels <= 0 || OutHeight <= 0 || OutWidth <= 0)
            throw new ArgumentException($"Invalid sizes in {this}.");
        if (KernelHeight <= 0 || KernelWidth <= 0 || StrideHeight <= 0 || StrideWidth <= 0 || DilationHeight <= 0 || DilationWidth <= 0 || PadTop < 0 || PadLeft < 0)
            throw new ArgumentException($"Invalid window in {this}.");
        if (convolution && (Groups <= 0 || InChannels % Groups != 0 || OutChannels % Groups != 0))
            throw new ArgumentException($"Groups must divide both channel counts in {this}.");
        if (InputChannelStride < InHeight * InWidth || OutputChannelStride < OutHeight * OutWidth)
            throw new ArgumentException($"Channel strides shorter than a plane in {this}.");
        if (!convolution && HasChannelStrides)
            throw new ArgumentException($"Pooling takes contiguous planes only, not {this}.");
    }

    public override string ToString() =>
        $"[{Batch},{InChannels},{InHeight},{InWidth}] -> [{Batch},{OutChannels},{OutHeight},{OutWidth}] k{KernelHeight}x{KernelWidth} s{StrideHeight}x{StrideWidth} p{PadTop},{PadLeft} d{DilationHeight}x{DilationWidth} g{Groups}" +
        (HasChannelStrides ? $" channel strides {InputChannelStride}, {OutputChannelStride}" : "");
}
