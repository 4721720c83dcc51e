using System;
using System.Linq;

namespace MobileViT.Compiler.Ir
{
    public static class ShapeMath
    {
        public static long Product(int[] shape)
        {
            long product = 1;
            foreach (var d in shape) product *= d;
            return product;
        }

        public static long Product(int[] shape, int from, int to)
        {
            long product = 1;
            for (int i = from; i < to; i++) product *= shape[i];
            return product;
        }

        public static string Format(int[] shape) => "[" + string.Join(",", shape.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";

        public static int[] Strides(int[] shape)
        {
            var strides = new int[shape.Length];
            int stride = 1;
            for (int i = shape.Length - 1; i >= 0; i--)
            {
                strides[i] = stride;
                stride *= shape[i];
            }
            return strides;
        }

        public static bool SameShape(int[] a, int[] b) => a.Length == b.Length && a.SequenceEqual(b);

        /// <summary>Negative axes count from the end; returns -1 when out of range.</summary>
        public static int NormalizeAxis(long axis, int rank)
        {
            long normalized = axis < 0 ? axis + rank : axis;
            return normalized < 0 || normalized >= rank ? -1 : (int)normalized;
        }

        /// <summary>Numpy-style broadcast of two shapes; null when they do not broadcast.</summary>
        public static int[]? Broadcast(int[] a, int[] b)
        {
            int rank = Math.Max(a.Length, b.Length);
            var result = new int[rank];
            for (int i = 0; i < rank; i++)
            {
                int da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
                int db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
                if (da == db || db == 1) result[i] = da;
                else if (da == 1) result[i] = db;
                else return null;
            }
            return result;
        }

        /// <summary>Element strides of <paramref name="shape"/> seen through an output of <paramref name="outShape"/> (0 on broadcast axes).</summary>
        public static int[] BroadcastStrides(int[] shape, int[] outShape)
        {
            var strides = new int[outShape.Length];
            var own = Strides(shape);
            int offset = outShape.Length - shape.Length;
            for (int i = 0; i < outShape.Length; i++)
            {
                int j = i - offset;
                strides[i] = j < 0 || shape[j] == 1 ? 0 : own[j];
            }
            return strides;
        }
    }
}
