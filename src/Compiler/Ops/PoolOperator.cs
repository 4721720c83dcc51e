using System.Linq;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>MaxPool and AveragePool over 1-D or 2-D windows.</summary>
    public abstract class PoolOperator : OperatorDefinition
    {
        public override string Notes => "1-D/2-D; pads, strides, auto_pad, ceil_mode; no Indices output";

        public override void Infer(Node node, InferenceContext context)
        {
            var x = RequireInput(node, 0, context);
            var kernel = node.Attributes.GetInts("kernel_shape")?.Select(k => (int)k).ToArray() ?? throw context.ShapeError(node, "kernel_shape is required");
            if (node.Outputs.Count > 1 && (node.Outputs[1].Consumers.Count > 0 || node.Outputs[1].IsGraphOutput)) throw context.Unsupported(node, "the Indices output");
            bool ceil = node.Attributes.GetInt("ceil_mode", 0) != 0;
            var geometry = SpatialGeometry.Compute(node, x, kernel, x.Shape[1], 1, ceil, context);
            node.Lowering = geometry;
            SetOutput(node, 0, geometry.OutputShape(x.Rank), ElementType.Float32);
        }

        protected static string Geometry(Node node, EmitContext context) => ((SpatialGeometry)node.Lowering!).Declare(context);
    }

    /// <summary>ONNX MaxPool.</summary>
    public sealed class MaxPool : PoolOperator
    {
        public override string OpType => "MaxPool";

        public override void Emit(Node node, EmitContext context) =>
            context.Body.Line($"{EmitContext.Runtime}PoolF32.MaxPool2d({context.Read(node.Inputs[0]!)}, {context.Write(node.Outputs[0])}, in {Geometry(node, context)});");
    }

    /// <summary>ONNX AveragePool.</summary>
    public sealed class AveragePool : PoolOperator
    {
        public override string OpType => "AveragePool";

        public override void Emit(Node node, EmitContext context)
        {
            bool include = node.Attributes.GetInt("count_include_pad", 0) != 0;
            context.Body.Line($"{EmitContext.Runtime}PoolF32.AveragePool2d({context.Read(node.Inputs[0]!)}, {context.Write(node.Outputs[0])}, in {Geometry(node, context)}, {(include ? "true" : "false")});");
        }
    }
}
