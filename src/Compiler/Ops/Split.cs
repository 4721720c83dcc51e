using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Split: sizes from the split input (opset 13+) or attribute, num_outputs (opset 18+), or equal parts.</summary>
    public sealed class Split : CopyOperator
    {
        public override string OpType => "Split";

        public override string Notes => "split sizes must fold to constants";

        protected override List<CopyPart> Plan(Node node, InferenceContext context, out int[][] outputShapes)
        {
            var x = RequireInput(node, 0, context);
            int axis = ShapeMath.NormalizeAxis(node.Attributes.GetInt("axis", 0), x.Rank);
            if (axis < 0) throw context.ShapeError(node, $"axis is out of range for rank {x.Rank}");
            int outputs = node.Outputs.Count;
            long[] sizes;
            if (node.Input(1) != null) sizes = RequireConstant(node, 1, context, "split").AsInts();
            else if (node.Attributes.GetInts("split") is { } attribute) sizes = attribute;
            else
            {
                int dim = x.Shape[axis];
                int parts = outputs;
                int chunk = (dim + parts - 1) / parts;
                sizes = Enumerable.Range(0, parts).Select(i => (long)System.Math.Max(0, System.Math.Min(chunk, dim - i * chunk))).ToArray();
            }
            if (sizes.Length != outputs || sizes.Sum() != x.Shape[axis] || sizes.Any(s => s < 0))
                throw context.ShapeError(node, $"split sizes [{string.Join(",", sizes)}] do not cover axis size {x.Shape[axis]} with {outputs} outputs");
            int outer = (int)ShapeMath.Product(x.Shape, 0, axis);
            int inner = (int)ShapeMath.Product(x.Shape, axis + 1, x.Rank);
            var result = new List<CopyPart>();
            outputShapes = new int[outputs][];
            int position = 0;
            for (int o = 0; o < outputs; o++)
            {
                var shape = (int[])x.Shape.Clone();
                shape[axis] = (int)sizes[o];
                outputShapes[o] = shape;
                int block = (int)sizes[o] * inner;
                result.Add(new CopyPart(0, o, position, 0, new[] { outer, block }, new[] { x.Shape[axis] * inner, 1 }, new[] { block, 1 }));
                position += block;
            }
            return result;
        }
    }
}
