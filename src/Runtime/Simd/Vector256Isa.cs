using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace MobileViT.Runtime.Simd;

/// <summary>Vector256&lt;float&gt; implementation of <see cref="IVectorIsa{TVector}"/> (8 lanes).</summary>
internal readonly unsafe struct Vector256Isa : IVectorIsa<Vector256<float>>
{
    public static int Count => 8;
    public static Vector256<float> Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Vector256<float>.Zero; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Broadcast(float value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(float* source) => Vector256.Load(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* destination, Vector256<float> value) => value.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Add(Vector256<float> left, Vector256<float> right) => left + right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Subtract(Vector256<float> left, Vector256<float> right) => left - right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Multiply(Vector256<float> left, Vector256<float> right) => left * right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Divide(Vector256<float> left, Vector256<float> right) => left / right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Min(Vector256<float> left, Vector256<float> right) => Avx.IsSupported ? Avx.Min(left, right) : Vector256.Min(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Max(Vector256<float> left, Vector256<float> right) => Avx.IsSupported ? Avx.Max(left, right) : Vector256.Max(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Abs(Vector256<float> value) => Vector256.Abs(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Negate(Vector256<float> value) => -value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Sqrt(Vector256<float> value) => Vector256.Sqrt(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Floor(Vector256<float> value) => Vector256.Floor(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Ceiling(Vector256<float> value) => Vector256.Ceiling(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Equals(Vector256<float> left, Vector256<float> right) => Vector256.Equals(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> LessThan(Vector256<float> left, Vector256<float> right) => Vector256.LessThan(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> LessThanOrEqual(Vector256<float> left, Vector256<float> right) => Vector256.LessThanOrEqual(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> GreaterThan(Vector256<float> left, Vector256<float> right) => Vector256.GreaterThan(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> And(Vector256<float> left, Vector256<float> right) => left & right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Or(Vector256<float> left, Vector256<float> right) => left | right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Xor(Vector256<float> left, Vector256<float> right) => left ^ right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Select(Vector256<float> mask, Vector256<float> whenTrue, Vector256<float> whenFalse) => Vector256.ConditionalSelect(mask, whenTrue, whenFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> PowerOfTwo(Vector256<float> integralExponent)
    {
        Vector256<int> integral = Avx.IsSupported ? Avx.ConvertToVector256Int32(integralExponent) : Vector256.ConvertToInt32(integralExponent);
        Vector256<int> biased = integral + Vector256.Create(127);
        return Vector256.ShiftLeft(biased, 23).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExponentBitsToFloat(Vector256<float> value) => Vector256.ShiftLeft(value.AsInt32(), 23).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Frexp(Vector256<float> value, out Vector256<float> exponent)
    {
        Vector256<int> bits = value.AsInt32();
        exponent = Vector256.ConvertToSingle(Vector256.ShiftRightLogical(bits, 23) - Vector256.Create(126));
        return ((bits & Vector256.Create(0x007FFFFF)) | Vector256.Create(0x3F000000)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Deinterleave(Vector256<float> low, Vector256<float> high, out Vector256<float> even, out Vector256<float> odd)
    {
        if (Avx2.IsSupported)
        {
            // In-lane shuffles give [l0 l2 h0 h2 | l4 l6 h4 h6]; the 64-bit permute restores the order.
            even = Avx2.Permute4x64(Avx.Shuffle(low, high, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle();
            odd = Avx2.Permute4x64(Avx.Shuffle(low, high, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle();
            return;
        }
        Vector128Isa.Deinterleave(low.GetLower(), low.GetUpper(), out Vector128<float> evenLow, out Vector128<float> oddLow);
        Vector128Isa.Deinterleave(high.GetLower(), high.GetUpper(), out Vector128<float> evenHigh, out Vector128<float> oddHigh);
        even = Vector256.Create(evenLow, evenHigh);
        odd = Vector256.Create(oddLow, oddHigh);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector256<float> value) => Vector256.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> left, Vector256<float> right, Vector256<float> addend)
    {
        if (Fma.IsSupported) return Fma.MultiplyAdd(left, right, addend);
        return left * right + addend;
    }

    public static float MaxAcross(Vector256<float> value) => Vector128Isa.MaxAcross(Vector128.Max(value.GetLower(), value.GetUpper()));
    public static float MinAcross(Vector256<float> value) => Vector128Isa.MinAcross(Vector128.Min(value.GetLower(), value.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadPartial(float* source, int count)
    {
        if (count >= 8) return Vector256.Load(source);
        if (Avx.IsSupported)
        {
            Vector256<float> mask = Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count)).AsSingle();
            return Avx.MaskLoad(source, mask);
        }
        Vector256<float> result = Vector256<float>.Zero;
        float* lanes = (float*)&result;
        for (int lane = 0; lane < count; lane++) lanes[lane] = source[lane];
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StorePartial(float* destination, Vector256<float> value, int count)
    {
        if (count >= 8)
        {
            value.Store(destination);
            return;
        }
        if (Sse.IsSupported)
        {
            StoreInPieces(destination, value, count);
            return;
        }
        float* lanes = (float*)&value;
        for (int lane = 0; lane < count; lane++) destination[lane] = lanes[lane];
    }

    /// <summary>
    /// The first <paramref name="count"/> (0-7) lanes of <paramref name="value"/> in plain 128-, 64- and 32-bit stores:
    /// on AMD's cores a masked store is microcoded. <see cref="StorePartial"/> takes this form wherever SSE is, with no
    /// vendor check: under NativeAOT a static readonly field is read at run time, and reading <c>CpuVendor.IsAmd</c> here,
    /// inlined into the GEMM tiles, nearly doubled MobileViT-XS's cold start (70-75 → 133-138 ms; the JIT folds the field).
    /// Inside RepViT-M0.9 (A/B by an environment variable, same build, same phase) the 8-channel blocks' 14 × 14
    /// depthwise steps, whose transposes back store rows of 6, 1.70-1.77 → 1.53-1.63 × ONNX Runtime's node and the
    /// whole 1.094 → 1.054; inside MobileNetV2 its 7 × 7 depthwise steps 1.33-1.37 → 1.17-1.26; MobileNetV3-L unchanged
    /// (1.089 / 1.095).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInPieces(float* destination, Vector256<float> value, int count)
    {
        Vector128<float> half = value.GetLower();
        if (count >= 4)
        {
            half.Store(destination);
            half = value.GetUpper();
            destination += 4;
            count -= 4;
        }
        Vector128Isa.StoreInPieces(destination, half, count);
    }
}
