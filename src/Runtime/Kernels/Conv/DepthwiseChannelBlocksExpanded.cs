using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// A pointwise expansion and the depthwise convolution that reads it, in one pass per 16 channels (AVX2 and FMA): the
/// expansion's 6-pixel × 16-channel tiles (the input's pixels broadcast, the expansion weights transposed as vectors)
/// write their results, bias and activation applied, straight into the channel blocks' padded grids, two of 8 channels,
/// which <see cref="DepthwiseChannelBlocks"/> then convolves. The expanded tensor is never written to memory nor
/// transposed back in: on MobileNetV2's inverted residual blocks it is the largest tensor of each block.
/// </summary>
internal static unsafe partial class DepthwiseChannelBlocks
{
    /// <summary>Channels one expansion tile computes: two channel blocks of 8.</summary>
    public const int ExpansionGroup = 16;

    /// <summary>Channels of each of the two grids a group's expansion writes (the AVX2 channel blocks').</summary>
    private const int GridChannels = ExpansionGroup / 2;

    /// <summary>Pixels one expansion tile computes.</summary>
    private const int ExpansionPixels = 6;

    /// <summary>Floats of <see cref="PackExpansion"/>'s result: for each group of 16 output channels, [depth][16].</summary>
    public static long ExpansionPanelsLength(int outChannels, int inChannels) => (long)(outChannels + ExpansionGroup - 1) / ExpansionGroup * inChannels * ExpansionGroup;

    /// <summary>Expansion weights [out][in] as [out / 16][in][16] (channels past the last are zero).</summary>
    public static void PackExpansion(ReadOnlySpan<float> weights, int outChannels, int inChannels, Span<float> panels)
    {
        panels.Slice(0, (int)ExpansionPanelsLength(outChannels, inChannels)).Clear();
        for (int o = 0; o < outChannels; o++)
            for (int i = 0; i < inChannels; i++)
                panels[(o / ExpansionGroup * inChannels + i) * ExpansionGroup + o % ExpansionGroup] = weights[o * inChannels + i];
    }

    /// <summary>
    /// Whether the depthwise convolution <paramref name="g"/> takes its input straight from a pointwise expansion
    /// (<see cref="RunExpanded"/>): geometries whose output rows and band fit the channel blocks' buffers, at stride 2 on
    /// any plane, at stride 1 on planes up to <see cref="ExpandedStride1MaxWidth"/> wide. Zen 3, MobileNetV2 and V3-L,
    /// same process alternating two steps and one pass (200-300 runs): at one thread 16 → 96 on 112×112 into stride 2
    /// 0.86, 24 → 144 on 56×56 into stride 2 0.86-0.88, 32 → 192 on 28×28 0.87-0.92, 64 → 384 on 14×14 0.90, 112 → 672
    /// on 14×14 0.89, 40 → 240 and 80 → 480 0.80-0.84; at two threads 0.82-0.96 on 28×28 and smaller. A 56×56 plane at
    /// stride 1, which the two steps give to the direct rows, took 1.03-1.05 at one thread and 1.07-1.10 at two.
    /// </summary>
    public static bool SupportsExpanded(in Conv2dGeometry g)
        => Avx2.IsSupported && Fma.IsSupported && g.Groups == g.InChannels && g.InChannels == g.OutChannels && g.KernelHeight * g.KernelWidth <= MaxTaps
           && g.OutWidth <= MaxOutWidth && BandRows(g, GridChannels) >= 1 && (g.StrideWidth > 1 || g.InWidth <= ExpandedStride1MaxWidth);

    /// <summary>Widest input plane a stride-1 depthwise convolution takes its expansion in one pass on.</summary>
    private const int ExpandedStride1MaxWidth = 32;

    private struct ExpandedJob
    {
        public float* Input, Panels, ExpansionBias, Weights, Bias, Residual, Output;
        public int ExpansionInChannels, InputChannelStride;
        public Activation ExpansionActivation, Activation;
        public Conv2dGeometry Geometry;
        public int Units, Groups, Bands, BandRows, Parts;
    }

    /// <summary>Whether <see cref="RunExpanded"/> takes the expansion's activation (the others spill the twelve sums).</summary>
    public static bool FusesExpansionActivation(ActivationKind kind)
        => kind is ActivationKind.None or ActivationKind.Relu or ActivationKind.Clip or ActivationKind.HardSwish;

