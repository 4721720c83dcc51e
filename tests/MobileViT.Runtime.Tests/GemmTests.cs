using System;
using System.Collections.Generic;
using MobileViT.Runtime.Simd;
using MobileViT.Runtime.Tests.Reference;

namespace MobileViT.Runtime.Tests;

/// <summary>Tester for the GEMM family: every variant against the naive product on odd shapes.</summary>
public unsafe class GemmTests
{
    /// <summary>
    /// Packing a transposed B ([n][k]) into a [depth][64] panel, by 16 × 16 register transposes where AVX-512 is on, 8 × 8
    /// where AVX is, and element by element elsewhere (CI runs all three): every element in place, zeros past the last
    /// column, rows past it never read.
    /// </summary>
    [Fact]
    public void PackTransposedMatchesTheDefinition()
    {
        foreach (int columns in new[] { 1, 15, 16, 17, 49, 64 })
            foreach (int depth in new[] { 1, 15, 16, 24, 37, 128 })
            {
                int ldb = depth + 3;
                float[] source = TestData.Random(columns * ldb, seed: columns * 131 + depth);
                var panel = new float[depth * GemmDriver.PanelWidth];
                Array.Fill(panel, float.NaN);
                fixed (float* s = source)
                fixed (float* p = panel)
                    GemmDriver.PackTransposed(s, ldb, columns, depth, p);
                for (int row = 0; row < depth; row++)
                    for (int j = 0; j < GemmDriver.PanelWidth; j++)
                        Assert.True(panel[row * GemmDriver.PanelWidth + j] == (j < columns ? source[j * ldb + row] : 0f),
                            $"{columns} columns, depth {depth}: element ({row}, {j})");
            }
    }

