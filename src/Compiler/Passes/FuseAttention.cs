using System.Linq;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;

namespace MobileViT.Compiler.Passes
{
    /// <summary>
    /// Scaled dot-product attention, as exporters write it once FoldIntoBatchedMatMul has run: a batched MatMul with
    /// transposed B and alpha (Q·Kᵀ), a Softmax over its last axis, and a batched MatMul of the probabilities by V. The
    /// three become one <see cref="Attention"/> step that runs head by head, so the scores (the largest tensor of a
    /// MobileViT transformer) never leave cache between the three.
    /// </summary>
    public static class FuseAttention
    {
        private static readonly Attention AttentionOperator = new Attention();

        /// <summary>Heads whose scores fit the workspace at once: the most threads one attention step uses.</summary>
        public const int WorkspaceHeads = 4;

        /// <summary>
        /// Floats of one head's scores with rows rounded up to whole 16-float vectors, in either orientation: the size
        /// AttentionF32.PaddedSliceFloats asks for, so its score rows start on cache lines (rows of 196 floats would not).
        /// </summary>
        public static int PaddedSliceFloats(int queries, int keys)
        {
            static int RoundUp(int count) => (count + 15) / 16 * 16;
            return System.Math.Max(keys * RoundUp(queries), queries * RoundUp(keys));
        }

        public static void Run(Graph graph)
        {
            foreach (var softmax in graph.Nodes.ToArray())
            {
                if (!graph.Contains(softmax) || !(softmax.Op is Softmax) || !(softmax.Lowering is int[] shape) || shape[2] != 1) continue;
                var scores = softmax.Inputs[0]!;
                var first = scores.Producer;
                var second = GraphRewriter.SoleConsumer(softmax.Outputs[0]);
                if (first == null || second == null || !GraphRewriter.HasSingleUse(scores)) continue;
                if (!(first.Op is MatMul) || !(first.Lowering is MatMulLowering { ConstantB: null, TransposeA: false, TransposeB: true } qk)) continue;
                if (!(second.Op is MatMul) || !(second.Lowering is MatMulLowering { ConstantB: null, TransposeA: false, TransposeB: false } pv)) continue;
                if (second.Inputs[0] != softmax.Outputs[0] || first.Residual != null || second.Residual != null) continue;
                if (!first.Activation.IsNone || !second.Activation.IsNone || pv.Alpha != 1f) continue;
                int heads = qk.AOffsets.Length;
                if (shape[1] != qk.N || shape[0] != heads * qk.M || pv.AOffsets.Length != heads || pv.M != qk.M || pv.K != qk.N) continue;
                // The probabilities must be read head after head, densely, as the scores are written.
                if (!pv.AOffsets.Select((offset, h) => offset == h * qk.M * qk.N).All(x => x)) continue;

                var node = GraphRewriter.NewNode(second.Name, AttentionOperator, Attributes.Empty);
                node.SourceNames.Clear();
                foreach (var name in first.SourceNames.Concat(softmax.SourceNames).Concat(second.SourceNames))
                    if (!node.SourceNames.Contains(name)) node.SourceNames.Add(name);
                GraphRewriter.Connect(node, first.Inputs[0], first.Inputs[1], second.Inputs[1]);
                node.Lowering = new AttentionLowering
                {
                    Queries = qk.M, Keys = qk.N, HeadDim = qk.K, ValueDim = pv.N, Alpha = qk.Alpha,
                    QOffsets = qk.AOffsets, KOffsets = qk.BOffsets, VOffsets = pv.BOffsets,
                    QRowStride = qk.K, KRowStride = qk.K, VRowStride = pv.N,
                    OutputOffsets = Enumerable.Range(0, heads).Select(h => h * qk.M * pv.N).ToArray(), OutputRowStride = pv.N,
                };
                var output = second.Outputs[0];
                // Scores for a few heads at a time (one per thread that may run heads), not for all of them.
                int slices = System.Math.Min(heads, WorkspaceHeads);
                var workspace = new Tensor(scores.Name + ".workspace", ElementType.Float32, new[] { slices, PaddedSliceFloats(qk.M, qk.N) });
                node.Outputs.Add(output);
                node.Outputs.Add(workspace);
                output.Producer = node;
                workspace.Producer = node;
                scores.Consumers.Clear();
                scores.Producer = null;
                graph.Replace(second, node);
                graph.Remove(first);
                graph.Remove(softmax);
            }
        }
    }
}
