using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;

namespace MobileViT.Compiler.Passes
{
    /// <summary>
    /// Attention's Q·Kᵀ: a Transpose of K's last two axes becomes the GEMM's transposed-B flag, and a scalar Mul of
    /// Q (the 1/√d scale) becomes its alpha — two passes over memory that the GEMM does for free. Exporters write both
    /// in other ways too, and those fold the same: PyTorch merges the heads' permute(0, 2, 1, 3) and K's transpose(-1,
    /// -2) into one Transpose (perm 0, 2, 3, 1: HuggingFace's MobileViT and ViT), which becomes the heads' permutation
    /// alone with the flag set; and the scale may come after the product, as a Mul or a Div of the scores by √d.
    /// </summary>
    public static class FoldIntoBatchedMatMul
    {
        public static void Run(Graph graph)
        {
            foreach (var matmul in graph.Nodes.ToArray())
            {
                if (!graph.Contains(matmul)) continue;
                if (!(matmul.Op is MatMul) || !(matmul.Lowering is MatMulLowering { ConstantB: null } lowering)) continue;
                if (lowering.TransposeA || lowering.TransposeB || matmul.Inputs[0]!.Rank < 2 || matmul.Inputs[1]!.Rank < 2) continue;

                // Scaled dot-product attention as PyTorch 2 exports it scales both Q and Kᵀ by the root of 1/√d.
                FoldScalarMul(graph, matmul, 1, lowering);
                var transpose = matmul.Inputs[1]!.Producer;
                if (transpose != null && transpose.Op is Transpose && GraphRewriter.HasSingleUse(matmul.Inputs[1]!))
                {
                    var rest = WithoutLastTwoSwapped(transpose);
                    if (rest == null)
                    {
                        Rewire(matmul, 1, transpose.Inputs[0]!);
                        lowering.TransposeB = true;
                        graph.Remove(transpose);
                        matmul.SourceNames.Insert(0, transpose.Name);
                    }
                    else if (rest.Length >= 2 && rest[rest.Length - 1] == rest.Length - 1
                             && Transpose.Permutation(transpose, rest.Length)[rest.Length - 1] != rest.Length - 1)
                    {
                        // Only when that leaves the rows whole: the copy then moves rows instead of single numbers.
                        ReplaceWithPermutation(graph, transpose, rest);
                        lowering.TransposeB = true;
                    }
                }

                FoldScalarMul(graph, matmul, 0, lowering);

                FoldScaleOfProduct(graph, matmul, lowering);
            }
        }

        /// <summary>An operand that is Mul(data, s) for a constant scalar s: the product reads data and alpha takes s.</summary>
        private static void FoldScalarMul(Graph graph, Node matmul, int operand, MatMulLowering lowering)
        {
            var scale = matmul.Inputs[operand]!.Producer;
            if (scale == null || !(scale.Op is Mul) || !GraphRewriter.HasSingleUse(matmul.Inputs[operand]!)) return;
            for (int side = 0; side < 2; side++)
            {
                var factor = GraphRewriter.Scalar(scale.Inputs[1 - side]);
                var data = scale.Inputs[side];
                if (factor == null || data == null || !ShapeMath.SameShape(data.Shape, scale.Outputs[0].Shape)) continue;
                Rewire(matmul, operand, data);
                lowering.Alpha *= (float)factor.Value;
                graph.Remove(scale);
                matmul.SourceNames.Insert(0, scale.Name);
                return;
            }
        }

        /// <summary>
        /// The scores scaled after the product: Mul(Q·Kᵀ, s) or Div(Q·Kᵀ, s) for a constant scalar s becomes alpha, when
        /// the product has no other reader and nothing fused after it yet.
        /// </summary>
        private static void FoldScaleOfProduct(Graph graph, Node matmul, MatMulLowering lowering)
        {
            var product = matmul.Outputs[0];
            var scale = GraphRewriter.SoleConsumer(product);
            if (scale == null || matmul.Residual != null || !matmul.Activation.IsNone) return;
            if (!ShapeMath.SameShape(product.Shape, scale.Outputs[0].Shape)) return;
            double? factor = null;
            if (scale.Op is Mul)
                factor = GraphRewriter.Scalar(scale.Inputs[scale.Inputs[0] == product ? 1 : 0]);
            else if (scale.Op is Div && scale.Inputs[0] == product && GraphRewriter.Scalar(scale.Inputs[1]) is double divisor && divisor != 0)
                factor = 1.0 / divisor;
            if (factor == null || double.IsNaN(factor.Value) || double.IsInfinity(factor.Value)) return;
            lowering.Alpha = (float)(lowering.Alpha * factor.Value);
            GraphRewriter.Absorb(graph, matmul, scale);
        }

        /// <summary>
        /// The permutation that, followed by swapping the last two axes, is the Transpose's own; null when that is the
        /// identity (the Transpose only swaps the last two axes).
        /// </summary>
        private static int[]? WithoutLastTwoSwapped(Node transpose)
        {
            int rank = transpose.Inputs[0]!.Rank;
            var perm = (int[])Transpose.Permutation(transpose, rank).Clone();
            if (perm.Length != rank || rank < 2) return perm;
            (perm[rank - 2], perm[rank - 1]) = (perm[rank - 1], perm[rank - 2]);
            for (int i = 0; i < rank; i++) if (perm[i] != i) return perm;
            return null;
        }

        /// <summary>
        /// Puts a Transpose by <paramref name="perm"/> in <paramref name="old"/>'s place, writing the same tensor with its
        /// last two axes swapped (the product reads it as transposed B).
        /// </summary>
        private static void ReplaceWithPermutation(Graph graph, Node old, int[] perm)
        {
            var input = old.Inputs[0]!;
            var output = old.Outputs[0];
            var permAttribute = new Onnx.OnnxAttribute { Name = "perm", Type = Onnx.OnnxAttributeType.Ints };
            permAttribute.Ints.AddRange(perm.Select(p => (long)p));
            var attributes = new Attributes(new[] { permAttribute });
            var replacement = GraphRewriter.NewNode(old.Name, TransposeOperator, attributes);
            replacement.SourceNames.Clear();
            replacement.SourceNames.AddRange(old.SourceNames);
            var copy = Transpose.PermutationCopy(input.Shape, perm);
            replacement.Lowering = new List<CopyPart> { copy };
            graph.Replace(old, replacement);
            GraphRewriter.Connect(replacement, input);
            output.Shape = copy.Shape;
            output.Producer = replacement;
            replacement.Outputs.Add(output);
        }

        private static readonly Transpose TransposeOperator = new Transpose();

        private static void Rewire(Node node, int index, Tensor replacement)
        {
            node.Inputs[index]!.Consumers.Remove(node);
            node.Inputs[index] = replacement;
            replacement.Consumers.Add(node);
        }
    }
}
