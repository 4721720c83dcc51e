using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX SpaceToDepth: [N, C, H, W] into [N, C·b², H/b, W/b], blocks ordered as DepthToSpace's DCR mode undoes.</summary>
    public sealed class SpaceToDepth : CopyOperator
    {
        public override string OpType => "SpaceToDepth";

        protected override List<CopyPart> Plan(Node node, InferenceContext context, out int[][] outputShapes)
        {
            var x = RequireInput(node, 0, context);
            int b = (int)node.Attributes.GetInt("blocksize", 0);
            if (x.Rank != 4) throw context.ShapeError(node, "the input must be 4-D");
            if (b <= 0 || x.Shape[2] % b != 0 || x.Shape[3] % b != 0) throw context.ShapeError(node, $"blocksize {b} does not divide the spatial size");
            int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2] / b, w = x.Shape[3] / b;
            var split = new[] { n, c, h, b, w, b };
            var perm = new[] { 0, 3, 5, 1, 2, 4 };
            var splitStrides = Contiguous(split);
            var shape = perm.Select(p => split[p]).ToArray();
            outputShapes = new[] { new[] { n, c * b * b, h, w } };
            return new List<CopyPart> { new CopyPart(0, 0, 0, 0, shape, perm.Select(p => splitStrides[p]).ToArray(), Contiguous(shape)) };
        }
    }
}
