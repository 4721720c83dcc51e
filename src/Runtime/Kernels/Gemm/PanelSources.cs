using System.Runtime.CompilerServices;
using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// Where the GEMM driver gets B, one panel of <see cref="GemmDriver.PanelWidth"/> columns at a time.
/// A panel is element (p, j) at panel[p * rowStride + j] for depth rows p and columns j, and all
/// PanelWidth columns of it must be readable (zero beyond the valid ones when packed).
/// </summary>
internal unsafe interface IPanelSource
{
    /// <summary>True when the panel is packed into the caller's scratch (which holds a depth chunk's rows), so depth must be chunked.</summary>
    bool UsesScratch(int columns);
    float* GetPanel(int column, int columns, int depth, int depthCount, float* scratch, out nint rowStride);

    /// <summary>
    /// B from <paramref name="column"/> on where it is stored (element (p, j) at result[p * rowStride + j]), so that the
    /// few columns past a row's last whole vector can be read straight from it; null when B is not stored that way.
    /// </summary>
    float* ColumnsInPlace(int column, out nint rowStride);
}

/// <summary>B prepacked by <see cref="GemmF32.PackB"/>: panels of [k][64], zero-padded.</summary>
internal readonly unsafe struct PrepackedPanels : IPanelSource
{
    private readonly float* _packed;
    private readonly int _depth;

    public PrepackedPanels(float* packed, int depth)
    {
        _packed = packed;
        _depth = depth;
    }

    public bool UsesScratch(int columns) => false;

    public float* ColumnsInPlace(int column, out nint rowStride)
    {
        rowStride = 0;
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float* GetPanel(int column, int columns, int depth, int depthCount, float* scratch, out nint rowStride)
    {
        rowStride = GemmDriver.PanelWidth;
        return _packed + (nint)(column / GemmDriver.PanelWidth) * _depth * GemmDriver.PanelWidth + (nint)depth * GemmDriver.PanelWidth;
    }
}

/// <summary>
/// Row-major B ([k][n] with row stride ldb). Whole panels are read in place (in the driver's depth chunks): a copy costs
/// as much as the products of a 6-row tile per panel, so it only pays when many rows of A reuse it (small output
/// channel counts went 10-25 % faster in place: 144 → 24 on 56×56 135 → 106 µs, 32 → 16 on 112×112 103 → 80).
/// Rows 4 KiB apart (planes of 32×32, 64×64, 128×128) all land in the same L1 sets and are re-fetched for every 6-row
/// tile (measured up to 2x slower), so those panels, and the last partial panel of a row (which must read as zeros past
/// its columns), are copied into the L1-sized scratch instead.
/// </summary>
internal readonly unsafe struct RowMajorPanels : IPanelSource
{
    /// <summary>Row strides that are multiples of this many floats (4 KiB) alias in L1.</summary>
    private const int AliasingStride = 1024;

    /// <summary>
    /// Row strides (4 KiB) and panel depths from which an in-place panel's depth rows are more streams, each in a page
    /// of its own, than the hardware prefetchers follow, so the next panel is asked for in software.
    /// </summary>
    private const int PrefetchStride = 1024, PrefetchDepth = 64;

    private readonly float* _b;
    private readonly nint _ldb;

    private readonly bool _inPlace;
    private readonly bool _prefetchNextPanel;

    public RowMajorPanels(float* b, nint ldb)
    {
        _b = b;
        _ldb = ldb;
        _inPlace = ldb % AliasingStride != 0;
        _prefetchNextPanel = _inPlace && ldb >= PrefetchStride && Sse.IsSupported;
    }

    public bool UsesScratch(int columns) => !(_inPlace && columns == GemmDriver.PanelWidth);

    public float* ColumnsInPlace(int column, out nint rowStride)
    {
        rowStride = _ldb;
        return _b + column;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float* GetPanel(int column, int columns, int depth, int depthCount, float* scratch, out nint rowStride)
    {
        float* source = _b + (nint)depth * _ldb + column;
        if (_inPlace && columns == GemmDriver.PanelWidth)
        {
            rowStride = _ldb;
            if (_prefetchNextPanel && depthCount >= PrefetchDepth) PrefetchNextPanel(source, depthCount);
            return source;
        }
        rowStride = GemmDriver.PanelWidth;
        // Inline vector copies, the last panel of a row (49 of 64 columns at 7×7) with a masked tail and its zero padding:
        // an element loop cost as much as the products of three 6-row tiles, and a CopyBlock + InitBlock call pair per
        // depth row still a quarter of a 960 → 160 convolution on 7×7.
        VectorCopy.CopyPaddedRows(source, _ldb, scratch, GemmDriver.PanelWidth, depthCount, columns);
        return scratch;
    }

    /// <summary>The next panel's depth rows (four cache lines each), while the tiles work on this one.</summary>
    private void PrefetchNextPanel(float* panel, int depthCount)
    {
        for (int p = 0; p < depthCount; p++)
        {
            float* next = panel + p * _ldb + GemmDriver.PanelWidth;
            Sse.Prefetch0(next);
            Sse.Prefetch0(next + 16);
            Sse.Prefetch0(next + 32);
            Sse.Prefetch0(next + 48);
        }
    }
}

/// <summary>Transposed B (stored [n][k] with row stride ldb, as PyTorch Linear weights or Kᵀ in attention): always packed.</summary>
internal readonly unsafe struct TransposedPanels : IPanelSource
{
    private readonly float* _b;
    private readonly nint _ldb;

    public TransposedPanels(float* b, nint ldb)
    {
        _b = b;
        _ldb = ldb;
    }

    public bool UsesScratch(int columns) => true;

    public float* ColumnsInPlace(int column, out nint rowStride)
    {
        rowStride = 0;
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float* GetPanel(int column, int columns, int depth, int depthCount, float* scratch, out nint rowStride)
    {
        rowStride = GemmDriver.PanelWidth;
        GemmDriver.PackTransposed(_b + (nint)column * _ldb + depth, _ldb, columns, depthCount, scratch);
        return scratch;
    }
}

/// <summary>
/// The panels of one column block of another source, fetched once (packed into <paramref name="buffer"/> when the
/// source copies them, else where the source keeps them) and handed out as often as asked: the row groups of a shallow
/// product each walk the same block, and a source that copies its panels (rows 4 KiB apart) copied the whole of B again
/// for every group (32 → 128 on 128×128, on a Zen 3: the copies took half as long as the products).
/// Only for depths of at most <see cref="GemmDriver.DepthChunk"/>, fetched whole.
/// </summary>
internal unsafe struct BlockPanels<TSource> : IPanelSource where TSource : struct, IPanelSource
{
    /// <summary>Floats of buffer a block needs: its panels side by side, each depth × <see cref="GemmDriver.PanelWidth"/>.</summary>
    public static int BufferFloats(int depth) => GemmDriver.BlockWidth * depth;

    private readonly TSource _source;
    private readonly int _blockStart;
    private fixed long _panels[GemmDriver.BlockWidth / GemmDriver.PanelWidth];
    private fixed long _strides[GemmDriver.BlockWidth / GemmDriver.PanelWidth];

    public BlockPanels(ref TSource source, float* buffer, int blockStart, int blockEnd, int n, int depth)
    {
        _source = source;
        _blockStart = blockStart;
        for (int column = blockStart, index = 0; column < blockEnd; column += GemmDriver.PanelWidth, index++)
        {
            float* scratch = buffer + (nint)index * depth * GemmDriver.PanelWidth;
            _panels[index] = (long)source.GetPanel(column, Math.Min(GemmDriver.PanelWidth, n - column), 0, depth, scratch, out nint stride);
            _strides[index] = stride;
        }
    }

    public bool UsesScratch(int columns) => false;

    public float* ColumnsInPlace(int column, out nint rowStride) => _source.ColumnsInPlace(column, out rowStride);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float* GetPanel(int column, int columns, int depth, int depthCount, float* scratch, out nint rowStride)
    {
        int index = (column - _blockStart) / GemmDriver.PanelWidth;
        rowStride = (nint)_strides[index];
        return (float*)_panels[index] + depth * rowStride;
    }
}
