using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Tanh.</summary>
    public sealed class Tanh : UnaryOperator
    {
        public override string OpType => "Tanh";

        public override string Kind => "Tanh";

        public override string? ActivationKind => "Tanh";

        protected override bool Folds => true;

        protected override double Compute(double x, Node node) => System.Math.Tanh(x);
    }
}
