using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Sigmoid.</summary>
    public sealed class Sigmoid : UnaryOperator
    {
        public override string OpType => "Sigmoid";

        public override string Kind => "Sigmoid";

        public override string? ActivationKind => "Sigmoid";

        public override string Notes => "Sigmoid·Mul is recognized as SiLU";

        protected override bool Folds => true;

        protected override double Compute(double x, Node node) => 1 / (1 + System.Math.Exp(-x));
    }
}
