using MobileViT.Compiler.Api;
using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using static MobileViT.Compiler.Tests.Compiler.CompilerTestHelpers;
using Attr = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Compiler.Tests.Compiler
{
    /// <summary>InputShapes="...;..." compiles one file for several sizes: one nested class per size.</summary>
    public sealed class MultiScaleTests
    {
        private static byte[] DynamicSizeModel() => new OnnxBuilder(17)
            .Input("x", "batch", 3, "height", "width")
            .Initializer("w", new long[] { 4, 3, 3, 3 }, new float[108])
            .Node("Conv", new[] { "x", "w" }, new[] { "c" }, "conv", "", Attr.Ints("pads", 1, 1, 1, 1), Attr.Ints("strides", 2, 2))
            .Node("GlobalAveragePool", new[] { "c" }, new[] { "y" }, "pool")
            .Output("y").Build();

        [Fact]
        public void OneNestedClassPerSize()
        {
            var options = Options("dynamic.onnx");
            options.InputShapes = "1x3x160x160; 1x3x256x256;2x3x160x224";
            var result = ModelCompiler.Compile(DynamicSizeModel(), options);
            Assert.Empty(result.Diagnostics);
            var source = result.Source!;
            Assert.Contains("public static class S160", source);
            Assert.Contains("public static class S256", source);
            Assert.Contains("public static class B2S160x224", source);
            Assert.Contains("public const int InputLength = 76800;", source);   // 3·160·160
            Assert.Contains("public const int InputLength = 196608;", source);  // 3·256·256
            Assert.Contains("public const int InputLength = 215040;", source);  // 2·3·160·224
        }

        [Fact]
        public void RepeatedOrInvalidShapesAreDiagnosed()
        {
            var options = Options("dynamic.onnx");
            options.InputShapes = "1x3x160x160;1x3x160x160";
            SingleError(DynamicSizeModel(), "MVC0008", options);
            options.InputShapes = "1x3x160x160;1x3";
            SingleError(DynamicSizeModel(), "MVC0008", options);
        }
    }
}
