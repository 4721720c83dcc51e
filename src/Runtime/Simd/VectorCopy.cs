using System.Runtime.CompilerServices;

namespace MobileViT.Runtime.Simd;

/// <summary>Contiguous copies inside kernels: short runs (rows of tens of floats) where a Span.CopyTo call costs more than the copy.</summary>
internal static unsafe class VectorCopy
{
    /// <summary>to[i] = from[i] for i &lt; count: whole vectors, then one partial vector (masked moves measured faster than scalar ones here).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy<TIsa, TVector>(float* from, float* to, int count)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int i = 0;
        for (; i + TIsa.Count <= count; i += TIsa.Count) TIsa.Store(to + i, TIsa.Load(from + i));
        if (i < count) TIsa.StorePartial(to + i, TIsa.LoadPartial(from + i, count - i), count - i);
    }
}
