using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MobileViT.Runtime.Simd;
using MobileViT.Runtime.Tests.Reference;

namespace MobileViT.Runtime.Tests;

/// <summary>
/// Kernels split across threads (KernelParallelism above 1) must give bitwise the single-threaded result: shapes large
/// enough to be split, with tails in both dimensions, column and row splits, every vector width.
/// </summary>
public class ParallelismTests
{
    private static readonly int[] Degrees = { 2, 3, 4 };

    private static readonly (int M, int K, int N)[] GemmShapes =
    {
        (37, 129, 1000),  // many column panels, a partial last one
        (200, 70, 40),    // two panels: split by 6-row tiles, 2 leftover rows
        (13, 512, 300),
        (640, 96, 64),    // MobileViT's last stage: many rows, one 8x8 plane
        (96, 200, 196),   // a 14x14 plane: three whole panels and 4 columns, split by rows, depth past one chunk
        (1, 1283, 100),   // a classifier on pooled features: one row, few multiply-adds, split for its weights
    };

    public static IEnumerable<object[]> VectorIsas() =>
        TestData.AllIsas.Where(i => i != KernelIsa.Scalar).Select(i => new object[] { i.ToString() });

    [Theory]
    [MemberData(nameof(VectorIsas))]
    public void PackedGemmWithEpilogue_IsBitwiseTheSameOnEveryDegree(string isaName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        var activation = new Activation(ActivationKind.SiLU, 0f, 0f);
        foreach (var (m, k, n) in GemmShapes)
        {
            float[] a = TestData.Random(m * k, seed: m + k);
            float[] packed = GemmF32.PackB(TestData.Random(k * n, seed: n), k, n, false);
            float[] bias = TestData.Random(n, seed: 3), residual = TestData.Random(m * n, seed: 4);
            float[] Compute(int degree) => WithDegree(degree, () =>
            {
                var c = new float[m * n];
                GemmF32.RunPackedB(a, packed, bias, residual, c, m, k, n, activation, isa);
                return c;
            });
            float[] single = Compute(1);
            TestData.AssertClose(single, Expected(a, packed, bias, residual, m, k, n, activation), 1e-5, $"{isa} m={m} k={k} n={n}");
            foreach (int degree in Degrees)
                AssertBitwise(single, Compute(degree), $"{isa} m={m} k={k} n={n} degree={degree}");
        }
    }

    [Theory]
    [MemberData(nameof(VectorIsas))]
    public void TransposedGemm_IsBitwiseTheSameOnEveryDegree(string isaName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        foreach (var (m, k, n) in GemmShapes)
        {
            float[] a = TestData.Random(m * k, seed: 5), b = TestData.Random(k * n, seed: 6);
            float[] Compute(int degree) => WithDegree(degree, () =>
            {
                var c = new float[m * n];
                GemmF32.Run(a, false, b, true, c, m, k, n, 0.25f, isa);
                return c;
            });
            float[] single = Compute(1);
            foreach (int degree in Degrees)
                AssertBitwise(single, Compute(degree), $"{isa} m={m} k={k} n={n} degree={degree}");
        }
    }

