using System.Linq;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX MatMul with numpy batching. A constant 2-D B becomes a prepacked GEMM (the transformer's linear layers).</summary>
    public sealed class MatMul : OperatorDefinition
    {
        public override string OpType => "MatMul";

        public override string Notes => "numpy batch broadcasting; constant 2-D B is prepacked with fused bias/residual/activation";

        public override void Infer(Node node, InferenceContext context)
        {
            var a = RequireInput(node, 0, context);
            var b = RequireInput(node, 1, context);
            if (a.Rank == 0 || b.Rank == 0) throw context.ShapeError(node, "MatMul operands must have rank 1 or more");
            var aShape = a.Rank == 1 ? new[] { 1, a.Shape[0] } : a.Shape;
            var bShape = b.Rank == 1 ? new[] { b.Shape[0], 1 } : b.Shape;
            int m = aShape[aShape.Length - 2], k = aShape[aShape.Length - 1];
            int kb = bShape[bShape.Length - 2], n = bShape[bShape.Length - 1];
            if (k != kb) throw context.ShapeError(node, $"inner dimensions differ: {ShapeMath.Format(a.Shape)} x {ShapeMath.Format(b.Shape)}");
            var aBatch = aShape.Take(aShape.Length - 2).ToArray();
            var bBatch = bShape.Take(bShape.Length - 2).ToArray();
            var batch = ShapeMath.Broadcast(aBatch, bBatch) ?? throw context.ShapeError(node, "batch dimensions do not broadcast");
            var outShape = batch.Concat(new[] { m, n }).ToList();
            if (a.Rank == 1) outShape.RemoveAt(outShape.Count - 2);
            if (b.Rank == 1) outShape.RemoveAt(outShape.Count - 1);
            var lowering = new MatMulLowering { M = m, K = k, N = n };
            if (b.Constant != null && bBatch.All(d => d == 1))
            {
                // Rows of every batch share B: one GEMM over all of A's rows.
                lowering.M = (int)ShapeMath.Product(batch) * m;
                lowering.ConstantB = b.Constant;
                if (!aBatch.SequenceEqual(batch)) lowering.ConstantB = null;
            }
            if (lowering.ConstantB == null)
            {
                long count = ShapeMath.Product(batch);
                if (count > 65536) throw context.Unsupported(node, $"{count} batched products");
                var aStrides = ShapeMath.BroadcastStrides(aBatch, batch);
                var bStrides = ShapeMath.BroadcastStrides(bBatch, batch);
                lowering.AOffsets = new int[count];
                lowering.BOffsets = new int[count];
                var index = new int[batch.Length];
                for (int i = 0; i < count; i++)
                {
                    int ai = 0, bi = 0;
                    for (int d = 0; d < batch.Length; d++)
                    {
                        ai += index[d] * aStrides[d];
                        bi += index[d] * bStrides[d];
                    }
                    lowering.AOffsets[i] = ai * m * k;
                    lowering.BOffsets[i] = bi * k * n;
                    ConstantMath.Increment(index, batch);
                }
            }
            node.Lowering = lowering;
            SetOutput(node, 0, outShape.ToArray(), ElementType.Float32);
            if (a.Constant != null && b.Constant != null) throw context.Unsupported(node, "MatMul of two constants (re-export with constant folding enabled)");
        }

        public override void Emit(Node node, EmitContext context) => ((MatMulLowering)node.Lowering!).Emit(node, context);
    }
}
