using System;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime.Tests;

/// <summary>
/// Tester for A interleaved by 6-row tiles (pointwise convolution weights): the layout against its definition, and
/// the tail kernel, every variant, against a double-precision sum. The GEMM through it is checked by Conv2dTests.
/// </summary>
public unsafe class InterleavedRowTilesTests
{
    [Theory]
    [InlineData(6, 1)]
    [InlineData(15, 7)]
    [InlineData(13, 130)]
    [InlineData(5, 3)]
    public void Pack_StoresEachTileDepthByDepthAndTheRestRowMajor(int m, int k)
    {
        float[] rowMajor = TestData.Random(m * k, seed: m * 31 + k);
        float[] packed = InterleavedRowTiles.Pack(rowMajor, m, k);
        Assert.Equal(m * k + InterleavedRowTiles.Padding, packed.Length);
        int tiled = m / 6 * 6;
        for (int row = 0; row < m; row++)
            for (int p = 0; p < k; p++)
            {
                int at = row < tiled ? row / 6 * 6 * k + p * 6 + row % 6 : row * k + p;
                Assert.True(packed[at] == rowMajor[row * k + p], $"row {row}, depth {p}: {packed[at]} at {at}, expected {rowMajor[row * k + p]}");
            }
        for (int i = m * k; i < packed.Length; i++) Assert.Equal(0f, packed[i]);
    }

    /// <summary>
    /// Six rows across one to four columns whose B values lie along the depth: each column (+)= its dot products, the
    /// columns past <c>columns</c> and C's other elements untouched. Depths below, at and past one vector.
    /// </summary>
    [Theory]
    [InlineData("Vector128")]
    [InlineData("Vector256")]
    [InlineData("Vector512")]
    public void TailKernel_MatchesTheDotProducts(string isaName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        const int Ldc = 9;
        foreach (int depth in new[] { 1, 5, 16, 37 })
            foreach (int columns in new[] { 1, 2, 3, 4 })
                foreach (bool accumulate in new[] { false, true })
                {
                    float[] rowMajor = TestData.Random(6 * depth, seed: depth * 7 + columns);
                    float[] a = InterleavedRowTiles.Pack(rowMajor, 6, depth);
                    int xStride = depth + 3;
                    float[] x = TestData.Random(4 * xStride, seed: depth * 11 + columns, low: -2f, high: 2f);
                    float[] start = TestData.Random(6 * Ldc, seed: 99, low: 0.5f, high: 2f);
                    float[] c = (float[])start.Clone();
                    fixed (float* pa = a) fixed (float* px = x) fixed (float* pc = c)
                        Tail(isa, pa, px, xStride, columns, depth, pc, Ldc, accumulate);
                    AssertDotProducts(rowMajor, 6, depth, x, xStride, columns, start, c, Ldc, accumulate, $"{isa}, depth {depth}, {columns} columns, accumulate={accumulate}");
                }
    }

