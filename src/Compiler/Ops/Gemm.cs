using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Gemm: Y = alpha·A'·B' + beta·C. Constant B is prepacked; C must be a per-column vector or scalar constant.</summary>
    public sealed class Gemm : OperatorDefinition
    {
        public override string OpType => "Gemm";

        public override string Notes => "constant B (transB supported); C a constant scalar, [N] or [1,N]; transA with run-time B";

        public override void Infer(Node node, InferenceContext context)
        {
            var a = RequireInput(node, 0, context);
            var b = RequireInput(node, 1, context);
            if (a.Rank != 2 || b.Rank != 2) throw context.ShapeError(node, "A and B must be matrices");
            bool transA = node.Attributes.GetInt("transA", 0) != 0, transB = node.Attributes.GetInt("transB", 0) != 0;
            float alpha = node.Attributes.GetFloat("alpha", 1f), beta = node.Attributes.GetFloat("beta", 1f);
            int m = transA ? a.Shape[1] : a.Shape[0], k = transA ? a.Shape[0] : a.Shape[1];
            int kb = transB ? b.Shape[1] : b.Shape[0], n = transB ? b.Shape[0] : b.Shape[1];
            if (k != kb) throw context.ShapeError(node, $"inner dimensions differ: {ShapeMath.Format(a.Shape)} x {ShapeMath.Format(b.Shape)}");
            var lowering = new MatMulLowering { M = m, K = k, N = n, TransposeA = transA, TransposeB = transB, Alpha = alpha, AOffsets = new[] { 0 }, BOffsets = new[] { 0 } };
            var c = node.Input(2);
            if (c != null)
            {
                if (c.Constant == null) throw context.Unsupported(node, "C must be a compile-time constant");
                if (!(c.Constant.Length == 1 || (c.Constant.Length == n && c.Shape[c.Shape.Length - 1] == n)))
                    throw context.Unsupported(node, $"C of shape {ShapeMath.Format(c.Shape)}; only a scalar, [N] or [1,N] bias is supported");
                var bias = new float[n];
                for (int j = 0; j < n; j++) bias[j] = (float)(beta * c.Constant[c.Constant.Length == 1 ? 0 : j]);
                lowering.Bias = ConstantTensor.FromFloats(new[] { n }, bias);
            }
            if (b.Constant != null && !transA)
            {
                lowering.ConstantB = alpha == 1f ? b.Constant : Scaled(b.Constant, alpha);
            }
            else if (lowering.Bias != null)
            {
                throw context.Unsupported(node, "a bias C with transA=1 or a run-time B");
            }
            node.Lowering = lowering;
            SetOutput(node, 0, new[] { m, n }, ElementType.Float32);
        }

        private static ConstantTensor Scaled(ConstantTensor b, float alpha)
        {
            var values = (float[])b.AsFloats().Clone();
            for (int i = 0; i < values.Length; i++) values[i] *= alpha;
            var scale = ConstantTensor.FromFloats(new[] { 1 }, new[] { alpha });
            return ConstantTensor.FromFloats(b.Shape, values, new ComputedWeight("ScaleRows", new[] { b, scale }, new int[0][]));
        }

        public override void Emit(Node node, EmitContext context) => ((MatMulLowering)node.Lowering!).Emit(node, context);
    }
}
