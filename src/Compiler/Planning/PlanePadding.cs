using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;

namespace MobileViT.Compiler.Planning
{
    /// <summary>
    /// Chooses the activations whose channel planes are stored further apart than back to back, for two reasons.
    /// A plane of a multiple of 4 KiB (32×32, 64×64, 128×128) puts the same row of every channel in the same L1
    /// sets, and from 64 KiB on the same L2 sets, so a pointwise convolution, which reads and writes dozens of channels at
    /// one pixel, evicts its own panels: the same step on 127×127 ran 7–18 % faster per pixel than on 128×128. One cache
    /// line between planes spreads them over the sets again.
    /// A plane that is not a whole number of cache lines (14×14: 196 floats) starts every channel but the first mid-line,
    /// so each vector a GEMM tile loads from it straddles two lines: planes rounded up to whole lines (208 floats) made
    /// 192 → 384 and 384 → 192 on 14×14 0.89–0.93 of the time on an Intel Xeon. Planes where the rounding would add more
    /// than an eighth (7×7: 49 → 64) stay as they are.
    /// Only tensors written and read by convolutions alone take the padding (every convolution kernel takes channel
    /// strides, MobileViT.Runtime.Conv2dGeometry); a residual keeps its convolution's output layout.
    /// </summary>
    internal static class PlanePadding
    {
        /// <summary>Floats in one 64-byte line: the gap between aliasing planes, and the unit planes are rounded up to.</summary>
        public const int PadFloats = 16;

        /// <summary>Planes of this many floats (4 KiB) or a multiple alias in the caches.</summary>
        private const int AliasingPlane = 1024;

        /// <summary>The channel stride (floats) of every padded tensor; <paramref name="excluded"/> never are (views, graph inputs and outputs).</summary>
        public static Dictionary<Tensor, int> Choose(Graph graph, ISet<Tensor> excluded)
        {
            var padded = new HashSet<Tensor>();
            foreach (var node in graph.Nodes)
            {
                if (TakesPaddedPlanes(node) && PaddedStride(node.Outputs[0]) > 0 && !excluded.Contains(node.Outputs[0]))
                    padded.Add(node.Outputs[0]);
                // A fused pair's workspace, the first convolution's output where the two run one after the other (with
                // AVX-512, MobileViT-XS's 64 → 32 → 128 on 128×128): written and read by the step alone.
                if (node.Op is ConvPairOperator && node.Outputs.Count > 1 && node.Outputs[1] is { } workspace
                    && PaddedStride(workspace) > 0 && !excluded.Contains(workspace))
                    padded.Add(workspace);
            }
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
            return padded.ToDictionary(t => t, PaddedStride);
        }

        /// <summary>
        /// The channel stride a [1, C, H, W] float tensor gets, in floats, or 0 to stay contiguous: a 4 KiB multiple one
        /// line more; a plane of a fraction of a line rounded up to whole lines (one more where that is a 4 KiB multiple)
        /// when that adds at most an eighth.
        /// </summary>
        internal static int PaddedStride(Tensor t)
        {
            if (t.Type != ElementType.Float32 || t.Rank != 4 || t.Shape[0] != 1) return 0;
            long plane = (long)t.Shape[2] * t.Shape[3];
            long stride = plane;
            if (plane % PadFloats != 0)
            {
                stride = (plane + PadFloats - 1) / PadFloats * PadFloats;
                if (8 * (stride - plane) > plane) return 0;
            }
            if (stride >= AliasingPlane && stride % AliasingPlane == 0) stride += PadFloats;
            return stride == plane || (long)t.Shape[1] * stride >= int.MaxValue ? 0 : (int)stride;
        }

        /// <summary>Whether a padded tensor's stride is the gap between 4 KiB-multiple planes (not a rounding up to whole lines).</summary>
        internal static bool SeparatesAliasingPlanes(Tensor t, int channelStride)
            => (long)t.Shape[2] * t.Shape[3] % AliasingPlane == 0 && channelStride == t.Shape[2] * t.Shape[3] + PadFloats;

        /// <summary>
        /// Convolutions: every runtime convolution path takes channel strides (MobileViT.Runtime.Conv2dGeometry), and so
        /// do an expansion run with its depthwise convolution and a pair of pointwise convolutions (and their workspace,
        /// Outputs[1]).
        /// </summary>
        internal static bool TakesPaddedPlanes(Node node)
            => (node.Op is Conv && node.Lowering is SpatialGeometry || node.Op is ConvPairOperator)
               && node.Inputs.Count > 0 && node.Inputs[0] != null;
    }
}
