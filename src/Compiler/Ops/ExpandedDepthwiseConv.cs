using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// Not an ONNX operator: a pointwise Conv (with its fused activation) and the depthwise Conv that alone reads its
    /// output, recognized by the FuseExpansionIntoDepthwise pass and run by the runtime's ExpandedDepthwiseF32, which
    /// keeps the expanded channels out of memory where it can. Operands as <see cref="ConvPairOperator"/> says; the
    /// workspace is the expanded tensor.
    /// </summary>
    public sealed class ExpandedDepthwiseConv : ConvPairOperator
    {
        public override string OpType => "ExpandedDepthwiseConv";

        protected override string RuntimeClass => "ExpandedDepthwiseF32";
        protected override string PackFirst => "ExpandedDepthwiseF32.PackExpansionWeights";
        protected override string PackSecond => "Conv2dF32.PackWeights";
    }

    /// <summary>The expansion, the depthwise convolution and the expansion's activation of an <see cref="ExpandedDepthwiseConv"/> step.</summary>
    public sealed class ExpandedDepthwiseLowering : ConvPairLowering
    {
        public ExpandedDepthwiseLowering(SpatialGeometry expansion, SpatialGeometry depthwise, FusedActivation expansionActivation)
            : base(expansion, depthwise, expansionActivation)
        {
        }

        public SpatialGeometry Expansion => First;
        public SpatialGeometry Depthwise => Second;
        public FusedActivation ExpansionActivation => FirstActivation;
    }
}
