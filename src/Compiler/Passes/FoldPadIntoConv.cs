using System.Linq;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;

namespace MobileViT.Compiler.Passes
{
    /// <summary>
    /// A zero Pad of the spatial axes whose only reader is a 2-D Conv becomes that Conv's own padding: TensorFlow-style
    /// "same" convolutions (timm's Conv2dSame, tf2onnx, nn.ZeroPad2d before a strided conv) then read the unpadded
    /// tensor in place instead of a padded copy of it. The Conv's output size is unchanged.
    /// </summary>
    public static class FoldPadIntoConv
    {
        public static void Run(Graph graph)
        {
            var context = GraphRewriter.InferenceContextFor(graph);
            foreach (var pad in graph.Nodes.ToArray())
            {
                if (!graph.Contains(pad) || !(pad.Op is Pad) || pad.Inputs[0] == null) continue;
                var conv = GraphRewriter.SoleConsumer(pad.Outputs[0]);
                if (conv == null || !(conv.Op is Conv) || conv.Inputs[0] != pad.Outputs[0] || !(conv.Lowering is SpatialGeometry geometry)) continue;
                var x = pad.Inputs[0]!;
                if (x.Rank != 4 || Pad.Mode(pad) != "constant" || Pad.Value(pad) != 0f) continue;
                var pads = Pad.Pads(pad, 4, context);
                // Batch and channels untouched; spatial pads non-negative (a crop is not a padding).
                if (pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0 || pads.Any(p => p < 0)) continue;
                int top = geometry.PadTop + (int)pads[2], left = geometry.PadLeft + (int)pads[3];
                int bottom = geometry.PadBottom + (int)pads[6], right = geometry.PadRight + (int)pads[7];
                // Keep every padding smaller than the window, as convolutions are exported: each output then reads input.
                int extentHeight = geometry.DilationHeight * (geometry.KernelHeight - 1) + 1;
                int extentWidth = geometry.DilationWidth * (geometry.KernelWidth - 1) + 1;
                if (top >= extentHeight || bottom >= extentHeight || left >= extentWidth || right >= extentWidth) continue;

                geometry.PadTop = top;
                geometry.PadLeft = left;
                geometry.PadBottom = bottom;
                geometry.PadRight = right;
                geometry.InHeight = x.Shape[2];
                geometry.InWidth = x.Shape[3];
                conv.Inputs[0] = x;
                x.Consumers.Add(conv);
                pad.Outputs[0].Consumers.Remove(conv);
                foreach (var name in pad.SourceNames)
                    if (!conv.SourceNames.Contains(name)) conv.SourceNames.Add(name);
                graph.Remove(pad);
            }
        }
    }
}
