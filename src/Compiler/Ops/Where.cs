using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Where: compile-time constants only (exporters use it in shape arithmetic).</summary>
    public sealed class Where : OperatorDefinition
    {
        public override string OpType => "Where";

        public override string Notes => "compile-time constants only";

        public override void Infer(Node node, InferenceContext context)
        {
            var condition = RequireConstant(node, 0, context, "the condition");
            var x = RequireConstant(node, 1, context, "X");
            var y = RequireConstant(node, 2, context, "Y");
            var shape = ShapeMath.Broadcast(ShapeMath.Broadcast(condition.Shape, x.Shape) ?? x.Shape, y.Shape)
                        ?? throw context.ShapeError(node, "condition, X and Y do not broadcast");
            var chosen = ConstantMath.Binary(condition, x, shape, x.Type, (c, v) => c);
            var xs = ConstantMath.Binary(x, y, shape, x.Type, (a, b) => a);
            var ys = ConstantMath.Binary(x, y, shape, x.Type, (a, b) => b);
            var result = x.Type == ElementType.Float32 ? (object)new float[xs.Length] : new long[xs.Length];
            for (int i = 0; i < xs.Length; i++)
            {
                double value = chosen[i] != 0 ? xs[i] : ys[i];
                if (result is float[] f) f[i] = (float)value;
                else ((long[])result)[i] = (long)value;
            }
            SetConstantOutput(node, 0, result is float[] floats ? ConstantTensor.FromFloats(shape, floats) : ConstantTensor.FromInts(shape, (long[])result, x.Type));
        }

        public override void Emit(Node node, EmitContext context) => throw new System.InvalidOperationException("Where has no run-time form");
    }
}
