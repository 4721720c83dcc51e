using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// Dense stride-1 convolution whose output is the input's size (MobileViT's local and fusion 3×3 convolutions) as a
/// GEMM whose B operand is read in place from a zero-padded copy of the input, with AVX-512.
/// <para>
/// B's depth row p = (input channel, ky, kx) at output pixel (y, x) is padded[channel][y + ky·d][x + kx·d]: an
/// offset per depth row (a table) plus one per vector of the 64 columns a tile spans (rows of 16 or more outputs:
/// a vector never crosses a row). That replaces the im2col panels, which gathered every depth row for every panel
/// (a sixth of the time of 96 → 96 on 32×32) and split the depth into chunks. Each output is one multiply-add chain
/// over the whole depth; the epilogue runs per 256-column block, as the GEMM's does.
/// </para>
/// <para>
/// Rows whose width is not a multiple of 16 (28, 14 and 7 at 224 × 224) are computed over the padded copy's own width
/// instead: output position q of a plane padded-width wide has its window at padded + q, so a tile's vectors are
/// contiguous across rows, and the padding columns' results (two of 30 at 28 × 28) are computed and dropped when the
/// rows are copied out to the output: 96 → 48 on 28 × 28 with SiLU 430 → 358 µs (im2col panels before; 388 on
/// 32 × 32), 48 → 48 226 → 192, 128 → 64 on 14 × 14 206 → 195. Where the padding is more than a seventh of the row (7 × 7:
/// 80 → 80 43 → 49 µs) the im2col panels stay.
/// </para>
/// </summary>
internal static unsafe class PaddedInputConvolution
{
    private const int PanelWidth = GemmDriver.PanelWidth;
    private const int BlockWidth = GemmDriver.BlockWidth;

    /// <summary>Depth up to which the per-row offset table lives on the stack (32 KiB).</summary>
    private const int MaxDepth = 8192;

    /// <summary>Depth below which the gathered panels cost too little to matter (the stem's 27 has its own kernel).</summary>
    private const int MinDepth = 64;

    /// <summary>Largest padded copy (floats, 256 MiB) this kernel makes; offsets into it must fit an int.</summary>
    private const long MaxPaddedFloats = 1L << 26;

    [ThreadStatic] private static float[]? t_padded;

    /// <summary>Results over the padded width (rows not a multiple of 16), before they are copied to the output.</summary>
    [ThreadStatic] private static float[]? t_wide;

    public static bool Supports(in Conv2dGeometry g)
    {
        if (!Avx512F.IsSupported || !Vector512.IsHardwareAccelerated) return false;
        int reachY = (g.KernelHeight - 1) * g.DilationHeight, reachX = (g.KernelWidth - 1) * g.DilationWidth;
        long depth = (long)g.InChannels * g.KernelHeight * g.KernelWidth;
        return g.Groups == 1 && g.StrideHeight == 1 && g.StrideWidth == 1
               && g.OutHeight == g.InHeight && g.OutWidth == g.InWidth
               && reachY % 2 == 0 && reachX % 2 == 0 && g.PadTop == reachY / 2 && g.PadLeft == reachX / 2
               && depth >= MinDepth && depth <= MaxDepth
               && (long)g.InChannels * (g.InHeight + reachY) * (g.InWidth + reachX) <= MaxPaddedFloats
               && (g.OutWidth % 16 == 0 || (7L * reachX <= g.OutWidth && (long)g.OutChannels * g.OutHeight * (g.InWidth + reachX) <= MaxPaddedFloats));
    }

