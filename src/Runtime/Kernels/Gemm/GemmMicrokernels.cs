using System.Runtime.CompilerServices;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// Register-blocked tiles of C (+)= A · B. B comes as a panel: element (p, j) at b[p * bStride + j], with the full
/// tile width readable. A element (i, p) at a[i * aRowStride + p * aColStride] (row-major A, transposed A or packed
/// weights alike). The 6 x 2-vector tile keeps 12 accumulators (6x16 with Vector256, 6x8 with Vector128): enough
/// independent FMAs to fill both FMA pipes, and within the 16 registers of AVX2 and NEON. With Vector512 the 6 x 4-vector
/// tile (6x64, 24 accumulators in AVX-512's 32 registers) needs fewer loads per FMA: 200 → 217 GFLOP/s on one core here.
/// Columns past <c>columns</c> are computed but never loaded from or stored to C (masked loads and stores).
/// </summary>
internal static unsafe class GemmMicrokernels
{
    public const int TileRows = 6;

    /// <summary>Six rows of C across one panel (<paramref name="columns"/> ≤ 32), split into 2-vector sub-tiles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gemm_F32_6x2v<TIsa, TVector>(float* a, nint aRowStride, nint aColStride, float* b, nint bStride, int depth,
        float* c, nint ldc, int columns, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int tileWidth = 2 * TIsa.Count;
        for (int sub = 0; sub < columns; sub += tileWidth)
        {
            int valid = System.Math.Min(tileWidth, columns - sub);
            // A narrow last panel (an attention head of 16 or 36 values) needs one vector, not two.
            if (valid <= TIsa.Count)
                Gemm_F32_6x1v_Tile<TIsa, TVector>(a, aRowStride, aColStride, b + sub, bStride, depth, c + sub, ldc, valid, accumulate);
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
        int width = TIsa.Count;
        if (columns == width)
        {
            if (accumulate)
            {
                c0 = TIsa.Add(c0, TIsa.Load(c)); c1 = TIsa.Add(c1, TIsa.Load(c + ldc)); c2 = TIsa.Add(c2, TIsa.Load(c + 2 * ldc));
                c3 = TIsa.Add(c3, TIsa.Load(c + 3 * ldc)); c4 = TIsa.Add(c4, TIsa.Load(c + 4 * ldc)); c5 = TIsa.Add(c5, TIsa.Load(c + 5 * ldc));
            }
            TIsa.Store(c, c0); TIsa.Store(c + ldc, c1); TIsa.Store(c + 2 * ldc, c2);
            TIsa.Store(c + 3 * ldc, c3); TIsa.Store(c + 4 * ldc, c4); TIsa.Store(c + 5 * ldc, c5);
            return;
        }
        // A narrow panel (an attention head of 16, 24 or 36 values): masked loads and stores of the valid lanes.
        StoreTail<TIsa, TVector>(c, c0, columns, accumulate); StoreTail<TIsa, TVector>(c + ldc, c1, columns, accumulate);
        StoreTail<TIsa, TVector>(c + 2 * ldc, c2, columns, accumulate); StoreTail<TIsa, TVector>(c + 3 * ldc, c3, columns, accumulate);
        StoreTail<TIsa, TVector>(c + 4 * ldc, c4, columns, accumulate); StoreTail<TIsa, TVector>(c + 5 * ldc, c5, columns, accumulate);
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
            if (accumulate)
            {
                c00 = TIsa.Add(c00, TIsa.Load(c)); c01 = TIsa.Add(c01, TIsa.Load(c + width));
                c10 = TIsa.Add(c10, TIsa.Load(c + ldc)); c11 = TIsa.Add(c11, TIsa.Load(c + ldc + width));
                c20 = TIsa.Add(c20, TIsa.Load(c + 2 * ldc)); c21 = TIsa.Add(c21, TIsa.Load(c + 2 * ldc + width));
                c30 = TIsa.Add(c30, TIsa.Load(c + 3 * ldc)); c31 = TIsa.Add(c31, TIsa.Load(c + 3 * ldc + width));
            }
            TIsa.Store(c, c00); TIsa.Store(c + width, c01);
            TIsa.Store(c + ldc, c10); TIsa.Store(c + ldc + width, c11);
            TIsa.Store(c + 2 * ldc, c20); TIsa.Store(c + 2 * ldc + width, c21);
            TIsa.Store(c + 3 * ldc, c30); TIsa.Store(c + 3 * ldc + width, c31);
            return;
        }
        StoreRowTail<TIsa, TVector>(c, c00, c01, columns, accumulate);
        StoreRowTail<TIsa, TVector>(c + ldc, c10, c11, columns, accumulate);
        StoreRowTail<TIsa, TVector>(c + 2 * ldc, c20, c21, columns, accumulate);
        StoreRowTail<TIsa, TVector>(c + 3 * ldc, c30, c31, columns, accumulate);
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
            int valid = System.Math.Min(tileWidth, columns - sub);
            if (valid == tileWidth)
            {
                if (accumulate)
                {
                    c0 = TIsa.Add(c0, TIsa.Load(c + sub));
                    c1 = TIsa.Add(c1, TIsa.Load(c + sub + width));
                }
                TIsa.Store(c + sub, c0);
                TIsa.Store(c + sub + width, c1);
            }
            else
            {
                StoreRowTail<TIsa, TVector>(c + sub, c0, c1, valid, accumulate);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gemm_F32_6x2v_Tile<TIsa, TVector>(float* a, nint aRowStride, nint aColStride, float* b, nint bStride, int depth,
        float* c, nint ldc, int columns, bool accumulate)
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
        if (columns == 2 * width)
        {
            if (accumulate)
            {
                c00 = TIsa.Add(c00, TIsa.Load(c)); c01 = TIsa.Add(c01, TIsa.Load(c + width));
                c10 = TIsa.Add(c10, TIsa.Load(c + ldc)); c11 = TIsa.Add(c11, TIsa.Load(c + ldc + width));
                c20 = TIsa.Add(c20, TIsa.Load(c + 2 * ldc)); c21 = TIsa.Add(c21, TIsa.Load(c + 2 * ldc + width));
                c30 = TIsa.Add(c30, TIsa.Load(c + 3 * ldc)); c31 = TIsa.Add(c31, TIsa.Load(c + 3 * ldc + width));
                c40 = TIsa.Add(c40, TIsa.Load(c + 4 * ldc)); c41 = TIsa.Add(c41, TIsa.Load(c + 4 * ldc + width));
                c50 = TIsa.Add(c50, TIsa.Load(c + 5 * ldc)); c51 = TIsa.Add(c51, TIsa.Load(c + 5 * ldc + width));
            }
            TIsa.Store(c, c00); TIsa.Store(c + width, c01);
            TIsa.Store(c + ldc, c10); TIsa.Store(c + ldc + width, c11);
            TIsa.Store(c + 2 * ldc, c20); TIsa.Store(c + 2 * ldc + width, c21);
            TIsa.Store(c + 3 * ldc, c30); TIsa.Store(c + 3 * ldc + width, c31);
            TIsa.Store(c + 4 * ldc, c40); TIsa.Store(c + 4 * ldc + width, c41);
            TIsa.Store(c + 5 * ldc, c50); TIsa.Store(c + 5 * ldc + width, c51);
            return;
        }
        StoreRowTail<TIsa, TVector>(c, c00, c01, columns, accumulate);
        StoreRowTail<TIsa, TVector>(c + ldc, c10, c11, columns, accumulate);
        StoreRowTail<TIsa, TVector>(c + 2 * ldc, c20, c21, columns, accumulate);
        StoreRowTail<TIsa, TVector>(c + 3 * ldc, c30, c31, columns, accumulate);
        StoreRowTail<TIsa, TVector>(c + 4 * ldc, c40, c41, columns, accumulate);
        StoreRowTail<TIsa, TVector>(c + 5 * ldc, c50, c51, columns, accumulate);
    }

