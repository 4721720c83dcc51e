using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Transpose: a fixed permutation, emitted as constant-bound loops (or merged into a view chain by a pass).</summary>
    public sealed class Transpose : CopyOperator
    {
        public override string OpType => "Transpose";

        public static int[] Permutation(Node node, int rank)
        {
            var perm = node.Attributes.GetInts("perm");
            return perm == null ? Enumerable.Range(0, rank).Reverse().ToArray() : perm.Select(p => (int)p).ToArray();
        }

        protected override List<CopyPart> Plan(Node node, InferenceContext context, out int[][] outputShapes)
        {
            var x = RequireInput(node, 0, context);
            var perm = Permutation(node, x.Rank);
            if (perm.Length != x.Rank || perm.Distinct().Count() != perm.Length || perm.Any(p => p < 0 || p >= x.Rank))
                throw context.ShapeError(node, $"perm [{string.Join(",", perm)}] is not a permutation of rank {x.Rank}");
            var copy = PermutationCopy(x.Shape, perm);
            outputShapes = new[] { copy.Shape };
            return new List<CopyPart> { copy };
        }

        /// <summary>The one strided copy that writes a tensor of <paramref name="inputShape"/> permuted by <paramref name="perm"/>.</summary>
        public static CopyPart PermutationCopy(int[] inputShape, int[] perm)
        {
            var inStrides = Contiguous(inputShape);
            var shape = perm.Select(p => inputShape[p]).ToArray();
            return new CopyPart(0, 0, 0, 0, shape, perm.Select(p => inStrides[p]).ToArray(), Contiguous(shape));
        }
    }
}
