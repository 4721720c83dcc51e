using System.Linq;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// Not an ONNX operator: MatMul(Q, Kᵀ)·alpha → Softmax → MatMul(·, V), recognized by the FuseAttention pass and run
    /// head by head by the runtime's AttentionF32 so each head's scores stay in cache. Inputs Q, K, V; outputs the
    /// attention result and the scores workspace (heads × queries × keys, allocated by the memory plan like any tensor).
    /// </summary>
    public sealed class Attention : OperatorDefinition
    {
        public override string OpType => "Attention";

        /// <summary>Shapes come from the nodes the pass replaced; nothing is left to infer.</summary>
        public override void Infer(Node node, InferenceContext context)
        {
        }

        public override void Emit(Node node, EmitContext context)
        {
            var p = (AttentionLowering)node.Lowering!;
            context.Body.Line($"{EmitContext.Runtime}AttentionF32.Run({context.Read(node.Inputs[0]!)}, {context.IntSpan(p.QOffsets)}, {p.QRowStride}, " +
                              $"{context.Read(node.Inputs[1]!)}, {context.IntSpan(p.KOffsets)}, {p.KRowStride}, {context.Read(node.Inputs[2]!)}, {context.IntSpan(p.VOffsets)}, {p.VRowStride}, " +
                              $"{context.Write(node.Outputs[1])}, {context.Write(node.Outputs[0])}, {context.IntSpan(p.OutputOffsets)}, {p.OutputRowStride}, " +
                              $"{p.Queries}, {p.Keys}, {p.HeadDim}, {p.ValueDim}, {CSharpLiteral.Float(p.Alpha)});");
        }

        /// <summary>"Attention (16 heads, 256 queries × 256 keys, head 24, alpha 0.2f)".</summary>
        public static string Describe(AttentionLowering p) =>
            $"Attention ({p.QOffsets.Length} heads, {p.Queries} queries × {p.Keys} keys, head {p.HeadDim}" +
            (p.ValueDim != p.HeadDim ? $", value {p.ValueDim}" : "") + (p.Alpha != 1f ? ", alpha " + CSharpLiteral.Float(p.Alpha) : "") +
            (p.QRowStride != p.HeadDim || p.KRowStride != p.HeadDim || p.VRowStride != p.ValueDim
                ? $"; heads read in place, rows {Strides(p.QRowStride, p.KRowStride, p.VRowStride)} floats apart" : "") +
            (p.OutputRowStride != p.ValueDim ? $"; heads written in place, rows {p.OutputRowStride} floats apart" : "") + ")";

        private static string Strides(params int[] strides) => string.Join("/", strides.Distinct());
    }

    /// <summary>The fixed sizes and per-head element offsets of an <see cref="Attention"/> step.</summary>
    public sealed class AttentionLowering
    {
        public int Queries, Keys, HeadDim, ValueDim;
        public float Alpha = 1f;
        public int[] QOffsets = new int[0], KOffsets = new int[0], VOffsets = new int[0];
        /// <summary>Floats between consecutive rows of a head's Q, K and V (the head size when stored densely, as fused).</summary>
        public int QRowStride, KRowStride, VRowStride;
        /// <summary>Where each head's output rows start, and how far apart (densely packed heads as fused).</summary>
        public int[] OutputOffsets = new int[0];
        public int OutputRowStride;

        /// <summary>Multiply-accumulates of both products over all heads.</summary>
        public long MultiplyAccumulates => (long)QOffsets.Length * Queries * Keys * (HeadDim + ValueDim);
    }
}
