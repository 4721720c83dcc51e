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
        public List<Node> Nodes { get; } = new List<Node>();
        public List<Tensor> Inputs { get; } = new List<Tensor>();
        public List<Tensor> Outputs { get; } = new List<Tensor>();

        /// <summary>Removes a node, detaching it from its inputs' consumer lists.</summary>
        public void Remove(Node node)
        {
            Nodes.Remove(node);
            foreach (var input in node.ReadTensors()) input.Consumers.Remove(node);
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
