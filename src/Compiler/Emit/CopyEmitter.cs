using System.Collections.Generic;
using System.Linq;
using System.Globalization;

namespace MobileViT.Compiler.Emit
{
    /// <summary>
    /// Emits a fixed-shape index mapping (transpose, slice, concat part, expand, unfold/fold): contiguous runs as nested
    /// loops with constant bounds copying with Span.CopyTo; element-wise permutations as a call of the runtime's tiled
    /// StridedCopyF32 with the constant shape and strides.
    /// </summary>
    public static class CopyEmitter
    {
        public static void StridedCopy(EmitContext context, string source, int sourceOffset, string destination, int destinationOffset,
                                       int[] shape, int[] sourceStrides, int[] destinationStrides)
        {
            var w = context.Body;
            Simplify(shape, sourceStrides, destinationStrides, out var dims, out var sStrides, out var dStrides);
            if (UsesStridedCopyKernel(dims, sStrides, dStrides))
            {
                long sourceSpan = 1, destinationSpan = 1;
                for (int d = 0; d < dims.Count; d++)
                {
                    sourceSpan += (long)(dims[d] - 1) * sStrides[d];
                    destinationSpan += (long)(dims[d] - 1) * dStrides[d];
                }
                // The kernel checks the spans are long enough, so a copy starting at the tensor's first float needs no slice.
                string from = sourceOffset == 0 ? source : $"{source}.Slice({I(sourceOffset)}, {sourceSpan.ToString(CultureInfo.InvariantCulture)})";
                string to = destinationOffset == 0 ? destination : $"{destination}.Slice({I(destinationOffset)}, {destinationSpan.ToString(CultureInfo.InvariantCulture)})";
                w.Line($"global::MobileViT.Runtime.StridedCopyF32.Run({from}, {to}, " +
                       $"{context.IntSpan(dims.ToArray())}, {context.IntSpan(sStrides.ToArray())}, {context.IntSpan(dStrides.ToArray())});");
                return;
            }
            w.Open("");
            w.Line("var src = " + source + ";");
            w.Line("var dst = " + destination + ";");
            int rank = dims.Count;
            bool contiguousInner = rank > 0 && sStrides[rank - 1] == 1 && dStrides[rank - 1] == 1;
            int loops = contiguousInner ? rank - 1 : rank;
            for (int d = 0; d < loops; d++)
                w.Line($"for (int i{d} = 0; i{d} < {I(dims[d])}; i{d}++)");
            string sIndex = Index(sourceOffset, sStrides, loops);
            string dIndex = Index(destinationOffset, dStrides, loops);
            if (contiguousInner)
                w.Line($"    src.Slice({sIndex}, {I(dims[rank - 1])}).CopyTo(dst.Slice({dIndex}, {I(dims[rank - 1])}));");
            else
                w.Line($"    dst[{dIndex}] = src[{sIndex}];");
            w.Close();
        }

        /// <summary>
        /// Whether the copy goes to the runtime's StridedCopyF32 rather than plain loops: many short contiguous runs (one
        /// call instead of a CopyTo per run), and every transposition, where an axis contiguous in the source is not the
        /// destination's: loops in destination order would read the source far apart (v1's unfold reads one float per
        /// channel plane, each 4 KB apart, so every read lands in the same L1 set; its fold reads one float per token),
        /// while the kernel copies tiles that use whole cache lines on both sides (MobileViT-XS's fold in KernelBenchmarks:
        /// 85 µs as loops, 52 µs tiled). Long contiguous runs stay loops of CopyTo.
        /// </summary>
        private static bool UsesStridedCopyKernel(List<int> dims, List<int> sStrides, List<int> dStrides)
        {
            int inner = dims.Count - 1;
            // The kernel walks forward only: stride 0 (Expand, Pad's edge) and negative strides (Slice's negative steps,
            // Pad's reflection) stay loops.
            if (dims.Count < 2 || dims.Count > 8 || sStrides.Any(s => s <= 0) || dStrides.Any(s => s <= 0) || dStrides[inner] != 1) return false;
            // Many short contiguous runs: one kernel call instead of a CopyTo per run.
            if (sStrides[inner] == 1) return dims[inner] < 128 && dims.Count >= 3;
            return sStrides.Contains(1);
        }

        private static string Index(int offset, List<int> strides, int loops)
        {
            var terms = new List<string>();
            if (offset != 0) terms.Add(I(offset));
            for (int d = 0; d < loops; d++)
            {
                if (strides[d] == 0) continue;
                terms.Add(strides[d] == 1 ? $"i{d}" : $"i{d} * {I(strides[d])}");
            }
            return terms.Count == 0 ? "0" : string.Join(" + ", terms);
        }

        /// <summary>Drops size-1 axes and merges neighbours that are contiguous in both source and destination.</summary>
        public static void Simplify(int[] shape, int[] sourceStrides, int[] destinationStrides, out List<int> dims, out List<int> sStrides, out List<int> dStrides)
        {
            dims = new List<int>();
            sStrides = new List<int>();
            dStrides = new List<int>();
            for (int d = 0; d < shape.Length; d++)
            {
                if (shape[d] == 1) continue;
                int last = dims.Count - 1;
                if (last >= 0 && sStrides[last] == shape[d] * sourceStrides[d] && dStrides[last] == shape[d] * destinationStrides[d])
                {
                    dims[last] *= shape[d];
                    sStrides[last] = sourceStrides[d];
                    dStrides[last] = destinationStrides[d];
                    continue;
                }
                dims.Add(shape[d]);
                sStrides.Add(sourceStrides[d]);
                dStrides.Add(destinationStrides[d]);
            }
            if (dims.Count == 0)
            {
                dims.Add(1);
                sStrides.Add(1);
                dStrides.Add(1);
            }
        }

        private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
