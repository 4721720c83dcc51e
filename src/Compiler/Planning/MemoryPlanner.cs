using System;
using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;

namespace MobileViT.Compiler.Planning
{
    /// <summary>
    /// Plans every run-time tensor's memory once, at compile time. Aliases (Reshape and friends) share their input's
    /// storage; graph inputs and outputs live in the caller's spans; everything else gets an offset in one arena,
    /// reused as soon as a tensor's last reader has run (greedy placement, largest first, 64-byte aligned).
    /// </summary>
    public static class MemoryPlanner
    {
        private const int Alignment = 16;

        public static MemoryPlan Plan(Graph graph)
        {
            // Views: a tensor whose elements are a contiguous run of another's shares its storage ("root") at an offset.
            var root = new Dictionary<Tensor, (Tensor Root, int Offset)>();
            Tensor Root(Tensor t) => root.TryGetValue(t, out var r) ? r.Root : t;
            int OffsetInRoot(Tensor t) => root.TryGetValue(t, out var r) ? r.Offset : 0;
            var aliased = new HashSet<Node>();

            foreach (var node in graph.Nodes)
            {
                var views = ViewsOf(node);
                if (views == null) continue;
                foreach (var (output, input, offset) in views)
                    root[output] = (Root(input), OffsetInRoot(input) + offset);
                aliased.Add(node);
            }

            // Lifetimes of each storage root, in node positions (inclusive). Graph outputs live to the end.
            var first = new Dictionary<Tensor, int>();
            var last = new Dictionary<Tensor, int>();
            void Touch(Tensor t, int position)
            {
                var r = Root(t);
                if (!first.ContainsKey(r) || first[r] > position) first[r] = position;
                if (!last.ContainsKey(r) || last[r] < position) last[r] = position;
            }
            for (int i = 0; i < graph.Nodes.Count; i++)
            {
                foreach (var input in graph.Nodes[i].ReadTensors()) if (!input.IsConstant) Touch(input, i);
                foreach (var output in graph.Nodes[i].Outputs) Touch(output, i);
            }
            foreach (var output in graph.Outputs) if (!output.IsConstant) Touch(output, graph.Nodes.Count);

            var locations = new Dictionary<Tensor, TensorLocation>();
            for (int i = 0; i < graph.Inputs.Count; i++)
                locations[graph.Inputs[i]] = new TensorLocation(LocationKind.Input, i, 0, (int)graph.Inputs[i].ElementCount);
            for (int i = 0; i < graph.Outputs.Count; i++)
            {
                var output = graph.Outputs[i];
                var r = Root(output);
                bool wholeRoot = OffsetInRoot(output) == 0 && r.ElementCount == output.ElementCount;
                if (r.IsConstant || r.IsGraphInput || locations.ContainsKey(r) || !wholeRoot) continue; // copied into the output at the end
                locations[r] = new TensorLocation(LocationKind.Output, i, 0, (int)r.ElementCount);
            }

            // Padded channel planes for the arena tensors that only convolutions write and read (PlanePadding).
            var excluded = new HashSet<Tensor>(root.Keys.Concat(root.Values.Select(v => v.Root)).Concat(locations.Keys));
            foreach (var output in graph.Outputs) excluded.Add(output);
            var channelStrides = PlanePadding.Choose(graph, excluded);

            // Largest first, each at the lowest offset free during its whole lifetime. Placed blocks are indexed by
            // time bucket so a query only looks at blocks alive around the same steps (linear for long graphs).
            const int bucketWidth = 32;
            var placed = new List<(int Offset, int Length, int First, int Last)>();
            var buckets = new List<int>[graph.Nodes.Count / bucketWidth + 2];
            var seen = new List<int>();
            var stamp = new int[0];
            int arena = 0, query = 0;
            foreach (var r in first.Keys.Where(t => !locations.ContainsKey(t)).OrderByDescending(t => t.ElementCount).ThenBy(t => first[t]))
            {
                channelStrides.TryGetValue(r, out int channelStride);
                int length = channelStride > 0 ? r.Shape[1] * channelStride : (int)r.ElementCount, from = first[r], to = last[r];
                query++;
                seen.Clear();
                for (int b = from / bucketWidth; b <= to / bucketWidth; b++)
                {
                    if (buckets[b] == null) continue;
                    foreach (var index in buckets[b])
                    {
                        if (stamp[index] == query) continue;
                        stamp[index] = query;
                        var block = placed[index];
                        if (block.First <= to && from <= block.Last) seen.Add(index);
                    }
                }
                int offset = 0;
                foreach (var index in seen.OrderBy(i => placed[i].Offset))
                {
                    var block = placed[index];
                    if (offset + length <= block.Offset) break;
                    offset = Math.Max(offset, Align(block.Offset + block.Length));
                }
                placed.Add((offset, length, from, to));
                if (stamp.Length < placed.Count) Array.Resize(ref stamp, Math.Max(16, placed.Count * 2));
                for (int b = from / bucketWidth; b <= to / bucketWidth; b++)
                    (buckets[b] ??= new List<int>()).Add(placed.Count - 1);
                locations[r] = new TensorLocation(LocationKind.Arena, 0, offset, length, channelStride);
                arena = Math.Max(arena, offset + length);
            }

            foreach (var pair in root)
            {
                if (locations.TryGetValue(pair.Value.Root, out var location))
                    locations[pair.Key] = new TensorLocation(location.Kind, location.Index, location.Offset + pair.Value.Offset, (int)pair.Key.ElementCount);
            }

            // Peak of simultaneously live floats: a sweep over lifetime starts and ends.
            var change = new long[graph.Nodes.Count + 2];
            foreach (var t in first.Keys)
            {
                change[first[t]] += t.ElementCount;
                change[last[t] + 1] -= t.ElementCount;
            }
            long peak = 0, live = 0;
            foreach (var delta in change)
            {
                live += delta;
                peak = Math.Max(peak, live);
            }
            return new MemoryPlan(locations, arena, peak, aliased);
        }

        /// <summary>
        /// The outputs of <paramref name="node"/> that are views of its input (output, input, element offset), or null
        /// when the node must run: aliases, and copies whose every output is one contiguous run of the input.
        /// </summary>
        internal static List<(Tensor Output, Tensor Input, int Offset)>? ViewsOf(Node node)
        {
            var input = node.Inputs.Count > 0 ? node.Inputs[0] : null;
            if (input == null || input.IsConstant || node.Residual != null) return null;
            if (node.Op.IsAlias) return new List<(Tensor, Tensor, int)> { (node.Outputs[0], input, 0) };
            if (!(node.Op is CopyOperator) || !(node.Lowering is List<CopyPart> parts) || parts.Count != node.Outputs.Count) return null;
            var views = new List<(Tensor, Tensor, int)>();
            foreach (var part in parts)
            {
                if (part.InputIndex != 0 || part.DestinationOffset != 0) return null;
                CopyEmitter.Simplify(part.Shape, part.SourceStrides, part.DestinationStrides, out var dims, out var sourceStrides, out var destinationStrides);
                var output = node.Outputs[part.OutputIndex];
                if (dims.Count != 1 || sourceStrides[0] != 1 || destinationStrides[0] != 1 || dims[0] != output.ElementCount) return null;
                views.Add((output, input, part.SourceOffset));
            }
            return views;
        }

        private static int Align(int value) => (value + Alignment - 1) / Alignment * Alignment;
    }
}