    [Theory]
    [MemberData(nameof(VectorIsas))]
    public void BatchedGemm_MatchesNaiveAndIsBitwiseTheSameOnEveryDegree(string isaName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        const int m = 50, k = 24, n = 70, batches = 7;
        float[] a = TestData.Random(4 * m * k, seed: 21), b = TestData.Random(3 * k * n, seed: 22);
        // Broadcast batches reuse an operand, as attention's heads share nothing but a batch of 1 shares everything.
        int[] aOffsets = { 0, m * k, 2 * m * k, 3 * m * k, 0, m * k, 2 * m * k };
        int[] bOffsets = { 0, 0, k * n, k * n, 2 * k * n, 2 * k * n, 0 };
        foreach (bool bTransposed in new[] { false, true })
        {
            float[] Compute(int degree) => WithDegree(degree, () =>
            {
                var c = new float[batches * m * n];
                GemmF32.RunBatched(a, aOffsets, false, b, bOffsets, bTransposed, c, m, k, n, 0.5f, isa);
                return c;
            });
            float[] single = Compute(1);
            for (int batch = 0; batch < batches; batch++)
            {
                float[] expected = NaiveReference.Gemm(a.AsSpan(aOffsets[batch], m * k).ToArray(), false, b.AsSpan(bOffsets[batch], k * n).ToArray(), bTransposed, m, k, n);
                for (int i = 0; i < expected.Length; i++) expected[i] *= 0.5f;
                TestData.AssertClose(single.AsSpan(batch * m * n, m * n), expected, 1e-5, $"{isa} batch {batch} bTransposed={bTransposed}");
            }
            foreach (int degree in Degrees)
                AssertBitwise(single, Compute(degree), $"{isa} batched bTransposed={bTransposed} degree={degree}");
        }
    }

