using System;
using System.Linq;
using MobileViT.Compiler.Api;
using MobileViT.Compiler.Diagnostics;
using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using static MobileViT.Compiler.Tests.Compiler.CompilerTestHelpers;
using Attr = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Compiler.Tests.Compiler
{
    /// <summary>Each compiler diagnostic, raised by a model built to trigger it; never an exception.</summary>
    public sealed class DiagnosticTests
    {
        private static OnnxBuilder Relu(long opset = 17) => new OnnxBuilder(opset)
            .Input("x", 1, 3, 4, 4).Node("Relu", new[] { "x" }, new[] { "y" }, "relu_0").Output("y");

        [Fact]
        public void ValidModelCompilesWithoutDiagnostics()
        {
            var result = ModelCompiler.Compile(Relu().Build(), Options());
            Assert.Empty(result.Diagnostics);
            Assert.Contains("public static partial class TestModel", result.Source);
        }

        [Fact]
        public void MVC0001_InternalErrorIsReportedNotThrown()
        {
            var options = Options();
            options.ModelFileName = null!; // provoke a failure inside the compiler
            var result = ModelCompiler.Compile(Relu().Build(), options);
            Assert.Equal("MVC0001", Assert.Single(result.Diagnostics).Id);
        }

        [Theory]
        [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })]
        [InlineData(new byte[] { 0x3A, 0x7F, 0x01 })]
        [InlineData(new byte[0])]
        public void MVC0002_MalformedBytes(byte[] bytes) => SingleError(bytes, "MVC0002");

        [Fact]
        public void MVC0002_TruncatedModel()
        {
            var bytes = Relu().Build();
            SingleError(bytes.Take(bytes.Length - 7).ToArray(), "MVC0002");
        }

        [Fact]
        public void MVC0002_InitializerDataDisagreesWithShape()
        {
            var model = new OnnxBuilder().Input("x", 1, 4).Initializer("w", new long[] { 1, 5 }, new float[4])
                .Node("Add", new[] { "x", "w" }, new[] { "y" }).Output("y").Build();
            Assert.Contains("'w'", SingleError(model, "MVC0002").Message);
        }

        [Theory]
        [InlineData(6)]
        [InlineData(26)]
        public void MVC0003_OpsetOutsideSupportedRange(long opset) =>
            Assert.Contains("opset " + opset, SingleError(Relu(opset).Build(), "MVC0003").Message);

        [Fact]
        public void MVC0003_NodeInCustomDomain()
        {
            var model = new OnnxBuilder().Opset("com.microsoft", 1).Input("x", 1, 4)
                .Node("FusedGemm", new[] { "x" }, new[] { "y" }, "custom_node", "com.microsoft").Output("y").Build();
            Assert.Contains("custom_node", SingleError(model, "MVC0003").Message);
        }

        [Fact]
        public void MVC0004_UnsupportedOperatorNamesTheNode()
        {
            var model = new OnnxBuilder().Input("x", 1, 4).Node("NonMaxSuppression", new[] { "x" }, new[] { "y" }, "nms_1").Output("y").Build();
            var message = SingleError(model, "MVC0004").Message;
            Assert.Contains("nms_1", message);
            Assert.Contains("NonMaxSuppression", message);
        }

        [Fact]
        public void MVC0005_UnsupportedAttributeValue()
        {
            var model = new OnnxBuilder().Input("x", 1, 3, 4, 4).IntInitializer("sizes", new long[] { 4 }, new long[] { 1, 3, 8, 8 })
                .Node("Resize", new[] { "x", "", "", "sizes" }, new[] { "y" }, "resize_cubic", "", Attr.String("mode", "cubic")).Output("y").Build();
            var message = SingleError(model, "MVC0005").Message;
            Assert.Contains("resize_cubic", message);
            Assert.Contains("cubic", message);
        }

        [Fact]
        public void MVC0006_ExternalDataNamesTheTensor()
        {
            var model = new OnnxBuilder().Input("x", 1, 4).ExternalInitializer("weights", new long[] { 1, 4 }, "weights.bin")
                .Node("Add", new[] { "x", "weights" }, new[] { "y" }).Output("y").Build();
            Assert.Contains("'weights'", SingleError(model, "MVC0006").Message);
        }

        [Fact]
        public void MVC0007_SymbolicDimensionWithoutInputShape()
        {
            var model = new OnnxBuilder().Input("x", "batch", "channels", "height", "width").Node("Relu", new[] { "x" }, new[] { "y" }).Output("y").Build();
            var message = SingleError(model, "MVC0007").Message;
            Assert.Contains("'channels' (axis 1)", message);
            Assert.Contains("InputShape=\"1x3x224x224\"", message);
        }

        [Fact]
        public void MVC0007_SuggestsTheSizesTheModelFixes()
        {
            var model = new OnnxBuilder().Input("x", 1, 3, "height", 64).Node("Relu", new[] { "x" }, new[] { "y" }).Output("y").Build();
            var message = SingleError(model, "MVC0007").Message;
            Assert.Contains("'height' (axis 2)", message);
            Assert.Contains("InputShape=\"1x3x224x64\"", message);
        }

        [Fact]
        public void SymbolicBatchIsOneWithoutInputShape()
        {
            var model = new OnnxBuilder().Input("x", "batch", 3, 4, 4).Node("Relu", new[] { "x" }, new[] { "y" }).Output("y").Build();
            var result = ModelCompiler.Compile(model, Options());
            Assert.Empty(result.Diagnostics);
            Assert.Contains("InputLength = 48;", result.Source);
            Assert.Contains("OutputLength = 48;", result.Source);
        }

        [Fact]
        public void OnlyTheBatchAxisDefaults()
        {
            var model = new OnnxBuilder().Input("x", "n").Node("Relu", new[] { "x" }, new[] { "y" }).Output("y").Build();
            Assert.Contains("'n' (axis 0)", SingleError(model, "MVC0007").Message);
        }

        [Fact]
        public void SymbolicDimensionResolvedByInputShape()
        {
            var model = new OnnxBuilder().Input("x", "batch", 3, 4, 4).Node("Relu", new[] { "x" }, new[] { "y" }).Output("y").Build();
            var result = ModelCompiler.Compile(model, Options(inputShape: "2x3x4x4"));
            Assert.Empty(result.Diagnostics);
            Assert.Contains("InputLength = 96;", result.Source);
        }

        [Theory]
        [InlineData("2x3x4")]
        [InlineData("2x3x5x4")]
        [InlineData("2xAx4x4")]
        [InlineData("0x3x4x4")]
        public void MVC0008_InvalidInputShape(string inputShape)
        {
            var model = new OnnxBuilder().Input("x", "batch", 3, 4, 4).Node("Relu", new[] { "x" }, new[] { "y" }).Output("y").Build();
            SingleError(model, "MVC0008", Options(inputShape: inputShape));
        }

        [Fact]
        public void MVC0009_ShapesThatDoNotBroadcast()
        {
            var model = new OnnxBuilder().Input("a", 1, 3).Input("b", 1, 4).Node("Add", new[] { "a", "b" }, new[] { "y" }, "bad_add").Output("y").Build();
            Assert.Contains("bad_add", SingleError(model, "MVC0009").Message);
        }

        [Fact]
        public void MVC0009_ConvWithGroupZero()
        {
            var model = new OnnxBuilder().Input("x", 1, 4, 8, 8).Initializer("w", new long[] { 4, 4, 3, 3 }, new float[144])
                .Node("Conv", new[] { "x", "w" }, new[] { "y" }, "conv_g0", "", Attr.Int("group", 0)).Output("y").Build();
            Assert.Contains("conv_g0", SingleError(model, "MVC0009").Message);
        }

        [Fact]
        public void MVC0010_IntegerInput()
        {
            var model = new OnnxBuilder().TypedInput("ids", 7, 1, 4).Node("Identity", new[] { "ids" }, new[] { "y" }).Output("y").Build();
            Assert.Contains("'ids'", SingleError(model, "MVC0010").Message);
        }

        [Fact]
        public void MVC0011_DanglingTensor()
        {
            var model = new OnnxBuilder().Input("x", 1, 4).Node("Add", new[] { "x", "missing" }, new[] { "y" }, "add_dangling").Output("y").Build();
            var message = SingleError(model, "MVC0011").Message;
            Assert.Contains("'missing'", message);
            Assert.Contains("add_dangling", message);
        }

        [Fact]
        public void MVC0011_Cycle()
        {
            var model = new OnnxBuilder().Input("x", 1, 4)
                .Node("Add", new[] { "x", "b" }, new[] { "a" }, "first")
                .Node("Relu", new[] { "a" }, new[] { "b" }, "second").Output("b").Build();
            Assert.Contains("cycle", SingleError(model, "MVC0011").Message);
        }

        [Fact]
        public void MVC0013_HugeDeclaredTensorIsRefusedBeforeAllocation()
        {
            var model = new OnnxBuilder().Input("x", 1, 4).Initializer("w", new long[] { 1L << 20, 1L << 20 }, new float[0])
                .Node("Add", new[] { "x", "w" }, new[] { "y" }).Output("y").Build();
            SingleError(model, "MVC0013");
        }

        [Fact]
        public void MVC0013_ArenaBeyondTheLimitAndTheMetadataThatRaisesIt()
        {
            // Two [1,64,256,256] tensors live at once: 32 MiB of scratch.
            var model = new OnnxBuilder().Input("x", 1, 64, 256, 256)
                .Node("Relu", new[] { "x" }, new[] { "a" }).Node("Sigmoid", new[] { "a" }, new[] { "b" }).Node("Add", new[] { "a", "b" }, new[] { "y" })
                .Output("y").Build();
            var options = Options();
            options.MaxArenaMegabytes = "16";
            Assert.Contains("MaxArenaMegabytes", SingleError(model, "MVC0013", options).Message);
            options.MaxArenaMegabytes = "64";
            Assert.Empty(ModelCompiler.Compile(model, options).Diagnostics);
        }

        [Fact]
        public void MVC0013_TensorBeyondTheLimit()
        {
            var model = new OnnxBuilder().Input("x", 1, 64, 1024, 1024).Node("Relu", new[] { "x" }, new[] { "y" }).Output("y").Build();
            var options = Options();
            options.MaxTensorMegabytes = "128";
            SingleError(model, "MVC0013", options);
        }

        [Fact]
        public void MVC0014_InvalidLimitMetadata()
        {
            var options = Options();
            options.MaxArenaMegabytes = "lots";
            Assert.Contains("MaxArenaMegabytes", SingleError(Relu().Build(), "MVC0014", options).Message);
        }

        [Theory]
        [InlineData("1Model", "")]
        [InlineData("Model", "My..Space")]
        public void MVC0014_InvalidNames(string className, string ns)
        {
            var options = Options();
            options.ClassName = className;
            options.Namespace = ns;
            SingleError(Relu().Build(), "MVC0014", options);
        }

        [Fact]
        public void MVC0010_IntegerGraphOutput()
        {
            var model = new OnnxBuilder().Input("x", 1, 3, 4, 4).Node("Shape", new[] { "x" }, new[] { "shape" }, "shape_of_x").Output("shape").Build();
            Assert.Contains("'shape'", SingleError(model, "MVC0010").Message);
        }

        [Fact]
        public void MVC0015_EmptyInputDimension()
        {
            var model = new OnnxBuilder().Input("x", 1, 0, 4).Node("Relu", new[] { "x" }, new[] { "y" }).Output("y").Build();
            var message = SingleError(model, "MVC0015").Message;
            Assert.Contains("'x'", message);
            Assert.Contains("axis 1", message);
        }

        [Fact]
        public void EveryCatalogueEntryIsUniqueAndDocumented()
        {
            var ids = DiagnosticCatalog.All.Select(d => d.Id).ToArray();
            Assert.Equal(ids.Length, ids.Distinct().Count());
            Assert.All(DiagnosticCatalog.All, d =>
            {
                Assert.Matches("^MVC[0-9]{4}$", d.Id);
                Assert.False(string.IsNullOrWhiteSpace(d.Help));
                Assert.Contains("{0}", d.MessageFormat);
            });
        }
    }
}
