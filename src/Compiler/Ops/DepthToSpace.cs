using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX DepthToSpace (DCR and CRD modes): a fixed permutation of [N, C, H, W] into [N, C/b², H·b, W·b].</summary>
    public sealed class DepthToSpace : CopyOperator
    {
        public override string OpType => "DepthToSpace";

        public override string Notes => "DCR and CRD modes";

        protected override List<CopyPart> Plan(Node node, InferenceContext context, out int[][] outputShapes)
        {
            var x = RequireInput(node, 0, context);
            int b = (int)node.Attributes.GetInt("blocksize", 0);
            if (x.Rank != 4) throw context.ShapeError(node, "the input must be 4-D");
            if (b <= 0 || x.Shape[1] % (b * b) != 0) throw context.ShapeError(node, $"blocksize {b} does not divide {x.Shape[1]} channels into b² groups");
            string mode = node.Attributes.GetString("mode", "DCR");
            int n = x.Shape[0], c = x.Shape[1] / (b * b), h = x.Shape[2], w = x.Shape[3];
            int[] split, perm;
            if (mode == "DCR") { split = new[] { n, b, b, c, h, w }; perm = new[] { 0, 3, 4, 1, 5, 2 }; }
            else if (mode == "CRD") { split = new[] { n, c, b, b, h, w }; perm = new[] { 0, 1, 4, 2, 5, 3 }; }
            else throw context.Unsupported(node, $"mode '{mode}'");
            var splitStrides = Contiguous(split);
            var shape = perm.Select(p => split[p]).ToArray();
            outputShapes = new[] { new[] { n, c, h * b, w * b } };
            return new List<CopyPart> { new CopyPart(0, 0, 0, 0, shape, perm.Select(p => splitStrides[p]).ToArray(), Contiguous(shape)) };
        }
    }
}
