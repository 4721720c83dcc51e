using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// Depthwise convolution with AVX-512, 16 channels at a time, or with AVX and FMA, 8 at a time: stride-2 3×3 layers on planes up to 56 × 56,
/// larger-than-3×3 layers on any plane (MobileNetV3's 5×5 at the 80×80 and larger maps of segmentation inputs), and
/// 3×3 at stride 1 on small planes (the last stages of MobileNets and RepViT). Vectorized along the output
/// row, a 7- or 14-wide row fills under one vector and each plane pays its own setup; a stride-2 layer from 14×14 to
/// 7×7 ran at 1/6 of ONNX Runtime's speed that way. Here the 16 planes of a block are transposed (16 × 16 register
/// transposes) into a channel-blocked scratch, [y][x][16 channels] with a zero border, band by band of output rows,
/// where every tap of every output cell is one vector multiply-add for 16 channels, whatever the stride, dilation or
/// plane width. Cells go eight of a row at a time (eight independent sums); without horizontal dilation the inputs
/// under them slide along the kernel row, one new load per tap (5 × 5 on 120 channels of 28×28: 70 → 46 µs; on 960 of
/// 7×7: 43 → 31; at stride 2 on 72 of 56×56: 62 → 50; against four cells in flat order, nine loads per four taps). Bias
/// and activation finish each group's eight sums in registers (none, ReLU, a clip) or the staged result blocks (the
/// other activations), channels along the lanes, before they are transposed back into the NCHW output; with a residual,
/// the epilogue runs per output plane afterwards (<see cref="BlockEpilogue"/>). Blocks are
/// the unit of work for threads, so every element is computed the same way at any thread count.
/// </summary>
internal static unsafe partial class DepthwiseChannelBlocks
{

    /// <summary>Scratch budget (floats) for one band of a block's padded rows: 72 KiB, a whole 32 × 32 padded plane of 16 channels.</summary>
    private const int MaxScratchFloats = 18 * 1024;

    /// <summary>Output row width above which the staged results (a row and a few cells, <see cref="StagingCells"/>) would outgrow 18 KiB of stack.</summary>
    private const int MaxOutWidth = 256;

    /// <summary>Taps above which the per-block weight table would outgrow its stack slot (7 × 7 kernels fit).</summary>
    private const int MaxTaps = 49;

    /// <summary>Padded rows the windows of <paramref name="outputRows"/> consecutive output rows reach.</summary>
    private static int PaddedRowsFor(in Conv2dGeometry g, int outputRows) => (outputRows - 1) * g.StrideHeight + (g.KernelHeight - 1) * g.DilationHeight + 1;

    private static int PaddedWidth(in Conv2dGeometry g) => (g.OutWidth - 1) * g.StrideWidth + (g.KernelWidth - 1) * g.DilationWidth + 1;

    /// <summary>Output rows per band: as many as the scratch holds the padded input rows of, all of them when the plane fits.</summary>
    private static int BandRows(in Conv2dGeometry g, int block)
    {
        int paddedRows = MaxScratchFloats / (PaddedWidth(g) * block);
        return Math.Clamp((paddedRows - (g.KernelHeight - 1) * g.DilationHeight - 1) / g.StrideHeight + 1, 0, g.OutHeight);
    }

    /// <summary>
    /// Depthwise geometries on input planes up to 56 × 56 where the transposes cost less than the per-row work they
    /// save: stride 2 (576 channels 14×14 → 7×7: 100 → 29 µs; 192 channels 28×28 → 14×14: 110 → 35 µs; 144 channels
    /// 56×56 → 28×28: 131 → 114 µs), kernels larger than 3 × 3 (5 × 5 on 120 channels of 28×28: 186 → 97 µs; at stride 2
    /// on 72 channels of 56×56: 132 → 80 µs) and 3 × 3 at stride 1 on planes under 28 × 28 (384 channels of 14×14:
    /// 58 → 49 µs; since eight cells of a row go per pass, 3 × 3 at stride 1 on 16×16 to 24×24 too). Elsewhere the row kernel stays faster: 3 × 3 at stride 1 on 28×28 (95 → 104-141 µs this way), stride 2
    /// from 64×64 up (128 channels: 126 → 144 µs; 64 channels of 128×128: 226 → 299 µs). Planes whose padded block
    /// outgrows the scratch go in bands of output rows. Per-kernel timer while developing; KernelBenchmarks has the
    /// current figures. Those figures were against the row kernel's padded band; since it reads 3 × 3 rows directly, the
    /// 3 × 3 planes with output rows of 12 or more at stride 2 and 16 or more at stride 1 stay with it
    /// (<see cref="DepthwiseConvolution.PrefersDirectRows"/>).
    /// </summary>
    public static bool Supports<TVector>(in Conv2dGeometry g) where TVector : struct
    {
        // 16 channels with AVX-512, 8 with AVX and FMA. On a Zen 3, against ONNX Runtime, the padded band → 8-channel
        // blocks: stride 2, 384 channels of 16×16 0.54 → 0.98, 256 of 32×32 0.76 → 0.97; stride 1, 192 of 16×16
        // 0.84 → 0.83. Since the AVX rows read stride-2 planes in place, those with whole vectors of outputs stay with
        // them (DepthwiseConvolution.PrefersDirectRowsAvx).
        bool wide = typeof(TVector) == typeof(Vector512<float>) && Avx512F.IsSupported && Vector512.IsHardwareAccelerated;
        bool narrow = typeof(TVector) == typeof(Vector256<float>) && Avx2.IsSupported && Fma.IsSupported;
        if (!wide && !narrow) return false;
        if (g.Groups != g.InChannels || g.InChannels != g.OutChannels || g.KernelHeight * g.KernelWidth > MaxTaps) return false;
        int inPlane = g.InHeight * g.InWidth;
        bool smallPlane = g.InWidth < DepthwiseConvolution.DirectRowsMinWidthStride1 && g.InHeight < DepthwiseConvolution.DirectRowsMinWidthStride1;
        bool pays = (g.StrideHeight > 1 || g.StrideWidth > 1 || g.KernelHeight * g.KernelWidth > 9 || smallPlane)
                    && (narrow ? !DepthwiseConvolution.PrefersDirectRowsAvx(g) : !DepthwiseConvolution.PrefersDirectRows(g));
        // Kernels larger than 3 × 3 on any plane: their row kernel costs grow with the taps (5 × 5 at stride 2 on 72 channels
        // of 80×80: 231 → 117 µs; on 112×112 426 → 242; at stride 1 on 120 of 64×64 675 → 339; 7 × 7 on 96 of 96×96 2078 → 981).
        return pays && (inPlane <= 56 * 56 || g.KernelHeight * g.KernelWidth > 9) && g.OutWidth <= MaxOutWidth && BandRows(g, wide ? 16 : 8) >= 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TIsa, TVector>(float* input, float* weights, float* bias, float* residual, float* output, in Conv2dGeometry g, Activation activation)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int blockWidth = TIsa.Count;
        int blocksPerItem = (g.InChannels + blockWidth - 1) / blockWidth;
        int units = g.Batch * blocksPerItem;
        int degree = KernelParallelism.Current;
        var job = new BlockJob
        {
            Input = input, Weights = weights, Bias = bias, Residual = residual, Output = output, Geometry = g,
            Activation = activation, Units = units, BlocksPerItem = blocksPerItem, Parts = 1,
        };
        if (degree > 1 && units > 1 && (long)g.Batch * g.OutChannels * g.OutHeight * g.OutWidth >= DepthwiseConvolution.ParallelOutputThreshold)
        {
            job.Parts = WorkerPool.PartsFor(units, degree);
            WorkerPool.For(degree, job.Parts, &RunPart<TIsa, TVector>, Unsafe.AsPointer(ref job));
            return;
        }
        RunPart<TIsa, TVector>(Unsafe.AsPointer(ref job), 0);
    }