    /// <summary>
    /// The last few columns of a row go together (one pass over A for up to four): each column against the
    /// double-precision definition, with and without accumulating into C, rows and depth off whole vectors; and
    /// bitwise equal to that column alone through the one-column product, so grouping never changes a result.
    /// </summary>
    [Theory]
    [InlineData("Vector128")]
    [InlineData("Vector256")]
    [InlineData("Vector512")]
    public void ProductColumnsMatchesTheDefinitionAndTheOneColumnProduct(string isaName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        foreach (int columns in new[] { 1, 2, 3, 4 })
            foreach (var (m, k) in new[] { (1, 5), (2, 16), (7, 37), (33, 128), (20, 100) })
                foreach (bool accumulate in new[] { false, true })
                {
                    const int ldc = 9;
                    int xStride = k + 5;
                    float[] a = TestData.Random(m * (k + 2), seed: m * 31 + k);
                    float[] x = TestData.Random(GemvF32.MaxColumns * xStride, seed: columns * 7 + k);
                    float[] c0 = TestData.Random(m * ldc, seed: 3, low: 0.5f, high: 2f);
                    float[] grouped = (float[])c0.Clone(), single = (float[])c0.Clone();
                    fixed (float* pa = a) fixed (float* px = x) fixed (float* pg = grouped) fixed (float* ps = single)
                    {
                        ProductColumns(isa, pa, k + 2, px, xStride, columns, pg + 1, ldc, m, k, accumulate);
                        for (int j = 0; j < columns; j++) ProductColumns(isa, pa, k + 2, px + j * xStride, xStride, 1, ps + 1 + j, ldc, m, k, accumulate);
                    }
                    string context = $"{isa}, {columns} columns, m={m}, k={k}, accumulate={accumulate}";
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < ldc; j++)
                        {
                            int at = i * ldc + j;
                            if (j < 1 || j > columns)
                            {
                                Assert.True(grouped[at] == c0[at], $"{context}: ({i}, {j}) outside the columns was written");
                                continue;
                            }
                            double expected = accumulate ? c0[at] : 0;
                            for (int p = 0; p < k; p++) expected += (double)a[i * (k + 2) + p] * x[(j - 1) * xStride + p];
                            Assert.True(Math.Abs(grouped[at] - expected) <= 1e-5 * (1 + Math.Abs(expected)), $"{context}: ({i}, {j}) {grouped[at]} vs {expected}");
                            Assert.True(BitConverter.SingleToInt32Bits(grouped[at]) == BitConverter.SingleToInt32Bits(single[at]),
                                $"{context}: ({i}, {j}) grouped {grouped[at]} vs alone {single[at]}");
                        }
                }
    }

    /// <summary>
    /// The one-row tile over whole panels (a row's product as one sweep of each depth row of B) is bitwise the one-row
    /// tile over half panels it replaces, for every width up to a panel and depths odd and even, with and without
    /// accumulating; and both match the double-precision definition.
    /// </summary>
    [Theory]
    [InlineData("Vector128")]
    [InlineData("Vector256")]
    [InlineData("Vector512")]
    public void OneRowTileOverWholePanelsIsTheHalfPanelTileBitwise(string isaName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        const int bStride = GemmDriver.PanelWidth;
        foreach (int depth in new[] { 1, 2, 7, 64, 129 })
            foreach (int columns in new[] { 1, 15, 16, 17, 31, 33, 48, 49, 63, 64 })
                foreach (bool accumulate in new[] { false, true })
                {
                    float[] a = TestData.Random(depth * 3, seed: depth);
                    float[] b = TestData.Random(depth * bStride, seed: columns + 100 * depth);
                    float[] start = TestData.Random(bStride, seed: 5, low: 0.5f, high: 2f);
                    float[] whole = (float[])start.Clone(), halves = (float[])start.Clone();
                    fixed (float* pa = a) fixed (float* pb = b) fixed (float* pw = whole) fixed (float* ph = halves)
                    {
                        OneRowTile(isa, wholePanels: true, pa, 3, pb, bStride, depth, pw, columns, accumulate);
                        OneRowTile(isa, wholePanels: false, pa, 3, pb, bStride, depth, ph, columns, accumulate);
                    }
                    string context = $"{isa}, depth {depth}, {columns} columns, accumulate={accumulate}";
                    for (int j = 0; j < bStride; j++)
                    {
                        Assert.True(BitConverter.SingleToInt32Bits(whole[j]) == BitConverter.SingleToInt32Bits(halves[j]),
                            $"{context}: column {j} {whole[j]} vs {halves[j]}");
                        if (j >= columns)
                        {
                            Assert.True(whole[j] == start[j], $"{context}: column {j} past the last was written");
                            continue;
                        }
                        double expected = accumulate ? start[j] : 0;
                        for (int p = 0; p < depth; p++) expected += (double)a[p * 3] * b[p * bStride + j];
                        Assert.True(Math.Abs(whole[j] - expected) <= 1e-5 * (1 + Math.Abs(expected)), $"{context}: column {j} {whole[j]} vs {expected}");
                    }
                }
    }

    private static void OneRowTile(KernelIsa isa, bool wholePanels, float* a, nint aColStride, float* b, nint bStride, int depth, float* c, int columns, bool accumulate)
    {
        switch (isa)
        {
            case KernelIsa.Vector512 when wholePanels: GemmMicrokernels.Gemm_F32_1x4v<Vector512Isa, System.Runtime.Intrinsics.Vector512<float>>(a, aColStride, b, bStride, depth, c, columns, accumulate); break;
            case KernelIsa.Vector512: GemmMicrokernels.Gemm_F32_1x2v<Vector512Isa, System.Runtime.Intrinsics.Vector512<float>>(a, aColStride, b, bStride, depth, c, columns, accumulate); break;
            case KernelIsa.Vector256 when wholePanels: GemmMicrokernels.Gemm_F32_1x4v<Vector256Isa, System.Runtime.Intrinsics.Vector256<float>>(a, aColStride, b, bStride, depth, c, columns, accumulate); break;
            case KernelIsa.Vector256: GemmMicrokernels.Gemm_F32_1x2v<Vector256Isa, System.Runtime.Intrinsics.Vector256<float>>(a, aColStride, b, bStride, depth, c, columns, accumulate); break;
            case KernelIsa.Vector128 when wholePanels: GemmMicrokernels.Gemm_F32_1x4v<Vector128Isa, System.Runtime.Intrinsics.Vector128<float>>(a, aColStride, b, bStride, depth, c, columns, accumulate); break;
            default: GemmMicrokernels.Gemm_F32_1x2v<Vector128Isa, System.Runtime.Intrinsics.Vector128<float>>(a, aColStride, b, bStride, depth, c, columns, accumulate); break;
        }
    }

    private static void ProductColumns(KernelIsa isa, float* a, nint aRowStride, float* x, nint xStride, int columns, float* y, nint yStride, int m, int k, bool accumulate)
    {
        switch (isa)
        {
            case KernelIsa.Vector512: GemvF32.ProductColumns<Vector512Isa, System.Runtime.Intrinsics.Vector512<float>>(a, aRowStride, x, xStride, columns, y, yStride, m, k, accumulate); break;
            case KernelIsa.Vector256: GemvF32.ProductColumns<Vector256Isa, System.Runtime.Intrinsics.Vector256<float>>(a, aRowStride, x, xStride, columns, y, yStride, m, k, accumulate); break;
            default: GemvF32.ProductColumns<Vector128Isa, System.Runtime.Intrinsics.Vector128<float>>(a, aRowStride, x, xStride, columns, y, yStride, m, k, accumulate); break;
        }
    }

    private static readonly (int M, int K, int N)[] Shapes =
    {
        (1, 1, 1), (3, 17, 5), (1, 63, 130), (17, 63, 65), (63, 65, 130), (130, 3, 17), (7, 300, 33), (12, 257, 64), (65, 1, 63), (13, 129, 50), (6, 40, 100),
        // 49 columns: three vectors and one more; with 512-bit vectors the 6-row tiles take the 49th as dot products.
        (20, 37, 49), (12, 100, 113),
        // A row ending 1-4 columns past its last whole panel (the last 4 of 14×14): rows and depth off whole blocks of 16,
        // and depth past one 128-deep chunk.
        (37, 200, 196), (20, 19, 68), (33, 131, 130), (5, 16, 67),
        // A lone row across whole panels, deeper than one chunk (a classifier: 256-bit vectors sweep each panel row once).
        (1, 300, 192),
    };

    public static IEnumerable<object[]> Cases()
    {
        foreach (KernelIsa isa in TestData.AllIsas)
            foreach (bool aTransposed in new[] { false, true })
                foreach (bool bTransposed in new[] { false, true })
                    yield return new object[] { isa.ToString(), aTransposed, bTransposed };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Run_MatchesNaive(string isaName, bool aTransposed, bool bTransposed)
    {
        KernelIsa isa = TestData.Isa(isaName);
        foreach (var (m, k, n) in Shapes)
        {
            float[] a = TestData.Random(m * k, seed: m * 7 + k);
            float[] b = TestData.Random(k * n, seed: n * 13 + k);
            float[] expected = NaiveReference.Gemm(a, aTransposed, b, bTransposed, m, k, n);
            for (int i = 0; i < expected.Length; i++) expected[i] *= 0.75f;
            float[] c = TestData.Random(m * n, seed: 1); // garbage in C must be overwritten
            GemmF32.Run(a, aTransposed, b, bTransposed, c, m, k, n, 0.75f, isa);
            TestData.AssertClose(c, expected, 1e-5, $"{isa} m={m} k={k} n={n}");
        }
    }

    public static IEnumerable<object[]> PackedCases()
    {
        foreach (KernelIsa isa in TestData.AllIsas)
            foreach (ActivationKind activation in Enum.GetValues<ActivationKind>())
                yield return new object[] { isa.ToString(), activation };
    }

    [Theory]
    [MemberData(nameof(PackedCases))]
    public void RunPackedB_WithBiasResidualActivation_MatchesNaive(string isaName, ActivationKind activationKind)
    {
        KernelIsa isa = TestData.Isa(isaName);
        var activation = new Activation(activationKind, activationKind == ActivationKind.Clip ? -0.5f : 0.2f, activationKind == ActivationKind.Clip ? 0.7f : 0.5f);
        int shapeIndex = 0;
        foreach (var (m, k, n) in Shapes)
        {
            bool transposed = shapeIndex % 2 == 1;
            bool withBias = shapeIndex % 3 != 2;
            bool withResidual = shapeIndex % 2 == 0;
            shapeIndex++;
            float[] a = TestData.Random(m * k, seed: m + k);
            float[] b = TestData.Random(k * n, seed: n + 2 * k);
            float[] bias = withBias ? TestData.Random(n, seed: 3) : Array.Empty<float>();
            float[] residual = withResidual ? TestData.Random(m * n, seed: 4) : Array.Empty<float>();
            float[] product = NaiveReference.Gemm(a, false, b, transposed, m, k, n);
            var expected = new float[m * n];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double value = product[i * n + j] + (withBias ? bias[j] : 0) + (withResidual ? residual[i * n + j] : 0);
                    expected[i * n + j] = (float)MathReference.Apply(activationKind, value, activation.Alpha, activation.Beta);
                }
            float[] packed = GemmF32.PackB(b, k, n, transposed);
            var c = new float[m * n];
            GemmF32.RunPackedB(a, packed, bias, residual, c, m, k, n, activation, isa);
            TestData.AssertClose(c, expected, 1e-5, $"{isa} {activation} m={m} k={k} n={n} transposed={transposed}");
        }
    }

    [Fact]
    public void PublicEntryPointsUseBestVariant()
    {
        float[] a = TestData.Random(20 * 30, 1), b = TestData.Random(30 * 40, 2);
        var c = new float[20 * 40];
        GemmF32.Run(a, false, b, false, c, 20, 30, 40, 1f);
        TestData.AssertClose(c, NaiveReference.Gemm(a, false, b, false, 20, 30, 40));
        GemmF32.RunPackedB(a, GemmF32.PackB(b, 30, 40, false), default, default, c, 20, 30, 40, Activation.None);
        TestData.AssertClose(c, NaiveReference.Gemm(a, false, b, false, 20, 30, 40));
    }
}
