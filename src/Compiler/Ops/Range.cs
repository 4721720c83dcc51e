using System;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Range: folded at compile time.</summary>
    public sealed class Range : OperatorDefinition
    {
        public override string OpType => "Range";

        public override string Notes => "start, limit and delta must fold to constants";

        public override void Infer(Node node, InferenceContext context)
        {
            var start = RequireConstant(node, 0, context, "start");
            var limit = RequireConstant(node, 1, context, "limit");
            var delta = RequireConstant(node, 2, context, "delta");
            double s = start[0], l = limit[0], d = delta[0];
            if (d == 0) throw context.ShapeError(node, "delta is 0");
            long count = Math.Max(0, (long)Math.Ceiling((l - s) / d));
            if (count > 1 << 24) throw context.Unsupported(node, $"a range of {count} elements");
            if (start.Type == ElementType.Float32)
            {
                var values = new float[count];
                for (long i = 0; i < count; i++) values[i] = (float)(s + i * d);
                SetConstantOutput(node, 0, ConstantTensor.FromFloats(new[] { (int)count }, values));
            }
            else
            {
                var values = new long[count];
                for (long i = 0; i < count; i++) values[i] = (long)(s + i * d);
                SetConstantOutput(node, 0, ConstantTensor.FromInts(new[] { (int)count }, values));
            }
        }

        public override void Emit(Node node, EmitContext context) => throw new InvalidOperationException("constants are not emitted as steps");
    }
}
