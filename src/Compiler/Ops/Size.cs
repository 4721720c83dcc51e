using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Size: always a compile-time constant.</summary>
    public sealed class Size : OperatorDefinition
    {
        public override string OpType => "Size";

        public override void Infer(Node node, InferenceContext context)
        {
            var x = RequireInput(node, 0, context);
            SetConstantOutput(node, 0, ConstantTensor.FromInts(new int[0], new[] { x.ElementCount }));
        }

        public override void Emit(Node node, EmitContext context) => throw new System.InvalidOperationException("Size always folds");
    }
}
