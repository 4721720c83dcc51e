using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// 3×3 depthwise rows at stride 1 with one cell of padding left and right, or at stride 2 with one on the left, read straight from the input rows with
/// 256-bit vectors (AVX and FMA): every tap is an unaligned load, and the taps that reach into the padding (left of a
/// row's first cell, right of its last) are masked loads whose masked-off lanes read as zero and never fault. The padded
/// band this replaces copied every input row first, a pass as long as a third of the products. The products go through
/// <see cref="DepthwiseConvolution.Sum3x3"/> like the band's, so the same bits.
/// </summary>
internal static unsafe class DepthwiseRowsAvx
{
    private const int Width = 8;

    /// <summary>Output rows [rowStart, rowEnd) of one plane, before the epilogue; rows above and below the input read <paramref name="zeroRow"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rows3x3Stride1(float* plane, int width, int height, int padTop, float* kernel, float* output, int rowStart, int rowEnd, float* zeroRow)
    {
        Vector256<float> w00 = Vector256.Create(kernel[0]), w01 = Vector256.Create(kernel[1]), w02 = Vector256.Create(kernel[2]);
        Vector256<float> w10 = Vector256.Create(kernel[3]), w11 = Vector256.Create(kernel[4]), w12 = Vector256.Create(kernel[5]);
        Vector256<float> w20 = Vector256.Create(kernel[6]), w21 = Vector256.Create(kernel[7]), w22 = Vector256.Create(kernel[8]);
        // Vectors whose three taps all lie inside the row: x from 1 on, x + Width + 1 <= width.
        int innerEnd = width - Width - 1;
        for (int outY = rowStart; outY < rowEnd; outY++)
        {
            int inY = outY - padTop;
            float* r0 = InputRowsAvx512.InputRow(plane, inY, width, height, zeroRow);
            float* r1 = InputRowsAvx512.InputRow(plane, inY + 1, width, height, zeroRow);
            float* r2 = InputRowsAvx512.InputRow(plane, inY + 2, width, height, zeroRow);
            float* outRow = output + (nint)outY * width;
            Edge(r0, r1, r2, 0, width, w00, w01, w02, w10, w11, w12, w20, w21, w22, outRow);
            int x = Width;
            for (; x <= innerEnd; x += Width)
                Avx.Store(outRow + x, DepthwiseConvolution.Sum3x3<Vector256Isa, Vector256<float>>(w00, w01, w02, w10, w11, w12, w20, w21, w22,
                    Avx.LoadVector256(r0 + x - 1), Avx.LoadVector256(r0 + x), Avx.LoadVector256(r0 + x + 1),
                    Avx.LoadVector256(r1 + x - 1), Avx.LoadVector256(r1 + x), Avx.LoadVector256(r1 + x + 1),
                    Avx.LoadVector256(r2 + x - 1), Avx.LoadVector256(r2 + x), Avx.LoadVector256(r2 + x + 1)));
            for (; x < width; x += Width)
                Edge(r0, r1, r2, x, width, w00, w01, w02, w10, w11, w12, w20, w21, w22, outRow);
        }
    }

