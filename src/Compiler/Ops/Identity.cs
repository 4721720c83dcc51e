using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Identity.</summary>
    public sealed class Identity : AliasOperator
    {
        public override string OpType => "Identity";

        protected override int[] OutputShape(Node node, Tensor input, InferenceContext context) => input.Shape;
    }
}
