using System;
using System.Linq;
using MobileViT.Runtime.Simd;
using MobileViT.Runtime.Tests.Reference;

namespace MobileViT.Runtime.Tests;

/// <summary>AttentionF32 against softmax(alpha·Q·Kᵀ)·V computed naively in double precision, and across thread counts.</summary>
public unsafe class AttentionTests
{
    [Theory]
    [MemberData(nameof(TestData.Isas), MemberType = typeof(TestData))]
    public void MatchesTheDefinition(string isaName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        // The transposed products (output up to 16 K floats per head, whole and partial 16 × 16 transposes) and, for the
        // last shape (300 × 64 outputs), the untransposed ones.
        foreach (var (heads, queries, keys, headDim, valueDim) in new[] { (3, 37, 37, 24, 24), (5, 16, 40, 36, 20), (1, 64, 64, 30, 30), (2, 256, 256, 16, 16), (2, 300, 50, 8, 64) })
        {
            var (q, k, v, qOffsets, kOffsets, vOffsets) = Operands(heads, queries, keys, headDim, valueDim);
            // Score rows as long as the scores (queries · keys floats per slice) and rounded up to whole vectors.
            foreach (long slice in new[] { (long)queries * keys, AttentionF32.PaddedSliceFloats(queries, keys) })
            {
                var output = new float[heads * queries * valueDim];
                var scores = new float[2 * slice];
                Array.Fill(scores, float.NaN); // a padding cell read as a score would spread
                AttentionF32.Run(q, qOffsets, k, kOffsets, v, vOffsets, scores, output, queries, keys, headDim, valueDim, 0.3f, isa);
                TestData.AssertClose(output, Naive(q, k, v, qOffsets, kOffsets, vOffsets, queries, keys, headDim, valueDim, 0.3f), 1e-5,
                    $"{isa} {heads}x{queries}x{keys}, slices of {slice} floats");
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestData.Isas), MemberType = typeof(TestData))]
    public void ReadsAndWritesHeadsInPlaceWithRowStrides(string isaName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        // One linear layer's output [batches, tokens, 3 · heads · headDim] read in place, the heads' outputs written into
        // [batches, tokens, heads · valueDim]; the last shape (300 × 64 outputs per head) takes the untransposed products.
        foreach (var (batches, heads, tokens, headDim, valueDim) in new[] { (2, 4, 37, 24, 24), (1, 3, 64, 30, 30), (2, 2, 300, 8, 64) })
        {
            int qkvRow = heads * (2 * headDim + valueDim), outputRow = heads * valueDim, count = batches * heads;
            float[] qkv = TestData.Random(batches * tokens * qkvRow, seed: 4, low: -2f, high: 2f);
            int[] Offsets(Func<int, int, int> at) => Enumerable.Range(0, count).Select(i => at(i / heads, i % heads)).ToArray();
            int[] qOffsets = Offsets((b, h) => b * tokens * qkvRow + h * headDim);
            int[] kOffsets = Offsets((b, h) => b * tokens * qkvRow + heads * headDim + h * headDim);
            int[] vOffsets = Offsets((b, h) => b * tokens * qkvRow + 2 * heads * headDim + h * valueDim);
            int[] outputOffsets = Offsets((b, h) => b * tokens * outputRow + h * valueDim);
            var output = new float[batches * tokens * outputRow];
            Array.Fill(output, float.NaN); // every element belongs to one head: a row left unwritten fails
            var scores = new float[AttentionF32.PaddedSliceFloats(tokens, tokens)];
            fixed (int* outputOffsetPointer = outputOffsets)
                AttentionF32.Run(qkv, qOffsets, qkvRow, qkv, kOffsets, qkvRow, qkv, vOffsets, qkvRow, scores, output, outputOffsetPointer, outputRow,
                    tokens, tokens, headDim, valueDim, 0.3f, isa);

            // The same heads gathered densely, through the definition.
            float[] Gather(int[] offsets, int columns, int stride, out int[] denseOffsets)
            {
                var dense = new float[count * tokens * columns];
                for (int i = 0; i < count; i++)
                    for (int r = 0; r < tokens; r++)
                        Array.Copy(qkv, offsets[i] + r * stride, dense, (i * tokens + r) * columns, columns);
                denseOffsets = Enumerable.Range(0, count).Select(i => i * tokens * columns).ToArray();
                return dense;
            }
            float[] q = Gather(qOffsets, headDim, qkvRow, out var dq), k = Gather(kOffsets, headDim, qkvRow, out var dk), v = Gather(vOffsets, valueDim, qkvRow, out var dv);
            float[] dense = Naive(q, k, v, dq, dk, dv, tokens, tokens, headDim, valueDim, 0.3f);
            var expected = new float[output.Length];
            for (int i = 0; i < count; i++)
                for (int r = 0; r < tokens; r++)
                    Array.Copy(dense, (i * tokens + r) * valueDim, expected, outputOffsets[i] + r * outputRow, valueDim);
            TestData.AssertClose(output, expected, 1e-5, $"{isa} {batches}x{heads} heads of {tokens} tokens, head {headDim}, value {valueDim}");
        }
    }

