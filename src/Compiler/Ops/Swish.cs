using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// ONNX Swish (opset 24): x·sigmoid(alpha·x). RecognizeActivations turns the default alpha 1 into SiLU, which fuses
    /// into the producing kernel; another alpha runs as its own pass.
    /// </summary>
    public sealed class Swish : UnaryOperator
    {
        public override string OpType => "Swish";

        public override string Kind => "Swish";

        public override string Notes => "alpha; alpha 1 fuses as SiLU";

        public override float Alpha(Node node) => node.Attributes.GetFloat("alpha", 1f);
    }
}
