using System.Linq;
using MobileViT.Compiler.Ops;
using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using static MobileViT.Compiler.Tests.Compiler.CompilerTestHelpers;
using Attr = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Compiler.Tests.Compiler
{
    /// <summary>
    /// ConvTranspose becomes a zero insertion and an ordinary Conv: the shapes and paddings that rewrite produces, the
    /// fusions it keeps open, and its diagnostics. The values are checked by the ONNX node tests (test_convtranspose_*)
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
        [InlineData(1, 0, 0, 7, 9)]   // stride 1: the output grows by the kernel's reach
        [InlineData(2, 1, 0, 9, 13)]  // 2x upsampling, pads 1: (5 - 1)·2 + 3 - 2
        [InlineData(2, 1, 1, 10, 14)] // output_padding 1 adds a row and a column at the end
        [InlineData(3, 0, 2, 17, 23)]
        public void OutputSizeFollowsTheDefinition(int stride, int pad, int outputPadding, int height, int width)
        {
            var model = Model(5, 7, Attr.Ints("strides", stride, stride), Attr.Ints("pads", pad, pad, pad, pad),
                Attr.Ints("output_padding", outputPadding, outputPadding)).Output("y").Build();
            var graph = CompilationPipeline.BuildGraph(model, Options());
            Assert.Equal(new[] { 1, 2, height, width }, graph.Outputs[0].Shape);
            var conv = graph.Nodes.Last();
            Assert.Equal("Conv", conv.OpType);
            var geometry = (SpatialGeometry)conv.Lowering!;
            Assert.Equal((1, 1), (geometry.StrideHeight, geometry.StrideWidth));
            // The Conv's own padding never reaches a whole window, as the kernels expect.
            Assert.All(new[] { geometry.PadTop, geometry.PadLeft, geometry.PadBottom, geometry.PadRight }, p => Assert.InRange(p, 0, 2));
            Assert.Equal(stride == 1 && pad == 0 ? 1 : 2, graph.Nodes.Count);
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
        public void FollowingBatchNormAndReluFuseIntoTheConvolution()
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
            Assert.Equal(new[] { "ZeroInsertion", "Conv" }, graph.Nodes.Select(n => n.OpType));
            var conv = graph.Nodes[1];
            Assert.Contains("bn", conv.SourceNames);
            Assert.Contains("relu", conv.SourceNames);
            Assert.Equal(new[] { 1, 4, 9, 9 }, conv.Inputs[0]!.Shape); // 5 elements, one zero between each
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
