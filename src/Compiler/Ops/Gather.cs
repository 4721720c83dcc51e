using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Gather: indices must fold to constants (the exporter's shape arithmetic and fixed selections).</summary>
    public sealed class Gather : CopyOperator
    {
        public override string OpType => "Gather";

        public override string Notes => "indices must fold to constants";

        protected override List<CopyPart> Plan(Node node, InferenceContext context, out int[][] outputShapes)
        {
            var data = RequireInput(node, 0, context);
            var indices = RequireConstant(node, 1, context, "indices");
            int axis = ShapeMath.NormalizeAxis(node.Attributes.GetInt("axis", 0), data.Rank);
            if (axis < 0) throw context.ShapeError(node, $"axis is out of range for rank {data.Rank}");
            var shape = data.Shape.Take(axis).Concat(indices.Shape).Concat(data.Shape.Skip(axis + 1)).ToArray();
            outputShapes = new[] { shape };
            int outer = (int)ShapeMath.Product(data.Shape, 0, axis);
            int inner = (int)ShapeMath.Product(data.Shape, axis + 1, data.Rank);
            int dim = data.Shape[axis];
            var values = indices.AsInts();
            if (values.Length > 4096 && !data.IsConstant) throw context.Unsupported(node, $"{values.Length} gathered slices (at most 4096)");
            var parts = new List<CopyPart>();
            for (int j = 0; j < values.Length; j++)
            {
                long k = values[j] < 0 ? values[j] + dim : values[j];
                if (k < 0 || k >= dim) throw context.ShapeError(node, $"index {values[j]} is out of range for axis size {dim}");
                parts.Add(new CopyPart(0, 0, (int)k * inner, j * inner, new[] { outer, inner }, new[] { dim * inner, 1 }, new[] { values.Length * inner, 1 }));
            }
            return parts;
        }
    }
}
