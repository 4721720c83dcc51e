using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// The unfold and fold of 2 × 2 patches with AVX-512, for <see cref="StridedCopyF32"/>. An unfold reads each channel's
/// row with the patches' columns 2 floats apart, and a fold writes them so: the tiles of the general path then move
/// element by element (an unfold of 96 channels of 32 × 32 took 66 µs, 6 GB/s). Here the two pixels of a patch row
/// go together: a channel row's 32 floats are split into the even and the odd pixels in registers
/// (<see cref="Vector512Isa.Deinterleave"/>), or zipped from them (<see cref="InterleaveF32.ZipRow"/>), and each half
/// is one 16 × 16 register transpose. Plain copies, so the result is the same in any order.
/// </summary>
internal static unsafe class PatchPairs
{
    private const int Tile = 16;

    /// <summary>
    /// Unfold: axis a contiguous in the destination, the pair axis (length 2) contiguous in the source and axis b 2 floats
    /// apart there. Fold: axis a 2 floats apart in the destination, the pair axis contiguous there, b contiguous in the source.
    /// </summary>
    public static bool Find(ReadOnlySpan<int> shape, ReadOnlySpan<int> sourceStrides, ReadOnlySpan<int> destinationStrides,
        out int a, out int b, out int sibling, out bool unfold)
    {
        unfold = true;
        if (Find(shape, sourceStrides, destinationStrides, out a, out b, out sibling)) return true;
        // A fold of fewer than 8 patches per row (8 × 8 maps) measured slower this way (7.0 → 9.8 µs for 144 channels).
        unfold = false;
        if (Find(shape, destinationStrides, sourceStrides, out b, out a, out sibling) && shape[a] >= Tile / 2) return true;
        a = b = sibling = -1;
        return false;
    }

    /// <summary>
    /// The unfold's axes: a with stride 1 in <paramref name="across"/>, the pair with stride 1 and b with stride 2 in
    /// <paramref name="along"/> (a fold is the same with the two sides swapped).
    /// </summary>
    private static bool Find(ReadOnlySpan<int> shape, ReadOnlySpan<int> along, ReadOnlySpan<int> across, out int a, out int b, out int sibling)
    {
        a = b = sibling = -1;
        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] == 2 && along[d] == 1 && sibling < 0) sibling = d;
            else if (shape[d] >= 2 && along[d] == 2 && b < 0) b = d;
        }
        if (sibling < 0 || b < 0) return false;
        for (int d = 0; d < shape.Length; d++)
            if (d != sibling && d != b && shape[d] >= 2 && across[d] == 1 && (a < 0 || shape[d] > shape[a])) a = d;
        return a >= 0;
    }

    /// <summary>
    /// Element (i, j, s) of source[i · sourceStrideA + 2j + s] to destination[i + j · destinationStrideB + s · destinationStrideSibling],
    /// for i &lt; countA, j &lt; countB, s &lt; 2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unfold(float* source, nint sourceStrideA, float* destination, nint destinationStrideB, nint destinationStrideSibling, int countA, int countB)
    {
        float* even = stackalloc float[2 * Tile * Tile];
        float* odd = even + Tile * Tile;
        for (int a0 = 0; a0 < countA; a0 += Tile)
        {
            int rows = Math.Min(Tile, countA - a0);
            for (int b0 = 0; b0 < countB; b0 += Tile)
            {
                int lanes = Math.Min(Tile, countB - b0), floats = 2 * lanes;
                for (int r = 0; r < rows; r++)
                {
                    float* row = source + (a0 + r) * sourceStrideA + 2 * b0;
                    Vector512<float> low = Vector512Isa.LoadPartial(row, Math.Min(Tile, floats));
                    Vector512<float> high = floats > Tile ? Vector512Isa.LoadPartial(row + Tile, floats - Tile) : Vector512<float>.Zero;
                    Vector512Isa.Deinterleave(low, high, out Vector512<float> evens, out Vector512<float> odds);
                    Vector512.Store(evens, even + r * Tile);
                    Vector512.Store(odds, odd + r * Tile);
                }
                float* target = destination + b0 * destinationStrideB + a0;
                Avx512Transpose.Transpose16(even, Tile, rows, lanes, target, destinationStrideB, lanes, rows);
                Avx512Transpose.Transpose16(odd, Tile, rows, lanes, target + destinationStrideSibling, destinationStrideB, lanes, rows);
            }
        }
    }

    /// <summary>
    /// Element (i, j, s) of source[i · sourceStrideA + j + s · sourceStrideSibling] to destination[2i + s + j · destinationStrideB],
    /// for i &lt; countA, j &lt; countB, s &lt; 2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fold(float* source, nint sourceStrideA, nint sourceStrideSibling, float* destination, nint destinationStrideB, int countA, int countB)
    {
        float* even = stackalloc float[2 * Tile * Tile];
        float* odd = even + Tile * Tile;
        for (int a0 = 0; a0 < countA; a0 += Tile)
        {
            int rows = Math.Min(Tile, countA - a0);
            for (int b0 = 0; b0 < countB; b0 += Tile)
            {
                int lanes = Math.Min(Tile, countB - b0);
                float* from = source + a0 * sourceStrideA + b0;
                Avx512Transpose.Transpose16(from, sourceStrideA, rows, lanes, even, Tile, lanes, rows);
                Avx512Transpose.Transpose16(from + sourceStrideSibling, sourceStrideA, rows, lanes, odd, Tile, lanes, rows);
                for (int j = 0; j < lanes; j++)
                    InterleaveF32.ZipRow(even + j * Tile, odd + j * Tile, destination + (b0 + j) * destinationStrideB + 2 * a0, rows, rows);
            }
        }
    }
}
