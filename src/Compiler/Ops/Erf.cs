using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Erf.</summary>
    public sealed class Erf : UnaryOperator
    {
        public override string OpType => "Erf";

        public override string Kind => "Erf";

        public override string Notes => "x·0.5·(1+Erf(x/√2)) is recognized as GELU";
    }
}
