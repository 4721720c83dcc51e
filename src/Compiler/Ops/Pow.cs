using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Pow, broadcasting.</summary>
    public sealed class Pow : BinaryOperator
    {
        public override string OpType => "Pow";

        protected override string Kind => "Pow";

        protected override double Compute(double a, double b) => System.Math.Pow(a, b);
    }
}
