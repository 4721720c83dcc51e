using System.Linq;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Passes
{
    /// <summary>
    /// Add(Conv/Linear(...), r) → the Conv/Linear adds r in its epilogue (MV2 and transformer skip connections), when r
    /// has the output's shape and is computed before the producer runs.
    /// </summary>
    public static class FuseResidual
    {
        public static void Run(Graph graph)
        {
            foreach (var add in graph.Nodes.ToArray())
            {
                if (!(add.Op is Ops.Add) || add.Inputs.Count != 2 || !graph.Contains(add)) continue;
                var output = add.Outputs[0];
                foreach (var side in new[] { 0, 1 })
                {
                    var produced = add.Inputs[side]!;
                    var residual = add.Inputs[1 - side]!;
                    var producer = produced.Producer;
                    if (producer == null || !GraphRewriter.IsLinear(producer) || !GraphRewriter.HasSingleUse(produced)) continue;
                    if (!producer.Activation.IsNone || producer.Residual != null || residual.IsConstant) continue;
                    if (!ShapeMath.SameShape(produced.Shape, output.Shape) || !ShapeMath.SameShape(residual.Shape, output.Shape)) continue;
                    var residualProducer = residual.Producer;
                    if (residualProducer != null && residualProducer.Index > producer.Index) continue;
                    add.Inputs[1 - side] = null;
                    residual.Consumers.Remove(add);
                    producer.Residual = residual;
                    residual.Consumers.Add(producer);
                    GraphRewriter.Absorb(graph, producer, add);
                    break;
                }
            }
        }
    }
}
