using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Softplus.</summary>
    public sealed class Softplus : UnaryOperator
    {
        public override string OpType => "Softplus";

        public override string Kind => "Softplus";
    }
}
