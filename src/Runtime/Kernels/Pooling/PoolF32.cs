using System.Runtime.CompilerServices;
using System;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// Pooling over NCHW planes. Window pooling reuses the depthwise row buffers (<see cref="DepthwiseConvolution.FillRow"/>):
/// padded cells hold -inf for max and 0 for average, so each tap is an unconditional vector load along the output row
/// (horizontal stride 1 or 2; other strides use the scalar loop).
/// </summary>
public static unsafe class PoolF32
{
    private const int MaxBufferFloats = 24 * 1024;

    /// <summary>output[p] = mean of plane p (planes = N*C, each planeSize long).</summary>
    public static void GlobalAverage(ReadOnlySpan<float> input, Span<float> output, int planes, int planeSize)
        => ReduceF32.Run(ReduceKind.Mean, input, output, planes, planeSize, 1);

    internal static void GlobalAverage(ReadOnlySpan<float> input, Span<float> output, int planes, int planeSize, KernelIsa isa)
        => ReduceF32.Run(ReduceKind.Mean, input, output, planes, planeSize, 1, isa);

    /// <summary>Max over each window; InChannels must equal OutChannels (Groups is ignored); padded cells are ignored.</summary>
    public static void MaxPool2d(ReadOnlySpan<float> input, Span<float> output, in Conv2dGeometry g)
        => Pool(input, output, g, average: false, countIncludePad: false, KernelIsaSelector.Best);

    internal static void MaxPool2d(ReadOnlySpan<float> input, Span<float> output, in Conv2dGeometry g, KernelIsa isa)
        => Pool(input, output, g, average: false, countIncludePad: false, isa);

    /// <summary>
    /// Mean over each window. With <paramref name="countIncludePad"/> the divisor is always KH*KW; otherwise the number
    /// of window cells inside the input. (With ceil_mode windows that overhang the explicit padding, ONNX Runtime clips
    /// the include-pad divisor to the padded extent; this API has no bottom/right padding to clip to.)
    /// </summary>
    public static void AveragePool2d(ReadOnlySpan<float> input, Span<float> output, in Conv2dGeometry g, bool countIncludePad)
        => Pool(input, output, g, average: true, countIncludePad, KernelIsaSelector.Best);

    internal static void AveragePool2d(ReadOnlySpan<float> input, Span<float> output, in Conv2dGeometry g, bool countIncludePad, KernelIsa isa)
        => Pool(input, output, g, average: true, countIncludePad, isa);

    private static void Pool(ReadOnlySpan<float> input, Span<float> output, in Conv2dGeometry g, bool average, bool countIncludePad, KernelIsa isa)
    {
        g.Validate(convolution: false);
        if (g.InChannels != g.OutChannels) throw new ArgumentException("Pooling keeps the channel count.", nameof(g));
        if (input.Length < g.InputLength || output.Length < g.OutputLength) throw new ArgumentException($"Spans shorter than {g}.");
        bool vectorizable = isa != KernelIsa.Scalar && (g.StrideWidth == 1 || g.StrideWidth == 2)
            && (long)(DepthwiseConvolution.SlotCount(g) + 2) * DepthwiseConvolution.RowLength(g, 16) + 2 * (g.OutWidth + 16) <= MaxBufferFloats;
        fixed (float* inputPointer = input)
        fixed (float* outputPointer = output)
        {
            if (!vectorizable) PoolScalar(inputPointer, outputPointer, g, average, countIncludePad);
            else if (isa == KernelIsa.Vector512) Pool<Vector512Isa, System.Runtime.Intrinsics.Vector512<float>>(inputPointer, outputPointer, g, average, countIncludePad);
            else if (isa == KernelIsa.Vector256) Pool<Vector256Isa, System.Runtime.Intrinsics.Vector256<float>>(inputPointer, outputPointer, g, average, countIncludePad);
            else Pool<Vector128Isa, System.Runtime.Intrinsics.Vector128<float>>(inputPointer, outputPointer, g, average, countIncludePad);
        }
    }

    /// <summary>Number of taps k in [0, kernel) with 0 &lt;= start + k*dilation &lt; extent.</summary>
    private static int ValidTaps(int start, int kernel, int dilation, int extent)
    {
        int count = 0;
        for (int k = 0; k < kernel; k++)
            if ((uint)(start + k * dilation) < (uint)extent) count++;
        return count;
    }

