using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// Register-blocked tiles of C (+)= A · B. B comes as a panel: element (p, j) at b[p * bStride + j], with the full
/// tile width readable. A element (i, p) at a[i * aRowStride + p * aColStride] (row-major A, transposed A or packed
/// weights alike). The 6 x 2-vector tile keeps 12 accumulators (6x16 with Vector256, 6x8 with Vector128): enough
/// independent FMAs to fill both FMA pipes, and within the 16 registers of AVX2 and NEON. With Vector512 the 6 x 4-vector
/// tile (6x64, 24 accumulators in AVX-512's 32 registers) needs fewer loads per FMA:
/// 200 → 217 GFLOP/s on one core with a per-kernel timer while developing; KernelBenchmarks.Gemm600x256x64 runs it.
/// Columns past <c>columns</c> are computed but never loaded from or stored to C (masked loads, partial stores).
/// </summary>
internal static unsafe class GemmMicrokernels
{
    public const int TileRows = 6;

    /// <summary>Six rows of C across one panel (<paramref name="columns"/> ≤ 32), split into 2-vector sub-tiles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gemm_F32_6x2v<TIsa, TVector>(float* a, nint aRowStride, nint aColStride, float* b, nint bStride, int depth,
        float* c, nint ldc, int columns, bool accumulate, TileEpilogue* epilogue = null)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int tileWidth = 2 * TIsa.Count;
        for (int sub = 0; sub < columns; sub += tileWidth)
        {
            int valid = System.Math.Min(tileWidth, columns - sub);
            // A narrow last panel (an attention head of 16 or 36 values) needs one vector, not two.
            if (valid <= TIsa.Count)
                Gemm_F32_6x1v_Tile<TIsa, TVector>(a, aRowStride, aColStride, b + sub, bStride, depth, c + sub, ldc, valid, accumulate);
            else if (epilogue != null && valid == tileWidth)
                Gemm_F32_6x2v_Tile<TIsa, TVector>(a, aRowStride, aColStride, b + sub, bStride, depth, c + sub, ldc, valid, accumulate,
                    true, epilogue->RowBias, epilogue->Residual == null ? null : epilogue->Residual + sub, epilogue->Low, epilogue->High);
            else
                Gemm_F32_6x2v_Tile<TIsa, TVector>(a, aRowStride, aColStride, b + sub, bStride, depth, c + sub, ldc, valid, accumulate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gemm_F32_6x1v_Tile<TIsa, TVector>(float* a, nint aRowStride, nint aColStride, float* b, nint bStride, int depth,
        float* c, nint ldc, int columns, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        TVector c0 = TIsa.Zero, c1 = TIsa.Zero, c2 = TIsa.Zero, c3 = TIsa.Zero, c4 = TIsa.Zero, c5 = TIsa.Zero;
        float* a0 = a;
        float* a1 = a0 + aRowStride;
        float* a2 = a1 + aRowStride;
        float* a3 = a2 + aRowStride;
        float* a4 = a3 + aRowStride;
        float* a5 = a4 + aRowStride;
        nint offset = 0;
        for (int p = 0; p < depth; p++)
        {
            TVector b0 = TIsa.Load(b);
            c0 = TIsa.MultiplyAdd(TIsa.Broadcast(a0[offset]), b0, c0);
            c1 = TIsa.MultiplyAdd(TIsa.Broadcast(a1[offset]), b0, c1);
            c2 = TIsa.MultiplyAdd(TIsa.Broadcast(a2[offset]), b0, c2);
            c3 = TIsa.MultiplyAdd(TIsa.Broadcast(a3[offset]), b0, c3);
            c4 = TIsa.MultiplyAdd(TIsa.Broadcast(a4[offset]), b0, c4);
            c5 = TIsa.MultiplyAdd(TIsa.Broadcast(a5[offset]), b0, c5);
            offset += aColStride;
            b += bStride;
        }
        if (columns == TIsa.Count)
        {
            StoreFull<TIsa, TVector>(c, c0, accumulate);
            StoreFull<TIsa, TVector>(c + ldc, c1, accumulate);
            StoreFull<TIsa, TVector>(c + 2 * ldc, c2, accumulate);
            StoreFull<TIsa, TVector>(c + 3 * ldc, c3, accumulate);
            StoreFull<TIsa, TVector>(c + 4 * ldc, c4, accumulate);
            StoreFull<TIsa, TVector>(c + 5 * ldc, c5, accumulate);
            return;
        }
        StoreRow1<TIsa, TVector>(c, c0, columns, accumulate);
        StoreRow1<TIsa, TVector>(c + ldc, c1, columns, accumulate);
        StoreRow1<TIsa, TVector>(c + 2 * ldc, c2, columns, accumulate);
        StoreRow1<TIsa, TVector>(c + 3 * ldc, c3, columns, accumulate);
        StoreRow1<TIsa, TVector>(c + 4 * ldc, c4, columns, accumulate);
        StoreRow1<TIsa, TVector>(c + 5 * ldc, c5, columns, accumulate);
    }

    /// <summary>
    /// Four rows of C across one panel, for 4 or 5 rows left over after the 6-row tiles (channel counts such as 16, 64
    /// and 640 leave 4): eight accumulators keep the FMA pipes far busier than four one-row passes would.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gemm_F32_4x2v<TIsa, TVector>(float* a, nint aRowStride, nint aColStride, float* b, nint bStride, int depth,
        float* c, nint ldc, int columns, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int tileWidth = 2 * TIsa.Count;
        for (int sub = 0; sub < columns; sub += tileWidth)
            Gemm_F32_4x2v_Tile<TIsa, TVector>(a, aRowStride, aColStride, b + sub, bStride, depth, c + sub, ldc, System.Math.Min(tileWidth, columns - sub), accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gemm_F32_4x2v_Tile<TIsa, TVector>(float* a, nint aRowStride, nint aColStride, float* b, nint bStride, int depth,
        float* c, nint ldc, int columns, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        TVector c00 = TIsa.Zero, c01 = TIsa.Zero, c10 = TIsa.Zero, c11 = TIsa.Zero;
        TVector c20 = TIsa.Zero, c21 = TIsa.Zero, c30 = TIsa.Zero, c31 = TIsa.Zero;
        float* a0 = a;
        float* a1 = a0 + aRowStride;
        float* a2 = a1 + aRowStride;
        float* a3 = a2 + aRowStride;
        nint offset = 0;
        for (int p = 0; p < depth; p++)
        {
            TVector b0 = TIsa.Load(b);
            TVector b1 = TIsa.Load(b + width);
            TVector x = TIsa.Broadcast(a0[offset]);
            c00 = TIsa.MultiplyAdd(x, b0, c00);
            c01 = TIsa.MultiplyAdd(x, b1, c01);
            x = TIsa.Broadcast(a1[offset]);
            c10 = TIsa.MultiplyAdd(x, b0, c10);
            c11 = TIsa.MultiplyAdd(x, b1, c11);
            x = TIsa.Broadcast(a2[offset]);
            c20 = TIsa.MultiplyAdd(x, b0, c20);
            c21 = TIsa.MultiplyAdd(x, b1, c21);
            x = TIsa.Broadcast(a3[offset]);
            c30 = TIsa.MultiplyAdd(x, b0, c30);
            c31 = TIsa.MultiplyAdd(x, b1, c31);
            offset += aColStride;
            b += bStride;
        }
        // Inline and call-free after the loop, as in the 6-row tile.
        if (columns == 2 * width)
        {
            StoreFull2<TIsa, TVector>(c, c00, c01, accumulate);
            StoreFull2<TIsa, TVector>(c + ldc, c10, c11, accumulate);
            StoreFull2<TIsa, TVector>(c + 2 * ldc, c20, c21, accumulate);
            StoreFull2<TIsa, TVector>(c + 3 * ldc, c30, c31, accumulate);
            return;
        }
        StoreRow2<TIsa, TVector>(c, c00, c01, columns, accumulate);
        StoreRow2<TIsa, TVector>(c + ldc, c10, c11, columns, accumulate);
        StoreRow2<TIsa, TVector>(c + 2 * ldc, c20, c21, columns, accumulate);
        StoreRow2<TIsa, TVector>(c + 3 * ldc, c30, c31, columns, accumulate);
    }

    /// <summary>
    /// Two rows of C across the panel, four vectors at a time (8 accumulators, two broadcasts and four loads per depth
    /// step): what is left after the 6-row tiles when m % 6 == 2 (32, 80, 128, 320 channels). Going through the one-row
    /// kernel twice cost 2.2 times a 6-row tile's time per row (gemm 32 × 27 × 12544, the MobileNetV2 stem: 127 µs
    /// against 102 µs for 30 rows).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gemm_F32_2x4v<TIsa, TVector>(float* a, nint aRowStride, nint aColStride, float* b, nint bStride, int depth,
        float* c, nint ldc, int columns, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        int tileWidth = 4 * width;
        for (int sub = 0; sub < columns; sub += tileWidth)
        {
            TVector c00 = TIsa.Zero, c01 = TIsa.Zero, c02 = TIsa.Zero, c03 = TIsa.Zero;
            TVector c10 = TIsa.Zero, c11 = TIsa.Zero, c12 = TIsa.Zero, c13 = TIsa.Zero;
            float* bp = b + sub;
            float* a0 = a;
            float* a1 = a + aRowStride;
            for (int p = 0; p < depth; p++)
            {
                TVector b0 = TIsa.Load(bp), b1 = TIsa.Load(bp + width), b2 = TIsa.Load(bp + 2 * width), b3 = TIsa.Load(bp + 3 * width);
                TVector x0 = TIsa.Broadcast(*a0), x1 = TIsa.Broadcast(*a1);
                c00 = TIsa.MultiplyAdd(x0, b0, c00);
                c01 = TIsa.MultiplyAdd(x0, b1, c01);
                c02 = TIsa.MultiplyAdd(x0, b2, c02);
                c03 = TIsa.MultiplyAdd(x0, b3, c03);
                c10 = TIsa.MultiplyAdd(x1, b0, c10);
                c11 = TIsa.MultiplyAdd(x1, b1, c11);
                c12 = TIsa.MultiplyAdd(x1, b2, c12);
                c13 = TIsa.MultiplyAdd(x1, b3, c13);
                a0 += aColStride;
                a1 += aColStride;
                bp += bStride;
            }
            int count = System.Math.Min(tileWidth, columns - sub);
            StoreRow4<TIsa, TVector>(c + sub, c00, c01, c02, c03, count, accumulate);
            StoreRow4<TIsa, TVector>(c + ldc + sub, c10, c11, c12, c13, count, accumulate);
        }
    }

    /// <summary>One row of C across one panel, for the rows left over after the 6-row and 4-row tiles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gemm_F32_1x2v<TIsa, TVector>(float* a, nint aColStride, float* b, nint bStride, int depth,
        float* c, int columns, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        int tileWidth = 2 * width;
        for (int sub = 0; sub < columns; sub += tileWidth)
        {
            TVector c0 = TIsa.Zero, c1 = TIsa.Zero, c2 = TIsa.Zero, c3 = TIsa.Zero;
            float* bp = b + sub;
            float* ap = a;
            int p = 0;
            // Two depth steps per iteration on separate accumulators: a single row has too little independent work otherwise.
            for (; p + 1 < depth; p += 2)
            {
                TVector x0 = TIsa.Broadcast(ap[0]);
                TVector x1 = TIsa.Broadcast(ap[aColStride]);
                c0 = TIsa.MultiplyAdd(x0, TIsa.Load(bp), c0);
                c1 = TIsa.MultiplyAdd(x0, TIsa.Load(bp + width), c1);
                c2 = TIsa.MultiplyAdd(x1, TIsa.Load(bp + bStride), c2);
                c3 = TIsa.MultiplyAdd(x1, TIsa.Load(bp + bStride + width), c3);
                ap += 2 * aColStride;
                bp += 2 * bStride;
            }
            if (p < depth)
            {
                TVector x0 = TIsa.Broadcast(ap[0]);
                c0 = TIsa.MultiplyAdd(x0, TIsa.Load(bp), c0);
                c1 = TIsa.MultiplyAdd(x0, TIsa.Load(bp + width), c1);
            }
            c0 = TIsa.Add(c0, c2);
            c1 = TIsa.Add(c1, c3);
            StoreRow2<TIsa, TVector>(c + sub, c0, c1, System.Math.Min(tileWidth, columns - sub), accumulate);
        }
    }

    /// <summary>
    /// One row of C across a whole panel of four vectors: each depth row of B read in one sweep of 256 bytes, where
    /// <see cref="Gemm_F32_1x2v{TIsa, TVector}"/> reads it in two passes of half a row each. A single row's product is
    /// a stream of B (a classifier's 960 × 1280 weights, read once per run, 4.9 MB): the two passes walked it 256 bytes
    /// apart, 128 at a time. Even and odd depth steps accumulate apart and are added at the end, as in the 1 × 2-vector
    /// tile, so every element's sum is formed in the same order by either.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gemm_F32_1x4v<TIsa, TVector>(float* a, nint aColStride, float* b, nint bStride, int depth,
        float* c, int columns, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count, sub = 0;
        for (; columns - sub > 2 * width; sub += 4 * width)
            Row4v<TIsa, TVector>(a, aColStride, b + sub, bStride, depth, c + sub, System.Math.Min(4 * width, columns - sub), accumulate);
        if (sub < columns)
            Gemm_F32_1x2v<TIsa, TVector>(a, aColStride, b + sub, bStride, depth, c + sub, columns - sub, accumulate);
    }

    /// <summary>
    /// <see cref="Gemm_F32_1x4v{TIsa, TVector}"/> for a product of a single row across a whole 64-column panel with
    /// 256-bit vectors: eight sums, so each depth row of B is read in one 256-byte sweep, where four vectors covered 32
    /// columns and walked the panel twice, 128 bytes of every 256 (a classifier's weights, read once per run from
    /// memory). Eight chains cover the multiply-add latency without splitting even and odd depth steps, so the sums are
    /// formed in another order than the 1 × 4-vector tile's; only single-row products take this form (their panels
    /// split across threads whole), so an element is always formed the same way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gemm_F32_1x8v_Vector256(float* a, nint aColStride, float* b, nint bStride, int depth, float* c, bool accumulate)
    {
        Vector256<float> c0 = Vector256<float>.Zero, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int p = 0; p < depth; p++)
        {
            Vector256<float> x = Vector256.Create(*a);
            c0 = Fma.MultiplyAdd(x, Avx.LoadVector256(b), c0);
            c1 = Fma.MultiplyAdd(x, Avx.LoadVector256(b + 8), c1);
            c2 = Fma.MultiplyAdd(x, Avx.LoadVector256(b + 16), c2);
            c3 = Fma.MultiplyAdd(x, Avx.LoadVector256(b + 24), c3);
            c4 = Fma.MultiplyAdd(x, Avx.LoadVector256(b + 32), c4);
            c5 = Fma.MultiplyAdd(x, Avx.LoadVector256(b + 40), c5);
            c6 = Fma.MultiplyAdd(x, Avx.LoadVector256(b + 48), c6);
            c7 = Fma.MultiplyAdd(x, Avx.LoadVector256(b + 56), c7);
            a += aColStride;
            b += bStride;
        }
        StoreFull2<Vector256Isa, Vector256<float>>(c, c0, c1, accumulate);
        StoreFull2<Vector256Isa, Vector256<float>>(c + 16, c2, c3, accumulate);
        StoreFull2<Vector256Isa, Vector256<float>>(c + 32, c4, c5, accumulate);
        StoreFull2<Vector256Isa, Vector256<float>>(c + 48, c6, c7, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row4v<TIsa, TVector>(float* a, nint aColStride, float* b, nint bStride, int depth,
        float* c, int columns, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        TVector e0 = TIsa.Zero, e1 = TIsa.Zero, e2 = TIsa.Zero, e3 = TIsa.Zero;
        TVector o0 = TIsa.Zero, o1 = TIsa.Zero, o2 = TIsa.Zero, o3 = TIsa.Zero;
        float* bp = b;
        float* ap = a;
        int p = 0;
        for (; p + 1 < depth; p += 2)
        {
            TVector x0 = TIsa.Broadcast(ap[0]);
            TVector x1 = TIsa.Broadcast(ap[aColStride]);
            e0 = TIsa.MultiplyAdd(x0, TIsa.Load(bp), e0);
            e1 = TIsa.MultiplyAdd(x0, TIsa.Load(bp + width), e1);
            e2 = TIsa.MultiplyAdd(x0, TIsa.Load(bp + 2 * width), e2);
            e3 = TIsa.MultiplyAdd(x0, TIsa.Load(bp + 3 * width), e3);
            o0 = TIsa.MultiplyAdd(x1, TIsa.Load(bp + bStride), o0);
            o1 = TIsa.MultiplyAdd(x1, TIsa.Load(bp + bStride + width), o1);
            o2 = TIsa.MultiplyAdd(x1, TIsa.Load(bp + bStride + 2 * width), o2);
            o3 = TIsa.MultiplyAdd(x1, TIsa.Load(bp + bStride + 3 * width), o3);
            ap += 2 * aColStride;
            bp += 2 * bStride;
        }
        if (p < depth)
        {
            TVector x0 = TIsa.Broadcast(ap[0]);
            e0 = TIsa.MultiplyAdd(x0, TIsa.Load(bp), e0);
            e1 = TIsa.MultiplyAdd(x0, TIsa.Load(bp + width), e1);
            e2 = TIsa.MultiplyAdd(x0, TIsa.Load(bp + 2 * width), e2);
            e3 = TIsa.MultiplyAdd(x0, TIsa.Load(bp + 3 * width), e3);
        }
        StoreRow2<TIsa, TVector>(c, TIsa.Add(e0, o0), TIsa.Add(e1, o1), 2 * width, accumulate);
        StoreRow2<TIsa, TVector>(c + 2 * width, TIsa.Add(e2, o2), TIsa.Add(e3, o3), columns - 2 * width, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gemm_F32_6x2v_Tile<TIsa, TVector>(float* a, nint aRowStride, nint aColStride, float* b, nint bStride, int depth,
        float* c, nint ldc, int columns, bool accumulate, bool finish = false, float* rowBias = null, float* residual = null,
        float low = 0f, float high = 0f)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        TVector c00 = TIsa.Zero, c01 = TIsa.Zero, c10 = TIsa.Zero, c11 = TIsa.Zero, c20 = TIsa.Zero, c21 = TIsa.Zero;
        TVector c30 = TIsa.Zero, c31 = TIsa.Zero, c40 = TIsa.Zero, c41 = TIsa.Zero, c50 = TIsa.Zero, c51 = TIsa.Zero;
        float* a0 = a;
        float* a1 = a0 + aRowStride;
        float* a2 = a1 + aRowStride;
        float* a3 = a2 + aRowStride;
        float* a4 = a3 + aRowStride;
        float* a5 = a4 + aRowStride;
        nint offset = 0;
        for (int p = 0; p < depth; p++)
        {
            TVector b0 = TIsa.Load(b);
            TVector b1 = TIsa.Load(b + width);
            TVector x = TIsa.Broadcast(a0[offset]);
            c00 = TIsa.MultiplyAdd(x, b0, c00);
            c01 = TIsa.MultiplyAdd(x, b1, c01);
            x = TIsa.Broadcast(a1[offset]);
            c10 = TIsa.MultiplyAdd(x, b0, c10);
            c11 = TIsa.MultiplyAdd(x, b1, c11);
            x = TIsa.Broadcast(a2[offset]);
            c20 = TIsa.MultiplyAdd(x, b0, c20);
            c21 = TIsa.MultiplyAdd(x, b1, c21);
            x = TIsa.Broadcast(a3[offset]);
            c30 = TIsa.MultiplyAdd(x, b0, c30);
            c31 = TIsa.MultiplyAdd(x, b1, c31);
            x = TIsa.Broadcast(a4[offset]);
            c40 = TIsa.MultiplyAdd(x, b0, c40);
            c41 = TIsa.MultiplyAdd(x, b1, c41);
            x = TIsa.Broadcast(a5[offset]);
            c50 = TIsa.MultiplyAdd(x, b0, c50);
            c51 = TIsa.MultiplyAdd(x, b1, c51);
            offset += aColStride;
            b += bStride;
        }
        // Everything after the loop is inline and call-free: a call here would make the register allocator
        // spill all twelve accumulators inside the loop (every vector register is caller-saved).
        if (finish)
        {
            // The whole depth is in (whole tiles only): bias, residual and clamp on the accumulators, as the 6 × 4-vector
            // tile does with AVX-512, instead of a pass over C afterwards.
            StoreFinished6x2<TIsa, TVector>(c, ldc, residual, rowBias, low, high, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, accumulate);
            return;
        }
        if (columns == 2 * width)
        {
            Store6x2<TIsa, TVector>(c, ldc, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, accumulate);
            return;
        }
        StoreRow2<TIsa, TVector>(c, c00, c01, columns, accumulate);
        StoreRow2<TIsa, TVector>(c + ldc, c10, c11, columns, accumulate);
        StoreRow2<TIsa, TVector>(c + 2 * ldc, c20, c21, columns, accumulate);
        StoreRow2<TIsa, TVector>(c + 3 * ldc, c30, c31, columns, accumulate);
        StoreRow2<TIsa, TVector>(c + 4 * ldc, c40, c41, columns, accumulate);
        StoreRow2<TIsa, TVector>(c + 5 * ldc, c50, c51, columns, accumulate);
    }

    /// <summary>
    /// Six rows of C across four vectors (a 64-column panel with 512-bit vectors): 24 accumulators, so each A broadcast
    /// feeds four FMAs and each B load six. Only for 512-bit vectors, whose 32 registers hold the tile. B's depth row p
    /// comes from <typeparamref name="TRows"/>: a packed panel, or offsets into a padded input. Rows past
    /// <paramref name="rows"/> repeat row 0's products and are not stored. A non-null <paramref name="prefetch"/> is
    /// asked for into L2 along with A, at A's offsets, every other depth step (the next interleaved tile's weights).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gemm_F32_6x4v<TIsa, TVector, TRows>(float* a, nint aRowStride, nint aColStride, int rows, TRows b, int depth,
        float* c, nint ldc, int columns, bool accumulate, TileEpilogue* epilogue = null, float* prefetch = null)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct where TRows : struct, ITileRows
    {
        int width = TIsa.Count;
        TVector c00 = TIsa.Zero, c01 = TIsa.Zero, c02 = TIsa.Zero, c03 = TIsa.Zero;
        TVector c10 = TIsa.Zero, c11 = TIsa.Zero, c12 = TIsa.Zero, c13 = TIsa.Zero;
        TVector c20 = TIsa.Zero, c21 = TIsa.Zero, c22 = TIsa.Zero, c23 = TIsa.Zero;
        TVector c30 = TIsa.Zero, c31 = TIsa.Zero, c32 = TIsa.Zero, c33 = TIsa.Zero;
        TVector c40 = TIsa.Zero, c41 = TIsa.Zero, c42 = TIsa.Zero, c43 = TIsa.Zero;
        TVector c50 = TIsa.Zero, c51 = TIsa.Zero, c52 = TIsa.Zero, c53 = TIsa.Zero;
        float* a0 = a;
        float* a1 = rows > 1 ? a0 + aRowStride : a0;
        float* a2 = rows > 2 ? a0 + 2 * aRowStride : a0;
        float* a3 = rows > 3 ? a0 + 3 * aRowStride : a0;
        float* a4 = rows > 4 ? a0 + 4 * aRowStride : a0;
        float* a5 = rows > 5 ? a0 + 5 * aRowStride : a0;
        nint offset = 0;
        for (int p = 0; p < depth; p++)
        {
            if (prefetch != null && (p & 1) == 0 && Sse.IsSupported) Sse.Prefetch1(prefetch + offset);
            b.Load<TIsa, TVector>(out TVector b0, out TVector b1, out TVector b2, out TVector b3);
            b.Next();
            TVector x;
            x = TIsa.Broadcast(a0[offset]);
            c00 = TIsa.MultiplyAdd(x, b0, c00);
            c01 = TIsa.MultiplyAdd(x, b1, c01);
            c02 = TIsa.MultiplyAdd(x, b2, c02);
            c03 = TIsa.MultiplyAdd(x, b3, c03);
            x = TIsa.Broadcast(a1[offset]);
            c10 = TIsa.MultiplyAdd(x, b0, c10);
            c11 = TIsa.MultiplyAdd(x, b1, c11);
            c12 = TIsa.MultiplyAdd(x, b2, c12);
            c13 = TIsa.MultiplyAdd(x, b3, c13);
            x = TIsa.Broadcast(a2[offset]);
            c20 = TIsa.MultiplyAdd(x, b0, c20);
            c21 = TIsa.MultiplyAdd(x, b1, c21);
            c22 = TIsa.MultiplyAdd(x, b2, c22);
            c23 = TIsa.MultiplyAdd(x, b3, c23);
            x = TIsa.Broadcast(a3[offset]);
            c30 = TIsa.MultiplyAdd(x, b0, c30);
            c31 = TIsa.MultiplyAdd(x, b1, c31);
            c32 = TIsa.MultiplyAdd(x, b2, c32);
            c33 = TIsa.MultiplyAdd(x, b3, c33);
            x = TIsa.Broadcast(a4[offset]);
            c40 = TIsa.MultiplyAdd(x, b0, c40);
            c41 = TIsa.MultiplyAdd(x, b1, c41);
            c42 = TIsa.MultiplyAdd(x, b2, c42);
            c43 = TIsa.MultiplyAdd(x, b3, c43);
            x = TIsa.Broadcast(a5[offset]);
            c50 = TIsa.MultiplyAdd(x, b0, c50);
            c51 = TIsa.MultiplyAdd(x, b1, c51);
            c52 = TIsa.MultiplyAdd(x, b2, c52);
            c53 = TIsa.MultiplyAdd(x, b3, c53);
            offset += aColStride;
        }
        if (epilogue != null && rows == TileRows && columns == 4 * width)
        {
            // The whole depth is in, so C is final here: bias, residual and clamp on the accumulators, one store each.
            TVector low = TIsa.Broadcast(epilogue->Low), high = TIsa.Broadcast(epilogue->High);
            float* residual = epilogue->Residual;
            nint residualStride = residual == null ? 0 : ldc;
            StoreFinished4<TIsa, TVector>(c, residual, epilogue->RowBias, 0, c00, c01, c02, c03, low, high, accumulate);
            StoreFinished4<TIsa, TVector>(c + ldc, residual + residualStride, epilogue->RowBias, 1, c10, c11, c12, c13, low, high, accumulate);
            StoreFinished4<TIsa, TVector>(c + 2 * ldc, residual + 2 * residualStride, epilogue->RowBias, 2, c20, c21, c22, c23, low, high, accumulate);
            StoreFinished4<TIsa, TVector>(c + 3 * ldc, residual + 3 * residualStride, epilogue->RowBias, 3, c30, c31, c32, c33, low, high, accumulate);
            StoreFinished4<TIsa, TVector>(c + 4 * ldc, residual + 4 * residualStride, epilogue->RowBias, 4, c40, c41, c42, c43, low, high, accumulate);
            StoreFinished4<TIsa, TVector>(c + 5 * ldc, residual + 5 * residualStride, epilogue->RowBias, 5, c50, c51, c52, c53, low, high, accumulate);
            return;
        }
        if (rows == TileRows && columns == 4 * width)
        {
            StoreFull2<TIsa, TVector>(c, c00, c01, accumulate);
            StoreFull2<TIsa, TVector>(c + 2 * width, c02, c03, accumulate);
            StoreFull2<TIsa, TVector>(c + ldc, c10, c11, accumulate);
            StoreFull2<TIsa, TVector>(c + ldc + 2 * width, c12, c13, accumulate);
            StoreFull2<TIsa, TVector>(c + 2 * ldc, c20, c21, accumulate);
            StoreFull2<TIsa, TVector>(c + 2 * ldc + 2 * width, c22, c23, accumulate);
            StoreFull2<TIsa, TVector>(c + 3 * ldc, c30, c31, accumulate);
            StoreFull2<TIsa, TVector>(c + 3 * ldc + 2 * width, c32, c33, accumulate);
            StoreFull2<TIsa, TVector>(c + 4 * ldc, c40, c41, accumulate);
            StoreFull2<TIsa, TVector>(c + 4 * ldc + 2 * width, c42, c43, accumulate);
            StoreFull2<TIsa, TVector>(c + 5 * ldc, c50, c51, accumulate);
            StoreFull2<TIsa, TVector>(c + 5 * ldc + 2 * width, c52, c53, accumulate);
            return;
        }
        StoreRow4<TIsa, TVector>(c, c00, c01, c02, c03, columns, accumulate);
        if (rows > 1) StoreRow4<TIsa, TVector>(c + ldc, c10, c11, c12, c13, columns, accumulate);
        if (rows > 2) StoreRow4<TIsa, TVector>(c + 2 * ldc, c20, c21, c22, c23, columns, accumulate);
        if (rows > 3) StoreRow4<TIsa, TVector>(c + 3 * ldc, c30, c31, c32, c33, columns, accumulate);
        if (rows > 4) StoreRow4<TIsa, TVector>(c + 4 * ldc, c40, c41, c42, c43, columns, accumulate);
        if (rows > 5) StoreRow4<TIsa, TVector>(c + 5 * ldc, c50, c51, c52, c53, columns, accumulate);
    }

    /// <summary>
    /// Six rows of C across exactly three vectors plus the one column after them (a 7×7 plane: 48 columns and the
    /// 49th) for row-major A (aColStride 1). The extra column is six dot products along the depth, A's rows read as
    /// vectors beside the broadcasts the tile already makes, so it costs about 2 % more multiply-adds instead of a
    /// second pass over A (which measured 11 % of a 960 → 320 convolution on 7×7). <paramref name="dotColumn"/> holds
    /// B's extra column contiguously, depth floats.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gemm_F32_6x3v_Dot1<TIsa, TVector>(float* a, nint aRowStride, float* b, nint bStride, float* dotColumn, int depth,
        float* c, nint ldc, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        TVector c00 = TIsa.Zero, c01 = TIsa.Zero, c02 = TIsa.Zero;
        TVector c10 = TIsa.Zero, c11 = TIsa.Zero, c12 = TIsa.Zero;
        TVector c20 = TIsa.Zero, c21 = TIsa.Zero, c22 = TIsa.Zero;
        TVector c30 = TIsa.Zero, c31 = TIsa.Zero, c32 = TIsa.Zero;
        TVector c40 = TIsa.Zero, c41 = TIsa.Zero, c42 = TIsa.Zero;
        TVector c50 = TIsa.Zero, c51 = TIsa.Zero, c52 = TIsa.Zero;
        TVector d0 = TIsa.Zero, d1 = TIsa.Zero, d2 = TIsa.Zero, d3 = TIsa.Zero, d4 = TIsa.Zero, d5 = TIsa.Zero;
        float* a0 = a;
        float* a1 = a0 + aRowStride;
        float* a2 = a1 + aRowStride;
        float* a3 = a2 + aRowStride;
        float* a4 = a3 + aRowStride;
        float* a5 = a4 + aRowStride;
        for (int start = 0; start < depth; start += width)
        {
            int count = System.Math.Min(width, depth - start);
            TVector x = count == width ? TIsa.Load(dotColumn + start) : TIsa.LoadPartial(dotColumn + start, count);
            d0 = TIsa.MultiplyAdd(count == width ? TIsa.Load(a0 + start) : TIsa.LoadPartial(a0 + start, count), x, d0);
            d1 = TIsa.MultiplyAdd(count == width ? TIsa.Load(a1 + start) : TIsa.LoadPartial(a1 + start, count), x, d1);
            d2 = TIsa.MultiplyAdd(count == width ? TIsa.Load(a2 + start) : TIsa.LoadPartial(a2 + start, count), x, d2);
            d3 = TIsa.MultiplyAdd(count == width ? TIsa.Load(a3 + start) : TIsa.LoadPartial(a3 + start, count), x, d3);
            d4 = TIsa.MultiplyAdd(count == width ? TIsa.Load(a4 + start) : TIsa.LoadPartial(a4 + start, count), x, d4);
            d5 = TIsa.MultiplyAdd(count == width ? TIsa.Load(a5 + start) : TIsa.LoadPartial(a5 + start, count), x, d5);
            for (int p = start; p < start + count; p++)
            {
                MultiplyAdd6x3<TIsa, TVector>(a0, a1, a2, a3, a4, a5, p, b, ref c00, ref c01, ref c02, ref c10, ref c11, ref c12,
                    ref c20, ref c21, ref c22, ref c30, ref c31, ref c32, ref c40, ref c41, ref c42, ref c50, ref c51, ref c52);
                b += bStride;
            }
        }
        Store6x3<TIsa, TVector>(c, ldc, c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32, c40, c41, c42, c50, c51, c52, accumulate);
        nint dot = 3 * width;
        PutDot(c + dot, TIsa.Sum(d0), accumulate);
        PutDot(c + ldc + dot, TIsa.Sum(d1), accumulate);
        PutDot(c + 2 * ldc + dot, TIsa.Sum(d2), accumulate);
        PutDot(c + 3 * ldc + dot, TIsa.Sum(d3), accumulate);
        PutDot(c + 4 * ldc + dot, TIsa.Sum(d4), accumulate);
        PutDot(c + 5 * ldc + dot, TIsa.Sum(d5), accumulate);
    }

    /// <summary>One depth row of the 6 × 3-vector tile: B's three vectors at <paramref name="b"/>, each row's A element at index <paramref name="i"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MultiplyAdd6x3<TIsa, TVector>(float* a0, float* a1, float* a2, float* a3, float* a4, float* a5, nint i, float* b,
        ref TVector c00, ref TVector c01, ref TVector c02, ref TVector c10, ref TVector c11, ref TVector c12,
        ref TVector c20, ref TVector c21, ref TVector c22, ref TVector c30, ref TVector c31, ref TVector c32,
        ref TVector c40, ref TVector c41, ref TVector c42, ref TVector c50, ref TVector c51, ref TVector c52)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        TVector b0 = TIsa.Load(b);
        TVector b1 = TIsa.Load(b + width);
        TVector b2 = TIsa.Load(b + 2 * width);
        TVector x = TIsa.Broadcast(a0[i]);
        c00 = TIsa.MultiplyAdd(x, b0, c00);
        c01 = TIsa.MultiplyAdd(x, b1, c01);
        c02 = TIsa.MultiplyAdd(x, b2, c02);
        x = TIsa.Broadcast(a1[i]);
        c10 = TIsa.MultiplyAdd(x, b0, c10);
        c11 = TIsa.MultiplyAdd(x, b1, c11);
        c12 = TIsa.MultiplyAdd(x, b2, c12);
        x = TIsa.Broadcast(a2[i]);
        c20 = TIsa.MultiplyAdd(x, b0, c20);
        c21 = TIsa.MultiplyAdd(x, b1, c21);
        c22 = TIsa.MultiplyAdd(x, b2, c22);
        x = TIsa.Broadcast(a3[i]);
        c30 = TIsa.MultiplyAdd(x, b0, c30);
        c31 = TIsa.MultiplyAdd(x, b1, c31);
        c32 = TIsa.MultiplyAdd(x, b2, c32);
        x = TIsa.Broadcast(a4[i]);
        c40 = TIsa.MultiplyAdd(x, b0, c40);
        c41 = TIsa.MultiplyAdd(x, b1, c41);
        c42 = TIsa.MultiplyAdd(x, b2, c42);
        x = TIsa.Broadcast(a5[i]);
        c50 = TIsa.MultiplyAdd(x, b0, c50);
        c51 = TIsa.MultiplyAdd(x, b1, c51);
        c52 = TIsa.MultiplyAdd(x, b2, c52);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void PutDot(float* c, float value, bool accumulate) => *c = accumulate ? *c + value : value;

    /// <summary>
    /// Six rows of C across three vectors (48 columns with 512-bit vectors): the panel of a 7×7 plane once its 49th
    /// column goes to <see cref="GemvF32.Product"/>; the 6 × 4-vector tile would compute 64 columns for those 48.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gemm_F32_6x3v<TIsa, TVector>(float* a, nint aRowStride, nint aColStride, float* b, nint bStride, int depth,
        float* c, nint ldc, int columns, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        TVector c00 = TIsa.Zero, c01 = TIsa.Zero, c02 = TIsa.Zero;
        TVector c10 = TIsa.Zero, c11 = TIsa.Zero, c12 = TIsa.Zero;
        TVector c20 = TIsa.Zero, c21 = TIsa.Zero, c22 = TIsa.Zero;
        TVector c30 = TIsa.Zero, c31 = TIsa.Zero, c32 = TIsa.Zero;
        TVector c40 = TIsa.Zero, c41 = TIsa.Zero, c42 = TIsa.Zero;
        TVector c50 = TIsa.Zero, c51 = TIsa.Zero, c52 = TIsa.Zero;
        float* a0 = a;
        float* a1 = a0 + aRowStride;
        float* a2 = a1 + aRowStride;
        float* a3 = a2 + aRowStride;
        float* a4 = a3 + aRowStride;
        float* a5 = a4 + aRowStride;
        nint offset = 0;
        for (int p = 0; p < depth; p++)
        {
            MultiplyAdd6x3<TIsa, TVector>(a0, a1, a2, a3, a4, a5, offset, b, ref c00, ref c01, ref c02, ref c10, ref c11, ref c12,
                ref c20, ref c21, ref c22, ref c30, ref c31, ref c32, ref c40, ref c41, ref c42, ref c50, ref c51, ref c52);
            offset += aColStride;
            b += bStride;
        }
        if (columns == 3 * width)
        {
            Store6x3<TIsa, TVector>(c, ldc, c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32, c40, c41, c42, c50, c51, c52, accumulate);
            return;
        }
        StoreRow3<TIsa, TVector>(c, c00, c01, c02, columns, accumulate);
        StoreRow3<TIsa, TVector>(c + ldc, c10, c11, c12, columns, accumulate);
        StoreRow3<TIsa, TVector>(c + 2 * ldc, c20, c21, c22, columns, accumulate);
        StoreRow3<TIsa, TVector>(c + 3 * ldc, c30, c31, c32, columns, accumulate);
        StoreRow3<TIsa, TVector>(c + 4 * ldc, c40, c41, c42, columns, accumulate);
        StoreRow3<TIsa, TVector>(c + 5 * ldc, c50, c51, c52, columns, accumulate);
    }

    /// <summary>A whole vector into C, added to C's values when accumulating.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreFull<TIsa, TVector>(float* c, TVector value, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        if (accumulate) value = TIsa.Add(value, TIsa.Load(c));
        TIsa.Store(c, value);
    }

    /// <summary>
    /// Four vectors of one finished row of C: <see cref="ClipOperator"/> of value (+ C when accumulating) + rowBias[row] + residual into
    /// [low, high] (NaN passes; with low = 0 and high = +∞ it is ReLU, with ±∞ nothing), stored. residual (positioned
    /// like this row of C) and rowBias may be null.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreFinished4<TIsa, TVector>(float* c, float* residual, float* rowBias, int row,
        TVector v0, TVector v1, TVector v2, TVector v3, TVector low, TVector high, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        if (accumulate)
        {
            // The last depth chunk: the sums of the chunks before are in C.
            v0 = TIsa.Add(v0, TIsa.Load(c));
            v1 = TIsa.Add(v1, TIsa.Load(c + width));
            v2 = TIsa.Add(v2, TIsa.Load(c + 2 * width));
            v3 = TIsa.Add(v3, TIsa.Load(c + 3 * width));
        }
        if (rowBias != null)
        {
            TVector bias = TIsa.Broadcast(rowBias[row]);
            v0 = TIsa.Add(v0, bias);
            v1 = TIsa.Add(v1, bias);
            v2 = TIsa.Add(v2, bias);
            v3 = TIsa.Add(v3, bias);
        }
        if (residual != null)
        {
            v0 = TIsa.Add(v0, TIsa.Load(residual));
            v1 = TIsa.Add(v1, TIsa.Load(residual + width));
            v2 = TIsa.Add(v2, TIsa.Load(residual + 2 * width));
            v3 = TIsa.Add(v3, TIsa.Load(residual + 3 * width));
        }
        // The clamp as one max and one min (two instructions per vector, against a compare and a blend for each bound):
        // x86's max and min return their second operand when either is NaN or both are zeros, so NaN stays NaN and -0
        // stays -0, the bits of ClipOperator's pass. Tiles finish only with AVX-512 or AVX (TIsa.Count >= 8), so always x86 here.
        // Shallow expansions 0.95-0.96 (16 → 96 and 24 → 144 with ReLU6, 24 → 72 with ReLU).
        TIsa.Store(c, TIsa.Min(high, TIsa.Max(low, v0)));
        TIsa.Store(c + width, TIsa.Min(high, TIsa.Max(low, v1)));
        TIsa.Store(c + 2 * width, TIsa.Min(high, TIsa.Max(low, v2)));
        TIsa.Store(c + 3 * width, TIsa.Min(high, TIsa.Max(low, v3)));
    }

    /// <summary><see cref="StoreFinished4"/> for two vectors of a row (the 256-bit 6 × 2-vector tile), the same arithmetic in the same order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreFinished2<TIsa, TVector>(float* c, float* residual, float* rowBias, int row,
        TVector v0, TVector v1, TVector low, TVector high, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        if (accumulate)
        {
            v0 = TIsa.Add(v0, TIsa.Load(c));
            v1 = TIsa.Add(v1, TIsa.Load(c + width));
        }
        if (rowBias != null)
        {
            TVector bias = TIsa.Broadcast(rowBias[row]);
            v0 = TIsa.Add(v0, bias);
            v1 = TIsa.Add(v1, bias);
        }
        if (residual != null)
        {
            v0 = TIsa.Add(v0, TIsa.Load(residual));
            v1 = TIsa.Add(v1, TIsa.Load(residual + width));
        }
        TIsa.Store(c, TIsa.Min(high, TIsa.Max(low, v0)));
        TIsa.Store(c + width, TIsa.Min(high, TIsa.Max(low, v1)));
    }

    /// <summary>
    /// A whole 6 × 2-vector tile into six rows of C, <paramref name="ldc"/> apart, through the tile's epilogue
    /// (<see cref="StoreFinished2"/> per row: bias, residual with C's row stride, clamp to [low, high]).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreFinished6x2<TIsa, TVector>(float* c, nint ldc, float* residual, float* rowBias, float low, float high,
        TVector c00, TVector c01, TVector c10, TVector c11, TVector c20, TVector c21, TVector c30, TVector c31, TVector c40, TVector c41,
        TVector c50, TVector c51, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        TVector lowVector = TIsa.Broadcast(low), highVector = TIsa.Broadcast(high);
        nint residualStride = residual == null ? 0 : ldc;
        StoreFinished2<TIsa, TVector>(c, residual, rowBias, 0, c00, c01, lowVector, highVector, accumulate);
        StoreFinished2<TIsa, TVector>(c + ldc, residual + residualStride, rowBias, 1, c10, c11, lowVector, highVector, accumulate);
        StoreFinished2<TIsa, TVector>(c + 2 * ldc, residual + 2 * residualStride, rowBias, 2, c20, c21, lowVector, highVector, accumulate);
        StoreFinished2<TIsa, TVector>(c + 3 * ldc, residual + 3 * residualStride, rowBias, 3, c30, c31, lowVector, highVector, accumulate);
        StoreFinished2<TIsa, TVector>(c + 4 * ldc, residual + 4 * residualStride, rowBias, 4, c40, c41, lowVector, highVector, accumulate);
        StoreFinished2<TIsa, TVector>(c + 5 * ldc, residual + 5 * residualStride, rowBias, 5, c50, c51, lowVector, highVector, accumulate);
    }

    /// <summary>A whole 6 × 2-vector tile into six rows of C, <paramref name="ldc"/> apart (<see cref="StoreFull"/> per vector).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Store6x2<TIsa, TVector>(float* c, nint ldc, TVector c00, TVector c01, TVector c10, TVector c11, TVector c20, TVector c21,
        TVector c30, TVector c31, TVector c40, TVector c41, TVector c50, TVector c51, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        StoreFull2<TIsa, TVector>(c, c00, c01, accumulate);
        StoreFull2<TIsa, TVector>(c + ldc, c10, c11, accumulate);
        StoreFull2<TIsa, TVector>(c + 2 * ldc, c20, c21, accumulate);
        StoreFull2<TIsa, TVector>(c + 3 * ldc, c30, c31, accumulate);
        StoreFull2<TIsa, TVector>(c + 4 * ldc, c40, c41, accumulate);
        StoreFull2<TIsa, TVector>(c + 5 * ldc, c50, c51, accumulate);
    }

    /// <summary>A whole 6 × 3-vector tile into six rows of C, <paramref name="ldc"/> apart (<see cref="StoreFull"/> per vector).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Store6x3<TIsa, TVector>(float* c, nint ldc, TVector c00, TVector c01, TVector c02, TVector c10, TVector c11, TVector c12,
        TVector c20, TVector c21, TVector c22, TVector c30, TVector c31, TVector c32, TVector c40, TVector c41, TVector c42,
        TVector c50, TVector c51, TVector c52, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        StoreFull2<TIsa, TVector>(c, c00, c01, accumulate);
        StoreFull<TIsa, TVector>(c + 2 * width, c02, accumulate);
        StoreFull2<TIsa, TVector>(c + ldc, c10, c11, accumulate);
        StoreFull<TIsa, TVector>(c + ldc + 2 * width, c12, accumulate);
        StoreFull2<TIsa, TVector>(c + 2 * ldc, c20, c21, accumulate);
        StoreFull<TIsa, TVector>(c + 2 * ldc + 2 * width, c22, accumulate);
        StoreFull2<TIsa, TVector>(c + 3 * ldc, c30, c31, accumulate);
        StoreFull<TIsa, TVector>(c + 3 * ldc + 2 * width, c32, accumulate);
        StoreFull2<TIsa, TVector>(c + 4 * ldc, c40, c41, accumulate);
        StoreFull<TIsa, TVector>(c + 4 * ldc + 2 * width, c42, accumulate);
        StoreFull2<TIsa, TVector>(c + 5 * ldc, c50, c51, accumulate);
        StoreFull<TIsa, TVector>(c + 5 * ldc + 2 * width, c52, accumulate);
    }

    /// <summary><see cref="StoreFull"/> for two consecutive vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreFull2<TIsa, TVector>(float* c, TVector first, TVector second, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        StoreFull<TIsa, TVector>(c, first, accumulate);
        StoreFull<TIsa, TVector>(c + TIsa.Count, second, accumulate);
    }

    /// <summary>
    /// Columns [0, columns) (1..Count) of one row of C from one vector, by masked loads and partial stores: the narrow tiles of
    /// attention heads (16, 24 or 36 values) and of panel tails. A tile's whole rows take <see cref="StoreFull"/> instead,
    /// on a separate path: with both in one straight line after the loop, the register allocator reloads an accumulator
    /// from the stack on every iteration of the 6 × 4-vector tile (217 → 160 GFLOP/s, per-kernel timer).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow1<TIsa, TVector>(float* c, TVector value, int columns, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        if (accumulate) value = TIsa.Add(value, TIsa.LoadPartial(c, columns));
        TIsa.StorePartial(c, value, columns);
    }

    /// <summary><see cref="StoreRow1"/> for a row of two vectors (columns 1..2·Count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow2<TIsa, TVector>(float* c, TVector first, TVector second, int columns, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        if (columns <= width)
        {
            StoreRow1<TIsa, TVector>(c, first, columns, accumulate);
            return;
        }
        StoreFull<TIsa, TVector>(c, first, accumulate);
        StoreRow1<TIsa, TVector>(c + width, second, columns - width, accumulate);
    }

    /// <summary><see cref="StoreRow1"/> for a row of three vectors (columns 1..3·Count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow3<TIsa, TVector>(float* c, TVector v0, TVector v1, TVector v2, int columns, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = 2 * TIsa.Count;
        StoreRow2<TIsa, TVector>(c, v0, v1, System.Math.Min(columns, width), accumulate);
        if (columns > width) StoreRow1<TIsa, TVector>(c + width, v2, columns - width, accumulate);
    }

    /// <summary><see cref="StoreRow1"/> for a row of four vectors (columns 1..4·Count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow4<TIsa, TVector>(float* c, TVector v0, TVector v1, TVector v2, TVector v3, int columns, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = 2 * TIsa.Count;
        StoreRow2<TIsa, TVector>(c, v0, v1, System.Math.Min(columns, width), accumulate);
        if (columns > width) StoreRow2<TIsa, TVector>(c + width, v2, v3, columns - width, accumulate);
    }
}

