using MobileViT.Tooling;
using Xunit;
using Xunit.Abstractions;

namespace MobileViT.Conformance.Tests;

public sealed class InProcessModelTests(ITestOutputHelper output)
{
    [Fact]
    public void CompilerDiagnosticsAreReturnedNotThrown()
    {
        var compilation = InProcessModel.Compile(new byte[] { 1, 2, 3 });
        Assert.Null(compilation.Model);
        Assert.Contains(compilation.Diagnostics, d => d.Id == "MVC0002");
    }

    /// <summary>
    /// The dynamic-batch export (dim_param 'batch' on input and output, Shape chains feeding every Reshape) is compiled
    /// without InputShape, so for batch 1, and must give the fixed export's PyTorch output: both share the XXS weights.
    /// </summary>
    [SkippableTheory]
    [InlineData("mobilevit_v1_xxs_opset13.onnx")]
    [InlineData("mobilevit_v1_xxs_dynbatch_opset17.onnx")]
    public void CompilesAndRunsMobileViTXXS(string file)
    {
        var path = RepositoryPaths.Model(file);
        Skip.IfNot(File.Exists(path), path + " is absent");
        var compilation = InProcessModel.Compile(File.ReadAllBytes(path));
        Assert.DoesNotContain(compilation.Diagnostics, d => d.Severity == MobileViT.Compiler.Diagnostics.DiagnosticSeverityLevel.Error);
        using var model = compilation.Model!;

        var input = ReadFloats(RepositoryPaths.Model("mobilevit_v1_xxs.input.bin"));
        var expected = ReadFloats(RepositoryPaths.Model("mobilevit_v1_xxs.output.bin"));
        Assert.Equal(new[] { 1, 3, 256, 256 }, model.Inputs.Single().Shape);
        Assert.Equal(expected.Length, model.Outputs.Single().Length);

        var actual = model.Run(new[] { input }).Single();
        var mismatch = OutputComparison.Compare(actual, expected);
        output.WriteLine(mismatch ?? "matches the PyTorch output");
        Assert.Null(mismatch);
    }

    [SkippableFact]
    public void ParallelismReachesTheGeneratedClassAndKeepsTheResultBitwise()
    {
        var path = RepositoryPaths.Model("mobilevit_v1_xxs_opset13.onnx");
        Skip.IfNot(File.Exists(path), path + " is absent");
        using var model = InProcessModel.Compile(File.ReadAllBytes(path)).Model!;
        var input = ReadFloats(RepositoryPaths.Model("mobilevit_v1_xxs.input.bin"));
        var single = model.Run(new[] { input }).Single();
        model.Parallelism = 2;
        Assert.Equal(2, model.Parallelism);
        var parallel = model.Run(new[] { input }).Single();
        Assert.Equal(single, parallel);
        // The generated class's own range check answers for the in-process model too.
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Parallelism = 0);
        Assert.Equal(2, model.Parallelism);
        model.Parallelism = 1;
    }

    /// <summary>
    /// Compiled for step timing, the model names one step per emitted step comment, in order, and every Run reports each
    /// of them once: the stem first, the classifier last, no step's time negative, and all of them together within the
    /// whole run's time. The output is the same as without the clock.
    /// </summary>
    [SkippableFact]
    public void StepClockTimesEveryEmittedStepOfARun()
    {
        var path = RepositoryPaths.Model("mobilevit_v1_xxs_opset13.onnx");
        Skip.IfNot(File.Exists(path), path + " is absent");
        var bytes = File.ReadAllBytes(path);
        using var plain = InProcessModel.Compile(bytes).Model!;
        using var timed = InProcessModel.Compile(bytes, timeSteps: true).Model!;
        Assert.Null(plain.StepClock);
        var clock = timed.StepClock!;

        var comments = timed.Source.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("// /", StringComparison.Ordinal) && l.Contains(" → ")).ToList();
        Assert.Equal(comments.Count, clock.Steps.Count);
        Assert.Equal(comments.Select(c => c.Substring(3)), clock.Steps);
        Assert.StartsWith("/stem/", clock.Steps[0]);
        Assert.Contains("Gemm (packed", clock.Steps[^1]);
        Assert.DoesNotContain("StepDone", plain.Source);

        var input = ReadFloats(RepositoryPaths.Model("mobilevit_v1_xxs.input.bin"));
        var ticks = new long[clock.Steps.Count];
        timed.Run(new[] { input });
        clock.Take(ticks);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        clock.Start();
        var outputs = timed.Run(new[] { input });
        long whole = System.Diagnostics.Stopwatch.GetTimestamp() - start;
        clock.Take(ticks);
        output.WriteLine($"{ticks.Count(t => t > 0)} of {ticks.Length} steps timed above zero; {ticks.Sum()} of {whole} ticks");
        Assert.All(ticks, t => Assert.True(t >= 0));
        Assert.True(ticks.Sum() > 0 && ticks.Sum() <= whole, $"steps {ticks.Sum()} ticks, run {whole}");
        Assert.True(ticks[0] > 0, "the stem convolution took no time");
        Assert.Equal(plain.Run(new[] { input }).Single(), outputs.Single());
        Assert.Throws<ArgumentException>(() => clock.Take(new long[ticks.Length + 1]));
    }

    private static float[] ReadFloats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, values.Length * 4);
        return values;
    }
}
