using System;
using System.IO;
using System.Linq;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Tests.TestModels;
using MobileViT.Tooling;
using Xunit;
using Attribute = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Compiler.Tests.Compiler
{
    /// <summary>
    /// The ways exporters write a transformer's attention all become one fused attention step, and compute it right.
    /// Each model projects x [2, 10, 8] to Q, K and V (two heads of 4), splits the heads with Reshape and Transpose, and
    /// writes the scaled Q·Kᵀ, softmax and ·V as a given exporter does; its output is checked against attention computed
    /// in double precision here.
    /// </summary>
    public sealed class AttentionPatternTests
    {
        private const int Batch = 2, Tokens = 10, Heads = 2, HeadSize = 4, Width = Heads * HeadSize;

        public enum Style
        {
            /// <summary>ml-cvnets and timm without fused attention: Q·scale, then Q @ K.transpose(-2, -1).</summary>
            ScaledQuery,
            /// <summary>HuggingFace transformers: Q @ Kᵀ with the heads' permute and K's transpose merged into one
            /// Transpose (perm 0, 2, 3, 1), then the scores divided by √d.</summary>
            DividedScores,
            /// <summary>The same with the scores multiplied by 1/√d.</summary>
            MultipliedScores,
            /// <summary>PyTorch 2's export of scaled_dot_product_attention: Q and Kᵀ each multiplied by d^-1/4.</summary>
            BothOperandsScaled,
        }

        private static byte[] Model(Style style)
        {
            var builder = new OnnxBuilder(17).Input("x", Batch, Tokens, Width).Output("y")
                .IntInitializer("heads_shape", new long[] { 4 }, new long[] { Batch, Tokens, Heads, HeadSize })
                .IntInitializer("merged_shape", new long[] { 3 }, new long[] { Batch, Tokens, Width });
            foreach (var (name, seed) in new[] { ("wq", 1), ("wk", 2), ("wv", 3) })
                builder.Initializer(name, new long[] { Width, Width }, Values(Width * Width, seed));
            foreach (var name in new[] { "q", "k", "v" })
                builder.Node("MatMul", new[] { "x", "w" + name }, new[] { name + "_flat" })
                       .Node("Reshape", new[] { name + "_flat", "heads_shape" }, new[] { name + "_split" });
            builder.Node("Transpose", new[] { "q_split" }, new[] { "q" }, Attribute.Ints("perm", 0, 2, 1, 3))
                   .Node("Transpose", new[] { "v_split" }, new[] { "v" }, Attribute.Ints("perm", 0, 2, 1, 3));
            float scale = 1f / MathF.Sqrt(HeadSize);
            switch (style)
            {
                case Style.ScaledQuery:
                    builder.Initializer("scale", Array.Empty<long>(), new[] { scale })
                        .Node("Mul", new[] { "q", "scale" }, new[] { "q_scaled" })
                        .Node("Transpose", new[] { "k_split" }, new[] { "k" }, Attribute.Ints("perm", 0, 2, 1, 3))
                        .Node("Transpose", new[] { "k" }, new[] { "k_t" }, Attribute.Ints("perm", 0, 1, 3, 2))
                        .Node("MatMul", new[] { "q_scaled", "k_t" }, new[] { "scores" });
                    break;
                case Style.DividedScores:
                case Style.MultipliedScores:
                    bool divide = style == Style.DividedScores;
                    builder.Initializer("scale", Array.Empty<long>(), new[] { divide ? MathF.Sqrt(HeadSize) : scale })
                        .Node("Transpose", new[] { "k_split" }, new[] { "k_t" }, Attribute.Ints("perm", 0, 2, 3, 1))
                        .Node("MatMul", new[] { "q", "k_t" }, new[] { "raw_scores" })
                        .Node(divide ? "Div" : "Mul", new[] { "raw_scores", "scale" }, new[] { "scores" });
                    break;
                case Style.BothOperandsScaled:
                    builder.Initializer("root_scale", new long[] { 1 }, new[] { MathF.Sqrt(scale) })
                        .Node("Transpose", new[] { "k_split" }, new[] { "k" }, Attribute.Ints("perm", 0, 2, 1, 3))
                        .Node("Transpose", new[] { "k" }, new[] { "k_t" }, Attribute.Ints("perm", 0, 1, 3, 2))
                        .Node("Mul", new[] { "q", "root_scale" }, new[] { "q_scaled" })
                        .Node("Mul", new[] { "k_t", "root_scale" }, new[] { "k_t_scaled" })
                        .Node("MatMul", new[] { "q_scaled", "k_t_scaled" }, new[] { "scores" });
                    break;
            }
            builder.Node("Softmax", new[] { "scores" }, new[] { "probabilities" }, Attribute.Int("axis", -1))
                   .Node("MatMul", new[] { "probabilities", "v" }, new[] { "context" })
                   .Node("Transpose", new[] { "context" }, new[] { "context_tokens" }, Attribute.Ints("perm", 0, 2, 1, 3))
                   .Node("Reshape", new[] { "context_tokens", "merged_shape" }, new[] { "y" });
            return builder.Build();
        }

        private static float[] Values(int count, int seed)
        {
            var random = new Random(seed);
            return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        }

        /// <summary>softmax(Q·Kᵀ/√d)·V per batch item and head, in double precision, from the same weights.</summary>
        private static float[] Reference(float[] x)
        {
            double[] Project(float[] w)
            {
                var result = new double[Batch * Tokens * Width];
                for (int t = 0; t < Batch * Tokens; t++)
                    for (int o = 0; o < Width; o++)
                        for (int i = 0; i < Width; i++) result[t * Width + o] += (double)x[t * Width + i] * w[i * Width + o];
                return result;
            }
            double[] q = Project(Values(Width * Width, 1)), k = Project(Values(Width * Width, 2)), v = Project(Values(Width * Width, 3));
            var y = new float[Batch * Tokens * Width];
            for (int b = 0; b < Batch; b++)
                for (int h = 0; h < Heads; h++)
                    for (int i = 0; i < Tokens; i++)
                    {
                        var scores = new double[Tokens];
                        for (int j = 0; j < Tokens; j++)
                        {
                            for (int d = 0; d < HeadSize; d++)
                                scores[j] += q[(b * Tokens + i) * Width + h * HeadSize + d] * k[(b * Tokens + j) * Width + h * HeadSize + d];
                            scores[j] /= Math.Sqrt(HeadSize);
                        }
                        double max = scores.Max(), sum = scores.Sum(s => Math.Exp(s - max));
                        for (int d = 0; d < HeadSize; d++)
                        {
                            double value = 0;
                            for (int j = 0; j < Tokens; j++) value += Math.Exp(scores[j] - max) / sum * v[(b * Tokens + j) * Width + h * HeadSize + d];
                            y[(b * Tokens + i) * Width + h * HeadSize + d] = (float)value;
                        }
                    }
            return y;
        }

        /// <summary>Every exporter style of the enum, so a style added there is tested by every theory over it.</summary>
        public static TheoryData<Style> EveryStyle => new(Enum.GetValues<Style>());

        /// <summary>Compiles the model in process, runs it on x and holds the output to relative L2 1e-5 of expected.</summary>
        private static void AssertRunsClose(byte[] model, float[] x, float[] expected, string what)
        {
            var compiled = InProcessModel.Compile(model);
            Assert.True(compiled.Model != null, string.Join("; ", compiled.Diagnostics));
            using var loaded = compiled.Model!;
            var actual = loaded.Run(new[] { x })[0];
            double error = Math.Sqrt(actual.Zip(expected, (a, e) => (double)(a - e) * (a - e)).Sum() / expected.Sum(e => (double)e * e));
            Assert.True(error < 1e-5, $"{what}: relative L2 error {error:E2}");
        }

        [Theory]
        [MemberData(nameof(EveryStyle))]
        public void EveryExportStyleBecomesOneAttentionStep(Style style)
        {
            var model = Model(style);
            var graph = CompilationPipeline.BuildGraph(model, CompilerTestHelpers.Options());
            var attention = Assert.Single(graph.Nodes, n => n.OpType == "Attention");
            // No scale, softmax or product of two run-time tensors is left beside it (the projections' B is constant).
            Assert.DoesNotContain(graph.Nodes, n => n.OpType is "Softmax" or "Mul" or "Div");
            Assert.DoesNotContain(graph.Nodes, n => n.Lowering is Ops.MatMulLowering { ConstantB: null });
            var lowering = Assert.IsType<Ops.AttentionLowering>(attention.Lowering);
            Assert.Equal(1f / MathF.Sqrt(HeadSize), lowering.Alpha, 6);

            var x = Values(Batch * Tokens * Width, 7);
            AssertRunsClose(model, x, Reference(x), style.ToString());
        }

        /// <summary>
        /// The compiler plans the workspace slice the runtime asks for to pad score rows (it cannot call the runtime, so
        /// the size is written in both): a smaller plan would silently fall back to unpadded rows.
        /// </summary>
        [Fact]
        public void WorkspaceSliceIsTheSizeTheRuntimePadsTo()
        {
            foreach (int queries in new[] { 1, 7, 16, 49, 64, 100, 196, 256, 300 })
                foreach (int keys in new[] { 1, 15, 49, 50, 196, 256 })
                    Assert.Equal(MobileViT.Runtime.AttentionF32.PaddedSliceFloats(queries, keys), Passes.FuseAttention.PaddedSliceFloats(queries, keys));
        }

        /// <summary>
        /// The heads are read where the projections wrote them and written where the merge would have copied them: rows
        /// of Width floats, head h at column h · HeadSize, no index mapping left. (V's heads stay untransposed: a
        /// transposed operand would trade a copy of whole rows for a copy of single numbers.)
        /// </summary>
        [Theory]
        [MemberData(nameof(EveryStyle))]
        public void HeadsAreReadAndWrittenInPlace(Style style)
        {
            var graph = CompilationPipeline.BuildGraph(Model(style), CompilerTestHelpers.Options());
            var attention = Assert.Single(graph.Nodes, n => n.OpType == "Attention");
            Assert.DoesNotContain(graph.Nodes, n => n.OpType is "IndexMapping" or "Transpose");
            Assert.All(attention.Inputs.Take(3), input => Assert.Equal(new[] { Batch, Tokens, Width }, input!.Shape));
            Assert.Equal(new[] { Batch, Tokens, Width }, attention.Outputs[0].Shape);
            var lowering = Assert.IsType<Ops.AttentionLowering>(attention.Lowering);
            Assert.Equal(new[] { Width, Width, Width, Width }, new[] { lowering.QRowStride, lowering.KRowStride, lowering.VRowStride, lowering.OutputRowStride });
            var expected = Enumerable.Range(0, Batch * Heads).Select(i => i / Heads * Tokens * Width + i % Heads * HeadSize).ToArray();
            Assert.Equal(expected, lowering.QOffsets);
            Assert.Equal(expected, lowering.VOffsets);
            Assert.Equal(expected, lowering.OutputOffsets);
        }

        /// <summary>
        /// Heads whose rows are not evenly spaced in the projection (the tokens taken in another order by the split) keep
        /// their index mapping, and the result is still attention over the reordered tokens.
        /// </summary>
        [Fact]
        public void HeadsWithReorderedTokensKeepTheirMapping()
        {
            // Tokens as 2 × 5, swapped to 5 × 2 inside each head: head row n = 2i + j holds token 5j + i.
            var builder = new OnnxBuilder(17).Input("x", Batch, Tokens, Width).Output("y")
                .IntInitializer("split_shape", new long[] { 5 }, new long[] { Batch, 2, Tokens / 2, Heads, HeadSize })
                .IntInitializer("heads_shape", new long[] { 4 }, new long[] { Batch, Heads, Tokens, HeadSize })
                .IntInitializer("merged_shape", new long[] { 3 }, new long[] { Batch, Tokens, Width })
                .Initializer("scale", Array.Empty<long>(), new[] { 1f / MathF.Sqrt(HeadSize) });
            foreach (var (name, seed) in new[] { ("q", 1), ("k", 2), ("v", 3) })
                builder.Initializer("w" + name, new long[] { Width, Width }, Values(Width * Width, seed))
                       .Node("MatMul", new[] { "x", "w" + name }, new[] { name + "_flat" })
                       .Node("Reshape", new[] { name + "_flat", "split_shape" }, new[] { name + "_split" })
                       .Node("Transpose", new[] { name + "_split" }, new[] { name + "_swapped" }, Attribute.Ints("perm", 0, 3, 2, 1, 4))
                       .Node("Reshape", new[] { name + "_swapped", "heads_shape" }, new[] { name });
            var model = builder
                .Node("Mul", new[] { "q", "scale" }, new[] { "q_scaled" })
                .Node("Transpose", new[] { "k" }, new[] { "k_t" }, Attribute.Ints("perm", 0, 1, 3, 2))
                .Node("MatMul", new[] { "q_scaled", "k_t" }, new[] { "scores" })
                .Node("Softmax", new[] { "scores" }, new[] { "probabilities" }, Attribute.Int("axis", -1))
                .Node("MatMul", new[] { "probabilities", "v" }, new[] { "context" })
                .Node("Transpose", new[] { "context" }, new[] { "context_tokens" }, Attribute.Ints("perm", 0, 2, 1, 3))
                .Node("Reshape", new[] { "context_tokens", "merged_shape" }, new[] { "y" })
                .Build();

            var graph = CompilationPipeline.BuildGraph(model, CompilerTestHelpers.Options());
            var attention = Assert.Single(graph.Nodes, n => n.OpType == "Attention");
            var lowering = Assert.IsType<Ops.AttentionLowering>(attention.Lowering);
            Assert.Equal(HeadSize, lowering.QRowStride);
            Assert.Equal(HeadSize, lowering.VRowStride);
            Assert.Contains(graph.Nodes, n => n.OpType == "IndexMapping");

            var x = Values(Batch * Tokens * Width, 7);
            // Attention treats tokens alike, so its rows come out in the heads' order: row 2i + j is token 5j + i's.
            var reference = Reference(x);
            var expected = new float[reference.Length];
            for (int b = 0; b < Batch; b++)
                for (int n = 0; n < Tokens; n++)
                    Array.Copy(reference, (b * Tokens + n % 2 * (Tokens / 2) + n / 2) * Width, expected, (b * Tokens + n) * Width, Width);
            AssertRunsClose(model, x, expected, "reordered tokens");
        }
    }
}
