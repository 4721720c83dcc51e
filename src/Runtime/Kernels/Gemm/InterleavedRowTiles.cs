using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// A constant A (a pointwise convolution's weights, [m][k] row-major in ONNX) laid out for the GEMM's 6-row tiles:
/// each whole tile of <see cref="GemmMicrokernels.TileRows"/> rows stored depth by depth, row r's element p at
/// tile[p * 6 + r], so a tile's broadcasts walk one contiguous stream instead of six rows a row's length apart; the
/// rows after the last whole tile stay row-major after them, and <see cref="Padding"/> zeros close the array.
/// Tile t starts at t * 6 * k, where row-major row 6t starts, so row pointers are computed the same way for both.
/// On 7×7 planes, where each weight is used once per convolution (768 → 384: 1.2 MB of weights for 49 columns),
/// the six streams cost 5-14 % of the product on an Intel Xeon.
/// </summary>
internal static unsafe class InterleavedRowTiles
{
    /// <summary>Floats after the rows: the last tile's last depth step is read as 8 floats (the 49th column and panel tails).</summary>
    public const int Padding = 2;

    private const int Rows = GemmMicrokernels.TileRows;

    public static float[] Pack(ReadOnlySpan<float> rowMajor, int m, int k)
    {
        var packed = new float[(long)m * k + Padding];
        PackInto(rowMajor, m, k, packed);
        return packed;
    }

    /// <summary><see cref="Pack"/> into <paramref name="packed"/>, m · k + <see cref="Padding"/> floats (the padding left as it is).</summary>
    public static void PackInto(ReadOnlySpan<float> rowMajor, int m, int k, Span<float> packed)
    {
        int tiled = m / Rows * Rows;
        for (int tile = 0; tile < tiled; tile += Rows)
            for (int r = 0; r < Rows; r++)
            {
                ReadOnlySpan<float> row = rowMajor.Slice((tile + r) * k, k);
                int start = tile * k + r;
                for (int p = 0; p < k; p++) packed[start + p * Rows] = row[p];
            }
        rowMajor.Slice(tiled * k, (m - tiled) * k).CopyTo(packed.Slice(tiled * k));
    }

    /// <summary>Scalar reference: C = epilogue(A · B) for interleaved A, B element (p, j) at b[p * ldb + j].</summary>
    public static void RunScalar(float* a, float* b, nint ldb, float* c, nint ldc, int m, int k, int n, in GemmEpilogue epilogue)
    {
        int tiled = m / Rows * Rows;
        for (int row = 0; row < tiled; row += Rows)
            GemmDriver.RunScalar(a + (nint)row * k, 1, Rows, b, ldb, 1, c + row * ldc, ldc, Rows, k, n, epilogue.FromRow(row, ldc));
        if (tiled < m)
            GemmDriver.RunScalar(a + (nint)tiled * k, k, 1, b, ldb, 1, c + tiled * ldc, ldc, m - tiled, k, n, epilogue.FromRow(tiled, ldc));
    }

