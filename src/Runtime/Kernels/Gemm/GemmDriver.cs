using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>What happens to C after the products: C = act(scale * C + rowBias[i] + columnBias[j] + residual[i, j]).</summary>
internal readonly unsafe struct GemmEpilogue
{
    public readonly float Scale;
    public readonly float* RowBias;
    public readonly float* ColumnBias;
    /// <summary>Residual with the same row stride as C, positioned like C.</summary>
    public readonly float* Residual;
    public readonly Activation Activation;

    public GemmEpilogue(float scale, float* rowBias, float* columnBias, float* residual, Activation activation)
    {
        Scale = scale;
        RowBias = rowBias;
        ColumnBias = columnBias;
        Residual = residual;
        Activation = activation;
    }

    /// <summary>The same epilogue for C's rows from <paramref name="row"/> on (C and its residual share the row stride <paramref name="ldc"/>).</summary>
    public GemmEpilogue FromRow(int row, nint ldc) =>
        new(Scale, RowBias == null ? null : RowBias + row, ColumnBias, Residual == null ? null : Residual + row * ldc, Activation);

    public bool IsIdentity => Scale == 1f && RowBias == null && ColumnBias == null && Residual == null && Activation.Kind == ActivationKind.None;

    /// <summary>Rows [firstRow, firstRow + rows) of C, columns [column, column + columns).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply<TIsa, TVector>(float* c, nint ldc, int firstRow, int rows, int column, int columns)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        if (IsIdentity) return;
        UnaryKind kind = Activation.ToUnaryKind(Activation.Kind);
        for (int row = firstRow; row < firstRow + rows; row++)
        {
            float* output = c + row * ldc + column;
            ElementwiseRow.Apply<TIsa, TVector>(kind, Activation.Alpha, Activation.Beta, output, output, columns, Scale,
                RowBias == null ? 0f : RowBias[row],
                ColumnBias == null ? null : ColumnBias + column,
                Residual == null ? null : Residual + row * ldc + column);
        }
    }

    public void ApplyScalar(float* c, nint ldc, int rows, int columns)
    {
        UnaryKind kind = Activation.ToUnaryKind(Activation.Kind);
        for (int row = 0; row < rows; row++)
            ElementwiseRow.ApplyScalar(kind, Activation.Alpha, Activation.Beta, c + row * ldc, c + row * ldc, columns, Scale,
                RowBias == null ? 0f : RowBias[row], ColumnBias, Residual == null ? null : Residual + row * ldc);
    }
}

/// <summary>
/// C[m, n] = epilogue(A · B) for any A layout and any B source. Columns go in blocks of <see cref="BlockWidth"/>
/// (the epilogue runs per block, while C is still in cache; a bias, residual and ReLU, Clip or no activation instead
/// finish in the registers of whole 6 × 4-vector tiles (6 × 2-vector with 256-bit vectors) on their last depth chunk,
/// and the pass covers the rest: on
/// 16 → 64 channels of 112×112 the pass was 28 % of the time), each block in panels of <see cref="PanelWidth"/>
/// columns; within a panel, rows go in 6-row tiles (6 x 4 vectors with 512-bit vectors, else 6 x 2 vectors per half
/// panel), then one 4-row tile when 4 or 5 are left, one 2-row tile when 2 or 3 are left, the last row alone. A panel,
/// packed into scratch or read in place, goes <see cref="DepthChunk"/> depth rows at a time (32 KiB, L1-sized; a product
/// narrower than one panel <see cref="NarrowDepthChunk"/>; with 512-bit vectors <see cref="WideDepthChunk"/>),
/// accumulating into C. A may be row-major with any strides or interleaved by 6-row tiles (<see cref="InterleavedRowTiles"/>).
/// </summary>
internal static unsafe class GemmDriver
{
    public const int PanelWidth = 64;
    public const int DepthChunk = 128;

    /// <summary>
    /// Depth rows per chunk with 512-bit vectors, every product (40 KiB of panel). A Zen 5's L1 is 48 KiB, and 160-deep
    /// products then go in one chunk, their tiles finishing in registers. Same process alternating, 300 runs, against
    /// 128 rows (and 128 against 96 on 7×7): MobileNetV2's 160 → 960 on 7×7 0.85-0.88, its 320 → 1280 and 960 → 320
    /// 0.95-0.97, MobileNetV3-L's 160 → 960 0.88-0.90, MobileViT-XS's fusion convolutions 0.92-0.94; whole runs
    /// MobileNetV2 0.981, V3-L 0.990, XS 0.996, RepViT-M0.9 1.004. 192 rows (the whole L1) made XS's 192-deep
    /// products 1.03-1.04.
    /// </summary>
    private const int WideDepthChunk = 160;

    /// <summary>The longest chunk of any width: the panel scratch's rows and the tail columns' stride.</summary>
    private const int MaxDepthChunk = WideDepthChunk;

    /// <summary>Depth rows per chunk for vectors of <paramref name="lanes"/> floats.</summary>
    private static int DepthChunkFor(int lanes) => lanes == 16 ? WideDepthChunk : DepthChunk;

    /// <summary>
    /// Depth rows per chunk when the whole product is narrower than a panel (a 7×7 plane's 49 columns). Its one panel
    /// is copied into scratch rows of <see cref="PanelWidth"/> floats, so <see cref="DepthChunk"/> rows are the whole
    /// 32 KiB L1 of a Zen 3 by themselves, before the tile's weights, the tail column and C; 96 rows are 24 KiB.
    /// In-process A/B, 1000 runs, 128 → 96: RepViT-M0.9's 384 → 768 and 768 → 384 on 7×7 0.95 and 0.93, MobileNetV2's
    /// 960 → 160, 960 → 320 and 320 → 1280 0.95 (each model 0.992 in sum), MobileNetV3-L's 960 → 160 0.97. In shorter,
    /// noisier runs 64 rows helped RepViT-M0.9 more (0.90-0.93) but cost MobileNetV2 1-2 %; 80 and 112 were no better.
    /// Not with 512-bit vectors (<see cref="WideDepthChunk"/>): a Zen 5's L1 is 48 KiB, and 96 → 128 there took
    /// MobileNetV2's 7×7 steps to 0.93-0.98 and RepViT-M0.9's to 0.94-0.97 (same process alternating, 300 runs; whole
    /// runs 0.994 and 0.997), 128 → 160 a further 0.85-0.97.
    /// </summary>
    private const int NarrowDepthChunk = 96;

