using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MobileViT.Runtime.Simd;

/// <summary>
/// 8 × 8 float transposes in AVX registers: <see cref="Avx512Transpose"/>'s counterpart for 256-bit vectors, for the
/// channel-blocked depthwise kernel (8 channels along the vector), the packing of a transposed GEMM operand and tiled
/// strided copies (attention's Qᵀ panels and its transposed output). Callers check <see cref="Avx.IsSupported"/>.
/// </summary>
internal static unsafe class AvxTranspose
{
    private const int Width = 8;

    /// <summary>
    /// An 8 × 8 transpose: row i of the source (the first <paramref name="lanes"/> of its 8 floats, <paramref name="rows"/>
    /// rows, the rest zero) becomes column i of the destination, of which the first <paramref name="storeRows"/> rows are
    /// stored, <paramref name="storeLanes"/> floats each. Unpacks of pairs, then shuffles of pairs of floats, then the
    /// two 128-bit halves exchanged.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose8(float* source, nint sourceStride, int rows, int lanes, float* destination, nint destinationStride, int storeRows, int storeLanes)
    {
        Vector256<float> r0, r1, r2, r3, r4, r5, r6, r7;
        if (rows == Width && lanes == Width)
        {
            r0 = Avx.LoadVector256(source);
            r1 = Avx.LoadVector256(source + sourceStride);
            r2 = Avx.LoadVector256(source + 2 * sourceStride);
            r3 = Avx.LoadVector256(source + 3 * sourceStride);
            r4 = Avx.LoadVector256(source + 4 * sourceStride);
            r5 = Avx.LoadVector256(source + 5 * sourceStride);
            r6 = Avx.LoadVector256(source + 6 * sourceStride);
            r7 = Avx.LoadVector256(source + 7 * sourceStride);
        }
        else
        {
            r0 = Row(source, sourceStride, 0, rows, lanes);
            r1 = Row(source, sourceStride, 1, rows, lanes);
            r2 = Row(source, sourceStride, 2, rows, lanes);
            r3 = Row(source, sourceStride, 3, rows, lanes);
            r4 = Row(source, sourceStride, 4, rows, lanes);
            r5 = Row(source, sourceStride, 5, rows, lanes);
            r6 = Row(source, sourceStride, 6, rows, lanes);
            r7 = Row(source, sourceStride, 7, rows, lanes);
        }
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        // Per 128-bit half, u0 holds column 0 of rows 0-3 and u1 column 1, u2 column 2, u3 column 3; u4-u7 the same for rows 4-7.
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        if (storeRows == Width && storeLanes == Width)
        {
            Avx.Store(destination, Avx.Permute2x128(u0, u4, 0x20));
            Avx.Store(destination + destinationStride, Avx.Permute2x128(u1, u5, 0x20));
            Avx.Store(destination + 2 * destinationStride, Avx.Permute2x128(u2, u6, 0x20));
            Avx.Store(destination + 3 * destinationStride, Avx.Permute2x128(u3, u7, 0x20));
            Avx.Store(destination + 4 * destinationStride, Avx.Permute2x128(u0, u4, 0x31));
            Avx.Store(destination + 5 * destinationStride, Avx.Permute2x128(u1, u5, 0x31));
            Avx.Store(destination + 6 * destinationStride, Avx.Permute2x128(u2, u6, 0x31));
            Avx.Store(destination + 7 * destinationStride, Avx.Permute2x128(u3, u7, 0x31));
            return;
        }
        Column(destination, destinationStride, 0, storeRows, storeLanes, Avx.Permute2x128(u0, u4, 0x20));
        Column(destination, destinationStride, 1, storeRows, storeLanes, Avx.Permute2x128(u1, u5, 0x20));
        Column(destination, destinationStride, 2, storeRows, storeLanes, Avx.Permute2x128(u2, u6, 0x20));
        Column(destination, destinationStride, 3, storeRows, storeLanes, Avx.Permute2x128(u3, u7, 0x20));
        Column(destination, destinationStride, 4, storeRows, storeLanes, Avx.Permute2x128(u0, u4, 0x31));
        Column(destination, destinationStride, 5, storeRows, storeLanes, Avx.Permute2x128(u1, u5, 0x31));
        Column(destination, destinationStride, 6, storeRows, storeLanes, Avx.Permute2x128(u2, u6, 0x31));
        Column(destination, destinationStride, 7, storeRows, storeLanes, Avx.Permute2x128(u3, u7, 0x31));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Row(float* source, nint stride, int row, int rows, int lanes)
        => row >= rows ? Vector256<float>.Zero : lanes == Width ? Avx.LoadVector256(source + row * stride) : Vector256Isa.LoadPartial(source + row * stride, lanes);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Column(float* destination, nint stride, int row, int rows, int lanes, Vector256<float> value)
    {
        if (row >= rows) return;
        if (lanes == Width) Avx.Store(destination + row * stride, value);
        else Vector256Isa.StorePartial(destination + row * stride, value, lanes);
    }
}
