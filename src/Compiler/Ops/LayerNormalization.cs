using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// ONNX LayerNormalization (opset 17), also the target of the pass that recognizes the opset-13 decomposition
    /// (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add).
    /// </summary>
    public sealed class LayerNormalization : OperatorDefinition
    {
        public override string OpType => "LayerNormalization";

        public override string Notes => "scale and bias cover all normalized axes; Mean/InvStdDev outputs unsupported";

        public override void Infer(Node node, InferenceContext context)
        {
            var x = RequireInput(node, 0, context);
            var scale = RequireInput(node, 1, context);
            int axis = ShapeMath.NormalizeAxis(node.Attributes.GetInt("axis", -1), x.Rank);
            if (axis < 0) throw context.ShapeError(node, $"axis is out of range for rank {x.Rank}");
            int cols = (int)ShapeMath.Product(x.Shape, axis, x.Rank);
            if (scale.ElementCount != cols) throw context.Unsupported(node, $"scale has {scale.ElementCount} elements for {cols} normalized ones (broadcast scale unsupported)");
            var bias = node.Input(2);
            if (bias != null && bias.ElementCount != cols) throw context.Unsupported(node, $"bias has {bias.ElementCount} elements for {cols} normalized ones");
            for (int o = 1; o < node.Outputs.Count; o++)
                if (node.Outputs[o].Consumers.Count > 0 || node.Outputs[o].IsGraphOutput) throw context.Unsupported(node, "the Mean/InvStdDev outputs are used");
            node.Lowering = new[] { (int)ShapeMath.Product(x.Shape, 0, axis), cols };
            SetOutput(node, 0, x.Shape, ElementType.Float32);
        }

        public static float Epsilon(Node node) => node.Attributes.GetFloat("epsilon", 1e-5f);

        public override void Emit(Node node, EmitContext context)
        {
            var p = (int[])node.Lowering!;
            float epsilon = Epsilon(node);
            context.Body.Line($"{EmitContext.Runtime}LayerNormF32.Run({context.Read(node.Inputs[0]!)}, {context.Read(node.Inputs[1]!)}, {context.ReadOrEmpty(node.Input(2))}, " +
                              $"{context.Write(node.Outputs[0])}, {p[0]}, {p[1]}, {CSharpLiteral.Float(epsilon)});");
        }
    }
}
