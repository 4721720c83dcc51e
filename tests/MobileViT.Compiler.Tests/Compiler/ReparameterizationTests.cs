using System.Linq;
using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using static MobileViT.Compiler.Tests.Compiler.CompilerTestHelpers;
using Attr = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Compiler.Tests.Compiler
{
    /// <summary>RepViT's training-form token mixer (3×3 + 1×1 + identity, each with BatchNorm) folds into one convolution.</summary>
    public sealed class ReparameterizationTests
    {
        private const int Channels = 4;

        private static float[] Values(int count, float start) => Enumerable.Range(0, count).Select(i => start + 0.05f * (i % 9)).ToArray();

        private static OnnxBuilder BatchNorm(OnnxBuilder builder, string name) => builder
            .Initializer(name + "_g", new long[] { Channels }, Values(Channels, 0.8f))
            .Initializer(name + "_b", new long[] { Channels }, Values(Channels, -0.1f))
            .Initializer(name + "_m", new long[] { Channels }, Values(Channels, 0.05f))
            .Initializer(name + "_v", new long[] { Channels }, Values(Channels, 0.9f));

        internal static byte[] TrainingForm()
        {
            var builder = new OnnxBuilder(13).Input("x", 1, Channels, 8, 8)
                .Initializer("w3", new long[] { Channels, 1, 3, 3 }, Values(Channels * 9, -0.2f))
                .Initializer("w1", new long[] { Channels, 1, 1, 1 }, Values(Channels, 0.3f));
            BatchNorm(BatchNorm(BatchNorm(builder, "bn3"), "bn1"), "bnid");
            return builder
                .Node("Conv", new[] { "x", "w3" }, new[] { "c3" }, "conv3x3", "", Attr.Int("group", Channels), Attr.Ints("pads", 1, 1, 1, 1))
                .Node("BatchNormalization", new[] { "c3", "bn3_g", "bn3_b", "bn3_m", "bn3_v" }, new[] { "b3" }, "bn3")
                .Node("Conv", new[] { "x", "w1" }, new[] { "c1" }, "conv1x1", "", Attr.Int("group", Channels))
                .Node("BatchNormalization", new[] { "c1", "bn1_g", "bn1_b", "bn1_m", "bn1_v" }, new[] { "b1" }, "bn1")
                .Node("BatchNormalization", new[] { "x", "bnid_g", "bnid_b", "bnid_m", "bnid_v" }, new[] { "bid" }, "bn_identity")
                .Node("Add", new[] { "b3", "b1" }, new[] { "s" }, "add_branches")
                .Node("Add", new[] { "s", "bid" }, new[] { "y" }, "add_identity")
                .Output("y").Build();
        }

        [Fact]
        public void ThreeBranchesBecomeOneDepthwiseConvolution()
        {
            var graph = CompilationPipeline.BuildGraph(TrainingForm(), Options());
            var conv = Assert.Single(graph.Nodes);
            Assert.Equal("Conv", conv.OpType);
            Assert.Equal(new[] { Channels, 1, 3, 3 }, conv.Inputs[1]!.Shape);
            Assert.Contains("bn_identity", conv.SourceNames);
        }

        [Fact]
        public void MergedKernelIsTheSumOfTheCentredBranchKernels()
        {
            var graph = CompilationPipeline.BuildGraph(TrainingForm(), Options());
            var weights = graph.Nodes[0].Inputs[1]!.Constant!.AsFloats();
            // Channel 0: 3×3 kernel scaled by BN3, plus the 1×1 weight scaled by BN1 and the identity's BN scale at the centre.
            double Scale(float gamma, float variance) => gamma / System.Math.Sqrt(variance + 1e-5);
            double centre = (-0.2 + 0.05 * 4) * Scale(0.8f, 0.9f) + 0.3 * Scale(0.8f, 0.9f) + 1 * Scale(0.8f, 0.9f);
            double corner = -0.2 * Scale(0.8f, 0.9f);
            Assert.Equal(centre, weights[4], 5);
            Assert.Equal(corner, weights[0], 5);
        }
    }
}
