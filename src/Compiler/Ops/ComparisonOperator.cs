using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>Comparisons and logic producing bool tensors. Only compile-time constants are supported.</summary>
    public abstract class ComparisonOperator : OperatorDefinition
    {
        protected abstract bool Compare(double a, double b);

        public override string Notes => "compile-time constants only (shape arithmetic)";

        public override void Infer(Node node, InferenceContext context)
        {
            var a = RequireConstant(node, 0, context, "the first operand");
            var b = RequireConstant(node, 1, context, "the second operand");
            var shape = ShapeMath.Broadcast(a.Shape, b.Shape)
                        ?? throw context.ShapeError(node, $"shapes {ShapeMath.Format(a.Shape)} and {ShapeMath.Format(b.Shape)} do not broadcast");
            SetConstantOutput(node, 0, ConstantMath.Binary(a, b, shape, ElementType.Bool, (x, y) => Compare(x, y) ? 1 : 0));
        }

        public override void Emit(Node node, EmitContext context) =>
            throw new System.InvalidOperationException(OpType + " has no run-time form");
    }
}