    [Fact]
    public void BatchedGemmRefusesOffsetsPastTheEnd()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            GemmF32.RunBatched(new float[20], new[] { 0, 16 }, false, new float[20], new[] { 0, 0 }, false, new float[8], 2, 5, 2, 1f));
        Assert.Equal("a", error.ParamName);
    }

    public static IEnumerable<object[]> ConvCases()
    {
        var geometries = new Dictionary<string, Conv2dGeometry>
        {
            ["pointwise 32->48 33x31"] = Conv2dTests.Geometry(1, 32, 33, 31, 48, 1, 1, 0),
            ["pointwise 160->96 7x7 (one partial panel: rows split, depth in chunks)"] = Conv2dTests.Geometry(1, 160, 7, 7, 96, 1, 1, 0),
            ["depthwise 3x3 s1 40ch 30x29"] = Conv2dTests.Geometry(1, 40, 30, 29, 40, 3, 1, 1, groups: 40),
            ["depthwise 3x3 s1 2ch 130x70 (bands of rows: fewer channels than threads)"] = Conv2dTests.Geometry(1, 2, 130, 70, 2, 3, 1, 1, groups: 2),
            ["depthwise 3x3 s2 24ch 64x64 batch2"] = Conv2dTests.Geometry(2, 24, 64, 64, 24, 3, 2, 1, groups: 24),
            ["depthwise 5x5 s1 96ch 7x7 (flattened small planes)"] = Conv2dTests.Geometry(1, 96, 7, 7, 96, 5, 1, 2, groups: 96),
            ["depthwise 5x5 s2 96ch 28x28 (channel blocks with AVX-512)"] = Conv2dTests.Geometry(1, 96, 28, 28, 96, 5, 2, 2, groups: 96),
            ["depthwise 3x3 s2 40ch 28x28 (direct rows with AVX-512)"] = Conv2dTests.Geometry(1, 40, 28, 28, 40, 3, 2, 1, groups: 40),
            ["depthwise 5x5 s1 20ch 40x40 batch2 (channel blocks in bands)"] = Conv2dTests.Geometry(2, 20, 40, 40, 20, 5, 1, 2, groups: 20),
            ["pointwise 963->241 1x1 (squeeze-and-excitation: a GEMV split by four-row groups, a partial last group)"] = Conv2dTests.Geometry(1, 963, 1, 1, 241, 1, 1, 0),
            ["pointwise 96->40 14x14 (a 4-column panel tail as dot products)"] = Conv2dTests.Geometry(1, 96, 14, 14, 40, 1, 1, 0),
            ["pointwise 24->58 100x120 (rows in groups of 24 within each thread's columns)"] = Conv2dTests.Geometry(1, 24, 100, 120, 58, 1, 1, 0),
            ["stem 3x3 s2 3->16 129x127"] = Conv2dTests.Geometry(1, 3, 129, 127, 16, 3, 2, 1),
            ["stem 3x3 s2 4->20 100x90 batch2 (bands across the batch)"] = Conv2dTests.Geometry(2, 4, 100, 90, 20, 3, 2, 1),
            ["dense 3x3 s2 24->48 120x66 (channel vectors: bands of 31 rows, two groups of 24)"] = Conv2dTests.Geometry(1, 24, 120, 66, 48, 3, 2, 1),
            ["dense 3x3 48->40 17x17"] = Conv2dTests.Geometry(1, 48, 17, 17, 40, 3, 1, 1),
            ["dense 3x3 24->20 20x32 batch2 (Winograd)"] = Conv2dTests.Geometry(2, 24, 20, 32, 20, 3, 1, 1),
            ["dense 3x3 128->64 31x32 (Winograd: blocks of 64 tiles, a half tile row, transforms split by channels)"] = Conv2dTests.Geometry(1, 128, 31, 32, 64, 3, 1, 1),
            ["dense 3x3 d12 192->200 20x20 batch2 (one GEMM per tap; gathers, adds and the finish split by channels)"] = Conv2dTests.Geometry(2, 192, 20, 20, 200, 3, 1, 12, dilation: 12),
            ["dense 3x3 12->10 20x32 (padded input with AVX-512: too few channels for Winograd)"] = Conv2dTests.Geometry(1, 12, 20, 32, 10, 3, 1, 1),
        };
        foreach (var isa in TestData.AllIsas.Where(i => i != KernelIsa.Scalar))
            foreach (var (name, g) in geometries)
                yield return new object[] { isa.ToString(), name, g };
    }

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Convolution_IsBitwiseTheSameOnEveryDegree(string isaName, string name, Conv2dGeometry g)
    {
        KernelIsa isa = TestData.Isa(isaName);
        float[] input = TestData.Random((int)g.InputLength, seed: 11);
        float[] weights = Conv2dF32.PackWeights(TestData.Random((int)g.WeightLength, seed: 12), g);
        float[] bias = TestData.Random(g.OutChannels, seed: 13);
        var activation = new Activation(ActivationKind.HardSwish, 0f, 0f);
        // With a residual and without: channel-block kernels apply the epilogue in different places for the two.
        foreach (float[] residual in new[] { TestData.Random((int)g.OutputLength, seed: 14), Array.Empty<float>() })
        {
            float[] Compute(int degree) => WithDegree(degree, () =>
            {
                var output = new float[g.OutputLength];
                Conv2dF32.Run(input, weights, bias, residual, output, g, activation, isa);
                return output;
            });
            float[] single = Compute(1);
            var reference = new float[g.OutputLength];
            Conv2dF32.Run(input, weights, bias, residual, reference, g, activation, KernelIsa.Scalar);
            TestData.AssertClose(single, reference, 1e-5, $"{name} residual={residual.Length > 0}");
            foreach (int degree in Degrees)
                AssertBitwise(single, Compute(degree), $"{isa} {name} residual={residual.Length > 0} degree={degree}");
        }
    }

    [Fact]
    public void ConcurrentCallersWithParallelismGetTheirOwnBitwiseResults()
    {
        // Several threads each asking for 2 workers: one gets the pool, the others run their parts themselves.
        const int m = 64, k = 96, n = 1024;
        var inputs = Enumerable.Range(0, 6).Select(i => TestData.Random(m * k, seed: 100 + i)).ToArray();
        float[] packed = GemmF32.PackB(TestData.Random(k * n, seed: 7), k, n, false);
        var expected = inputs.Select(a => WithDegree(1, () => Gemm(a, packed, m, k, n))).ToArray();
        Parallel.For(0, inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = inputs.Length }, i =>
        {
            for (int repeat = 0; repeat < 20; repeat++)
                AssertBitwise(expected[i], WithDegree(2, () => Gemm(inputs[i], packed, m, k, n)), $"caller {i} repeat {repeat}");
        });
    }

    [Fact]
    public void ParallelRunsAllocateNothingOnceTheWorkersExist()
    {
        const int m = 48, k = 64, n = 4096;
        float[] a = TestData.Random(m * k, seed: 1), packed = GemmF32.PackB(TestData.Random(k * n, seed: 2), k, n, false);
        var c = new float[m * n];
        KernelParallelism.PrepareDegree(2);
        int previous = KernelParallelism.Enter(2);
        try
        {
            // Enough warm-up runs for tiered compilation to finish with the calls' helpers, whose JIT work would count on
            // this thread: with 5, CI's AVX-512-off pass once counted 7,896 bytes, which seven reruns did not reproduce.
            for (int i = 0; i < 60; i++) GemmF32.RunPackedB(a, packed, default, default, c, m, k, n, Activation.None);
            long workersBefore = KernelParallelism.WorkerAllocatedBytes; // first: it may initialize the pool's statics
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 50; i++) GemmF32.RunPackedB(a, packed, default, default, c, m, k, n, Activation.None);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.Equal(0, KernelParallelism.WorkerAllocatedBytes - workersBefore);
        }
        finally
        {
            KernelParallelism.Exit(previous);
        }
    }

    [Fact]
    public async System.Threading.Tasks.Task ManySmallParallelCallsNeitherHangNorChangeTheResult()
    {
        // Small jobs make the caller and the worker go to sleep and wake up over and over: a lost wake-up would hang.
        const int rows = 64, cols = 512;
        float[] input = TestData.Random(rows * cols, seed: 31), scale = TestData.Random(cols, seed: 32), bias = TestData.Random(cols, seed: 33);
        float[] expected = WithDegree(1, () => { var y = new float[rows * cols]; LayerNormF32.Run(input, scale, bias, y, rows, cols, 1e-5f); return y; });
        var run = System.Threading.Tasks.Task.Run(() => WithDegree(2, () =>
        {
            var y = new float[rows * cols];
            for (int i = 0; i < 20_000; i++)
            {
                LayerNormF32.Run(input, scale, bias, y, rows, cols, 1e-5f);
                if (i % 1000 == 999) System.Threading.Thread.Sleep(1); // let the worker fall asleep between bursts
            }
            return y;
        }));
        var finished = await System.Threading.Tasks.Task.WhenAny(run, System.Threading.Tasks.Task.Delay(TimeSpan.FromSeconds(120)));
        Assert.True(finished == run, "20,000 parallel layer norms did not finish in 120 s: a thread is waiting for a wake-up that never comes");
        AssertBitwise(expected, await run, "layer norm after 20,000 parallel runs");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65)]
    public void PrepareDegreeRefusesDegreesOutOfRange(int degree)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => KernelParallelism.PrepareDegree(degree));
        Assert.Contains("between 1 and 64", error.Message);
    }

    private static float[] Gemm(float[] a, float[] packed, int m, int k, int n)
    {
        var c = new float[m * n];
        GemmF32.RunPackedB(a, packed, default, default, c, m, k, n, Activation.None);
        return c;
    }

    private static float[] Expected(float[] a, float[] packed, float[] bias, float[] residual, int m, int k, int n, Activation activation)
    {
        var c = new float[m * n];
        GemmF32.RunPackedB(a, packed, bias, residual, c, m, k, n, activation, KernelIsa.Scalar);
        return c;
    }

    private static T WithDegree<T>(int degree, Func<T> action)
    {
        KernelParallelism.PrepareDegree(degree);
        int previous = KernelParallelism.Enter(degree);
        try { return action(); }
        finally { KernelParallelism.Exit(previous); }
    }

    private static void AssertBitwise(float[] expected, float[] actual, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{context}: element {i} is {actual[i]:R}, single-threaded {expected[i]:R}");
    }
}
