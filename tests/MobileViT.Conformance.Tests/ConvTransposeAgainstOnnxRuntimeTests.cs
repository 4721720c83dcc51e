using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using Xunit.Abstractions;
using Attr = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Conformance.Tests;

/// <summary>
/// ConvTranspose across its attribute space against ONNX Runtime: random strides (1-3), kernels (1-4), dilations (1-2),
/// pads, output_padding, groups, 1-D and 2-D, with and without bias, a third of them followed by BatchNormalization and
/// ReLU (which move onto the phases). One model holds every configuration, each with its own input and output, so
/// one compile covers them all: phase expansion, the zero-inserted fallback, and the interleave's vector loops and tails
/// (the first configurations have rows long enough for 16 columns per phase).
/// </summary>
public sealed class ConvTransposeAgainstOnnxRuntimeTests(ITestOutputHelper output)
{
    private sealed record Case(string Input, int[] Shape, float[] Data, string Output, string Description);

    [Fact]
    public void RandomConfigurationsMatchOnnxRuntime()
    {
        var random = new Random(20261205);
        var builder = new OnnxBuilder(17);
        var cases = new List<Case>();
        for (int i = 0; cases.Count < 40; i++)
        {
            int spatial = i % 4 == 3 ? 1 : 2;
            int groups = random.Next(3) == 0 ? 2 : 1;
            int inChannels = groups * (1 + random.Next(3)), outPerGroup = 1 + random.Next(3);
            long[] strides = new long[spatial], kernel = new long[spatial], dilations = new long[spatial];
            long[] pads = new long[2 * spatial], outputPadding = new long[spatial];
            int[] size = new int[spatial];
            bool valid = true;
            for (int a = 0; a < spatial; a++)
            {
                // The first cases are decoders' upsampling (stride 2, kernel 3 or 4 along the width, so every phase has
                // taps) on long rows: the interleave's vector loops and, with odd output widths, its last column.
                bool upsampling = cases.Count < 6 && a == spatial - 1;
                strides[a] = upsampling ? 2 : 1 + random.Next(3);
                kernel[a] = upsampling ? 3 + random.Next(2) : 1 + random.Next(4);
                dilations[a] = !upsampling && random.Next(4) == 0 ? 2 : 1;
                long extent = dilations[a] * (kernel[a] - 1) + 1;
                pads[a] = random.Next((int)extent);
                pads[a + spatial] = random.Next((int)extent);
                outputPadding[a] = random.Next((int)strides[a]); // ONNX Runtime refuses output_padding >= stride even where the dilation is larger
                size[a] = cases.Count < 6 ? 17 + random.Next(24) : 2 + random.Next(6);
                long outputSize = strides[a] * (size[a] - 1) + outputPadding[a] + extent - pads[a] - pads[a + spatial];
                if (outputSize < 1) valid = false;
            }
            if (!valid) continue;

            string n = "c" + cases.Count;
            var inputShape = new[] { 1, inChannels }.Concat(size).ToArray();
            var weightShape = new long[] { inChannels, outPerGroup }.Concat(kernel).ToArray();
            builder.Input(n + "_x", inputShape.Cast<object>().ToArray());
            builder.Initializer(n + "_w", weightShape, Random(random, (int)weightShape.Aggregate(1L, (p, d) => p * d)));
            var inputs = new List<string> { n + "_x", n + "_w" };
            bool bias = random.Next(2) == 0;
            if (bias)
            {
                builder.Initializer(n + "_b", new long[] { groups * outPerGroup }, Random(random, groups * outPerGroup));
                inputs.Add(n + "_b");
            }
            builder.Node("ConvTranspose", inputs.ToArray(), new[] { n + "_y" }, n, "",
                Attr.Ints("strides", strides), Attr.Ints("kernel_shape", kernel), Attr.Ints("dilations", dilations),
                Attr.Ints("pads", pads), Attr.Ints("output_padding", outputPadding), Attr.Int("group", groups));
            string result = n + "_y";
            bool normalized = random.Next(3) == 0;
            if (normalized)
            {
                int channels = groups * outPerGroup;
                builder.Initializer(n + "_scale", new long[] { channels }, Random(random, channels, 0.5f, 1.5f))
                    .Initializer(n + "_shift", new long[] { channels }, Random(random, channels))
                    .Initializer(n + "_mean", new long[] { channels }, Random(random, channels))
                    .Initializer(n + "_var", new long[] { channels }, Random(random, channels, 0.5f, 2f))
                    .Node("BatchNormalization", new[] { result, n + "_scale", n + "_shift", n + "_mean", n + "_var" }, new[] { n + "_bn" })
                    .Node("Relu", new[] { n + "_bn" }, new[] { n + "_relu" });
                result = n + "_relu";
            }
            builder.Output(result);
            string description = $"{n}: {spatial}-D input {string.Join('x', size)}, {inChannels} channels, group {groups}, strides {string.Join(',', strides)}, " +
                                 $"kernel {string.Join(',', kernel)}, dilations {string.Join(',', dilations)}, pads {string.Join(',', pads)}, " +
                                 $"output_padding {string.Join(',', outputPadding)}{(bias ? ", bias" : "")}{(normalized ? ", BatchNorm + ReLU" : "")}";
            cases.Add(new Case(n + "_x", inputShape, Random(random, inputShape.Aggregate(1, (p, d) => p * d), -2f, 2f), result, description));
        }
        var model = builder.Build();

        OnnxRuntimeComparison.AssertMatches(model, cases.Select(c => new OnnxRuntimeComparison.Feed(c.Input, c.Shape, c.Data)).ToList(),
            cases.Select(c => (c.Output, c.Description)).ToList(), output);
    }

    private static float[] Random(Random random, int count, float low = -1f, float high = 1f) =>
        Enumerable.Range(0, count).Select(_ => low + (high - low) * (float)random.NextDouble()).ToArray();
}
