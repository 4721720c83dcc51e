using System.Collections.Generic;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Unsqueeze: axes as attribute (opset &lt; 13) or constant input, relative to the output rank.</summary>
    public sealed class Unsqueeze : AliasOperator
    {
        public override string OpType => "Unsqueeze";

        protected override int[] OutputShape(Node node, Tensor input, InferenceContext context)
        {
            var axes = AxesFromInputOrAttribute(node, 1, context) ?? throw context.ShapeError(node, "axes are required");
            int rank = input.Rank + axes.Length;
            var inserted = new HashSet<int>();
            foreach (var axis in axes)
            {
                int a = ShapeMath.NormalizeAxis(axis, rank);
                if (a < 0 || !inserted.Add(a)) throw context.ShapeError(node, $"axis {axis} is out of range or repeated for output rank {rank}");
            }
            var shape = new int[rank];
            int next = 0;
            for (int i = 0; i < rank; i++) shape[i] = inserted.Contains(i) ? 1 : input.Shape[next++];
            return shape;
        }
    }
}