    public static void Run(float* input, float* weights, float* bias, float* residual, float* output, in Conv2dGeometry g, Activation activation)
    {
        int paddedWidth = g.InWidth + 2 * g.PadLeft, paddedHeight = g.InHeight + 2 * g.PadTop;
        nint paddedPlane = (nint)paddedHeight * paddedWidth;
        int depth = g.InChannels * g.KernelHeight * g.KernelWidth;
        int* offsets = stackalloc int[depth];
        for (int channel = 0, p = 0; channel < g.InChannels; channel++)
            for (int ky = 0; ky < g.KernelHeight; ky++)
                for (int kx = 0; kx < g.KernelWidth; kx++, p++)
                    offsets[p] = (int)(channel * paddedPlane + ky * g.DilationHeight * paddedWidth + kx * g.DilationWidth);

        // The last tile of a plane whose size is not a multiple of 64 loads (and never stores) vectors one output row
        // further down: slack after the last channel keeps those loads inside the buffer.
        long length = g.InChannels * paddedPlane + (PanelWidth / 16 + 1) * (long)paddedWidth + PanelWidth;
        float[] buffer = ScratchMemory.Reuse(ref t_padded, length);
        int plane = g.OutHeight * g.OutWidth;
        bool wide = g.OutWidth % 16 != 0;
        int widePlane = g.OutHeight * paddedWidth;
        float[] wideBuffer = wide ? ScratchMemory.Reuse(ref t_wide, (long)g.OutChannels * widePlane) : buffer;
        fixed (float* padded = buffer)
        fixed (float* wideResults = wideBuffer)
        {
            for (int n = 0; n < g.Batch; n++)
            {
                nint inOffset = (nint)n * g.InChannels * g.InputChannelStride, outOffset = (nint)n * g.OutChannels * g.OutputChannelStride;
                Pad(input + inOffset, padded, g, paddedWidth, paddedHeight);
                var job = new PaddedJob
                {
                    Padded = padded, Offsets = offsets, Weights = weights, Output = output + outOffset, Geometry = g, Depth = depth,
                    PaddedWidth = paddedWidth, Panels = ((wide ? widePlane : plane) + PanelWidth - 1) / PanelWidth,
                    Epilogue = new GemmEpilogue(1f, bias, null, residual == null ? null : residual + outOffset, activation),
                    Wide = wide ? wideResults : null,
                };
                int degree = KernelParallelism.Current;
                if (degree > 1 && job.Panels > 1)
                {
                    // Whole panels to each thread: every output is computed by the same tile code as on one thread.
                    job.Parts = WorkerPool.PartsFor(job.Panels, degree);
                    WorkerPool.For(degree, job.Parts, &RunPart, Unsafe.AsPointer(ref job));
                }
                else
                {
                    RunPanels(ref job, 0, job.Panels);
                }
            }
        }
    }

    /// <summary>The input in the middle of a zero frame of PadTop rows and PadLeft columns on every side.</summary>
    private static void Pad(float* input, float* padded, in Conv2dGeometry g, int paddedWidth, int paddedHeight)
    {
        int width = g.InWidth, height = g.InHeight, padTop = g.PadTop, padLeft = g.PadLeft;
        for (int channel = 0; channel < g.InChannels; channel++)
        {
            float* target = padded + (nint)channel * paddedHeight * paddedWidth;
            new Span<float>(target, padTop * paddedWidth + padLeft).Clear();
            for (int y = 0; y < height; y++)
            {
                float* row = target + (nint)(y + padTop) * paddedWidth;
                Buffer.MemoryCopy(input + channel * g.InputChannelStride + (nint)y * width, row + padLeft, width * sizeof(float), width * sizeof(float));
                // The right frame of this row and the left frame of the next are adjacent.
                new Span<float>(row + padLeft + width, 2 * padLeft).Clear();
            }
            new Span<float>(target + (nint)(height + padTop) * paddedWidth + padLeft, padTop * paddedWidth - padLeft).Clear();
        }
    }

    private struct PaddedJob
    {
        public float* Padded, Weights, Output, Wide;
        public int* Offsets;
        public Conv2dGeometry Geometry;
        public GemmEpilogue Epilogue;
        public int Depth, PaddedWidth, Panels, Parts;
    }

    private static void RunPart(void* context, int part)
    {
        ref PaddedJob job = ref Unsafe.AsRef<PaddedJob>(context);
        RunPanels(ref job, WorkerPool.FirstUnit(job.Panels, part, job.Parts), WorkerPool.FirstUnit(job.Panels, part + 1, job.Parts));
    }

