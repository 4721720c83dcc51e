using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using Xunit.Abstractions;
using Attr = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Conformance.Tests;

/// <summary>
/// The ONNX Attention operator (opset 23) against ONNX Runtime: 4-D heads as MobileViT's transformer has them
/// (four patch positions by heads), 3-D inputs split by q_num_heads, an explicit scale, a float mask, the causal mask,
/// softcap (before the mask), and query heads grouped over fewer key/value heads. One model holds every case.
/// </summary>
public sealed class AttentionOperatorAgainstOnnxRuntimeTests(ITestOutputHelper output)
{
    [Fact]
    public void ConfigurationsMatchOnnxRuntime()
    {
        var random = new Random(20261205);
        var builder = new OnnxBuilder(23);
        var feeds = new List<(string Name, int[] Shape, float[] Data)>();
        var outputs = new List<(string Name, string Description)>();
        void Feed(string name, int[] shape, float scale = 1f)
        {
            builder.Input(name, shape.Cast<object>().ToArray());
            feeds.Add((name, shape, Enumerable.Range(0, shape.Aggregate(1, (p, d) => p * d)).Select(_ => scale * ((float)random.NextDouble() * 2 - 1)).ToArray()));
        }
        void Case(string n, string description, int[] q, int[] k, int[] v, int[]? mask, params Attr[] attributes)
        {
            Feed(n + "_q", q, 2f);
            Feed(n + "_k", k, 2f);
            Feed(n + "_v", v);
            var inputs = new List<string> { n + "_q", n + "_k", n + "_v" };
            if (mask != null)
            {
                Feed(n + "_mask", mask, 3f);
                inputs.Add(n + "_mask");
            }
            builder.Node("Attention", inputs.ToArray(), new[] { n + "_y" }, n, "", attributes).Output(n + "_y");
            outputs.Add((n + "_y", n + ": " + description));
        }
        Case("a0", "4 patch positions x 4 heads, 64 tokens, head 24 (MobileViT-XS's middle stage)", new[] { 4, 4, 64, 24 }, new[] { 4, 4, 64, 24 }, new[] { 4, 4, 64, 24 }, null);
        Case("a1", "3-D, 2 heads, 5 queries over 7 keys, head 6, values 4, scale 0.3", new[] { 1, 5, 12 }, new[] { 1, 7, 12 }, new[] { 1, 7, 8 }, null,
            Attr.Int("q_num_heads", 2), Attr.Int("kv_num_heads", 2), Attr.Float("scale", 0.3f));
        Case("a2", "a float mask broadcast over batch and heads", new[] { 2, 3, 6, 8 }, new[] { 2, 3, 9, 8 }, new[] { 2, 3, 9, 5 }, new[] { 6, 9 });
        Case("a3", "causal, 6 x 6", new[] { 1, 2, 6, 4 }, new[] { 1, 2, 6, 4 }, new[] { 1, 2, 6, 4 }, null, Attr.Int("is_causal", 1));
        Case("a4", "softcap 2", new[] { 1, 2, 5, 8 }, new[] { 1, 2, 5, 8 }, new[] { 1, 2, 5, 8 }, null, Attr.Float("softcap", 2f));
        Case("a5", "grouped queries: 6 heads over 2 key/value heads, causal", new[] { 1, 6, 5, 4 }, new[] { 1, 2, 5, 4 }, new[] { 1, 2, 5, 3 }, null, Attr.Int("is_causal", 1));
        Case("a6", "3-D grouped queries (4 over 2) with a mask and softcap 1.5", new[] { 2, 3, 16 }, new[] { 2, 5, 8 }, new[] { 2, 5, 6 }, new[] { 3, 5 },
            Attr.Int("q_num_heads", 4), Attr.Int("kv_num_heads", 2), Attr.Float("softcap", 1.5f));
        var model = builder.Build();

        OnnxRuntimeComparison.AssertMatches(model, feeds.Select(f => new OnnxRuntimeComparison.Feed(f.Name, f.Shape, f.Data)).ToList(), outputs, output);
    }
}
