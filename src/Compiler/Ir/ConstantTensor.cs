using System;

namespace MobileViT.Compiler.Ir
{
    /// <summary>
    /// A compile-time tensor: its values (for folding) and <see cref="Source"/>, how the generated code obtains the same
    /// values at run time (read in place from the embedded model, a literal, or a recipe over other sources).
    /// </summary>
    public sealed class ConstantTensor
    {
        private ConstantTensor(int[] shape, ElementType type, float[]? floats, long[]? ints, WeightSource? source)
        {
            Shape = shape;
            Type = type;
            Floats = floats;
            Ints = ints;
            Source = source ?? WeightSource.Literal;
        }

        public int[] Shape { get; }
        public ElementType Type { get; }
        public float[]? Floats { get; }
        public long[]? Ints { get; }
        public WeightSource Source { get; set; }

        public int Length => Type == ElementType.Float32 ? Floats!.Length : Ints!.Length;

        public static ConstantTensor FromFloats(int[] shape, float[] values, WeightSource? source = null)
        {
            if (ShapeMath.Product(shape) != values.Length) throw new ArgumentException("shape and value count disagree");
            return new ConstantTensor(shape, ElementType.Float32, values, null, source);
        }

        public static ConstantTensor FromInts(int[] shape, long[] values, ElementType type = ElementType.Int64)
        {
            if (ShapeMath.Product(shape) != values.Length) throw new ArgumentException("shape and value count disagree");
            return new ConstantTensor(shape, type, null, values, null);
        }

        /// <summary>Element i as a double, whatever the storage.</summary>
        public double this[int i] => Floats != null ? Floats[i] : Ints![i];

        public long[] AsInts()
        {
            if (Ints != null) return Ints;
            var result = new long[Floats!.Length];
            for (int i = 0; i < result.Length; i++) result[i] = (long)Floats[i];
            return result;
        }

        public float[] AsFloats()
        {
            if (Floats != null) return Floats;
            var result = new float[Ints!.Length];
            for (int i = 0; i < result.Length; i++) result[i] = Ints[i];
            return result;
        }

        public ConstantTensor Reshaped(int[] shape) =>
            new ConstantTensor(shape, Type, Floats, Ints, Type == ElementType.Float32 ? Source : null);
    }
}
