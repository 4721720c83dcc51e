using System;
using System.Collections.Generic;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime.Tests;

/// <summary>Tester for LayerNorm and InstanceNorm: every variant against a double-precision two-pass reference.</summary>
public class NormalizationTests
{
    private static void Reference(float[] input, int offset, int count, float epsilon, Func<int, double> scale, Func<int, double> bias, float[] output)
    {
        double mean = 0;
        for (int i = 0; i < count; i++) mean += input[offset + i];
        mean /= count;
        double variance = 0;
        for (int i = 0; i < count; i++) variance += Math.Pow(input[offset + i] - mean, 2);
        variance /= count;
        for (int i = 0; i < count; i++)
            output[offset + i] = (float)((input[offset + i] - mean) / Math.Sqrt(variance + epsilon) * scale(i) + bias(i));
    }

    [Theory]
    [MemberData(nameof(TestData.Isas), MemberType = typeof(TestData))]
    public void LayerNorm_MatchesReference(string isaName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        foreach (var (rows, cols) in new[] { (1, 1), (3, 7), (5, 16), (4, 33), (7, 144), (2, 241) })
            foreach (bool withBias in new[] { true, false })
            {
                // An offset mean (5) checks the two-pass variance.
                float[] input = TestData.Random(rows * cols, rows + cols, 4f, 6f);
                float[] scale = TestData.Random(cols, 2, 0.5f, 1.5f);
                float[] bias = withBias ? TestData.Random(cols, 3) : Array.Empty<float>();
                var expected = new float[rows * cols];
                for (int r = 0; r < rows; r++) Reference(input, r * cols, cols, 1e-5f, i => scale[i], i => withBias ? bias[i] : 0, expected);
                var output = new float[rows * cols];
                LayerNormF32.Run(input, scale, bias, output, rows, cols, 1e-5f, isa);
                TestData.AssertClose(output, expected, 1e-5, $"{isa} rows={rows} cols={cols} bias={withBias}");
                // In place
                float[] inPlace = (float[])input.Clone();
                LayerNormF32.Run(inPlace, scale, bias, inPlace, rows, cols, 1e-5f, isa);
                Assert.Equal(output, inPlace);
            }
    }

    /// <summary>Rows go two at a time: each must come out with the bits it has when normalized alone.</summary>
    [Theory]
    [MemberData(nameof(TestData.Isas), MemberType = typeof(TestData))]
    public void LayerNorm_RowsInPairs_AreBitwiseEachRowAlone(string isaName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        foreach (var (rows, cols) in new[] { (5, 96), (4, 37), (3, 144), (2, 8) })
            foreach (bool withBias in new[] { true, false })
            {
                // Rows of different means and spreads, so a row that took its partner's statistics shows.
                float[] input = TestData.Random(rows * cols, rows * cols, -3f, 3f);
                for (int i = 0; i < input.Length; i++) input[i] = input[i] * (1 + i / cols) + 2 * (i / cols);
                float[] scale = TestData.Random(cols, 5, 0.5f, 1.5f);
                float[] bias = withBias ? TestData.Random(cols, 6) : Array.Empty<float>();
                var together = new float[rows * cols];
                LayerNormF32.Run(input, scale, bias, together, rows, cols, 1e-5f, isa);
                for (int r = 0; r < rows; r++)
                {
                    var alone = new float[cols];
                    LayerNormF32.Run(input.AsSpan(r * cols, cols), scale, bias, alone, 1, cols, 1e-5f, isa);
                    for (int c = 0; c < cols; c++)
                        Assert.True(BitConverter.SingleToInt32Bits(alone[c]) == BitConverter.SingleToInt32Bits(together[r * cols + c]),
                            $"{isa} {rows}x{cols} bias={withBias}: row {r}, column {c} is {together[r * cols + c]} with the others, {alone[c]} alone");
                }
            }
    }

    [Theory]
    [MemberData(nameof(TestData.Isas), MemberType = typeof(TestData))]
    public void InstanceNorm_MatchesReference(string isaName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        foreach (var (batch, channels, spatial) in new[] { (1, 1, 1), (1, 3, 7), (2, 5, 64), (1, 4, 33 * 17) })
        {
            float[] input = TestData.Random(batch * channels * spatial, spatial, -3f, 5f);
            float[] scale = TestData.Random(channels, 2, 0.5f, 1.5f);
            float[] bias = TestData.Random(channels, 3);
            var expected = new float[input.Length];
            for (int n = 0; n < batch; n++)
                for (int c = 0; c < channels; c++)
                    Reference(input, (n * channels + c) * spatial, spatial, 1e-5f, _ => scale[c], _ => bias[c], expected);
            var output = new float[input.Length];
            InstanceNormF32.Run(input, scale, bias, output, batch, channels, spatial, 1e-5f, isa);
            // A single-element plane normalizes to exactly the bias: compare absolutely there.
            TestData.AssertClose(output, expected, 1e-5, $"{isa} [{batch},{channels},{spatial}]");
        }
    }
}
