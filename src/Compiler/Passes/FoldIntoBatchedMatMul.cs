using System.Linq;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;

namespace MobileViT.Compiler.Passes
{
    /// <summary>
    /// Attention's Q·Kᵀ: a Transpose of K's last two axes becomes the GEMM's transposed-B flag, and a scalar Mul of
    /// Q (the 1/√d scale) becomes its alpha — two passes over memory that the GEMM does for free.
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

                var transpose = matmul.Inputs[1]!.Producer;
                if (transpose != null && transpose.Op is Transpose && GraphRewriter.HasSingleUse(matmul.Inputs[1]!) && SwapsLastTwoAxes(transpose))
                {
                    Rewire(matmul, 1, transpose.Inputs[0]!);
                    lowering.TransposeB = true;
                    graph.Remove(transpose);
                    matmul.SourceNames.Insert(0, transpose.Name);
                }

                var scale = matmul.Inputs[0]!.Producer;
                if (scale != null && scale.Op is Mul && GraphRewriter.HasSingleUse(matmul.Inputs[0]!))
                {
                    for (int side = 0; side < 2; side++)
                    {
                        var factor = GraphRewriter.Scalar(scale.Inputs[1 - side]);
                        var data = scale.Inputs[side];
                        if (factor == null || data == null || !ShapeMath.SameShape(data.Shape, scale.Outputs[0].Shape)) continue;
                        Rewire(matmul, 0, data);
                        lowering.Alpha *= (float)factor.Value;
                        graph.Remove(scale);
                        matmul.SourceNames.Insert(0, scale.Name);
                        break;
                    }
                }
            }
        }

        private static bool SwapsLastTwoAxes(Node transpose)
        {
            int rank = transpose.Inputs[0]!.Rank;
            var perm = Transpose.Permutation(transpose, rank);
            for (int i = 0; i < rank - 2; i++) if (perm[i] != i) return false;
            return perm[rank - 2] == rank - 1 && perm[rank - 1] == rank - 2;
        }

        private static void Rewire(Node node, int index, Tensor replacement)
        {
            node.Inputs[index]!.Consumers.Remove(node);
            node.Inputs[index] = replacement;
            replacement.Consumers.Add(node);
        }
    }
}
