using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// Dense 3×3 convolution, stride 1, padding 1 (MobileViT's local and fusion convolutions) by Winograd's F(2×2, 3×3):
/// each 2 × 2 block of outputs ("tile") comes from a 4 × 4 block of input as Y = Aᵀ [U ⊙ V] A, with V = Bᵀ d B the
/// input block's transform and U = G g Gᵀ the kernel's (done once, in <see cref="Conv2dF32.PackWeights"/>). Summed over
/// the input channels, the 16 element-wise products are 16 GEMMs, [out × in] · [in × tiles]: 16 multiply-adds per
/// tile and channel pair where the direct convolution takes 36, so 2.25 times fewer (128 → 64 on 32 × 32: 75.5 M
/// multiply-adds direct, 33.6 M here, plus transforms that only add and subtract).
/// The transforms' coefficients are 0, ±1 and ±1/2: the result differs from the direct sum by a few units in the last
/// place of the larger terms (relative 1e-7 to 1e-6), as any reordering of the sum does.
/// Tiles go in blocks of whole tile rows, so the transformed input of a block (16 × channels × tiles) stays in the L2.
/// </summary>
internal static unsafe class WinogradConvolution
{
    /// <summary>Elements of a transformed 4 × 4 block: one GEMM each.</summary>
    public const int Elements = 16;

    /// <summary>Input channels from which the GEMMs' depth repays the transforms.</summary>
    private const int MinInChannels = 16;

    /// <summary>
    /// Tiles below which the direct convolution stays: the GEMMs' columns are the tiles, and 16 of them (8 × 8 maps) fill
    /// a quarter of a 64-column panel (192 → 96 on 8 × 8: 1.09 of the direct convolution's time, 96 → 96 1.02). From 25
    /// tiles on it gains: 10 × 10 0.64-0.69, 12 × 12 0.69, 14 × 14 0.67.
    /// </summary>
    private const int MinTiles = 20;

    /// <summary>Floats of transformed input per block of tiles (256 KiB), at least one 64-tile panel.</summary>
    private const int BlockFloats = 1 << 16;

    /// <summary>Floats (a cache line) after each channel's transformed rows.</summary>
    private const int PlanePadding = 16;

    [ThreadStatic] private static float[]? t_scratch;

    public static bool Supports(in Conv2dGeometry g)
        => g.Groups == 1 && g.KernelHeight == 3 && g.KernelWidth == 3 && g.StrideHeight == 1 && g.StrideWidth == 1
           && g.DilationHeight == 1 && g.DilationWidth == 1 && g.PadTop == 1 && g.PadLeft == 1
           && g.OutHeight == g.InHeight && g.OutWidth == g.InWidth
           && g.InChannels >= MinInChannels && g.OutChannels >= GemmMicrokernels.TileRows
           && (long)((g.OutHeight + 1) / 2) * ((g.OutWidth + 1) / 2) >= MinTiles;

    /// <summary>Floats of the transformed kernels: 16 matrices [out × in], each interleaved for the GEMM's 6-row tiles.</summary>
    public static long TransformedLength(in Conv2dGeometry g) => Elements * MatrixFloats(g.OutChannels, g.InChannels);

    /// <summary>Floats from one interleaved kernel matrix to the next (with the padding the GEMM's tail reads).</summary>
    private static long MatrixFloats(int outChannels, int inChannels) => (long)outChannels * inChannels + InterleavedRowTiles.Padding;

