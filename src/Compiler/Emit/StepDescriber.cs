using System.Linq;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;

namespace MobileViT.Compiler.Emit
{
    /// <summary>The plain-English comment above each emitted step: ONNX node names, fused operation, shapes.</summary>
    public static class StepDescriber
    {
        public static string Describe(Node node)
        {
            string operation = Operation(node);
            var inputs = node.Inputs.Where(i => i != null && !i.IsConstant).Select(i => ShapeMath.Format(i!.Shape));
            var outputs = node.Outputs.Where(o => o.Consumers.Count > 0 || o.IsGraphOutput).Select(o => ShapeMath.Format(o.Shape));
            return CSharpLiteral.Comment($"{node.DisplayNames} → {operation}, {string.Join(" ", inputs)} → {string.Join(" ", outputs)}");
        }

        /// <summary>The operation with its fused parts, e.g. "Conv3x3 s2 depthwise + SiLU" or "MatMul (packed 64x128 + bias)".</summary>
        public static string Operation(Node node)
        {
            string operation = node.Op is Conv ? Conv.Describe(node) : node.OpType;
            if (node.Lowering is MatMulLowering { ConstantB: not null } linear)
                operation = $"{node.OpType} (packed {linear.K}x{linear.N}" + (linear.Bias != null ? " + bias" : "") + ")";
            if (node.Lowering is MatMulLowering { ConstantB: null } batched)
                operation = $"{node.OpType} ({batched.AOffsets.Length} x {batched.M}x{batched.K}·{batched.K}x{batched.N}" +
                            (batched.TransposeB ? ", B transposed" : "") + (batched.Alpha != 1f ? ", alpha " + CSharpLiteral.Float(batched.Alpha) : "") + ")";
            if (node.Lowering is AttentionLowering attention)
                operation = Attention.Describe(attention);
            if (node.Lowering is ConvPairLowering pair)
                operation = ConvPairOperator.Describe(pair);
            if (node.Residual != null) operation += " + residual";
            if (!node.Activation.IsNone) operation += " + " + node.Activation.Kind;
            return operation;
        }
    }
}
