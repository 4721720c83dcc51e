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
                if (expansion == null || !(expansion.Op is Conv) || !(expansion.Lowering is SpatialGeometry e) || !IsPointwise(e, expansion)) continue;
                if (!GraphRewriter.HasSingleUse(expanded) || expansion.Residual != null || !ExpansionActivations.Contains(expansion.Activation.Kind)) continue;
                if (e.OutChannels != d.InChannels || e.OutHeight != d.InHeight || e.OutWidth != d.InWidth) continue;

                var node = GraphRewriter.NewNode(depthwise.Name, Operator, Attributes.Empty);
                node.SourceNames.Clear();
                foreach (var name in expansion.SourceNames.Concat(depthwise.SourceNames))
                    if (!node.SourceNames.Contains(name)) node.SourceNames.Add(name);
                GraphRewriter.Connect(node, expansion.Inputs[0], expansion.Input(1), expansion.Input(2), depthwise.Input(1), depthwise.Input(2));
                node.Lowering = new ExpandedDepthwiseLowering(e, d, expansion.Activation);
                node.Activation = depthwise.Activation;
                if (depthwise.Residual != null)
                {
                    node.Residual = depthwise.Residual;
                    depthwise.Residual.Consumers.Add(node);
                }
                var output = depthwise.Outputs[0];
                node.Outputs.Add(output);
                node.Outputs.Add(expanded);
                output.Producer = node;
                expanded.Producer = node;
                expanded.Consumers.Clear();
                graph.Replace(depthwise, node);
                graph.Remove(expansion);
            }
        }

        private static bool IsDepthwise(SpatialGeometry g, Node conv) =>
            conv.Inputs[0]!.Rank == 4 && g.Groups == g.InChannels && g.InChannels == g.OutChannels && g.Groups > 1;

        private static bool IsPointwise(SpatialGeometry g, Node conv) =>
            conv.Inputs[0]!.Rank == 4 && g.KernelHeight == 1 && g.KernelWidth == 1 && g.StrideHeight == 1 && g.StrideWidth == 1 && g.Groups == 1
            && g.PadTop == 0 && g.PadLeft == 0 && g.PadBottom == 0 && g.PadRight == 0 && g.OutHeight == g.InHeight && g.OutWidth == g.InWidth;
    }
}