    /// <summary>
    /// Six rows of C across four vectors (a 64-column panel with 512-bit vectors): 24 accumulators, so each A broadcast
    /// feeds four FMAs and each B load six. Only for 512-bit vectors, whose 32 registers hold the tile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Gemm_F32_6x4v<TIsa, TVector>(float* a, nint aRowStride, nint aColStride, float* b, nint bStride, int depth,
        float* c, nint ldc, int columns, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        TVector c00 = TIsa.Zero, c01 = TIsa.Zero, c02 = TIsa.Zero, c03 = TIsa.Zero, c10 = TIsa.Zero, c11 = TIsa.Zero, c12 = TIsa.Zero, c13 = TIsa.Zero, c20 = TIsa.Zero, c21 = TIsa.Zero, c22 = TIsa.Zero, c23 = TIsa.Zero, c30 = TIsa.Zero, c31 = TIsa.Zero, c32 = TIsa.Zero, c33 = TIsa.Zero, c40 = TIsa.Zero, c41 = TIsa.Zero, c42 = TIsa.Zero, c43 = TIsa.Zero, c50 = TIsa.Zero, c51 = TIsa.Zero, c52 = TIsa.Zero, c53 = TIsa.Zero;
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
            TVector b2 = TIsa.Load(b + 2 * width);
            TVector b3 = TIsa.Load(b + 3 * width);
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
            b += bStride;
        }
        if (columns == 4 * width)
        {
            if (accumulate) { c00 = TIsa.Add(c00, TIsa.Load(c + 0 * ldc)); c01 = TIsa.Add(c01, TIsa.Load(c + 0 * ldc + width)); c02 = TIsa.Add(c02, TIsa.Load(c + 0 * ldc + 2 * width)); c03 = TIsa.Add(c03, TIsa.Load(c + 0 * ldc + 3 * width)); }
            TIsa.Store(c + 0 * ldc, c00); TIsa.Store(c + 0 * ldc + width, c01); TIsa.Store(c + 0 * ldc + 2 * width, c02); TIsa.Store(c + 0 * ldc + 3 * width, c03);
            if (accumulate) { c10 = TIsa.Add(c10, TIsa.Load(c + 1 * ldc)); c11 = TIsa.Add(c11, TIsa.Load(c + 1 * ldc + width)); c12 = TIsa.Add(c12, TIsa.Load(c + 1 * ldc + 2 * width)); c13 = TIsa.Add(c13, TIsa.Load(c + 1 * ldc + 3 * width)); }
            TIsa.Store(c + 1 * ldc, c10); TIsa.Store(c + 1 * ldc + width, c11); TIsa.Store(c + 1 * ldc + 2 * width, c12); TIsa.Store(c + 1 * ldc + 3 * width, c13);
            if (accumulate) { c20 = TIsa.Add(c20, TIsa.Load(c + 2 * ldc)); c21 = TIsa.Add(c21, TIsa.Load(c + 2 * ldc + width)); c22 = TIsa.Add(c22, TIsa.Load(c + 2 * ldc + 2 * width)); c23 = TIsa.Add(c23, TIsa.Load(c + 2 * ldc + 3 * width)); }
            TIsa.Store(c + 2 * ldc, c20); TIsa.Store(c + 2 * ldc + width, c21); TIsa.Store(c + 2 * ldc + 2 * width, c22); TIsa.Store(c + 2 * ldc + 3 * width, c23);
            if (accumulate) { c30 = TIsa.Add(c30, TIsa.Load(c + 3 * ldc)); c31 = TIsa.Add(c31, TIsa.Load(c + 3 * ldc + width)); c32 = TIsa.Add(c32, TIsa.Load(c + 3 * ldc + 2 * width)); c33 = TIsa.Add(c33, TIsa.Load(c + 3 * ldc + 3 * width)); }
            TIsa.Store(c + 3 * ldc, c30); TIsa.Store(c + 3 * ldc + width, c31); TIsa.Store(c + 3 * ldc + 2 * width, c32); TIsa.Store(c + 3 * ldc + 3 * width, c33);
            if (accumulate) { c40 = TIsa.Add(c40, TIsa.Load(c + 4 * ldc)); c41 = TIsa.Add(c41, TIsa.Load(c + 4 * ldc + width)); c42 = TIsa.Add(c42, TIsa.Load(c + 4 * ldc + 2 * width)); c43 = TIsa.Add(c43, TIsa.Load(c + 4 * ldc + 3 * width)); }
            TIsa.Store(c + 4 * ldc, c40); TIsa.Store(c + 4 * ldc + width, c41); TIsa.Store(c + 4 * ldc + 2 * width, c42); TIsa.Store(c + 4 * ldc + 3 * width, c43);
            if (accumulate) { c50 = TIsa.Add(c50, TIsa.Load(c + 5 * ldc)); c51 = TIsa.Add(c51, TIsa.Load(c + 5 * ldc + width)); c52 = TIsa.Add(c52, TIsa.Load(c + 5 * ldc + 2 * width)); c53 = TIsa.Add(c53, TIsa.Load(c + 5 * ldc + 3 * width)); }
            TIsa.Store(c + 5 * ldc, c50); TIsa.Store(c + 5 * ldc + width, c51); TIsa.Store(c + 5 * ldc + 2 * width, c52); TIsa.Store(c + 5 * ldc + 3 * width, c53);
            return;
        }
        StoreRowTail<TIsa, TVector>(c + 0 * ldc, c00, c01, System.Math.Min(columns, 2 * width), accumulate);
        if (columns > 2 * width) StoreRowTail<TIsa, TVector>(c + 0 * ldc + 2 * width, c02, c03, columns - 2 * width, accumulate);
        StoreRowTail<TIsa, TVector>(c + 1 * ldc, c10, c11, System.Math.Min(columns, 2 * width), accumulate);
        if (columns > 2 * width) StoreRowTail<TIsa, TVector>(c + 1 * ldc + 2 * width, c12, c13, columns - 2 * width, accumulate);
        StoreRowTail<TIsa, TVector>(c + 2 * ldc, c20, c21, System.Math.Min(columns, 2 * width), accumulate);
        if (columns > 2 * width) StoreRowTail<TIsa, TVector>(c + 2 * ldc + 2 * width, c22, c23, columns - 2 * width, accumulate);
        StoreRowTail<TIsa, TVector>(c + 3 * ldc, c30, c31, System.Math.Min(columns, 2 * width), accumulate);
        if (columns > 2 * width) StoreRowTail<TIsa, TVector>(c + 3 * ldc + 2 * width, c32, c33, columns - 2 * width, accumulate);
        StoreRowTail<TIsa, TVector>(c + 4 * ldc, c40, c41, System.Math.Min(columns, 2 * width), accumulate);
        if (columns > 2 * width) StoreRowTail<TIsa, TVector>(c + 4 * ldc + 2 * width, c42, c43, columns - 2 * width, accumulate);
        StoreRowTail<TIsa, TVector>(c + 5 * ldc, c50, c51, System.Math.Min(columns, 2 * width), accumulate);
        if (columns > 2 * width) StoreRowTail<TIsa, TVector>(c + 5 * ldc + 2 * width, c52, c53, columns - 2 * width, accumulate);
    }

    /// <summary>The first <paramref name="count"/> (1..Count) lanes of one vector into C, added to C's values when accumulating.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreTail<TIsa, TVector>(float* c, TVector value, int count, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        if (accumulate) value = TIsa.Add(value, TIsa.LoadPartial(c, count));
        TIsa.StorePartial(c, value, count);
    }

    /// <summary>The first <paramref name="columns"/> (1..2·Count) values of a two-vector row of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRowTail<TIsa, TVector>(float* c, TVector first, TVector second, int columns, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        if (columns <= width)
        {
            StoreTail<TIsa, TVector>(c, first, columns, accumulate);
            return;
        }
        if (accumulate) first = TIsa.Add(first, TIsa.Load(c));
        TIsa.Store(c, first);
        StoreTail<TIsa, TVector>(c + width, second, columns - width, accumulate);
    }
}
