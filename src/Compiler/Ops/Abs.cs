using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Abs.</summary>
    public sealed class Abs : UnaryOperator
    {
        public override string OpType => "Abs";

        public override string Kind => "Abs";

        protected override bool Folds => true;

        protected override double Compute(double x, Node node) => System.Math.Abs(x);
    }
}
