using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;

namespace MobileViT.Compiler.Planning
{
    /// <summary>
    /// Chooses the activations whose channel planes are stored <see cref="PadFloats"/> floats apart instead of back to
    /// back. A plane of a multiple of 4 KiB (32×32, 64×64, 128×128) puts the same row of every channel in the same L1
    /// sets, and from 64 KiB on the same L2 sets, so a pointwise convolution, which reads and writes dozens of channels at
    /// one pixel, evicts its own panels: the same step on 127×127 ran 7–18 % faster per pixel than on 128×128. One cache
    /// line between planes spreads them over the sets again.
    /// Only tensors written and read by convolutions alone take the padding (every convolution kernel takes channel
    /// strides, MobileViT.Runtime.Conv2dGeometry); a residual keeps its convolution's output layout.
    /// </summary>
    internal static class PlanePadding
    {
        /// <summary>Floats between padded planes: one 64-byte line.</summary>
        public const int PadFloats = 16;

        /// <summary>Planes of this many floats (4 KiB) or a multiple alias in the caches.</summary>
        private const int AliasingPlane = 1024;

        /// <summary>The channel stride (floats) of every padded tensor; <paramref name="excluded"/> never are (views, graph inputs and outputs).</summary>
        public static Dictionary<Tensor, int> Choose(Graph graph, ISet<Tensor> excluded)
        {
            var padded = new HashSet<Tensor>();
            foreach (var node in graph.Nodes)
                if (TakesPaddedPlanes(node) && Aliases(node.Outputs[0]) && !excluded.Contains(node.Outputs[0]))
                    padded.Add(node.Outputs[0]);
            foreach (var node in graph.Nodes)
                foreach (var read in node.ReadTensors())
                    if (padded.Contains(read) && !(TakesPaddedPlanes(node) && (node.Inputs[0] == read || node.Residual == read)))
                        padded.Remove(read);
            // A residual is read with its output's strides: both padded or neither, until nothing changes.
            bool changed = true;
            while (changed)
            {
                changed = false;
                foreach (var node in graph.Nodes)
                {
                    if (node.Residual == null || !TakesPaddedPlanes(node)) continue;
                    var output = node.Outputs[0];
                    if (padded.Contains(node.Residual) != padded.Contains(output))
                        changed |= padded.Remove(node.Residual) | padded.Remove(output);
                }
            }
            return padded.ToDictionary(t => t, t => t.Shape[2] * t.Shape[3] + PadFloats);
        }

        /// <summary>[1, C, H, W] float with H·W a multiple of 4 KiB.</summary>
        private static bool Aliases(Tensor t)
        {
            if (t.Type != ElementType.Float32 || t.Rank != 4 || t.Shape[0] != 1) return false;
            long plane = (long)t.Shape[2] * t.Shape[3];
            return plane >= AliasingPlane && plane % AliasingPlane == 0 && t.ElementCount + (long)t.Shape[1] * PadFloats < int.MaxValue;
        }

        /// <summary>Convolutions: every runtime convolution path takes channel strides (MobileViT.Runtime.Conv2dGeometry).</summary>
        internal static bool TakesPaddedPlanes(Node node)
            => node.Op is Conv && node.Lowering is SpatialGeometry && node.Inputs.Count > 0 && node.Inputs[0] != null;
    }
}
