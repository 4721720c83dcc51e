using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using Attr = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Conformance.Tests;

/// <summary>
/// Model-local functions against ONNX Runtime: a function calling another, called twice, with
/// attributes passed by reference (one left to the function's default), inlined by the compiler into one graph.
/// </summary>
public sealed class FunctionsAgainstOnnxRuntimeTests
{
    private const int FloatAttribute = 1, IntsAttribute = 7;

    [Fact]
    public void NestedFunctionsWithAttributeReferencesMatchOnnxRuntime()
    {
        var random = new Random(20261205);
        float[] Values(int count) => Enumerable.Range(0, count).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var model = new OnnxBuilder(17).Opset("local", 1)
            // ConvAct(x, w): Conv with the caller's pads, then LeakyRelu with the caller's alpha (0.2 unless given).
            .Function("local", "ConvAct", new[] { "x", "w" }, new[] { "y" }, new[] { "alpha", "pads" }, body => body
                    .Node("Conv", new[] { "x", "w" }, new[] { "c" }, "conv", "", Attr.Ref("pads", "pads", IntsAttribute))
                    .Node("LeakyRelu", new[] { "c" }, new[] { "y" }, "act", "", Attr.Ref("alpha", "alpha", FloatAttribute)),
                Attr.Float("alpha", 0.2f))
            // Block(x, w1, w2): two ConvActs, the first with alpha 0.01, the second with the default; a residual add.
            .Function("local", "Block", new[] { "x", "w1", "w2" }, new[] { "y" }, new string[0], body => body
                .Node("ConvAct", new[] { "x", "w1" }, new[] { "a" }, "first", "local", Attr.Float("alpha", 0.01f), Attr.Ints("pads", 1, 1, 1, 1))
                .Node("ConvAct", new[] { "a", "w2" }, new[] { "b" }, "second", "local", Attr.Ints("pads", 0, 0, 0, 0))
                .Node("Add", new[] { "x", "b" }, new[] { "y" }, "residual"))
            .Input("input", 1, 4, 6, 6)
            .Initializer("w1", new long[] { 4, 4, 3, 3 }, Values(144)).Initializer("w2", new long[] { 4, 4, 1, 1 }, Values(16))
            .Initializer("w3", new long[] { 4, 4, 3, 3 }, Values(144)).Initializer("w4", new long[] { 4, 4, 1, 1 }, Values(16))
            .Node("Block", new[] { "input", "w1", "w2" }, new[] { "h" }, "block1", "local")
            .Node("Block", new[] { "h", "w3", "w4" }, new[] { "y" }, "block2", "local")
            .Output("y").Build();
        var input = Values(144).Select(v => 4 * v).ToArray();

        var result = OnnxRuntimeComparison.Run(model, new[] { new OnnxRuntimeComparison.Feed("input", new[] { 1, 4, 6, 6 }, input) },
            new[] { ("y", "nested functions") });
        Assert.Empty(result.Mismatches);
        var expected = result.Expected["y"];
        Assert.Contains(expected, v => v < 0); // the activations' negative slopes are in the output
    }
}
