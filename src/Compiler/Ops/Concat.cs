using System.Collections.Generic;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Concat.</summary>
    public sealed class Concat : CopyOperator
    {
        public override string OpType => "Concat";

        protected override bool IsDataInput(int index) => true;

        protected override List<CopyPart> Plan(Node node, InferenceContext context, out int[][] outputShapes)
        {
            var first = RequireInput(node, 0, context);
            int axis = ShapeMath.NormalizeAxis(node.Attributes.GetInt("axis", 0), first.Rank);
            if (axis < 0) throw context.ShapeError(node, $"axis is out of range for rank {first.Rank}");
            var shape = (int[])first.Shape.Clone();
            shape[axis] = 0;
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                var input = RequireInput(node, i, context);
                if (input.Rank != first.Rank) throw context.ShapeError(node, "inputs differ in rank");
                for (int d = 0; d < first.Rank; d++)
                    if (d != axis && input.Shape[d] != first.Shape[d])
                        throw context.ShapeError(node, $"input {i} has shape {ShapeMath.Format(input.Shape)}, incompatible with {ShapeMath.Format(first.Shape)}");
                shape[axis] += input.Shape[axis];
            }
            outputShapes = new[] { shape };
            int outer = (int)ShapeMath.Product(shape, 0, axis);
            int inner = (int)ShapeMath.Product(shape, axis + 1, shape.Length);
            var parts = new List<CopyPart>();
            int position = 0;
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                int block = node.Inputs[i]!.Shape[axis] * inner;
                parts.Add(new CopyPart(i, 0, 0, position, new[] { outer, block }, new[] { block, 1 }, new[] { shape[axis] * inner, 1 }));
                position += block;
            }
            return parts;
        }
    }
}
