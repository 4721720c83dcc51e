using System.Runtime.CompilerServices;
using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// destination[Σ i_d · dstStride_d] = source[Σ i_d · srcStride_d] over a fixed shape: the transposes, unfolds and folds
/// the compiler turns view chains into. A plain loop in destination order reads the source with a large stride (an
/// unfold reads 96 channel planes 4 KB apart, which thrashes L1's sets); this kernel walks the axis nearest to
/// contiguous in the destination and the one nearest to contiguous in the source together, in 16 × 16 tiles, so both
/// sides use whole cache lines; contiguous runs (splitting attention heads) are copied with inline vector moves. Every element
/// is a plain copy, so the order changes nothing in the result.
/// </summary>
public static unsafe class StridedCopyF32
{
    private const int Tile = 16;
    private const int MaxRank = 8;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(ReadOnlySpan<float> source, Span<float> destination, ReadOnlySpan<int> shape,
        ReadOnlySpan<int> sourceStrides, ReadOnlySpan<int> destinationStrides)
    {
        int rank = shape.Length;
        if (rank == 0 || rank > MaxRank || sourceStrides.Length != rank || destinationStrides.Length != rank)
            throw new ArgumentException($"Expected 1 to {MaxRank} axes with one source and one destination stride each.", nameof(shape));
        long sourceEnd = 1, destinationEnd = 1;
        for (int d = 0; d < rank; d++)
        {
            if (shape[d] <= 0) return;
            if (sourceStrides[d] < 0 || destinationStrides[d] < 0) throw new ArgumentException("Strides must not be negative.", nameof(sourceStrides));
            sourceEnd += (long)(shape[d] - 1) * sourceStrides[d];
            destinationEnd += (long)(shape[d] - 1) * destinationStrides[d];
        }
        if (sourceEnd > source.Length) throw new ArgumentException($"The source needs {sourceEnd} floats, has {source.Length}.", nameof(source));
        if (destinationEnd > destination.Length) throw new ArgumentException($"The destination needs {destinationEnd} floats, has {destination.Length}.", nameof(destination));

        // a: the axis nearest to contiguous in the destination, b: the one nearest to contiguous in the source, each
        // preferring axes long enough to fill a tile. A fold's destination-contiguous axis is a patch's 2 pixels; its
        // 16 patches along the row (destination stride 2) make the tile, and the sibling pixel's tile, right after it,
        // fills the other half of the same destination lines while they are still in L1.
        int a = NearestContiguous(shape, destinationStrides, exclude: -1);
        if (a < 0) a = rank - 1; // every axis has length one: a single element
        int b = NearestContiguous(shape, sourceStrides, exclude: a);
        // Runs contiguous on both sides (splitting attention heads) are vector moves, not tiles.
        if (b >= 0 && (sourceStrides[b] >= destinationStrides[b] || (sourceStrides[a] == 1 && destinationStrides[a] == 1))) b = -1;

        // 2 × 2 patches (MobileViT's unfold and fold) pair the two pixels of a patch row; see PatchPairs.
        int sibling = -1;
        bool unfold = false;
        if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated
            && PatchPairs.Find(shape, sourceStrides, destinationStrides, out int pairA, out int pairB, out int pairSibling, out bool pairUnfold))
        {
            (a, b, sibling, unfold) = (pairA, pairB, pairSibling, pairUnfold);
        }

        int* outer = stackalloc int[MaxRank];
        int* index = stackalloc int[MaxRank];
        int outerRank = 0;
        for (int d = 0; d < rank; d++)
            if (d != a && d != b && d != sibling) outer[outerRank++] = d;

