using Xunit;
using Xunit.Abstractions;

namespace MobileViT.Models.Tests;

/// <summary>
/// The generated Parallelism property: above 1, Run splits its kernels across worker threads and must give bitwise the
/// single-threaded output, allocate nothing, and leave other models' setting alone. In the allocation collection
/// because it changes static settings and counts process-wide allocations.
/// </summary>
[Collection(nameof(AllocationTests))]
public sealed class ParallelismTests(ITestOutputHelper output)
{
    private static string Family(string file) => Path.Combine(RepositoryPaths.Models, "families", file);

    [Fact]
    public void DefaultsToOneAndRefusesValuesOutOfRange()
    {
        Assert.Equal(1, MobileViTXXSPatch842.Parallelism);
        Assert.Throws<ArgumentOutOfRangeException>(() => MobileViTXXSPatch842.Parallelism = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => MobileViTXXSPatch842.Parallelism = 65);
        Assert.Equal(1, MobileViTXXSPatch842.Parallelism);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void ClassificationIsBitwiseTheSameOnEveryThreadCount(int threads)
    {
        var input = RepositoryPaths.ReadFloats(RepositoryPaths.Model("mobilevit_v1_xxs.input.bin"));
        var single = new float[MobileViTXXSOpset17.OutputLength];
        var parallel = new float[MobileViTXXSOpset17.OutputLength];
        MobileViTXXSOpset17.Run(input, single);
        try
        {
            MobileViTXXSOpset17.Parallelism = threads;
            Assert.Equal(1, MobileViTXXSOpset13.Parallelism); // one setting per model class
            for (int repeat = 0; repeat < 3; repeat++)
            {
                MobileViTXXSOpset17.Run(input, parallel);
                AssertBitwise(single, parallel, $"Parallelism={threads}, run {repeat}");
            }
        }
        finally
        {
            MobileViTXXSOpset17.Parallelism = 1;
        }
        double error = ErrorMetrics.RelativeL2(parallel, RepositoryPaths.ReadFloats(RepositoryPaths.Model("mobilevit_v1_xxs.output.bin")));
        output.WriteLine($"Parallelism={threads}: bitwise equal to 1 thread; relative L2 vs PyTorch {error:E2}");
        Assert.True(error <= 1e-4);
    }

    [Fact]
    public void MultiScaleAndTwoOutputModelsAreBitwiseTheSameWithTwoThreads()
    {
        var input160 = RepositoryPaths.ReadFloats(Family("input_1x3x160x160.bin"));
        var input320 = RepositoryPaths.ReadFloats(Family("input_1x3x320x320.bin"));
        var logits1 = new float[MobileViTXXSMultiScale.S160.OutputLength];
        var logits2 = new float[MobileViTXXSMultiScale.S160.OutputLength];
        var scores1 = new float[SsdLiteMobileViTXXS.ScoresLength];
        var boxes1 = new float[SsdLiteMobileViTXXS.BoxesLength];
        var scores2 = new float[SsdLiteMobileViTXXS.ScoresLength];
        var boxes2 = new float[SsdLiteMobileViTXXS.BoxesLength];
        MobileViTXXSMultiScale.S160.Run(input160, logits1);
        SsdLiteMobileViTXXS.Run(input320, scores1, boxes1);
        try
        {
            MobileViTXXSMultiScale.Parallelism = 2;
            SsdLiteMobileViTXXS.Parallelism = 2;
            MobileViTXXSMultiScale.S160.Run(input160, logits2);
            SsdLiteMobileViTXXS.Run(input320, scores2, boxes2);
        }
        finally
        {
            MobileViTXXSMultiScale.Parallelism = 1;
            SsdLiteMobileViTXXS.Parallelism = 1;
        }
        AssertBitwise(logits1, logits2, "multi-scale S160");
        AssertBitwise(scores1, scores2, "SSDLite scores");
        AssertBitwise(boxes1, boxes2, "SSDLite boxes");
    }

    /// <summary>The transposed convolutions' phase Convs split across threads; the Interleave after them does not.</summary>
    [Fact]
    public void TransposedConvolutionDecoderIsBitwiseTheSameWithTwoThreads()
    {
        var input = RepositoryPaths.ReadFloats(RepositoryPaths.Model("decoder/decoder_net.input.bin"));
        var single = new float[DecoderNetOpset17.OutputLength];
        var parallel = new float[DecoderNetOpset17.OutputLength];
        DecoderNetOpset17.Run(input, single);
        try
        {
            DecoderNetOpset17.Parallelism = 2;
            DecoderNetOpset17.Run(input, parallel);
        }
        finally
        {
            DecoderNetOpset17.Parallelism = 1;
        }
        AssertBitwise(single, parallel, "decoder");
    }

    [Fact]
    public void RunWithTwoThreadsAllocatesNothingAfterTheFirstCall()
    {
        var input = RepositoryPaths.ReadFloats(RepositoryPaths.Model("mobilevit_v1_xxs.input.bin"));
        var logits = new float[MobileViTXXSOpset13.OutputLength];
        try
        {
            MobileViTXXSOpset13.Parallelism = 2;
            AllocationTests.AssertAllocatesNothing(() => MobileViTXXSOpset13.Run(input, logits));
        }
        finally
        {
            MobileViTXXSOpset13.Parallelism = 1;
        }
    }

    [Fact]
    public void EightCallersWithTwoThreadsEachGetTheirOwnBitwiseResults()
    {
        var inputs = Enumerable.Range(0, 8).Select(i =>
        {
            var random = new Random(i);
            return Enumerable.Range(0, MobileViTXXSOpset13.InputLength).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        }).ToArray();
        var expected = inputs.Select(input =>
        {
            var logits = new float[MobileViTXXSOpset13.OutputLength];
            MobileViTXXSOpset13.Run(input, logits);
            return logits;
        }).ToArray();
        try
        {
            MobileViTXXSOpset13.Parallelism = 2;
            var failures = new System.Collections.Concurrent.ConcurrentBag<Exception>();
            var threads = Enumerable.Range(0, inputs.Length).Select(i => new Thread(() =>
            {
                try
                {
                    var logits = new float[MobileViTXXSOpset13.OutputLength];
                    for (int repeat = 0; repeat < 3; repeat++)
                    {
                        MobileViTXXSOpset13.Run(inputs[i], logits);
                        AssertBitwise(expected[i], logits, $"thread {i} run {repeat}");
                    }
                }
                catch (Exception ex)
                {
                    failures.Add(ex);
                }
            })).ToList();
            foreach (var thread in threads) thread.Start();
            foreach (var thread in threads) thread.Join();
            Assert.Empty(failures);
        }
        finally
        {
            MobileViTXXSOpset13.Parallelism = 1;
        }
    }

    private static void AssertBitwise(float[] expected, float[] actual, string context)
    {
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{context}: element {i} is {actual[i]:R}, single-threaded {expected[i]:R}");
    }
}
