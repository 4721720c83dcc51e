using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Elu.</summary>
    public sealed class Elu : UnaryOperator
    {
        public override string OpType => "Elu";

        public override string Kind => "Elu";

        public override string Notes => "alpha";

        public override float Alpha(Node node) => node.Attributes.GetFloat("alpha", 1f);
    }
}
