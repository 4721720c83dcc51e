using System.Linq;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;

namespace MobileViT.Compiler.Passes
{
    /// <summary>MatMul(x, W) + b with constant W and a per-column constant b → one GEMM with a bias epilogue (nn.Linear on 3-D input).</summary>
    public static class FuseLinearBias
    {
        public static void Run(Graph graph)
        {
            foreach (var matmul in graph.Nodes.ToArray())
            {
                if (!graph.Contains(matmul)) continue;
                if (!(matmul.Op is MatMul) || !(matmul.Lowering is MatMulLowering { ConstantB: not null, Bias: null } lowering)) continue;
                var add = GraphRewriter.SoleConsumer(matmul.Outputs[0]);
                if (add == null || !(add.Op is Add)) continue;
                var bias = add.Inputs[0] == matmul.Outputs[0] ? add.Inputs[1] : add.Inputs[0];
                if (bias?.Constant == null || bias.ElementCount != lowering.N || bias.Shape[bias.Shape.Length - 1] != lowering.N) continue;
                if (!ShapeMath.SameShape(add.Outputs[0].Shape, matmul.Outputs[0].Shape) || !matmul.Activation.IsNone || matmul.Residual != null) continue;
                lowering.Bias = bias.Constant.Reshaped(new[] { lowering.N });
                GraphRewriter.Absorb(graph, matmul, add);
            }
        }
    }
}
