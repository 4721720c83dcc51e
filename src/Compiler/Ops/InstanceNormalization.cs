using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX InstanceNormalization (PyTorch exports GroupNorm(1 group) through it).</summary>
    public sealed class InstanceNormalization : OperatorDefinition
    {
        public override string OpType => "InstanceNormalization";

        public override void Infer(Node node, InferenceContext context)
        {
            var x = RequireInput(node, 0, context);
            if (x.Rank < 3) throw context.ShapeError(node, "the input needs spatial axes");
            for (int i = 1; i <= 2; i++)
                if (RequireInput(node, i, context).ElementCount != x.Shape[1]) throw context.ShapeError(node, $"input {i} needs {x.Shape[1]} values");
            SetOutput(node, 0, x.Shape, ElementType.Float32);
        }

        public override void Emit(Node node, EmitContext context)
        {
            var x = node.Inputs[0]!;
            float epsilon = node.Attributes.GetFloat("epsilon", 1e-5f);
            context.Body.Line($"{EmitContext.Runtime}InstanceNormF32.Run({context.Read(x)}, {context.Read(node.Inputs[1]!)}, {context.Read(node.Inputs[2]!)}, {context.Write(node.Outputs[0])}, " +
                              $"{x.Shape[0]}, {x.Shape[1]}, {ShapeMath.Product(x.Shape, 2, x.Rank)}, {CSharpLiteral.Float(epsilon)});");
        }
    }
}
