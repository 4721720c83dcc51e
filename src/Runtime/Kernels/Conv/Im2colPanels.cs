using System.Runtime.CompilerServices;
using System;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// B panels of the implicit GEMM for a general convolution: row p = (input channel, ky, kx) of one group,
/// column j = output pixel (oy, ox); the value is the input cell under that tap, or 0 in the padding.
/// Built directly into the L1-sized scratch panel, so no im2col buffer is ever allocated.
/// The panel's pixels are split once into runs along output rows; each tap then copies each run with vector loads
/// (stride 2 de-interleaves pairs of vectors), clipping the run to the columns whose tap falls inside the input.
/// </summary>
internal unsafe struct Im2colPanels<TIsa, TVector> : IPanelSource
    where TIsa : struct, IVectorIsa<TVector> where TVector : struct
{
    private const int MaxRuns = GemmDriver.PanelWidth;
    private readonly float* _input;   // first input channel of the group, one batch item
    private readonly int _inHeight, _inWidth, _outHeight, _outWidth;
    private readonly int _kernelHeight, _kernelWidth, _strideHeight, _strideWidth, _padTop, _padLeft, _dilationHeight, _dilationWidth;
    private readonly int _channels; // input channels of the group
    private readonly nint _channelStride; // floats from one input plane to the next
    private readonly WholePlaneTaps _wholePlane;

    /// <param name="wholePlane">From <see cref="WholePlaneTaps.Prepare"/> for this geometry, or default.</param>
    public Im2colPanels(float* input, in Conv2dGeometry g, WholePlaneTaps wholePlane = default)
    {
        _wholePlane = wholePlane;
        _input = input;
        _channelStride = g.InputChannelStride;
        _inHeight = g.InHeight;
        _inWidth = g.InWidth;
        _outHeight = g.OutHeight;
        _outWidth = g.OutWidth;
        _kernelHeight = g.KernelHeight;
        _kernelWidth = g.KernelWidth;
        _strideHeight = g.StrideHeight;
        _strideWidth = g.StrideWidth;
        _padTop = g.PadTop;
        _padLeft = g.PadLeft;
        _dilationHeight = g.DilationHeight;
        _dilationWidth = g.DilationWidth;
        _channels = g.InChannels / g.Groups;
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
        // Offsets only where WholePlaneTaps.Applies: 512-bit vectors with AVX-512 (.NET 9 on), 256-bit ones with AVX.
        if (_wholePlane.Offsets != null)
            return GetPanelOfWholePlane(depth, depthCount, scratch);
#if NET9_0_OR_GREATER
        if (typeof(TVector) == typeof(Vector512<float>) && Avx512F.IsSupported && _strideWidth <= 2)
            return GetPanelMasked(column, columns, depth, depthCount, scratch);
#endif
        // Runs of consecutive output pixels within one output row: (row, first column, length, offset in the panel).
        int* runRow = stackalloc int[MaxRuns];
        int* runStart = stackalloc int[MaxRuns];
        int* runLength = stackalloc int[MaxRuns];
        int* runOffset = stackalloc int[MaxRuns];
        int runs = 0;
        for (int filled = 0, outY = column / _outWidth, outX = column % _outWidth; filled < columns; outY++, outX = 0, runs++)
        {
            int length = Math.Min(columns - filled, _outWidth - outX);
            runRow[runs] = outY;
            runStart[runs] = outX;
            runLength[runs] = length;
            runOffset[runs] = filled;
            filled += length;
        }

        // Per kx: the input column offset and the output columns whose tap lands inside the input
        // (0 <= ox * stride + shift < inWidth), computed once per panel rather than per depth row.
        int* shifts = stackalloc int[_kernelWidth];
        int* validStarts = stackalloc int[_kernelWidth];
        int* validEnds = stackalloc int[_kernelWidth];
        for (int kx = 0; kx < _kernelWidth; kx++)
        {
            int shift = kx * _dilationWidth - _padLeft;
            int last = _inWidth - 1 - shift;
            shifts[kx] = shift;
            validStarts[kx] = shift >= 0 ? 0 : (-shift + _strideWidth - 1) / _strideWidth;
            validEnds[kx] = last < 0 ? 0 : last / _strideWidth + 1;
        }

        int taps = _kernelHeight * _kernelWidth;
        int channel = depth / taps, kernelY = depth % taps / _kernelWidth, kernelX = depth % _kernelWidth;
        for (int p = 0; p < depthCount; p++)
        {
            float* plane = _input + channel * _channelStride;
            float* destination = scratch + p * GemmDriver.PanelWidth;
            int shift = shifts[kernelX], validStart = validStarts[kernelX], validEnd = validEnds[kernelX];
            for (int run = 0; run < runs; run++)
            {
                float* target = destination + runOffset[run];
                int start = runStart[run], end = start + runLength[run];
                int inY = runRow[run] * _strideHeight - _padTop + kernelY * _dilationHeight;
                if ((uint)inY >= (uint)_inHeight)
                {
                    Zero(target, runLength[run]);
                    continue;
                }
                int copyStart = Math.Clamp(validStart, start, end);
                int copyEnd = Math.Clamp(validEnd, copyStart, end);
                Zero(target, copyStart - start);
                float* source = plane + (nint)inY * _inWidth + shift + (nint)copyStart * _strideWidth;
                Copy(source, target + (copyStart - start), copyEnd - copyStart, _strideWidth);
                Zero(target + (copyEnd - start), end - copyEnd);
            }
            Zero(destination + columns, GemmDriver.PanelWidth - columns);
            if (++kernelX == _kernelWidth)
            {
                kernelX = 0;
                if (++kernelY == _kernelHeight)
                {
                    kernelY = 0;
                    channel++;
                }
            }
        }
        return scratch;
    }

    /// <summary>How many panels ahead <see cref="PrefetchPanel"/> asks for the input.</summary>
    private const int PrefetchPanels = 2;

    /// <summary>
    /// Asks the cache for the input cells a later panel reads, when one panel covers the whole depth (the stem: 3
    /// channels × 3 × 3). The stem runs first, on an input the rest of the previous run has pushed out of cache, and its
    /// panel gathers read 9 input rows in 3 planes at once, too many streams for the hardware prefetcher.
    /// </summary>
    private void PrefetchPanel(int column)
    {
        if (!Sse.IsSupported || column >= _outWidth * _outHeight) return;
        int outY = column / _outWidth, outX = column % _outWidth;
        int first = Math.Max(0, outX * _strideWidth - _padLeft);
        int end = Math.Min(_inWidth, (Math.Min(_outWidth, outX + GemmDriver.PanelWidth) - 1) * _strideWidth - _padLeft + (_kernelWidth - 1) * _dilationWidth + 1);
        for (int channel = 0; channel < _channels; channel++)
            for (int ky = 0; ky < _kernelHeight; ky++)
            {
                int inY = outY * _strideHeight - _padTop + ky * _dilationHeight;
                if ((uint)inY >= (uint)_inHeight) continue;
                float* row = _input + ((nint)channel * _inHeight + inY) * _inWidth;
                for (int x = first; x < end; x += 16) Sse.Prefetch0(row + x);
                if (end > first) Sse.Prefetch0(row + end - 1);
            }
    }


    /// <summary>
    /// A plane of at most 64 cells that keeps its size (the 8×8 and 7×7 stages): the panel is the whole plane, and output
    /// cell i's tap (ky, kx) is input cell i + dy·width + dx of the same plane, or zero where that falls outside it. So a
    /// depth row is four (eight with 256-bit vectors) masked loads from the flattened input plane, with the tap's offset
    /// and masks from <see cref="WholePlaneTaps"/> (built once per convolution), instead of a masked copy per output row
    /// (eight runs of 8 on 8×8). Same panel, so the same bits. Per step, alone, with AVX-512: 192 → 96 on 8×8 0.87,
    /// 96 → 96 0.84, 160 → 80 on 7×7 with SiLU 0.86; inside MobileViT-XS and XXS at 224 (their last fusion convolutions)
    /// 0.97-0.98. With AVX on a Zen 3, where the run-by-run gather took 60 % as long as the products of 192 → 96 on 8×8:
    /// 0.60 → 0.89 of ONNX Runtime's speed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float* GetPanelOfWholePlane(int depth, int depthCount, float* scratch)
    {
        // MaskedCopy's width: 16 with AVX-512, else 8 (WholePlaneTaps.Applies admits no narrower vectors).
        int lanes = typeof(TVector) == typeof(Vector512<float>) ? 16 : 8, vectors = GemmDriver.PanelWidth / lanes;
        int taps = _kernelHeight * _kernelWidth;
        int* offsets = _wholePlane.Offsets;
        float* masks = _wholePlane.Masks;
        int channel = depth / taps, t = depth % taps;
        for (int p = 0; p < depthCount; p++)
        {
            float* source = _input + channel * _channelStride + offsets[t];
            float* destination = scratch + p * GemmDriver.PanelWidth;
            float* mask = masks + t * GemmDriver.PanelWidth;
            for (int v = 0; v < vectors; v++)
                MaskedCopy(source + v * lanes, mask + v * lanes, destination + v * lanes);
            if (++t == taps)
            {
                t = 0;
                channel++;
            }
        }
        return scratch;
    }

    /// <summary>One vector of <paramref name="source"/> where <paramref name="mask"/>'s lanes are set, zero elsewhere (masked-off lanes never fault).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MaskedCopy(float* source, float* mask, float* destination)
    {
#if NET9_0_OR_GREATER
        if (typeof(TVector) == typeof(Vector512<float>))
        {
            Vector512.Store(Avx512F.MaskLoad(source, Vector512.Load(mask), Vector512<float>.Zero), destination);
            return;
        }
#endif
        Avx.Store(destination, Avx.MaskLoad(source, Avx.LoadVector256(mask)));
    }

#if NET9_0_OR_GREATER
    /// <summary>
    /// Stride 1 or 2 with AVX-512: each run of a depth row is copied with masked loads straight from the input row, the
    /// lanes whose tap falls left or right of the input masked off (read as zero, never faulting) and masked stores
    /// ending the run. No clipping, zero loops or partial copies per run: on the fusion and local 3×3 convolutions of
    /// MobileViT the scalar bookkeeping of the general path cost a fifth to a third of the convolution.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float* GetPanelMasked(int column, int columns, int depth, int depthCount, float* scratch)
    {
        const int Lanes = 16;
        int* runRow = stackalloc int[MaxRuns];
        int* runStart = stackalloc int[MaxRuns];
        int* runLength = stackalloc int[MaxRuns];
        int* runOffset = stackalloc int[MaxRuns];
        int runs = 0;
        for (int filled = 0, outY = column / _outWidth, outX = column % _outWidth; filled < columns; outY++, outX = 0, runs++)
        {
            int length = Math.Min(columns - filled, _outWidth - outX);
            runRow[runs] = outY;
            runStart[runs] = outX;
            runLength[runs] = length;
            runOffset[runs] = filled;
            filled += length;
        }
        if (depth == 0 && depthCount == _channels * _kernelHeight * _kernelWidth) PrefetchPanel(column + PrefetchPanels * GemmDriver.PanelWidth);
        Vector512<int> lanes = Vector512<int>.Indices;
        Vector512<uint> inWidth = Vector512.Create((uint)_inWidth);
        int taps = _kernelHeight * _kernelWidth;
        int channel = depth / taps, kernelY = depth % taps / _kernelWidth, kernelX = depth % _kernelWidth;
        for (int p = 0; p < depthCount; p++)
        {
            float* plane = _input + channel * _channelStride;
            float* destination = scratch + p * GemmDriver.PanelWidth;
            int shift = kernelX * _dilationWidth - _padLeft;
            for (int run = 0; run < runs; run++)
            {
                float* target = destination + runOffset[run];
                int length = runLength[run];
                int inY = runRow[run] * _strideHeight - _padTop + kernelY * _dilationHeight;
                bool rowInside = (uint)inY < (uint)_inHeight;
                float* row = plane + (nint)inY * _inWidth;
                for (int j = 0; j < length; j += Lanes)
                {
                    Vector512<float> store = Vector512.LessThan(lanes, Vector512.Create(length - j)).AsSingle();
                    Vector512<float> value = Vector512<float>.Zero;
                    if (rowInside)
                    {
                        // Input column of each lane, kept when inside [0, inWidth) (an unsigned comparison) and within the run.
                        int x0 = (runStart[run] + j) * _strideWidth + shift;
                        if (_strideWidth == 1)
                        {
                            Vector512<uint> x = (lanes + Vector512.Create(x0)).AsUInt32();
                            Vector512<float> load = Vector512.BitwiseAnd(Vector512.LessThan(x, inWidth).AsSingle(), store);
                            value = Avx512F.MaskLoad(row + x0, load, Vector512<float>.Zero);
                        }
                        else
                        {
                            // Stride 2: 32 consecutive cells, the even ones kept (the stem's 3 input channels at 224-256 wide).
                            int cells = 2 * Math.Min(Lanes, length - j) - 1;
                            Vector512<int> count = Vector512.Create(cells);
                            Vector512<uint> xLow = (lanes + Vector512.Create(x0)).AsUInt32(), xHigh = (lanes + Vector512.Create(x0 + Lanes)).AsUInt32();
                            Vector512<float> lowMask = Vector512.BitwiseAnd(Vector512.LessThan(xLow, inWidth), Vector512.LessThan(lanes, count).AsUInt32()).AsSingle();
                            Vector512<float> highMask = Vector512.BitwiseAnd(Vector512.LessThan(xHigh, inWidth), Vector512.LessThan(lanes + Vector512.Create(Lanes), count).AsUInt32()).AsSingle();
                            Vector512Isa.Deinterleave(Avx512F.MaskLoad(row + x0, lowMask, Vector512<float>.Zero),
                                Avx512F.MaskLoad(row + x0 + Lanes, highMask, Vector512<float>.Zero), out value, out _);
                        }
                    }
                    Avx512F.MaskStore(target + j, store, value);
                }
            }
            for (int j = columns; j < GemmDriver.PanelWidth; j += Lanes)
                Avx512F.MaskStore(destination + j, Vector512.LessThan(lanes, Vector512.Create(GemmDriver.PanelWidth - j)).AsSingle(), Vector512<float>.Zero);
            if (++kernelX == _kernelWidth)
            {
                kernelX = 0;
                if (++kernelY == _kernelHeight)
                {
                    kernelY = 0;
                    channel++;
                }
            }
        }
        return scratch;
    }
#endif

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Zero(float* target, int count)
    {
        for (int i = 0; i < count; i++) target[i] = 0f;
    }

    /// <summary>target[i] = source[i * stride] for i &lt; count, never reading past source[(count - 1) * stride].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Copy(float* source, float* target, int count, int stride)
    {
        if (stride == 1)
        {
            VectorCopy.Copy<TIsa, TVector>(source, target, count);
            return;
        }
        int width = TIsa.Count;
        int i = 0;
        if (stride == 2)
        {
            // Two vectors hold 2*width cells; the last pair may end one cell past the final even one, so it is partial.
            for (; i + width < count; i += width)
            {
                TIsa.Deinterleave(TIsa.Load(source + 2 * i), TIsa.Load(source + 2 * i + width), out TVector even, out _);
                TIsa.Store(target + i, even);
            }
            if (i < count)
            {
                int cells = 2 * (count - i) - 1;
                float* from = source + 2 * i;
                TVector low = cells >= width ? TIsa.Load(from) : TIsa.LoadPartial(from, cells);
                TVector high = cells > width ? TIsa.LoadPartial(from + width, cells - width) : TIsa.Zero;
                TIsa.Deinterleave(low, high, out TVector even, out _);
                // A whole vector: its lanes past count land on cells of the panel row written after this run, or past the
                // row on the next row's (packed after it) or on the scratch's padding (GemmDriver.PanelOverrun). AVX's
                // masked store: 2-5 % of stride-2 convolutions through these panels on a Zen 3 (24 → 48 on 112×112 1138 →
                // 1118 µs, 3 → 24 on 224×224 503 → 477).
                TIsa.Store(target + i, even);
            }
            return;
        }
        for (; i < count; i++) target[i] = source[(nint)i * stride];
    }
}

