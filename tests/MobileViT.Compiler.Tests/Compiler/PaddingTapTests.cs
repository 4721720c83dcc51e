using System.Linq;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;
using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using static MobileViT.Compiler.Tests.Compiler.CompilerTestHelpers;
using Attr = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Compiler.Tests.Compiler
{
    /// <summary>
    /// DropPaddingTaps on DeepLabv3's atrous convolutions over a 10 × 14 map. The numbers through the generated code
    /// are checked against PyTorch and ONNX Runtime on models/segmentation (MobileViT.Models.Tests).
    /// </summary>
    public sealed class PaddingTapTests
    {
        private static readonly float[] Weights = Enumerable.Range(0, 4 * 2 * 9).Select(i => (i % 11 - 5) * 0.125f).ToArray();

        private static (Node Conv, SpatialGeometry Geometry) Compile(long dilation, int height = 10, int width = 14)
        {
            var model = new OnnxBuilder(17)
                .Input("x", 1, 2, height, width)
                .Initializer("w", new long[] { 4, 2, 3, 3 }, Weights)
                .Node("Conv", new[] { "x", "w" }, new[] { "y" }, "aspp", "",
                    Attr.Ints("dilations", dilation, dilation), Attr.Ints("pads", dilation, dilation, dilation, dilation))
                .Output("y").Build();
            var conv = Assert.Single(CompilationPipeline.BuildGraph(model, Options()).Nodes);
            return (conv, (SpatialGeometry)conv.Lowering!);
        }

        [Theory]
        [InlineData(24)]
        [InlineData(36)]
        public void OnlyTheCentreReadsTheMapAtLargeDilations(long dilation)
        {
            var (conv, g) = Compile(dilation);
            Assert.Equal((1, 1, 1, 1), (g.KernelHeight, g.KernelWidth, g.DilationHeight, g.DilationWidth));
            Assert.Equal((0, 0, 0, 0), (g.PadTop, g.PadLeft, g.PadBottom, g.PadRight));
            Assert.Equal((10, 14), (g.OutHeight, g.OutWidth));
            var weight = conv.Inputs[1]!.Constant!;
            Assert.Equal(new[] { 4, 2, 1, 1 }, weight.Shape);
            // The centre tap of each of the 8 planes.
            Assert.Equal(Enumerable.Range(0, 8).Select(plane => Weights[plane * 9 + 4]), weight.AsFloats());
            var recipe = Assert.IsType<ComputedWeight>(weight.Source);
            Assert.Equal("CropKernel", recipe.Recipe);
        }

        [Fact]
        public void RowsGoButColumnsStayWhereTheMapIsWiderThanTheDilation()
        {
            // Dilation 12: rows ±12 miss a height of 10, columns ±12 still reach a width of 14 at its edges.
            var (conv, g) = Compile(12);
            Assert.Equal((1, 3, 1, 12), (g.KernelHeight, g.KernelWidth, g.DilationHeight, g.DilationWidth));
            Assert.Equal((0, 12, 0, 12), (g.PadTop, g.PadLeft, g.PadBottom, g.PadRight));
            Assert.Equal(new[] { 4, 2, 1, 3 }, conv.Inputs[1]!.Shape);
            Assert.Equal("Conv1x3 d1x12", Conv.Describe(conv));
        }

        [Fact]
        public void EveryTapThatReadsTheMapStays()
        {
            var (conv, g) = Compile(6);
            Assert.Equal((3, 3, 6, 6), (g.KernelHeight, g.KernelWidth, g.DilationHeight, g.DilationWidth));
            Assert.Equal(Weights.Length, conv.Inputs[1]!.Constant!.Length);
        }
    }
}
