namespace MobileViT.Runtime.Simd;

/// <summary>
/// The vector operations kernels are written against, implemented once per width by
/// <see cref="Vector128Isa"/>, <see cref="Vector256Isa"/> and <see cref="Vector512Isa"/>.
/// Kernels are generic over (TIsa, TVector); the JIT specialises each instantiation, so a kernel written once
/// compiles to straight Vector512&lt;float&gt; / Vector256&lt;float&gt; / Vector128&lt;float&gt; code.
/// Comparison results are all-ones / all-zeros lane masks, as with the System.Runtime.Intrinsics APIs.
/// </summary>
internal unsafe interface IVectorIsa<TVector> where TVector : struct
{
    /// <summary>Number of float lanes.</summary>
    static abstract int Count { get; }
    static abstract TVector Zero { get; }
    static abstract TVector Broadcast(float value);
    static abstract TVector Load(float* source);
    static abstract void Store(float* destination, TVector value);
    /// <summary>Loads the first <paramref name="count"/> floats (all of them when count >= Count), zero in the other lanes; never touches memory past them.</summary>
    static abstract TVector LoadPartial(float* source, int count);
    /// <summary>Stores the first <paramref name="count"/> lanes only (all when count >= Count).</summary>
    static abstract void StorePartial(float* destination, TVector value, int count);

    static abstract TVector Add(TVector left, TVector right);
    static abstract TVector Subtract(TVector left, TVector right);
    static abstract TVector Multiply(TVector left, TVector right);
    static abstract TVector Divide(TVector left, TVector right);
    /// <summary>left * right + addend, fused where the hardware has FMA.</summary>
    static abstract TVector MultiplyAdd(TVector left, TVector right, TVector addend);
    /// <summary>x86 minps semantics where available (the second operand when either is NaN): the cheap instruction, not IEEE minimum.</summary>
    static abstract TVector Min(TVector left, TVector right);
    static abstract TVector Max(TVector left, TVector right);
    static abstract TVector Abs(TVector value);
    static abstract TVector Negate(TVector value);
    static abstract TVector Sqrt(TVector value);
    static abstract TVector Floor(TVector value);
    static abstract TVector Ceiling(TVector value);

    static abstract TVector Equals(TVector left, TVector right);
    static abstract TVector LessThan(TVector left, TVector right);
    static abstract TVector LessThanOrEqual(TVector left, TVector right);
    static abstract TVector GreaterThan(TVector left, TVector right);
    static abstract TVector And(TVector left, TVector right);
    static abstract TVector Or(TVector left, TVector right);
    static abstract TVector Xor(TVector left, TVector right);
    /// <summary>Lane-wise mask ? whenTrue : whenFalse (mask lanes are all-ones or all-zeros).</summary>
    static abstract TVector Select(TVector mask, TVector whenTrue, TVector whenFalse);

    /// <summary>2^n for integral n in [-126, 127], built from the exponent bits.</summary>
    static abstract TVector PowerOfTwo(TVector integralExponent);
    /// <summary>Shifts the low 9 bits of each lane's bit pattern into the exponent field: (bits &lt;&lt; 23) reinterpreted as float.</summary>
    static abstract TVector ExponentBitsToFloat(TVector value);
    /// <summary>Splits positive normal x into mantissa in [0.5, 1) and integral exponent with x = m * 2^e.</summary>
    static abstract TVector Frexp(TVector value, out TVector exponent);

    /// <summary>Splits 2*Count consecutive floats (low, high) into the even-indexed and the odd-indexed ones, in order.</summary>
    static abstract void Deinterleave(TVector low, TVector high, out TVector even, out TVector odd);

    static abstract float Sum(TVector value);
    static abstract float MaxAcross(TVector value);
    static abstract float MinAcross(TVector value);
}