    /// <summary>
    /// Six rows of C across up to four columns past a panel's last whole vector (the last 4 of a 14×14 plane), for an
    /// interleaved tile at <paramref name="a"/>: column j's B values lie contiguous along the depth at x + j * xStride.
    /// One depth step's six A values are one 8-float load (two 4-float loads when <typeparamref name="TIsa"/> is
    /// 128-bit), multiplied by the column's broadcast value. Missing columns repeat column 0 and are not stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gemm_F32_6xN_InterleavedA<TIsa, TVector>(float* a, float* x, nint xStride, int columns, int depth,
        float* c, nint ldc, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        float* x0 = x, x1 = columns > 1 ? x + xStride : x, x2 = columns > 2 ? x + 2 * xStride : x, x3 = columns > 3 ? x + 3 * xStride : x;
        if (TIsa.Count >= 8)
        {
            Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
            for (int p = 0; p < depth; p++)
            {
                Vector256<float> rows = Vector256.Load(a + p * Rows);
                s0 = Vector256Isa.MultiplyAdd(rows, Vector256.Create(x0[p]), s0);
                s1 = Vector256Isa.MultiplyAdd(rows, Vector256.Create(x1[p]), s1);
                s2 = Vector256Isa.MultiplyAdd(rows, Vector256.Create(x2[p]), s2);
                s3 = Vector256Isa.MultiplyAdd(rows, Vector256.Create(x3[p]), s3);
            }
            for (int r = 0; r < Rows; r++)
            {
                float* output = c + r * ldc;
                GemmMicrokernels.PutDot(output, s0.GetElement(r), accumulate);
                if (columns > 1) GemmMicrokernels.PutDot(output + 1, s1.GetElement(r), accumulate);
                if (columns > 2) GemmMicrokernels.PutDot(output + 2, s2.GetElement(r), accumulate);
                if (columns > 3) GemmMicrokernels.PutDot(output + 3, s3.GetElement(r), accumulate);
            }
            return;
        }
        // Rows 0-3 from the low load; rows 4 and 5 are lanes 2 and 3 of the load two floats on.
        Vector128<float> l0 = Vector128<float>.Zero, l1 = l0, l2 = l0, l3 = l0, h0 = l0, h1 = l0, h2 = l0, h3 = l0;
        for (int p = 0; p < depth; p++)
        {
            Vector128<float> low = Vector128.Load(a + p * Rows), high = Vector128.Load(a + p * Rows + 2);
            Vector128<float> v0 = Vector128.Create(x0[p]), v1 = Vector128.Create(x1[p]), v2 = Vector128.Create(x2[p]), v3 = Vector128.Create(x3[p]);
            l0 = Vector128Isa.MultiplyAdd(low, v0, l0); h0 = Vector128Isa.MultiplyAdd(high, v0, h0);
            l1 = Vector128Isa.MultiplyAdd(low, v1, l1); h1 = Vector128Isa.MultiplyAdd(high, v1, h1);
            l2 = Vector128Isa.MultiplyAdd(low, v2, l2); h2 = Vector128Isa.MultiplyAdd(high, v2, h2);
            l3 = Vector128Isa.MultiplyAdd(low, v3, l3); h3 = Vector128Isa.MultiplyAdd(high, v3, h3);
        }
        for (int r = 0; r < Rows; r++)
        {
            float* output = c + r * ldc;
            int lane = r < 4 ? r : r - 2;
            GemmMicrokernels.PutDot(output, (r < 4 ? l0 : h0).GetElement(lane), accumulate);
            if (columns > 1) GemmMicrokernels.PutDot(output + 1, (r < 4 ? l1 : h1).GetElement(lane), accumulate);
            if (columns > 2) GemmMicrokernels.PutDot(output + 2, (r < 4 ? l2 : h2).GetElement(lane), accumulate);
            if (columns > 3) GemmMicrokernels.PutDot(output + 3, (r < 4 ? l3 : h3).GetElement(lane), accumulate);
        }
    }

    /// <summary>
    /// <see cref="Gemm_F32_6xN_InterleavedA{TIsa, TVector}"/> for four tiles at once (tile t at a + t · tileStride), with
    /// 512-bit vectors: two tiles' six A values per register (lanes 0-5 and 8-13), eight accumulators. The six-row form
    /// has four multiply-add chains, one per column, so it waits on the FMA latency: 4 columns of a 14×14 plane cost
    /// as much as 16-20 columns in the tiles (192 → 384: 196 columns 343-353 µs, 192 columns 302).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gemm_F32_24xN_InterleavedA_Vector512(float* a, nint tileStride, float* x, nint xStride, int columns, int depth,
        float* c, nint ldc, bool accumulate)
    {
        float* x0 = x, x1 = columns > 1 ? x + xStride : x, x2 = columns > 2 ? x + 2 * xStride : x, x3 = columns > 3 ? x + 3 * xStride : x;
        float* a0 = a, a1 = a + tileStride, a2 = a + 2 * tileStride, a3 = a + 3 * tileStride;
        Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0, t0 = s0, t1 = s0, t2 = s0, t3 = s0;
        for (int p = 0; p < depth; p++)
        {
            nint at = p * Rows;
            // Vector512.Create(lower, upper) is no intrinsic here: the JIT built each pair in a stack slot, loaded, patched
            // and stored back every depth step, one chain through memory (a fifth of this kernel's samples on one load;
            // RepViT-M0.9's 14×14 steps 0.93 and the whole model 0.96 without it).
            var low = Avx512F.InsertVector256(Vector256.Load(a0 + at).ToVector512Unsafe(), Vector256.Load(a1 + at), 1);
            var high = Avx512F.InsertVector256(Vector256.Load(a2 + at).ToVector512Unsafe(), Vector256.Load(a3 + at), 1);
            Vector512<float> v0 = Vector512.Create(x0[p]), v1 = Vector512.Create(x1[p]), v2 = Vector512.Create(x2[p]), v3 = Vector512.Create(x3[p]);
            s0 = Vector512Isa.MultiplyAdd(low, v0, s0); t0 = Vector512Isa.MultiplyAdd(high, v0, t0);
            s1 = Vector512Isa.MultiplyAdd(low, v1, s1); t1 = Vector512Isa.MultiplyAdd(high, v1, t1);
            s2 = Vector512Isa.MultiplyAdd(low, v2, s2); t2 = Vector512Isa.MultiplyAdd(high, v2, t2);
            s3 = Vector512Isa.MultiplyAdd(low, v3, s3); t3 = Vector512Isa.MultiplyAdd(high, v3, t3);
        }
        for (int r = 0; r < 4 * Rows; r++)
        {
            float* output = c + r * ldc;
            int lane = r / Rows % 2 * 8 + r % Rows;
            bool first = r < 2 * Rows;
            GemmMicrokernels.PutDot(output, (first ? s0 : t0).GetElement(lane), accumulate);
            if (columns > 1) GemmMicrokernels.PutDot(output + 1, (first ? s1 : t1).GetElement(lane), accumulate);
            if (columns > 2) GemmMicrokernels.PutDot(output + 2, (first ? s2 : t2).GetElement(lane), accumulate);
            if (columns > 3) GemmMicrokernels.PutDot(output + 3, (first ? s3 : t3).GetElement(lane), accumulate);
        }
    }

    /// <summary>
    /// <see cref="Gemm_F32_6xN_InterleavedA{TIsa, TVector}"/> for four tiles at once (tile t at a + t · tileStride) and
    /// one or two columns (the 49th of a 7×7 plane, the last two of a 5×5 or 9×9), with 256-bit vectors: one register of
    /// six A values per tile, four or eight multiply-add chains where the six-row form waits on one or two (the 49th
    /// column cost a quarter as much as the other 48 on MobileNetV2's 7×7 steps). Each chain is the six-row form's, so
    /// the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gemm_F32_24x2_InterleavedA_Vector256(float* a, nint tileStride, float* x, nint xStride, int columns, int depth,
        float* c, nint ldc, bool accumulate)
    {
        float* x0 = x, x1 = columns > 1 ? x + xStride : x;
        float* a0 = a, a1 = a + tileStride, a2 = a + 2 * tileStride, a3 = a + 3 * tileStride;
        Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0, t0 = s0, t1 = s0, t2 = s0, t3 = s0;
        for (int p = 0; p < depth; p++)
        {
            nint at = p * Rows;
            Vector256<float> r0 = Vector256.Load(a0 + at), r1 = Vector256.Load(a1 + at), r2 = Vector256.Load(a2 + at), r3 = Vector256.Load(a3 + at);
            Vector256<float> v0 = Vector256.Create(x0[p]), v1 = Vector256.Create(x1[p]);
            s0 = Vector256Isa.MultiplyAdd(r0, v0, s0); s1 = Vector256Isa.MultiplyAdd(r1, v0, s1);
            s2 = Vector256Isa.MultiplyAdd(r2, v0, s2); s3 = Vector256Isa.MultiplyAdd(r3, v0, s3);
            t0 = Vector256Isa.MultiplyAdd(r0, v1, t0); t1 = Vector256Isa.MultiplyAdd(r1, v1, t1);
            t2 = Vector256Isa.MultiplyAdd(r2, v1, t2); t3 = Vector256Isa.MultiplyAdd(r3, v1, t3);
        }
        PutTile(c, ldc, s0, t0, columns, accumulate);
        PutTile(c + Rows * ldc, ldc, s1, t1, columns, accumulate);
        PutTile(c + 2 * Rows * ldc, ldc, s2, t2, columns, accumulate);
        PutTile(c + 3 * Rows * ldc, ldc, s3, t3, columns, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PutTile(float* c, nint ldc, Vector256<float> first, Vector256<float> second, int columns, bool accumulate)
    {
        for (int r = 0; r < Rows; r++)
        {
            GemmMicrokernels.PutDot(c + r * ldc, first.GetElement(r), accumulate);
            if (columns > 1) GemmMicrokernels.PutDot(c + r * ldc + 1, second.GetElement(r), accumulate);
        }
    }

    /// <summary>
    /// The first two vectors of a 6-row interleaved tile with 256-bit vectors and, alongside them, one more column (the
    /// 49th of a 7×7 plane) as six dot products along the depth: each depth step's six A values are one 8-float load,
    /// multiplied by that column's broadcast value into a thirteenth accumulator. The twelve sums, the dot products, two
    /// B vectors and one broadcast fill the sixteen registers; the dot step comes last, in the B vectors' registers. The dot
    /// products chain as <see cref="Gemm_F32_24x2_InterleavedA_Vector256"/>'s do and the twelve sums as
    /// <see cref="GemmMicrokernels.Gemm_F32_6x2v{TIsa, TVector}"/>'s, so the same bits; with <paramref name="finish"/> the
    /// two vectors finish as that tile's do (the dot column's epilogue stays with the pass).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gemm_F32_6x2v_Dot1_InterleavedA_Vector256(float* a, float* b, nint bStride, float* dotColumn, int depth,
        float* c, float* dotOutput, nint ldc, bool accumulate, TileEpilogue* finish)
    {
        Vector256<float> c00 = Vector256<float>.Zero, c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        Vector256<float> c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, dots = c00;
        for (int p = 0; p < depth; p++)
        {
            Vector256<float> b0 = Avx.LoadVector256(b), b1 = Avx.LoadVector256(b + 8);
            Vector256<float> x = Vector256.Create(a[0]);
            c00 = Fma.MultiplyAdd(x, b0, c00);
            c01 = Fma.MultiplyAdd(x, b1, c01);
            x = Vector256.Create(a[1]);
            c10 = Fma.MultiplyAdd(x, b0, c10);
            c11 = Fma.MultiplyAdd(x, b1, c11);
            x = Vector256.Create(a[2]);
            c20 = Fma.MultiplyAdd(x, b0, c20);
            c21 = Fma.MultiplyAdd(x, b1, c21);
            x = Vector256.Create(a[3]);
            c30 = Fma.MultiplyAdd(x, b0, c30);
            c31 = Fma.MultiplyAdd(x, b1, c31);
            x = Vector256.Create(a[4]);
            c40 = Fma.MultiplyAdd(x, b0, c40);
            c41 = Fma.MultiplyAdd(x, b1, c41);
            x = Vector256.Create(a[5]);
            c50 = Fma.MultiplyAdd(x, b0, c50);
            c51 = Fma.MultiplyAdd(x, b1, c51);
            // Last, once the B vectors are dead: their registers hold the six A values and the column's value.
            dots = Fma.MultiplyAdd(Avx.LoadVector256(a), Vector256.Create(dotColumn[p]), dots);
            a += Rows;
            b += bStride;
        }
        for (int r = 0; r < Rows; r++) GemmMicrokernels.PutDot(dotOutput + r * ldc, dots.GetElement(r), accumulate);
        if (finish != null)
            GemmMicrokernels.StoreFinished6x2<Vector256Isa, Vector256<float>>(c, ldc, finish->Residual, finish->RowBias, finish->Low, finish->High,
                c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, accumulate);
        else
            GemmMicrokernels.Store6x2<Vector256Isa, Vector256<float>>(c, ldc, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, accumulate);
    }

    /// <summary>
    /// <see cref="GemmMicrokernels.Gemm_F32_6x3v_Dot1{TIsa, TVector}"/> for an interleaved tile: the 49th column's six
    /// dot products take each depth step's six A values as one 8-float load beside the broadcasts. With
    /// <paramref name="prefetch"/> (the next tile's A at the same depth), every other depth step asks for it into L2,
    /// once per 12 floats: where the plane is a single panel the weights are read once, from beyond the L2, and the
    /// hardware prefetchers restart at each tile's stretch. Per step inside the models: RepViT-M0.9's 768 → 384 and
    /// 384 → 768 on 7×7 0.80-0.86, MobileNetV2's and MobileNetV3-L's 7×7 steps 0.95-0.97. Asking for the whole stretch
    /// before the tile (48 lines at once) measured 0.64-0.81 on RepViT's and 1.02-1.10 on the MobileNets'; its first four
    /// lines only, 0.94-0.98 on all of them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gemm_F32_6x3v_Dot1_InterleavedA<TIsa, TVector>(float* a, float* b, nint bStride, float* dotColumn, int depth,
        float* c, nint ldc, bool accumulate, float* prefetch = null)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        TVector c00 = TIsa.Zero, c01 = TIsa.Zero, c02 = TIsa.Zero;
        TVector c10 = TIsa.Zero, c11 = TIsa.Zero, c12 = TIsa.Zero;
        TVector c20 = TIsa.Zero, c21 = TIsa.Zero, c22 = TIsa.Zero;
        TVector c30 = TIsa.Zero, c31 = TIsa.Zero, c32 = TIsa.Zero;
        TVector c40 = TIsa.Zero, c41 = TIsa.Zero, c42 = TIsa.Zero;
        TVector c50 = TIsa.Zero, c51 = TIsa.Zero, c52 = TIsa.Zero;
        Vector256<float> dots = Vector256<float>.Zero;
        nint offset = 0;
        for (int p = 0; p < depth; p++)
        {
            if (prefetch != null && (p & 1) == 0 && Sse.IsSupported) Sse.Prefetch1(prefetch + offset);
            dots = Vector256Isa.MultiplyAdd(Vector256.Load(a + offset), Vector256.Create(dotColumn[p]), dots);
            GemmMicrokernels.MultiplyAdd6x3<TIsa, TVector>(a, a + 1, a + 2, a + 3, a + 4, a + 5, offset, b, ref c00, ref c01, ref c02,
                ref c10, ref c11, ref c12, ref c20, ref c21, ref c22, ref c30, ref c31, ref c32, ref c40, ref c41, ref c42,
                ref c50, ref c51, ref c52);
            offset += Rows;
            b += bStride;
        }
        GemmMicrokernels.Store6x3<TIsa, TVector>(c, ldc, c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32, c40, c41, c42,
            c50, c51, c52, accumulate);
        nint dot = 3 * width;
        for (int r = 0; r < Rows; r++) GemmMicrokernels.PutDot(c + r * ldc + dot, dots.GetElement(r), accumulate);
    }
}
