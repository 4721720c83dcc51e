using System;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Shape: always a compile-time constant, since every shape is static (start/end from opset 15).</summary>
    public sealed class Shape : OperatorDefinition
    {
        public override string OpType => "Shape";

        public override string Notes => "always folds to a constant; start, end";

        public override void Infer(Node node, InferenceContext context)
        {
            var x = RequireInput(node, 0, context);
            int rank = x.Rank;
            long start = node.Attributes.GetInt("start", 0);
            long end = node.Attributes.GetInt("end", rank);
            if (start < 0) start += rank;
            if (end < 0) end += rank;
            start = Math.Max(0, Math.Min(rank, start));
            end = Math.Max(start, Math.Min(rank, end));
            var values = new long[end - start];
            for (long i = start; i < end; i++) values[i - start] = x.Shape[i];
            SetConstantOutput(node, 0, ConstantTensor.FromInts(new[] { values.Length }, values));
        }

        public override void Emit(Node node, EmitContext context) => throw new InvalidOperationException("Shape always folds");
    }
}
