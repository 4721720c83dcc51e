using MobileViT.Tooling;
using Xunit;

namespace MobileViT.Conformance.Tests;

/// <summary>docs/operators.md is generated from the operator registry; MVC_UPDATE_DOCS=1 rewrites it.</summary>
public sealed class OperatorTableTests
{
    [Fact]
    public void OperatorsDocMatchesTheRegistry()
    {
        var expected = OperatorTable.ToMarkdown();
        if (Environment.GetEnvironmentVariable("MVC_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(RepositoryPaths.OperatorsDoc, expected);
            return;
        }
        Assert.True(File.Exists(RepositoryPaths.OperatorsDoc), "docs/operators.md is missing; run the tests with MVC_UPDATE_DOCS=1 to write it");
        var actual = File.ReadAllText(RepositoryPaths.OperatorsDoc).Replace("\r\n", "\n");
        Assert.True(actual == expected, "docs/operators.md is out of date with OperatorRegistry; run the tests with MVC_UPDATE_DOCS=1 and commit the result");
    }

    [Fact]
    public void EveryRegisteredOperatorIsListed()
    {
        var text = OperatorTable.ToMarkdown();
        foreach (var op in MobileViT.Compiler.Ops.OperatorRegistry.All)
            Assert.Contains("| " + op.OpType + " |", text);
    }
}
