using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Add, broadcasting.</summary>
    public sealed class Add : BinaryOperator
    {
        public override string OpType => "Add";

        protected override string Kind => "Add";

        protected override double Compute(double a, double b) => a + b;
    }
}