    private struct BlockJob
    {
        public float* Input, Weights, Bias, Residual, Output;
        public Conv2dGeometry Geometry;
        public Activation Activation;
        public int Units, BlocksPerItem, Parts;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunPart<TIsa, TVector>(void* context, int part)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int blockWidth = TIsa.Count;
        ref BlockJob job = ref Unsafe.AsRef<BlockJob>(context);
        Conv2dGeometry g = job.Geometry;
        int first = WorkerPool.FirstUnit(job.Units, part, job.Parts), end = WorkerPool.FirstUnit(job.Units, part + 1, job.Parts);
        int paddedWidth = PaddedWidth(g), bandRows = BandRows(g, blockWidth), paddedRows = PaddedRowsFor(g, bandRows);
        // Eight-cell groups run past a row's last cell (their extra results are never stored), reading up to OverReach
        // cells past the grid's last row.
        int overReach = OverReach(g, blockWidth);
        float* paddedUnaligned = stackalloc float[(paddedRows * paddedWidth + overReach) * blockWidth + 16];
        float* padded = Align(paddedUnaligned);
        float* stagingUnaligned = stackalloc float[StagingCells(g, blockWidth) * blockWidth + 16];
        float* staging = Align(stagingUnaligned);
        float* tablesUnaligned = stackalloc float[(MaxTaps + blockWidth) * blockWidth + 16];
        float* tapWeights = Align(tablesUnaligned);
        float* biasTable = tapWeights + MaxTaps * blockWidth;
        int tapCount = g.KernelHeight * g.KernelWidth;
        int* tapOffsets = stackalloc int[tapCount];
        FillTapOffsets(g, paddedWidth, blockWidth, tapOffsets);
        var epilogue = new BlockEpilogue(job.Activation, job.Residual == null ? biasTable : null);
        ClearGridEdges(padded, g, paddedRows, paddedWidth, blockWidth, overReach);
        // Plane starts: contiguous planes or padded ones (Conv2dGeometry's channel strides).
        int inPlane = g.InputChannelStride, outPlane = g.OutputChannelStride, outPlaneSize = g.OutHeight * g.OutWidth;
        for (int unit = first; unit < end; unit++)
        {
            int n = unit / job.BlocksPerItem, firstChannel = unit % job.BlocksPerItem * blockWidth;
            int channels = Math.Min(blockWidth, g.InChannels - firstChannel);
            nint inOffset = ((nint)n * g.InChannels + firstChannel) * inPlane, outOffset = ((nint)n * g.OutChannels + firstChannel) * outPlane;

            PrepareBlock<TIsa, TVector>(job.Weights, job.Bias, firstChannel, channels, tapCount, tapWeights, biasTable, epilogue);

            for (int bandStart = 0; bandStart < g.OutHeight; bandStart += bandRows)
            {
                int rows = Math.Min(bandRows, g.OutHeight - bandStart);
                FillBand<TIsa, TVector>(job.Input + inOffset, inPlane, channels, g, bandStart * g.StrideHeight - g.PadTop, PaddedRowsFor(g, rows), padded, paddedWidth);
                ConvolveBand<TIsa, TVector>(padded, paddedWidth, tapWeights, tapOffsets, tapCount, g, job.Output + outOffset, bandStart * g.OutWidth, rows,
                    outPlane, channels, staging, epilogue);
            }

            if (epilogue.BiasTable == null)
                for (int c = 0; c < channels; c++)
                {
                    float* plane = job.Output + outOffset + (nint)c * outPlane;
                    ElementwiseRow.Apply<TIsa, TVector>(epilogue.Kind, job.Activation.Alpha, job.Activation.Beta, plane, plane, outPlaneSize, 1f,
                        job.Bias == null ? 0f : job.Bias[firstChannel + c], null, job.Residual == null ? null : job.Residual + outOffset + (nint)c * outPlane);
                }
        }
    }

