using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Reshape: the target shape must fold to a constant; 0 copies the input dimension (unless allowzero), -1 is inferred.</summary>
    public sealed class Reshape : AliasOperator
    {
        public override string OpType => "Reshape";

        public override string Notes => "shape input must fold to a constant; 0 and -1 supported; allowzero";

        protected override int[] OutputShape(Node node, Tensor input, InferenceContext context)
        {
            var requested = RequireConstant(node, 1, context, "the target shape").AsInts();
            bool allowZero = node.Attributes.GetInt("allowzero", 0) != 0;
            var shape = new int[requested.Length];
            int inferred = -1;
            long known = 1;
            for (int i = 0; i < requested.Length; i++)
            {
                long d = requested[i];
                if (d == 0 && !allowZero)
                {
                    if (i >= input.Rank) throw context.ShapeError(node, $"dimension {i} is 0 (copy) but the input has rank {input.Rank}");
                    d = input.Shape[i];
                }
                if (d == -1)
                {
                    if (inferred >= 0) throw context.ShapeError(node, "more than one -1 in the target shape");
                    inferred = i;
                    continue;
                }
                if (d < 0 || d > int.MaxValue) throw context.ShapeError(node, $"invalid dimension {d} in the target shape");
                shape[i] = (int)d;
                known *= d;
            }
            if (inferred >= 0)
            {
                if (known == 0 || input.ElementCount % known != 0)
                    throw context.ShapeError(node, $"cannot infer -1: {input.ElementCount} elements do not divide by {known}");
                shape[inferred] = (int)(input.ElementCount / known);
            }
            return shape;
        }
    }
}
