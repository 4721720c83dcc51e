using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX LeakyRelu.</summary>
    public sealed class LeakyRelu : UnaryOperator
    {
        public override string OpType => "LeakyRelu";

        public override string Kind => "LeakyRelu";

        public override string Notes => "alpha";

        public override float Alpha(Node node) => node.Attributes.GetFloat("alpha", 0.01f);
    }
}
