namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX ReduceSumSquare: the sum of squares (axes from an input since opset 18).</summary>
    public sealed class ReduceSumSquare : ReduceOperator
    {
        public override string OpType => "ReduceSumSquare";

        protected override string Kind => "SumSquare";

        protected override int AxesInputSince => 18;
    }
}
