using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Exp.</summary>
    public sealed class Exp : UnaryOperator
    {
        public override string OpType => "Exp";

        public override string Kind => "Exp";

        protected override bool Folds => true;

        protected override double Compute(double x, Node node) => System.Math.Exp(x);
    }
}
