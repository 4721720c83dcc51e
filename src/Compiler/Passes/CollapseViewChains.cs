using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;

namespace MobileViT.Compiler.Passes
{
    /// <summary>
    /// MobileViT's unfold ([B,C,H,W] → Reshape → Transpose → Reshape → Transpose → Reshape → [B·P,N,C]) and fold are
    /// chains of views and permutations. Each maximal chain is composed at compile time into one index mapping —
    /// a single strided copy over the input's refined axes — or into nothing at all when the composition keeps the
    /// element order (then the output simply aliases the input).
    /// </summary>
    public static class CollapseViewChains
    {
        private static readonly IndexMapping Mapping = new IndexMapping();
        private static readonly Reshape ReshapeOperator = new Reshape();

        public static void Run(Graph graph)
        {
            foreach (var start in graph.Nodes.ToArray())
            {
                if (!graph.Contains(start) || !IsChainLink(start)) continue;
                var input = start.Inputs[0]!;
                if (input.Producer != null && IsChainLink(input.Producer) && GraphRewriter.HasSingleUse(input)) continue; // not the chain's first node
                var chain = new List<Node> { start };
                while (true)
                {
                    var output = chain[chain.Count - 1].Outputs[0];
                    var next = GraphRewriter.SoleConsumer(output);
                    if (next == null || !IsChainLink(next) || next.Inputs[0] != output) break;
                    chain.Add(next);
                }
                if (chain.Count(n => n.Op is Transpose) == 0 || chain.Count == 1) continue;
                var view = View.Contiguous(input.Shape);
                bool composed = true;
                foreach (var node in chain)
                {
                    composed = node.Op is Transpose
                        ? view.Permute(Transpose.Permutation(node, view.Rank))
                        : view.Reshape(node.Outputs[0].Shape);
                    if (!composed) break;
                }
                if (!composed) continue;
                Replace(graph, chain, input, view);
            }
        }

        private static bool IsChainLink(Node node) =>
            node.Inputs.Count > 0 && node.Inputs[0] != null && !node.Inputs[0]!.IsConstant && node.Residual == null &&
            (node.Op is Transpose || (node.Op.IsAlias && !(node.Op is Cast)));

        private static void Replace(Graph graph, List<Node> chain, Tensor input, View view)
        {
            var last = chain[chain.Count - 1];
            var output = last.Outputs[0];
            var (shape, sourceStrides) = view.Flatten();
            bool identity = sourceStrides.SequenceEqual(ShapeMath.Strides(shape));
            var node = GraphRewriter.NewNode(chain[0].Name, identity ? (OperatorDefinition)ReshapeOperator : Mapping, Attributes.Empty);
            foreach (var link in chain.Skip(1)) node.SourceNames.Add(link.Name);
            GraphRewriter.Connect(node, input);
            if (!identity)
                node.Lowering = new List<CopyPart> { new CopyPart(0, 0, 0, 0, shape, sourceStrides, ShapeMath.Strides(shape)) };
            node.Outputs.Add(output);
            output.Producer = node;
            graph.Replace(chain[0], node);
            foreach (var link in chain) graph.Remove(link);
        }

        /// <summary>A tensor seen as dims, each a list of (size, stride) factors over the chain's input memory.</summary>
        private sealed class View
        {
            private List<List<(int Size, int Stride)>> _dims = new List<List<(int, int)>>();

            public int Rank => _dims.Count;

            public static View Contiguous(int[] shape)
            {
                var view = new View();
                var strides = ShapeMath.Strides(shape);
                for (int i = 0; i < shape.Length; i++)
                    view._dims.Add(shape[i] == 1 ? new List<(int, int)>() : new List<(int, int)> { (shape[i], strides[i]) });
                return view;
            }

            public bool Permute(int[] perm)
            {
                if (perm.Length != _dims.Count) return false;
                _dims = perm.Select(p => _dims[p]).ToList();
                return true;
            }

            /// <summary>Regroups the factors into the target dims, splitting a factor where a dim ends inside it.</summary>
            public bool Reshape(int[] target)
            {
                var queue = new Queue<(int Size, int Stride)>(_dims.SelectMany(d => d));
                var dims = new List<List<(int, int)>>();
                foreach (var size in target)
                {
                    var factors = new List<(int, int)>();
                    long remaining = size;
                    while (remaining > 1)
                    {
                        if (queue.Count == 0) return false;
                        var (s, stride) = queue.Peek();
                        if (remaining % s == 0)
                        {
                            queue.Dequeue();
                            factors.Add((s, stride));
                            remaining /= s;
                        }
                        else if (s % remaining == 0)
                        {
                            queue.Dequeue();
                            int inner = (int)(s / remaining);
                            factors.Add(((int)remaining, stride * inner));
                            var rest = new Queue<(int, int)>();
                            rest.Enqueue((inner, stride));
                            foreach (var f in queue) rest.Enqueue(f);
                            queue = rest;
                            remaining = 1;
                        }
                        else return false;
                    }
                    dims.Add(factors);
                }
                if (queue.Count != 0) return false;
                _dims = dims;
                return true;
            }

            public (int[] Shape, int[] Strides) Flatten()
            {
                var factors = _dims.SelectMany(d => d).ToList();
                if (factors.Count == 0) return (new[] { 1 }, new[] { 1 });
                return (factors.Select(f => f.Size).ToArray(), factors.Select(f => f.Stride).ToArray());
            }
        }
    }
}
