namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX ReduceMin (axes from an input since opset 18).</summary>
    public sealed class ReduceMin : ReduceOperator
    {
        public override string OpType => "ReduceMin";

        protected override string Kind => "Min";

        protected override int AxesInputSince => 18;
    }
}