    /// <summary>
    /// output = depthwise(act(expansion(input))) for the depthwise geometry <paramref name="g"/> (its input channels are
    /// the expansion's outputs); input is [Batch, expansionInChannels, InHeight, InWidth] with planes
    /// <paramref name="inputChannelStride"/> floats apart, panels as <see cref="PackExpansion"/> made them. The units of
    /// work are bands of output rows of 16 channels, each band expanding the input rows its windows reach, so a thread's
    /// share never changes an element: the result is bitwise the same at any thread count.
    /// </summary>
    public static void RunExpanded(float* input, int expansionInChannels, int inputChannelStride, float* panels, float* expansionBias, Activation expansionActivation,
        float* weights, float* bias, float* residual, float* output, in Conv2dGeometry g, Activation activation)
    {
        int groups = (g.InChannels + ExpansionGroup - 1) / ExpansionGroup;
        // Each grid gets the channel blocks' whole budget (two of 72 KiB, 157 KiB of stack in all with the staging and
        // tables, under a worker's 256 KiB): halving it re-expanded the rows bands share more often (a stride-2 band of
        // 112×112 was 4 output rows from 9 input rows). Harness, halved → whole: 16 → 64 on 112×112 into stride 2
        // 487 → 466-472 µs (minima), 24 → 144 on 56×56 345-349 → 337-338; 28×28 and smaller are one band either way.
        int bandRows = BandRows(g, GridChannels), bands = (g.OutHeight + bandRows - 1) / bandRows;
        var job = new ExpandedJob
        {
            Input = input, Panels = panels, ExpansionBias = expansionBias, Weights = weights, Bias = bias, Residual = residual, Output = output,
            ExpansionInChannels = expansionInChannels, InputChannelStride = inputChannelStride, ExpansionActivation = expansionActivation,
            Activation = activation, Geometry = g, Units = g.Batch * groups * bands, Groups = groups, Bands = bands, BandRows = bandRows, Parts = 1,
        };
        int degree = KernelParallelism.Current;
        if (degree > 1 && job.Units > 1 && (long)g.Batch * g.OutChannels * g.OutHeight * g.OutWidth >= DepthwiseConvolution.ParallelOutputThreshold)
        {
            job.Parts = WorkerPool.PartsFor(job.Units, degree);
            WorkerPool.For(degree, job.Parts, &RunExpandedPart, Unsafe.AsPointer(ref job));
            return;
        }
        RunExpandedPart(Unsafe.AsPointer(ref job), 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunExpandedPart(void* context, int part)
    {
        switch (Unsafe.AsRef<ExpandedJob>(context).ExpansionActivation.Kind)
        {
            case ActivationKind.Relu: RunExpandedPart<ReluOperator>(context, part); break;
            case ActivationKind.Clip: RunExpandedPart<ClipOperator>(context, part); break;
            case ActivationKind.HardSwish: RunExpandedPart<HardSwishOperator>(context, part); break;
            default: RunExpandedPart<IdentityOperator>(context, part); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunExpandedPart<TExpansion>(void* context, int part) where TExpansion : struct, IUnaryOperator
    {
        const int blockWidth = 8;
        ref ExpandedJob job = ref Unsafe.AsRef<ExpandedJob>(context);
        Conv2dGeometry g = job.Geometry;
        int first = WorkerPool.FirstUnit(job.Units, part, job.Parts), end = WorkerPool.FirstUnit(job.Units, part + 1, job.Parts);
        int paddedWidth = PaddedWidth(g), bandRows = job.BandRows, paddedRows = PaddedRowsFor(g, bandRows);
        int overReach = OverReach(g, blockWidth);
        int gridFloats = (paddedRows * paddedWidth + overReach) * blockWidth;
        float* gridsUnaligned = stackalloc float[2 * gridFloats + 16];
        float* grid0 = Align(gridsUnaligned), grid1 = grid0 + gridFloats;
        float* stagingUnaligned = stackalloc float[StagingCells(g, blockWidth) * blockWidth + 16];
        float* staging = Align(stagingUnaligned);
        float* tablesUnaligned = stackalloc float[2 * (MaxTaps + blockWidth) * blockWidth + 16];
        float* tapWeights0 = Align(tablesUnaligned), tapWeights1 = tapWeights0 + (MaxTaps + blockWidth) * blockWidth;
        float* biasTable0 = tapWeights0 + MaxTaps * blockWidth, biasTable1 = tapWeights1 + MaxTaps * blockWidth;
        int tapCount = g.KernelHeight * g.KernelWidth;
        int* tapOffsets = stackalloc int[tapCount];
        FillTapOffsets(g, paddedWidth, blockWidth, tapOffsets);
        var epilogue0 = new BlockEpilogue(job.Activation, job.Residual == null ? biasTable0 : null);
        var epilogue1 = new BlockEpilogue(job.Activation, job.Residual == null ? biasTable1 : null);
        ClearGridEdges(grid0, g, paddedRows, paddedWidth, blockWidth, overReach);
        ClearGridEdges(grid1, g, paddedRows, paddedWidth, blockWidth, overReach);
        int inPlane = job.InputChannelStride, outPlane = g.OutputChannelStride;
        float* expansionBias = stackalloc float[ExpansionGroup];
        var alpha = Vector256.Create(job.ExpansionActivation.Alpha);
        var beta = Vector256.Create(job.ExpansionActivation.Beta);
        int preparedGroup = -1;
        for (int unit = first; unit < end; unit++)
        {
            int band = unit % job.Bands, group = unit / job.Bands % job.Groups, n = unit / job.Bands / job.Groups, firstChannel = group * ExpansionGroup;
            int channels0 = Math.Min(blockWidth, g.InChannels - firstChannel), channels1 = Math.Min(blockWidth, g.InChannels - firstChannel - blockWidth);
            if (group != preparedGroup)
            {
                for (int c = 0; c < ExpansionGroup; c++)
                    expansionBias[c] = job.ExpansionBias != null && firstChannel + c < g.InChannels ? job.ExpansionBias[firstChannel + c] : 0f;
                PrepareBlock<Vector256Isa, Vector256<float>>(job.Weights, job.Bias, firstChannel, channels0, tapCount, tapWeights0, biasTable0, epilogue0);
                if (channels1 > 0) PrepareBlock<Vector256Isa, Vector256<float>>(job.Weights, job.Bias, firstChannel + blockWidth, channels1, tapCount, tapWeights1, biasTable1, epilogue1);
                preparedGroup = group;
            }
            float* input = job.Input + (nint)n * job.ExpansionInChannels * inPlane;
            nint outOffset = ((nint)n * g.OutChannels + firstChannel) * outPlane;
            int bandStart = band * bandRows, rows = Math.Min(bandRows, g.OutHeight - bandStart);
            ExpandBand<TExpansion>(input, job.ExpansionInChannels, inPlane, g, bandStart * g.StrideHeight - g.PadTop, PaddedRowsFor(g, rows),
                job.Panels + (nint)group * job.ExpansionInChannels * ExpansionGroup, Avx.LoadVector256(expansionBias), Avx.LoadVector256(expansionBias + blockWidth),
                alpha, beta, grid0, grid1, paddedWidth);
            ConvolveBand<Vector256Isa, Vector256<float>>(grid0, paddedWidth, tapWeights0, tapOffsets, tapCount, g, job.Output + outOffset, bandStart * g.OutWidth, rows,
                outPlane, channels0, staging, epilogue0);
            if (channels1 > 0)
                ConvolveBand<Vector256Isa, Vector256<float>>(grid1, paddedWidth, tapWeights1, tapOffsets, tapCount, g, job.Output + outOffset + blockWidth * outPlane,
                    bandStart * g.OutWidth, rows, outPlane, channels1, staging, epilogue1);
            if (job.Residual == null) continue;
            // With a residual (laid out as the output), the epilogue as a pass over the band's rows of each plane.
            UnaryKind kind = Activation.ToUnaryKind(job.Activation.Kind);
            for (int c = 0; c < channels0 + Math.Max(0, channels1); c++)
            {
                nint rowsOffset = outOffset + (nint)c * outPlane + (nint)bandStart * g.OutWidth;
                ElementwiseRow.Apply<Vector256Isa, Vector256<float>>(kind, job.Activation.Alpha, job.Activation.Beta, job.Output + rowsOffset, job.Output + rowsOffset,
                    rows * g.OutWidth, 1f, job.Bias == null ? 0f : job.Bias[firstChannel + c], null, job.Residual + rowsOffset);
            }
        }
    }

    /// <summary>
    /// The expanded channels of input rows [firstRow, firstRow + paddedRows) into the two grids' rows (rows above and
    /// below the input zeroed), 6 pixels at a time along the rows' cells that some window reaches.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ExpandBand<TExpansion>(float* input, int depth, int inPlane, in Conv2dGeometry g, int firstRow, int paddedRows, float* panels,
        Vector256<float> bias0, Vector256<float> bias1, Vector256<float> alpha, Vector256<float> beta, float* grid0, float* grid1, int paddedWidth)
        where TExpansion : struct, IUnaryOperator
    {
        const int blockWidth = 8;
        int width = InputCells(g, paddedWidth);
        int rowFloats = paddedWidth * blockWidth;
        int inFirst = Math.Max(firstRow, 0), inEnd = Math.Min(firstRow + paddedRows, g.InHeight);
        for (int r = 0; r < paddedRows; r++)
        {
            int y = firstRow + r;
            if (y >= inFirst && y < inEnd) continue;
            new Span<float>(grid0 + (nint)r * rowFloats, rowFloats).Clear();
            new Span<float>(grid1 + (nint)r * rowFloats, rowFloats).Clear();
        }
        if (inEnd <= inFirst) return;
        int* offsets = stackalloc int[ExpansionPixels];
        // The cells as one run when whole rows are read, else row by row.
        int runs = width == g.InWidth ? 1 : inEnd - inFirst;
        int runLength = width == g.InWidth ? (inEnd - inFirst) * g.InWidth : width;
        for (int run = 0; run < runs; run++)
        {
            int y0 = inFirst + run;
            float* x = input + (nint)y0 * g.InWidth;
            int y = y0 - firstRow, column = 0;
            for (int p = 0; p < runLength; p += ExpansionPixels)
            {
                int pixels = Math.Min(ExpansionPixels, runLength - p);
                for (int i = 0; i < pixels; i++)
                {
                    offsets[i] = (y * paddedWidth + g.PadLeft + column) * blockWidth;
                    if (++column == g.InWidth) { column = 0; y++; }
                }
                if (pixels == ExpansionPixels)
                    ExpandSix<TExpansion>(x + p, inPlane, depth, panels, bias0, bias1, alpha, beta, grid0, grid1, offsets);
                else
                    for (int i = 0; i < pixels; i++)
                        ExpandOne<TExpansion>(x + p + i, inPlane, depth, panels, bias0, bias1, alpha, beta, grid0 + offsets[i], grid1 + offsets[i]);
            }
        }
    }

    /// <summary>Six consecutive pixels × 16 expanded channels: twelve sums, a broadcast per pixel and two weight vectors per depth step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ExpandSix<TExpansion>(float* x, nint inPlane, int depth, float* panels, Vector256<float> bias0, Vector256<float> bias1,
        Vector256<float> alpha, Vector256<float> beta, float* grid0, float* grid1, int* offsets)
        where TExpansion : struct, IUnaryOperator
    {
        Vector256<float> c00 = Vector256<float>.Zero, c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        Vector256<float> c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int d = 0; d < depth; d++)
        {
            ChannelVectorTile.MultiplyAdd16x6(x, 1, panels, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
            panels += ExpansionGroup;
            x += inPlane;
        }
        StoreExpanded<TExpansion>(c00, c01, bias0, bias1, alpha, beta, grid0 + offsets[0], grid1 + offsets[0]);
        StoreExpanded<TExpansion>(c10, c11, bias0, bias1, alpha, beta, grid0 + offsets[1], grid1 + offsets[1]);
        StoreExpanded<TExpansion>(c20, c21, bias0, bias1, alpha, beta, grid0 + offsets[2], grid1 + offsets[2]);
        StoreExpanded<TExpansion>(c30, c31, bias0, bias1, alpha, beta, grid0 + offsets[3], grid1 + offsets[3]);
        StoreExpanded<TExpansion>(c40, c41, bias0, bias1, alpha, beta, grid0 + offsets[4], grid1 + offsets[4]);
        StoreExpanded<TExpansion>(c50, c51, bias0, bias1, alpha, beta, grid0 + offsets[5], grid1 + offsets[5]);
    }

    /// <summary>One pixel × 16 expanded channels (a run's last few pixels).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ExpandOne<TExpansion>(float* x, nint inPlane, int depth, float* panels, Vector256<float> bias0, Vector256<float> bias1,
        Vector256<float> alpha, Vector256<float> beta, float* cell0, float* cell1)
        where TExpansion : struct, IUnaryOperator
    {
        Vector256<float> c0 = Vector256<float>.Zero, c1 = c0;
        for (int d = 0; d < depth; d++)
        {
            Vector256<float> b = Vector256.Create(*x);
            c0 = Fma.MultiplyAdd(b, Avx.LoadVector256(panels), c0);
            c1 = Fma.MultiplyAdd(b, Avx.LoadVector256(panels + 8), c1);
            panels += ExpansionGroup;
            x += inPlane;
        }
        StoreExpanded<TExpansion>(c0, c1, bias0, bias1, alpha, beta, cell0, cell1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreExpanded<TExpansion>(Vector256<float> c0, Vector256<float> c1, Vector256<float> bias0, Vector256<float> bias1,
        Vector256<float> alpha, Vector256<float> beta, float* cell0, float* cell1)
        where TExpansion : struct, IUnaryOperator
    {
        Avx.Store(cell0, TExpansion.Invoke<Vector256Isa, Vector256<float>>(Avx.Add(c0, bias0), alpha, beta));
        Avx.Store(cell1, TExpansion.Invoke<Vector256Isa, Vector256<float>>(Avx.Add(c1, bias1), alpha, beta));
    }
}
