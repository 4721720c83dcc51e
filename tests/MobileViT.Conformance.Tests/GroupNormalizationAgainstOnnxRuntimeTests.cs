using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using Xunit.Abstractions;
using Attr = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Conformance.Tests;

/// <summary>
/// GroupNormalization against ONNX Runtime at opset 18 (scale and bias per group) and 21 (per channel): one group
/// (MobileViTv2's GroupNorm), a few, one per channel, on 2-D maps and 1-D rows, inputs with an offset so the mean
/// matters, and a Conv after one of them (where the affine steps meet the next convolution).
/// </summary>
public sealed class GroupNormalizationAgainstOnnxRuntimeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(18)]
    [InlineData(21)]
    public void GroupsAndLayoutsMatchOnnxRuntime(int opset)
    {
        var random = new Random(20261205 + opset);
        var builder = new OnnxBuilder(opset);
        var feeds = new List<(string Name, int[] Shape, float[] Data)>();
        var outputs = new List<(string Name, string Description)>();
        var cases = new (int Channels, int Groups, int[] Spatial, bool Conv)[]
        {
            (8, 1, new[] { 5, 7 }, false), (8, 2, new[] { 4, 4 }, false), (12, 4, new[] { 3, 9 }, false), (6, 6, new[] { 5, 5 }, false),
            (16, 1, new[] { 17 }, false), (10, 5, new[] { 6 }, false), (8, 1, new[] { 8, 8 }, true),
        };
        for (int c = 0; c < cases.Length; c++)
        {
            var (channels, groups, spatial, conv) = cases[c];
            string n = "g" + c;
            var shape = new[] { 1, channels }.Concat(spatial).ToArray();
            int parameters = opset >= 21 ? channels : groups;
            builder.Input(n + "_x", shape.Cast<object>().ToArray())
                .Initializer(n + "_scale", new long[] { parameters }, Random(random, parameters, 0.5f, 1.5f))
                .Initializer(n + "_bias", new long[] { parameters }, Random(random, parameters, -0.5f, 0.5f))
                .Node("GroupNormalization", new[] { n + "_x", n + "_scale", n + "_bias" }, new[] { n + "_y" }, n, "",
                    Attr.Int("num_groups", groups), Attr.Float("epsilon", 1e-5f));
            string result = n + "_y";
            if (conv)
            {
                builder.Initializer(n + "_w", new long[] { 4, channels, 3, 3 }, Random(random, 4 * channels * 9, -0.3f, 0.3f))
                    .Node("Conv", new[] { result, n + "_w" }, new[] { n + "_conv" }, Attr.Ints("pads", 1, 1, 1, 1));
                result = n + "_conv";
            }
            builder.Output(result);
            feeds.Add((n + "_x", shape, Random(random, shape.Aggregate(1, (p, d) => p * d), 1f, 4f)));
            outputs.Add((result, $"{n}: {channels} channels in {groups} groups, {string.Join('x', spatial)}{(conv ? ", then a Conv" : "")}"));
        }
        var model = builder.Build();

        OnnxRuntimeComparison.AssertMatches(model, feeds.Select(f => new OnnxRuntimeComparison.Feed(f.Name, f.Shape, f.Data)).ToList(), outputs, output);
    }

    private static float[] Random(Random random, int count, float low, float high) =>
        Enumerable.Range(0, count).Select(_ => low + (high - low) * (float)random.NextDouble()).ToArray();
}
