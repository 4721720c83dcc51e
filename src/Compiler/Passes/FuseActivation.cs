using System.Linq;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;

namespace MobileViT.Compiler.Passes
{
    /// <summary>An activation right after a Conv/Linear runs in that kernel's epilogue instead of as its own pass over memory.</summary>
    public static class FuseActivation
    {
        public static void Run(Graph graph)
        {
            foreach (var activation in graph.Nodes.ToArray())
            {
                if (!(activation.Op is UnaryOperator unary) || !graph.Contains(activation)) continue;
                string? kind = unary.ActivationKind;
                if (activation.Op is Gelu && Gelu.IsTanh(activation)) kind = "GeluTanh";
                if (kind == null) continue;
                var input = activation.Inputs[0];
                var producer = input?.Producer;
                if (producer == null || !GraphRewriter.IsLinear(producer) || !GraphRewriter.HasSingleUse(input!) || !producer.Activation.IsNone) continue;
                producer.Activation = new FusedActivation(kind, unary.Alpha(activation), unary.Beta(activation));
                GraphRewriter.Absorb(graph, producer, activation);
            }
        }
    }
}