/// <summary>
/// The epilogues a finished 6 × 4-vector tile applies in registers: act(C + rowBias[i] + residual[i, j]) for activations
/// that are a clamp (none, ReLU, ReLU6 and Clip), the same operations in the same order as the epilogue pass. RowBias
/// and Residual (C's row stride) start at the tile's first row and column; either may be null.
/// </summary>
internal unsafe struct TileEpilogue
{
    public float* RowBias;
    public float* Residual;
    public float Low, High;

    /// <summary>The tile form of <paramref name="epilogue"/> at C's first row and column, if it has one.</summary>
    public static bool TryCreate(in GemmEpilogue epilogue, out TileEpilogue tile)
    {
        tile = default;
        if (epilogue.Scale != 1f || epilogue.ColumnBias != null) return false;
        switch (epilogue.Activation.Kind)
        {
            case ActivationKind.None: tile.Low = float.NegativeInfinity; tile.High = float.PositiveInfinity; break;
            case ActivationKind.Relu: tile.Low = 0f; tile.High = float.PositiveInfinity; break;
            case ActivationKind.Clip: tile.Low = epilogue.Activation.Alpha; tile.High = epilogue.Activation.Beta; break;
            default: return false;
        }
        tile.RowBias = epilogue.RowBias;
        tile.Residual = epilogue.Residual;
        return true;
    }