    /// <summary>Where each tap reads in the padded grid, relative to its window's first cell (floats).</summary>
    private static void FillTapOffsets(in Conv2dGeometry g, int paddedWidth, int blockWidth, int* tapOffsets)
    {
        for (int ky = 0, t = 0; ky < g.KernelHeight; ky++)
            for (int kx = 0; kx < g.KernelWidth; kx++, t++)
                tapOffsets[t] = (ky * g.DilationHeight * paddedWidth + kx * g.DilationWidth) * blockWidth;
    }

    /// <summary>
    /// The grid's columns left and right of the input and the <paramref name="overReach"/> cells past its last row,
    /// zeroed once: they stay zero for every band (a band's fill writes only the input's cells, and clears rows above and
    /// below the input whole). Clearing the whole scratch instead cost each part up to 72 KiB of stores.
    /// </summary>
    private static void ClearGridEdges(float* grid, in Conv2dGeometry g, int paddedRows, int paddedWidth, int blockWidth, int overReach)
    {
        new Span<float>(grid + (nint)paddedRows * paddedWidth * blockWidth, overReach * blockWidth).Clear();
        int left = Math.Min(g.PadLeft, paddedWidth), right = Math.Min(paddedWidth, g.PadLeft + Math.Max(0, InputCells(g, paddedWidth)));
        for (int r = 0; r < paddedRows; r++)
        {
            float* row = grid + (nint)r * paddedWidth * blockWidth;
            new Span<float>(row, left * blockWidth).Clear();
            new Span<float>(row + right * blockWidth, (paddedWidth - right) * blockWidth).Clear();
        }
    }