    private static void PoolScalar(float* input, float* output, in Conv2dGeometry g, bool average, bool countIncludePad)
    {
        int inPlane = g.InHeight * g.InWidth, outPlane = g.OutHeight * g.OutWidth;
        for (int plane = 0; plane < g.Batch * g.InChannels; plane++)
        {
            float* x = input + (nint)plane * inPlane;
            float* y = output + (nint)plane * outPlane;
            for (int outY = 0; outY < g.OutHeight; outY++)
                for (int outX = 0; outX < g.OutWidth; outX++)
                {
                    int startY = outY * g.StrideHeight - g.PadTop, startX = outX * g.StrideWidth - g.PadLeft;
                    float accumulator = average ? 0f : float.NegativeInfinity;
                    int count = 0;
                    for (int ky = 0; ky < g.KernelHeight; ky++)
                    {
                        int inY = startY + ky * g.DilationHeight;
                        if ((uint)inY >= (uint)g.InHeight) continue;
                        for (int kx = 0; kx < g.KernelWidth; kx++)
                        {
                            int inX = startX + kx * g.DilationWidth;
                            if ((uint)inX >= (uint)g.InWidth) continue;
                            float value = x[inY * g.InWidth + inX];
                            accumulator = average ? accumulator + value : MathF.Max(accumulator, value);
                            count++;
                        }
                    }
                    if (average)
                    {
                        int divisor = countIncludePad ? g.KernelHeight * g.KernelWidth : count;
                        accumulator = divisor == 0 ? 0f : accumulator / divisor;
                    }
                    y[outY * g.OutWidth + outX] = accumulator;
                }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pool<TIsa, TVector>(float* input, float* output, in Conv2dGeometry g, bool average, bool countIncludePad)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        int slots = DepthwiseConvolution.SlotCount(g);
        int rowLength = DepthwiseConvolution.RowLength(g, width);
        int half = rowLength / 2;
        int kernelHeight = g.KernelHeight, kernelWidth = g.KernelWidth;
        int inPlane = g.InHeight * g.InWidth, outPlane = g.OutHeight * g.OutWidth;
        float padValue = average ? 0f : float.NegativeInfinity;

        float* buffers = stackalloc float[slots * rowLength];
        int* tags = stackalloc int[slots];
        float** rows = stackalloc float*[kernelHeight];
        int* tapOffsets = stackalloc int[kernelWidth];
        for (int kx = 0; kx < kernelWidth; kx++)
        {
            int reach = kx * g.DilationWidth;
            tapOffsets[kx] = g.StrideWidth == 1 ? reach : (reach % 2 == 0 ? reach / 2 : half + reach / 2);
        }
        // 1 / (valid taps along x) per output column, for average pooling that excludes padding.
        int roundedOutWidth = (g.OutWidth + width - 1) / width * width;
        float* inverseCountX = stackalloc float[roundedOutWidth];
        for (int outX = 0; outX < roundedOutWidth; outX++)
        {
            int valid = outX < g.OutWidth ? ValidTaps(outX * g.StrideWidth - g.PadLeft, kernelWidth, g.DilationWidth, g.InWidth) : 1;
            inverseCountX[outX] = countIncludePad ? 1f / kernelWidth : valid == 0 ? 0f : 1f / valid;
        }

        for (int plane = 0; plane < g.Batch * g.InChannels; plane++)
        {
            float* x = input + (nint)plane * inPlane;
            float* y = output + (nint)plane * outPlane;
            for (int slot = 0; slot < slots; slot++) tags[slot] = int.MinValue;
            for (int outY = 0; outY < g.OutHeight; outY++)
            {
                int validRows = 0;
                for (int ky = 0; ky < kernelHeight; ky++)
                {
                    int inY = outY * g.StrideHeight - g.PadTop + ky * g.DilationHeight;
                    if ((uint)inY >= (uint)g.InHeight) continue;
                    int slot = inY % slots;
                    float* buffer = buffers + slot * rowLength;
                    if (tags[slot] != inY)
                    {
                        DepthwiseConvolution.FillRow<TIsa, TVector>(x + (nint)inY * g.InWidth, g.InWidth, g.PadLeft, g.StrideWidth, buffer, rowLength, padValue);
                        tags[slot] = inY;
                    }
                    rows[validRows++] = buffer;
                }
                float* outRow = y + (nint)outY * g.OutWidth;
                float scaleY = countIncludePad ? 1f / kernelHeight : validRows == 0 ? 0f : 1f / validRows;
                TVector scaleYVector = TIsa.Broadcast(scaleY);
                for (int outX = 0; outX < g.OutWidth; outX += width)
                {
                    TVector accumulator = TIsa.Broadcast(padValue);
                    for (int r = 0; r < validRows; r++)
                    {
                        float* row = rows[r] + outX;
                        for (int kx = 0; kx < kernelWidth; kx++)
                        {
                            TVector value = TIsa.Load(row + tapOffsets[kx]);
                            accumulator = average ? TIsa.Add(accumulator, value) : TIsa.Max(accumulator, value);
                        }
                    }
                    if (average) accumulator = TIsa.Multiply(TIsa.Multiply(accumulator, scaleYVector), TIsa.Load(inverseCountX + outX));
                    if (outX + width <= g.OutWidth) TIsa.Store(outRow + outX, accumulator);
                    else TIsa.StorePartial(outRow + outX, accumulator, g.OutWidth - outX);
                }
            }
        }
    }
}
