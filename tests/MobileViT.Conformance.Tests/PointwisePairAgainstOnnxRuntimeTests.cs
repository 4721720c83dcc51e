using MobileViT.Compiler.Api;
using MobileViT.Compiler.Tests.TestModels;
using MobileViT.Tooling;
using Xunit;
using Xunit.Abstractions;

namespace MobileViT.Conformance.Tests;

/// <summary>
/// Channel mixers (a Conv1x1, an activation, a Conv1x1, often a residual) compiled as pointwise pairs and run end to end
/// against ONNX Runtime: GELU as exporters spell it (Div, Erf, Add, Mul, Mul), ReLU and a clip, with and without a
/// residual, a batch of 2, and plane sizes whose last 6-pixel tile overlaps the one before; then RepViT-M0.9's own.
/// </summary>
public sealed class PointwisePairAgainstOnnxRuntimeTests(ITestOutputHelper output)
{
    [Fact]
    public void ChannelMixersMatchOnnxRuntime()
    {
        var random = new Random(20261207);
        var builder = new OnnxBuilder(17)
            .Initializer("sqrt2", new long[0], new[] { 1.4142135f })
            .Initializer("one", new long[0], new[] { 1f })
            .Initializer("half", new long[0], new[] { 0.5f })
            .Initializer("zero", new long[0], new[] { 0f })
            .Initializer("six", new long[0], new[] { 6f });
        var feeds = new List<OnnxRuntimeComparison.Feed>();
        var outputs = new List<(string Name, string Description)>();
        var cases = new (int Batch, int In, int Hidden, int Out, int Height, int Width, string Activation, bool Residual)[]
        {
            (1, 16, 32, 16, 12, 12, "Gelu", true), (1, 24, 48, 32, 10, 11, "Relu", false), (2, 8, 16, 16, 10, 10, "Clip", false),
            (1, 32, 64, 32, 14, 14, "Gelu", true),
        };
        for (int c = 0; c < cases.Length; c++)
        {
            var (batch, inChannels, hidden, outChannels, height, width, activation, residual) = cases[c];
            string n = "m" + c;
            builder.Input(n + "_x", batch, inChannels, height, width)
                .Initializer(n + "_w1", new long[] { hidden, inChannels, 1, 1 }, Random(random, hidden * inChannels, -0.3f, 0.3f))
                .Initializer(n + "_b1", new long[] { hidden }, Random(random, hidden, -0.2f, 0.2f))
                .Initializer(n + "_w2", new long[] { outChannels, hidden, 1, 1 }, Random(random, outChannels * hidden, -0.3f, 0.3f))
                .Initializer(n + "_b2", new long[] { outChannels }, Random(random, outChannels, -0.2f, 0.2f))
                .Node("Conv", new[] { n + "_x", n + "_w1", n + "_b1" }, new[] { n + "_h" }, n + "_expand", "");
            string hiddenName = n + "_a";
            if (activation == "Gelu")
                builder.Node("Div", new[] { n + "_h", "sqrt2" }, new[] { n + "_d" }, n + "_div", "")
                    .Node("Erf", new[] { n + "_d" }, new[] { n + "_e" }, n + "_erf", "")
                    .Node("Add", new[] { n + "_e", "one" }, new[] { n + "_p" }, n + "_add1", "")
                    .Node("Mul", new[] { n + "_h", n + "_p" }, new[] { n + "_q" }, n + "_mul", "")
                    .Node("Mul", new[] { n + "_q", "half" }, new[] { hiddenName }, n + "_mul_1", "");
            else if (activation == "Relu") builder.Node("Relu", new[] { n + "_h" }, new[] { hiddenName }, n + "_relu", "");
            else builder.Node("Clip", new[] { n + "_h", "zero", "six" }, new[] { hiddenName }, n + "_clip", "");
            builder.Node("Conv", new[] { hiddenName, n + "_w2", n + "_b2" }, new[] { n + "_p2" }, n + "_project", "");
            string result = n + "_p2";
            if (residual)
            {
                builder.Node("Add", new[] { result, n + "_x" }, new[] { n + "_y" }, n + "_residual", "");
                result = n + "_y";
            }
            builder.Output(result);
            int[] shape = { batch, inChannels, height, width };
            feeds.Add(new OnnxRuntimeComparison.Feed(n + "_x", shape, Random(random, shape.Aggregate(1, (p, d) => p * d), -2f, 2f)));
            outputs.Add((result, $"{n}: {inChannels} → {hidden} + {activation} → {outChannels}{(residual ? " + residual" : "")} on {height}x{width}, batch {batch}"));
        }
        var model = builder.Build();

        // Every mixer is one pair step, so the comparison below runs the pairs and not two convolutions each.
        var source = ModelCompiler.Compile(model, new CompileOptions { ModelFileName = "mixers.onnx", ClassName = "Mixers" }).Source;
        Assert.Equal(cases.Length, CountOf(source, "PointwisePairF32.Run("));

        OnnxRuntimeComparison.AssertMatches(model, feeds, outputs, output);
    }

    /// <summary>RepViT-M0.9 (when models/families has it): its 23 channel mixers on 56 × 56 to 14 × 14 are pairs, the 3 on 7 × 7 stay two steps.</summary>
    [SkippableFact]
    public void RepViTsChannelMixersOn56To14ArePairs()
    {
        string path = Path.Combine(RepositoryPaths.Root, "models", "families", "repvit_m0_9_opset17.onnx");
        Skip.IfNot(File.Exists(path), "repvit_m0_9_opset17.onnx is not in models/families (run models/families/export_families.py)");
        var result = ModelCompiler.Compile(File.ReadAllBytes(path), new CompileOptions
        {
            ModelFileName = Path.GetFileName(path), ModelDirectory = Path.GetDirectoryName(path), ClassName = "RepViT",
        });
        Assert.Empty(result.Diagnostics);
        Assert.Equal(23, CountOf(result.Source, "PointwisePairF32.Run("));
        Assert.Equal(23, CountOf(result.Source, "Conv1x1 + GeluErf → Conv1x1 + residual"));
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    private static float[] Random(Random random, int count, float low, float high) =>
        Enumerable.Range(0, count).Select(_ => low + (high - low) * (float)random.NextDouble()).ToArray();
}
