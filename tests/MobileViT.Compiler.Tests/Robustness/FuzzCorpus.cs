using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Tests.Compiler;
using MobileViT.Compiler.Tests.TestModels;
using Attr = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Compiler.Tests.Robustness
{
    /// <summary>Small valid models whose mutations reach every part of the compiler quickly.</summary>
    internal static class FuzzCorpus
    {
        public static IReadOnlyList<(string Name, byte[] Bytes, string? InputShape)> Seeds { get; } = new List<(string, byte[], string?)>
        {
            ("miniature-block", GeneratedCodeSnapshotTests.MiniatureBlock(), null),
            ("shape-arithmetic", ShapeArithmetic(), "2x4x6"),
            ("resize-concat-split", ResizeConcatSplit(), null),
            ("pool-gemm-softmax", PoolGemmSoftmax(), null),
            ("decoder-ops", DecoderOps(), null),
            ("einsum", EinsumProducts(), null),
            ("opset-9-forms", Opset9Forms(), null),
            ("functions", NestedFunctions(), null),
        };

        /// <summary>The exporter's dynamic reshape: Shape → Gather → Unsqueeze → Concat → Reshape, then Expand and Slice.</summary>
        private static byte[] ShapeArithmetic() => new OnnxBuilder(13)
            .Input("x", "batch", 4, 6)
            .IntInitializer("zero", new long[0], new long[] { 0 })
            .IntInitializer("axes", new long[] { 1 }, new long[] { 0 })
            .IntInitializer("rest", new long[] { 1 }, new long[] { 24 })
            .IntInitializer("starts", new long[] { 1 }, new long[] { 1 })
            .IntInitializer("ends", new long[] { 1 }, new long[] { 5 })
            .IntInitializer("slice_axes", new long[] { 1 }, new long[] { 2 })
            .Node("Shape", new[] { "x" }, new[] { "s" })
            .Node("Gather", new[] { "s", "zero" }, new[] { "b" }, Attr.Int("axis", 0))
            .Node("Unsqueeze", new[] { "b", "axes" }, new[] { "b1" })
            .Node("Concat", new[] { "b1", "rest" }, new[] { "shape" }, Attr.Int("axis", 0))
            .Node("Reshape", new[] { "x", "shape" }, new[] { "flat" })
            .Node("Expand", new[] { "x", "s" }, new[] { "e" })
            .Node("Slice", new[] { "e", "starts", "ends", "slice_axes" }, new[] { "sl" })
            .Node("Relu", new[] { "flat" }, new[] { "y" })
            .Output("y").Output("sl").Build();

        private static byte[] ResizeConcatSplit() => new OnnxBuilder(17)
            .Input("x", 1, 4, 7, 7)
            .IntInitializer("sizes", new long[] { 4 }, new long[] { 1, 4, 8, 8 })
            .IntInitializer("split", new long[] { 2 }, new long[] { 3, 5 })
            .Node("Resize", new[] { "x", "", "", "sizes" }, new[] { "r" }, Attr.String("mode", "linear"), Attr.String("coordinate_transformation_mode", "half_pixel"))
            .Node("Concat", new[] { "r", "r" }, new[] { "c" }, Attr.Int("axis", 1))
            .Node("Split", new[] { "c", "split" }, new[] { "a", "b" }, Attr.Int("axis", 1))
            .Node("Transpose", new[] { "b" }, new[] { "t" }, Attr.Ints("perm", 0, 2, 3, 1))
            .Output("a").Output("t").Build();

        /// <summary>A strided ConvTranspose (expanded into phases) with BatchNorm and ReLU after it, then the operators added with it.</summary>
        private static byte[] DecoderOps() => new OnnxBuilder(17)
            .Input("x", 1, 4, 5, 6)
            .Initializer("w", new long[] { 4, 3, 3, 3 }, Enumerable.Range(0, 108).Select(i => (i % 9 - 4) * 0.05f).ToArray())
            .Initializer("scale", new long[] { 3 }, new[] { 1.1f, 0.9f, 1.3f })
            .Initializer("shift", new long[] { 3 }, new[] { 0.1f, -0.1f, 0f })
            .Initializer("mean", new long[] { 3 }, new[] { 0.2f, 0f, -0.2f })
            .Initializer("var", new long[] { 3 }, new[] { 1f, 0.5f, 2f })
            .Initializer("slope", new long[] { 3, 1, 1 }, new[] { 0.1f, 0.2f, 0.3f })
            .IntInitializer("repeats", new long[] { 4 }, new long[] { 1, 2, 1, 1 })
            .Node("ConvTranspose", new[] { "x", "w" }, new[] { "u" }, Attr.Ints("strides", 2, 2), Attr.Ints("pads", 1, 1, 1, 1), Attr.Ints("output_padding", 1, 0))
            .Node("BatchNormalization", new[] { "u", "scale", "shift", "mean", "var" }, new[] { "n" })
            .Node("Relu", new[] { "n" }, new[] { "r" })
            .Node("PRelu", new[] { "r", "slope" }, new[] { "p" })
            .Node("Sum", new[] { "r", "p", "r" }, new[] { "s" })
            .Node("Tile", new[] { "s", "repeats" }, new[] { "t" })
            .Node("GlobalMaxPool", new[] { "t" }, new[] { "g" })
            .Node("LogSoftmax", new[] { "t" }, new[] { "y" }, Attr.Int("axis", 1))
            .Output("y").Output("g").Build();

        /// <summary>Keras-style attention products as Einsum: a projection with a constant kernel, then scores.</summary>
        private static byte[] EinsumProducts() => new OnnxBuilder(12)
            .Input("x", 1, 2, 4, 6)
            .Initializer("kernel", new long[] { 6, 2, 3 }, Enumerable.Range(0, 36).Select(i => (i % 5 - 2) * 0.1f).ToArray())
            .Node("Einsum", new[] { "x", "kernel" }, new[] { "q" }, Attr.String("equation", "abcd,dhe->abche"))
            .Node("Einsum", new[] { "q", "q" }, new[] { "s" }, Attr.String("equation", "abche,abkhe->abhck"))
            .Node("Einsum", new[] { "s" }, new[] { "y" }, Attr.String("equation", "...ck->...c"))
            .Output("y").Build();

        /// <summary>Opset 9's attribute forms: Clip's bounds, Slice's starts and ends, Upsample's scales input.</summary>
        private static byte[] Opset9Forms() => new OnnxBuilder(9)
            .Input("x", 1, 2, 4, 6)
            .Initializer("scales", new long[] { 4 }, new[] { 1f, 1f, 2f, 1f })
            .Node("Clip", new[] { "x" }, new[] { "c" }, Attr.Float("min", 0f), Attr.Float("max", 6f))
            .Node("Slice", new[] { "c" }, new[] { "t" }, Attr.Ints("starts", 0, 1), Attr.Ints("ends", 3, 5), Attr.Ints("axes", 2, 3))
            .Node("Upsample", new[] { "t", "scales" }, new[] { "y" }, Attr.String("mode", "nearest"))
            .Output("y").Build();

        /// <summary>A function calling another, with attribute references and a default, called twice.</summary>
        private static byte[] NestedFunctions() => new OnnxBuilder(17).Opset("local", 1)
            .Function("local", "ConvAct", new[] { "x", "w" }, new[] { "y" }, new[] { "alpha", "pads" }, body => body
                    .Node("Conv", new[] { "x", "w" }, new[] { "c" }, "conv", "", Attr.Ref("pads", "pads", 7))
                    .Node("LeakyRelu", new[] { "c" }, new[] { "y" }, "act", "", Attr.Ref("alpha", "alpha", 1)),
                Attr.Float("alpha", 0.2f))
            .Function("local", "Block", new[] { "x", "w" }, new[] { "y" }, new string[0], body => body
                .Node("ConvAct", new[] { "x", "w" }, new[] { "a" }, "first", "local", Attr.Float("alpha", 0.01f), Attr.Ints("pads", 1, 1, 1, 1))
                .Node("Add", new[] { "x", "a" }, new[] { "y" }, "residual"))
            .Input("x", 1, 2, 5, 5)
            .Initializer("w", new long[] { 2, 2, 3, 3 }, Enumerable.Range(0, 36).Select(i => (i % 7 - 3) * 0.1f).ToArray())
            .Node("Block", new[] { "x", "w" }, new[] { "h" }, "block1", "local")
            .Node("Block", new[] { "h", "w" }, new[] { "y" }, "block2", "local")
            .Output("y").Build();

        private static byte[] PoolGemmSoftmax() => new OnnxBuilder(13)
            .Input("x", 1, 8, 5, 5)
            .Initializer("w", new long[] { 10, 8 }, Enumerable.Range(0, 80).Select(i => (i % 7 - 3) * 0.1f).ToArray())
            .Initializer("b", new long[] { 10 }, Enumerable.Range(0, 10).Select(i => i * 0.01f).ToArray())
            .Node("MaxPool", new[] { "x" }, new[] { "p" }, Attr.Ints("kernel_shape", 3, 3), Attr.Ints("pads", 1, 1, 1, 1))
            .Node("GlobalAveragePool", new[] { "p" }, new[] { "g" })
            .Node("Flatten", new[] { "g" }, new[] { "f" })
            .Node("Gemm", new[] { "f", "w", "b" }, new[] { "logits" }, Attr.Int("transB", 1))
            .Node("Softmax", new[] { "logits" }, new[] { "y" }, Attr.Int("axis", 1))
            .Output("y").Build();
    }
}
