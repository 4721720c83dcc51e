using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace MobileViT.Runtime.Simd;

/// <summary>Vector128&lt;float&gt; implementation of <see cref="IVectorIsa{TVector}"/> (4 lanes).</summary>
internal readonly unsafe struct Vector128Isa : IVectorIsa<Vector128<float>>
{
    public static int Count => 4;
    public static Vector128<float> Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Vector128<float>.Zero; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Broadcast(float value) => Vector128.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Load(float* source) => Vector128.Load(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* destination, Vector128<float> value) => value.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Add(Vector128<float> left, Vector128<float> right) => left + right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Subtract(Vector128<float> left, Vector128<float> right) => left - right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Multiply(Vector128<float> left, Vector128<float> right) => left * right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Divide(Vector128<float> left, Vector128<float> right) => left / right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Min(Vector128<float> left, Vector128<float> right) => Sse.IsSupported ? Sse.Min(left, right) : Vector128.Min(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Max(Vector128<float> left, Vector128<float> right) => Sse.IsSupported ? Sse.Max(left, right) : Vector128.Max(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Abs(Vector128<float> value) => Vector128.Abs(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Negate(Vector128<float> value) => -value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Sqrt(Vector128<float> value) => Vector128.Sqrt(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Floor(Vector128<float> value) => Vector128.Floor(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Ceiling(Vector128<float> value) => Vector128.Ceiling(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Equals(Vector128<float> left, Vector128<float> right) => Vector128.Equals(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> LessThan(Vector128<float> left, Vector128<float> right) => Vector128.LessThan(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> LessThanOrEqual(Vector128<float> left, Vector128<float> right) => Vector128.LessThanOrEqual(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> GreaterThan(Vector128<float> left, Vector128<float> right) => Vector128.GreaterThan(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> And(Vector128<float> left, Vector128<float> right) => left & right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Or(Vector128<float> left, Vector128<float> right) => left | right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Xor(Vector128<float> left, Vector128<float> right) => left ^ right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Select(Vector128<float> mask, Vector128<float> whenTrue, Vector128<float> whenFalse) => Vector128.ConditionalSelect(mask, whenTrue, whenFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> PowerOfTwo(Vector128<float> integralExponent)
    {
        Vector128<int> integral = Sse2.IsSupported ? Sse2.ConvertToVector128Int32(integralExponent) : Vector128.ConvertToInt32(integralExponent);
        Vector128<int> biased = integral + Vector128.Create(127);
        return Vector128.ShiftLeft(biased, 23).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ExponentBitsToFloat(Vector128<float> value) => Vector128.ShiftLeft(value.AsInt32(), 23).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Frexp(Vector128<float> value, out Vector128<float> exponent)
    {
        Vector128<int> bits = value.AsInt32();
        exponent = Vector128.ConvertToSingle(Vector128.ShiftRightLogical(bits, 23) - Vector128.Create(126));
        return ((bits & Vector128.Create(0x007FFFFF)) | Vector128.Create(0x3F000000)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Deinterleave(Vector128<float> low, Vector128<float> high, out Vector128<float> even, out Vector128<float> odd)
    {
        if (Sse.IsSupported)
        {
            even = Sse.Shuffle(low, high, 0b10_00_10_00);
            odd = Sse.Shuffle(low, high, 0b11_01_11_01);
            return;
        }
        if (AdvSimd.Arm64.IsSupported)
        {
            even = AdvSimd.Arm64.UnzipEven(low, high);
            odd = AdvSimd.Arm64.UnzipOdd(low, high);
            return;
        }
        even = Vector128.Create(low.GetElement(0), low.GetElement(2), high.GetElement(0), high.GetElement(2));
        odd = Vector128.Create(low.GetElement(1), low.GetElement(3), high.GetElement(1), high.GetElement(3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector128<float> value) => Vector128.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> left, Vector128<float> right, Vector128<float> addend)
    {
        if (Fma.IsSupported) return Fma.MultiplyAdd(left, right, addend);
        if (AdvSimd.IsSupported) return AdvSimd.FusedMultiplyAdd(addend, left, right);
        return left * right + addend;
    }

    public static float MaxAcross(Vector128<float> value)
    {
        float result = value.GetElement(0);
        for (int lane = 1; lane < 4; lane++) result = MathF.Max(result, value.GetElement(lane));
        return result;
    }

    public static float MinAcross(Vector128<float> value)
    {
        float result = value.GetElement(0);
        for (int lane = 1; lane < 4; lane++) result = MathF.Min(result, value.GetElement(lane));
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadPartial(float* source, int count)
    {
        if (count >= 4) return Vector128.Load(source);
        if (Avx.IsSupported)
        {
            Vector128<float> mask = Vector128.LessThan(Vector128.Create(0, 1, 2, 3), Vector128.Create(count)).AsSingle();
            return Avx.MaskLoad(source, mask);
        }
        Vector128<float> result = Vector128<float>.Zero;
        float* lanes = (float*)&result;
        for (int lane = 0; lane < count; lane++) lanes[lane] = source[lane];
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StorePartial(float* destination, Vector128<float> value, int count)
    {
        if (count >= 4)
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

    /// <summary>The first <paramref name="count"/> (0-3) lanes of <paramref name="value"/> in plain 64- and 32-bit stores (SSE).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInPieces(float* destination, Vector128<float> value, int count)
    {
        if (count >= 2)
        {
            Sse.StoreLow(destination, value);
            value = Sse.MoveHighToLow(value, value);
            destination += 2;
            count -= 2;
        }
        if (count == 1) Sse.StoreScalar(destination, value);
    }
}
