using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// Not an ONNX operator: a pointwise Conv (with its fused activation) and the depthwise Conv that alone reads its
    /// output, recognized by the FuseExpansionIntoDepthwise pass and run by the runtime's ExpandedDepthwiseF32, which
    /// keeps the expanded channels out of memory where it can. Inputs: X, the expansion's weight and bias, the depthwise
    /// weight and bias (biases may be null); the depthwise step's residual and activation as on any Conv. Outputs: the
    /// depthwise result and the expanded tensor, a workspace the memory plan allocates for the two-step fallback.
    /// </summary>
    public sealed class ExpandedDepthwiseConv : OperatorDefinition
    {
        public override string OpType => "ExpandedDepthwiseConv";

        /// <summary>Shapes come from the two convolutions the pass replaced; nothing is left to infer.</summary>
        public override void Infer(Node node, InferenceContext context)
        {
        }

        public override void Emit(Node node, EmitContext context)
        {
            var p = (ExpandedDepthwiseLowering)node.Lowering!;
            var expanded = node.Outputs[1];
            var expansionField = p.Expansion.Declare(context, context.ChannelStride(node.Inputs[0]!), context.ChannelStride(expanded));
            var depthwiseField = p.Depthwise.Declare(context, context.ChannelStride(expanded), context.ChannelStride(node.Outputs[0]));
            var expansionWeights = context.PreparedField("float[]", $"{EmitContext.Runtime}ExpandedDepthwiseF32.PackExpansionWeights(" +
                $"{context.ConstantName(node.Inputs[1]!.Constant!, runTime: false)}, {expansionField.Substring(5)})");
            var depthwiseWeights = context.PreparedField("float[]", $"{EmitContext.Runtime}Conv2dF32.PackWeights(" +
                $"{context.ConstantName(node.Inputs[3]!.Constant!, runTime: false)}, {depthwiseField.Substring(5)})");
            context.Body.Line($"{EmitContext.Runtime}ExpandedDepthwiseF32.Run({context.Read(node.Inputs[0]!)}, {expansionWeights}, {context.ReadOrEmpty(node.Input(2))}, " +
                              $"{EmitContext.Activation(p.ExpansionActivation)}, {context.Write(expanded)}, {depthwiseWeights}, {context.ReadOrEmpty(node.Input(4))}, " +
                              $"{context.ReadOrEmpty(node.Residual)}, {context.Write(node.Outputs[0])}, in {expansionField}, in {depthwiseField}, {EmitContext.Activation(node.Activation)});");
        }

        /// <summary>"Conv1x1 + Clip → Conv3x3 s2 depthwise".</summary>
        public static string Describe(ExpandedDepthwiseLowering p) =>
            "Conv" + p.Expansion.Describe() + (p.ExpansionActivation.IsNone ? "" : " + " + p.ExpansionActivation.Kind) + " → Conv" + p.Depthwise.Describe();
    }

    /// <summary>The two geometries and the expansion's activation of an <see cref="ExpandedDepthwiseConv"/> step.</summary>
    public sealed class ExpandedDepthwiseLowering
    {
        public ExpandedDepthwiseLowering(SpatialGeometry expansion, SpatialGeometry depthwise, FusedActivation expansionActivation)
        {
            Expansion = expansion;
            Depthwise = depthwise;
            ExpansionActivation = expansionActivation;
        }

        public SpatialGeometry Expansion { get; }
        public SpatialGeometry Depthwise { get; }
        public FusedActivation ExpansionActivation { get; }

        public long MultiplyAccumulates =>
            (long)Expansion.Batch * Expansion.OutChannels * Expansion.OutHeight * Expansion.OutWidth * Expansion.InChannels
            + (long)Depthwise.Batch * Depthwise.OutChannels * Depthwise.OutHeight * Depthwise.OutWidth * Depthwise.KernelHeight * Depthwise.KernelWidth;
    }
}