    [Fact]
    public void OutputRowsNarrowerThanTheHeadAreRejected()
    {
        var (q, k, v, qOffsets, kOffsets, vOffsets) = Operands(2, 8, 8, 4, 4);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            AttentionF32.Run(q, qOffsets, 4, k, kOffsets, 4, v, vOffsets, 4, new float[64], new float[64], new[] { 0, 32 }, 3, 8, 8, 4, 4, 1f));
        Assert.Equal("output", error.ParamName);
        var tooShort = Assert.Throws<ArgumentException>(() =>
            AttentionF32.Run(q, qOffsets, 4, k, kOffsets, 4, v, vOffsets, 4, new float[64], new float[64], new[] { 0, 33 }, 4, 8, 8, 4, 4, 1f));
        Assert.Equal("output", tooShort.ParamName);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void IsBitwiseTheSameOnEveryDegreeAndWorkspaceSize(int slices)
    {
        const int heads = 7, queries = 50, keys = 50, headDim = 24, valueDim = 24;
        var (q, k, v, qOffsets, kOffsets, vOffsets) = Operands(heads, queries, keys, headDim, valueDim);
        float[] Compute(int degree, long slice)
        {
            KernelParallelism.PrepareDegree(degree);
            int previous = KernelParallelism.Enter(degree);
            try
            {
                var output = new float[heads * queries * valueDim];
                AttentionF32.Run(q, qOffsets, k, kOffsets, v, vOffsets, new float[slices * slice], output, queries, keys, headDim, valueDim, 0.2f);
                return output;
            }
            finally { KernelParallelism.Exit(previous); }
        }
        float[] single = Compute(1, queries * keys);
        // Score rows of 50 floats and rows padded to 64: the same operations on every element either way.
        foreach (long slice in new[] { (long)queries * keys, AttentionF32.PaddedSliceFloats(queries, keys) })
            foreach (int degree in new[] { 1, 2, 3, 4 })
                Assert.True(single.AsSpan().SequenceEqual(Compute(degree, slice)), $"degree {degree}, {slices} workspace slices of {slice} floats");
    }

    [Fact]
    public void AWorkspaceSmallerThanOneHeadIsAnArgumentException()
    {
        var (q, k, v, qOffsets, kOffsets, vOffsets) = Operands(2, 8, 8, 4, 4);
        var error = Assert.Throws<ArgumentException>(() =>
            AttentionF32.Run(q, qOffsets, k, kOffsets, v, vOffsets, new float[63], new float[64], 8, 8, 4, 4, 1f));
        Assert.Equal("scores", error.ParamName);
    }

    private static (float[] Q, float[] K, float[] V, int[] QOffsets, int[] KOffsets, int[] VOffsets) Operands(int heads, int queries, int keys, int headDim, int valueDim)
    {
        float[] q = TestData.Random(heads * queries * headDim, seed: 1, low: -2f, high: 2f);
        float[] k = TestData.Random(heads * keys * headDim, seed: 2, low: -2f, high: 2f);
        float[] v = TestData.Random(heads * keys * valueDim, seed: 3);
        // Heads in reverse order for K, to show the offsets are honoured.
        return (q, k, v,
            Enumerable.Range(0, heads).Select(h => h * queries * headDim).ToArray(),
            Enumerable.Range(0, heads).Select(h => (heads - 1 - h) * keys * headDim).ToArray(),
            Enumerable.Range(0, heads).Select(h => h * keys * valueDim).ToArray());
    }

    private static float[] Naive(float[] q, float[] k, float[] v, int[] qOffsets, int[] kOffsets, int[] vOffsets, int queries, int keys, int headDim, int valueDim, float alpha)
    {
        var output = new float[qOffsets.Length * queries * valueDim];
        var row = new double[keys];
        for (int h = 0; h < qOffsets.Length; h++)
            for (int i = 0; i < queries; i++)
            {
                double max = double.NegativeInfinity, sum = 0;
                for (int j = 0; j < keys; j++)
                {
                    double dot = 0;
                    for (int p = 0; p < headDim; p++) dot += (double)q[qOffsets[h] + i * headDim + p] * k[kOffsets[h] + j * headDim + p];
                    row[j] = alpha * dot;
                    max = Math.Max(max, row[j]);
                }
                for (int j = 0; j < keys; j++) sum += row[j] = Math.Exp(row[j] - max);
                for (int c = 0; c < valueDim; c++)
                {
                    double acc = 0;
                    for (int j = 0; j < keys; j++) acc += row[j] / sum * v[vOffsets[h] + j * valueDim + c];
                    output[(h * queries + i) * valueDim + c] = (float)acc;
                }
            }
        return output;
    }
}
