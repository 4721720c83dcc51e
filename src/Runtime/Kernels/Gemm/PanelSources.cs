using System.Runtime.CompilerServices;
using System;
using System.Runtime.Intrinsics;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// Where the GEMM driver gets B, one panel of <see cref="GemmDriver.PanelWidth"/> columns at a time.
/// A panel is element (p, j) at panel[p * rowStride + j] for depth rows p and columns j, and all
/// PanelWidth columns of it must be readable (zero beyond the valid ones when packed).
/// </summary>
internal unsafe interface IPanelSource
{
    /// <summary>True when the panel is packed into the caller's scratch (which holds <see cref="GemmDriver.DepthChunk"/> rows), so depth must be chunked.</summary>
    bool UsesScratch(int columns);
    float* GetPanel(int column, int columns, int depth, int depthCount, float* scratch, out nint rowStride);
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float* GetPanel(int column, int columns, int depth, int depthCount, float* scratch, out nint rowStride)
    {
        rowStride = GemmDriver.PanelWidth;
        return _packed + (nint)(column / GemmDriver.PanelWidth) * _depth * GemmDriver.PanelWidth + (nint)depth * GemmDriver.PanelWidth;
    }
}

/// <summary>
/// Row-major B ([k][n] with row stride ldb), copied into the L1-sized scratch panel. Reading full panels in place
/// would save the copy, but with power-of-two row strides (HW = 1024, 4096 in vision models) the panel's rows all
/// land in the same L1 sets and are re-fetched for every 6-row tile; measured 2x slower.
/// </summary>
internal readonly unsafe struct RowMajorPanels : IPanelSource
{
    private readonly float* _b;
    private readonly nint _ldb;

    public RowMajorPanels(float* b, nint ldb)
    {
        _b = b;
        _ldb = ldb;
    }

    public bool UsesScratch(int columns) => true;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float* GetPanel(int column, int columns, int depth, int depthCount, float* scratch, out nint rowStride)
    {
        float* source = _b + (nint)depth * _ldb + column;
        rowStride = GemmDriver.PanelWidth;
        // Inline vector copies, the last panel of a row (49 of 64 columns at 7×7) with a masked tail and its zero padding:
        // an element loop cost as much as the products of three 6-row tiles, and a CopyBlock + InitBlock call pair per
        // depth row still a quarter of a 960 → 160 convolution on 7×7.
        VectorCopy.CopyPaddedRows(source, _ldb, scratch, GemmDriver.PanelWidth, depthCount, columns);
        return scratch;
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float* GetPanel(int column, int columns, int depth, int depthCount, float* scratch, out nint rowStride)
    {
        rowStride = GemmDriver.PanelWidth;
        GemmDriver.PackTransposed(_b + (nint)column * _ldb + depth, _ldb, columns, depthCount, scratch);
        return scratch;
    }
}
