using Xunit;
using Xunit.Abstractions;

namespace MobileViT.Conformance.Tests;

/// <summary>Every ONNX node test of a supported operator passes or is excluded with a reason.</summary>
public sealed class NodeTestSweepTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void EveryNodeTestOfASupportedOperatorPassesOrIsExcluded()
    {
        Skip.IfNot(Directory.Exists(RepositoryPaths.NodeTests), $"{RepositoryPaths.NodeTests} is absent (the shared ONNX test data sits beside the repository)");
        var report = ConformanceRunner.Run(RepositoryPaths.NodeTests, ExclusionList.Load(RepositoryPaths.Exclusions), new ConformanceOptions
        {
            CaseTimeout = TimeSpan.FromSeconds(60),
        });
        output.WriteLine(report.ToText());

        Assert.True(report.Passed > 0, "no node test ran");
        Assert.True(report.Failed == 0, $"{report.Failed} node tests failed:\n" + string.Join("\n", report.Failures.Select(f => $"{f.Case}: {f.Reason}")));
        Assert.True(report.UnknownExclusions.Count == 0, "exclusions.txt names cases that do not exist: " + string.Join(", ", report.UnknownExclusions));
    }

    [Fact]
    public void EveryExclusionHasAReason()
    {
        // Load throws on an entry without a reason or listed twice.
        var exclusions = ExclusionList.Load(RepositoryPaths.Exclusions);
        Assert.NotEmpty(exclusions.Names);
    }

    [Fact]
    public void AnExclusionWithoutAReasonIsRejected()
    {
        var error = Assert.Throws<FormatException>(() => ExclusionList.Parse(new[] { "test_abs" }, "exclusions.txt"));
        Assert.Contains("test_abs", error.Message);
    }
}
