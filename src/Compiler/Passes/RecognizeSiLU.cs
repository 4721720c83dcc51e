using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;

namespace MobileViT.Compiler.Passes
{
    /// <summary>Mul(x, Sigmoid(x)) → SiLU(x): how exporters write Swish, the activation MobileViT uses everywhere.</summary>
    public static class RecognizeSiLU
    {
        private static readonly SiLU SiLUOperator = new SiLU();

        public static void Run(Graph graph)
        {
            foreach (var mul in graph.Nodes.ToArray())
            {
                if (!(mul.Op is Mul) || mul.Inputs.Count != 2) continue;
                for (int side = 0; side < 2; side++)
                {
                    var sigmoidOutput = mul.Inputs[side];
                    var x = mul.Inputs[1 - side];
                    var sigmoid = sigmoidOutput?.Producer;
                    if (sigmoid == null || !(sigmoid.Op is Sigmoid) || sigmoid.Inputs[0] != x || !GraphRewriter.HasSingleUse(sigmoidOutput!)) continue;
                    if (x == null || !ShapeMath.SameShape(x.Shape, mul.Outputs[0].Shape)) continue;
                    var silu = GraphRewriter.NewNode(sigmoid.Name, SiLUOperator, Attributes.Empty);
                    silu.SourceNames.Add(mul.Name);
                    GraphRewriter.Connect(silu, x);
                    silu.Outputs.Add(mul.Outputs[0]);
                    mul.Outputs[0].Producer = silu;
                    GraphRewriter.InsertBefore(graph, mul, silu);
                    graph.Remove(mul);
                    graph.Remove(sigmoid);
                    break;
                }
            }
        }
    }
}