    /// <summary>
    /// Floats a panel source may write past the end of a packed panel row: the next row's first cells, written again
    /// when that row is packed, or after the last row this padding of the scratch (Im2colPanels ends a stride-2 run
    /// with a whole vector rather than a masked store).
    /// </summary>
    public const int PanelOverrun = 16;
    public const int BlockWidth = 4 * PanelWidth;

    /// <summary>Multiply-adds below which a product runs on the calling thread alone (waking a worker costs about 2 µs).</summary>
    private const long ParallelWorkThreshold = 1 << 17;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TIsa, TVector, TSource>(ref TSource source, float* a, nint aRowStride, nint aColStride,
        float* c, nint ldc, int m, int k, int n, in GemmEpilogue epilogue, bool interleavedA = false)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct where TSource : struct, IPanelSource
    {
        int degree = KernelParallelism.Current;
        // A product of a row or a few (a classifier on pooled features) streams B from memory once: worth a second
        // thread from GemvF32's weight count on, however few its multiply-adds.
        if (degree > 1 && ((long)m * n * Math.Max(k, 1) >= ParallelWorkThreshold
                           || m < GemmMicrokernels.TileRows && (long)n * k >= GemvF32.ParallelWeightThreshold))
        {
            // Split the columns in whole panels or, when there are too few, the rows in whole 6-row tiles: every element
            // is then computed by the same microkernel and epilogue code as on one thread, so the result is bitwise equal.
            // Columns only when there are whole panels enough for every part: a 14×14 plane is three panels and 4
            // columns, which two threads split 2 : 1 (96 → 576 at 2 threads: 99 µs by columns, 72 by rows).
            int panels = (n + PanelWidth - 1) / PanelWidth;
            int rowTiles = m / GemmMicrokernels.TileRows;
            bool byColumns = n / PanelWidth >= WorkerPool.PartsPerThread * degree || panels >= rowTiles;
            int units = byColumns ? panels : rowTiles;
            int parts = byColumns ? WorkerPool.PartsFor(units, degree) : Math.Min(units, degree);
            if (parts > 1)
            {
                var job = new GemmJob<TSource>
                {
                    Source = source, A = a, ARowStride = aRowStride, AColStride = aColStride, C = c, Ldc = ldc,
                    M = m, K = k, N = n, Epilogue = epilogue, Units = units, Parts = parts, ByColumns = byColumns, InterleavedA = interleavedA,
                };
                WorkerPool.For(degree, parts, &RunPart<TIsa, TVector, TSource>, Unsafe.AsPointer(ref job));
                return;
            }
        }
        RunRowGroups<TIsa, TVector, TSource>(ref source, a, aRowStride, aColStride, c, ldc, m, k, 0, n, n, epilogue, interleavedA);
    }

