using MobileViT.Compiler.Api;
using System.Text.RegularExpressions;
using Xunit;

namespace MobileViT.Package.Tests.Cli;

/// <summary>The public inspection API mvc inspect is built on agrees with the code the compiler generates.</summary>
public sealed class ModelInspectorTests
{
    private static readonly byte[] Xxs = File.ReadAllBytes(RepositoryPaths.Model("mobilevit_v1_xxs_opset17.onnx"));

    [Fact]
    public void ArenaIsTheGeneratedScratchLength()
    {
        var options = new CompileOptions { ModelFileName = "xxs.onnx", ClassName = "Xxs" };
        var summary = ModelInspector.Inspect(Xxs, options).Model!;
        var source = ModelCompiler.Compile(Xxs, options).Source!;
        long scratchLength = long.Parse(Regex.Match(source, @"public const int ScratchLength = (\d+);").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(scratchLength * 4, summary.ArenaBytes);
        Assert.True(summary.PeakLiveBytes <= summary.ArenaBytes + 4 * (3 * 256 * 256 + 1000), "the peak of live tensors bounds the arena from below, caller's tensors aside");
    }

    [Fact]
    public void EveryEmittedStepIsListedWithItsShapes()
    {
        var summary = ModelInspector.Inspect(Xxs, new CompileOptions()).Model!;
        Assert.Equal(17, summary.Opset);
        Assert.Equal(new[] { 1, 3, 256, 256 }, Assert.Single(summary.Inputs).Shape);
        Assert.Equal(new[] { 1, 1000 }, Assert.Single(summary.Outputs).Shape);
        var stem = summary.Steps[0];
        Assert.Equal("Conv3x3 s2 + SiLU", stem.Operation);
        Assert.Equal("SiLU", stem.FusedActivation);
        Assert.Equal(3, stem.SourceNodes.Count);
        Assert.Equal(new[] { 1, 16, 128, 128 }, Assert.Single(stem.OutputShapes));
        Assert.Equal(16L * 128 * 128 * 3 * 3 * 3, stem.MultiplyAccumulates);
        Assert.Equal((16 * 3 * 3 * 3 + 16) * 4, stem.WeightBytes);
        var classifier = summary.Steps[^1];
        Assert.Equal(320L * 1000, classifier.MultiplyAccumulates);
        Assert.Equal((320 * 1000 + 1000) * 4, classifier.WeightBytes);
    }

    [Fact]
    public void ErrorsAreTheCompilersDiagnostics()
    {
        var inspection = ModelInspector.Inspect(new byte[] { 0xFF, 0xFF, 0xFF }, new CompileOptions { ModelFileName = "bad.onnx" });
        Assert.Null(inspection.Model);
        Assert.Equal("MVC0002", Assert.Single(inspection.Diagnostics).Id);
    }
}