    /// <summary>
    /// Makes this the epilogue of <paramref name="origin"/> for the tile whose first element is C[row, column] (C's row
    /// stride <paramref name="ldc"/>), one field at a time. A struct returned and copied (the form this replaced) was
    /// built with 8-byte stores and copied with a 16-byte load, which cannot take its data from the store buffer: every
    /// tile waited for the stores before it, the previous tile's C included, to reach L1 (a fifth of a 16 → 64
    /// convolution's time in one instruction; 0.84-0.85 of the time without it, MobileNetV3-L 0.976 whole).
    /// </summary>
    public void MoveTo(TileEpilogue* origin, int row, int column, nint ldc)
    {
        RowBias = origin->RowBias == null ? null : origin->RowBias + row;
        Residual = origin->Residual == null ? null : origin->Residual + row * ldc + column;
        Low = origin->Low;
        High = origin->High;
    }
}

/// <summary>
/// Where <see cref="GemmMicrokernels.Gemm_F32_6x4v{TIsa, TVector, TRows}"/> finds B: the current depth row's four
/// vectors, then the next row (a pointer step, so the tile's loop keeps the shape of a plain panel walk).
/// </summary>
internal unsafe interface ITileRows
{
    void Load<TIsa, TVector>(out TVector b0, out TVector b1, out TVector b2, out TVector b3)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct;

