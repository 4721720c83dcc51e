using System.Collections.Generic;
using System.Linq;

namespace MobileViT.Compiler.Ir
{
    /// <summary>The model after import: nodes in topological order over statically shaped tensors.</summary>
    public sealed class Graph
    {
        public Graph(string modelFileName, int opset)
        {
            ModelFileName = modelFileName;
            Opset = opset;
        }

        public string ModelFileName { get; }
        public int Opset { get; }
        private readonly List<Node> _nodes = new List<Node>();
        private bool _hasRemovedNodes;

        /// <summary>Nodes in execution order. Removal only marks nodes, so passes stay linear in the graph's size.</summary>
        public IReadOnlyList<Node> Nodes
        {
            get
            {
                if (_hasRemovedNodes)
                {
                    _nodes.RemoveAll(n => n.IsRemoved);
                    for (int i = 0; i < _nodes.Count; i++) _nodes[i].Index = i;
                    _hasRemovedNodes = false;
                }
                return _nodes;
            }
        }

        public List<Tensor> Inputs { get; } = new List<Tensor>();
        public List<Tensor> Outputs { get; } = new List<Tensor>();

        public void Add(Node node)
        {
            node.Index = _nodes.Count;
            _nodes.Add(node);
        }

        public bool Contains(Node node) => !node.IsRemoved;

        /// <summary>Removes a node, detaching it from its inputs' consumer lists.</summary>
        public void Remove(Node node)
        {
            if (node.IsRemoved) return;
            node.IsRemoved = true;
            _hasRemovedNodes = true;
            foreach (var input in node.ReadTensors()) input.Consumers.Remove(node);
        }

        /// <summary>Puts <paramref name="replacement"/> in <paramref name="old"/>'s place in the execution order and removes <paramref name="old"/>.</summary>
        public void Replace(Node old, Node replacement)
        {
            Remove(old);
            replacement.Index = old.Index;
            _nodes[old.Index] = replacement;
        }

        /// <summary>Puts <paramref name="node"/> right before <paramref name="anchor"/> in the execution order.</summary>
        public void InsertBefore(Node anchor, Node node)
        {
            _ = Nodes; // compacts removed nodes, so anchor.Index is its position in the list
            _nodes.Insert(anchor.Index, node);
            for (int i = anchor.Index; i < _nodes.Count; i++) _nodes[i].Index = i;
        }

        /// <summary>Puts <paramref name="steps"/>, in order, in <paramref name="old"/>'s place and removes <paramref name="old"/>.</summary>
        public void Expand(Node old, IReadOnlyList<Node> steps)
        {
            var position = Nodes.Count > old.Index && _nodes[old.Index] == old ? old.Index : _nodes.IndexOf(old);
            old.IsRemoved = true;
            foreach (var input in old.ReadTensors()) input.Consumers.Remove(old);
            _nodes.RemoveAt(position);
            _nodes.InsertRange(position, steps);
            for (int i = position; i < _nodes.Count; i++) _nodes[i].Index = i;
        }

        /// <summary>Makes every consumer of <paramref name="from"/> read <paramref name="to"/> instead.</summary>
        public void ReplaceUses(Tensor from, Tensor to)
        {
            foreach (var consumer in from.Consumers.ToArray())
            {
                for (int i = 0; i < consumer.Inputs.Count; i++)
                    if (consumer.Inputs[i] == from) consumer.Inputs[i] = to;
                if (consumer.Residual == from) consumer.Residual = to;
                to.Consumers.Add(consumer);
            }
            from.Consumers.Clear();
            for (int i = 0; i < Outputs.Count; i++)
            {
                if (Outputs[i] == from)
                {
                    Outputs[i] = to;
                    to.IsGraphOutput = true;
                }
            }
        }
    }
}
