using System.Runtime.CompilerServices;
using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>ONNX Resize coordinate_transformation_mode (opset 11-19), mapping an output coordinate to an input one.</summary>
public enum CoordinateTransform { HalfPixel, PytorchHalfPixel, AlignCorners, Asymmetric }

/// <summary>ONNX Resize nearest_mode.</summary>
public enum NearestRounding { RoundPreferFloor, RoundPreferCeil, Floor, Ceil }

/// <summary>
/// ONNX Resize over the two innermost axes of NCHW (modes linear and nearest), with ONNX Runtime's arithmetic:
/// coordinates in float, linear coordinates clamped to [0, in-1] (the same as the spec's edge padding of neighbours),
/// nearest indices clamped to [0, in-1].
/// </summary>
public static unsafe class ResizeF32
{
    private const int MaxStackFloats = 16 * 1024;

    /// <summary>Bilinear resize of <paramref name="planes"/> (= N*C) planes; scaleH/scaleW are ONNX's scales (output/input unless given explicitly).</summary>
    public static void Bilinear(ReadOnlySpan<float> input, Span<float> output, int planes, int inHeight, int inWidth, int outHeight, int outWidth,
        float scaleH, float scaleW, CoordinateTransform transform)
        => Bilinear(input, output, planes, inHeight, inWidth, outHeight, outWidth, scaleH, scaleW, transform, KernelIsaSelector.Best);

    /// <summary>Nearest-neighbour resize; see <see cref="Bilinear(ReadOnlySpan{float}, Span{float}, int, int, int, int, int, float, float, CoordinateTransform)"/>.</summary>
    public static void Nearest(ReadOnlySpan<float> input, Span<float> output, int planes, int inHeight, int inWidth, int outHeight, int outWidth,
        float scaleH, float scaleW, CoordinateTransform transform, NearestRounding rounding)
        => Nearest(input, output, planes, inHeight, inWidth, outHeight, outWidth, scaleH, scaleW, transform, rounding, KernelIsaSelector.Best);

    /// <summary>The input coordinate an output coordinate samples, exactly as ONNX Runtime computes it (in float).</summary>
    internal static float SourceCoordinate(int outCoordinate, float scale, int inLength, int outLength, CoordinateTransform transform) => transform switch
    {
        CoordinateTransform.HalfPixel => (outCoordinate + 0.5f) / scale - 0.5f,
        CoordinateTransform.PytorchHalfPixel => outLength > 1 ? (outCoordinate + 0.5f) / scale - 0.5f : 0f,
        // ONNX divides by the unfloored resized length, inLength * scale - 1 (equal to outLength - 1 when sizes are given).
        CoordinateTransform.AlignCorners => outLength == 1 || inLength * scale <= 1f ? 0f : outCoordinate * (float)(inLength - 1) / (inLength * scale - 1f),
        CoordinateTransform.Asymmetric => outCoordinate / scale,
        _ => throw new ArgumentOutOfRangeException(nameof(transform), transform, "Unknown coordinate transform."),
    };

    /// <summary>Linear neighbours and the weight of the second one.</summary>
    internal static void LinearTaps(int outCoordinate, float scale, int inLength, int outLength, CoordinateTransform transform, out int first, out int second, out float weight)
    {
        float source = Math.Clamp(SourceCoordinate(outCoordinate, scale, inLength, outLength, transform), 0f, inLength - 1);
        first = Math.Min((int)source, inLength - 1);
        second = Math.Min(first + 1, inLength - 1);
        weight = source - first;
    }

    internal static int NearestIndex(int outCoordinate, float scale, int inLength, int outLength, CoordinateTransform transform, NearestRounding rounding)
    {
        float source = SourceCoordinate(outCoordinate, scale, inLength, outLength, transform);
        float floor = MathF.Floor(source);
        float fraction = source - floor;
        float index = rounding switch
        {
            NearestRounding.RoundPreferFloor => fraction <= 0.5f ? floor : floor + 1f,
            NearestRounding.RoundPreferCeil => fraction < 0.5f ? floor : floor + 1f,
            NearestRounding.Floor => floor,
            NearestRounding.Ceil => MathF.Ceiling(source),
            _ => throw new ArgumentOutOfRangeException(nameof(rounding), rounding, "Unknown rounding."),
        };
        return (int)Math.Clamp(index, 0f, inLength - 1);
    }

