using System.Collections.Generic;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>One block of a data-movement operator: out[dst + Σ i·dstStride] = in[src + Σ i·srcStride] over Shape.</summary>
    public sealed class CopyPart
    {
        public CopyPart(int inputIndex, int outputIndex, int sourceOffset, int destinationOffset, int[] shape, int[] sourceStrides, int[] destinationStrides)
        {
            InputIndex = inputIndex;
            OutputIndex = outputIndex;
            SourceOffset = sourceOffset;
            DestinationOffset = destinationOffset;
            Shape = shape;
            SourceStrides = sourceStrides;
            DestinationStrides = destinationStrides;
        }

        public int InputIndex { get; }
        public int OutputIndex { get; }
        public int SourceOffset { get; }
        public int DestinationOffset { get; }
        public int[] Shape { get; }
        public int[] SourceStrides { get; }
        public int[] DestinationStrides { get; }
    }

    /// <summary>
    /// Data-movement operators (Transpose, Slice, Gather, Concat, Split, Expand): each is planned at compile time as
    /// fixed strided copies, folded for constants and emitted as constant-bound loops.
    /// </summary>
    public abstract class CopyOperator : OperatorDefinition
    {
        /// <summary>Output shapes and the copies that fill them.</summary>
        protected abstract List<CopyPart> Plan(Node node, InferenceContext context, out int[][] outputShapes);

        /// <summary>Which inputs are data (the rest are constant parameters such as indices or shapes).</summary>
        protected virtual bool IsDataInput(int index) => index == 0;

        /// <summary>The value of output elements no copy writes (Pad's border); null when the copies cover the output.</summary>
        protected virtual float? FillValue(Node node, int[] outputShape) => null;

        public override void Infer(Node node, InferenceContext context)
        {
            var parts = Plan(node, context, out var shapes);
            node.Lowering = parts;
            bool constant = true;
            for (int i = 0; i < node.Inputs.Count; i++)
                if (IsDataInput(i) && node.Inputs[i] != null && !node.Inputs[i]!.IsConstant) constant = false;
            var type = RequireInput(node, 0, context).Type;
            for (int o = 0; o < shapes.Length; o++)
            {
                if (constant) SetConstantOutput(node, o, Evaluate(node, parts, o, shapes[o], type, FillValue(node, shapes[o]) ?? 0f));
                else SetOutput(node, o, shapes[o], type);
            }
        }

        private static ConstantTensor Evaluate(Node node, List<CopyPart> parts, int output, int[] shape, ElementType type, float fill)
        {
            long count = ShapeMath.Product(shape);
            var floats = type == ElementType.Float32 ? new float[count] : null;
            var ints = type != ElementType.Float32 ? new long[count] : null;
            for (long i = 0; fill != 0f && i < count; i++)
            {
                if (floats != null) floats[i] = fill;
                else ints![i] = (long)fill;
            }
            foreach (var part in parts)
            {
                if (part.OutputIndex != output) continue;
                var source = node.Inputs[part.InputIndex]!.Constant!;
                var index = new int[part.Shape.Length];
                long total = ShapeMath.Product(part.Shape);
                for (long n = 0; n < total; n++)
                {
                    int s = part.SourceOffset, d = part.DestinationOffset;
                    for (int k = 0; k < index.Length; k++)
                    {
                        s += index[k] * part.SourceStrides[k];
                        d += index[k] * part.DestinationStrides[k];
                    }
                    if (floats != null) floats[d] = (float)source[s];
                    else ints![d] = (long)source[s];
                    ConstantMath.Increment(index, part.Shape);
                }
            }
            return floats != null ? ConstantTensor.FromFloats(shape, floats) : ConstantTensor.FromInts(shape, ints!, type);
        }

        public override void Emit(Node node, EmitContext context)
        {
            if (FillValue(node, node.Outputs[0].Shape) is float fill)
                context.Body.Line($"{context.Write(node.Outputs[0])}.Fill({CSharpLiteral.Float(fill)});");
            foreach (var part in (List<CopyPart>)node.Lowering!)
            {
                if (ShapeMath.Product(part.Shape) == 0) continue;
                CopyEmitter.StridedCopy(context, context.Read(node.Inputs[part.InputIndex]!), part.SourceOffset,
                    context.Write(node.Outputs[part.OutputIndex]), part.DestinationOffset, part.Shape, part.SourceStrides, part.DestinationStrides);
            }
        }

        protected static int[] Contiguous(int[] shape) => ShapeMath.Strides(shape);
    }
}
