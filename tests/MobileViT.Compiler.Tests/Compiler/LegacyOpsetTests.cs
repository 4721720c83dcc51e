using System.Linq;
using MobileViT.Compiler.Import;
using MobileViT.Compiler.Ops;
using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using static MobileViT.Compiler.Tests.Compiler.CompilerTestHelpers;
using Attr = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Compiler.Tests.Compiler
{
    /// <summary>
    /// Models of opsets 7 to 10: the older forms the operators read, and a diagnostic naming the node wherever an
    /// operator's behaviour at that opset is not implemented. Values are checked against PyTorch and ONNX Runtime by
    /// the LegacyNet model tests and LegacyResizeAgainstOnnxRuntimeTests.
    /// </summary>
    public sealed class LegacyOpsetTests
    {
        [Fact]
        public void ClipAttributesOfOpsetSixBoundTheValues()
        {
            var model = new OnnxBuilder(9).Input("x", 1, 4)
                .Node("Clip", new[] { "x" }, new[] { "y" }, "relu6", "", Attr.Float("min", 0f), Attr.Float("max", 6f))
                .Output("y").Build();
            var clip = Assert.Single(CompilationPipeline.BuildGraph(model, Options()).Nodes);
            var op = Assert.IsAssignableFrom<UnaryOperator>(clip.Op);
            Assert.Equal((0f, 6f), (op.Alpha(clip), op.Beta(clip)));
        }

        [Fact]
        public void UpsampleAttributeAndResizeTenScaleTheSpatialAxes()
        {
            var upsample = new OnnxBuilder(7).Input("x", 1, 2, 3, 5)
                .Node("Upsample", new[] { "x" }, new[] { "y" }, "up", "", Attr.String("mode", "nearest"), Attr.Floats("scales", 1f, 1f, 2f, 1.5f))
                .Output("y").Build();
            Assert.Equal(new[] { 1, 2, 6, 7 }, CompilationPipeline.BuildGraph(upsample, Options()).Outputs[0].Shape);
            var resize = new OnnxBuilder(10).Input("x", 1, 2, 5, 8)
                .Initializer("scales", new long[] { 4 }, new[] { 1f, 1f, 0.6f, 0.75f })
                .Node("Resize", new[] { "x", "scales" }, new[] { "y" }, "down", "", Attr.String("mode", "linear"))
                .Output("y").Build();
            Assert.Equal(new[] { 1, 2, 3, 6 }, CompilationPipeline.BuildGraph(resize, Options()).Outputs[0].Shape);
        }

        [Fact]
        public void AnOperatorWithoutItsOlderBehaviourIsReportedWithTheNode()
        {
            // Range first appeared at opset 11; an opset-10 model holding it is reported, not guessed at.
            var model = new OnnxBuilder(10).Input("x", 1, 4)
                .IntInitializer("start", new long[0], new long[] { 0 }).IntInitializer("limit", new long[0], new long[] { 4 })
                .IntInitializer("delta", new long[0], new long[] { 1 })
                .Node("Range", new[] { "start", "limit", "delta" }, new[] { "r" }, "range_node")
                .Node("Relu", new[] { "x" }, new[] { "y" }, "relu")
                .Output("y").Build();
            var message = SingleError(model, "MVC0003").Message;
            Assert.Contains("'range_node'", message);
            Assert.Contains("opset 10", message);
            Assert.Contains("from opset 11", message);
        }

        [Fact]
        public void OlderForms()
        {
            Assert.Equal(7, OpsetHistory.OldestOpset("Upsample"));
            Assert.Equal(10, OpsetHistory.OldestOpset("Resize"));
            Assert.Equal(11, OpsetHistory.OldestOpset("LayerNormalization"));
            Assert.True(OpsetHistory.Compiles("LayerNormalization", 17));
            Assert.False(OpsetHistory.Compiles("Range", 10));
            // Every operator listed is a registered one, so the table cannot name an operator the compiler lacks.
            Assert.All(OperatorRegistry.All.Select(op => op.OpType), op => Assert.InRange(OpsetHistory.OldestOpset(op), 1, 11));
        }

        [Theory]
        [InlineData("upsample-at-10")]
        [InlineData("batchnorm-spatial-0")]
        [InlineData("convtranspose-same-at-10")]
        [InlineData("resize10-nearest-mixed")]
        public void UnimplementedOlderBehaviourIsReported(string what)
        {
            var builder = what switch
            {
                "upsample-at-10" => new OnnxBuilder(10).Input("x", 1, 1, 2, 2).Initializer("s", new long[] { 4 }, new[] { 1f, 1f, 2f, 2f })
                    .Node("Upsample", new[] { "x", "s" }, new[] { "y" }, "node", "", Attr.String("mode", "nearest")),
                "batchnorm-spatial-0" => new OnnxBuilder(7).Input("x", 1, 2, 2, 2)
                    .Initializer("scale", new long[] { 2 }, new[] { 1f, 2f }).Initializer("bias", new long[] { 2 }, new[] { 0f, 1f })
                    .Initializer("mean", new long[] { 2 }, new[] { 0.5f, 1f }).Initializer("var", new long[] { 2 }, new[] { 1f, 2f })
                    .Node("BatchNormalization", new[] { "x", "scale", "bias", "mean", "var" }, new[] { "y" }, "node", "", Attr.Int("spatial", 0)),
                "convtranspose-same-at-10" => new OnnxBuilder(10).Input("x", 1, 1, 3, 3).Initializer("w", new long[] { 1, 1, 2, 2 }, new[] { 1f, 2f, 3f, 4f })
                    .Node("ConvTranspose", new[] { "x", "w" }, new[] { "y" }, "node", "", Attr.Ints("strides", 2, 2), Attr.String("auto_pad", "SAME_UPPER")),
                _ => new OnnxBuilder(10).Input("x", 1, 1, 4, 4).Initializer("s", new long[] { 4 }, new[] { 1f, 1f, 0.5f, 2f })
                    .Node("Resize", new[] { "x", "s" }, new[] { "y" }, "node", "", Attr.String("mode", "nearest")),
            };
            Assert.Contains("'node'", SingleError(builder.Output("y").Build(), "MVC0005").Message);
        }

        [Fact]
        public void SliceAttributesOfDifferentLengthsAreReported()
        {
            // Found by the fuzz tests once opset-9 models compiled: two starts and ends, one axis.
            var model = new OnnxBuilder(9).Input("x", 1, 4, 4)
                .Node("Slice", new[] { "x" }, new[] { "y" }, "slice", "", Attr.Ints("starts", 0, 1), Attr.Ints("ends", 2, 3), Attr.Ints("axes", 1))
                .Output("y").Build();
            Assert.Contains("'slice'", SingleError(model, "MVC0009").Message);
            var steps = new OnnxBuilder(13).Input("x", 1, 4, 4)
                .IntInitializer("starts", new long[] { 2 }, new long[] { 0, 1 }).IntInitializer("ends", new long[] { 2 }, new long[] { 2, 3 })
                .IntInitializer("axes", new long[] { 2 }, new long[] { 1, 2 }).IntInitializer("steps", new long[] { 1 }, new long[] { 1 })
                .Node("Slice", new[] { "x", "starts", "ends", "axes", "steps" }, new[] { "y" }, "slice").Output("y").Build();
            Assert.Contains("'slice'", SingleError(steps, "MVC0009").Message);
        }

        [Fact]
        public void UpsampleScalesBelowOneAreInvalid()
        {
            var model = new OnnxBuilder(9).Input("x", 1, 1, 4, 4).Initializer("s", new long[] { 4 }, new[] { 1f, 1f, 0.5f, 1f })
                .Node("Upsample", new[] { "x", "s" }, new[] { "y" }, "up").Output("y").Build();
            Assert.Contains("'up'", SingleError(model, "MVC0009").Message);
        }
    }
}
