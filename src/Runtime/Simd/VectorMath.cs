using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MobileViT.Runtime.Simd;

/// <summary>
/// Transcendental functions on vectors, accurate to about 1e-7 relative (exp, log, tanh) or 2e-7 absolute (erf),
/// so fused activations stay well inside the 1e-4 end-to-end budget against ONNX Runtime.
/// Polynomials are the Cephes single-precision ones; erfc is the Numerical Recipes Chebyshev fit (relative error &lt; 1.2e-7).
/// </summary>
internal static class VectorMath
{
    // exp underflows to 0 below ln(FLT_MIN) and overflows to +inf above ln(FLT_MAX).
    internal const float ExpLowerBound = -87.33654f;
    internal const float ExpUpperBound = 88.72283f;
    private const float Log2E = 1.44269504088896341f;
    // ln 2 split in a part exact in float and a remainder, so x - n*ln2 loses no bits.
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Exp<TIsa, TVector>(TVector x)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        TVector clamped = TIsa.Min(TIsa.Max(x, TIsa.Broadcast(ExpLowerBound)), TIsa.Broadcast(ExpUpperBound));
        // n = round(x / ln2), kept in [-126, 127] so 2^n is a normal float.
        TVector n = TIsa.Floor(TIsa.MultiplyAdd(clamped, TIsa.Broadcast(Log2E), TIsa.Broadcast(0.5f)));
        n = TIsa.Min(TIsa.Max(n, TIsa.Broadcast(-126f)), TIsa.Broadcast(127f));
        TVector r = TIsa.MultiplyAdd(n, TIsa.Broadcast(-Ln2High), clamped);
        r = TIsa.MultiplyAdd(n, TIsa.Broadcast(-Ln2Low), r);
        TVector p = ExpOfReduced<TIsa, TVector>(r);
        TVector result = TIsa.Multiply(p, TIsa.PowerOfTwo(n));
        result = TIsa.Select(TIsa.LessThan(x, TIsa.Broadcast(ExpLowerBound)), TIsa.Zero, result);
        result = TIsa.Select(TIsa.GreaterThan(x, TIsa.Broadcast(ExpUpperBound)), TIsa.Broadcast(float.PositiveInfinity), result);
        return PropagateNaN<TIsa, TVector>(x, result);
    }

    /// <summary>
    /// exp(x) with x clamped to [-87.3, 88.3] first (the portable path): results saturate at about 1.2e-38 and 2.2e38
    /// instead of reaching 0 and infinity, and NaN becomes a finite value. Same reduction and polynomial (same accuracy) as
    /// <see cref="Exp{TIsa, TVector}"/> at half the instructions, for the callers where that saturation cannot show:
    /// sigmoid, SiLU, tanh, GELU, softmax (x - max &lt;= 0), erfc, Elu and Softplus (x &lt;= 0).
    /// Rounding uses the 1.5*2^23 trick: adding it leaves round(x/ln2) + 127 in the low mantissa bits, which shifted
    /// into the exponent field give 2^n directly. With AVX-512, <see cref="ExpAvx512"/>: the same floor, but +infinity above
    /// ln(FLT_MAX) and NaN kept, at ten instructions instead of seventeen.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector ExpClamped<TIsa, TVector>(TVector x)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        if (typeof(TVector) == typeof(Vector512<float>) && Avx512DQ.IsSupported)
        {
            // typeof-guarded casts through object, as in GeluErf: the JIT drops the boxes.
            return (TVector)(object)ExpAvx512.Invoke((Vector512<float>)(object)x);
        }
        const float Magic = 12582912f + 127f;
        x = TIsa.Min(TIsa.Max(x, TIsa.Broadcast(-87.3f)), TIsa.Broadcast(88.3f));
        TVector shifted = TIsa.MultiplyAdd(x, TIsa.Broadcast(Log2E), TIsa.Broadcast(Magic));
        TVector n = TIsa.Subtract(shifted, TIsa.Broadcast(Magic));
        TVector r = TIsa.MultiplyAdd(n, TIsa.Broadcast(-Ln2High), x);
        r = TIsa.MultiplyAdd(n, TIsa.Broadcast(-Ln2Low), r);
        TVector p = ExpOfReduced<TIsa, TVector>(r);
        return TIsa.Multiply(p, TIsa.ExponentBitsToFloat(shifted));
    }

    /// <summary>
    /// exp(x) for x &lt;= 0 (softmax's x − max): <see cref="ExpClamped{TIsa, TVector}"/> with 512-bit vectors (AVX-512's
    /// exponent instructions), <see cref="ExpNonPositiveShort{TIsa, TVector}"/> below them. Softmax of 256 × 256 on a
    /// Zen 3, same process alternating: along columns (attention's) 54.5 → 48.7 µs, along rows 60.3 → 50.2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector ExpNonPositive<TIsa, TVector>(TVector x)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => typeof(TVector) == typeof(Vector512<float>) ? ExpClamped<TIsa, TVector>(x) : ExpNonPositiveShort<TIsa, TVector>(x);

    /// <summary>
    /// exp(a) for a &lt;= 0, clamped at -87.3 (about 1.2e-38 there and below; NaN becomes that too), for activations that
    /// only need it within a few ulps: the reduction a - n·ln2 in one step (exact enough while |n| &lt;= 126: at most
    /// 2.4e-7 relative) and 1 + r + r²·P(r) with P of degree 3, fitted here for relative error (1.1e-7 in exact
    /// arithmetic, 2e-7 in float) instead of Cephes' degree 5. Four multiply-adds fewer on the dependency chain than
    /// <see cref="ExpClamped{TIsa, TVector}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector ExpNonPositiveShort<TIsa, TVector>(TVector a)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        const float Magic = 12582912f + 127f;
        a = TIsa.Max(a, TIsa.Broadcast(-87.3f));
        TVector shifted = TIsa.MultiplyAdd(a, TIsa.Broadcast(Log2E), TIsa.Broadcast(Magic));
        TVector n = TIsa.Subtract(shifted, TIsa.Broadcast(Magic));
        TVector r = TIsa.MultiplyAdd(n, TIsa.Broadcast(-0.693147180559945f), a);
        TVector r2 = TIsa.Multiply(r, r);
        TVector p01 = TIsa.MultiplyAdd(TIsa.Broadcast(1.6667114198e-01f), r, TIsa.Broadcast(4.9999231100e-01f));
        TVector p23 = TIsa.MultiplyAdd(TIsa.Broadcast(8.3125270903e-03f), r, TIsa.Broadcast(4.1890118271e-02f));
        TVector p = TIsa.MultiplyAdd(TIsa.MultiplyAdd(p23, r2, p01), r2, TIsa.Add(r, TIsa.Broadcast(1f)));
        return TIsa.Multiply(p, TIsa.ExponentBitsToFloat(shifted));
    }

    /// <summary>
    /// <see cref="ExpClamped{TIsa, TVector}"/> of two vectors, their operations interleaved: the same operations in the same
    /// order per vector (bitwise the same results), but two independent dependency chains side by side. One chain at a
    /// time is latency-bound: its ~45-cycle chain fills the out-of-order window of a Zen 3 before the next element's can
    /// start (SiLU over an L1-resident row, Vector256: 5.1 → 3.9 ns per vector, a per-loop timer while developing).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ExpClampedPair<TIsa, TVector>(ref TVector first, ref TVector second)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        if (typeof(TVector) == typeof(Vector512<float>) && Avx512DQ.IsSupported)
        {
            first = ExpClamped<TIsa, TVector>(first);
            second = ExpClamped<TIsa, TVector>(second);
            return;
        }
        const float Magic = 12582912f + 127f;
        TVector x0 = TIsa.Min(TIsa.Max(first, TIsa.Broadcast(-87.3f)), TIsa.Broadcast(88.3f));
        TVector x1 = TIsa.Min(TIsa.Max(second, TIsa.Broadcast(-87.3f)), TIsa.Broadcast(88.3f));
        TVector shifted0 = TIsa.MultiplyAdd(x0, TIsa.Broadcast(Log2E), TIsa.Broadcast(Magic));
        TVector shifted1 = TIsa.MultiplyAdd(x1, TIsa.Broadcast(Log2E), TIsa.Broadcast(Magic));
        TVector n0 = TIsa.Subtract(shifted0, TIsa.Broadcast(Magic));
        TVector n1 = TIsa.Subtract(shifted1, TIsa.Broadcast(Magic));
        TVector r0 = TIsa.MultiplyAdd(n0, TIsa.Broadcast(-Ln2High), x0);
        TVector r1 = TIsa.MultiplyAdd(n1, TIsa.Broadcast(-Ln2High), x1);
        r0 = TIsa.MultiplyAdd(n0, TIsa.Broadcast(-Ln2Low), r0);
        r1 = TIsa.MultiplyAdd(n1, TIsa.Broadcast(-Ln2Low), r1);
        ExpOfReducedPair<TIsa, TVector>(ref r0, ref r1);
        first = TIsa.Multiply(r0, TIsa.ExponentBitsToFloat(shifted0));
        second = TIsa.Multiply(r1, TIsa.ExponentBitsToFloat(shifted1));
    }

    /// <summary><see cref="ExpOfReduced{TIsa, TVector}"/> of two vectors, interleaved (see <see cref="ExpClampedPair{TIsa, TVector}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ExpOfReducedPair<TIsa, TVector>(ref TVector first, ref TVector second)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        TVector r = first, s = second;
        TVector r2 = TIsa.Multiply(r, r), s2 = TIsa.Multiply(s, s);
        TVector r4 = TIsa.Multiply(r2, r2), s4 = TIsa.Multiply(s2, s2);
        TVector p01 = TIsa.MultiplyAdd(TIsa.Broadcast(1.6666665459E-1f), r, TIsa.Broadcast(5.0000001201E-1f));
        TVector q01 = TIsa.MultiplyAdd(TIsa.Broadcast(1.6666665459E-1f), s, TIsa.Broadcast(5.0000001201E-1f));
        TVector p23 = TIsa.MultiplyAdd(TIsa.Broadcast(8.3334519073E-3f), r, TIsa.Broadcast(4.1665795894E-2f));
        TVector q23 = TIsa.MultiplyAdd(TIsa.Broadcast(8.3334519073E-3f), s, TIsa.Broadcast(4.1665795894E-2f));
        TVector p45 = TIsa.MultiplyAdd(TIsa.Broadcast(1.9875691500E-4f), r, TIsa.Broadcast(1.3981999507E-3f));
        TVector q45 = TIsa.MultiplyAdd(TIsa.Broadcast(1.9875691500E-4f), s, TIsa.Broadcast(1.3981999507E-3f));
        TVector p = TIsa.MultiplyAdd(p45, r4, TIsa.MultiplyAdd(p23, r2, p01));
        TVector q = TIsa.MultiplyAdd(q45, s4, TIsa.MultiplyAdd(q23, s2, q01));
        first = TIsa.MultiplyAdd(p, r2, TIsa.Add(r, TIsa.Broadcast(1f)));
        second = TIsa.MultiplyAdd(q, s2, TIsa.Add(s, TIsa.Broadcast(1f)));
    }

    /// <summary>
    /// exp(r) on the reduced argument |r| &lt;= ln2/2 as 1 + r + r²·P(r). P (Cephes' degree-5 fit) is evaluated in Estrin's
    /// scheme, pairs first and then r², r⁴, so its dependency chain is three multiply-adds deep instead of Horner's six:
    /// activations in epilogues are limited by that chain's latency, not by throughput.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector ExpOfReduced<TIsa, TVector>(TVector r)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        TVector r2 = TIsa.Multiply(r, r);
        TVector r4 = TIsa.Multiply(r2, r2);
        TVector p01 = TIsa.MultiplyAdd(TIsa.Broadcast(1.6666665459E-1f), r, TIsa.Broadcast(5.0000001201E-1f));
        TVector p23 = TIsa.MultiplyAdd(TIsa.Broadcast(8.3334519073E-3f), r, TIsa.Broadcast(4.1665795894E-2f));
        TVector p45 = TIsa.MultiplyAdd(TIsa.Broadcast(1.9875691500E-4f), r, TIsa.Broadcast(1.3981999507E-3f));
        TVector p = TIsa.MultiplyAdd(p45, r4, TIsa.MultiplyAdd(p23, r2, p01));
        return TIsa.MultiplyAdd(p, r2, TIsa.Add(r, TIsa.Broadcast(1f)));
    }

    /// <summary>Natural logarithm: -inf at 0, NaN below 0, +inf at +inf; subnormal inputs are rescaled first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Log<TIsa, TVector>(TVector x)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        TVector subnormal = TIsa.LessThan(x, TIsa.Broadcast(1.17549435e-38f));
        TVector scaled = TIsa.Select(subnormal, TIsa.Multiply(x, TIsa.Broadcast(8388608f)), x);
        TVector mantissa = TIsa.Frexp(scaled, out TVector exponent);
        exponent = TIsa.Select(subnormal, TIsa.Subtract(exponent, TIsa.Broadcast(23f)), exponent);
        // Move the mantissa into [sqrt(1/2), sqrt(2)) so the polynomial argument stays small.
        TVector small = TIsa.LessThan(mantissa, TIsa.Broadcast(0.707106781186547524f));
        exponent = TIsa.Select(small, TIsa.Subtract(exponent, TIsa.Broadcast(1f)), exponent);
        TVector m = TIsa.Subtract(TIsa.Select(small, TIsa.Add(mantissa, mantissa), mantissa), TIsa.Broadcast(1f));
        TVector z = TIsa.Multiply(m, m);
        TVector y = TIsa.Broadcast(7.0376836292E-2f);
        y = TIsa.MultiplyAdd(y, m, TIsa.Broadcast(-1.1514610310E-1f));
        y = TIsa.MultiplyAdd(y, m, TIsa.Broadcast(1.1676998740E-1f));
        y = TIsa.MultiplyAdd(y, m, TIsa.Broadcast(-1.2420140846E-1f));
        y = TIsa.MultiplyAdd(y, m, TIsa.Broadcast(1.4249322787E-1f));
        y = TIsa.MultiplyAdd(y, m, TIsa.Broadcast(-1.6668057665E-1f));
        y = TIsa.MultiplyAdd(y, m, TIsa.Broadcast(2.0000714765E-1f));
        y = TIsa.MultiplyAdd(y, m, TIsa.Broadcast(-2.4999993993E-1f));
        y = TIsa.MultiplyAdd(y, m, TIsa.Broadcast(3.3333331174E-1f));
        y = TIsa.Multiply(TIsa.Multiply(y, m), z);
        y = TIsa.MultiplyAdd(exponent, TIsa.Broadcast(Ln2Low), y);
        y = TIsa.MultiplyAdd(z, TIsa.Broadcast(-0.5f), y);
        TVector result = TIsa.Add(m, y);
        result = TIsa.MultiplyAdd(exponent, TIsa.Broadcast(Ln2High), result);
        result = TIsa.Select(TIsa.Equals(x, TIsa.Broadcast(float.PositiveInfinity)), x, result);
        result = TIsa.Select(TIsa.Equals(x, TIsa.Zero), TIsa.Broadcast(float.NegativeInfinity), result);
        result = TIsa.Select(TIsa.LessThan(x, TIsa.Zero), TIsa.Broadcast(float.NaN), result);
        return PropagateNaN<TIsa, TVector>(x, result);
    }

    /// <summary>1 / (1 + exp(-x)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Sigmoid<TIsa, TVector>(TVector x)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => PropagateNaN<TIsa, TVector>(x, TIsa.Divide(TIsa.Broadcast(1f), TIsa.Add(TIsa.Broadcast(1f), ExpClamped<TIsa, TVector>(TIsa.Negate(x)))));

    /// <summary>tanh: odd polynomial below |x| = 0.625 (no cancellation near 0), 1 - 2/(exp(2|x|)+1) above.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Tanh<TIsa, TVector>(TVector x)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        TVector absolute = TIsa.Abs(x);
        TVector z = TIsa.Multiply(x, x);
        TVector p = TIsa.Broadcast(-5.70498872745E-3f);
        p = TIsa.MultiplyAdd(p, z, TIsa.Broadcast(2.06390887954E-2f));
        p = TIsa.MultiplyAdd(p, z, TIsa.Broadcast(-5.37397155531E-2f));
        p = TIsa.MultiplyAdd(p, z, TIsa.Broadcast(1.33314422036E-1f));
        p = TIsa.MultiplyAdd(p, z, TIsa.Broadcast(-3.33332819422E-1f));
        TVector small = TIsa.MultiplyAdd(TIsa.Multiply(p, z), x, x);
        TVector e = ExpClamped<TIsa, TVector>(TIsa.Add(absolute, absolute));
        TVector large = TIsa.Subtract(TIsa.Broadcast(1f), TIsa.Divide(TIsa.Broadcast(2f), TIsa.Add(e, TIsa.Broadcast(1f))));
        large = TIsa.Select(TIsa.LessThan(x, TIsa.Zero), TIsa.Negate(large), large);
        return PropagateNaN<TIsa, TVector>(x, TIsa.Select(TIsa.LessThan(absolute, TIsa.Broadcast(0.625f)), small, large));
    }

    /// <summary>erfc(z) for z &gt;= 0 with relative error below ~2e-7 (Numerical Recipes erfcc).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector ErfcNonNegative<TIsa, TVector>(TVector z)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        z = TIsa.Min(z, TIsa.Broadcast(10f));
        TVector t = TIsa.Divide(TIsa.Broadcast(1f), TIsa.MultiplyAdd(z, TIsa.Broadcast(0.5f), TIsa.Broadcast(1f)));
        // Degree-9 polynomial in t in Estrin's scheme (pairs, then t², t⁴, t⁸): four multiply-adds deep instead of nine.
        TVector t2 = TIsa.Multiply(t, t);
        TVector t4 = TIsa.Multiply(t2, t2);
        TVector t8 = TIsa.Multiply(t4, t4);
        TVector p01 = TIsa.MultiplyAdd(TIsa.Broadcast(1.00002368f), t, TIsa.Broadcast(-1.26551223f));
        TVector p23 = TIsa.MultiplyAdd(TIsa.Broadcast(0.09678418f), t, TIsa.Broadcast(0.37409196f));
        TVector p45 = TIsa.MultiplyAdd(TIsa.Broadcast(0.27886807f), t, TIsa.Broadcast(-0.18628806f));
        TVector p67 = TIsa.MultiplyAdd(TIsa.Broadcast(1.48851587f), t, TIsa.Broadcast(-1.13520398f));
        TVector p89 = TIsa.MultiplyAdd(TIsa.Broadcast(0.17087277f), t, TIsa.Broadcast(-0.82215223f));
        TVector p = TIsa.MultiplyAdd(TIsa.MultiplyAdd(p67, t2, p45), t4, TIsa.MultiplyAdd(p23, t2, p01));
        p = TIsa.MultiplyAdd(p89, t8, p);
        p = TIsa.Subtract(p, TIsa.Multiply(z, z));
        return TIsa.Multiply(t, ExpClamped<TIsa, TVector>(p));
    }

    /// <summary>erf: Taylor series below |x| = 0.5 (keeps relative accuracy near 0), 1 - erfc(|x|) above.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Erf<TIsa, TVector>(TVector x)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        TVector absolute = TIsa.Abs(x);
        TVector z = TIsa.Multiply(x, x);
        // 2/sqrt(pi) * (x - x^3/3 + x^5/10 - x^7/42 + x^9/216 - x^11/1320)
        TVector p = TIsa.Broadcast(-8.5483270e-4f);
        p = TIsa.MultiplyAdd(p, z, TIsa.Broadcast(5.2239776e-3f));
        p = TIsa.MultiplyAdd(p, z, TIsa.Broadcast(-2.6866170e-2f));
        p = TIsa.MultiplyAdd(p, z, TIsa.Broadcast(1.1283792e-1f));
        p = TIsa.MultiplyAdd(p, z, TIsa.Broadcast(-3.7612639e-1f));
        p = TIsa.MultiplyAdd(p, z, TIsa.Broadcast(1.1283792f));
        TVector small = TIsa.Multiply(p, x);
        TVector large = TIsa.Subtract(TIsa.Broadcast(1f), ErfcNonNegative<TIsa, TVector>(absolute));
        large = TIsa.Select(TIsa.LessThan(x, TIsa.Zero), TIsa.Negate(large), large);
        return PropagateNaN<TIsa, TVector>(x, TIsa.Select(TIsa.LessThan(absolute, TIsa.Broadcast(0.5f)), small, large));
    }

    /// <summary>
    /// 0.5 x (1 + erf(x/sqrt2)), using erfc for negative x so the tail keeps its relative accuracy. With AVX-512, a table
    /// of piecewise polynomials instead (<see cref="GeluErfAvx512"/>), at under half the cost; with AVX2, half of that
    /// table (<see cref="GeluErfAvx2"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector GeluErf<TIsa, TVector>(TVector x)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        if (typeof(TVector) == typeof(Vector512<float>) && Avx512F.IsSupported)
        {
            // typeof-guarded casts through object: the JIT drops the boxes and keeps x in a register.
            return PropagateNaN<TIsa, TVector>(x, (TVector)(object)GeluErfAvx512.Invoke((Vector512<float>)(object)x));
        }
        if (typeof(TVector) == typeof(Vector256<float>) && Avx2.IsSupported && Fma.IsSupported)
            return PropagateNaN<TIsa, TVector>(x, (TVector)(object)GeluErfAvx2.Invoke((Vector256<float>)(object)x));
        TVector erfc = ErfcNonNegative<TIsa, TVector>(TIsa.Multiply(TIsa.Abs(x), TIsa.Broadcast(0.70710678118654752f)));
        TVector onePlusErf = TIsa.Select(TIsa.LessThan(x, TIsa.Zero), erfc, TIsa.Subtract(TIsa.Broadcast(2f), erfc));
        return PropagateNaN<TIsa, TVector>(x, TIsa.Multiply(TIsa.Multiply(x, TIsa.Broadcast(0.5f)), onePlusErf));
    }

    /// <summary>
    /// <see cref="GeluErf"/> with AVX2 and FMA through <see cref="GeluErfExpAvx2"/> (no permutes; AMD's cores, where the
    /// table's permutes were a third of its time), elsewhere the same as <see cref="GeluErf"/>. The element-wise loops
    /// choose between the two once per call (<see cref="ElementwiseRow"/>), not per vector: under NativeAOT a vendor
    /// check inside the loop is a run-time branch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector GeluErfExp<TIsa, TVector>(TVector x)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        if (typeof(TVector) == typeof(Vector256<float>) && Avx2.IsSupported && Fma.IsSupported)
            return (TVector)(object)GeluErfExpAvx2.Invoke((Vector256<float>)(object)x);
        return GeluErf<TIsa, TVector>(x);
    }

    /// <summary>0.5 x (1 + tanh(u)) = x * sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector GeluTanh<TIsa, TVector>(TVector x)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        TVector cube = TIsa.Multiply(TIsa.Multiply(x, x), x);
        TVector twiceU = TIsa.Multiply(TIsa.MultiplyAdd(cube, TIsa.Broadcast(0.044715f), x), TIsa.Broadcast(2f * 0.79788456080286536f));
        return TIsa.Divide(x, TIsa.Add(TIsa.Broadcast(1f), ExpClamped<TIsa, TVector>(TIsa.Negate(twiceU))));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVector PropagateNaN<TIsa, TVector>(TVector x, TVector result)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => TIsa.Select(TIsa.Equals(x, x), result, x);
}
