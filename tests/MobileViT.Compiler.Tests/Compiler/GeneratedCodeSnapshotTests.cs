using System;
using System.IO;
using System.Linq;
using MobileViT.Compiler.Api;
using MobileViT.Compiler.Tests.Snapshots;
using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using static MobileViT.Compiler.Tests.Compiler.CompilerTestHelpers;
using Attr = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Compiler.Tests.Compiler
{
    /// <summary>The generated C# compared with committed baselines (MVC_UPDATE_SNAPSHOTS=1 regenerates them).</summary>
    public sealed class GeneratedCodeSnapshotTests
    {
        /// <summary>A miniature MobileViT-like block: conv-BN-SiLU, pointwise conv + residual, unfold, LayerNorm, linear + ReLU.</summary>
        internal static byte[] MiniatureBlock()
        {
            var random = new Random(7);
            float[] Values(int count, float scale = 0.5f) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();
            float[] Positive(int count) => Enumerable.Range(0, count).Select(_ => 0.5f + (float)random.NextDouble()).ToArray();
            return new OnnxBuilder(17)
                .Input("x", 1, 4, 4, 4)
                .Initializer("w1", new long[] { 4, 4, 3, 3 }, Values(144))
                .Initializer("b1", new long[] { 4 }, Values(4))
                .Initializer("gamma", new long[] { 4 }, Positive(4))
                .Initializer("beta", new long[] { 4 }, Values(4))
                .Initializer("mean", new long[] { 4 }, Values(4))
                .Initializer("var", new long[] { 4 }, Positive(4))
                .Initializer("w2", new long[] { 4, 4, 1, 1 }, Values(16))
                .IntInitializer("shape", new long[] { 3 }, new long[] { 1, 4, 16 })
                .Initializer("ln_scale", new long[] { 4 }, Positive(4))
                .Initializer("ln_bias", new long[] { 4 }, Values(4))
                .Initializer("w3", new long[] { 4, 8 }, Values(32))
                .Initializer("b3", new long[] { 8 }, Values(8))
                .Node("Conv", new[] { "x", "w1", "b1" }, new[] { "c1" }, "conv_1", "", Attr.Ints("pads", 1, 1, 1, 1), Attr.Ints("kernel_shape", 3, 3))
                .Node("BatchNormalization", new[] { "c1", "gamma", "beta", "mean", "var" }, new[] { "bn1" }, "bn_1")
                .Node("Sigmoid", new[] { "bn1" }, new[] { "s1" }, "sigmoid_1")
                .Node("Mul", new[] { "bn1", "s1" }, new[] { "a1" }, "mul_1")
                .Node("Conv", new[] { "a1", "w2" }, new[] { "c2" }, "conv_2")
                .Node("Add", new[] { "c2", "x" }, new[] { "r1" }, "add_residual")
                .Node("Reshape", new[] { "r1", "shape" }, new[] { "flat" }, "reshape_1")
                .Node("Transpose", new[] { "flat" }, new[] { "tokens" }, "transpose_1", "", Attr.Ints("perm", 0, 2, 1))
                .Node("LayerNormalization", new[] { "tokens", "ln_scale", "ln_bias" }, new[] { "ln" }, "layer_norm", "", Attr.Int("axis", -1), Attr.Float("epsilon", 1e-5f))
                .Node("MatMul", new[] { "ln", "w3" }, new[] { "mm" }, "linear_matmul")
                .Node("Add", new[] { "mm", "b3" }, new[] { "lin" }, "linear_add")
                .Node("Relu", new[] { "lin" }, new[] { "y" }, "relu")
                .Output("y")
                .Build();
        }

        [Fact]
        public void MiniatureBlock_GeneratedCode()
        {
            var result = ModelCompiler.Compile(MiniatureBlock(), Options("miniature.onnx"));
            Assert.Empty(result.Diagnostics);
            SnapshotAssert.Matches(result.Source!, "MiniatureBlock");
        }

        [Fact]
        public void MobileViTXXS_GeneratedCode()
        {
            const string file = "mobilevit_v1_xxs_opset13.onnx";
            var options = Options(file);
            options.ClassName = "MobileViTXXS";
            options.Namespace = "App";
            var result = ModelCompiler.Compile(File.ReadAllBytes(ModelPath(file)), options);
            Assert.Empty(result.Diagnostics);
            SnapshotAssert.Matches(result.Source!, "MobileViTXXS");
        }

        [Fact]
        public void GenerationIsDeterministicAcrossRunsAndCultures()
        {
            var bytes = File.ReadAllBytes(ModelPath("mobilevit_v1_xxs_opset17.onnx"));
            var first = ModelCompiler.Compile(bytes, Options()).Source;
            var original = System.Globalization.CultureInfo.CurrentCulture;
            try
            {
                foreach (var culture in new[] { "tr-TR", "de-DE", "ar-SA" })
                {
                    System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo(culture);
                    System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.CurrentCulture;
                    Assert.Equal(first, ModelCompiler.Compile(bytes, Options()).Source);
                }
            }
            finally
            {
                System.Globalization.CultureInfo.CurrentCulture = original;
                System.Globalization.CultureInfo.CurrentUICulture = original;
            }
        }
    }
}