    private static void Validate(ReadOnlySpan<float> input, Span<float> output, int planes, int inHeight, int inWidth, int outHeight, int outWidth)
    {
        if (planes < 0 || inHeight <= 0 || inWidth <= 0 || outHeight <= 0 || outWidth <= 0) throw new ArgumentOutOfRangeException(nameof(planes), "Sizes must be positive.");
        if (input.Length < (long)planes * inHeight * inWidth || output.Length < (long)planes * outHeight * outWidth)
            throw new ArgumentException("input/output shorter than the planes require.");
    }

    internal static void Bilinear(ReadOnlySpan<float> input, Span<float> output, int planes, int inHeight, int inWidth, int outHeight, int outWidth,
        float scaleH, float scaleW, CoordinateTransform transform, KernelIsa isa)
    {
        Validate(input, output, planes, inHeight, inWidth, outHeight, outWidth);
        bool tablesFit = 7L * outWidth + inWidth + 48 <= MaxStackFloats;
        fixed (float* inputPointer = input)
        fixed (float* outputPointer = output)
        {
            if (isa == KernelIsa.Scalar || !tablesFit)
            {
                BilinearScalar(inputPointer, outputPointer, planes, inHeight, inWidth, outHeight, outWidth, scaleH, scaleW, transform);
                return;
            }
            switch (isa)
            {
                case KernelIsa.Vector512: Bilinear<Vector512Isa, System.Runtime.Intrinsics.Vector512<float>>(inputPointer, outputPointer, planes, inHeight, inWidth, outHeight, outWidth, scaleH, scaleW, transform); break;
                case KernelIsa.Vector256: Bilinear<Vector256Isa, System.Runtime.Intrinsics.Vector256<float>>(inputPointer, outputPointer, planes, inHeight, inWidth, outHeight, outWidth, scaleH, scaleW, transform); break;
                default: Bilinear<Vector128Isa, System.Runtime.Intrinsics.Vector128<float>>(inputPointer, outputPointer, planes, inHeight, inWidth, outHeight, outWidth, scaleH, scaleW, transform); break;
            }
        }
    }

    /// <summary>Scalar reference: four taps per output cell, blended as ONNX Runtime does (horizontal, then vertical).</summary>
    private static void BilinearScalar(float* input, float* output, int planes, int inHeight, int inWidth, int outHeight, int outWidth,
        float scaleH, float scaleW, CoordinateTransform transform)
    {
        for (int plane = 0; plane < planes; plane++)
        {
            float* x = input + (nint)plane * inHeight * inWidth;
            float* y = output + (nint)plane * outHeight * outWidth;
            for (int outY = 0; outY < outHeight; outY++)
            {
                LinearTaps(outY, scaleH, inHeight, outHeight, transform, out int y0, out int y1, out float wy);
                for (int outX = 0; outX < outWidth; outX++)
                {
                    LinearTaps(outX, scaleW, inWidth, outWidth, transform, out int x0, out int x1, out float wx);
                    float top = x[y0 * inWidth + x0] * (1f - wx) + x[y0 * inWidth + x1] * wx;
                    float bottom = x[y1 * inWidth + x0] * (1f - wx) + x[y1 * inWidth + x1] * wx;
                    y[outY * outWidth + outX] = top * (1f - wy) + bottom * wy;
                }
            }
        }
    }

