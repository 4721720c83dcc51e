using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Onnx;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Cast: folded for constants; at run time only float to float (a no-op alias).</summary>
    public class Cast : OperatorDefinition
    {
        public override string OpType => "Cast";

        public override bool IsAlias => true;

        public override string Notes => "run time: float32 to float32 only";

        public override void Infer(Node node, InferenceContext context)
        {
            var x = RequireInput(node, 0, context);
            var to = Target(node, context);
            var type = TensorTypes.ToElementType(to);
            if (type == null) throw context.Unsupported(node, $"cast to {to}");
            node.Outputs[0].OnnxType = to;
            if (x.Constant != null)
            {
                ConstantTensor value;
                if (type == ElementType.Float32) value = ConstantTensor.FromFloats(x.Shape, RoundTo(to, x.Constant.AsFloats()));
                else if (type == ElementType.Bool) value = ConstantMath.Unary(ConstantTensor.FromInts(x.Shape, x.Constant.AsInts()), v => v != 0 ? 1 : 0);
                else value = ConstantTensor.FromInts(x.Shape, x.Constant.Type == ElementType.Float32 ? Truncate(x.Constant.Floats!) : x.Constant.Ints!, ElementType.Int64);
                if (type == ElementType.Bool) value = ConstantTensor.FromInts(value.Shape, value.Ints!, ElementType.Bool);
                SetConstantOutput(node, 0, value);
                return;
            }
            if (to != OnnxDataType.Float || x.Type != ElementType.Float32)
                throw new CompileError(Diagnostics.DiagnosticCatalog.UnsupportedDataType.Create(context.ModelFileName, node.Outputs[0].Name, to.ToString()));
            SetOutput(node, 0, x.Shape, ElementType.Float32);
        }

        /// <summary>The type to cast to: Cast's "to" attribute.</summary>
        protected virtual OnnxDataType Target(Node node, InferenceContext context) => (OnnxDataType)node.Attributes.GetInt("to", 0);

        /// <summary>Float values rounded to the precision of <paramref name="type"/> (float16, bfloat16), as the cast would store them.</summary>
        private static float[] RoundTo(OnnxDataType type, float[] values)
        {
            var result = (float[])values.Clone();
            if (type == OnnxDataType.BFloat16)
            {
                for (int i = 0; i < result.Length; i++)
                {
                    if (float.IsNaN(result[i])) continue;
                    int bits = System.BitConverter.ToInt32(System.BitConverter.GetBytes(result[i]), 0);
                    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & unchecked((int)0xFFFF0000); // round to nearest even
                    result[i] = System.BitConverter.ToSingle(System.BitConverter.GetBytes(bits), 0);
                }
            }
            else if (type == OnnxDataType.Float16)
            {
                for (int i = 0; i < result.Length; i++) result[i] = RoundToHalf(result[i]);
            }
            return result;
        }

        private static float RoundToHalf(float value)
        {
            if (float.IsNaN(value) || float.IsInfinity(value) || value == 0) return value;
            double magnitude = System.Math.Abs((double)value);
            if (magnitude >= 65520) return value > 0 ? float.PositiveInfinity : float.NegativeInfinity;
            int exponent = System.Math.Max((int)System.Math.Floor(System.Math.Log(magnitude, 2)), -14);
            double quantum = System.Math.Pow(2, exponent - 10);
            double rounded = System.Math.Round(magnitude / quantum, System.MidpointRounding.ToEven) * quantum;
            return (float)(value < 0 ? -rounded : rounded);
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
