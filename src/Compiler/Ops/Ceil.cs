using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Ceil.</summary>
    public sealed class Ceil : UnaryOperator
    {
        public override string OpType => "Ceil";

        public override string Kind => "Ceil";

        protected override bool Folds => true;

        protected override double Compute(double x, Node node) => System.Math.Ceiling(x);
    }
}
