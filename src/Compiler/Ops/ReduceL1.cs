namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX ReduceL1: the sum of absolute values (axes from an input since opset 18).</summary>
    public sealed class ReduceL1 : ReduceOperator
    {
        public override string OpType => "ReduceL1";

        protected override string Kind => "L1";

        protected override int AxesInputSince => 18;
    }
}
