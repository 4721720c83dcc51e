using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// Not an ONNX operator: two convolutions where the second alone reads the first, run as one step by a runtime class
    /// whose Run takes (X, first weights, first bias, first activation, workspace, second weights, second bias, residual,
    /// output, first geometry, second geometry, activation). Inputs: X, the first weight and bias, the second weight and
    /// bias (biases may be null); the second step's residual and activation as on any Conv. Outputs: the second result and
    /// the first's output, a workspace the memory plan allocates for the two-step fallback.
    /// </summary>
    public abstract class ConvPairOperator : OperatorDefinition
    {
        /// <summary>The runtime class that runs the pair.</summary>
        protected abstract string RuntimeClass { get; }

        /// <summary>The runtime method (on <see cref="RuntimeClass"/> or elsewhere) packing the first convolution's weights, with its class.</summary>
        protected abstract string PackFirst { get; }

        /// <summary>The runtime method packing the second convolution's weights, with its class.</summary>
        protected abstract string PackSecond { get; }

        /// <summary>Shapes come from the two convolutions the pass replaced; nothing is left to infer.</summary>
        public override void Infer(Node node, InferenceContext context)
        {
        }

        public override void Emit(Node node, EmitContext context)
        {
            var p = (ConvPairLowering)node.Lowering!;
            var workspace = node.Outputs[1];
            var firstField = p.First.Declare(context, context.ChannelStride(node.Inputs[0]!), context.ChannelStride(workspace));
            var secondField = p.Second.Declare(context, context.ChannelStride(workspace), context.ChannelStride(node.Outputs[0]));
            var firstWeights = context.PreparedField("float[]", $"{EmitContext.Runtime}{PackFirst}(" +
                $"{context.ConstantName(node.Inputs[1]!.Constant!, runTime: false)}, {firstField.Substring(5)})");
            var secondWeights = context.PreparedField("float[]", $"{EmitContext.Runtime}{PackSecond}(" +
                $"{context.ConstantName(node.Inputs[3]!.Constant!, runTime: false)}, {secondField.Substring(5)})");
            context.Body.Line($"{EmitContext.Runtime}{RuntimeClass}.Run({context.Read(node.Inputs[0]!)}, {firstWeights}, {context.ReadOrEmpty(node.Input(2))}, " +
                              $"{EmitContext.Activation(p.FirstActivation)}, {context.Write(workspace)}, {secondWeights}, {context.ReadOrEmpty(node.Input(4))}, " +
                              $"{context.ReadOrEmpty(node.Residual)}, {context.Write(node.Outputs[0])}, in {firstField}, in {secondField}, {EmitContext.Activation(node.Activation)});");
        }

        /// <summary>"Conv1x1 + Clip → Conv3x3 s2 depthwise".</summary>
        public static string Describe(ConvPairLowering p) =>
            "Conv" + p.First.Describe() + (p.FirstActivation.IsNone ? "" : " + " + p.FirstActivation.Kind) + " → Conv" + p.Second.Describe();
    }

    /// <summary>The two geometries and the first convolution's activation of a <see cref="ConvPairOperator"/> step.</summary>
    public abstract class ConvPairLowering
    {
        protected ConvPairLowering(SpatialGeometry first, SpatialGeometry second, FusedActivation firstActivation)
        {
            First = first;
            Second = second;
            FirstActivation = firstActivation;
        }

        public SpatialGeometry First { get; }
        public SpatialGeometry Second { get; }
        public FusedActivation FirstActivation { get; }

        public long MultiplyAccumulates => MultiplyAccumulatesOf(First) + MultiplyAccumulatesOf(Second);

        private static long MultiplyAccumulatesOf(SpatialGeometry g) =>
            (long)g.Batch * g.OutChannels * g.OutHeight * g.OutWidth * (g.InChannels / g.Groups) * g.KernelHeight * g.KernelWidth;
    }
}
