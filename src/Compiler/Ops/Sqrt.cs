using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Sqrt.</summary>
    public sealed class Sqrt : UnaryOperator
    {
        public override string OpType => "Sqrt";

        public override string Kind => "Sqrt";

        protected override bool Folds => true;

        protected override double Compute(double x, Node node) => System.Math.Sqrt(x);
    }
}
