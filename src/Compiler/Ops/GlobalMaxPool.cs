using System.Linq;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX GlobalMaxPool: the largest value of each channel plane, as a max-reduction over the spatial axes.</summary>
    public sealed class GlobalMaxPool : OperatorDefinition
    {
        public override string OpType => "GlobalMaxPool";

        public override void Infer(Node node, InferenceContext context)
        {
            var x = RequireInput(node, 0, context);
            if (x.Rank < 3) throw context.ShapeError(node, "the input needs spatial axes");
            SetOutput(node, 0, x.Shape.Select((d, i) => i < 2 ? d : 1).ToArray(), ElementType.Float32);
        }

        public override void Emit(Node node, EmitContext context)
        {
            var x = node.Inputs[0]!;
            context.Body.Line($"{EmitContext.Runtime}ReduceF32.Run({EmitContext.Runtime}ReduceKind.Max, {context.Read(x)}, {context.Write(node.Outputs[0])}, " +
                              $"{x.Shape[0] * x.Shape[1]}, {ShapeMath.Product(x.Shape, 2, x.Rank)}, 1);");
        }
    }
}
