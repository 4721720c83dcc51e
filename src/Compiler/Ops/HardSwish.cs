using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX HardSwish.</summary>
    public sealed class HardSwish : UnaryOperator
    {
        public override string OpType => "HardSwish";

        public override string Kind => "HardSwish";

        public override string? ActivationKind => "HardSwish";
    }
}
