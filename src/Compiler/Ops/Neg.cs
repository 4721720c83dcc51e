using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Neg.</summary>
    public sealed class Neg : UnaryOperator
    {
        public override string OpType => "Neg";

        public override string Kind => "Neg";

        protected override bool Folds => true;

        protected override double Compute(double x, Node node) => -x;
    }
}
