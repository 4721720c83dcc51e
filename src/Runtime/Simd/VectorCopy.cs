using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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

    /// <summary>
    /// <see cref="CopyPadded"/> for <paramref name="rows"/> rows of <paramref name="count"/> floats into rows of
    /// <paramref name="rowWidth"/> (a multiple of 16), with the widest vectors the machine accelerates: for callers that
    /// are not generic over the instruction set (the GEMM's row-major panels).
    /// </summary>
    public static void CopyPaddedRows(float* from, nint fromStride, float* to, nint rowWidth, int rows, int count)
    {
        switch (KernelIsaSelector.Best)
        {
            case KernelIsa.Vector512: CopyPaddedRows<Vector512Isa, Vector512<float>>(from, fromStride, to, rowWidth, rows, count); break;
            case KernelIsa.Vector256: CopyPaddedRows<Vector256Isa, Vector256<float>>(from, fromStride, to, rowWidth, rows, count); break;
            case KernelIsa.Vector128: CopyPaddedRows<Vector128Isa, Vector128<float>>(from, fromStride, to, rowWidth, rows, count); break;
            default:
                for (int r = 0; r < rows; r++)
                {
                    int j = 0;
                    for (; j < count; j++) to[r * rowWidth + j] = from[r * fromStride + j];
                    for (; j < rowWidth; j++) to[r * rowWidth + j] = 0f;
                }
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyPaddedRows<TIsa, TVector>(float* from, nint fromStride, float* to, nint rowWidth, int rows, int count)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        for (int r = 0; r < rows; r++) CopyPadded<TIsa, TVector>(from + r * fromStride, to + r * rowWidth, count, (int)rowWidth);
    }
}
