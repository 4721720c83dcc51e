using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Max, broadcasting; forms with other than two inputs are chained two at a time at import.</summary>
    public sealed class Max : BinaryOperator, IVariadicOperator
    {
        public override string OpType => "Max";

        protected override string Kind => "Max";

        public override string Notes => "any number of inputs (chained two at a time); broadcasting";

        public string StepOpType => "Max";

        public bool Averages => false;

        protected override double Compute(double a, double b) => System.Math.Max(a, b);
    }
}
