using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX ConstantOfShape: folded at compile time.</summary>
    public sealed class ConstantOfShape : OperatorDefinition
    {
        public override string OpType => "ConstantOfShape";

        public override string Notes => "shape must fold to a constant";

        public override void Infer(Node node, InferenceContext context)
        {
            var dims = RequireConstant(node, 0, context, "the shape").AsInts();
            var shape = new int[dims.Length];
            for (int i = 0; i < dims.Length; i++)
            {
                if (dims[i] < 0 || dims[i] > 1 << 28) throw context.ShapeError(node, $"invalid dimension {dims[i]}");
                shape[i] = (int)dims[i];
            }
            var fill = node.Attributes.GetTensor("value") is { } tensor ? context.DecodeTensor(tensor) : ConstantTensor.FromFloats(new[] { 1 }, new[] { 0f });
            long count = ShapeMath.Product(shape);
            if (count > 1 << 24) throw context.Unsupported(node, $"a constant of {count} elements");
            if (fill.Type == ElementType.Float32)
            {
                var values = new float[count];
                for (long i = 0; i < count; i++) values[i] = fill.Floats![0];
                SetConstantOutput(node, 0, ConstantTensor.FromFloats(shape, values));
            }
            else
            {
                var values = new long[count];
                for (long i = 0; i < count; i++) values[i] = fill.Ints![0];
                SetConstantOutput(node, 0, ConstantTensor.FromInts(shape, values, fill.Type));
            }
        }

        public override void Emit(Node node, EmitContext context) => throw new System.InvalidOperationException("constants are not emitted as steps");
    }
}