    /// <summary>
    /// U = G g Gᵀ for every (out, in) pair, in double, into 16 interleaved [out × in] matrices (the layout of
    /// <see cref="InterleavedRowTiles.PackInto"/>, written in place: going through 16 temporary matrices and packing them
    /// afterwards took 8.3 ms for 320 → 160, in a cold start's type initializer).
    /// </summary>
    public static void TransformWeights(ReadOnlySpan<float> weights, int outChannels, int inChannels, Span<float> destination)
    {
        ReadOnlySpan<double> gMatrix = stackalloc double[] { 1, 0, 0, 0.5, 0.5, 0.5, 0.5, -0.5, 0.5, 0, 0, 1 };
        Span<double> left = stackalloc double[12];
        int size = (int)MatrixFloats(outChannels, inChannels);
        int tileRows = GemmMicrokernels.TileRows, tiled = outChannels / tileRows * tileRows;
        for (int o = 0; o < outChannels; o++)
        {
            // Row o's element i in the interleaved layout: within its 6-row tile depth by depth, or row-major after the tiles.
            int rowStart = o < tiled ? o / tileRows * tileRows * inChannels + o % tileRows : o * inChannels;
            int step = o < tiled ? tileRows : 1;
            for (int i = 0; i < inChannels; i++)
            {
                ReadOnlySpan<float> kernel = weights.Slice((o * inChannels + i) * 9, 9);
                // G g (4 × 3), then (G g) Gᵀ (4 × 4).
                for (int r = 0; r < 4; r++)
                    for (int c = 0; c < 3; c++)
                        left[r * 3 + c] = gMatrix[r * 3] * kernel[c] + gMatrix[r * 3 + 1] * kernel[3 + c] + gMatrix[r * 3 + 2] * kernel[6 + c];
                int at = rowStart + i * step;
                for (int r = 0; r < 4; r++)
                    for (int c = 0; c < 4; c++)
                        destination[(r * 4 + c) * size + at] =
                            (float)(left[r * 3] * gMatrix[c * 3] + left[r * 3 + 1] * gMatrix[c * 3 + 1] + left[r * 3 + 2] * gMatrix[c * 3 + 2]);
            }
        }
    }

    public static void Run(KernelIsa isa, float* input, float* transformed, float* bias, float* residual, float* output, in Conv2dGeometry g, Activation activation)
    {
        switch (isa)
        {
            case KernelIsa.Vector512: Run<Vector512Isa, Vector512<float>>(input, transformed, bias, residual, output, g, activation); break;
            case KernelIsa.Vector256: Run<Vector256Isa, Vector256<float>>(input, transformed, bias, residual, output, g, activation); break;
            default: Run<Vector128Isa, Vector128<float>>(input, transformed, bias, residual, output, g, activation); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TIsa, TVector>(float* input, float* transformed, float* bias, float* residual, float* output, in Conv2dGeometry g, Activation activation)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int tileRows = (g.OutHeight + 1) / 2, tileColumns = (g.OutWidth + 1) / 2;
        int inChannels = g.InChannels, outChannels = g.OutChannels;
        // Whole 64-tile panels for the GEMMs where the budget allows fewer (160 → 80 on 16 × 16: 48 tiles 0.90, 64 tiles 0.81).
        int targetTiles = Math.Max(GemmDriver.PanelWidth, BlockFloats / (Elements * inChannels) / GemmDriver.PanelWidth * GemmDriver.PanelWidth);
        int blockTileRows = Math.Clamp((targetTiles + tileColumns - 1) / tileColumns, 1, tileRows);
        int blockTiles = blockTileRows * tileColumns;
        // A split input row: the even and the odd columns of the padded row, with a vector of zeros after them.
        int splitRow = (tileColumns + 1 + TIsa.Count + 15) / 16 * 16;
        int splitRows = 2 * blockTileRows + 2;
        long splitFloats = 2L * splitRows * splitRow;
        // Above one thread the transforms split the channels too, each part with split rows of its own.
        int degree = KernelParallelism.Current;
        int parts = degree > 1 ? Math.Min(degree, Math.Min(inChannels, outChannels)) : 1;
        // Transformed inputs and products go channel by channel, the 16 elements' rows of a channel side by side: a
        // tile's 16 values are then stored (and read) within a few KiB, where one matrix per element put them 16 matrices
        // apart, each store a miss in the same L1 set. A line's gap keeps the channels' rows off 4 KiB multiples.
        int channelStride = Elements * blockTiles + PlanePadding;
        long transformedInput = (long)inChannels * channelStride, products = (long)outChannels * channelStride;
        long length = parts * splitFloats + transformedInput + products;
        float[] buffer = ScratchMemory.Reuse(ref t_scratch, length);
        fixed (float* scratch = buffer)
        {
            float* split = scratch, v = scratch + parts * splitFloats, m = v + transformedInput;
            for (int n = 0; n < g.Batch; n++)
            {
                float* image = input + (nint)n * inChannels * g.InputChannelStride;
                float* result = output + (nint)n * outChannels * g.OutputChannelStride;
                var epilogue = new GemmEpilogue(1f, bias, null, residual == null ? null : residual + (nint)n * outChannels * g.OutputChannelStride, activation);
                for (int firstTileRow = 0; firstTileRow < tileRows; firstTileRow += blockTileRows)
                {
                    int rows = Math.Min(blockTileRows, tileRows - firstTileRow), tiles = rows * tileColumns;
                    int stride = Elements * tiles + PlanePadding;
                    var job = new TransformJob
                    {
                        Image = image, Geometry = g, FirstTileRow = firstTileRow, TileRows = rows, TileColumns = tileColumns, Tiles = tiles, Stride = stride,
                        Split = split, SplitFloats = splitFloats, SplitRow = splitRow, V = v, M = m, Result = result, Epilogue = epilogue, Parts = parts,
                    };
                    if (parts > 1) WorkerPool.For(degree, parts, &TransformInputPart<TIsa, TVector>, Unsafe.AsPointer(ref job));
                    else TransformInputPart<TIsa, TVector>(Unsafe.AsPointer(ref job), 0);
                    for (int e = 0; e < Elements; e++)
                    {
                        var source = new RowMajorPanels(v + (nint)e * tiles, stride);
                        GemmDriver.Run<TIsa, TVector, RowMajorPanels>(ref source, transformed + (nint)(e * MatrixFloats(outChannels, inChannels)), inChannels, 1,
                            m + (nint)e * tiles, stride, outChannels, inChannels, tiles, new GemmEpilogue(1f, null, null, null, Activation.None),
                            interleavedA: true);
                    }
                    if (parts > 1) WorkerPool.For(degree, parts, &TransformOutputPart<TIsa, TVector>, Unsafe.AsPointer(ref job));
                    else TransformOutputPart<TIsa, TVector>(Unsafe.AsPointer(ref job), 0);
                }
            }
        }
    }

    /// <summary>One block of tiles, for the transforms' parts (each a range of channels, transformed as on one thread).</summary>
    private struct TransformJob
    {
        public float* Image, Split, V, M, Result;
        public Conv2dGeometry Geometry;
        public GemmEpilogue Epilogue;
        public long SplitFloats;
        public int FirstTileRow, TileRows, TileColumns, Tiles, Stride, SplitRow, Parts;
    }

    /// <summary>
    /// Input channels of one part, channel by channel, so the split rows are still in L1 when they are transformed.
    /// Every channel writes the same cells of the split rows, so their zeros (the padding, the rows outside the plane)
    /// are written once per part.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformInputPart<TIsa, TVector>(void* context, int part)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        ref TransformJob job = ref Unsafe.AsRef<TransformJob>(context);
        ref readonly Conv2dGeometry g = ref job.Geometry;
        int first = WorkerPool.FirstUnit(g.InChannels, part, job.Parts), end = WorkerPool.FirstUnit(g.InChannels, part + 1, job.Parts);
        float* split = job.Split + part * job.SplitFloats;
        new Span<float>(split, (int)job.SplitFloats).Clear();
        for (int c = first; c < end; c++)
        {
            SplitRows<TIsa, TVector>(job.Image + (nint)c * g.InputChannelStride, g, job.FirstTileRow, job.TileRows, split, job.SplitRow);
            TransformInput<TIsa, TVector>(split, job.TileRows, job.TileColumns, job.SplitRow, job.V + (nint)c * job.Stride, job.Tiles, c + 1 < end ? job.Stride : 0);
        }
    }

