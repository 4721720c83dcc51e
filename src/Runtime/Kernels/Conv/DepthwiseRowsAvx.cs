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
        int outY = rowStart;
        // Two output rows at a time share their middle input rows: 12 loads per two vectors instead of 18 (Zen 3, same
        // process alternating: 2-6 %, 144 channels of 56×56 288 → 273 µs, 192 of 64×64 477 → 461).
        for (; outY + 1 < rowEnd; outY += 2)
        {
            int inY = outY - padTop;
            float* r0 = InputRowsAvx512.InputRow(plane, inY, width, height, zeroRow);
            float* r1 = InputRowsAvx512.InputRow(plane, inY + 1, width, height, zeroRow);
            float* r2 = InputRowsAvx512.InputRow(plane, inY + 2, width, height, zeroRow);
            float* r3 = InputRowsAvx512.InputRow(plane, inY + 3, width, height, zeroRow);
            float* upper = output + (nint)outY * width, lower = upper + width;
            Edge(r0, r1, r2, 0, width, w00, w01, w02, w10, w11, w12, w20, w21, w22, upper);
            Edge(r1, r2, r3, 0, width, w00, w01, w02, w10, w11, w12, w20, w21, w22, lower);
            int x = Width;
            for (; x <= innerEnd; x += Width)
                PairOfVectors(r0 + x, r1 + x, r2 + x, r3 + x, w00, w01, w02, w10, w11, w12, w20, w21, w22, upper + x, lower + x);
            for (; x < width; x += Width)
            {
                Edge(r0, r1, r2, x, width, w00, w01, w02, w10, w11, w12, w20, w21, w22, upper);
                Edge(r1, r2, r3, x, width, w00, w01, w02, w10, w11, w12, w20, w21, w22, lower);
            }
        }
        // A last row alone.
        if (outY < rowEnd)
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
    /// The outputs at x of two consecutive rows, <paramref name="upper"/> from input rows r0-r2 and <paramref name="lower"/>
    /// from r1-r3, each input vector loaded once for both. Each sum takes its kernel rows' products as
    /// <see cref="DepthwiseConvolution.Sum3x3"/> does (a multiply then two multiply-adds per kernel row, the three rows
    /// added in order), so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PairOfVectors(float* r0, float* r1, float* r2, float* r3,
        Vector256<float> w00, Vector256<float> w01, Vector256<float> w02, Vector256<float> w10, Vector256<float> w11, Vector256<float> w12,
        Vector256<float> w20, Vector256<float> w21, Vector256<float> w22, float* upper, float* lower)
    {
        Vector256<float> t = Avx.LoadVector256(r0 - 1);
        Vector256<float> a0 = Avx.Multiply(w00, t);
        a0 = Fma.MultiplyAdd(w01, Avx.LoadVector256(r0), a0);
        a0 = Fma.MultiplyAdd(w02, Avx.LoadVector256(r0 + 1), a0);
        t = Avx.LoadVector256(r1 - 1);
        Vector256<float> a1 = Avx.Multiply(w10, t), b0 = Avx.Multiply(w00, t);
        t = Avx.LoadVector256(r1);
        a1 = Fma.MultiplyAdd(w11, t, a1);
        b0 = Fma.MultiplyAdd(w01, t, b0);
        t = Avx.LoadVector256(r1 + 1);
        a1 = Fma.MultiplyAdd(w12, t, a1);
        b0 = Fma.MultiplyAdd(w02, t, b0);
        t = Avx.LoadVector256(r2 - 1);
        Vector256<float> a2 = Avx.Multiply(w20, t), b1 = Avx.Multiply(w10, t);
        t = Avx.LoadVector256(r2);
        a2 = Fma.MultiplyAdd(w21, t, a2);
        b1 = Fma.MultiplyAdd(w11, t, b1);
        t = Avx.LoadVector256(r2 + 1);
        a2 = Fma.MultiplyAdd(w22, t, a2);
        b1 = Fma.MultiplyAdd(w12, t, b1);
        Avx.Store(upper, Avx.Add(Avx.Add(a0, a1), a2));
        Vector256<float> b2 = Avx.Multiply(w20, Avx.LoadVector256(r3 - 1));
        b2 = Fma.MultiplyAdd(w21, Avx.LoadVector256(r3), b2);
        b2 = Fma.MultiplyAdd(w22, Avx.LoadVector256(r3 + 1), b2);
        Avx.Store(lower, Avx.Add(Avx.Add(b0, b1), b2));
    }

    /// <summary>
    /// Output rows [rowStart, rowEnd) of one plane at stride 2 (one cell of padding on the left), before the epilogue.
    /// Eight outputs at x read the sixteen cells from 2x as two loads, split by VSHUFPS into the even cells (the middle
    /// taps) and the odd ones (the right taps); the left taps are the odd cells one output to the left, the first of
    /// them the previous vector's last (zero, the padding, at the row's start), moved into place by one VPERMPS and a
    /// blend. Two loads per input row where unaligned loads of each tap took four, half of them across cache lines; only
    /// the row's last vector is masked. The shuffles leave the outputs in the order 0, 1, 4, 5, 2, 3, 6, 7 in every tap
    /// alike, and the weights are the same in every lane, so the sums are put in order once, before the store.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rows3x3Stride2(float* plane, int width, int height, int padTop, float* kernel, float* output, int outWidth,
        int rowStart, int rowEnd, float* zeroRow)
    {
        Vector256<float> w00 = Vector256.Create(kernel[0]), w01 = Vector256.Create(kernel[1]), w02 = Vector256.Create(kernel[2]);
        Vector256<float> w10 = Vector256.Create(kernel[3]), w11 = Vector256.Create(kernel[4]), w12 = Vector256.Create(kernel[5]);
        Vector256<float> w20 = Vector256.Create(kernel[6]), w21 = Vector256.Create(kernel[7]), w22 = Vector256.Create(kernel[8]);
        // Lane i of the odd cells (output P(i), P = 0, 1, 4, 5, 2, 3, 6, 7) moved to the lane of output P(i) + 1; lane 0
        // (output 0) takes lane 7 (output 7), which the blend replaces with the previous vector's.
        Vector256<int> toNextOutput = Vector256.Create(7, 0, 5, 2, 1, 4, 3, 6);
        for (int outY = rowStart; outY < rowEnd; outY++)
        {
            int inY = 2 * outY - padTop;
            float* r0 = InputRowsAvx512.InputRow(plane, inY, width, height, zeroRow);
            float* r1 = InputRowsAvx512.InputRow(plane, inY + 1, width, height, zeroRow);
            float* r2 = InputRowsAvx512.InputRow(plane, inY + 2, width, height, zeroRow);
            float* outRow = output + (nint)outY * outWidth;
            Vector256<float> carry0 = Vector256<float>.Zero, carry1 = carry0, carry2 = carry0;
            for (int x = 0; x < outWidth; x += Width)
            {
                int at = 2 * x;
                // Plain loads while the sixteen cells lie in the row; the row's last vector masks the cells past it.
                bool inside = at + 2 * Width <= width;
                Vector256<float> left0 = Stride2Taps(r0, at, width, inside, toNextOutput, ref carry0, out Vector256<float> middle0, out Vector256<float> right0);
                Vector256<float> left1 = Stride2Taps(r1, at, width, inside, toNextOutput, ref carry1, out Vector256<float> middle1, out Vector256<float> right1);
                Vector256<float> left2 = Stride2Taps(r2, at, width, inside, toNextOutput, ref carry2, out Vector256<float> middle2, out Vector256<float> right2);
                Vector256<float> sum = DepthwiseConvolution.Sum3x3<Vector256Isa, Vector256<float>>(w00, w01, w02, w10, w11, w12, w20, w21, w22,
                    left0, middle0, right0, left1, middle1, right1, left2, middle2, right2);
                // Lanes 0, 1, 4, 5, 2, 3, 6, 7 back to 0 … 7: the 64-bit pairs in the order 0, 2, 1, 3.
                sum = Avx2.Permute4x64(sum.AsDouble(), 0b11_01_10_00).AsSingle();
                if (x + Width <= outWidth) Avx.Store(outRow + x, sum);
                else Vector256Isa.StoreInPieces(outRow + x, sum, outWidth - x);
            }
        }
    }

    /// <summary>
    /// The left, middle and right taps of eight stride-2 outputs whose cells start at <paramref name="at"/>, in the lane
    /// order 0, 1, 4, 5, 2, 3, 6, 7. <paramref name="carry"/> holds the previous vector's odd cells moved one output on
    /// (its lane 0 is the left tap of this vector's output 0) and becomes this vector's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Stride2Taps(float* row, int at, int width, bool inside, Vector256<int> toNextOutput, ref Vector256<float> carry,
        out Vector256<float> middle, out Vector256<float> right)
    {
        Vector256<float> low = inside ? Avx.LoadVector256(row + at) : Avx.MaskLoad(row + at, Lanes(at, width));
        Vector256<float> high = inside ? Avx.LoadVector256(row + at + Width) : Avx.MaskLoad(row + at + Width, Lanes(at + Width, width));
        middle = Avx.Shuffle(low, high, 0b10_00_10_00);
        right = Avx.Shuffle(low, high, 0b11_01_11_01);
        Vector256<float> moved = Avx2.PermuteVar8x32(right, toNextOutput);
        Vector256<float> left = Avx.Blend(moved, carry, 0b0000_0001);
        carry = moved;
        return left;
    }

    /// <summary>
    /// The vector of outputs at [x, x + 8) whose taps may reach past either end of the row: masked loads, and a plain
    /// store of the outputs inside the row (a masked store cost 7-31 % of 3 × 3 stride-1 steps on a Zen 3: 144 channels of
    /// 56×56 426 → 333 µs, 192 of 28×28 153 → 117, 64 of 128×128 546 → 464, same process alternating).
    /// </summary>
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
        if (x + Width <= width) Avx.Store(outRow + x, sum);
        else Vector256Isa.StoreInPieces(outRow + x, sum, width - x);
    }

    /// <summary>All ones in the lanes i with 0 &lt;= start + i &lt; width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Lanes(int start, int width)
    {
        Vector256<int> cell = Vector256.Create(start) + Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        return Vector256.LessThan(cell.AsUInt32(), Vector256.Create((uint)width)).AsSingle();
    }
}
