using System;
using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Onnx;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// ONNX GroupNormalization (opset 18: scale and bias per group; 21: per channel), as newer exporters write
    /// MobileViTv2's GroupNorm. It runs as the graph PyTorch's own exporter writes for GroupNorm: X reshaped to
    /// [N, groups, rest], an InstanceNormalization over each group, reshaped back, and at opset 21 the per-channel
    /// scale and bias as a multiply and an add.
    /// </summary>
    public sealed class GroupNormalization : OperatorDefinition, IExpandingOperator
    {
        public override string OpType => "GroupNormalization";

        public override string Notes => "scale and bias per group (18) or per channel (21), constant; stash_type float32; runs as InstanceNormalization over [N, groups, rest]";

        public override void Infer(Node node, InferenceContext context)
        {
            var x = RequireInput(node, 0, context);
            if (x.Rank < 2) throw context.ShapeError(node, $"rank {x.Rank}: the input needs a channel axis");
            long groups = node.Attributes.GetInt("num_groups", 0);
            int channels = x.Shape[1];
            if (groups <= 0 || channels % groups != 0)
                throw context.ShapeError(node, $"num_groups {groups} must be positive and divide the {channels} channels");
            if (node.Attributes.GetInt("stash_type", 1) != 1)
                throw context.Unsupported(node, "stash_type other than float32");
            int perParameter = PerChannel(context) ? channels : (int)groups;
            for (int i = 1; i <= 2; i++)
            {
                var parameter = RequireConstant(node, i, context, i == 1 ? "scale" : "bias");
                if (parameter.Length != perParameter)
                    throw context.ShapeError(node, $"{(i == 1 ? "scale" : "bias")} has {parameter.Length} values; opset {context.Opset} gives one per {(PerChannel(context) ? "channel" : "group")} ({perParameter})");
            }
            if (x.Type != ElementType.Float32) throw context.Unsupported(node, "inputs other than float32");
            SetOutput(node, 0, x.Shape, ElementType.Float32);
        }

        public override void Emit(Node node, EmitContext context) =>
            throw new InvalidOperationException("GroupNormalization runs as the steps Expand makes; it is never emitted itself");

        /// <summary>Opset 21 made scale and bias per channel; 18 had one value per group.</summary>
        private static bool PerChannel(InferenceContext context) => context.Opset >= 21;

        public IReadOnlyList<Node> Expand(Node node, InferenceContext context)
        {
            var x = node.Inputs[0]!;
            foreach (var input in node.Inputs) input?.Consumers.Remove(node);
            int groups = (int)node.Attributes.GetInt("num_groups", 0);
            int batch = x.Shape[0], channels = x.Shape[1];
            int rest = (int)(ShapeMath.Product(x.Shape) / batch / groups);
            var steps = new ExpansionSteps(node);
            var grouped = steps.Reshape(x, new[] { batch, groups, rest });
            Tensor scale, bias;
            if (PerChannel(context))
            {
                scale = steps.FloatConstant("ones", ConstantTensor.FromFloats(new[] { groups }, Enumerable.Repeat(1f, groups).ToArray()));
                bias = steps.FloatConstant("zeros", ConstantTensor.FromFloats(new[] { groups }, new float[groups]));
            }
            else
            {
                scale = node.Inputs[1]!;
                bias = node.Inputs[2]!;
            }
            var epsilon = OnnxAttribute.Of("epsilon", node.Attributes.GetFloat("epsilon", 1e-5f));
            var normalized = steps.Add("InstanceNormalization", new[] { grouped, scale, bias }, new[] { batch, groups, rest }, epsilon);
            var result = steps.Reshape(normalized, x.Shape);
            if (PerChannel(context))
            {
                // [C, 1, ...]: one value per channel, broadcast over the spatial axes.
                var perChannel = new[] { channels }.Concat(Enumerable.Repeat(1, x.Rank - 2)).ToArray();
                var channelScale = steps.FloatConstant("scale", node.Inputs[1]!.Constant!.Reshaped(perChannel));
                var channelBias = steps.FloatConstant("bias", node.Inputs[2]!.Constant!.Reshaped(perChannel));
                result = steps.Add("Mul", new[] { result, channelScale }, x.Shape);
                result = steps.Add("Add", new[] { result, channelBias }, x.Shape);
            }
            return steps.Finish(result);
        }
    }
}
