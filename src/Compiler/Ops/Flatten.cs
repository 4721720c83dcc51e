using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Flatten: [d0..d(axis-1)] and [d(axis)..] each collapse to one dimension.</summary>
    public sealed class Flatten : AliasOperator
    {
        public override string OpType => "Flatten";

        protected override int[] OutputShape(Node node, Tensor input, InferenceContext context)
        {
            long axis = node.Attributes.GetInt("axis", 1);
            if (axis < 0) axis += input.Rank;
            if (axis < 0 || axis > input.Rank) throw context.ShapeError(node, $"axis {axis} is out of range for rank {input.Rank}");
            return new[] { (int)ShapeMath.Product(input.Shape, 0, (int)axis), (int)ShapeMath.Product(input.Shape, (int)axis, input.Rank) };
        }
    }
}
