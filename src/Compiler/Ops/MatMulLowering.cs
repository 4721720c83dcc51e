using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// How a MatMul or Gemm runs: with constant B, one GEMM over all rows against prepacked weights with a fused
    /// bias/residual/activation epilogue; otherwise a batch of run-time GEMMs at precomputed offsets.
    /// </summary>
    public sealed class MatMulLowering
    {
        public int M, K, N;
        public bool TransposeA, TransposeB;
        public float Alpha = 1f;

        /// <summary>Constant B (possibly transposed, see <see cref="TransposeB"/>); null when B is computed at run time.</summary>
        public ConstantTensor? ConstantB;

        /// <summary>Per-column bias of length N fused from a following Add; null when none.</summary>
        public ConstantTensor? Bias;

        /// <summary>Element offsets of each batch's A and B matrices (run-time B only).</summary>
        public int[] AOffsets = new int[0], BOffsets = new int[0];

        public void Emit(Node node, EmitContext context)
        {
            string rt = EmitContext.Runtime;
            var a = node.Inputs[0]!;
            var output = node.Outputs[0];
            if (ConstantB != null)
            {
                var b = context.ConstantName(ConstantB, runTime: false);
                var packed = context.PreparedField("float[]", $"{rt}GemmF32.PackB({b}, {K}, {N}, {(TransposeB ? "true" : "false")})");
                string bias = Bias != null ? "Data." + context.ConstantName(Bias, runTime: true) : "default";
                context.Body.Line($"{rt}GemmF32.RunPackedB({context.Read(a)}, {packed}, {bias}, {context.ReadOrEmpty(node.Residual)}, {context.Write(output)}, {M}, {K}, {N}, {EmitContext.Activation(node.Activation)});");
                return;
            }
            var bTensor = node.Inputs[1]!;
            string alpha = CSharpLiteral.Float(Alpha);
            string trA = TransposeA ? "true" : "false", trB = TransposeB ? "true" : "false";
            if (AOffsets.Length == 1)
            {
                context.Body.Line($"{rt}GemmF32.Run({context.Read(a)}, {trA}, {context.Read(bTensor)}, {trB}, {context.Write(output)}, {M}, {K}, {N}, {alpha});");
                return;
            }
            // One product per batch (broadcast batches repeat an offset); the offsets are compile-time constants.
            context.Body.Line($"{rt}GemmF32.RunBatched({context.Read(a)}, {context.IntSpan(AOffsets)}, {trA}, {context.Read(bTensor)}, {context.IntSpan(BOffsets)}, {trB}, " +
                              $"{context.Write(output)}, {M}, {K}, {N}, {alpha});");
        }
    }
}
