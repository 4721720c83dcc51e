using System;
using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Slice (opset 10+): starts, ends, axes and steps must fold to constants; negative steps supported.</summary>
    public sealed class Slice : CopyOperator
    {
        public override string OpType => "Slice";

        public override string Notes => "starts/ends/axes/steps must fold to constants";

        protected override List<CopyPart> Plan(Node node, InferenceContext context, out int[][] outputShapes)
        {
            var x = RequireInput(node, 0, context);
            long[] starts, ends;
            long[]? axes, steps;
            if (node.Inputs.Count >= 3)
            {
                starts = RequireConstant(node, 1, context, "starts").AsInts();
                ends = RequireConstant(node, 2, context, "ends").AsInts();
                axes = node.Input(3) != null ? RequireConstant(node, 3, context, "axes").AsInts() : null;
                steps = node.Input(4) != null ? RequireConstant(node, 4, context, "steps").AsInts() : null;
            }
            else
            {
                starts = node.Attributes.GetInts("starts") ?? throw context.ShapeError(node, "starts are missing");
                ends = node.Attributes.GetInts("ends") ?? throw context.ShapeError(node, "ends are missing");
                axes = node.Attributes.GetInts("axes");
                steps = null;
            }
            if (starts.Length != ends.Length) throw context.ShapeError(node, "starts and ends differ in length");
            if (axes != null && axes.Length != starts.Length || steps != null && steps.Length != starts.Length)
                throw context.ShapeError(node, $"{starts.Length} starts, but {axes?.Length ?? starts.Length} axes and {steps?.Length ?? starts.Length} steps");
            var inStrides = Contiguous(x.Shape);
            var shape = (int[])x.Shape.Clone();
            var strides = (int[])inStrides.Clone();
            int offset = 0;
            var seen = new HashSet<int>();
            for (int i = 0; i < starts.Length; i++)
            {
                int axis = ShapeMath.NormalizeAxis(axes != null ? axes[i] : i, x.Rank);
                if (axis < 0 || !seen.Add(axis)) throw context.ShapeError(node, "axes are out of range or repeated");
                long step = steps != null ? steps[i] : 1;
                if (step == 0) throw context.ShapeError(node, "a step is 0");
                long dim = x.Shape[axis];
                long start = starts[i], end = ends[i];
                if (start < 0) start += dim;
                if (end < 0) end += dim;
                if (step > 0)
                {
                    start = Math.Max(0, Math.Min(dim, start));
                    end = Math.Max(0, Math.Min(dim, end));
                }
                else
                {
                    start = Math.Max(-1, Math.Min(dim - 1, start));
                    end = Math.Max(-1, Math.Min(dim - 1, end));
                }
                long count = step > 0 ? Math.Max(0, (end - start + step - 1) / step) : Math.Max(0, (start - end + (-step) - 1) / (-step));
                shape[axis] = (int)count;
                if (count > 0) offset += (int)start * inStrides[axis];
                strides[axis] = (int)step * inStrides[axis];
            }
            outputShapes = new[] { shape };
            return new List<CopyPart> { new CopyPart(0, 0, offset, 0, shape, strides, Contiguous(shape)) };
        }
    }
}