        fixed (float* sourcePointer = source)
        fixed (float* destinationPointer = destination)
        {
            for (int d = 0; d < outerRank; d++) index[d] = 0;
            nint sourceOffset = 0, destinationOffset = 0;
            while (true)
            {
                float* from = sourcePointer + sourceOffset;
                float* to = destinationPointer + destinationOffset;
                if (sibling >= 0 && unfold)
                    PatchPairs.Unfold(from, sourceStrides[a], to, destinationStrides[b], destinationStrides[sibling], shape[a], shape[b]);
                else if (sibling >= 0)
                    PatchPairs.Fold(from, sourceStrides[a], sourceStrides[sibling], to, destinationStrides[b], shape[a], shape[b]);
                else if (b < 0) CopyAxis(from, sourceStrides[a], to, destinationStrides[a], shape[a]);
                else CopyTiles(from, sourceStrides[a], sourceStrides[b], to, destinationStrides[a], destinationStrides[b], shape[a], shape[b]);

                // Odometer over the outer axes, innermost first.
                int level = outerRank - 1;
                for (; level >= 0; level--)
                {
                    int axis = outer[level];
                    sourceOffset += sourceStrides[axis];
                    destinationOffset += destinationStrides[axis];
                    if (++index[level] < shape[axis]) break;
                    sourceOffset -= (nint)shape[axis] * sourceStrides[axis];
                    destinationOffset -= (nint)shape[axis] * destinationStrides[axis];
                    index[level] = 0;
                }
                if (level < 0) return;
            }
        }
    }

    /// <summary>
    /// The axis with the smallest stride among those at least half a tile long, or failing that among those longer than
    /// one (the last such axis on ties, so the odometer stays in memory order); -1 when there is none.
    /// </summary>
    private static int NearestContiguous(ReadOnlySpan<int> shape, ReadOnlySpan<int> strides, int exclude)
    {
        int best = -1;
        for (int pass = 0; pass < 2 && best < 0; pass++)
        {
            int minimumLength = pass == 0 ? Tile / 2 : 2;
            for (int d = shape.Length - 1; d >= 0; d--)
                if (d != exclude && shape[d] >= minimumLength && (best < 0 || strides[d] < strides[best])) best = d;
        }
        return best;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyAxis(float* from, nint sourceStride, float* to, nint destinationStride, int count)
    {
        if (sourceStride == 1 && destinationStride == 1)
        {
            CopyRun(from, to, count);
            return;
        }
        for (int i = 0; i < count; i++) to[i * destinationStride] = from[i * sourceStride];
    }

    /// <summary>
    /// A contiguous run, typically short (an attention head's 24 to 36 floats): inline vector moves, where a call of
    /// Span.CopyTo per run would cost more than the copy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyRun(float* from, float* to, int count)
    {
        int i = 0;
        if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
            for (; i + 8 <= count; i += 8) System.Runtime.Intrinsics.Vector256.Store(System.Runtime.Intrinsics.Vector256.Load(from + i), to + i);
        else if (System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated)
            for (; i + 4 <= count; i += 4) System.Runtime.Intrinsics.Vector128.Store(System.Runtime.Intrinsics.Vector128.Load(from + i), to + i);
        for (; i < count; i++) to[i] = from[i];
    }

    /// <summary>source [rows, columns] into destination [columns, rows] (attention's transposed output), tile by tile.</summary>
    internal static void Transpose(float* source, int rows, int columns, float* destination)
        => CopyTiles(source, columns, 1, destination, 1, rows, rows, columns);

    /// <summary>The same with the destination's rows <paramref name="destinationRowStride"/> floats apart (one head's columns of a wider row).</summary>
    internal static void Transpose(float* source, int rows, int columns, float* destination, nint destinationRowStride)
        => CopyTiles(source, columns, 1, destination, 1, destinationRowStride, rows, columns);

    /// <summary>
    /// Axis a (destination stride 1 in practice) against axis b (source stride 1), tile by tile; when both strides are 1,
    /// each tile is transposed in registers (<see cref="Simd.Avx512Transpose"/>, or 8 × 8 with <see cref="Simd.AvxTranspose"/>)
    /// instead of element by element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyTiles(float* from, nint sourceStrideA, nint sourceStrideB, float* to, nint destinationStrideA, nint destinationStrideB, int countA, int countB)
    {
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported && sourceStrideB == 1 && destinationStrideA == 1)
        {
            for (int a0 = 0; a0 < countA; a0 += Tile)
                for (int b0 = 0; b0 < countB; b0 += Tile)
                {
                    int rows = Math.Min(Tile, countA - a0), lanes = Math.Min(Tile, countB - b0);
                    Simd.Avx512Transpose.Transpose16(from + a0 * sourceStrideA + b0, sourceStrideA, rows, lanes,
                        to + b0 * destinationStrideB + a0, destinationStrideB, lanes, rows);
                }
            return;
        }
        if (Avx.IsSupported && sourceStrideB == 1 && destinationStrideA == 1)
        {
            // 8 × 8 tiles in AVX registers: element by element, attention's output transposes took 4.2 % of a 16-head
            // 256 × 256 attention's samples on a Zen 3.
            for (int a0 = 0; a0 < countA; a0 += 8)
                for (int b0 = 0; b0 < countB; b0 += 8)
                {
                    int rows = Math.Min(8, countA - a0), lanes = Math.Min(8, countB - b0);
                    AvxTranspose.Transpose8(from + a0 * sourceStrideA + b0, sourceStrideA, rows, lanes, to + b0 * destinationStrideB + a0, destinationStrideB, lanes, rows);
                }
            return;
        }
        for (int b0 = 0; b0 < countB; b0 += Tile)
        {
            int b1 = Math.Min(countB, b0 + Tile);
            for (int a0 = 0; a0 < countA; a0 += Tile)
            {
                int a1 = Math.Min(countA, a0 + Tile);
                for (int j = b0; j < b1; j++)
                {
                    float* source = from + j * sourceStrideB;
                    float* destination = to + j * destinationStrideB;
                    for (int i = a0; i < a1; i++) destination[i * destinationStrideA] = source[i * sourceStrideA];
                }
            }
        }
    }
}
