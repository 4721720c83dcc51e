using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Reciprocal.</summary>
    public sealed class Reciprocal : UnaryOperator
    {
        public override string OpType => "Reciprocal";

        public override string Kind => "Reciprocal";

        protected override bool Folds => true;

        protected override double Compute(double x, Node node) => 1 / x;
    }
}
