using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Min, broadcasting; forms with other than two inputs are chained two at a time at import.</summary>
    public sealed class Min : BinaryOperator, IVariadicOperator
    {
        public override string OpType => "Min";

        protected override string Kind => "Min";

        public override string Notes => "any number of inputs (chained two at a time); broadcasting";

        public string StepOpType => "Min";

        public bool Averages => false;

        protected override double Compute(double a, double b) => System.Math.Min(a, b);
    }
}