    /// <summary>
    /// Four tiles (24 rows) at once across one to four columns, tiles a tile's length apart: each of the 24 rows (+)= its
    /// dot products (lanes 0-5 and 8-13 of two registers), nothing else written.
    /// </summary>
    [Fact]
    public void FourTileTailKernel_MatchesTheDotProducts()
    {
        // An AVX-512 kernel: the GEMM driver calls it only where AVX-512 runs (CI's other modes have none).
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            Assert.False(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated);
            return;
        }
        const int Ldc = 7, Rows = 24;
        foreach (int depth in new[] { 1, 6, 33 })
            foreach (int columns in new[] { 1, 2, 3, 4 })
                foreach (bool accumulate in new[] { false, true })
                {
                    float[] rowMajor = TestData.Random(Rows * depth, seed: depth * 13 + columns);
                    float[] a = InterleavedRowTiles.Pack(rowMajor, Rows, depth);
                    int xStride = depth + 2;
                    float[] x = TestData.Random(4 * xStride, seed: depth * 5 + columns, low: -2f, high: 2f);
                    float[] start = TestData.Random(Rows * Ldc, seed: 98, low: 0.5f, high: 2f);
                    float[] c = (float[])start.Clone();
                    fixed (float* pa = a) fixed (float* px = x) fixed (float* pc = c)
                        InterleavedRowTiles.Gemm_F32_24xN_InterleavedA_Vector512(pa, 6 * depth, px, xStride, columns, depth, pc, Ldc, accumulate);
                    AssertDotProducts(rowMajor, Rows, depth, x, xStride, columns, start, c, Ldc, accumulate, $"depth {depth}, {columns} columns, accumulate={accumulate}");
                }
    }

    /// <summary>
    /// The 256-bit four-tile kernel for one or two columns: each of the 24 rows (+)= its dot products, nothing else
    /// written, and every result has the bits the six-row form gives tile by tile (threads split rows by tiles, so a row
    /// must not depend on which form took it).
    /// </summary>
    [Fact]
    public void FourTileTailKernel256_MatchesTheDotProductsAndTheSixRowForm()
    {
        // A 256-bit kernel: the GEMM driver calls it where 256-bit vectors run.
        if (!System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) return;
        const int Ldc = 5, Rows = 24;
        foreach (int depth in new[] { 1, 7, 160 })
            foreach (int columns in new[] { 1, 2 })
                foreach (bool accumulate in new[] { false, true })
                {
                    float[] rowMajor = TestData.Random(Rows * depth, seed: depth * 17 + columns);
                    float[] a = InterleavedRowTiles.Pack(rowMajor, Rows, depth);
                    int xStride = depth + 3;
                    float[] x = TestData.Random(2 * xStride, seed: depth * 7 + columns, low: -2f, high: 2f);
                    float[] start = TestData.Random(Rows * Ldc, seed: 99, low: 0.5f, high: 2f);
                    float[] c = (float[])start.Clone(), sixRows = (float[])start.Clone();
                    fixed (float* pa = a) fixed (float* px = x) fixed (float* pc = c) fixed (float* ps = sixRows)
                    {
                        InterleavedRowTiles.Gemm_F32_24x2_InterleavedA_Vector256(pa, 6 * depth, px, xStride, columns, depth, pc, Ldc, accumulate);
                        for (int tile = 0; tile < 4; tile++)
                            InterleavedRowTiles.Gemm_F32_6xN_InterleavedA<Vector256Isa, System.Runtime.Intrinsics.Vector256<float>>(pa + tile * 6 * depth, px, xStride,
                                columns, depth, ps + tile * 6 * Ldc, Ldc, accumulate);
                    }
                    string context = $"depth {depth}, {columns} columns, accumulate={accumulate}";
                    AssertDotProducts(rowMajor, Rows, depth, x, xStride, columns, start, c, Ldc, accumulate, context);
                    for (int i = 0; i < c.Length; i++)
                        Assert.True(BitConverter.SingleToInt32Bits(c[i]) == BitConverter.SingleToInt32Bits(sixRows[i]), $"{context}: element {i} {c[i]} vs the six-row form's {sixRows[i]}");
                }
    }

    /// <summary>
    /// Each of the rows' first <paramref name="columns"/> elements of C (+)= its dot product with column j of x, in double
    /// precision; the columns past them as they were.
    /// </summary>
    private static void AssertDotProducts(float[] rowMajor, int rows, int depth, float[] x, int xStride, int columns, float[] start, float[] c,
        int ldc, bool accumulate, string context)
    {
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < ldc; j++)
            {
                float got = c[r * ldc + j];
                if (j >= columns)
                {
                    Assert.True(got == start[r * ldc + j], $"{context}: row {r} column {j} was written");
                    continue;
                }
                double expected = accumulate ? start[r * ldc + j] : 0;
                for (int p = 0; p < depth; p++) expected += (double)rowMajor[r * depth + p] * x[j * xStride + p];
                Assert.True(Math.Abs(got - expected) <= 1e-5 * (1 + Math.Abs(expected)), $"{context}: row {r} column {j} {got} vs {expected}");
            }
    }

    private static void Tail(KernelIsa isa, float* a, float* x, nint xStride, int columns, int depth, float* c, nint ldc, bool accumulate)
    {
        switch (isa)
        {
            case KernelIsa.Vector512: InterleavedRowTiles.Gemm_F32_6xN_InterleavedA<Vector512Isa, System.Runtime.Intrinsics.Vector512<float>>(a, x, xStride, columns, depth, c, ldc, accumulate); break;
            case KernelIsa.Vector256: InterleavedRowTiles.Gemm_F32_6xN_InterleavedA<Vector256Isa, System.Runtime.Intrinsics.Vector256<float>>(a, x, xStride, columns, depth, c, ldc, accumulate); break;
            default: InterleavedRowTiles.Gemm_F32_6xN_InterleavedA<Vector128Isa, System.Runtime.Intrinsics.Vector128<float>>(a, x, xStride, columns, depth, c, ldc, accumulate); break;
        }
    }
}
