namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Sum: the broadcast sum of one or more inputs, run as a chain of Adds.</summary>
    public sealed class Sum : ExpandedVariadicOperator
    {
        public override string OpType => "Sum";

        public override string StepOpType => "Add";

        public override bool Averages => false;

        public override string Notes => "any number of inputs, run as a chain of broadcasting Adds";
    }
}
