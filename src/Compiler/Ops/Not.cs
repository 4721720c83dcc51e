using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Not: compile-time constants only.</summary>
    public sealed class Not : OperatorDefinition
    {
        public override string OpType => "Not";

        public override string Notes => "compile-time constants only";

        public override void Infer(Node node, InferenceContext context)
        {
            var x = RequireConstant(node, 0, context, "the operand");
            var ints = new long[x.Length];
            for (int i = 0; i < ints.Length; i++) ints[i] = x[i] == 0 ? 1 : 0;
            SetConstantOutput(node, 0, ConstantTensor.FromInts(x.Shape, ints, ElementType.Bool));
        }

        public override void Emit(Node node, EmitContext context) => throw new System.InvalidOperationException("Not has no run-time form");
    }
}
