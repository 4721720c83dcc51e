using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Clip: min/max as attributes (opset &lt; 11) or constant inputs; Clip(0, 6) is ReLU6.</summary>
    public sealed class Clip : UnaryOperator
    {
        public override string OpType => "Clip";

        public override string Kind => "Clip";

        public override string? ActivationKind => "Clip";

        public override string Notes => "min and max must be compile-time constants";

        protected override bool Folds => true;

        protected override double Compute(double x, Node node) => System.Math.Min(System.Math.Max(x, Alpha(node)), Beta(node));

        public override void Infer(Node node, InferenceContext context)
        {
            for (int i = 1; i <= 2; i++)
            {
                var bound = node.Input(i);
                if (bound != null && bound.Constant == null)
                    throw context.Unsupported(node, $"the {(i == 1 ? "min" : "max")} input '{bound.Name}' must be a compile-time constant");
            }
            base.Infer(node, context);
        }

        public override float Alpha(Node node) => Bound(node, 1, "min", float.NegativeInfinity);

        public override float Beta(Node node) => Bound(node, 2, "max", float.PositiveInfinity);

        private static float Bound(Node node, int input, string attribute, float fallback)
        {
            var tensor = node.Input(input);
            if (tensor?.Constant != null && tensor.Constant.Length > 0) return (float)tensor.Constant[0];
            return node.Attributes.GetFloat(attribute, fallback);
        }
    }
}
