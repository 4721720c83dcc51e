namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX ReduceSum (axes from an input since opset 13).</summary>
    public sealed class ReduceSum : ReduceOperator
    {
        public override string OpType => "ReduceSum";

        protected override string Kind => "Sum";

        protected override int AxesInputSince => 13;
    }
}