    void Next();
}

/// <summary>A panel: row p at b + p * stride, its four vectors side by side.</summary>
internal unsafe struct PanelTileRows : ITileRows
{
    private float* _row;
    private readonly nint _stride;

    public PanelTileRows(float* b, nint stride)
    {
        _row = b;
        _stride = stride;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Load<TIsa, TVector>(out TVector b0, out TVector b1, out TVector b2, out TVector b3)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        b0 = TIsa.Load(_row);
        b1 = TIsa.Load(_row + TIsa.Count);
        b2 = TIsa.Load(_row + 2 * TIsa.Count);
        b3 = TIsa.Load(_row + 3 * TIsa.Count);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Next() => _row += _stride;
}

/// <summary>
/// Rows read in place (<see cref="PaddedInputConvolution"/>): row p at b + offsets[p] (one offset per tap into a
/// zero-padded input), its vectors at 0, v1, v2 and v3 from there (one per output row the 64 columns span).
/// </summary>
internal unsafe struct OffsetTileRows : ITileRows
{
    private readonly float* _b;
    private int* _offset;
    private readonly nint _v1, _v2, _v3;

    public OffsetTileRows(float* b, int* offsets, nint v1, nint v2, nint v3)
    {
        _b = b;
        _offset = offsets;
        _v1 = v1;
        _v2 = v2;
        _v3 = v3;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Load<TIsa, TVector>(out TVector b0, out TVector b1, out TVector b2, out TVector b3)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        float* row = _b + *_offset;
        b0 = TIsa.Load(row);
        b1 = TIsa.Load(row + _v1);
        b2 = TIsa.Load(row + _v2);
        b3 = TIsa.Load(row + _v3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Next() => _offset++;
}
