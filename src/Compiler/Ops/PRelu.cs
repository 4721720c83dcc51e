using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX PRelu: x where x ≥ 0, x × slope where x &lt; 0, the slope broadcasting to x (one per channel in exported models).</summary>
    public sealed class PRelu : BinaryOperator
    {
        public override string OpType => "PRelu";

        protected override string Kind => "PRelu";

        public override string Notes => "slope broadcasts to X (unidirectional); run-time tensors float32";

        protected override double Compute(double a, double b) => a < 0 ? a * b : a;

        public override void Infer(Node node, InferenceContext context)
        {
            var x = RequireInput(node, 0, context);
            var slope = RequireInput(node, 1, context);
            // Unidirectional: the output keeps X's shape, so a slope that would widen X is a malformed model.
            var shape = ShapeMath.Broadcast(x.Shape, slope.Shape);
            if (shape != null && !ShapeMath.SameShape(shape, x.Shape))
                throw context.ShapeError(node, $"slope {ShapeMath.Format(slope.Shape)} does not broadcast to X {ShapeMath.Format(x.Shape)}");
            base.Infer(node, context);
        }
    }
}
