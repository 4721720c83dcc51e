using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MobileViT.Runtime.Simd;

/// <summary>
/// GELU (erf form) with AVX2 and FMA without permutes, for AMD cores: Φ(−a) = exp(−a²/2)·P(t), t = 1 / (1 + 0.32a),
/// a = min(|x|, 6), with P of degree 7 fitted here for relative error on [0, 6] (5e-8 in exact arithmetic); Φ(x) is
/// that for x &lt; 0 and one minus it otherwise, as in <see cref="GeluErfAvx2"/>. That table form spends nine
/// <c>vpermps</c> per vector, about a third of its time on a Zen 3 (7.1 ns per vector, 4.4 with additions in their
/// place); this one 5.8-6.1 ns, bound by its division and exp. Within 1.4e-6 relative on [−6, 0) (the table: 1.2e-5 on
/// [−4, 0), 4.5e-3 near −5.7) and 3.9e-7 absolute everywhere, like the table. On Intel cores a permute is one cycle and
/// a 256-bit division five, so they keep the table (<see cref="ElementwiseRow"/> chooses, once per call; not measured on one).
/// </summary>
internal static class GeluErfExpAvx2
{
    /// <summary>The scale of a in t = 1 / (1 + Scale·a), picked with the coefficients (0.30-0.40 fit about as well).</summary>
    private const float Scale = 0.32f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x)
    {
        // Avx.Min returns its second operand for NaN: a stays finite and x · Φ carries the NaN.
        Vector256<float> a = Avx.Min(Vector256.Abs(x), Vector256.Create(6f));
        Vector256<float> t = Vector256<float>.One / Fma.MultiplyAdd(a, Vector256.Create(Scale), Vector256<float>.One);
        Vector256<float> t2 = t * t, t4 = t2 * t2;
        Vector256<float> p01 = Fma.MultiplyAdd(Vector256.Create(1.336562867e-01f), t, Vector256.Create(-4.002899086e-04f));
        Vector256<float> p23 = Fma.MultiplyAdd(Vector256.Create(2.527766101e-01f), t, Vector256.Create(8.912588020e-02f));
        Vector256<float> p45 = Fma.MultiplyAdd(Vector256.Create(4.417537799e-01f), t, Vector256.Create(-2.105298814e-01f));
        Vector256<float> p67 = Fma.MultiplyAdd(Vector256.Create(4.809933252e-02f), t, Vector256.Create(-2.544817441e-01f));
        Vector256<float> p = Fma.MultiplyAdd(Fma.MultiplyAdd(p67, t2, p45), t4, Fma.MultiplyAdd(p23, t2, p01));
        // exp(−a²/2) >= exp(−18): no clamp is reached.
        Vector256<float> e = VectorMath.ExpNonPositiveShort<Vector256Isa, Vector256<float>>(a * a * Vector256.Create(-0.5f));
        Vector256<float> lower = e * p;
        // Φ(x): Φ(−a) where x's sign bit is set, 1 − Φ(−a) elsewhere.
        return x * Avx.BlendVariable(Vector256<float>.One - lower, lower, x);
    }
}
