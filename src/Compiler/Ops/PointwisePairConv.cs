using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// Not an ONNX operator: a pointwise Conv (with its fused activation) and the pointwise Conv that alone reads its
    /// output (a channel mixer), recognized by the FusePointwisePair pass and run by the runtime's PointwisePairF32, which
    /// keeps both products in channel blocks where it can. Operands as <see cref="ConvPairOperator"/> says; the workspace
    /// is the hidden tensor (the two-step fallback's intermediate, or its channel blocks).
    /// </summary>
    public sealed class PointwisePairConv : ConvPairOperator
    {
        public override string OpType => "PointwisePairConv";

        protected override string RuntimeClass => "PointwisePairF32";
        protected override string PackFirst => "PointwisePairF32.PackWeights";
        protected override string PackSecond => "PointwisePairF32.PackWeights";
    }

    /// <summary>The two geometries and the first convolution's activation of a <see cref="PointwisePairConv"/> step.</summary>
    public sealed class PointwisePairLowering : ConvPairLowering
    {
        public PointwisePairLowering(SpatialGeometry first, SpatialGeometry second, FusedActivation firstActivation)
            : base(first, second, firstActivation)
        {
        }
    }
}