    /// <summary>
    /// A block's depthwise weights as one vector per tap (zero for channels past the last: the [channel][tap] weights
    /// transposed, a vector of taps at a time), and its bias, a channel per lane, where the epilogue runs in the block:
    /// in registers the first vector, on the staged blocks all copies, a bias for a whole staged block.
    /// </summary>
    private static void PrepareBlock<TIsa, TVector>(float* weights, float* bias, int firstChannel, int channels, int tapCount, float* tapWeights,
        float* biasTable, in BlockEpilogue epilogue)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int blockWidth = TIsa.Count;
        for (int t = 0; t < tapCount; t += blockWidth)
            Transpose<TIsa, TVector>(weights + firstChannel * tapCount + t, tapCount, channels, Math.Min(blockWidth, tapCount - t), tapWeights + t * blockWidth,
                blockWidth, Math.Min(blockWidth, tapCount - t), blockWidth);
        if (epilogue.BiasTable == null) return;
        TVector vector = bias == null ? TIsa.Zero : TIsa.LoadPartial(bias + firstChannel, channels);
        for (int j = 0; j < (epilogue.InRegisters ? 1 : blockWidth); j++) TIsa.Store(biasTable + j * blockWidth, vector);
    }

    /// <summary>
    /// Where bias and activation go. Without a residual: on each group's eight sums in registers (<see cref="Finish8"/>)
    /// for none, ReLU or a clip, on the staged blocks (channels along the lanes) before they are transposed back for the
    /// other activations; with one (laid out NCHW), per output plane afterwards. Zen 3, same process alternating, staged
    /// blocks → registers: ReLU6 on 960 channels of 7×7 0.84, 576 of 14×14 0.90-0.94, 384 of 14×14 0.97, stride 2
    /// 0.91-1.03; ReLU 0.80-0.94; none 0.78-0.89 (perf had the pass at 12-15 % of the step). SiLU in registers measured
    /// 1.17-1.25 (its polynomial spills the sums from sixteen 256-bit registers) and HardSwish 0.92-1.05.
    /// </summary>
    private readonly struct BlockEpilogue
    {
        public readonly UnaryKind Kind;
        public readonly float Alpha, Beta;
        /// <summary>The block's bias with a channel per lane (one vector in registers, 16 copies on the staged blocks); null when the epilogue runs per plane.</summary>
        public readonly float* BiasTable;
        public readonly bool InRegisters;

        public BlockEpilogue(Activation activation, float* biasTable)
        {
            Kind = Activation.ToUnaryKind(activation.Kind);
            Alpha = activation.Alpha;
            Beta = activation.Beta;
            BiasTable = biasTable;
            InRegisters = biasTable != null && Kind is UnaryKind.Identity or UnaryKind.Relu or UnaryKind.Clip;
        }

        public bool OnStagedBlocks => BiasTable != null && !InRegisters;
    }

    /// <summary>Input cells of a row that some window reaches (the rest of the row lies past the last window).</summary>
    private static int InputCells(in Conv2dGeometry g, int paddedWidth) => Math.Min(g.InWidth, paddedWidth - g.PadLeft);

    /// <summary>The transpose of the block's width: <see cref="Avx512Transpose.Transpose16"/> or <see cref="AvxTranspose.Transpose8"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose<TIsa, TVector>(float* source, nint sourceStride, int rows, int lanes, float* destination, nint destinationStride, int storeRows, int storeLanes)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        if (TIsa.Count == 16) Avx512Transpose.Transpose16(source, sourceStride, rows, lanes, destination, destinationStride, storeRows, storeLanes);
        else AvxTranspose.Transpose8(source, sourceStride, rows, lanes, destination, destinationStride, storeRows, storeLanes);
    }

    private static float* Align(float* pointer) => (float*)(((nint)pointer + 63) & ~(nint)63);

    /// <summary>
    /// Input rows [firstRow, firstRow + paddedRows) of the block's planes into the padded grid [row][x][16]: each input
    /// row, 16 cells at a time, transposed straight into its place (a row's cells are consecutive in the grid); rows
    /// above or below the input are zeroed, as the grid's columns left and right of it always are. Cells no window
    /// reaches are left out.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillBand<TIsa, TVector>(float* input, int inPlane, int channels, in Conv2dGeometry g, int firstRow, int paddedRows, float* padded, int paddedWidth)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int blockWidth = TIsa.Count;
        int width = InputCells(g, paddedWidth);
        for (int r = 0; r < paddedRows; r++)
        {
            int y = firstRow + r;
            float* row = padded + (nint)r * paddedWidth * blockWidth;
            if ((uint)y >= (uint)g.InHeight)
            {
                new Span<float>(row, paddedWidth * blockWidth).Clear();
                continue;
            }
            float* destination = row + g.PadLeft * blockWidth;
            for (int x = 0; x < width; x += blockWidth)
            {
                int cells = Math.Min(blockWidth, width - x);
                Transpose<TIsa, TVector>(input + (nint)y * g.InWidth + x, inPlane, channels, cells, destination + x * blockWidth, blockWidth, cells, blockWidth);
            }
        }
    }

    /// <summary>Cells a group of output cells computes at once: eight accumulators keep both multiply-add pipes busy.</summary>
    private const int GroupCells = 8;

    /// <summary>Cells past the grid's end that the last row's last group reads (its window, plus one look-ahead load).</summary>
    private static int OverReach(in Conv2dGeometry g, int block) => g.StrideWidth * GroupCells + (g.KernelWidth - 1) * g.DilationWidth + 2;

    /// <summary>Result cells held before they go out: up to 15 waiting for a whole 16, a row, and a group's overrun.</summary>
    private static int StagingCells(in Conv2dGeometry g, int block) => block - 1 + g.OutWidth + GroupCells;

    /// <summary><see cref="Convolve"/> with the epilogue's activation chosen once per band.</summary>
    private static void ConvolveBand<TIsa, TVector>(float* padded, int paddedWidth, float* tapWeights, int* tapOffsets, int tapCount, in Conv2dGeometry g,
        float* output, int firstCell, int rows, int outPlane, int channels, float* staging, in BlockEpilogue epilogue)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        switch (epilogue.InRegisters ? epilogue.Kind : UnaryKind.Identity)
        {
            case UnaryKind.Relu:
                Convolve<TIsa, TVector, ReluOperator>(padded, paddedWidth, tapWeights, tapOffsets, tapCount, g, output, firstCell, rows, outPlane, channels, staging, epilogue);
                break;
            case UnaryKind.Clip:
                Convolve<TIsa, TVector, ClipOperator>(padded, paddedWidth, tapWeights, tapOffsets, tapCount, g, output, firstCell, rows, outPlane, channels, staging, epilogue);
                break;
            default:
                Convolve<TIsa, TVector, IdentityOperator>(padded, paddedWidth, tapWeights, tapOffsets, tapCount, g, output, firstCell, rows, outPlane, channels, staging, epilogue);
                break;
        }
    }

    /// <summary>
    /// The band's output rows, eight cells of a row at a time, into the staging cells (channels along the lanes), each
    /// group finished by the epilogue when it runs in registers; every 16 staged cells (8 with AVX), in the plane's flat
    /// order, go through the epilogue when it runs there and are transposed into the output planes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Convolve<TIsa, TVector, TOperator>(float* padded, int paddedWidth, float* tapWeights, int* tapOffsets, int tapCount, in Conv2dGeometry g,
        float* output, int firstCell, int rows, int outPlane, int channels, float* staging, in BlockEpilogue epilogue)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct where TOperator : struct, IUnaryOperator
    {
        var finish = new GroupFinish<TVector>(epilogue.InRegisters, epilogue.InRegisters ? TIsa.Load(epilogue.BiasTable) : TIsa.Zero,
            TIsa.Broadcast(epilogue.Alpha), TIsa.Broadcast(epilogue.Beta));
        int blockWidth = TIsa.Count;
        bool slides = g.DilationWidth == 1 && g.StrideWidth <= 2;
        // With sixteen 256-bit registers the sliding window's eight inputs and eight sums do not fit; kernel rows of three
        // get their taps spelled out instead (AVX-512's 32 registers hold the sliding window).
        // Five wide likewise (Zen 3, same process alternating: 5 × 5 on 120 channels of 28×28 217 → 106 µs, at stride 2
        // on 72 of 56×56 155 → 90, 960 of 7×7 139 → 77).
        bool threeWide = slides && blockWidth == 8 && g.KernelWidth == 3;
        bool fiveWide = slides && blockWidth == 8 && g.KernelWidth == 5;
        nint cellStride = g.StrideWidth * blockWidth, kernelRowStride = (nint)g.DilationHeight * paddedWidth * blockWidth;
        int pending = 0, stored = 0;
        for (int oy = 0; oy < rows; oy++)
        {
            float* windowRow = padded + (nint)oy * g.StrideHeight * paddedWidth * blockWidth;
            float* results = staging + (nint)pending * blockWidth;
            for (int ox = 0; ox < g.OutWidth; ox += GroupCells)
            {
                if (threeWide)
                    EightCellsThreeWide<TIsa, TVector, TOperator>(windowRow + ox * cellStride, g.KernelHeight, g.StrideWidth, kernelRowStride, tapWeights, results + ox * blockWidth, finish);
                else if (fiveWide)
                    EightCellsFiveWide<TIsa, TVector, TOperator>(windowRow + ox * cellStride, g.KernelHeight, g.StrideWidth, kernelRowStride, tapWeights, results + ox * blockWidth, finish);
                else if (slides)
                    SlidingEightCells<TIsa, TVector, TOperator>(windowRow + ox * cellStride, g.KernelHeight, g.KernelWidth, g.StrideWidth, kernelRowStride, tapWeights, results + ox * blockWidth, finish);
                else
                    EightCells<TIsa, TVector, TOperator>(windowRow + ox * cellStride, cellStride, tapWeights, tapOffsets, tapCount, results + ox * blockWidth, finish);
            }
            pending += g.OutWidth;
            int ready = oy == rows - 1 ? pending : pending / blockWidth * blockWidth;
            for (int c = 0; c < ready; c += blockWidth)
            {
                int cells = Math.Min(blockWidth, ready - c);
                float* block = staging + (nint)c * blockWidth;
                if (epilogue.OnStagedBlocks)
                    ElementwiseRow.Apply<TIsa, TVector>(epilogue.Kind, epilogue.Alpha, epilogue.Beta, block, block, cells * blockWidth, 1f, 0f, epilogue.BiasTable, null);
                Transpose<TIsa, TVector>(block, blockWidth, cells, blockWidth, output + firstCell + stored + c, outPlane, channels, cells);
            }
            stored += ready;
            pending -= ready;
            if (pending > 0) Buffer.MemoryCopy(staging + (nint)ready * blockWidth, staging, (nint)pending * blockWidth * sizeof(float), (nint)pending * blockWidth * sizeof(float));
        }
    }

    /// <summary>
    /// Eight consecutive cells of an output row, horizontal stride 1 or 2, no horizontal dilation. Along a kernel row, the
    /// input under cell i at tap kx + stride is the one under cell i + 1 at tap kx, so the eight input vectors shift down
    /// by one and only one new vector is loaded per tap (stride 2 walks the even taps, then the odd ones): a load and a
    /// weight per eight multiply-adds instead of nine loads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SlidingEightCells<TIsa, TVector, TOperator>(float* first, int kernelHeight, int kernelWidth, int stride, nint kernelRowStride, float* tapWeights, float* results, in GroupFinish<TVector> finish)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct where TOperator : struct, IUnaryOperator
    {
        int blockWidth = TIsa.Count;
        TVector a0 = TIsa.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        nint step = stride * blockWidth;
        for (int ky = 0; ky < kernelHeight; ky++)
        {
            float* row = first + ky * kernelRowStride;
            float* weights = tapWeights + ky * kernelWidth * blockWidth;
            for (int phase = 0; phase < stride && phase < kernelWidth; phase++)
            {
                float* input = row + phase * blockWidth;
                TVector v0 = TIsa.Load(input), v1 = TIsa.Load(input + step), v2 = TIsa.Load(input + 2 * step);
                TVector v3 = TIsa.Load(input + 3 * step), v4 = TIsa.Load(input + 4 * step), v5 = TIsa.Load(input + 5 * step);
                TVector v6 = TIsa.Load(input + 6 * step), v7 = TIsa.Load(input + 7 * step);
                for (int kx = phase; kx < kernelWidth; kx += stride)
                {
                    TVector w = TIsa.Load(weights + kx * blockWidth);
                    a0 = TIsa.MultiplyAdd(v0, w, a0);
                    a1 = TIsa.MultiplyAdd(v1, w, a1);
                    a2 = TIsa.MultiplyAdd(v2, w, a2);
                    a3 = TIsa.MultiplyAdd(v3, w, a3);
                    a4 = TIsa.MultiplyAdd(v4, w, a4);
                    a5 = TIsa.MultiplyAdd(v5, w, a5);
                    a6 = TIsa.MultiplyAdd(v6, w, a6);
                    a7 = TIsa.MultiplyAdd(v7, w, a7);
                    input += blockWidth * stride;
                    v0 = v1; v1 = v2; v2 = v3; v3 = v4; v4 = v5; v5 = v6; v6 = v7;
                    v7 = TIsa.Load(input + 7 * step);
                }
            }
        }
        Finish8<TIsa, TVector, TOperator>(results, finish, a0, a1, a2, a3, a4, a5, a6, a7);
    }

    /// <summary>
    /// <see cref="SlidingEightCells"/> for kernel rows three wide, taps written out: each input vector of a kernel row is
    /// loaded once and multiplied into every sum whose window holds it, so only the sums, the three weights and the one
    /// input are live (12 registers where the sliding window needs 17 and spills with AVX's 16). Each sum takes its taps in
    /// the sliding window's order (stride 1: left, middle, right; stride 2: left, right, then middle), so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EightCellsThreeWide<TIsa, TVector, TOperator>(float* first, int kernelHeight, int stride, nint kernelRowStride, float* tapWeights, float* results, in GroupFinish<TVector> finish)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct where TOperator : struct, IUnaryOperator
    {
        nint b = TIsa.Count;
        TVector a0 = TIsa.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int ky = 0; ky < kernelHeight; ky++)
        {
            float* r = first + ky * kernelRowStride;
            float* weights = tapWeights + ky * 3 * b;
            TVector w0 = TIsa.Load(weights), w1 = TIsa.Load(weights + b), w2 = TIsa.Load(weights + 2 * b);
            TVector v;
            if (stride == 1)
            {
                // Input cell j is the left tap of sum j, the middle of sum j − 1 and the right of sum j − 2.
                v = TIsa.Load(r);
                a0 = TIsa.MultiplyAdd(v, w0, a0);
                v = TIsa.Load(r + b);
                a0 = TIsa.MultiplyAdd(v, w1, a0); a1 = TIsa.MultiplyAdd(v, w0, a1);
                v = TIsa.Load(r + 2 * b);
                a0 = TIsa.MultiplyAdd(v, w2, a0); a1 = TIsa.MultiplyAdd(v, w1, a1); a2 = TIsa.MultiplyAdd(v, w0, a2);
                v = TIsa.Load(r + 3 * b);
                a1 = TIsa.MultiplyAdd(v, w2, a1); a2 = TIsa.MultiplyAdd(v, w1, a2); a3 = TIsa.MultiplyAdd(v, w0, a3);
                v = TIsa.Load(r + 4 * b);
                a2 = TIsa.MultiplyAdd(v, w2, a2); a3 = TIsa.MultiplyAdd(v, w1, a3); a4 = TIsa.MultiplyAdd(v, w0, a4);
                v = TIsa.Load(r + 5 * b);
                a3 = TIsa.MultiplyAdd(v, w2, a3); a4 = TIsa.MultiplyAdd(v, w1, a4); a5 = TIsa.MultiplyAdd(v, w0, a5);
                v = TIsa.Load(r + 6 * b);
                a4 = TIsa.MultiplyAdd(v, w2, a4); a5 = TIsa.MultiplyAdd(v, w1, a5); a6 = TIsa.MultiplyAdd(v, w0, a6);
                v = TIsa.Load(r + 7 * b);
                a5 = TIsa.MultiplyAdd(v, w2, a5); a6 = TIsa.MultiplyAdd(v, w1, a6); a7 = TIsa.MultiplyAdd(v, w0, a7);
                v = TIsa.Load(r + 8 * b);
                a6 = TIsa.MultiplyAdd(v, w2, a6); a7 = TIsa.MultiplyAdd(v, w1, a7);
                v = TIsa.Load(r + 9 * b);
                a7 = TIsa.MultiplyAdd(v, w2, a7);
            }
            else
            {
                // Even input cell 2j is the left tap of sum j and the right of sum j − 1; odd cell 2j + 1 the middle of sum j.
                v = TIsa.Load(r);
                a0 = TIsa.MultiplyAdd(v, w0, a0);
                v = TIsa.Load(r + 2 * b);
                a0 = TIsa.MultiplyAdd(v, w2, a0); a1 = TIsa.MultiplyAdd(v, w0, a1);
                v = TIsa.Load(r + 4 * b);
                a1 = TIsa.MultiplyAdd(v, w2, a1); a2 = TIsa.MultiplyAdd(v, w0, a2);
                v = TIsa.Load(r + 6 * b);
                a2 = TIsa.MultiplyAdd(v, w2, a2); a3 = TIsa.MultiplyAdd(v, w0, a3);
                v = TIsa.Load(r + 8 * b);
                a3 = TIsa.MultiplyAdd(v, w2, a3); a4 = TIsa.MultiplyAdd(v, w0, a4);
                v = TIsa.Load(r + 10 * b);
                a4 = TIsa.MultiplyAdd(v, w2, a4); a5 = TIsa.MultiplyAdd(v, w0, a5);
                v = TIsa.Load(r + 12 * b);
                a5 = TIsa.MultiplyAdd(v, w2, a5); a6 = TIsa.MultiplyAdd(v, w0, a6);
                v = TIsa.Load(r + 14 * b);
                a6 = TIsa.MultiplyAdd(v, w2, a6); a7 = TIsa.MultiplyAdd(v, w0, a7);
                v = TIsa.Load(r + 16 * b);
                a7 = TIsa.MultiplyAdd(v, w2, a7);
                a0 = TIsa.MultiplyAdd(TIsa.Load(r + b), w1, a0);
                a1 = TIsa.MultiplyAdd(TIsa.Load(r + 3 * b), w1, a1);
                a2 = TIsa.MultiplyAdd(TIsa.Load(r + 5 * b), w1, a2);
                a3 = TIsa.MultiplyAdd(TIsa.Load(r + 7 * b), w1, a3);
                a4 = TIsa.MultiplyAdd(TIsa.Load(r + 9 * b), w1, a4);
                a5 = TIsa.MultiplyAdd(TIsa.Load(r + 11 * b), w1, a5);
                a6 = TIsa.MultiplyAdd(TIsa.Load(r + 13 * b), w1, a6);
                a7 = TIsa.MultiplyAdd(TIsa.Load(r + 15 * b), w1, a7);
            }
        }
        Finish8<TIsa, TVector, TOperator>(results, finish, a0, a1, a2, a3, a4, a5, a6, a7);
    }

    /// <summary>
    /// <see cref="EightCellsThreeWide"/> for kernel rows five wide (MobileNetV3's 5 × 5 depthwise layers): each input
    /// vector loaded once and multiplied into every sum whose window holds it; at stride 1 the five weights, eight sums
    /// and one input are live (14 registers), at stride 2 the even cells (weights 0, 2, 4) go first, then the odd ones
    /// (weights 1, 3), the sliding window's order, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EightCellsFiveWide<TIsa, TVector, TOperator>(float* first, int kernelHeight, int stride, nint kernelRowStride, float* tapWeights, float* results, in GroupFinish<TVector> finish)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct where TOperator : struct, IUnaryOperator
    {
        nint b = TIsa.Count;
        TVector a0 = TIsa.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int ky = 0; ky < kernelHeight; ky++)
        {
            float* r = first + ky * kernelRowStride;
            float* weights = tapWeights + ky * 5 * b;
            TVector v, w0, w1, w2, w3, w4;
            if (stride == 1)
            {
                w0 = TIsa.Load(weights); w1 = TIsa.Load(weights + b); w2 = TIsa.Load(weights + 2 * b); w3 = TIsa.Load(weights + 3 * b); w4 = TIsa.Load(weights + 4 * b);
                // Input cell j is tap j − i of sum i.
                v = TIsa.Load(r);
                a0 = TIsa.MultiplyAdd(v, w0, a0);
                v = TIsa.Load(r + 1 * b);
                a0 = TIsa.MultiplyAdd(v, w1, a0); a1 = TIsa.MultiplyAdd(v, w0, a1);
                v = TIsa.Load(r + 2 * b);
                a0 = TIsa.MultiplyAdd(v, w2, a0); a1 = TIsa.MultiplyAdd(v, w1, a1); a2 = TIsa.MultiplyAdd(v, w0, a2);
                v = TIsa.Load(r + 3 * b);
                a0 = TIsa.MultiplyAdd(v, w3, a0); a1 = TIsa.MultiplyAdd(v, w2, a1); a2 = TIsa.MultiplyAdd(v, w1, a2); a3 = TIsa.MultiplyAdd(v, w0, a3);
                v = TIsa.Load(r + 4 * b);
                a0 = TIsa.MultiplyAdd(v, w4, a0); a1 = TIsa.MultiplyAdd(v, w3, a1); a2 = TIsa.MultiplyAdd(v, w2, a2); a3 = TIsa.MultiplyAdd(v, w1, a3); a4 = TIsa.MultiplyAdd(v, w0, a4);
                v = TIsa.Load(r + 5 * b);
                a1 = TIsa.MultiplyAdd(v, w4, a1); a2 = TIsa.MultiplyAdd(v, w3, a2); a3 = TIsa.MultiplyAdd(v, w2, a3); a4 = TIsa.MultiplyAdd(v, w1, a4); a5 = TIsa.MultiplyAdd(v, w0, a5);
                v = TIsa.Load(r + 6 * b);
                a2 = TIsa.MultiplyAdd(v, w4, a2); a3 = TIsa.MultiplyAdd(v, w3, a3); a4 = TIsa.MultiplyAdd(v, w2, a4); a5 = TIsa.MultiplyAdd(v, w1, a5); a6 = TIsa.MultiplyAdd(v, w0, a6);
                v = TIsa.Load(r + 7 * b);
                a3 = TIsa.MultiplyAdd(v, w4, a3); a4 = TIsa.MultiplyAdd(v, w3, a4); a5 = TIsa.MultiplyAdd(v, w2, a5); a6 = TIsa.MultiplyAdd(v, w1, a6); a7 = TIsa.MultiplyAdd(v, w0, a7);
                v = TIsa.Load(r + 8 * b);
                a4 = TIsa.MultiplyAdd(v, w4, a4); a5 = TIsa.MultiplyAdd(v, w3, a5); a6 = TIsa.MultiplyAdd(v, w2, a6); a7 = TIsa.MultiplyAdd(v, w1, a7);
                v = TIsa.Load(r + 9 * b);
                a5 = TIsa.MultiplyAdd(v, w4, a5); a6 = TIsa.MultiplyAdd(v, w3, a6); a7 = TIsa.MultiplyAdd(v, w2, a7);
                v = TIsa.Load(r + 10 * b);
                a6 = TIsa.MultiplyAdd(v, w4, a6); a7 = TIsa.MultiplyAdd(v, w3, a7);
                v = TIsa.Load(r + 11 * b);
                a7 = TIsa.MultiplyAdd(v, w4, a7);
            }
            else
            {
                // Even cells: taps 0, 2 and 4; then odd cells: taps 1 and 3.
                w0 = TIsa.Load(weights); w2 = TIsa.Load(weights + 2 * b); w4 = TIsa.Load(weights + 4 * b);
                v = TIsa.Load(r);
                a0 = TIsa.MultiplyAdd(v, w0, a0);
                v = TIsa.Load(r + 2 * b);
                a0 = TIsa.MultiplyAdd(v, w2, a0); a1 = TIsa.MultiplyAdd(v, w0, a1);
                v = TIsa.Load(r + 4 * b);
                a0 = TIsa.MultiplyAdd(v, w4, a0); a1 = TIsa.MultiplyAdd(v, w2, a1); a2 = TIsa.MultiplyAdd(v, w0, a2);
                v = TIsa.Load(r + 6 * b);
                a1 = TIsa.MultiplyAdd(v, w4, a1); a2 = TIsa.MultiplyAdd(v, w2, a2); a3 = TIsa.MultiplyAdd(v, w0, a3);
                v = TIsa.Load(r + 8 * b);
                a2 = TIsa.MultiplyAdd(v, w4, a2); a3 = TIsa.MultiplyAdd(v, w2, a3); a4 = TIsa.MultiplyAdd(v, w0, a4);
                v = TIsa.Load(r + 10 * b);
                a3 = TIsa.MultiplyAdd(v, w4, a3); a4 = TIsa.MultiplyAdd(v, w2, a4); a5 = TIsa.MultiplyAdd(v, w0, a5);
                v = TIsa.Load(r + 12 * b);
                a4 = TIsa.MultiplyAdd(v, w4, a4); a5 = TIsa.MultiplyAdd(v, w2, a5); a6 = TIsa.MultiplyAdd(v, w0, a6);
                v = TIsa.Load(r + 14 * b);
                a5 = TIsa.MultiplyAdd(v, w4, a5); a6 = TIsa.MultiplyAdd(v, w2, a6); a7 = TIsa.MultiplyAdd(v, w0, a7);
                v = TIsa.Load(r + 16 * b);
                a6 = TIsa.MultiplyAdd(v, w4, a6); a7 = TIsa.MultiplyAdd(v, w2, a7);
                v = TIsa.Load(r + 18 * b);
                a7 = TIsa.MultiplyAdd(v, w4, a7);
                w1 = TIsa.Load(weights + b); w3 = TIsa.Load(weights + 3 * b);
                v = TIsa.Load(r + 1 * b);
                a0 = TIsa.MultiplyAdd(v, w1, a0);
                v = TIsa.Load(r + 3 * b);
                a0 = TIsa.MultiplyAdd(v, w3, a0); a1 = TIsa.MultiplyAdd(v, w1, a1);
                v = TIsa.Load(r + 5 * b);
                a1 = TIsa.MultiplyAdd(v, w3, a1); a2 = TIsa.MultiplyAdd(v, w1, a2);
                v = TIsa.Load(r + 7 * b);
                a2 = TIsa.MultiplyAdd(v, w3, a2); a3 = TIsa.MultiplyAdd(v, w1, a3);
                v = TIsa.Load(r + 9 * b);
                a3 = TIsa.MultiplyAdd(v, w3, a3); a4 = TIsa.MultiplyAdd(v, w1, a4);
                v = TIsa.Load(r + 11 * b);
                a4 = TIsa.MultiplyAdd(v, w3, a4); a5 = TIsa.MultiplyAdd(v, w1, a5);
                v = TIsa.Load(r + 13 * b);
                a5 = TIsa.MultiplyAdd(v, w3, a5); a6 = TIsa.MultiplyAdd(v, w1, a6);
                v = TIsa.Load(r + 15 * b);
                a6 = TIsa.MultiplyAdd(v, w3, a6); a7 = TIsa.MultiplyAdd(v, w1, a7);
                v = TIsa.Load(r + 17 * b);
                a7 = TIsa.MultiplyAdd(v, w3, a7);
            }
        }
        Finish8<TIsa, TVector, TOperator>(results, finish, a0, a1, a2, a3, a4, a5, a6, a7);
    }

    /// <summary>Eight cells <paramref name="cellStride"/> apart, any dilation: each tap is a weight load and eight input loads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EightCells<TIsa, TVector, TOperator>(float* first, nint cellStride, float* tapWeights, int* tapOffsets, int tapCount, float* results, in GroupFinish<TVector> finish)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct where TOperator : struct, IUnaryOperator
    {
        int blockWidth = TIsa.Count;
        TVector a0 = TIsa.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int t = 0; t < tapCount; t++)
        {
            TVector w = TIsa.Load(tapWeights + t * blockWidth);
            float* p = first + tapOffsets[t];
            a0 = TIsa.MultiplyAdd(TIsa.Load(p), w, a0);
            a1 = TIsa.MultiplyAdd(TIsa.Load(p + cellStride), w, a1);
            a2 = TIsa.MultiplyAdd(TIsa.Load(p + 2 * cellStride), w, a2);
            a3 = TIsa.MultiplyAdd(TIsa.Load(p + 3 * cellStride), w, a3);
            a4 = TIsa.MultiplyAdd(TIsa.Load(p + 4 * cellStride), w, a4);
            a5 = TIsa.MultiplyAdd(TIsa.Load(p + 5 * cellStride), w, a5);
            a6 = TIsa.MultiplyAdd(TIsa.Load(p + 6 * cellStride), w, a6);
            a7 = TIsa.MultiplyAdd(TIsa.Load(p + 7 * cellStride), w, a7);
        }
        Finish8<TIsa, TVector, TOperator>(results, finish, a0, a1, a2, a3, a4, a5, a6, a7);
    }

    /// <summary>The epilogue of a group's sums in registers: the block's bias per lane, then the activation; off when it runs per plane.</summary>
    private readonly struct GroupFinish<TVector> where TVector : struct
    {
        public readonly TVector Bias, Alpha, Beta;
        public readonly bool Active;

        public GroupFinish(bool active, TVector bias, TVector alpha, TVector beta)
        {
            Active = active;
            Bias = bias;
            Alpha = alpha;
            Beta = beta;
        }
    }

    /// <summary>Eight sums through the epilogue (when it runs here) into the staging cells.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish8<TIsa, TVector, TOperator>(float* results, in GroupFinish<TVector> finish, TVector a0, TVector a1, TVector a2, TVector a3,
        TVector a4, TVector a5, TVector a6, TVector a7)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct where TOperator : struct, IUnaryOperator
    {
        if (finish.Active)
        {
            TVector bias = finish.Bias;
            a0 = TIsa.Add(a0, bias); a1 = TIsa.Add(a1, bias); a2 = TIsa.Add(a2, bias); a3 = TIsa.Add(a3, bias);
            a4 = TIsa.Add(a4, bias); a5 = TIsa.Add(a5, bias); a6 = TIsa.Add(a6, bias); a7 = TIsa.Add(a7, bias);
            if (typeof(TOperator) != typeof(IdentityOperator))
            {
                UnaryPair.Invoke<TIsa, TVector, TOperator>(ref a0, ref a1, finish.Alpha, finish.Beta);
                UnaryPair.Invoke<TIsa, TVector, TOperator>(ref a2, ref a3, finish.Alpha, finish.Beta);
                UnaryPair.Invoke<TIsa, TVector, TOperator>(ref a4, ref a5, finish.Alpha, finish.Beta);
                UnaryPair.Invoke<TIsa, TVector, TOperator>(ref a6, ref a7, finish.Alpha, finish.Beta);
            }
        }
        int blockWidth = TIsa.Count;
        TIsa.Store(results, a0);
        TIsa.Store(results + blockWidth, a1);
        TIsa.Store(results + 2 * blockWidth, a2);
        TIsa.Store(results + 3 * blockWidth, a3);
        TIsa.Store(results + 4 * blockWidth, a4);
        TIsa.Store(results + 5 * blockWidth, a5);
        TIsa.Store(results + 6 * blockWidth, a6);
        TIsa.Store(results + 7 * blockWidth, a7);
    }
}
