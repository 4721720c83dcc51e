namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX ReduceL2: the square root of the sum of squares (axes from an input since opset 18).</summary>
    public sealed class ReduceL2 : ReduceOperator
    {
        public override string OpType => "ReduceL2";

        protected override string Kind => "L2";

        protected override int AxesInputSince => 18;
    }
}