    /// <summary>
    /// Blends the two source rows vertically with vectors, then gathers the horizontal taps from the blended row: with
    /// AVX-512 sixteen output columns at a time by a permute from a window of the row, with AVX2 eight at a time by a
    /// gather, else one column at a time. Same products in the same order either way. DeepLabV3's 21 class planes from
    /// 20 × 20 to 320 × 320 took 2.0 ms one column at a time, LR-ASPP's from 40 × 40 1.6 ms eight at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Bilinear<TIsa, TVector>(float* input, float* output, int planes, int inHeight, int inWidth, int outHeight, int outWidth,
        float scaleH, float scaleW, CoordinateTransform transform)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        int* left = stackalloc int[outWidth];
        int* right = stackalloc int[outWidth];
        float* weights = stackalloc float[outWidth];
        float* leftWeights = stackalloc float[outWidth];
        // 32 floats readable past the row: a window of two vectors may start at its last cell.
        float* blended = stackalloc float[inWidth + 32];
        for (int outX = 0; outX < outWidth; outX++)
        {
            LinearTaps(outX, scaleW, inWidth, outWidth, transform, out left[outX], out right[outX], out weights[outX]);
            leftWeights[outX] = 1f - weights[outX];
        }
        // With AVX-512, when each run of sixteen output columns reads its taps from a window of at most 32 cells (any
        // upscaling), the window is two vector loads and a two-table permute picks the sixteen taps: the tables then hold
        // tap positions within each run's window (the run's first left tap). Otherwise AVX2's gather takes eight
        // columns at a time (there is no 512-bit gather to call).
        bool permuted = typeof(TVector) == typeof(Vector512<float>) && Avx512F.IsSupported && outWidth >= 16;
        for (int outX = 0; permuted && outX + 16 <= outWidth; outX += 16)
            for (int j = outX; j < outX + 16; j++)
                permuted &= left[j] >= left[outX] && right[j] >= left[outX] && left[j] - left[outX] < 32 && right[j] - left[outX] < 32;
        int step = permuted ? 16 : 8;
        int gathered = typeof(TVector) != typeof(Vector128<float>) && Avx2.IsSupported ? outWidth / step * step : 0;
        int* windowStart = stackalloc int[permuted ? outWidth / 16 : 0];
        int* leftInWindow = stackalloc int[permuted ? gathered : 0];
        int* rightInWindow = stackalloc int[permuted ? gathered : 0];
        for (int outX = 0; outX < (permuted ? gathered : 0); outX += 16)
        {
            windowStart[outX / 16] = left[outX];
            for (int j = outX; j < outX + 16; j++)
            {
                leftInWindow[j] = left[j] - left[outX];
                rightInWindow[j] = right[j] - left[outX];
            }
        }
        // A single input cell (DeepLab's pooled branch, 1 × 1 → the feature map): every output has the same taps and
        // weights, so the plane is its first output repeated.
        bool single = inHeight == 1 && inWidth == 1;

        for (int plane = 0; plane < planes; plane++)
        {
            float* x = input + (nint)plane * inHeight * inWidth;
            float* y = output + (nint)plane * outHeight * outWidth;
            for (int outY = 0; outY < (single ? 1 : outHeight); outY++)
            {
                LinearTaps(outY, scaleH, inHeight, outHeight, transform, out int y0, out int y1, out float wy);
                float* top = x + (nint)y0 * inWidth;
                float* bottom = x + (nint)y1 * inWidth;
                TVector topWeight = TIsa.Broadcast(1f - wy), bottomWeight = TIsa.Broadcast(wy);
                int i = 0;
                for (; i + width <= inWidth; i += width)
                    TIsa.Store(blended + i, TIsa.MultiplyAdd(TIsa.Load(top + i), topWeight, TIsa.Multiply(TIsa.Load(bottom + i), bottomWeight)));
                if (i < inWidth)
                    TIsa.StorePartial(blended + i, TIsa.MultiplyAdd(TIsa.LoadPartial(top + i, inWidth - i), topWeight,
                        TIsa.Multiply(TIsa.LoadPartial(bottom + i, inWidth - i), bottomWeight)), inWidth - i);
                float* outRow = y + (nint)outY * outWidth;
                if (permuted)
                {
                    for (int outX = 0; outX < gathered; outX += 16)
                    {
                        float* window = blended + windowStart[outX / 16];
                        Vector512<float> low = Avx512F.LoadVector512(window), high = Avx512F.LoadVector512(window + 16);
                        Vector512<float> l = Avx512F.PermuteVar16x32x2(low, Avx512F.LoadVector512(leftInWindow + outX), high);
                        Vector512<float> r = Avx512F.PermuteVar16x32x2(low, Avx512F.LoadVector512(rightInWindow + outX), high);
                        Avx512F.Store(outRow + outX, Avx512F.Add(Avx512F.Multiply(l, Avx512F.LoadVector512(leftWeights + outX)),
                            Avx512F.Multiply(r, Avx512F.LoadVector512(weights + outX))));
                    }
                }
                else
                for (int outX = 0; outX < gathered; outX += 8)
                {
                    Vector256<float> l = Avx2.GatherVector256(blended, Avx.LoadVector256(left + outX), 4);
                    Vector256<float> r = Avx2.GatherVector256(blended, Avx.LoadVector256(right + outX), 4);
                    Avx.Store(outRow + outX, Avx.Add(Avx.Multiply(l, Avx.LoadVector256(leftWeights + outX)), Avx.Multiply(r, Avx.LoadVector256(weights + outX))));
                }
                for (int outX = gathered; outX < outWidth; outX++)
                {
                    float w = weights[outX];
                    outRow[outX] = blended[left[outX]] * (1f - w) + blended[right[outX]] * w;
                }
            }
            if (single) new Span<float>(y, outHeight * outWidth).Fill(y[0]);
        }
    }

    internal static void Nearest(ReadOnlySpan<float> input, Span<float> output, int planes, int inHeight, int inWidth, int outHeight, int outWidth,
        float scaleH, float scaleW, CoordinateTransform transform, NearestRounding rounding, KernelIsa isa)
    {
        Validate(input, output, planes, inHeight, inWidth, outHeight, outWidth);
        fixed (float* inputPointer = input)
        fixed (float* outputPointer = output)
        {
            // Nearest is a pure gather: the vector variants share one table-driven loop (index per output column
            // computed once), the scalar reference recomputes the index per cell from the formula.
            if (isa == KernelIsa.Scalar || outWidth > MaxStackFloats)
            {
                for (int plane = 0; plane < planes; plane++)
                    for (int outY = 0; outY < outHeight; outY++)
                    {
                        int inY = NearestIndex(outY, scaleH, inHeight, outHeight, transform, rounding);
                        for (int outX = 0; outX < outWidth; outX++)
                        {
                            int inX = NearestIndex(outX, scaleW, inWidth, outWidth, transform, rounding);
                            outputPointer[((nint)plane * outHeight + outY) * outWidth + outX] = inputPointer[((nint)plane * inHeight + inY) * inWidth + inX];
                        }
                    }
                return;
            }
            int* columns = stackalloc int[outWidth];
            for (int outX = 0; outX < outWidth; outX++) columns[outX] = NearestIndex(outX, scaleW, inWidth, outWidth, transform, rounding);
            for (int plane = 0; plane < planes; plane++)
            {
                int previousY = -1;
                float* previousRow = null;
                for (int outY = 0; outY < outHeight; outY++)
                {
                    int inY = NearestIndex(outY, scaleH, inHeight, outHeight, transform, rounding);
                    float* outRow = outputPointer + ((nint)plane * outHeight + outY) * outWidth;
                    if (inY == previousY)
                    {
                        // Upsampling repeats rows: copy the finished one.
                        Buffer.MemoryCopy(previousRow, outRow, outWidth * sizeof(float), outWidth * sizeof(float));
                        continue;
                    }
                    float* inRow = inputPointer + ((nint)plane * inHeight + inY) * inWidth;
                    for (int outX = 0; outX < outWidth; outX++) outRow[outX] = inRow[columns[outX]];
                    previousY = inY;
                    previousRow = outRow;
                }
            }
        }
    }
}
