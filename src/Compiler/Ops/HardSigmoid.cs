using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX HardSigmoid.</summary>
    public sealed class HardSigmoid : UnaryOperator
    {
        public override string OpType => "HardSigmoid";

        public override string Kind => "HardSigmoid";

        public override string? ActivationKind => "HardSigmoid";

        public override string Notes => "alpha, beta";

        public override float Alpha(Node node) => node.Attributes.GetFloat("alpha", 0.2f);

        public override float Beta(Node node) => node.Attributes.GetFloat("beta", 0.5f);
    }
}
