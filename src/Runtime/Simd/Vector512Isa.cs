using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace MobileViT.Runtime.Simd;

/// <summary>Vector512&lt;float&gt; implementation of <see cref="IVectorIsa{TVector}"/> (16 lanes).</summary>
internal readonly unsafe struct Vector512Isa : IVectorIsa<Vector512<float>>
{
    public static int Count => 16;
    public static Vector512<float> Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Vector512<float>.Zero; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Broadcast(float value) => Vector512.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Load(float* source) => Vector512.Load(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* destination, Vector512<float> value) => value.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Add(Vector512<float> left, Vector512<float> right) => left + right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Subtract(Vector512<float> left, Vector512<float> right) => left - right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Multiply(Vector512<float> left, Vector512<float> right) => left * right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Divide(Vector512<float> left, Vector512<float> right) => left / right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Min(Vector512<float> left, Vector512<float> right) => Avx512F.IsSupported ? Avx512F.Min(left, right) : Vector512.Min(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Max(Vector512<float> left, Vector512<float> right) => Avx512F.IsSupported ? Avx512F.Max(left, right) : Vector512.Max(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Abs(Vector512<float> value) => Vector512.Abs(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Negate(Vector512<float> value) => -value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Sqrt(Vector512<float> value) => Vector512.Sqrt(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Floor(Vector512<float> value) => Vector512.Floor(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Ceiling(Vector512<float> value) => Vector512.Ceiling(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Equals(Vector512<float> left, Vector512<float> right) => Vector512.Equals(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> LessThan(Vector512<float> left, Vector512<float> right) => Vector512.LessThan(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> LessThanOrEqual(Vector512<float> left, Vector512<float> right) => Vector512.LessThanOrEqual(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> GreaterThan(Vector512<float> left, Vector512<float> right) => Vector512.GreaterThan(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> And(Vector512<float> left, Vector512<float> right) => left & right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Or(Vector512<float> left, Vector512<float> right) => left | right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Xor(Vector512<float> left, Vector512<float> right) => left ^ right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Select(Vector512<float> mask, Vector512<float> whenTrue, Vector512<float> whenFalse) => Vector512.ConditionalSelect(mask, whenTrue, whenFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> PowerOfTwo(Vector512<float> integralExponent)
    {
        Vector512<int> integral = Avx512F.IsSupported ? Avx512F.ConvertToVector512Int32(integralExponent) : Vector512.ConvertToInt32(integralExponent);
        Vector512<int> biased = integral + Vector512.Create(127);
        return Vector512.ShiftLeft(biased, 23).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExponentBitsToFloat(Vector512<float> value) => Vector512.ShiftLeft(value.AsInt32(), 23).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Frexp(Vector512<float> value, out Vector512<float> exponent)
    {
        Vector512<int> bits = value.AsInt32();
        exponent = Vector512.ConvertToSingle(Vector512.ShiftRightLogical(bits, 23) - Vector512.Create(126));
        return ((bits & Vector512.Create(0x007FFFFF)) | Vector512.Create(0x3F000000)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Deinterleave(Vector512<float> low, Vector512<float> high, out Vector512<float> even, out Vector512<float> odd)
    {
        if (Avx512F.IsSupported)
        {
            even = Avx512F.PermuteVar16x32x2(low, Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), high);
            odd = Avx512F.PermuteVar16x32x2(low, Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31), high);
            return;
        }
        Vector256Isa.Deinterleave(low.GetLower(), low.GetUpper(), out Vector256<float> evenLow, out Vector256<float> oddLow);
        Vector256Isa.Deinterleave(high.GetLower(), high.GetUpper(), out Vector256<float> evenHigh, out Vector256<float> oddHigh);
        even = Vector512.Create(evenLow, evenHigh);
        odd = Vector512.Create(oddLow, oddHigh);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector512<float> value) => Vector512.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> left, Vector512<float> right, Vector512<float> addend)
    {
        if (Avx512F.IsSupported) return Avx512F.FusedMultiplyAdd(left, right, addend);
        return left * right + addend;
    }

    public static float MaxAcross(Vector512<float> value) => Vector256Isa.MaxAcross(Vector256.Max(value.GetLower(), value.GetUpper()));
    public static float MinAcross(Vector512<float> value) => Vector256Isa.MinAcross(Vector256.Min(value.GetLower(), value.GetUpper()));

    // A partial vector is one AVX-512 masked move (a mask register, as fast as a plain move) in the net10.0 build of
    // this library: a 14×14 depthwise convolution, whose rows end in a 14-lane partial store, 114 → 98 µs. .NET 8 has
    // no AVX-512 masked load/store, so its build (and a machine without AVX-512) uses a plain half plus a masked
    // Vector256 half (VMASKMOVPS, slow on some cores; the plain half and the full-count case avoid it).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadPartial(float* source, int count)
    {
        if (count >= 16) return Vector512.Load(source);
#if NET9_0_OR_GREATER
        if (Avx512F.IsSupported) return Avx512F.MaskLoad(source, LaneMask(count), Vector512<float>.Zero);
#endif
        Vector256<float> lower = count >= 8 ? Vector256.Load(source) : Vector256Isa.LoadPartial(source, count);
        Vector256<float> upper = count > 8 ? Vector256Isa.LoadPartial(source + 8, count - 8) : Vector256<float>.Zero;
        // Vector512.Create(lower, upper) is not an intrinsic in .NET 8/10 and would become two calls.
        if (Avx512F.IsSupported) return Avx512F.InsertVector256(lower.ToVector512Unsafe(), upper, 1);
        return Vector512.Create(lower, upper);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StorePartial(float* destination, Vector512<float> value, int count)
    {
        if (count >= 16)
        {
            value.Store(destination);
            return;
        }
#if NET9_0_OR_GREATER
        if (Avx512F.IsSupported)
        {
            Avx512F.MaskStore(destination, LaneMask(count), value);
            return;
        }
#endif
        if (count >= 8)
        {
            value.GetLower().Store(destination);
            if (count > 8) Vector256Isa.StorePartial(destination + 8, value.GetUpper(), count - 8);
            return;
        }
        Vector256Isa.StorePartial(destination, value.GetLower(), count);
    }

#if NET9_0_OR_GREATER
    /// <summary>Lanes below <paramref name="count"/> set: an AVX-512 mask register once the JIT sees it feed a masked move.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> LaneMask(int count) => Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();
#endif
}
