using System.Linq;
using MobileViT.Compiler.Ops;
using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using static MobileViT.Compiler.Tests.Compiler.CompilerTestHelpers;
using Attr = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Compiler.Tests.Compiler
{
    /// <summary>
    /// ConvTranspose becomes one stride-1 Conv per output phase and an Interleave (or a zero insertion and one Conv): the
    /// shapes and paddings that rewrite produces, the fusions it keeps open, and its diagnostics. The values are checked by the ONNX node tests (test_convtranspose_*)
    /// and against PyTorch on models/decoder (MobileViT.Models.Tests).
    /// </summary>
    public sealed class ConvTransposeTests
    {
        private static readonly float[] Weights = Enumerable.Range(0, 4 * 2 * 3 * 3).Select(i => (i % 5 - 2) * 0.25f).ToArray();

        private static OnnxBuilder Model(int height, int width, params Attr[] attributes) =>
            new OnnxBuilder(17)
                .Input("x", 1, 4, height, width)
                .Initializer("w", new long[] { 4, 2, 3, 3 }, Weights)
                .Node("ConvTranspose", new[] { "x", "w" }, new[] { "y" }, "up", "", attributes);

        [Theory]
        [InlineData(1, 1, 0, 0, 7, 9, 1, 0)]   // stride 1: the output grows by the kernel's reach; one Conv
        [InlineData(2, 1, 1, 0, 9, 13, 4, 1)]  // (5 - 1)·2 + 3 - 2: four phase Convs and an Interleave
        [InlineData(2, 1, 1, 1, 10, 14, 4, 1)] // output_padding 1 adds a row and a column at the end
        [InlineData(3, 1, 0, 2, 17, 23, 9, 4)] // phases whose last outputs read past the input: three extending copies, and the Interleave
        [InlineData(2, 1, 3, 0, 5, 9, 4, 2)]   // pads wider than the window: the phases read one cropped copy of the input
        [InlineData(2, 2, 0, 0, 13, 17, 1, 1)] // stride 2, dilation 2: odd phases have no tap; a zero insertion and one Conv
        public void OutputSizeFollowsTheDefinition(int stride, int dilation, int pad, int outputPadding, int height, int width, int convolutionCount, int copies)
        {
            var model = Model(5, 7, Attr.Ints("strides", stride, stride), Attr.Ints("pads", pad, pad, pad, pad),
                Attr.Ints("output_padding", outputPadding, outputPadding), Attr.Ints("dilations", dilation, dilation)).Output("y").Build();
            var graph = CompilationPipeline.BuildGraph(model, Options());
            Assert.Equal(new[] { 1, 2, height, width }, graph.Outputs[0].Shape);
            var convolutions = graph.Nodes.Where(n => n.OpType == "Conv").ToList();
            Assert.Equal(convolutionCount, convolutions.Count);
            Assert.Equal(copies, graph.Nodes.Count - convolutionCount);
            foreach (var conv in convolutions)
            {
                var geometry = (SpatialGeometry)conv.Lowering!;
                Assert.Equal((1, 1), (geometry.StrideHeight, geometry.StrideWidth));
                // The Conv's own padding never reaches a whole window, as the kernels expect.
                int extentHeight = geometry.DilationHeight * (geometry.KernelHeight - 1) + 1, extentWidth = geometry.DilationWidth * (geometry.KernelWidth - 1) + 1;
                Assert.InRange(geometry.PadTop, 0, extentHeight - 1);
                Assert.InRange(geometry.PadBottom, 0, extentHeight - 1);
                Assert.InRange(geometry.PadLeft, 0, extentWidth - 1);
                Assert.InRange(geometry.PadRight, 0, extentWidth - 1);
            }
            // The phases together multiply each input by each kernel tap once: 4 · 2 · 5 · 7 · 9 products, not stride² times that.
            if (convolutionCount > 1)
                Assert.Equal(9, convolutions.Sum(c => { var g = (SpatialGeometry)c.Lowering!; return g.KernelHeight * g.KernelWidth; }));
        }

        [Theory]
        [InlineData("SAME_UPPER")]
        [InlineData("SAME_LOWER")]
        public void SameAutoPadMultipliesTheSizeByTheStride(string autoPad)
        {
            var model = Model(5, 6, Attr.Ints("strides", 2, 2), Attr.String("auto_pad", autoPad)).Output("y").Build();
            Assert.Equal(new[] { 1, 2, 10, 12 }, CompilationPipeline.BuildGraph(model, Options()).Outputs[0].Shape);
        }

        [Fact]
        public void OutputShapeLargerThanTheNaturalSizeGrowsAtTheEnd()
        {
            var model = Model(3, 3, Attr.Ints("strides", 3, 2), Attr.Ints("output_shape", 10, 8)).Output("y").Build();
            var graph = CompilationPipeline.BuildGraph(model, Options());
            Assert.Equal(new[] { 1, 2, 10, 8 }, graph.Outputs[0].Shape);
        }

        [Fact]
        public void FollowingBatchNormAndReluFuseIntoEveryPhase()
        {
            var model = Model(5, 5, Attr.Ints("strides", 2, 2), Attr.Ints("pads", 1, 1, 1, 1))
                .Initializer("scale", new long[] { 2 }, new[] { 1.5f, 0.5f })
                .Initializer("shift", new long[] { 2 }, new[] { 0.1f, -0.2f })
                .Initializer("mean", new long[] { 2 }, new[] { 0.3f, 0.0f })
                .Initializer("var", new long[] { 2 }, new[] { 1.2f, 0.8f })
                .Node("BatchNormalization", new[] { "y", "scale", "shift", "mean", "var" }, new[] { "b" }, "bn")
                .Node("Relu", new[] { "b" }, new[] { "r" }, "relu")
                .Output("r").Build();
            var graph = CompilationPipeline.BuildGraph(model, Options());
            Assert.Equal(new[] { "Conv", "Conv", "Conv", "Conv", "Interleave" }, graph.Nodes.Select(n => n.OpType));
            foreach (var conv in graph.Nodes.Take(4))
            {
                Assert.Contains("bn", conv.SourceNames);
                Assert.Contains("relu", conv.SourceNames);
                Assert.False(conv.Activation.IsNone);
            }
            Assert.Same(graph.Outputs[0], graph.Nodes[4].Outputs[0]);
            Assert.Equal(new[] { 1, 2, 9, 9 }, graph.Outputs[0].Shape);
        }

        [Fact]
        public void Relu6AsClipFusesIntoEveryPhase()
        {
            var model = Model(5, 5, Attr.Ints("strides", 2, 2))
                .Initializer("lo", new long[0], new[] { 0f }).Initializer("hi", new long[0], new[] { 6f })
                .Node("Clip", new[] { "y", "lo", "hi" }, new[] { "c" }, "relu6")
                .Output("c").Build();
            var graph = CompilationPipeline.BuildGraph(model, Options());
            Assert.Equal(new[] { "Conv", "Conv", "Conv", "Conv", "Interleave" }, graph.Nodes.Select(n => n.OpType));
            Assert.All(graph.Nodes.Take(4), conv => Assert.False(conv.Activation.IsNone));
        }

        [Fact]
        public void AStepThatIsAGraphOutputStaysAfterTheInterleave()
        {
            var model = Model(5, 5, Attr.Ints("strides", 2, 2))
                .Node("Relu", new[] { "y" }, new[] { "r" }, "relu")
                .Output("y").Output("r").Build();
            var graph = CompilationPipeline.BuildGraph(model, Options());
            Assert.Equal("Relu", graph.Nodes.Last().OpType);
        }

        [Fact]
        public void RunTimeWeightsAreUnsupportedNamingTheNode()
        {
            var model = new OnnxBuilder(17).Input("x", 1, 4, 5, 5).Input("w", 4, 2, 3, 3)
                .Node("ConvTranspose", new[] { "x", "w" }, new[] { "y" }, "up").Output("y").Build();
            var diagnostic = SingleError(model, "MVC0005");
            Assert.Contains("'up'", diagnostic.Message);
            Assert.Contains("weight", diagnostic.Message);
        }

        [Fact]
        public void OutputPaddingAsLargeAsTheStrideIsAShapeError()
        {
            var model = Model(5, 5, Attr.Ints("strides", 2, 2), Attr.Ints("output_padding", 2, 0)).Output("y").Build();
            var diagnostic = SingleError(model, "MVC0009");
            Assert.Contains("output_padding", diagnostic.Message);
        }
    }
}
