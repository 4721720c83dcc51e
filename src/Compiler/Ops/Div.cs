using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Div, broadcasting.</summary>
    public sealed class Div : BinaryOperator
    {
        public override string OpType => "Div";

        protected override string Kind => "Div";

        protected override double Compute(double a, double b) => a / b;
    }
}