    /// <summary>
    /// <see cref="RunColumns"/> over all rows at once or, for a shallow product whose C outgrows the caches, over groups
    /// of <see cref="RowGroupRows"/> rows one after the other. Each panel's tiles store into every row of C, so 96
    /// output channels of 112×112 are 96 store streams 50 KB apart, more than the hardware prefetchers follow (on an
    /// Intel Xeon, 16 → 96 on 112×112 took 1.3-1.4× ONNX Runtime's time, 0.6-0.9× in groups of 24 rows). With a depth
    /// of at most <see cref="RowGroupDepth"/>, reading B once per group costs little. A group is a whole number of
    /// 6-row tiles, so every element goes through the same tile as before: the result is bitwise the same. Only where
    /// <see cref="GroupsRows"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RunRowGroups<TIsa, TVector, TSource>(ref TSource source, float* a, nint aRowStride, nint aColStride,
        float* c, nint ldc, int m, int k, int columnStart, int columnEnd, int n, in GemmEpilogue epilogue, bool interleavedA)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct where TSource : struct, IPanelSource
    {
        if (!GroupsRows || k > RowGroupDepth || m <= RowGroupRows || (long)m * (columnEnd - columnStart) < RowGroupElements)
        {
            RunColumns<TIsa, TVector, TSource>(ref source, a, aRowStride, aColStride, c, ldc, m, k, columnStart, columnEnd, n, epilogue, interleavedA);
            return;
        }
        if (!source.UsesScratch(PanelWidth))
        {
            for (int rowStart = 0; rowStart < m; rowStart += RowGroupRows)
            {
                var group = epilogue.FromRow(rowStart, ldc);
                RunColumns<TIsa, TVector, TSource>(ref source, a + rowStart * aRowStride, aRowStride, aColStride, c + rowStart * ldc, ldc,
                    Math.Min(RowGroupRows, m - rowStart), k, columnStart, columnEnd, n, group, interleavedA);
            }
            return;
        }
        // A source that copies its panels copies each block once, for all the groups, instead of once per group.
        float* blockBuffer = stackalloc float[BlockPanels<TSource>.BufferFloats(RowGroupDepth) + PanelOverrun];
        for (int block = columnStart; block < columnEnd; block += BlockWidth)
        {
            int blockEnd = Math.Min(columnEnd, block + BlockWidth);
            var panels = new BlockPanels<TSource>(ref source, blockBuffer, block, blockEnd, n, k);
            for (int rowStart = 0; rowStart < m; rowStart += RowGroupRows)
            {
                var group = epilogue.FromRow(rowStart, ldc);
                RunColumns<TIsa, TVector, BlockPanels<TSource>>(ref panels, a + rowStart * aRowStride, aRowStride, aColStride, c + rowStart * ldc, ldc,
                    Math.Min(RowGroupRows, m - rowStart), k, block, blockEnd, n, group, interleavedA);
            }
        }
    }

    /// <summary>
    /// Whether shallow products go in row groups: not on AMD processors. On a Zen 3 (EPYC, 2 vCPUs) the same products ran
    /// faster in one sweep, same process alternating: 16 → 96 on 112×112 619 vs 680 µs, 24 → 144 on 56×56 298 vs 329,
    /// 16 → 64 on 112×112 439 vs 473; MobileNetV2 1.14, 1.13, 1.25 vs 1.17, 1.17, 1.27 of ONNX Runtime's time (alternating processes). Tests set it both ways
    /// (the result is bitwise the same).
    /// </summary>
    internal static bool GroupsRows = !CpuVendor.IsAmd;

    private const int RowGroupDepth = 32;
    private const int RowGroupRows = 4 * GemmMicrokernels.TileRows;
    /// <summary>Elements of C (1 MiB) from which rows go in groups: half the L2 of the Intel Xeon measured.</summary>
    private const long RowGroupElements = 1 << 18;

    private struct GemmJob<TSource>
    {
        public TSource Source;
        public float* A, C;
        public nint ARowStride, AColStride, Ldc;
        public int M, K, N, Units, Parts;
        public bool ByColumns, InterleavedA;
        public GemmEpilogue Epilogue;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunPart<TIsa, TVector, TSource>(void* context, int part)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct where TSource : struct, IPanelSource
    {
        ref GemmJob<TSource> job = ref Unsafe.AsRef<GemmJob<TSource>>(context);
        var source = job.Source;
        int first = WorkerPool.FirstUnit(job.Units, part, job.Parts), end = WorkerPool.FirstUnit(job.Units, part + 1, job.Parts);
        if (job.ByColumns)
        {
            int columnEnd = Math.Min(job.N, end * PanelWidth);
            RunRowGroups<TIsa, TVector, TSource>(ref source, job.A, job.ARowStride, job.AColStride, job.C, job.Ldc, job.M, job.K,
                first * PanelWidth, columnEnd, job.N, job.Epilogue, job.InterleavedA);
            return;
        }
        int rowStart = first * GemmMicrokernels.TileRows;
        int rowEnd = end == job.Units ? job.M : end * GemmMicrokernels.TileRows;
        var epilogue = job.Epilogue.FromRow(rowStart, job.Ldc);
        RunRowGroups<TIsa, TVector, TSource>(ref source, job.A + rowStart * job.ARowStride, job.ARowStride, job.AColStride,
            job.C + rowStart * job.Ldc, job.Ldc, rowEnd - rowStart, job.K, 0, job.N, job.N, epilogue, job.InterleavedA);
    }

    /// <summary>
    /// Columns [columnStart, columnEnd) of C; panels stay aligned to multiples of <see cref="PanelWidth"/> from column 0.
    /// With <paramref name="interleavedA"/>, A is laid out by <see cref="InterleavedRowTiles"/> and the strides given
    /// are those of its row-major rows after the last whole tile (k and 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunColumns<TIsa, TVector, TSource>(ref TSource source, float* a, nint aRowStride, nint aColStride,
        float* c, nint ldc, int m, int k, int columnStart, int columnEnd, int n, in GemmEpilogue epilogue, bool interleavedA)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct where TSource : struct, IPanelSource
    {
        // Whole 6-row tiles read A along these strides; the rows after them along aRowStride and aColStride.
        nint tileRowStride = interleavedA ? 1 : aRowStride, tileColStride = interleavedA ? GemmMicrokernels.TileRows : aColStride;
        int tileRows = m / GemmMicrokernels.TileRows * GemmMicrokernels.TileRows;
        float* scratch = stackalloc float[MaxDepthChunk * PanelWidth + PanelOverrun];
        // A panel's last few columns gathered along the depth, each MaxDepthChunk floats from the previous.
        float* tailColumns = stackalloc float[GemvF32.MaxColumns * MaxDepthChunk];
        int depthChunk = DepthChunkFor(TIsa.Count);
        // A bias, residual and clamp-like activation finish in the 6 × 4-vector tiles' registers when a panel's whole
        // depth goes through them at once; the pass below then covers only the rows and panels those tiles did not.
        // Without an epilogue (attention's products) the tiles store their sums as they are.
        // With 256-bit vectors too (the 6 × 2-vector tiles): on a Zen 3 the pass over C after the tiles read back what
        // they had just written (ReLU6 expansions, same process alternating: 16 → 96 on 112×112 823 → 714 µs, 24 → 144
        // on 56×56 378 → 337, 32 → 192 on 28×28 211 → 176, 96 → 576 on 14×14 407 → 388).
        bool tilesFinish = TIsa.Count >= 8 && !epilogue.IsIdentity && TileEpilogue.TryCreate(epilogue, out TileEpilogue finish);
        if (TIsa.Count >= 8 && interleavedA && SweepsTileRows && TileRowsAcrossBlocks(m, k, n, TIsa.Count) && !source.UsesScratch(PanelWidth))
        {
            for (int block = columnStart; block < columnEnd; block += BlockWidth)
                RunTileRowsAcrossBlock<TIsa, TVector, TSource>(ref source, a, aRowStride, c, ldc, m, k, block, Math.Min(columnEnd, block + BlockWidth),
                    epilogue, tilesFinish ? &finish : null, scratch);
            return;
        }
        nint columnStride = 0;
        for (int block = columnStart; block < columnEnd; block += BlockWidth)
        {
            int blockEnd = Math.Min(columnEnd, block + BlockWidth);
            int unfinishedFrom = -1;
            for (int column = block; column < blockEnd; column += PanelWidth)
            {
                int columns = Math.Min(PanelWidth, n - column);
                if (k == 0)
                {
                    for (int row = 0; row < m; row++) new Span<float>(c + row * ldc + column, columns).Clear();
                    if (unfinishedFrom < 0) unfinishedFrom = column;
                    continue;
                }
                // Panels read in place go in depth chunks too: a 384-deep panel is 96 KB, twice the L1, and every
                // 6-row tile walks all of it (384 → 192 on 14×14 at 1.08-1.15× the time of 128-row chunks).
                // A product narrower than one panel takes shorter chunks below 512 bits (see NarrowDepthChunk), every
                // product longer ones with 512 bits (see WideDepthChunk). The chunk depends on the product's shape and
                // the vector width alone, never on a thread's share of it, so every thread count sums alike.
                int chunk = n < PanelWidth && TIsa.Count < 16 ? NarrowDepthChunk : source.UsesScratch(columns) || k > depthChunk ? depthChunk : k;
                // A few columns past the last whole vector (the 49th of a 7×7 plane, the last 4 of 14×14) go as dot
                // products along the depth instead of a whole vector of the tile each.
                int tail = aColStride == 1 && columns % TIsa.Count <= TIsa.Count / 4 ? columns % TIsa.Count : 0;
                int tiled = columns - tail;
                // Columns whose tiles finish in registers: a whole panel with AVX-512 (its 6 × 4-vector tiles), every
                // whole 16-column tile with 256-bit vectors (so a 7×7 plane's first 48 columns too; the pass then covers
                // the 49th: about 1 % on MobileNetV2's 7×7 expansions, whose time goes to fetching the weights).
                int finishedColumns = !tilesFinish ? 0 : TIsa.Count == 16 ? (columns == PanelWidth ? columns : 0) : tiled / (2 * TIsa.Count) * (2 * TIsa.Count);
                bool finishedInTiles = finishedColumns > 0;
                bool dotInTiles = TIsa.Count == 16 && tail == 1 && tiled == 3 * TIsa.Count;
                // A row's last few columns alone (the last 4 of 14×14) are read where B is stored: copying the panel
                // would write 64 columns, 60 of them zero padding, for every depth row. Same products, same order.
                float* columnsInPlace = tiled == 0 ? source.ColumnsInPlace(column, out columnStride) : null;
                for (int depth = 0; depth < k; depth += chunk)
                {
                    int depthCount = Math.Min(chunk, k - depth);
                    nint bStride = columnStride;
                    float* panel = columnsInPlace != null
                        ? columnsInPlace + (nint)depth * columnStride
                        : source.GetPanel(column, columns, depth, depthCount, scratch, out bStride);
                    bool accumulate = depth > 0;
                    float* aDepth = a + depth * aColStride;
                    float* aTiles = a + depth * tileColStride;
                    if (dotInTiles)
                    {
                        // Three vectors and one column (7×7): the 6-row tiles take the column as dot products alongside,
                        // so A is read once; rows past the last whole tile go as below.
                        for (int p = 0; p < depthCount; p++) tailColumns[p] = panel[p * bStride + tiled];
                        for (int row = 0; row < tileRows; row += GemmMicrokernels.TileRows)
                        {
                            // One panel in all (7×7): every tile's weights are read once, from beyond the L2, a new stretch for
                            // each tile and chunk, so the tile asks for the next tile's stretch as it goes.
                            bool streamA = interleavedA && n <= PanelWidth && row + GemmMicrokernels.TileRows < tileRows;
                            if (interleavedA)
                                InterleavedRowTiles.Gemm_F32_6x3v_Dot1_InterleavedA<TIsa, TVector>(aTiles + row * aRowStride, panel, bStride, tailColumns,
                                    depthCount, c + row * ldc + column, ldc, accumulate, streamA ? aTiles + (row + GemmMicrokernels.TileRows) * aRowStride : null);
                            else
                                GemmMicrokernels.Gemm_F32_6x3v_Dot1<TIsa, TVector>(aDepth + row * aRowStride, aRowStride, panel, bStride, tailColumns, depthCount,
                                    c + row * ldc + column, ldc, accumulate);
                        }
                        if (tileRows < m)
                        {
                            RunTiles<TIsa, TVector>(aDepth + tileRows * aRowStride, aDepth + tileRows * aRowStride, aRowStride, aRowStride, aColStride, aColStride,
                                panel, bStride, depthCount, c + tileRows * ldc + column, ldc, m - tileRows, tiled, accumulate);
                            GemvF32.Product<TIsa, TVector>(aDepth + tileRows * aRowStride, aRowStride, tailColumns, c + tileRows * ldc + column + tiled, ldc,
                                m - tileRows, depthCount, accumulate);
                        }
                        continue;
                    }
                    TileEpilogue* finishing = finishedInTiles && depth + depthCount == k ? &finish : null;
                    bool streamTiles = interleavedA && column == columnStart;
                    // A row or a few through prepacked weights (a classifier of 100 classes: 64 columns, then 32 and a
                    // tail of 4) read the last panel's chunk first by gathering its tail columns, a line per depth row
                    // from memory, before any streaming load: the next chunk is asked for while this one computes.
                    // Zen 5, same process alternating: 1280 → 100 in MobileNetV2 0.76, in MobileNetV3-L 0.64. For every
                    // panel, also those without a tail, 960 → 1280 and 384 → 1000 went 1.07-1.09.
                    if (tail > 0 && m < GemmMicrokernels.TileRows && bStride == PanelWidth)
                        PrefetchToL2(panel + depthCount * PanelWidth, depthCount * PanelWidth);
                    // With 256-bit vectors the one or two columns a panel leaves (a 7×7 plane's 49th) go four tiles' rows
                    // at a time right after those rows' tiles, while their weights are in L1: after all the tiles, the
                    // weights (1.6 MB for 320 → 1280) came from beyond the L2 a second time. Same kernels, same bits. Zen 3,
                    // caches flushed before each run, same process alternating: 320 → 1280 on 7×7 658 → 616 and 833 → 783 µs,
                    // 160 → 960 319 → 307 and 360 → 351; 960 → 320 unchanged (its depth chunks' weights fit the L2).
                    bool tailWithTiles = tail > 0 && tail <= 2 && interleavedA && TIsa.Count == 8 && tiled > 0;
                    if (tail > 0)
                        // The last few columns together, each gathered into its own contiguous run along the depth.
                        for (int p = 0; p < depthCount; p++)
                            for (int j = 0; j < tail; j++) tailColumns[j * MaxDepthChunk + p] = panel[p * bStride + tiled + j];
                    if (tail == 1 && interleavedA && TIsa.Count == 8 && tiled >= 2 * TIsa.Count && DotColumnInTiles && Fma.IsSupported)
                    {
                        // The 49th column in the tiles' first two vectors' loop: see DotColumnInTiles.
                        for (int row = 0; row < tileRows; row += GemmMicrokernels.TileRows)
                        {
                            if (streamTiles && row + 2 * GemmMicrokernels.TileRows <= m)
                                PrefetchToL2(aTiles + (row + GemmMicrokernels.TileRows) * aRowStride, GemmMicrokernels.TileRows * depthCount);
                            TileEpilogue tileEpilogue = default;
                            TileEpilogue* tileFinish = finishing == null ? null : &tileEpilogue;
                            if (tileFinish != null) tileEpilogue.MoveTo(finishing, row, column, ldc);
                            float* tileC = c + row * ldc + column;
                            InterleavedRowTiles.Gemm_F32_6x2v_Dot1_InterleavedA_Vector256(aTiles + row * aRowStride, panel, bStride, tailColumns, depthCount,
                                tileC, tileC + tiled, ldc, accumulate, tileFinish);
                            if (tileFinish != null) tileEpilogue.MoveTo(finishing, row, column + 2 * TIsa.Count, ldc);
                            GemmMicrokernels.Gemm_F32_6x2v<TIsa, TVector>(aTiles + row * aRowStride, tileRowStride, tileColStride, panel + 2 * TIsa.Count, bStride,
                                depthCount, tileC + 2 * TIsa.Count, ldc, tiled - 2 * TIsa.Count, accumulate, tileFinish);
                        }
                        if (tileRows < m)
                        {
                            RunTiles<TIsa, TVector>(aTiles, aDepth, aRowStride, tileRowStride, tileColStride, aColStride, panel, bStride, depthCount,
                                c + column, ldc, m, tiled, accumulate, firstRow: tileRows);
                            GemvF32.ProductColumns<TIsa, TVector>(aDepth + tileRows * aRowStride, aRowStride, tailColumns, MaxDepthChunk, tail,
                                c + tileRows * ldc + column + tiled, ldc, m - tileRows, depthCount, accumulate);
                        }
                        continue;
                    }
                    int tailFrom = 0;
                    if (tailWithTiles)
                        for (; tailFrom + 4 * GemmMicrokernels.TileRows <= tileRows; tailFrom += 4 * GemmMicrokernels.TileRows)
                        {
                            RunTiles<TIsa, TVector>(aTiles, aDepth, aRowStride, tileRowStride, tileColStride, aColStride, panel, bStride, depthCount,
                                c + column, ldc, tailFrom + 4 * GemmMicrokernels.TileRows, tiled, accumulate, finishing, column, streamTiles, tailFrom);
                            InterleavedRowTiles.Gemm_F32_24x2_InterleavedA_Vector256(aTiles + tailFrom * aRowStride, GemmMicrokernels.TileRows * aRowStride,
                                tailColumns, MaxDepthChunk, tail, depthCount, c + tailFrom * ldc + column + tiled, ldc, accumulate);
                        }
                    if (tiled > 0)
                        RunTiles<TIsa, TVector>(aTiles, aDepth, aRowStride, tileRowStride, tileColStride, aColStride, panel, bStride, depthCount,
                            c + column, ldc, m, tiled, accumulate, finishing, column, streamTiles, tailFrom);
                    if (tail > 0)
                    {
                        int rowMajorFrom = 0;
                        if (interleavedA)
                        {
                            int row = tailFrom;
                            // With AVX-512 only: its multiply-adds are fused like the six-row form's 256-bit ones, so a
                            // row's result does not depend on which form a thread's share of rows gave it.
                            if (TIsa.Count == 16 && System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
                                for (; row + 4 * GemmMicrokernels.TileRows <= tileRows; row += 4 * GemmMicrokernels.TileRows)
                                    InterleavedRowTiles.Gemm_F32_24xN_InterleavedA_Vector512(aTiles + row * aRowStride, GemmMicrokernels.TileRows * aRowStride,
                                        tailColumns, MaxDepthChunk, tail, depthCount, c + row * ldc + column + tiled, ldc, accumulate);
                            // With 256-bit vectors, four tiles' chains at once for the one or two columns a panel leaves.
                            if (TIsa.Count == 8 && tail <= 2)
                                for (; row + 4 * GemmMicrokernels.TileRows <= tileRows; row += 4 * GemmMicrokernels.TileRows)
                                    InterleavedRowTiles.Gemm_F32_24x2_InterleavedA_Vector256(aTiles + row * aRowStride, GemmMicrokernels.TileRows * aRowStride,
                                        tailColumns, MaxDepthChunk, tail, depthCount, c + row * ldc + column + tiled, ldc, accumulate);
                            for (; row < tileRows; row += GemmMicrokernels.TileRows)
                                InterleavedRowTiles.Gemm_F32_6xN_InterleavedA<TIsa, TVector>(aTiles + row * aRowStride, tailColumns, MaxDepthChunk, tail,
                                    depthCount, c + row * ldc + column + tiled, ldc, accumulate);
                            rowMajorFrom = tileRows;
                        }
                        if (rowMajorFrom < m)
                            GemvF32.ProductColumns<TIsa, TVector>(aDepth + rowMajorFrom * aRowStride, aRowStride, tailColumns, MaxDepthChunk, tail,
                                c + rowMajorFrom * ldc + column + tiled, ldc, m - rowMajorFrom, depthCount, accumulate);
                    }
                }
                if (finishedInTiles)
                {
                    // Rows past the last whole tile now; panels the tiles did not finish go together at the block's end.
                    if (unfinishedFrom >= 0) epilogue.Apply<TIsa, TVector>(c, ldc, 0, m, unfinishedFrom, column - unfinishedFrom);
                    unfinishedFrom = -1;
                    epilogue.Apply<TIsa, TVector>(c, ldc, tileRows, m - tileRows, column, columns);
                    // The tiles' rows past the columns they finished (a 7×7 plane's 49th).
                    if (finishedColumns < columns) epilogue.Apply<TIsa, TVector>(c, ldc, 0, tileRows, column + finishedColumns, columns - finishedColumns);
                }
                else if (unfinishedFrom < 0) unfinishedFrom = column;
            }
            if (unfinishedFrom >= 0) epilogue.Apply<TIsa, TVector>(c, ldc, 0, m, unfinishedFrom, blockEnd - unfinishedFrom);
        }
    }

    /// <summary>
    /// Whether 256- and 512-bit products whose B is read in place and whose A is interleaved weights go tile by tile across a
    /// whole column block (<see cref="RunTileRowsAcrossBlock"/>) where <see cref="TileRowsAcrossBlocks"/> says so. Tests set
    /// it both ways (the result is bitwise the same).
    /// </summary>
    internal static bool SweepsTileRows = true;

    /// <summary>
    /// The products that go tile by tile across a block: a plane that is one block (14×14, 16×16: each tile's weights
    /// are then read once per depth chunk instead of once per 64-column panel, from beyond the L2), and shallow products
    /// (depth ≤ 32) on planes whose rows are a page or more apart (56×56, 112×112: each tile then stores 6 rows of a
    /// whole block instead of every row of C taking 64 columns per panel, as many store streams as C has rows). Zen 3,
    /// one process alternating the two orders run by run (200 runs, each step's median): RepViT-M0.9's 14×14 pointwise
    /// steps 0.982 of the panel order's time (16 + 16 steps), MobileNetV3-L's 0.94-0.99, MobileNetV2's 0.96-1.01; the
    /// shallow 112×112 steps 0.77 (16 → 16), 0.82 (16 → 96), 0.86 (32 → 16), 0.90 (16 → 64); 24 → 144 on 56×56 0.97-0.99.
    /// Deeper products on planes larger than a block stay in panel order: 28×28 1.00-1.03, 56×56 0.95-1.08 step to step.
    /// A panel whose last columns would go as dot products (one or two past whole vectors) stays with the panel order too,
    /// and so do panels copied from rows 4 KiB apart (128×128, 64×64): with each block's four panels copied once for its
    /// tiles, MobileViT-XXS and XS moved 0.87-1.04 step to step and 1.00 in sum.
    /// <para>
    /// With 512-bit vectors (<paramref name="lanes"/> 16) only the shallow products on planes of at least
    /// <see cref="Wide512PlaneFloats"/>. Zen 5, same process alternating (300 runs): MobileNetV3-L's 16 → 16 + residual on
    /// 112×112 0.68, MobileNetV2's 32 → 16 there 0.73-0.83 and its 16 → 96 expansion 0.90-1.02, but 24 → 144 on 56×56
    /// 1.03-1.05, and one-block planes (14×14) unchanged (MobileNetV2, V3-L and RepViT-M0.9 whole runs 0.998-1.006).
    /// </para>
    /// </summary>
    private static bool TileRowsAcrossBlocks(int m, int k, int n, int lanes)
    {
        // Columns past the panels' whole vectors that panel order computes as dot products (1-2 of 8, 1-4 of 16).
        int lastColumns = n % PanelWidth % lanes;
        if (k == 0 || m < GemmMicrokernels.TileRows || n <= PanelWidth || lastColumns > 0 && lastColumns <= lanes / 4) return false;
        return lanes == 16 ? k <= RowGroupDepth && n >= Wide512PlaneFloats : n <= BlockWidth || k <= RowGroupDepth && n >= PageFloats;
    }

    /// <summary>Floats of the smallest plane a 512-bit shallow product goes tile by tile across (96×96 and larger).</summary>
    private const int Wide512PlaneFloats = 8 * PageFloats;

    /// <summary>
    /// Whether a 256-bit panel of interleaved weights with one column past its whole vectors (a 7×7 plane's 49th)
    /// computes that column inside each tile's first-two-vector loop
    /// (<see cref="InterleavedRowTiles.Gemm_F32_6x2v_Dot1_InterleavedA_Vector256"/>) instead of four tiles' rows at a
    /// time after them. Tests set it both ways (the result is bitwise the same).
    /// </summary>
    internal static bool DotColumnInTiles = true;

    /// <summary>Floats in a 4 KiB page.</summary>
    private const int PageFloats = 1024;

    /// <summary>
    /// Columns [from, to) of C (one block, its panels aligned to <see cref="PanelWidth"/>) with the 6 × 2-vector tiles,
    /// each tile across every column of the block before the next tile starts, depth chunk by depth chunk: the tile's
    /// weights stay in L1 for the whole block. B is read in place; a last panel narrower than <see cref="PanelWidth"/>
    /// is copied by the source as in panel order. Every element goes through the same tile, the same depth chunks and
    /// the same epilogue (in the tile's registers or as a pass) as in panel order, so the result is bitwise the same.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunTileRowsAcrossBlock<TIsa, TVector, TSource>(ref TSource source, float* a, nint aRowStride,
        float* c, nint ldc, int m, int k, int from, int to, in GemmEpilogue epilogue, TileEpilogue* finish, float* scratch)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct where TSource : struct, IPanelSource
    {
        const int tile = GemmMicrokernels.TileRows;
        int tileRows = m / tile * tile;
        int panelCount = (to - from + PanelWidth - 1) / PanelWidth;
        float** panels = stackalloc float*[BlockWidth / PanelWidth];
        nint* strides = stackalloc nint[BlockWidth / PanelWidth];
        // The depth chunks of panel order (whole panels in place take the whole depth up to a chunk, a copied one a
        // chunk's rows), so every element sums the same chunks in the same order.
        int chunk = k > DepthChunkFor(TIsa.Count) ? DepthChunkFor(TIsa.Count) : k;
        TileEpilogue tileEpilogue = default;
        for (int depth = 0; depth < k; depth += chunk)
        {
            int depthCount = Math.Min(chunk, k - depth);
            bool accumulate = depth > 0;
            // Only a narrow last panel is copied (into scratch); the others are read where they are.
            for (int p = 0; p < panelCount; p++)
            {
                int column = from + p * PanelWidth;
                panels[p] = source.GetPanel(column, Math.Min(PanelWidth, to - column), depth, depthCount, scratch, out strides[p]);
            }
            // Interleaved A: a tile's depth rows are 6 floats apart; the rows after the last whole tile are row-major.
            float* aTiles = a + depth * tile, aRest = a + depth;
            TileEpilogue* finishing = finish != null && depth + depthCount == k ? &tileEpilogue : null;
            for (int row = 0; row < tileRows; row += tile)
            {
                // Each tile's weights come from beyond the L2 once per chunk: the next tile's are asked for meanwhile.
                if (row + tile < tileRows) PrefetchToL2(aTiles + (row + tile) * aRowStride, tile * depthCount);
                for (int p = 0; p < panelCount; p++)
                {
                    int column = from + p * PanelWidth;
                    if (TIsa.Count == 16)
                    {
                        // 512-bit vectors: the tile panel order gives this panel (6 × 4, 6 × 3 or 6 × 2 vectors), finishing
                        // in registers only across a whole panel, as there.
                        int columns = Math.Min(PanelWidth, to - column);
                        RunTiles<TIsa, TVector>(aTiles, aRest, aRowStride, 1, tile, 1, panels[p], strides[p], depthCount, c + column, ldc, row + tile,
                            columns, accumulate, finishing != null && columns == PanelWidth ? finish : null, column, firstRow: row);
                        continue;
                    }
                    if (finishing != null) tileEpilogue.MoveTo(finish, row, column, ldc);
                    GemmMicrokernels.Gemm_F32_6x2v<TIsa, TVector>(aTiles + row * aRowStride, 1, tile, panels[p], strides[p], depthCount,
                        c + row * ldc + column, ldc, Math.Min(PanelWidth, to - column), accumulate, finishing);
                }
            }
            for (int p = 0; p < panelCount && tileRows < m; p++)
            {
                int column = from + p * PanelWidth;
                RunTiles<TIsa, TVector>(aTiles, aRest, aRowStride, 1, tile, 1, panels[p], strides[p], depthCount, c + column, ldc, m,
                    Math.Min(PanelWidth, to - column), accumulate, firstRow: tileRows);
            }
        }
        if (finish == null)
        {
            epilogue.Apply<TIsa, TVector>(c, ldc, 0, m, from, to - from);
            return;
        }
        // The tiles finished their whole 16-column sub-tiles; the pass takes the rows after them and the columns left.
        int lastPanel = from + (panelCount - 1) * PanelWidth;
        int finishedEnd = TIsa.Count == 16 ? (to - lastPanel == PanelWidth ? to : lastPanel) : lastPanel + (to - lastPanel) / (2 * TIsa.Count) * (2 * TIsa.Count);
        epilogue.Apply<TIsa, TVector>(c, ldc, tileRows, m - tileRows, from, to - from);
        if (finishedEnd < to) epilogue.Apply<TIsa, TVector>(c, ldc, 0, tileRows, finishedEnd, to - finishedEnd);
    }

    /// <summary>
    /// Rows [<paramref name="firstRow"/>, m) of C across <paramref name="columns"/> of one panel: 6-row tiles, then 4, 2 and
    /// 1 row as the remainder needs.
    /// Row i starts at aTiles + i * aRowStride for the tiles (their elements tileRowStride and tileColStride apart) and at
    /// aRest + i * aRowStride for the rows after them (aRowStride and aColStride apart).
    /// With <paramref name="finish"/>, the whole-width 6 × 4-vector tiles, or with 256-bit vectors every whole 6 × 2-vector
    /// tile, also apply it (C's column <paramref name="column"/> is the panel's first).
    /// With <paramref name="streamA"/> (interleaved weights, the first panel of the columns: the one pass that reads them
    /// from beyond the L2), each 6 × 4-vector tile prefetches the next tile's weights as it goes: RepViT-M0.9's 14×14
    /// expansions 192 → 384 0.94 per step, the MobileNets' 14×14 steps 0.97-0.99, whole RepViT-M0.9 0.97; the narrow
    /// tiles ask for the next tile's weights before they start.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RunTiles<TIsa, TVector>(float* aTiles, float* aRest, nint aRowStride, nint tileRowStride, nint tileColStride, nint aColStride,
        float* panel, nint bStride, int depthCount, float* c, nint ldc, int m, int columns, bool accumulate, TileEpilogue* finish = null, int column = 0,
        bool streamA = false, int firstRow = 0)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int row = firstRow;
        // 512-bit vectors have the 32 registers a 6 x 4-vector tile needs; it pays once a panel spans more than two.
        // A panel of exactly three vectors (a 7×7 plane's first 48 columns) takes the 6 x 3-vector tile.
        bool wide = TIsa.Count == 16 && columns > 2 * TIsa.Count;
        bool threeVectors = wide && columns <= 3 * TIsa.Count;
        for (; row + GemmMicrokernels.TileRows <= m; row += GemmMicrokernels.TileRows)
        {
            // The narrow tiles (a panel of at most two vectors: planes of 5×5, 3×3, 2×2 in SSD heads) ask for the next
            // tile's weights all at once: per tile they do too little for the hardware prefetcher to keep ahead of the
            // single stream of weights (512 → 546 on 5×5 inside SSDLite: 211-227 → 139-151 µs; with the weights in
            // cache 88 → 98 µs, which a whole model's weights never are).
            if (streamA && !wide && row + 2 * GemmMicrokernels.TileRows <= m)
                PrefetchToL2(aTiles + (row + GemmMicrokernels.TileRows) * aRowStride, GemmMicrokernels.TileRows * depthCount);
            if (threeVectors)
                GemmMicrokernels.Gemm_F32_6x3v<TIsa, TVector>(aTiles + row * aRowStride, tileRowStride, tileColStride, panel, bStride, depthCount,
                    c + row * ldc, ldc, columns, accumulate);
            else if (wide && finish != null)
            {
                TileEpilogue tileEpilogue = default;
                tileEpilogue.MoveTo(finish, row, column, ldc);
                GemmMicrokernels.Gemm_F32_6x4v<TIsa, TVector, PanelTileRows>(aTiles + row * aRowStride, tileRowStride, tileColStride, GemmMicrokernels.TileRows,
                    new PanelTileRows(panel, bStride), depthCount, c + row * ldc, ldc, columns, accumulate, &tileEpilogue,
                    streamA && row + 2 * GemmMicrokernels.TileRows <= m ? aTiles + (row + GemmMicrokernels.TileRows) * aRowStride : null);
            }
            else if (wide)
                GemmMicrokernels.Gemm_F32_6x4v<TIsa, TVector, PanelTileRows>(aTiles + row * aRowStride, tileRowStride, tileColStride, GemmMicrokernels.TileRows,
                    new PanelTileRows(panel, bStride), depthCount, c + row * ldc, ldc, columns, accumulate, null,
                    streamA && row + 2 * GemmMicrokernels.TileRows <= m ? aTiles + (row + GemmMicrokernels.TileRows) * aRowStride : null);
            else if (finish != null)
            {
                TileEpilogue tileEpilogue = default;
                tileEpilogue.MoveTo(finish, row, column, ldc);
                GemmMicrokernels.Gemm_F32_6x2v<TIsa, TVector>(aTiles + row * aRowStride, tileRowStride, tileColStride, panel, bStride, depthCount,
                    c + row * ldc, ldc, columns, accumulate, &tileEpilogue);
            }
            else
                GemmMicrokernels.Gemm_F32_6x2v<TIsa, TVector>(aTiles + row * aRowStride, tileRowStride, tileColStride, panel, bStride, depthCount,
                    c + row * ldc, ldc, columns, accumulate);
        }
        if (m - row >= 4)
        {
            GemmMicrokernels.Gemm_F32_4x2v<TIsa, TVector>(aRest + row * aRowStride, aRowStride, aColStride, panel, bStride, depthCount,
                c + row * ldc, ldc, columns, accumulate);
            row += 4;
        }
        if (m - row >= 2)
        {
            GemmMicrokernels.Gemm_F32_2x4v<TIsa, TVector>(aRest + row * aRowStride, aRowStride, aColStride, panel, bStride, depthCount,
                c + row * ldc, ldc, columns, accumulate);
            row += 2;
        }
        // A product of one row across whole 64-column panels (a classifier): each depth row of B in one sweep with 256-bit
        // vectors too. In-process A/B on a Zen 3: MobileNetV3-L's 960 → 1280 402 → 276 µs (ONNX Runtime's node 281),
        // 1280 → 100 59 → 52; RepViT-M0.9's 384 → 1000 123 → 93.
        if (m == 1 && firstRow == 0 && TIsa.Count == 8 && columns == PanelWidth && Fma.IsSupported)
        {
            GemmMicrokernels.Gemm_F32_1x8v_Vector256(aRest, aColStride, panel, bStride, depthCount, c, accumulate);
            return;
        }
        for (; row < m; row++)
            GemmMicrokernels.Gemm_F32_1x4v<TIsa, TVector>(aRest + row * aRowStride, aColStride, panel, bStride, depthCount,
                c + row * ldc, columns, accumulate);
    }

    /// <summary>Asks for <paramref name="floats"/> consecutive floats into L2, a cache line at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchToL2(float* start, int floats)
    {
        if (!Sse.IsSupported) return;
        byte* first = (byte*)start, end = first + (nint)floats * sizeof(float);
        for (byte* line = first; line < end; line += 64) Sse.Prefetch1(line);
    }

    /// <summary>Dispatches <see cref="Run{TIsa, TVector, TSource}"/> on the variant; Scalar is not handled here.</summary>
    public static void Run<TSource>(KernelIsa isa, ref TSource source, float* a, nint aRowStride, nint aColStride,
        float* c, nint ldc, int m, int k, int n, in GemmEpilogue epilogue, bool interleavedA = false)
        where TSource : struct, IPanelSource
    {
        switch (isa)
        {
            case KernelIsa.Vector512: Run<Vector512Isa, System.Runtime.Intrinsics.Vector512<float>, TSource>(ref source, a, aRowStride, aColStride, c, ldc, m, k, n, epilogue, interleavedA); break;
            case KernelIsa.Vector256: Run<Vector256Isa, System.Runtime.Intrinsics.Vector256<float>, TSource>(ref source, a, aRowStride, aColStride, c, ldc, m, k, n, epilogue, interleavedA); break;
            case KernelIsa.Vector128: Run<Vector128Isa, System.Runtime.Intrinsics.Vector128<float>, TSource>(ref source, a, aRowStride, aColStride, c, ldc, m, k, n, epilogue, interleavedA); break;
            default: throw new ArgumentOutOfRangeException(nameof(isa), isa, "The scalar variant has its own reference loop.");
        }
    }

    /// <summary>Scalar reference: C = epilogue(A · B) with B element (p, j) at b[p * bRowStride + j * bColStride].</summary>
    public static void RunScalar(float* a, nint aRowStride, nint aColStride, float* b, nint bRowStride, nint bColStride,
        float* c, nint ldc, int m, int k, int n, in GemmEpilogue epilogue)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float sum = 0f;
                for (int p = 0; p < k; p++) sum += a[i * aRowStride + p * aColStride] * b[p * bRowStride + j * bColStride];
                c[i * ldc + j] = sum;
            }
        epilogue.ApplyScalar(c, ldc, m, n);
    }

    /// <summary>Packs columns of a transposed B ([n][k]) into a zero-padded [depth][PanelWidth] panel, by register transposes where there are 256-bit vectors or wider.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackTransposed(float* source, nint ldb, int columns, int depthCount, float* panel)
    {
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            // 16 × 16 blocks transposed in registers, zeros past the last column included (an attention head's Qᵀ,
            // 64 queries × 24 floats, took 1,536 single-float moves per panel).
            for (int j0 = 0; j0 < PanelWidth; j0 += 16)
                for (int p0 = 0; p0 < depthCount; p0 += 16)
                {
                    int depths = Math.Min(16, depthCount - p0);
                    Avx512Transpose.Transpose16(source + j0 * ldb + p0, ldb, Math.Clamp(columns - j0, 0, 16), depths, panel + p0 * PanelWidth + j0, PanelWidth, depths, 16);
                }
            return;
        }
        if (Avx.IsSupported)
        {
            // The same in 8 × 8 blocks: element by element, the packing took 4.7 % of a 16-head 256 × 256 attention's
            // samples on a Zen 3.
            for (int j0 = 0; j0 < PanelWidth; j0 += 8)
                for (int p0 = 0; p0 < depthCount; p0 += 8)
                {
                    int depths = Math.Min(8, depthCount - p0);
                    AvxTranspose.Transpose8(source + j0 * ldb + p0, ldb, Math.Clamp(columns - j0, 0, 8), depths, panel + p0 * PanelWidth + j0, PanelWidth, depths, 8);
                }
            return;
        }
        for (int j = 0; j < columns; j++)
        {
            float* from = source + j * ldb;
            for (int p = 0; p < depthCount; p++) panel[p * PanelWidth + j] = from[p];
        }
        for (int j = columns; j < PanelWidth; j++)
            for (int p = 0; p < depthCount; p++) panel[p * PanelWidth + j] = 0f;
    }
}
