using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>Numpy-broadcasting elementwise operators (Add, Sub, Mul, Div, Pow, Max, Min).</summary>
    public abstract class BinaryOperator : OperatorDefinition
    {
        /// <summary>Name of MobileViT.Runtime.BinaryKind.</summary>
        protected abstract string Kind { get; }

        protected abstract double Compute(double a, double b);

        public override string Notes => "numpy broadcasting up to rank 8; run-time tensors float32";

        public override void Infer(Node node, InferenceContext context)
        {
            var a = RequireInput(node, 0, context);
            var b = RequireInput(node, 1, context);
            // Pow(float, int64 constant) and the like: the integer operand becomes a float constant (never Pow's base,
            // whose type is the result's).
            if (a.Type == ElementType.Float32 && b.Type != ElementType.Float32 && b.Constant != null) b = FloatConstantInput(node, 1);
            if (b.Type == ElementType.Float32 && a.Type != ElementType.Float32 && a.Constant != null && !(this is Pow)) a = FloatConstantInput(node, 0);
            var shape = ShapeMath.Broadcast(a.Shape, b.Shape)
                        ?? throw context.ShapeError(node, $"shapes {ShapeMath.Format(a.Shape)} and {ShapeMath.Format(b.Shape)} do not broadcast");
            var type = a.Type;
            if (a.Constant != null && b.Constant != null)
            {
                var value = ConstantMath.Binary(a.Constant, b.Constant, shape, type, Fold(type));
                SetConstantOutput(node, 0, value);
                return;
            }
            SetOutput(node, 0, shape, type);
        }

        private static Tensor FloatConstantInput(Node node, int index)
        {
            var original = node.Inputs[index]!;
            var converted = new Tensor(original.Name + "_as_float", ElementType.Float32, original.Shape)
            {
                Constant = ConstantTensor.FromFloats(original.Shape, original.Constant!.AsFloats()),
            };
            original.Consumers.Remove(node);
            node.Inputs[index] = converted;
            converted.Consumers.Add(node);
            return converted;
        }

        /// <summary>Integer division truncates like ONNX's integer Div.</summary>
        private System.Func<double, double, double> Fold(ElementType type)
        {
            if (type != ElementType.Float32 && Kind == "Div") return (x, y) => y == 0 ? 0 : System.Math.Truncate(x / y);
            if (type == ElementType.Float32) return (x, y) => (float)Compute((float)x, (float)y);
            return Compute;
        }

        public override void Emit(Node node, EmitContext context)
        {
            var a = node.Inputs[0]!;
            var b = node.Inputs[1]!;
            var output = node.Outputs[0];
            context.Body.Line($"{EmitContext.Runtime}BinaryF32.Run({EmitContext.Runtime}BinaryKind.{Kind}, {context.Read(a)}, {context.Read(b)}, {context.Write(output)}, " +
                              $"{context.IntSpan(output.Shape.Length == 0 ? new[] { 1 } : output.Shape)}, " +
                              $"{context.IntSpan(Strides(a.Shape, output.Shape))}, {context.IntSpan(Strides(b.Shape, output.Shape))});");
        }

        private static int[] Strides(int[] shape, int[] outShape) =>
            outShape.Length == 0 ? new[] { 0 } : ShapeMath.BroadcastStrides(shape, outShape);
    }
}
