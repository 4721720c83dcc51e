using System.Linq;
using MobileViT.Compiler.Api;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;
using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using static MobileViT.Compiler.Tests.Compiler.CompilerTestHelpers;
using Attr = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Compiler.Tests.Compiler
{
    /// <summary>
    /// Pad's plan of copies, checked through constant folding (the same parts the generated code copies) against values
    /// written out by hand from the ONNX definition, for every mode; and its fold into a following convolution. The
    /// generated code is checked against PyTorch and ONNX Runtime on models/padding (MobileViT.Models.Tests).
    /// </summary>
    public sealed class PadTests
    {
        private static readonly float[] Matrix = { 1, 2, 3, 4, 5, 6 }; // 2 × 3

        /// <summary>Pads the constant 2 × 3 matrix and returns the folded result.</summary>
        private static ConstantTensor FoldedPad(string mode, long[] pads, float? value = null, long opset = 19)
        {
            var builder = new OnnxBuilder(opset)
                .Input("r", 1, 1)
                .Initializer("x", new long[] { 2, 3 }, Matrix)
                .IntInitializer("pads", new long[] { 4 }, pads);
            var inputs = new[] { "x", "pads" };
            if (value != null)
            {
                builder.Initializer("value", new long[0], new[] { value.Value });
                inputs = new[] { "x", "pads", "value" };
            }
            var model = builder
                .Node("Pad", inputs, new[] { "p" }, "pad", "", Attr.String("mode", mode))
                .Node("Add", new[] { "p", "r" }, new[] { "y" }, "add")
                .Output("y").Build();
            var graph = CompilationPipeline.BuildGraph(model, Options());
            var add = Assert.Single(graph.Nodes);
            return add.Inputs[0]!.Constant!;
        }

        [Theory]
        [InlineData("constant", new long[] { 0, 2, 0, 3 }, new float[] { 0, 0, 1, 2, 3, 0, 0, 0, 0, 0, 4, 5, 6, 0, 0, 0 })]
        [InlineData("edge", new long[] { 0, 2, 0, 3 }, new float[] { 1, 1, 1, 2, 3, 3, 3, 3, 4, 4, 4, 5, 6, 6, 6, 6 })]
        [InlineData("reflect", new long[] { 0, 2, 0, 2 }, new float[] { 3, 2, 1, 2, 3, 2, 1, 6, 5, 4, 5, 6, 5, 4 })]
        [InlineData("wrap", new long[] { 0, 2, 0, 3 }, new float[] { 2, 3, 1, 2, 3, 1, 2, 3, 5, 6, 4, 5, 6, 4, 5, 6 })]
        [InlineData("constant", new long[] { 0, -1, 0, 1 }, new float[] { 2, 3, 0, 5, 6, 0 })]
        [InlineData("edge", new long[] { 1, 0, 1, 1 }, new float[] { 1, 2, 3, 3, 1, 2, 3, 3, 4, 5, 6, 6, 4, 5, 6, 6 })]
        [InlineData("reflect", new long[] { 1, 1, 0, 0 }, new float[] { 5, 4, 5, 6, 2, 1, 2, 3, 5, 4, 5, 6 })]
        public void EveryModeMatchesTheDefinition(string mode, long[] pads, float[] expected)
        {
            var padded = FoldedPad(mode, pads);
            Assert.Equal(expected, padded.AsFloats());
            Assert.Equal(new[] { 2 + (int)(pads[0] + pads[2]), 3 + (int)(pads[1] + pads[3]) }, padded.Shape);
        }

        [Fact]
        public void ConstantValueFillsTheBorder()
        {
            var padded = FoldedPad("constant", new long[] { 1, 0, 0, 0 }, value: 9f);
            Assert.Equal(new float[] { 9, 9, 9, 1, 2, 3, 4, 5, 6 }, padded.AsFloats());
        }

        [Fact]
        public void ReflectWiderThanTheInputIsAShapeError()
        {
            var model = new OnnxBuilder(19).Input("x", 1, 2, 3)
                .IntInitializer("pads", new long[] { 6 }, new long[] { 0, 0, 3, 0, 0, 0 })
                .Node("Pad", new[] { "x", "pads" }, new[] { "y" }, "pad", "", Attr.String("mode", "reflect")).Output("y").Build();
            var diagnostic = Assert.Single(ModelCompiler.Compile(model, Options()).Diagnostics);
            Assert.Equal("MVC0009", diagnostic.Id);
            Assert.Contains("'pad'", diagnostic.Message);
        }

        [Fact]
        public void ReflectedRowsAreCopiedByLoopsNotTheForwardOnlyKernel()
        {
            // Reflecting H of 4 channels of 6 × 6 reads source rows backwards (stride -6) above contiguous rows of 6
            // floats: StridedCopyF32 would be chosen for the short rows and throws on a negative stride.
            var model = new OnnxBuilder(17).Input("x", 1, 4, 6, 6)
                .IntInitializer("pads", new long[] { 8 }, new long[] { 0, 0, 2, 0, 0, 0, 2, 0 })
                .Node("Pad", new[] { "x", "pads" }, new[] { "y" }, "pad", "", Attr.String("mode", "reflect")).Output("y").Build();
            var result = ModelCompiler.Compile(model, Options());
            Assert.Empty(result.Diagnostics);
            Assert.Contains("* -6", result.Source);
            Assert.DoesNotContain("StridedCopyF32", result.Source);
        }

        private static byte[] PadThenConv(string mode, float value, long[] pads, long opset = 17)
        {
            var weights = Enumerable.Range(0, 2 * 2 * 3 * 3).Select(i => (i % 7 - 3) * 0.25f).ToArray();
            return new OnnxBuilder(opset)
                .Input("x", 1, 2, 8, 8)
                .IntInitializer("pads", new long[] { 8 }, pads)
                .Initializer("value", new long[0], new[] { value })
                .Initializer("w", new long[] { 2, 2, 3, 3 }, weights)
                .Node("Pad", new[] { "x", "pads", "value" }, new[] { "p" }, "pad", "", Attr.String("mode", mode))
                .Node("Conv", new[] { "p", "w" }, new[] { "y" }, "conv", "", Attr.Ints("strides", 2, 2))
                .Output("y").Build();
        }

        [Fact]
        public void ZeroSpatialPadBecomesTheConvolutionsPadding()
        {
            // TensorFlow's "same" at stride 2 on an even size: nothing before, one row and column after.
            var graph = CompilationPipeline.BuildGraph(PadThenConv("constant", 0f, new long[] { 0, 0, 0, 0, 0, 0, 1, 1 }), Options());
            var conv = Assert.Single(graph.Nodes);
            var geometry = (SpatialGeometry)conv.Lowering!;
            Assert.Equal((0, 0, 1, 1), (geometry.PadTop, geometry.PadLeft, geometry.PadBottom, geometry.PadRight));
            Assert.Equal((8, 8, 4, 4), (geometry.InHeight, geometry.InWidth, geometry.OutHeight, geometry.OutWidth));
            Assert.Same(graph.Inputs[0], conv.Inputs[0]);
            Assert.Contains("pad", conv.SourceNames);
        }

        [Theory]
        [InlineData("constant", 0.5f, new long[] { 0, 0, 1, 1, 0, 0, 1, 1 })] // not zero
        [InlineData("reflect", 0f, new long[] { 0, 0, 1, 1, 0, 0, 1, 1 })]   // not a constant
        [InlineData("constant", 0f, new long[] { 1, 0, 1, 1, 0, 0, 1, 1 })]  // pads the batch
        [InlineData("constant", 0f, new long[] { 0, 0, 3, 0, 0, 0, 0, 0 })]  // as wide as the window
        public void OtherPadsStayPads(string mode, float value, long[] pads)
        {
            var graph = CompilationPipeline.BuildGraph(PadThenConv(mode, value, pads), Options());
            Assert.Contains(graph.Nodes, n => n.OpType == "Pad");
            Assert.Contains(graph.Nodes, n => n.OpType == "Conv");
        }
    }
}
