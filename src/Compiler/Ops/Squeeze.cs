using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Squeeze: axes as attribute (opset &lt; 13) or constant input; no axes removes every 1.</summary>
    public sealed class Squeeze : AliasOperator
    {
        public override string OpType => "Squeeze";

        protected override int[] OutputShape(Node node, Tensor input, InferenceContext context)
        {
            var axes = AxesFromInputOrAttribute(node, 1, context);
            var remove = new HashSet<int>();
            if (axes == null)
            {
                for (int i = 0; i < input.Rank; i++) if (input.Shape[i] == 1) remove.Add(i);
            }
            else
            {
                foreach (var axis in axes)
                {
                    int a = ShapeMath.NormalizeAxis(axis, input.Rank);
                    if (a < 0) throw context.ShapeError(node, $"axis {axis} is out of range for rank {input.Rank}");
                    if (input.Shape[a] != 1) throw context.ShapeError(node, $"axis {axis} has size {input.Shape[a]}, not 1");
                    remove.Add(a);
                }
            }
            return input.Shape.Where((d, i) => !remove.Contains(i)).ToArray();
        }
    }
}
