using System;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>Compile-time evaluation helpers used by constant folding (broadcasting, gathering by strides).</summary>
    public static class ConstantMath
    {
        public static ConstantTensor Binary(ConstantTensor a, ConstantTensor b, int[] outShape, ElementType outType, Func<double, double, double> op)
        {
            long count = ShapeMath.Product(outShape);
            var aStrides = ShapeMath.BroadcastStrides(a.Shape, outShape);
            var bStrides = ShapeMath.BroadcastStrides(b.Shape, outShape);
            var index = new int[outShape.Length];
            var floats = outType == ElementType.Float32 ? new float[count] : null;
            var ints = outType != ElementType.Float32 ? new long[count] : null;
            for (long i = 0; i < count; i++)
            {
                int ai = 0, bi = 0;
                for (int d = 0; d < outShape.Length; d++)
                {
                    ai += index[d] * aStrides[d];
                    bi += index[d] * bStrides[d];
                }
                double value = op(a[ai], b[bi]);
                if (floats != null) floats[i] = (float)value;
                else ints![i] = (long)value;
                Increment(index, outShape);
            }
            return floats != null ? ConstantTensor.FromFloats(outShape, floats) : ConstantTensor.FromInts(outShape, ints!, outType);
        }

        public static ConstantTensor Unary(ConstantTensor x, Func<double, double> op)
        {
            if (x.Type == ElementType.Float32)
            {
                var result = new float[x.Length];
                for (int i = 0; i < result.Length; i++) result[i] = (float)op(x.Floats![i]);
                return ConstantTensor.FromFloats(x.Shape, result);
            }
            var ints = new long[x.Length];
            for (int i = 0; i < ints.Length; i++) ints[i] = (long)op(x.Ints![i]);
            return ConstantTensor.FromInts(x.Shape, ints, x.Type);
        }

        /// <summary>out[index] = x[offset + sum(index[d] * strides[d])] for every index of <paramref name="outShape"/>.</summary>
        public static ConstantTensor Gather(ConstantTensor x, int[] outShape, int offset, int[] strides)
        {
            long count = ShapeMath.Product(outShape);
            var index = new int[outShape.Length];
            var floats = x.Type == ElementType.Float32 ? new float[count] : null;
            var ints = x.Type != ElementType.Float32 ? new long[count] : null;
            for (long i = 0; i < count; i++)
            {
                int source = offset;
                for (int d = 0; d < outShape.Length; d++) source += index[d] * strides[d];
                if (floats != null) floats[i] = x.Floats![source];
                else ints![i] = x.Ints![source];
                Increment(index, outShape);
            }
            return floats != null ? ConstantTensor.FromFloats(outShape, floats) : ConstantTensor.FromInts(outShape, ints!, x.Type);
        }

        public static ConstantTensor Concat(ConstantTensor[] parts, int axis, int[] outShape, ElementType type)
        {
            long count = ShapeMath.Product(outShape);
            var floats = type == ElementType.Float32 ? new float[count] : null;
            var ints = type != ElementType.Float32 ? new long[count] : null;
            long outer = ShapeMath.Product(outShape, 0, axis);
            long inner = ShapeMath.Product(outShape, axis + 1, outShape.Length);
            long position = 0;
            for (long o = 0; o < outer; o++)
            {
                foreach (var part in parts)
                {
                    long block = part.Shape[axis] * inner;
                    for (long j = 0; j < block; j++)
                    {
                        long source = o * block + j;
                        if (floats != null) floats[position] = (float)part[(int)source];
                        else ints![position] = (long)part[(int)source];
                        position++;
                    }
                }
            }
            return floats != null ? ConstantTensor.FromFloats(outShape, floats) : ConstantTensor.FromInts(outShape, ints!, type);
        }

        public static void Increment(int[] index, int[] shape)
        {
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                if (++index[d] < shape[d]) return;
                index[d] = 0;
            }
        }
    }
}
