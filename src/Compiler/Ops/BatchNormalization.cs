using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// ONNX BatchNormalization in inference mode. Folded into a preceding Conv by a pass; otherwise run as a
    /// per-channel scale and shift computed at compile time.
    /// </summary>
    public sealed class BatchNormalization : OperatorDefinition
    {
        public override string OpType => "BatchNormalization";

        public override string Notes => "inference mode; constant statistics; folded into a preceding Conv";

        public override void Infer(Node node, InferenceContext context)
        {
            var x = RequireInput(node, 0, context);
            if (node.Attributes.GetInt("training_mode", 0) != 0) throw context.Unsupported(node, "training_mode=1");
            // Opsets 6 to 8: spatial=0 keeps statistics per channel and position, and is_test=0 (6) trains; exporters
            // write spatial=1 and is_test=1, the later behaviour.
            if (node.Attributes.GetInt("spatial", 1) != 1) throw context.Unsupported(node, "spatial=0 (statistics per position)");
            if (node.Attributes.Has("is_test") && node.Attributes.GetInt("is_test", 0) == 0) throw context.Unsupported(node, "is_test=0 (training)");
            if (x.Rank < 2) throw context.ShapeError(node, "the input needs a channel axis");
            for (int i = 1; i <= 4; i++)
            {
                var parameter = RequireConstant(node, i, context, "the scale, bias, mean and variance");
                if (parameter.Length != x.Shape[1]) throw context.ShapeError(node, $"input {i} has {parameter.Length} values for {x.Shape[1]} channels");
            }
            for (int o = 1; o < node.Outputs.Count; o++)
                if (node.Outputs[o].Consumers.Count > 0 || node.Outputs[o].IsGraphOutput) throw context.Unsupported(node, "the training outputs (running mean/var) are used");
            var (scale, shift) = ScaleAndShift(node);
            node.Lowering = new[] { scale, shift };
            if (x.Constant != null)
            {
                var shape = x.Shape;
                var broadcast = ChannelShape(shape);
                var scaled = ConstantMath.Binary(x.Constant, scale.Reshaped(broadcast), shape, ElementType.Float32, (a, b) => a * b);
                SetConstantOutput(node, 0, ConstantMath.Binary(scaled, shift.Reshaped(broadcast), shape, ElementType.Float32, (a, b) => a + b));
                return;
            }
            SetOutput(node, 0, x.Shape, ElementType.Float32);
        }

        /// <summary>y = x·scale + shift with scale = γ/√(var+ε), shift = β − mean·scale, computed in double precision.</summary>
        public static (ConstantTensor Scale, ConstantTensor Shift) ScaleAndShift(Node node)
        {
            var gamma = node.Inputs[1]!.Constant!;
            var beta = node.Inputs[2]!.Constant!;
            var mean = node.Inputs[3]!.Constant!;
            var variance = node.Inputs[4]!.Constant!;
            double epsilon = node.Attributes.GetFloat("epsilon", 1e-5f);
            int channels = gamma.Length;
            var scale = new float[channels];
            var shift = new float[channels];
            for (int c = 0; c < channels; c++)
            {
                double s = gamma[c] / System.Math.Sqrt(variance[c] + epsilon);
                scale[c] = (float)s;
                shift[c] = (float)(beta[c] - mean[c] * s);
            }
            return (ConstantTensor.FromFloats(new[] { channels }, scale), ConstantTensor.FromFloats(new[] { channels }, shift));
        }

        private static int[] ChannelShape(int[] shape)
        {
            var result = new int[shape.Length];
            for (int i = 0; i < shape.Length; i++) result[i] = i == 1 ? shape[1] : 1;
            return result;
        }

        public override void Emit(Node node, EmitContext context)
        {
            var parameters = (ConstantTensor[])node.Lowering!;
            var x = node.Inputs[0]!;
            var output = node.Outputs[0];
            var broadcast = ChannelShape(x.Shape);
            var shape = context.IntSpan(x.Shape);
            var inputStrides = context.IntSpan(ShapeMath.Strides(x.Shape));
            var channelStrides = context.IntSpan(ShapeMath.BroadcastStrides(broadcast, x.Shape));
            string scale = "Data." + context.ConstantName(parameters[0], runTime: true);
            string shift = "Data." + context.ConstantName(parameters[1], runTime: true);
            context.Body.Line($"{EmitContext.Runtime}BinaryF32.Run({EmitContext.Runtime}BinaryKind.Mul, {context.Read(x)}, {scale}, {context.Write(output)}, {shape}, {inputStrides}, {channelStrides});");
            context.Body.Line($"{EmitContext.Runtime}BinaryF32.Run({EmitContext.Runtime}BinaryKind.Add, {context.Write(output)}, {shift}, {context.Write(output)}, {shape}, {inputStrides}, {channelStrides});");
        }
    }
}
