using System;
using System.Linq;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// ONNX Trilu, folded at compile time (exporters build attention masks with torch.triu/tril on constants): the upper
    /// (j - i ≥ k) or lower (j - i ≤ k) triangle of each matrix in the last two axes, zeros elsewhere. No run-time form.
    /// </summary>
    public sealed class Trilu : OperatorDefinition
    {
        public override string OpType => "Trilu";

        public override string Notes => "compile-time constants only (masks); upper and lower, k";

        public override void Infer(Node node, InferenceContext context)
        {
            var x = RequireConstant(node, 0, context, "the input");
            if (x.Shape.Length < 2) throw context.ShapeError(node, $"rank {x.Shape.Length}; Trilu needs at least 2 axes");
            long k = 0;
            if (node.Input(1) is Tensor kInput && kInput.ElementCount > 0)
            {
                var value = RequireConstant(node, 1, context, "k");
                if (value.Length != 1) throw context.ShapeError(node, "k must be a single value");
                k = (long)value[0];
            }
            bool upper = node.Attributes.GetInt("upper", 1) != 0;
            int rows = x.Shape[x.Shape.Length - 2], columns = x.Shape[x.Shape.Length - 1];
            bool Keep(int index)
            {
                int i = index / columns % rows, j = index % columns;
                return upper ? j - i >= k : j - i <= k;
            }
            var indices = Enumerable.Range(0, x.Length);
            SetConstantOutput(node, 0, x.Type == ElementType.Float32
                ? ConstantTensor.FromFloats(x.Shape, indices.Select(i => Keep(i) ? x.Floats![i] : 0f).ToArray())
                : ConstantTensor.FromInts(x.Shape, indices.Select(i => Keep(i) ? x.Ints![i] : 0L).ToArray(), x.Type));
        }

        public override void Emit(Node node, EmitContext context) =>
            throw new InvalidOperationException("Trilu has no run-time form");
    }
}
