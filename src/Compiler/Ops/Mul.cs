using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Mul, broadcasting.</summary>
    public sealed class Mul : BinaryOperator
    {
        public override string OpType => "Mul";

        protected override string Kind => "Mul";

        protected override double Compute(double a, double b) => a * b;
    }
}