    /// <summary>Output channels of one part: Y = Aᵀ M A, then the bias, residual and activation over their rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformOutputPart<TIsa, TVector>(void* context, int part)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        ref TransformJob job = ref Unsafe.AsRef<TransformJob>(context);
        ref readonly Conv2dGeometry g = ref job.Geometry;
        int first = WorkerPool.FirstUnit(g.OutChannels, part, job.Parts), end = WorkerPool.FirstUnit(g.OutChannels, part + 1, job.Parts);
        int firstRow = 2 * job.FirstTileRow, lastRow = Math.Min(g.OutHeight, 2 * (job.FirstTileRow + job.TileRows));
        TransformOutput<TIsa, TVector>(job.M + (nint)first * job.Stride, end - first, job.Tiles, job.Stride, job.TileColumns,
            job.Result + first * g.OutputChannelStride + (nint)firstRow * g.OutWidth, g.OutputChannelStride, g.OutWidth, lastRow - firstRow);
        job.Epilogue.Apply<TIsa, TVector>(job.Result, g.OutputChannelStride, first, end - first, firstRow * g.OutWidth, (lastRow - firstRow) * g.OutWidth);
    }

    /// <summary>
    /// Input rows 2·firstTileRow - 1 onwards (2 · tileRows + 2 of them; zero outside the plane, as cleared), each split into its padded
    /// row's even columns (input columns -1, 1, 3, ...) and odd columns (0, 2, 4, ...), so that the four columns of a
    /// tile are four contiguous loads: even[t], odd[t], even[t + 1], odd[t + 1].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SplitRows<TIsa, TVector>(float* plane, in Conv2dGeometry g, int firstTileRow, int tileRows, float* split, int splitRow)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = g.InWidth, height = g.InHeight, lanes = TIsa.Count, rows = 2 * tileRows + 2;
        int pairs = width / 2, wholePairs = pairs / lanes * lanes;
        for (int r = 0; r < rows; r++)
        {
            float* even = split + (nint)r * 2 * splitRow, odd = even + splitRow;
            int y = 2 * firstTileRow - 1 + r;
            // Rows outside the plane, column -1 and the columns past the last stay as the caller cleared them.
            if ((uint)y >= (uint)height) continue;
            float* row = plane + (nint)y * width;
            // odd[j] = row[2j], even[j + 1] = row[2j + 1].
            int j = 0;
            for (; j < wholePairs; j += lanes)
            {
                TIsa.Deinterleave(TIsa.Load(row + 2 * j), TIsa.Load(row + 2 * j + lanes), out TVector evens, out TVector odds);
                TIsa.Store(odd + j, evens);
                TIsa.Store(even + j + 1, odds);
            }
            for (int x = 2 * j; x < width; x++)
            {
                if (x % 2 == 0) odd[x / 2] = row[x];
                else even[x / 2 + 1] = row[x];
            }
        }
    }

    /// <summary>
    /// V = Bᵀ d B for every tile of one channel's split rows, into the channel's 16 rows of <paramref name="tiles"/>
    /// floats at <paramref name="v"/>, side by side; <paramref name="nextChannel"/> is the floats to the next channel's
    /// rows, or 0 for the part's last channel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformInput<TIsa, TVector>(float* split, int tileRows, int tileColumns, int splitRow, float* v, int tiles, int nextChannel)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int lanes = TIsa.Count;
        nint elementStride = tiles;
        for (int ty = 0; ty < tileRows; ty++)
        {
            float* r0 = split + (nint)(2 * ty) * 2 * splitRow;
            float* r1 = r0 + 2 * splitRow, r2 = r1 + 2 * splitRow, r3 = r2 + 2 * splitRow;
            float* target = v + ty * tileColumns;
            // The next channel's lines of this tile row, so that its stores find them in L1.
            if (nextChannel != 0 && Sse.IsSupported)
                for (int e = 0; e < Elements; e++) Sse.Prefetch0(target + nextChannel + e * elementStride);
            for (int tx = 0; tx < tileColumns; tx += lanes)
            {
                // Each row across its 4 columns (d0 - d2, d1 + d2, d2 - d1, d1 - d3), then the same down the rows.
                Row<TIsa, TVector>(r0 + tx, splitRow, out TVector w00, out TVector w01, out TVector w02, out TVector w03);
                Row<TIsa, TVector>(r1 + tx, splitRow, out TVector w10, out TVector w11, out TVector w12, out TVector w13);
                Row<TIsa, TVector>(r2 + tx, splitRow, out TVector w20, out TVector w21, out TVector w22, out TVector w23);
                Row<TIsa, TVector>(r3 + tx, splitRow, out TVector w30, out TVector w31, out TVector w32, out TVector w33);
                int count = Math.Min(lanes, tileColumns - tx);
                float* t = target + tx;
                TIsa.StorePartial(t + 0 * elementStride, TIsa.Subtract(w00, w20), count);
                TIsa.StorePartial(t + 1 * elementStride, TIsa.Subtract(w01, w21), count);
                TIsa.StorePartial(t + 2 * elementStride, TIsa.Subtract(w02, w22), count);
                TIsa.StorePartial(t + 3 * elementStride, TIsa.Subtract(w03, w23), count);
                TIsa.StorePartial(t + 4 * elementStride, TIsa.Add(w10, w20), count);
                TIsa.StorePartial(t + 5 * elementStride, TIsa.Add(w11, w21), count);
                TIsa.StorePartial(t + 6 * elementStride, TIsa.Add(w12, w22), count);
                TIsa.StorePartial(t + 7 * elementStride, TIsa.Add(w13, w23), count);
                TIsa.StorePartial(t + 8 * elementStride, TIsa.Subtract(w20, w10), count);
                TIsa.StorePartial(t + 9 * elementStride, TIsa.Subtract(w21, w11), count);
                TIsa.StorePartial(t + 10 * elementStride, TIsa.Subtract(w22, w12), count);
                TIsa.StorePartial(t + 11 * elementStride, TIsa.Subtract(w23, w13), count);
                TIsa.StorePartial(t + 12 * elementStride, TIsa.Subtract(w10, w30), count);
                TIsa.StorePartial(t + 13 * elementStride, TIsa.Subtract(w11, w31), count);
                TIsa.StorePartial(t + 14 * elementStride, TIsa.Subtract(w12, w32), count);
                TIsa.StorePartial(t + 15 * elementStride, TIsa.Subtract(w13, w33), count);
            }
        }
    }

    /// <summary>One input row of a vector of tiles, across its 4 columns: d0 - d2, d1 + d2, d2 - d1, d1 - d3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row<TIsa, TVector>(float* even, int splitRow, out TVector w0, out TVector w1, out TVector w2, out TVector w3)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        float* odd = even + splitRow;
        TVector d0 = TIsa.Load(even), d1 = TIsa.Load(odd), d2 = TIsa.Load(even + 1), d3 = TIsa.Load(odd + 1);
        w0 = TIsa.Subtract(d0, d2);
        w1 = TIsa.Add(d1, d2);
        w2 = TIsa.Subtract(d2, d1);
        w3 = TIsa.Subtract(d1, d3);
    }

    /// <summary>
    /// Y = Aᵀ M A for every output channel and tile: rows (m0 + m1 + m2, m1 - m2 - m3), then the same across the
    /// columns. A tile row's even and odd output columns go into two rows of their own, then zipped into the output
    /// row (<see cref="InterleaveF32.ZipRow"/>). Rows past the last output row (an odd height) and columns past its end
    /// (an odd width) are not stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformOutput<TIsa, TVector>(float* m, int channels, int tiles, int productStride, int tileColumns, float* output, nint channelStride,
        int width, int rows)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int lanes = TIsa.Count;
        nint elementStride = tiles;
        int columnRow = (tileColumns + lanes - 1) / lanes * lanes;
        float* topEven = stackalloc float[4 * columnRow];
        float* topOdd = topEven + columnRow, bottomEven = topOdd + columnRow, bottomOdd = bottomEven + columnRow;
        int evenWidth = (width + 1) / 2, oddWidth = width / 2;
        for (int c = 0; c < channels; c++)
        {
            float* plane = output + c * channelStride;
            for (int ty = 0; 2 * ty < rows; ty++)
            {
                float* source = m + (nint)c * productStride + ty * tileColumns;
                for (int tx = 0; tx < tileColumns; tx += lanes)
                {
                    float* s = source + tx;
                    // Down the rows: s_a,k for a = 0, 1 and the four columns k.
                    TVector s00 = Column<TIsa, TVector>(s, 0, elementStride, out TVector s10);
                    TVector s01 = Column<TIsa, TVector>(s, 1, elementStride, out TVector s11);
                    TVector s02 = Column<TIsa, TVector>(s, 2, elementStride, out TVector s12);
                    TVector s03 = Column<TIsa, TVector>(s, 3, elementStride, out TVector s13);
                    TIsa.Store(topEven + tx, TIsa.Add(TIsa.Add(s00, s01), s02));
                    TIsa.Store(topOdd + tx, TIsa.Subtract(TIsa.Subtract(s01, s02), s03));
                    TIsa.Store(bottomEven + tx, TIsa.Add(TIsa.Add(s10, s11), s12));
                    TIsa.Store(bottomOdd + tx, TIsa.Subtract(TIsa.Subtract(s11, s12), s13));
                }
                float* top = plane + (nint)(2 * ty) * width;
                InterleaveF32.ZipRow(topEven, topOdd, top, evenWidth, oddWidth);
                if (2 * ty + 1 < rows) InterleaveF32.ZipRow(bottomEven, bottomOdd, top + width, evenWidth, oddWidth);
            }
        }
    }

    /// <summary>Column k of a vector of tiles' 4 × 4 products, down its rows: m0 + m1 + m2 (returned) and m1 - m2 - m3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Column<TIsa, TVector>(float* s, int k, nint elementStride, out TVector second)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        TVector m0 = TIsa.Load(s + k * elementStride), m1 = TIsa.Load(s + (4 + k) * elementStride);
        TVector m2 = TIsa.Load(s + (8 + k) * elementStride), m3 = TIsa.Load(s + (12 + k) * elementStride);
        second = TIsa.Subtract(TIsa.Subtract(m1, m2), m3);
        return TIsa.Add(TIsa.Add(m0, m1), m2);
    }
}
