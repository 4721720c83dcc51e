using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Softmax: one axis from opset 13 (default -1); before 13 the input is coerced to 2-D at axis (default 1).</summary>
    public sealed class Softmax : OperatorDefinition
    {
        public override string OpType => "Softmax";

        public override void Infer(Node node, InferenceContext context) => InferAxis(node, context);

        /// <summary>[outer, axis length, inner] of the normalized axis as node.Lowering; shared with LogSoftmax.</summary>
        internal static void InferAxis(Node node, InferenceContext context)
        {
            var x = RequireInput(node, 0, context);
            bool legacy = context.Opset < 13;
            int axis = ShapeMath.NormalizeAxis(node.Attributes.GetInt("axis", legacy ? 1 : -1), x.Rank);
            if (axis < 0) throw context.ShapeError(node, $"axis is out of range for rank {x.Rank}");
            int outer = (int)ShapeMath.Product(x.Shape, 0, axis);
            int length = legacy ? (int)ShapeMath.Product(x.Shape, axis, x.Rank) : x.Shape[axis];
            int inner = legacy ? 1 : (int)ShapeMath.Product(x.Shape, axis + 1, x.Rank);
            node.Lowering = new[] { outer, length, inner };
            SetOutput(node, 0, x.Shape, ElementType.Float32);
        }

        public override void Emit(Node node, EmitContext context)
        {
            var p = (int[])node.Lowering!;
            context.Body.Line($"{EmitContext.Runtime}SoftmaxF32.Run({context.Read(node.Inputs[0]!)}, {context.Write(node.Outputs[0])}, {p[0]}, {p[1]}, {p[2]});");
        }
    }
}
