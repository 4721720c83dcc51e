using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Onnx;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Cast: folded for constants; at run time only float to float (a no-op alias).</summary>
    public sealed class Cast : OperatorDefinition
    {
        public override string OpType => "Cast";

        public override bool IsAlias => true;

        public override string Notes => "run time: float32 to float32 only";

        public override void Infer(Node node, InferenceContext context)
        {
            var x = RequireInput(node, 0, context);
            var to = (OnnxDataType)node.Attributes.GetInt("to", 0);
            var type = TensorTypes.ToElementType(to);
            if (type == null) throw context.Unsupported(node, $"cast to {to}");
            node.Outputs[0].OnnxType = to;
            if (x.Constant != null)
            {
                ConstantTensor value;
                if (type == ElementType.Float32) value = ConstantTensor.FromFloats(x.Shape, (float[])x.Constant.AsFloats().Clone());
                else if (type == ElementType.Bool) value = ConstantMath.Unary(ConstantTensor.FromInts(x.Shape, x.Constant.AsInts()), v => v != 0 ? 1 : 0);
                else value = ConstantTensor.FromInts(x.Shape, x.Constant.Type == ElementType.Float32 ? Truncate(x.Constant.Floats!) : x.Constant.Ints!, ElementType.Int64);
                if (type == ElementType.Bool) value = ConstantTensor.FromInts(value.Shape, value.Ints!, ElementType.Bool);
                SetConstantOutput(node, 0, value);
                return;
            }
            if (type != ElementType.Float32 || x.Type != ElementType.Float32)
                throw context.Unsupported(node, $"a run-time cast from {x.OnnxType} to {to}; run-time tensors must be float32");
            SetOutput(node, 0, x.Shape, ElementType.Float32);
        }

        private static long[] Truncate(float[] values)
        {
            var result = new long[values.Length];
            for (int i = 0; i < values.Length; i++) result[i] = (long)values[i];
            return result;
        }

        public override void Emit(Node node, EmitContext context) =>
            context.Body.Line($"{context.Read(node.Inputs[0]!)}.CopyTo({context.Write(node.Outputs[0])});");
    }
}
