using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>x·sigmoid(x): not an ONNX operator; the pass that recognizes Sigmoid·Mul produces it.</summary>
    public sealed class SiLU : UnaryOperator
    {
        public override string OpType => "SiLU";

        public override string Kind => "SiLU";

        public override string? ActivationKind => "SiLU";
    }
}
