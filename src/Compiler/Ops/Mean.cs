namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Mean: the broadcast sum of one or more inputs times 1/count, run as a chain of Adds and one Mul.</summary>
    public sealed class Mean : ExpandedVariadicOperator
    {
        public override string OpType => "Mean";

        public override string StepOpType => "Add";

        public override bool Averages => true;

        public override string Notes => "any number of inputs, run as a chain of broadcasting Adds and a Mul by 1/count";
    }
}
