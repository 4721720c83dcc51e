using System.Linq;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Passes
{
    /// <summary>Removes nodes whose results are folded to constants or never used.</summary>
    public static class DeadCodeElimination
    {
        public static void Run(Graph graph)
        {
            var nodes = graph.Nodes.ToArray();
            for (int i = nodes.Length - 1; i >= 0; i--)
            {
                var node = nodes[i];
                bool folded = node.Outputs.All(o => o.Constant != null);
                bool unused = node.Outputs.All(o => o.Consumers.Count == 0 && !o.IsGraphOutput);
                if (folded || unused)
                {
                    graph.Remove(node);
                    foreach (var output in node.Outputs) output.Producer = null;
                }
            }
        }
    }
}
