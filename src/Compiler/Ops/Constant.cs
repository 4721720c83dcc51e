using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Constant: value (tensor), value_float(s), value_int(s).</summary>
    public sealed class Constant : OperatorDefinition
    {
        public override string OpType => "Constant";

        public override string Notes => "value, value_float, value_floats, value_int, value_ints; sparse and string values unsupported";

        public override void Infer(Node node, InferenceContext context)
        {
            var a = node.Attributes;
            ConstantTensor value;
            if (a.GetTensor("value") is { } tensor) value = context.DecodeTensor(tensor);
            else if (a.Has("value_float")) value = ConstantTensor.FromFloats(new int[0], new[] { a.GetFloat("value_float", 0) });
            else if (a.GetFloats("value_floats") is { } floats) value = ConstantTensor.FromFloats(new[] { floats.Length }, floats);
            else if (a.Has("value_int")) value = ConstantTensor.FromInts(new int[0], new[] { a.GetInt("value_int", 0) });
            else if (a.GetInts("value_ints") is { } ints) value = ConstantTensor.FromInts(new[] { ints.Length }, ints);
            else throw context.Unsupported(node, "no supported value attribute (sparse_value and string values are not supported)");
            SetConstantOutput(node, 0, value);
        }

        public override void Emit(Node node, EmitContext context) => throw new System.InvalidOperationException("constants are not emitted as steps");
    }
}
