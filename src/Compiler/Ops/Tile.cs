using System.Collections.Generic;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// ONNX Tile (torch's repeat): output axis i is the input's axis i repeated repeats[i] times. One copy over twice
    /// the rank: each axis splits into (repetition, position), the repetition reading the source with stride 0.
    /// </summary>
    public sealed class Tile : CopyOperator
    {
        public override string OpType => "Tile";

        public override string Notes => "repeats must fold to a constant";

        protected override List<CopyPart> Plan(Node node, InferenceContext context, out int[][] outputShapes)
        {
            var x = RequireInput(node, 0, context);
            var repeats = RequireConstant(node, 1, context, "the repeats").AsInts();
            if (repeats.Length != x.Rank)
                throw context.ShapeError(node, $"repeats has {repeats.Length} values for an input of rank {x.Rank}");
            int rank = x.Rank;
            var shape = new int[rank];
            for (int i = 0; i < rank; i++)
            {
                long size = repeats[i] * (long)x.Shape[i];
                if (repeats[i] == 0) throw context.Unsupported(node, $"repeat 0 on axis {i} gives an empty tensor (empty tensors are not supported)");
                if (repeats[i] < 0 || size > int.MaxValue) throw context.ShapeError(node, $"invalid repeat {repeats[i]} for axis {i} of size {x.Shape[i]}");
                shape[i] = (int)size;
            }
            outputShapes = new[] { shape };
            var sourceStrides = Contiguous(x.Shape);
            var outputStrides = Contiguous(shape);
            var copyShape = new int[2 * rank];
            var from = new int[2 * rank];
            var to = new int[2 * rank];
            for (int i = 0; i < rank; i++)
            {
                copyShape[2 * i] = (int)repeats[i];
                copyShape[2 * i + 1] = x.Shape[i];
                from[2 * i] = 0;
                from[2 * i + 1] = sourceStrides[i];
                to[2 * i] = x.Shape[i] * outputStrides[i];
                to[2 * i + 1] = outputStrides[i];
            }
            return new List<CopyPart> { new CopyPart(0, 0, 0, 0, copyShape, from, to) };
        }
    }
}
