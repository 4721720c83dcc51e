using Xunit;

namespace MobileViT.Models.Tests;

/// <summary>Run is thread-safe: concurrent callers get bitwise the results of sequential calls.</summary>
public sealed class ConcurrencyTests
{
    /// <summary>Runs per thread; MVC_STRESS_RUNS=1000 gives the full stress run documented in docs/robustness.md.</summary>
    private static int RunsPerThread => int.TryParse(Environment.GetEnvironmentVariable("MVC_STRESS_RUNS"), out var n) ? n : 12;

    [Fact]
    public void EightThreadsMatchSequentialRunsBitwise()
    {
        const int threads = 8;
        var model = CompiledModels.Get("MobileViTXXSOpset13");
        var baseInput = RepositoryPaths.ReadFloats(RepositoryPaths.Model(model.InputFile));
        int outputLength = model.Constant("OutputLength");

        // A different input per thread: the seeded image scaled and shifted.
        var inputs = Enumerable.Range(0, threads).Select(t => baseInput.Select(v => v * (1 + 0.1f * t) + 0.01f * t).ToArray()).ToArray();
        var expected = inputs.Select(input =>
        {
            var output = new float[outputLength];
            model.Run(input, output);
            return output;
        }).ToArray();

        var run = model.Run;
        var mismatches = new int[threads];
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var output = new float[outputLength];
            for (int i = 0; i < RunsPerThread; i++)
            {
                run(inputs[t], output);
                if (!output.AsSpan().SequenceEqual(expected[t])) mismatches[t]++;
            }
        })).ToArray();
        foreach (var worker in workers) worker.Start();
        foreach (var worker in workers) worker.Join();
        Assert.All(mismatches, count => Assert.Equal(0, count));
    }

    [Fact]
    public void CallersWithTheirOwnScratchRunConcurrently()
    {
        var model = CompiledModels.Get("MobileViTXXSOpset17");
        var input = RepositoryPaths.ReadFloats(RepositoryPaths.Model(model.InputFile));
        var expected = new float[model.Constant("OutputLength")];
        model.Run(input, expected);
        var run = model.RunWithScratch;
        var results = new float[4][];
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            var scratch = new float[model.Constant("ScratchLength")];
            var output = new float[expected.Length];
            for (int i = 0; i < 3; i++) run(input, output, scratch);
            results[t] = output;
        });
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void NaNAndInfinityPropagateWithoutExceptions()
    {
        var model = CompiledModels.Get("MobileViTXXSOpset13");
        var input = RepositoryPaths.ReadFloats(RepositoryPaths.Model(model.InputFile));
        input[123] = float.NaN;
        input[4567] = float.PositiveInfinity;
        input[8910] = float.NegativeInfinity;
        var output = new float[model.Constant("OutputLength")];
        model.Run(input, output);
        Assert.Contains(output, v => !float.IsFinite(v));
    }
}
