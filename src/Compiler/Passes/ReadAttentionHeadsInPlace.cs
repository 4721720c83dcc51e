using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;
using MobileViT.Compiler.Planning;

namespace MobileViT.Compiler.Passes
{
    /// <summary>
    /// A transformer splits its q/k/v projection into heads ([tokens, 3·heads·d] → Reshape → Transpose → [3, heads,
    /// tokens, d]) before attention and merges the heads back ([heads, tokens, d] → Transpose → Reshape → [tokens,
    /// heads·d]) after it. Once CollapseViewChains has made each of those one index mapping, every head's matrix is still
    /// a block of rows a fixed stride apart in the mapping's other side, which the attention kernel can read or write in
    /// place: the mapping then copies nothing that anyone reads, and is removed. MobileViT-XS spends 3 % of its time in
    /// these copies. Each head is checked element by element, so any exporter's arrangement that is such a block is
    /// taken and any other is left to its mapping.
    /// </summary>
    public static class ReadAttentionHeadsInPlace
    {
        public static void Run(Graph graph)
        {
            // Q, K and V usually come out of one mapping: its table of source indices is made once.
            var tables = new Dictionary<Node, int[]?>();
            foreach (var node in graph.Nodes.ToArray())
            {
                if (!graph.Contains(node) || !(node.Op is Attention) || !(node.Lowering is AttentionLowering p)) continue;
                if (p.QRowStride != p.HeadDim || p.KRowStride != p.HeadDim || p.VRowStride != p.ValueDim) continue; // placed already
                if (TryReadInPlace(node, 0, p.QOffsets, p.Queries, p.HeadDim, tables, out var q)) (p.QOffsets, p.QRowStride) = q;
                if (TryReadInPlace(node, 1, p.KOffsets, p.Keys, p.HeadDim, tables, out var k)) (p.KOffsets, p.KRowStride) = k;
                if (TryReadInPlace(node, 2, p.VOffsets, p.Keys, p.ValueDim, tables, out var v)) (p.VOffsets, p.VRowStride) = v;
                TryWriteInPlace(graph, node, p);
            }
        }

        /// <summary>
        /// Input <paramref name="index"/> read from before its index mapping, when every head is a strided block there.
        /// Between the mapping and the attention there may be views (the Split or Gather that takes q, k and v apart
        /// as contiguous runs of the mapping's output).
        /// </summary>
        private static bool TryReadInPlace(Node node, int index, int[] offsets, int rows, int columns, Dictionary<Node, int[]?> tables,
            out (int[] Offsets, int RowStride) placed)
        {
            placed = default;
            var tensor = node.Inputs[index]!;
            int viewOffset = 0;
            var producer = tensor.Producer;
            var viewed = tensor;
            while (producer != null && !(producer.Op is IndexMapping))
            {
                var view = MemoryPlanner.ViewsOf(producer)?.FirstOrDefault(v => v.Output == viewed);
                if (view?.Input == null) return false;
                viewOffset += view.Value.Offset;
                viewed = view.Value.Input;
                producer = viewed.Producer;
            }
            if (producer == null || !(producer.Lowering is List<CopyPart> { Count: 1 } parts)) return false;
            if (!tables.TryGetValue(producer, out var source)) tables[producer] = source = SourceIndices(parts[0], viewed.ElementCount);
            if (source == null || !TryPlaceHeads(offsets, rows, columns, f => source[viewOffset + f], out placed)) return false;
            tensor.Consumers.Remove(node);
            node.Inputs[index] = producer.Inputs[0];
            producer.Inputs[0]!.Consumers.Add(node);
            return true;
        }

        /// <summary>The output written where the index mapping after it would have copied it, when that mapping is its only reader.</summary>
        private static void TryWriteInPlace(Graph graph, Node node, AttentionLowering p)
        {
            if (p.OutputRowStride != p.ValueDim) return;
            var output = node.Outputs[0];
            var mapping = GraphRewriter.SoleConsumer(output);
            if (mapping == null || !(mapping.Op is IndexMapping) || !(mapping.Lowering is List<CopyPart> { Count: 1 } parts) || mapping.Inputs[0] != output) return;
            var merged = mapping.Outputs[0];
            if (merged.ElementCount != output.ElementCount) return;
            var source = SourceIndices(parts[0], merged.ElementCount);
            if (source == null) return;
            // Where each element of the attention's dense output lands in the mapping's output (a permutation, checked).
            var destination = Enumerable.Repeat(-1, (int)output.ElementCount).ToArray();
            for (int f = 0; f < source.Length; f++)
            {
                if (source[f] < 0 || source[f] >= destination.Length || destination[source[f]] >= 0) return;
                destination[source[f]] = f;
            }
            if (!TryPlaceHeads(p.OutputOffsets, p.Queries, p.ValueDim, f => destination[f], out var placed)) return;
            p.OutputOffsets = placed.Offsets;
            p.OutputRowStride = placed.RowStride;
            GraphRewriter.Absorb(graph, node, mapping);
        }

        /// <summary>
        /// Heads stored densely at <paramref name="offsets"/> (rows × columns each) seen through <paramref name="at"/>:
        /// succeeds when every head is rows of unit-stride columns, one row stride for all heads, rows not overlapping.
        /// </summary>
        private static bool TryPlaceHeads(int[] offsets, int rows, int columns, System.Func<int, int> at, out (int[] Offsets, int RowStride) placed)
        {
            placed = default;
            int rowStride = rows > 1 ? at(offsets[0] + columns) - at(offsets[0]) : columns;
            if (rowStride < columns) return false;
            var moved = new int[offsets.Length];
            for (int h = 0; h < offsets.Length; h++)
            {
                int start = at(offsets[h]);
                for (int r = 0; r < rows; r++)
                    for (int c = 0; c < columns; c++)
                        if (at(offsets[h] + r * columns + c) != start + r * rowStride + c) return false;
                moved[h] = start;
            }
            placed = (moved, rowStride);
            return true;
        }

        /// <summary>For each element of the mapping's output, its index in the mapping's input; null when too large to tabulate.</summary>
        private static int[]? SourceIndices(CopyPart part, long count)
        {
            if (count > int.MaxValue / 2 || part.OutputIndex != 0 || part.DestinationOffset != 0) return null;
            if (!part.DestinationStrides.SequenceEqual(ShapeMath.Strides(part.Shape)) || ShapeMath.Product(part.Shape) != count) return null;
            var indices = new int[count];
            var index = new int[part.Shape.Length];
            for (long n = 0; n < count; n++)
            {
                long s = part.SourceOffset;
                for (int d = 0; d < index.Length; d++) s += (long)index[d] * part.SourceStrides[d];
                indices[n] = (int)s;
                ConstantMath.Increment(index, part.Shape);
            }
            return indices;
        }
    }
}
