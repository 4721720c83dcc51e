using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace MobileViT.Runtime;

/// <summary>
/// The last step of a ConvTranspose with stride 2 along the width: the even output columns come from one phase
/// convolution and the odd ones from another, so each output row is the two phase rows zipped. A strided copy per
/// phase writes every other float, one at a time; zipping both rows in registers writes whole vectors.
/// </summary>
public static unsafe class InterleaveF32
{
    /// <summary>
    /// destination[p·planeStride + j·rowStride + 2i] = even[(p·rows + j)·evenWidth + i] and
    /// destination[... + 2i + 1] = odd[(p·rows + j)·oddWidth + i], for <paramref name="planes"/> × <paramref name="rows"/>
    /// rows; evenWidth is oddWidth or oddWidth + 1 (an odd output width).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ZipRows(ReadOnlySpan<float> even, ReadOnlySpan<float> odd, Span<float> destination,
        int planes, int rows, int evenWidth, int oddWidth, int rowStride, int planeStride)
    {
        if (planes <= 0 || rows <= 0 || oddWidth < 0 || (evenWidth != oddWidth && evenWidth != oddWidth + 1))
            throw new ArgumentException($"Expected positive plane and row counts and an even width equal to the odd width or one more; got {planes} planes, {rows} rows, widths {evenWidth} and {oddWidth}.", nameof(evenWidth));
        int width = evenWidth + oddWidth;
        if (rowStride < width || (planes > 1 && planeStride < (long)(rows - 1) * rowStride + width))
            throw new ArgumentException($"Rows {rowStride} floats apart and planes {planeStride} apart overlap rows of {width} floats.", nameof(rowStride));
        long evenLength = (long)planes * rows * evenWidth, oddLength = (long)planes * rows * oddWidth;
        long destinationLength = (long)(planes - 1) * planeStride + (long)(rows - 1) * rowStride + width;
        if (even.Length < evenLength) throw new ArgumentException($"Expected at least {evenLength} even-column floats, got {even.Length}.", nameof(even));
        if (odd.Length < oddLength) throw new ArgumentException($"Expected at least {oddLength} odd-column floats, got {odd.Length}.", nameof(odd));
        if (destination.Length < destinationLength) throw new ArgumentException($"Expected a destination of at least {destinationLength} floats, got {destination.Length}.", nameof(destination));

        fixed (float* evenPointer = even)
        fixed (float* oddPointer = odd)
        fixed (float* destinationPointer = destination)
        {
            float* a = evenPointer, b = oddPointer;
            for (int p = 0; p < planes; p++)
                for (int j = 0; j < rows; j++, a += evenWidth, b += oddWidth)
                    ZipRow(a, b, destinationPointer + (long)p * planeStride + (long)j * rowStride, evenWidth, oddWidth);
        }
    }

    /// <summary>
    /// destination[2i] = even[i], destination[2i + 1] = odd[i]; evenWidth is oddWidth or oddWidth + 1. Inlined: the
    /// Winograd convolution's output transform and the patch fold call it for rows of 4 to 64 floats.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ZipRow(float* even, float* odd, float* destination, int evenWidth, int oddWidth)
    {
        int i = 0;
        if (Avx512F.IsSupported)
        {
            // Lanes 0-15 index the first source, 16-31 the second: [e0 o0 e1 o1 ...] for each half.
            var low = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
            var high = Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
            for (; i + 16 <= oddWidth; i += 16)
            {
                var e = Avx512F.LoadVector512(even + i);
                var o = Avx512F.LoadVector512(odd + i);
                Avx512F.Store(destination + 2 * i, Avx512F.PermuteVar16x32x2(e, low, o));
                Avx512F.Store(destination + 2 * i + 16, Avx512F.PermuteVar16x32x2(e, high, o));
            }
        }
        if (Avx.IsSupported)
        {
            for (; i + 8 <= oddWidth; i += 8)
            {
                var e = Avx.LoadVector256(even + i);
                var o = Avx.LoadVector256(odd + i);
                // Unpack zips within each 128-bit half; the lane permutes put the halves in order.
                var lowPairs = Avx.UnpackLow(e, o);   // e0 o0 e1 o1 | e4 o4 e5 o5
                var highPairs = Avx.UnpackHigh(e, o); // e2 o2 e3 o3 | e6 o6 e7 o7
                Avx.Store(destination + 2 * i, Avx.Permute2x128(lowPairs, highPairs, 0x20));
                Avx.Store(destination + 2 * i + 8, Avx.Permute2x128(lowPairs, highPairs, 0x31));
            }
        }
        if (Sse.IsSupported)
        {
            for (; i + 4 <= oddWidth; i += 4)
            {
                var e = Sse.LoadVector128(even + i);
                var o = Sse.LoadVector128(odd + i);
                Sse.Store(destination + 2 * i, Sse.UnpackLow(e, o));
                Sse.Store(destination + 2 * i + 4, Sse.UnpackHigh(e, o));
            }
        }
        else if (AdvSimd.Arm64.IsSupported)
        {
            for (; i + 4 <= oddWidth; i += 4)
            {
                var e = AdvSimd.LoadVector128(even + i);
                var o = AdvSimd.LoadVector128(odd + i);
                AdvSimd.Store(destination + 2 * i, AdvSimd.Arm64.ZipLow(e, o));
                AdvSimd.Store(destination + 2 * i + 4, AdvSimd.Arm64.ZipHigh(e, o));
            }
        }
        for (; i < oddWidth; i++)
        {
            destination[2 * i] = even[i];
            destination[2 * i + 1] = odd[i];
        }
        if (evenWidth > oddWidth) destination[2 * oddWidth] = even[oddWidth];
    }
}