    /// <summary>
    /// Output rows [rowStart, rowEnd) of one plane at stride 2 (one cell of padding on the left), before the epilogue.
    /// Eight outputs at x need the cells 2x − 1 … 2x + 15 of each input row: the sixteen from 2x − 1 split by one VSHUFPS
    /// into the left taps (even lanes) and the middle taps (odd lanes), the sixteen from 2x + 1 give the right taps. The
    /// shuffle leaves the eight outputs in the order 0, 1, 4, 5, 2, 3, 6, 7 in every tap alike, and the weights are the
    /// same in every lane, so the sums are put back in order once, before the store, instead of once per tap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rows3x3Stride2(float* plane, int width, int height, int padTop, float* kernel, float* output, int outWidth,
        int rowStart, int rowEnd, float* zeroRow)
    {
        Vector256<float> w00 = Vector256.Create(kernel[0]), w01 = Vector256.Create(kernel[1]), w02 = Vector256.Create(kernel[2]);
        Vector256<float> w10 = Vector256.Create(kernel[3]), w11 = Vector256.Create(kernel[4]), w12 = Vector256.Create(kernel[5]);
        Vector256<float> w20 = Vector256.Create(kernel[6]), w21 = Vector256.Create(kernel[7]), w22 = Vector256.Create(kernel[8]);
        for (int outY = rowStart; outY < rowEnd; outY++)
        {
            int inY = 2 * outY - padTop;
            float* r0 = InputRowsAvx512.InputRow(plane, inY, width, height, zeroRow);
            float* r1 = InputRowsAvx512.InputRow(plane, inY + 1, width, height, zeroRow);
            float* r2 = InputRowsAvx512.InputRow(plane, inY + 2, width, height, zeroRow);
            float* outRow = output + (nint)outY * outWidth;
            for (int x = 0; x < outWidth; x += Width)
            {
                int at = 2 * x;
                // Inside the row the four loads per input row are plain; at its ends they are masked to its cells.
                bool inside = at >= 1 && at + 2 * Width + 1 <= width;
                Vector256<float> sum = DepthwiseConvolution.Sum3x3<Vector256Isa, Vector256<float>>(w00, w01, w02, w10, w11, w12, w20, w21, w22,
                    Stride2Taps(r0, at, width, inside, out Vector256<float> m0, out Vector256<float> q0), m0, q0,
                    Stride2Taps(r1, at, width, inside, out Vector256<float> m1, out Vector256<float> q1), m1, q1,
                    Stride2Taps(r2, at, width, inside, out Vector256<float> m2, out Vector256<float> q2), m2, q2);
                // Lanes 0, 1, 4, 5, 2, 3, 6, 7 back to 0 … 7: the 64-bit pairs in the order 0, 2, 1, 3.
                sum = Avx2.Permute4x64(sum.AsDouble(), 0b11_01_10_00).AsSingle();
                if (x + Width <= outWidth) Avx.Store(outRow + x, sum);
                else Avx.MaskStore(outRow + x, Lanes(x, outWidth), sum);
            }
        }
    }

    /// <summary>The left, middle and right taps of eight stride-2 outputs whose first window starts at cell at − 1, in the lane order 0, 1, 4, 5, 2, 3, 6, 7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Stride2Taps(float* row, int at, int width, bool inside, out Vector256<float> middle, out Vector256<float> right)
    {
        Vector256<float> a0, a1, b0, b1;
        if (inside)
        {
            a0 = Avx.LoadVector256(row + at - 1);
            a1 = Avx.LoadVector256(row + at + Width - 1);
            b0 = Avx.LoadVector256(row + at + 1);
            b1 = Avx.LoadVector256(row + at + Width + 1);
        }
        else
        {
            a0 = Avx.MaskLoad(row + at - 1, Lanes(at - 1, width));
            a1 = Avx.MaskLoad(row + at + Width - 1, Lanes(at + Width - 1, width));
            b0 = Avx.MaskLoad(row + at + 1, Lanes(at + 1, width));
            b1 = Avx.MaskLoad(row + at + Width + 1, Lanes(at + Width + 1, width));
        }
        middle = Avx.Shuffle(a0, a1, 0b11_01_11_01);
        right = Avx.Shuffle(b0, b1, 0b10_00_10_00);
        return Avx.Shuffle(a0, a1, 0b10_00_10_00);
    }

    /// <summary>The vector of outputs at [x, x + 8) whose taps may reach past either end of the row: masked loads and store.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Edge(float* r0, float* r1, float* r2, int x, int width,
        Vector256<float> w00, Vector256<float> w01, Vector256<float> w02, Vector256<float> w10, Vector256<float> w11, Vector256<float> w12,
        Vector256<float> w20, Vector256<float> w21, Vector256<float> w22, float* outRow)
    {
        // Lane i of the tap at offset d reads row cell x + i + d, kept when that lies in [0, width).
        Vector256<float> left = Lanes(x - 1, width), middle = Lanes(x, width), right = Lanes(x + 1, width);
        Vector256<float> sum = DepthwiseConvolution.Sum3x3<Vector256Isa, Vector256<float>>(w00, w01, w02, w10, w11, w12, w20, w21, w22,
            Avx.MaskLoad(r0 + x - 1, left), Avx.MaskLoad(r0 + x, middle), Avx.MaskLoad(r0 + x + 1, right),
            Avx.MaskLoad(r1 + x - 1, left), Avx.MaskLoad(r1 + x, middle), Avx.MaskLoad(r1 + x + 1, right),
            Avx.MaskLoad(r2 + x - 1, left), Avx.MaskLoad(r2 + x, middle), Avx.MaskLoad(r2 + x + 1, right));
        Avx.MaskStore(outRow + x, middle, sum);
    }

    /// <summary>All ones in the lanes i with 0 &lt;= start + i &lt; width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Lanes(int start, int width)
    {
        Vector256<int> cell = Vector256.Create(start) + Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        return Vector256.LessThan(cell.AsUInt32(), Vector256.Create((uint)width)).AsSingle();
    }
}
