using System.Linq;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;

namespace MobileViT.Compiler.Passes
{
    /// <summary>
    /// Conv1x1 (+ activation) → Conv1x1 (+ residual, activation), where the second alone reads the first: one
    /// <see cref="PointwisePairConv"/> step (RepViT's channel mixers, convolutional FFNs), so the runtime can run both
    /// products in channel blocks with one layout change in and one out. Only where that form can run: whole blocks of
    /// 8 input channels, whole groups of 16 hidden and output channels, planes of 100 pixels or more
    /// (MobileViT.Runtime.PointwisePairF32.Blocks); other pairs stay two steps. The hidden tensor stays as the step's workspace.
    /// </summary>
    public static class FusePointwisePair
    {
        private static readonly PointwisePairConv Operator = new PointwisePairConv();

        /// <summary>MobileViT.Runtime.PointwisePairF32.MinPixels.</summary>
        private const int MinPixels = 100;

        public static void Run(Graph graph)
        {
            foreach (var second in graph.Nodes.ToArray())
            {
                if (!graph.Contains(second) || !(second.Op is Conv) || !(second.Lowering is SpatialGeometry s) || !GraphRewriter.IsPointwise(s, second)) continue;
                var hidden = second.Inputs[0]!;
                var first = hidden.Producer;
                if (first == null || !(first.Op is Conv) || !(first.Lowering is SpatialGeometry f) || !GraphRewriter.IsPointwise(f, first)) continue;
                if (!GraphRewriter.HasSingleUse(hidden) || first.Residual != null) continue;
                if (f.OutChannels != s.InChannels || f.Batch != s.Batch || f.OutHeight != s.InHeight || f.OutWidth != s.InWidth) continue;
                if (f.InChannels % 8 != 0 || f.OutChannels % 16 != 0 || s.OutChannels % 16 != 0 || f.InHeight * f.InWidth < MinPixels) continue;

                GraphRewriter.FuseConvPair(graph, first, second, Operator, new PointwisePairLowering(f, s, first.Activation));
            }
        }
    }
}
