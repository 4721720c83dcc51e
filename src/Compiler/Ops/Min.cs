using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Min, broadcasting.</summary>
    public sealed class Min : BinaryOperator
    {
        public override string OpType => "Min";

        protected override string Kind => "Min";

        public override string Notes => "two inputs only; broadcasting";

        protected override double Compute(double a, double b) => System.Math.Min(a, b);

        public override void Infer(Node node, InferenceContext context)
        {
            if (node.Inputs.Count != 2) throw context.Unsupported(node, $"{node.Inputs.Count} inputs; only the two-input form is supported");
            base.Infer(node, context);
        }
    }
}