    /// <summary>
    /// Panels [first, end) of 64 positions of the padded-width planes, every output channel: the products into the wide
    /// buffer, then each block's real pixels copied to the output rows (they are contiguous there) and the epilogue on them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunWidePanels(ref PaddedJob job, int first, int end)
    {
        Conv2dGeometry g = job.Geometry;
        int width = g.OutWidth, paddedWidth = job.PaddedWidth, widePlane = g.OutHeight * paddedWidth, m = g.OutChannels, depth = job.Depth;
        nint ldc = g.OutputChannelStride;
        int columnEnd = Math.Min(widePlane, end * PanelWidth);
        for (int block = first * PanelWidth; block < columnEnd; block += BlockWidth)
        {
            int blockEnd = Math.Min(columnEnd, block + BlockWidth);
            for (int position = block; position < blockEnd; position += PanelWidth)
            {
                var source = new OffsetTileRows(job.Padded + position, job.Offsets, 16, 32, 48);
                int columns = Math.Min(PanelWidth, widePlane - position);
                for (int row = 0; row < m; row += GemmMicrokernels.TileRows)
                    GemmMicrokernels.Gemm_F32_6x4v<Vector512Isa, Vector512<float>, OffsetTileRows>(job.Weights + (nint)row * depth, depth, 1,
                        Math.Min(GemmMicrokernels.TileRows, m - row), source, depth, job.Wide + row * (nint)widePlane + position, widePlane, columns, accumulate: false);
            }
            // Positions [block, blockEnd) hold output rows' pieces; the real pixels among them are one run of the output.
            int firstY = block / paddedWidth, lastY = (blockEnd - 1) / paddedWidth;
            int firstX = block % paddedWidth, endX = Math.Min(width, (blockEnd - 1) % paddedWidth + 1);
            int realStart = firstY * width + Math.Min(width, firstX), realEnd = lastY * width + endX;
            for (int channel = 0; channel < m; channel++)
            {
                float* from = job.Wide + (nint)channel * widePlane;
                float* to = job.Output + channel * ldc;
                for (int y = firstY; y <= lastY; y++)
                {
                    int x0 = y == firstY ? firstX : 0;
                    int x1 = y == lastY ? endX : width;
                    if (x1 > x0) VectorCopy.Copy<Vector512Isa, Vector512<float>>(from + y * paddedWidth + x0, to + y * width + x0, x1 - x0);
                }
            }
            if (realEnd > realStart) job.Epilogue.Apply<Vector512Isa, Vector512<float>>(job.Output, ldc, 0, m, realStart, realEnd - realStart);
        }
    }

    /// <summary>Panels [first, end) of 64 output pixels, every output channel, the epilogue per block of 256 pixels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunPanels(ref PaddedJob job, int first, int end)
    {
        if (job.Wide != null)
        {
            RunWidePanels(ref job, first, end);
            return;
        }
        Conv2dGeometry g = job.Geometry;
        int width = g.OutWidth, plane = g.OutHeight * width, m = g.OutChannels, depth = job.Depth;
        nint ldc = g.OutputChannelStride;
        int columnEnd = Math.Min(plane, end * PanelWidth);
        for (int block = first * PanelWidth; block < columnEnd; block += BlockWidth)
        {
            int blockEnd = Math.Min(columnEnd, block + BlockWidth);
            for (int pixel = block; pixel < blockEnd; pixel += PanelWidth)
            {
                int y0 = pixel / width, x0 = pixel % width;
                float* b = job.Padded + (nint)y0 * job.PaddedWidth + x0;
                int columns = Math.Min(PanelWidth, plane - pixel);
                nint v1 = VectorOffset(pixel + 16, y0, x0, width, job.PaddedWidth);
                nint v2 = VectorOffset(pixel + 32, y0, x0, width, job.PaddedWidth);
                nint v3 = VectorOffset(pixel + 48, y0, x0, width, job.PaddedWidth);
                var source = new OffsetTileRows(b, job.Offsets, v1, v2, v3);
                for (int row = 0; row < m; row += GemmMicrokernels.TileRows)
                    GemmMicrokernels.Gemm_F32_6x4v<Vector512Isa, Vector512<float>, OffsetTileRows>(job.Weights + (nint)row * depth, depth, 1,
                        Math.Min(GemmMicrokernels.TileRows, m - row), source, depth, job.Output + row * ldc + pixel, ldc, columns, accumulate: false);
            }
            job.Epilogue.Apply<Vector512Isa, Vector512<float>>(job.Output, ldc, 0, m, block, blockEnd - block);
        }
    }

    /// <summary>Where output pixel <paramref name="pixel"/>'s window starts, relative to that of pixel (y0, x0).</summary>
    private static nint VectorOffset(int pixel, int y0, int x0, int width, int paddedWidth)
        => (nint)(pixel / width - y0) * paddedWidth + (pixel % width - x0);
}
