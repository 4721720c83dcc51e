using System.Collections.Generic;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Expand: the shape must fold to a constant; broadcast copies use stride 0.</summary>
    public sealed class Expand : CopyOperator
    {
        public override string OpType => "Expand";

        public override string Notes => "shape must fold to a constant";

        protected override List<CopyPart> Plan(Node node, InferenceContext context, out int[][] outputShapes)
        {
            var x = RequireInput(node, 0, context);
            var requested = RequireConstant(node, 1, context, "the shape").AsInts();
            var target = new int[requested.Length];
            for (int i = 0; i < requested.Length; i++)
            {
                if (requested[i] < 0 || requested[i] > int.MaxValue) throw context.ShapeError(node, $"invalid dimension {requested[i]}");
                target[i] = (int)requested[i];
            }
            var shape = ShapeMath.Broadcast(x.Shape, target)
                        ?? throw context.ShapeError(node, $"{ShapeMath.Format(x.Shape)} cannot expand to {ShapeMath.Format(target)}");
            outputShapes = new[] { shape };
            return new List<CopyPart> { new CopyPart(0, 0, 0, 0, shape, ShapeMath.BroadcastStrides(x.Shape, shape), Contiguous(shape)) };
        }
    }
}
