using System;
using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Ir;

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
            var root = new Dictionary<Tensor, Tensor>();
            Tensor Root(Tensor t) => root.TryGetValue(t, out var r) ? r : t;

            foreach (var node in graph.Nodes)
            {
                var input = node.Inputs.Count > 0 ? node.Inputs[0] : null;
                if (node.Op.IsAlias && input != null && !input.IsConstant && node.Residual == null)
                    root[node.Outputs[0]] = Root(input);
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
                var r = Root(graph.Outputs[i]);
                if (r.IsConstant || r.IsGraphInput || locations.ContainsKey(r)) continue; // copied into the output at the end
                locations[r] = new TensorLocation(LocationKind.Output, i, 0, (int)r.ElementCount);
            }

            var placed = new List<(int Offset, int Length, int First, int Last)>();
            int arena = 0;
            foreach (var r in first.Keys.Where(t => !locations.ContainsKey(t)).OrderByDescending(t => t.ElementCount).ThenBy(t => first[t]))
            {
                int length = (int)r.ElementCount;
                int offset = 0;
                foreach (var block in placed.Where(b => b.First <= last[r] && first[r] <= b.Last).OrderBy(b => b.Offset))
                {
                    if (offset + length <= block.Offset) break;
                    offset = Math.Max(offset, Align(block.Offset + block.Length));
                }
                placed.Add((offset, length, first[r], last[r]));
                locations[r] = new TensorLocation(LocationKind.Arena, 0, offset, length);
                arena = Math.Max(arena, offset + length);
            }

            foreach (var pair in root)
            {
                if (locations.TryGetValue(pair.Value, out var location))
                    locations[pair.Key] = new TensorLocation(location.Kind, location.Index, location.Offset, location.Length);
            }

            long peak = 0;
            for (int i = 0; i <= graph.Nodes.Count; i++)
            {
                long live = first.Keys.Where(t => first[t] <= i && i <= last[t]).Sum(t => t.ElementCount);
                peak = Math.Max(peak, live);
            }
            return new MemoryPlan(locations, arena, peak);
        }

        private static int Align(int value) => (value + Alignment - 1) / Alignment * Alignment;
    }
}
