using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MobileViT.Runtime.Simd;

/// <summary>
/// 16 × 16 float transposes in AVX-512 registers, for kernels that move NCHW planes in and out of a channel-blocked
/// scratch (16 channels along the vector). Callers check <see cref="Avx512F.IsSupported"/>.
/// </summary>
internal static unsafe class Avx512Transpose
{
    private const int Width = 16;

    /// <summary>
    /// A 16 × 16 transpose: row i of the source (the first <paramref name="lanes"/> of its 16 floats, <paramref name="rows"/>
    /// rows, the rest zero) becomes column i of the destination, of which the first <paramref name="storeRows"/> rows are
    /// stored, <paramref name="storeLanes"/> floats each. Unpacks of pairs, then of quadruples, then two 128-bit lane shuffles.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose16(float* source, nint sourceStride, int rows, int lanes, float* destination, nint destinationStride, int storeRows, int storeLanes)
    {
        // Whole blocks skip the per-row bounds (two thirds of the instructions otherwise).
        if (rows == Width && lanes == Width && storeRows == Width && storeLanes == Width)
        {
            TransposeWhole(source, sourceStride, destination, destinationStride);
            return;
        }
        Vector512<float> r0 = Row(source, sourceStride, 0, rows, lanes), r1 = Row(source, sourceStride, 1, rows, lanes);
        Vector512<float> r2 = Row(source, sourceStride, 2, rows, lanes), r3 = Row(source, sourceStride, 3, rows, lanes);
        Vector512<float> r4 = Row(source, sourceStride, 4, rows, lanes), r5 = Row(source, sourceStride, 5, rows, lanes);
        Vector512<float> r6 = Row(source, sourceStride, 6, rows, lanes), r7 = Row(source, sourceStride, 7, rows, lanes);
        Vector512<float> r8 = Row(source, sourceStride, 8, rows, lanes), r9 = Row(source, sourceStride, 9, rows, lanes);
        Vector512<float> r10 = Row(source, sourceStride, 10, rows, lanes), r11 = Row(source, sourceStride, 11, rows, lanes);
        Vector512<float> r12 = Row(source, sourceStride, 12, rows, lanes), r13 = Row(source, sourceStride, 13, rows, lanes);
        Vector512<float> r14 = Row(source, sourceStride, 14, rows, lanes), r15 = Row(source, sourceStride, 15, rows, lanes);
        TransposeInRegisters(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, ref r8, ref r9, ref r10, ref r11, ref r12, ref r13, ref r14, ref r15);
        Column(destination, destinationStride, 0, storeRows, storeLanes, r0);
        Column(destination, destinationStride, 1, storeRows, storeLanes, r1);
        Column(destination, destinationStride, 2, storeRows, storeLanes, r2);
        Column(destination, destinationStride, 3, storeRows, storeLanes, r3);
        Column(destination, destinationStride, 4, storeRows, storeLanes, r4);
        Column(destination, destinationStride, 5, storeRows, storeLanes, r5);
        Column(destination, destinationStride, 6, storeRows, storeLanes, r6);
        Column(destination, destinationStride, 7, storeRows, storeLanes, r7);
        Column(destination, destinationStride, 8, storeRows, storeLanes, r8);
        Column(destination, destinationStride, 9, storeRows, storeLanes, r9);
        Column(destination, destinationStride, 10, storeRows, storeLanes, r10);
        Column(destination, destinationStride, 11, storeRows, storeLanes, r11);
        Column(destination, destinationStride, 12, storeRows, storeLanes, r12);
        Column(destination, destinationStride, 13, storeRows, storeLanes, r13);
        Column(destination, destinationStride, 14, storeRows, storeLanes, r14);
        Column(destination, destinationStride, 15, storeRows, storeLanes, r15);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeWhole(float* source, nint sourceStride, float* destination, nint destinationStride)
    {
        Vector512<float> r0 = Vector512.Load(source), r1 = Vector512.Load(source + sourceStride);
        Vector512<float> r2 = Vector512.Load(source + 2 * sourceStride), r3 = Vector512.Load(source + 3 * sourceStride);
        Vector512<float> r4 = Vector512.Load(source + 4 * sourceStride), r5 = Vector512.Load(source + 5 * sourceStride);
        Vector512<float> r6 = Vector512.Load(source + 6 * sourceStride), r7 = Vector512.Load(source + 7 * sourceStride);
        Vector512<float> r8 = Vector512.Load(source + 8 * sourceStride), r9 = Vector512.Load(source + 9 * sourceStride);
        Vector512<float> r10 = Vector512.Load(source + 10 * sourceStride), r11 = Vector512.Load(source + 11 * sourceStride);
        Vector512<float> r12 = Vector512.Load(source + 12 * sourceStride), r13 = Vector512.Load(source + 13 * sourceStride);
        Vector512<float> r14 = Vector512.Load(source + 14 * sourceStride), r15 = Vector512.Load(source + 15 * sourceStride);
        TransposeInRegisters(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7, ref r8, ref r9, ref r10, ref r11, ref r12, ref r13, ref r14, ref r15);
        Vector512.Store(r0, destination);
        Vector512.Store(r1, destination + destinationStride);
        Vector512.Store(r2, destination + 2 * destinationStride);
        Vector512.Store(r3, destination + 3 * destinationStride);
        Vector512.Store(r4, destination + 4 * destinationStride);
        Vector512.Store(r5, destination + 5 * destinationStride);
        Vector512.Store(r6, destination + 6 * destinationStride);
        Vector512.Store(r7, destination + 7 * destinationStride);
        Vector512.Store(r8, destination + 8 * destinationStride);
        Vector512.Store(r9, destination + 9 * destinationStride);
        Vector512.Store(r10, destination + 10 * destinationStride);
        Vector512.Store(r11, destination + 11 * destinationStride);
        Vector512.Store(r12, destination + 12 * destinationStride);
        Vector512.Store(r13, destination + 13 * destinationStride);
        Vector512.Store(r14, destination + 14 * destinationStride);
        Vector512.Store(r15, destination + 15 * destinationStride);
    }

    /// <summary>
    /// Sixteen rows to sixteen columns: pairs of rows interleaved element by element, then two floats at a time (each
    /// 128-bit lane then holds one column of four rows), then 128-bit lanes gathered twice (even lanes 0x88, odd 0xDD).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeInRegisters(ref Vector512<float> r0, ref Vector512<float> r1, ref Vector512<float> r2, ref Vector512<float> r3,
        ref Vector512<float> r4, ref Vector512<float> r5, ref Vector512<float> r6, ref Vector512<float> r7,
        ref Vector512<float> r8, ref Vector512<float> r9, ref Vector512<float> r10, ref Vector512<float> r11,
        ref Vector512<float> r12, ref Vector512<float> r13, ref Vector512<float> r14, ref Vector512<float> r15)
    {
        Vector512<float> t0 = Avx512F.UnpackLow(r0, r1), t1 = Avx512F.UnpackHigh(r0, r1);
        Vector512<float> t2 = Avx512F.UnpackLow(r2, r3), t3 = Avx512F.UnpackHigh(r2, r3);
        Vector512<float> t4 = Avx512F.UnpackLow(r4, r5), t5 = Avx512F.UnpackHigh(r4, r5);
        Vector512<float> t6 = Avx512F.UnpackLow(r6, r7), t7 = Avx512F.UnpackHigh(r6, r7);
        Vector512<float> t8 = Avx512F.UnpackLow(r8, r9), t9 = Avx512F.UnpackHigh(r8, r9);
        Vector512<float> t10 = Avx512F.UnpackLow(r10, r11), t11 = Avx512F.UnpackHigh(r10, r11);
        Vector512<float> t12 = Avx512F.UnpackLow(r12, r13), t13 = Avx512F.UnpackHigh(r12, r13);
        Vector512<float> t14 = Avx512F.UnpackLow(r14, r15), t15 = Avx512F.UnpackHigh(r14, r15);

        Vector512<float> u0 = PairLow(t0, t2), u1 = PairHigh(t0, t2), u2 = PairLow(t1, t3), u3 = PairHigh(t1, t3);
        Vector512<float> u4 = PairLow(t4, t6), u5 = PairHigh(t4, t6), u6 = PairLow(t5, t7), u7 = PairHigh(t5, t7);
        Vector512<float> u8 = PairLow(t8, t10), u9 = PairHigh(t8, t10), u10 = PairLow(t9, t11), u11 = PairHigh(t9, t11);
        Vector512<float> u12 = PairLow(t12, t14), u13 = PairHigh(t12, t14), u14 = PairLow(t13, t15), u15 = PairHigh(t13, t15);

        t0 = Avx512F.Shuffle4x128(u0, u4, 0x88); t1 = Avx512F.Shuffle4x128(u1, u5, 0x88);
        t2 = Avx512F.Shuffle4x128(u2, u6, 0x88); t3 = Avx512F.Shuffle4x128(u3, u7, 0x88);
        t4 = Avx512F.Shuffle4x128(u0, u4, 0xDD); t5 = Avx512F.Shuffle4x128(u1, u5, 0xDD);
        t6 = Avx512F.Shuffle4x128(u2, u6, 0xDD); t7 = Avx512F.Shuffle4x128(u3, u7, 0xDD);
        t8 = Avx512F.Shuffle4x128(u8, u12, 0x88); t9 = Avx512F.Shuffle4x128(u9, u13, 0x88);
        t10 = Avx512F.Shuffle4x128(u10, u14, 0x88); t11 = Avx512F.Shuffle4x128(u11, u15, 0x88);
        t12 = Avx512F.Shuffle4x128(u8, u12, 0xDD); t13 = Avx512F.Shuffle4x128(u9, u13, 0xDD);
        t14 = Avx512F.Shuffle4x128(u10, u14, 0xDD); t15 = Avx512F.Shuffle4x128(u11, u15, 0xDD);

        r0 = Avx512F.Shuffle4x128(t0, t8, 0x88); r1 = Avx512F.Shuffle4x128(t1, t9, 0x88);
        r2 = Avx512F.Shuffle4x128(t2, t10, 0x88); r3 = Avx512F.Shuffle4x128(t3, t11, 0x88);
        r4 = Avx512F.Shuffle4x128(t4, t12, 0x88); r5 = Avx512F.Shuffle4x128(t5, t13, 0x88);
        r6 = Avx512F.Shuffle4x128(t6, t14, 0x88); r7 = Avx512F.Shuffle4x128(t7, t15, 0x88);
        r8 = Avx512F.Shuffle4x128(t0, t8, 0xDD); r9 = Avx512F.Shuffle4x128(t1, t9, 0xDD);
        r10 = Avx512F.Shuffle4x128(t2, t10, 0xDD); r11 = Avx512F.Shuffle4x128(t3, t11, 0xDD);
        r12 = Avx512F.Shuffle4x128(t4, t12, 0xDD); r13 = Avx512F.Shuffle4x128(t5, t13, 0xDD);
        r14 = Avx512F.Shuffle4x128(t6, t14, 0xDD); r15 = Avx512F.Shuffle4x128(t7, t15, 0xDD);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Row(float* source, nint stride, int row, int rows, int lanes)
        => row >= rows ? Vector512<float>.Zero : lanes == Width ? Vector512.Load(source + row * stride) : Vector512Isa.LoadPartial(source + row * stride, lanes);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Column(float* destination, nint stride, int row, int rows, int lanes, Vector512<float> value)
    {
        if (row >= rows) return;
        if (lanes == Width) Vector512.Store(value, destination + row * stride);
        else Vector512Isa.StorePartial(destination + row * stride, value, lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> PairLow(Vector512<float> left, Vector512<float> right)
        => Avx512F.UnpackLow(left.AsDouble(), right.AsDouble()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> PairHigh(Vector512<float> left, Vector512<float> right)
        => Avx512F.UnpackHigh(left.AsDouble(), right.AsDouble()).AsSingle();
}
