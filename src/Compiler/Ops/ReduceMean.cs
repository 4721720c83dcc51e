namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX ReduceMean (axes from an input since opset 18).</summary>
    public sealed class ReduceMean : ReduceOperator
    {
        public override string OpType => "ReduceMean";

        protected override string Kind => "Mean";

        protected override int AxesInputSince => 18;
    }
}
