namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX ReduceMax (axes from an input since opset 18).</summary>
    public sealed class ReduceMax : ReduceOperator
    {
        public override string OpType => "ReduceMax";

        protected override string Kind => "Max";

        protected override int AxesInputSince => 18;
    }
}
