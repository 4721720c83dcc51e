using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MobileViT.Runtime.Simd;

/// <summary>
/// GELU (erf form) with AVX2 and FMA from <see cref="GeluErfAvx512"/>'s table: VPERMPS picks among eight entries, so
/// only the table's lower half is used, Φ(−|x|) on [−6, 0] in eight intervals, and Φ(x) is that for x &lt; 0 and one minus
/// it otherwise (Φ(−a) = 1 − Φ(a)). The negative side, where GELU's outputs are small, is within 1.2e-5 relative on
/// [−4, 0) (4.5e-3 near −5.7, where GELU is below 1e-7); the positive side needs only absolute accuracy near 1. Used on
/// Intel cores; AMD's take <see cref="GeluErfExpAvx2"/>, which spends no permutes. One permute and one multiply-add per coefficient where
/// <see cref="VectorMath.GeluErf"/>'s generic form computes a division, an exp and a degree-9 polynomial (10.0 → 8.6 ns
/// per vector on a Zen 3, where GELU took a quarter as long as the products of RepViT's 192 → 384 on 14×14).
/// </summary>
internal static class GeluErfAvx2
{
    /// <summary>Intervals of the shared table per coefficient (the lower eight cover [−6, 0]) and their width.</summary>
    private const int TableIntervals = GeluErfAvx512.Intervals;
    private const float Width = GeluErfAvx512.Width;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x)
    {
        ref float table = ref MemoryMarshal.GetReference(GeluErfAvx512.Table);
        Vector256<float> a = Vector256.Min(Vector256.Abs(x), Vector256.Create(6f - 1e-3f));
        // −a lies in table interval 7 − j, centred on −(j + ½)·Width; VPERMPS reads the index's low three bits only.
        Vector256<int> j = Avx.ConvertToVector256Int32WithTruncation(Avx.Multiply(a, Vector256.Create(1f / Width)));
        Vector256<int> interval = Vector256.Create(7) - j;
        // Offset of −a from the interval's centre, |t| <= Width / 2.
        Vector256<float> t = Fma.MultiplyAdd(Avx.ConvertToVector256Single(j), Vector256.Create(Width), Vector256.Create(Width / 2) - a);
        // Estrin's scheme (pairs, then t², t⁴, t⁸): four multiply-adds deep instead of Horner's eight, so the two
        // vectors a step of the element-wise loop carries overlap instead of waiting on one long chain.
        Vector256<float> t2 = t * t, t4 = t2 * t2;
        Vector256<float> p01 = Fma.MultiplyAdd(Coefficient(ref table, 1, interval), t, Coefficient(ref table, 0, interval));
        Vector256<float> p23 = Fma.MultiplyAdd(Coefficient(ref table, 3, interval), t, Coefficient(ref table, 2, interval));
        Vector256<float> p45 = Fma.MultiplyAdd(Coefficient(ref table, 5, interval), t, Coefficient(ref table, 4, interval));
        Vector256<float> p67 = Fma.MultiplyAdd(Coefficient(ref table, 7, interval), t, Coefficient(ref table, 6, interval));
        Vector256<float> p03 = Fma.MultiplyAdd(p23, t2, p01), p47 = Fma.MultiplyAdd(p67, t2, p45);
        Vector256<float> p48 = Fma.MultiplyAdd(Coefficient(ref table, 8, interval), t4, p47);
        Vector256<float> p = Fma.MultiplyAdd(p48, t4, p03);
        // Φ(x): p where x's sign bit is set, 1 − p elsewhere.
        Vector256<float> phi = Avx.BlendVariable(Vector256.Create(1f) - p, p, x);
        return x * phi;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Coefficient(ref float table, int k, Vector256<int> interval)
        => Avx2.PermuteVar8x32(Vector256.LoadUnsafe(ref table, (nuint)(k * TableIntervals)), interval);
}