/// <summary>
/// The per-tap offsets and lane masks of <see cref="Im2colPanels{TIsa, TVector}"/>'s whole-plane panels, computed once
/// per convolution into the caller's buffers (49 taps × 64 cells of masks) rather than for every depth chunk: a 3×3
/// convolution of 192 channels on 8×8 asks for 14 chunks.
/// </summary>
internal readonly unsafe struct WholePlaneTaps
{
    /// <summary>The most taps a whole-plane panel takes (7×7 kernels).</summary>
    public const int MaxTaps = 49;

    public readonly int* Offsets;
    public readonly float* Masks;

    private WholePlaneTaps(int* offsets, float* masks)
    {
        Offsets = offsets;
        Masks = masks;
    }

    /// <summary>
    /// Stride 1, output the input's size, the whole output plane one panel (8×8, 7×7), with 512-bit vectors and AVX-512's
    /// masked loads (.NET 9 and later; the .NET 8 build gathers those panels row by row) or 256-bit vectors and AVX's.
    /// </summary>
    public static bool Applies<TVector>(in Conv2dGeometry g) where TVector : struct =>
#if NET9_0_OR_GREATER
        (typeof(TVector) == typeof(Vector512<float>) && Avx512F.IsSupported || typeof(TVector) == typeof(Vector256<float>) && Avx.IsSupported) &&
#else
        typeof(TVector) == typeof(Vector256<float>) && Avx.IsSupported &&
#endif
        g.StrideHeight == 1 && g.StrideWidth == 1 && g.OutHeight == g.InHeight && g.OutWidth == g.InWidth
        && g.OutHeight * g.OutWidth <= GemmDriver.PanelWidth && g.KernelHeight * g.KernelWidth <= MaxTaps;

    /// <summary>
    /// Output cell i's tap (ky, kx) is input cell i + dy·width + dx of the same plane, where that lies inside it: the
    /// offset per tap, and per tap and cell a mask of all ones inside the plane, zero outside it or past the last cell.
    /// <paramref name="offsets"/> holds <see cref="MaxTaps"/> ints, <paramref name="masks"/> MaxTaps · 64 floats.
    /// </summary>
    public static WholePlaneTaps Prepare(in Conv2dGeometry g, int* offsets, float* masks)
    {
        int cells = g.OutHeight * g.OutWidth;
        for (int ky = 0, tap = 0; ky < g.KernelHeight; ky++)
            for (int kx = 0; kx < g.KernelWidth; kx++, tap++)
            {
                int dy = ky * g.DilationHeight - g.PadTop, dx = kx * g.DilationWidth - g.PadLeft;
                offsets[tap] = dy * g.InWidth + dx;
                for (int cell = 0; cell < GemmDriver.PanelWidth; cell++)
                {
                    int y = cell / g.OutWidth + dy, x = cell % g.OutWidth + dx;
                    bool inside = cell < cells && (uint)y < (uint)g.InHeight && (uint)x < (uint)g.InWidth;
                    masks[tap * GemmDriver.PanelWidth + cell] = inside ? BitConverter.Int32BitsToSingle(-1) : 0f;
                }
            }
        return new WholePlaneTaps(offsets, masks);
    }
}
