using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using Xunit.Abstractions;
using Attr = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Conformance.Tests;

/// <summary>
/// The resizing operators of opsets 7 to 10 against ONNX Runtime: Upsample-7 (scales attribute), Upsample-9 (scales
/// input) and Resize-10 (scales input, shrinking too), nearest and linear, on whole and fractional scales and odd
/// sizes. Their coordinates are asymmetric (source = output / scale) and nearest rounds down when growing and up when
/// shrinking, which no opset-11 attribute combination reproduces exactly; every case of one opset is in one model.
/// </summary>
public sealed class LegacyResizeAgainstOnnxRuntimeTests(ITestOutputHelper output)
{
    private static readonly float[][] GrowingScales = { new[] { 2f, 2f }, new[] { 3f, 2f }, new[] { 1.5f, 2.5f }, new[] { 1f, 1.75f } };
    private static readonly float[][] ShrinkingScales = { new[] { 0.5f, 0.5f }, new[] { 0.6f, 0.75f }, new[] { 1f, 0.4f } };

    [Theory]
    [InlineData(7)]
    [InlineData(9)]
    [InlineData(10)]
    public void ScalesAndModesMatchOnnxRuntime(int opset)
    {
        var random = new Random(20261205 + opset);
        var builder = new OnnxBuilder(opset);
        var cases = new List<(string Input, int[] Shape, float[] Data, string Output, string Description)>();
        var scaleSets = opset == 10 ? GrowingScales.Concat(ShrinkingScales) : GrowingScales;
        foreach (var mode in new[] { "nearest", "linear" })
            foreach (var spatialScales in scaleSets)
            {
                string n = "c" + cases.Count;
                var shape = new[] { 1, 1 + random.Next(3), 3 + random.Next(7), 3 + random.Next(7) };
                var scales = new[] { 1f, 1f, spatialScales[0], spatialScales[1] };
                builder.Input(n + "_x", shape.Cast<object>().ToArray());
                if (opset == 7)
                    builder.Node("Upsample", new[] { n + "_x" }, new[] { n + "_y" }, n, "", Attr.String("mode", mode), Attr.Floats("scales", scales));
                else
                {
                    builder.Initializer(n + "_scales", new long[] { 4 }, scales);
                    builder.Node(opset == 10 ? "Resize" : "Upsample", new[] { n + "_x", n + "_scales" }, new[] { n + "_y" }, n, "", Attr.String("mode", mode));
                }
                builder.Output(n + "_y");
                var data = Enumerable.Range(0, shape.Aggregate(1, (p, d) => p * d)).Select(_ => (float)random.NextDouble() * 4 - 2).ToArray();
                cases.Add((n + "_x", shape, data, n + "_y", $"{n}: {mode}, {string.Join('x', shape)}, scales {spatialScales[0]}, {spatialScales[1]}"));
            }
        var model = builder.Build();

        OnnxRuntimeComparison.AssertMatches(model, cases.Select(c => new OnnxRuntimeComparison.Feed(c.Input, c.Shape, c.Data)).ToList(),
            cases.Select(c => (c.Output, c.Description)).ToList(), output);
    }
}
