using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Sub, broadcasting.</summary>
    public sealed class Sub : BinaryOperator
    {
        public override string OpType => "Sub";

        protected override string Kind => "Sub";

        protected override double Compute(double a, double b) => a - b;
    }
}
