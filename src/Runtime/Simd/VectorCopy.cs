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

    /// <summary>
    /// to[i] = from[i] for i &lt; count and 0 up to <paramref name="rowWidth"/> (a multiple of the vector width): the
    /// partial vector is stored whole, its masked-off lanes being the first zeros.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CopyPadded<TIsa, TVector>(float* from, float* to, int count, int rowWidth)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int i = 0;
        for (; i + TIsa.Count <= count; i += TIsa.Count) TIsa.Store(to + i, TIsa.Load(from + i));
        if (i < count)
        {
            TIsa.Store(to + i, TIsa.LoadPartial(from + i, count - i));
            i += TIsa.Count;
        }
        for (; i < rowWidth; i += TIsa.Count) TIsa.Store(to + i, TIsa.Zero);
    }
}
