using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Floor.</summary>
    public sealed class Floor : UnaryOperator
    {
        public override string OpType => "Floor";

        public override string Kind => "Floor";

        protected override bool Folds => true;

        protected override double Compute(double x, Node node) => System.Math.Floor(x);
    }
}
