using System.Linq;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;

namespace MobileViT.Compiler.Passes
{
    /// <summary>
    /// Conv1x1 (+ activation) → depthwise Conv, where the depthwise Conv alone reads the expansion: one
    /// <see cref="ExpandedDepthwiseConv"/> step, so the runtime can expand straight into the depthwise convolution's
    /// channel blocks (MobileNetV2/V3's inverted residual blocks). The expanded tensor stays as the step's workspace.
    /// </summary>
    public static class FuseExpansionIntoDepthwise
    {
        private static readonly ExpandedDepthwiseConv Operator = new ExpandedDepthwiseConv();

        /// <summary>The activations the runtime's one pass applies in the expansion's registers (MobileViT.Runtime.DepthwiseChannelBlocks.FusesExpansionActivation).</summary>
        private static readonly string[] ExpansionActivations = { "None", "Relu", "Clip", "HardSwish" };

        public static void Run(Graph graph)
        {
            foreach (var depthwise in graph.Nodes.ToArray())
            {
                if (!graph.Contains(depthwise) || !(depthwise.Op is Conv) || !(depthwise.Lowering is SpatialGeometry d) || !IsDepthwise(d, depthwise)) continue;
                var expanded = depthwise.Inputs[0]!;
                var expansion = expanded.Producer;
                if (expansion == null || !(expansion.Op is Conv) || !(expansion.Lowering is SpatialGeometry e) || !GraphRewriter.IsPointwise(e, expansion)) continue;
                if (!GraphRewriter.HasSingleUse(expanded) || expansion.Residual != null || !ExpansionActivations.Contains(expansion.Activation.Kind)) continue;
                if (e.OutChannels != d.InChannels || e.OutHeight != d.InHeight || e.OutWidth != d.InWidth) continue;

                GraphRewriter.FuseConvPair(graph, expansion, depthwise, Operator, new ExpandedDepthwiseLowering(e, d, expansion.Activation));
            }
        }

        private static bool IsDepthwise(SpatialGeometry g, Node conv) =>
            conv.Inputs[0]!.Rank == 4 && g.Groups == g.InChannels && g.InChannels == g.OutChannels && g.Groups > 1;

    }
}
