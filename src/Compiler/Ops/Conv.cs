using System.Linq;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// ONNX Conv (1-D and 2-D): groups, dilations, pads, strides, auto_pad. Weights and bias must be constants; a
    /// following BatchNormalization, residual Add and activation are fused into it by passes.
    /// </summary>
    public sealed class Conv : OperatorDefinition
    {
        public override string OpType => "Conv";

        public override string Notes => "1-D/2-D; constant W and B; groups, dilations, pads, strides, auto_pad; fused BN, residual, activation";

        public override void Infer(Node node, InferenceContext context)
        {
            var x = RequireInput(node, 0, context);
            var w = RequireConstant(node, 1, context, "the weight");
            if (node.Input(2) != null) RequireConstant(node, 2, context, "the bias");
            if (x.Type != ElementType.Float32) throw context.Unsupported(node, "non-float input");
            if (w.Shape.Length != x.Rank) throw context.ShapeError(node, $"weight rank {w.Shape.Length} does not match input rank {x.Rank}");
            int groups = (int)node.Attributes.GetInt("group", 1);
            if (groups <= 0 || x.Shape[1] % groups != 0 || w.Shape[0] % groups != 0)
                throw context.ShapeError(node, $"group {groups} does not divide input channels {x.Shape[1]} and output channels {w.Shape[0]}");
            if (w.Shape[1] * groups != x.Shape[1])
                throw context.ShapeError(node, $"weight expects {w.Shape[1] * groups} input channels, the input has {x.Shape[1]}");
            var kernel = node.Attributes.GetInts("kernel_shape")?.Select(k => (int)k).ToArray() ?? w.Shape.Skip(2).ToArray();
            if (!kernel.SequenceEqual(w.Shape.Skip(2))) throw context.ShapeError(node, "kernel_shape disagrees with the weight shape");
            var bias = node.Input(2)?.Constant;
            if (bias != null && bias.Length != w.Shape[0]) throw context.ShapeError(node, $"bias has {bias.Length} values for {w.Shape[0]} output channels");
            var geometry = SpatialGeometry.Compute(node, x, kernel, w.Shape[0], groups, ceilMode: false, context);
            node.Lowering = geometry;
            SetOutput(node, 0, geometry.OutputShape(x.Rank), ElementType.Float32);
        }

        public static string Describe(Node node) => "Conv" + ((SpatialGeometry)node.Lowering!).Describe();

        public override void Emit(Node node, EmitContext context)
        {
            var geometry = (SpatialGeometry)node.Lowering!;
            var geometryField = geometry.Declare(context, context.ChannelStride(node.Inputs[0]!), context.ChannelStride(node.Outputs[0]));
            var weight = context.ConstantName(node.Inputs[1]!.Constant!, runTime: false);
            var packed = context.PreparedField("float[]", $"{EmitContext.Runtime}Conv2dF32.PackWeights({weight}, {geometryField.Substring(5)})");
            context.Body.Line($"{EmitContext.Runtime}Conv2dF32.Run({context.Read(node.Inputs[0]!)}, {packed}, {context.ReadOrEmpty(node.Input(2))}, " +
                              $"{context.ReadOrEmpty(node.Residual)}, {context.Write(node.Outputs[0])}, in {geometryField}, {EmitContext.Activation(node.Activation)});");
        }
    }
}
