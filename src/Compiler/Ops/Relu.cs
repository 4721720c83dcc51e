using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Relu.</summary>
    public sealed class Relu : UnaryOperator
    {
        public override string OpType => "Relu";

        public override string Kind => "Relu";

        public override string? ActivationKind => "Relu";

        public override string Notes => "fused into the producing Conv/Gemm when possible";

        protected override bool Folds => true;

        protected override double Compute(double x, Node node) => System.Math.Max(0, x);
    }
}
