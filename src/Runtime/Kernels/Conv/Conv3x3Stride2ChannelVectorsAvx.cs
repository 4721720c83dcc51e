using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// Dense 3×3 stride-2 convolutions with AVX and FMA, with the output channels along the vector: a tile is 24 output
/// channels (three vectors) × 4 neighbouring outputs of a row, or 16 channels × 6 outputs, 12 accumulators either way.
/// Each tap loads the group's weights once (prepacked by <see cref="PackWeights"/> as [group][input channel, kernel row,
/// kernel column][channel in the group], a group's whole depth in L1) and broadcasts one input cell per output, straight
/// from the NCHW rows: stride 2 needs no de-interleaving, and the input is read once per group of 24 channels where the
/// split-row kernel (<see cref="ShallowConv3x3Stride2Avx"/>, 4 channels × 3 rows × 8 outputs) read it from L2 once per 4.
/// A row's sums for all of a group's channels are staged [output][channel] and transposed 8 × 8 into the output planes.
/// <para>
/// Each output is summed in the implicit GEMM's order (input channel, kernel row, kernel column, multiply-adds from zero)
/// with its epilogue arithmetic, so for depths up to the GEMM's depth chunk the result is bitwise the implicit GEMM's
/// wherever that uses its register tiles. Tiles whose taps reach the padding read a zero-filled copy of their 3 rows × 13
/// cells per input channel; a row's last tile is moved left to end at the row's end (recomputing a few outputs).
/// </para>
/// <para>
/// Zen 3, alternating with the kernels it replaces in one process (warm, no activation): RepViT-M0.9's 24 → 48 on
/// 112×112 925 → 780 µs (split rows), its stem 3 → 24 on 224×224 414 → 315, MobileNetV3-L's 3 → 16 186 → 167, MobileViT's
/// 3 → 16 on 256×256 379 → 332, MobileNetV2's 3 → 32 on 224×224 544 → 510; against the implicit GEMM 32 → 64 on 112×112
/// 2613 → 2285 and 48 → 96 on 56×56 1125 → 869, but 64 → 128 on 56×56 1630 → 1720 (a group's weights, 54 KiB, outgrow
/// the L1): hence <see cref="MaxInChannels"/>.
/// </para>
/// </summary>
internal static unsafe class Conv3x3Stride2ChannelVectorsAvx
{
    private const int Lanes = 8;
    private const int TapsPerChannel = 9;

    /// <summary>Input channels up to which a 24-channel group's weights (864 bytes per input channel) stay in the L1 beside the rows.</summary>
    public const int MaxInChannels = 48;

    /// <summary>Floats of output per channel a band aims for: the epilogue pass then runs on rows still in cache.</summary>
    private const int BandFloats = 1024;

    /// <summary>Cells a tile's padded copy keeps per input row: 2 × 6 outputs + 1 reach 13.</summary>
    private const int EdgeRowFloats = 16;

    /// <summary>The geometry this kernel takes, whatever the machine (<see cref="Conv2dF32.PackWeights"/> appends its panels for it).</summary>
    public static bool TakesGeometry(in Conv2dGeometry g)
        => g.KernelHeight == 3 && g.KernelWidth == 3 && g.StrideHeight == 2 && g.StrideWidth == 2
           && g.DilationHeight == 1 && g.DilationWidth == 1 && g.Groups == 1 && g.InChannels <= MaxInChannels;

    public static bool Supports(in Conv2dGeometry g) => Avx2.IsSupported && Fma.IsSupported && TakesGeometry(g);

    /// <summary>
    /// Output channels of group <paramref name="group"/>'s tile: 24 while whole groups of 24 remain, then the rest in one
    /// group of 16 (up to 16 left) or 24; all 16 when the channels are a multiple of 16 but not of 24 (MobileNets' 16 and 32),
    /// so no lanes are wasted.
    /// </summary>
    private static int GroupWidth(int outChannels)
        => outChannels % 24 != 0 && outChannels % 16 == 0 ? 16 : 24;

    private static int Groups(int outChannels, out int width)
    {
        width = GroupWidth(outChannels);
        return (outChannels + width - 1) / width;
    }

    /// <summary>Width of the last group: a narrower one when no more than 16 channels are left for it.</summary>
    private static int LastGroupWidth(int outChannels)
    {
        int width = GroupWidth(outChannels), left = outChannels - (outChannels - 1) / width * width;
        return width == 24 && left <= 16 ? 16 : width;
    }

    /// <summary>Floats <see cref="PackWeights"/> writes.</summary>
    public static long PackedLength(in Conv2dGeometry g)
    {
        int groups = Groups(g.OutChannels, out int width);
        return ((long)(groups - 1) * width + LastGroupWidth(g.OutChannels)) * g.InChannels * TapsPerChannel;
    }

    /// <summary>The ONNX weights [out, in, 3, 3] as each group's [input channel, kernel row, kernel column][channel in the group]; missing channels zero.</summary>
    public static void PackWeights(ReadOnlySpan<float> weights, in Conv2dGeometry g, Span<float> packed)
    {
        int depth = g.InChannels * TapsPerChannel, groups = Groups(g.OutChannels, out int width);
        int offset = 0;
        for (int group = 0; group < groups; group++)
        {
            int groupWidth = group == groups - 1 ? LastGroupWidth(g.OutChannels) : width;
            for (int tap = 0; tap < depth; tap++)
                for (int c = 0; c < groupWidth; c++)
                {
                    int channel = group * width + c;
                    packed[offset + tap * groupWidth + c] = channel < g.OutChannels ? weights[channel * depth + tap] : 0f;
                }
            offset += depth * groupWidth;
        }
    }

    public static void Run(float* input, float* packedWeights, float* bias, float* residual, float* output, in Conv2dGeometry g, Activation activation)
        => StemBands.RunGrouped<Kernel>(input, packedWeights, bias, residual, output, g, activation);

    private static int BandRows(in Conv2dGeometry g) => Math.Min(g.OutHeight, Math.Max(1, (BandFloats + g.OutWidth - 1) / g.OutWidth));

    /// <summary>This kernel's part of <see cref="StemBands"/>.</summary>
    private readonly struct Kernel : IStemKernel
    {
        public static int BandRows(in Conv2dGeometry g) => Conv3x3Stride2ChannelVectorsAvx.BandRows(g);

        public static void RunBands<TOperator>(ref StemJob job, int first, int end, bool fused) where TOperator : struct, IUnaryOperator
            => Conv3x3Stride2ChannelVectorsAvx.RunBands<TOperator>(ref job, first, end, fused);
    }

    [ThreadStatic] private static float[]? t_scratch;

    private static void RunBands<TOperator>(ref StemJob job, int first, int end, bool fused) where TOperator : struct, IUnaryOperator
    {
        Conv2dGeometry g = job.Geometry;
        // A row's staged sums ([output][channel in the group], a tile's reach of slack) and one tile's padded copy.
        long stageFloats = (long)(g.OutWidth + Lanes) * 24, edgeFloats = (long)g.InChannels * 3 * EdgeRowFloats;
        float[] buffer = ScratchMemory.Reuse(ref t_scratch, stageFloats + edgeFloats + Lanes);
        fixed (float* unaligned = buffer)
        {
            float* stage = (float*)(((nint)unaligned + 31) & ~(nint)31);
            RunBands<TOperator>(ref job, first, end, fused, stage, stage + stageFloats);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunBands<TOperator>(ref StemJob job, int first, int end, bool fused, float* stage, float* edge) where TOperator : struct, IUnaryOperator
    {
        Conv2dGeometry g = job.Geometry;
        nint inPlane = g.InputChannelStride, outPlane = g.OutputChannelStride;
        int depth = g.InChannels * TapsPerChannel, groups = Groups(g.OutChannels, out int width), lastWidth = LastGroupWidth(g.OutChannels);
        var epilogue = new StemTileEpilogue<Vector256Isa, Vector256<float>>(fused ? job.Bias : null, job.Activation.Alpha, job.Activation.Beta);
        bool finishInPlace = fused && (job.Bias != null || typeof(TOperator) != typeof(IdentityOperator));
        for (int unit = first; unit < end; unit++)
        {
            int n = unit / job.Bands, band = unit % job.Bands;
            int rowStart = band * job.BandRows, rowEnd = Math.Min(g.OutHeight, rowStart + job.BandRows);
            float* image = job.Input + (nint)n * g.InChannels * inPlane;
            float* outImage = job.Output + (nint)n * g.OutChannels * outPlane;
            for (int outY = rowStart; outY < rowEnd; outY++)
            {
                float* weights = job.Weights;
                for (int group = 0; group < groups; group++)
                {
                    int groupWidth = group == groups - 1 ? lastWidth : width, firstChannel = group * width;
                    if (groupWidth == 24) RowOfTiles<Tile24x4>(image, inPlane, outY, weights, stage, edge, g);
                    else RowOfTiles<Tile16x6>(image, inPlane, outY, weights, stage, edge, g);
                    int channels = Math.Min(groupWidth, g.OutChannels - firstChannel);
                    float* outRow = outImage + (nint)firstChannel * outPlane + (nint)outY * g.OutWidth;
                    StoreTransposed(stage, groupWidth, channels, g.OutWidth, outRow, outPlane);
                    if (finishInPlace) Finish<TOperator>(outRow, outPlane, channels, g.OutWidth, epilogue.ForChannels(firstChannel));
                    weights += depth * groupWidth;
                }
            }
            if (!fused) StemBands.ApplyEpilogue<Vector256Isa, Vector256<float>>(ref job, n, rowStart, rowEnd);
        }
    }

    /// <summary>One output row of one group into the stage: whole tiles from the input rows, tiles reaching the padding from a padded copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowOfTiles<TTile>(float* image, nint inPlane, int outY, float* weights, float* stage, float* edge, in Conv2dGeometry g)
        where TTile : struct, IChannelVectorTile
    {
        int outputs = TTile.Outputs, reach = 2 * outputs + 1;
        int y0 = 2 * outY - g.PadTop;
        bool rowsInside = y0 >= 0 && y0 + 2 < g.InHeight;
        for (int x = 0; x < g.OutWidth; x += outputs)
        {
            // The last tile ends at the row's end: its first outputs are computed again, to the same bits.
            int outX = g.OutWidth >= outputs ? Math.Min(x, g.OutWidth - outputs) : 0;
            int x0 = 2 * outX - g.PadLeft;
            float* tileStage = stage + outX * TTile.Channels;
            if (rowsInside && x0 >= 0 && x0 + reach <= g.InWidth)
                TTile.Run(image + (nint)y0 * g.InWidth + x0, inPlane, g.InWidth, g.InChannels, weights, tileStage);
            else
            {
                CopyPadded(image, inPlane, y0, x0, reach, edge, g);
                TTile.Run(edge, 3 * EdgeRowFloats, EdgeRowFloats, g.InChannels, weights, tileStage);
            }
        }
    }

    /// <summary>3 input rows from <paramref name="y0"/> × <paramref name="cells"/> cells from <paramref name="x0"/> of every channel, zeros outside the plane.</summary>
    private static void CopyPadded(float* image, nint inPlane, int y0, int x0, int cells, float* edge, in Conv2dGeometry g)
    {
        for (int c = 0; c < g.InChannels; c++)
            for (int ky = 0; ky < 3; ky++)
            {
                int y = y0 + ky;
                float* to = edge + (c * 3 + ky) * EdgeRowFloats;
                float* row = image + c * inPlane + (nint)y * g.InWidth;
                bool rowInside = (uint)y < (uint)g.InHeight;
                for (int i = 0; i < cells; i++)
                    to[i] = rowInside && (uint)(x0 + i) < (uint)g.InWidth ? row[x0 + i] : 0f;
            }
    }

    /// <summary>The staged [output][channel] sums of one row into <paramref name="channels"/> output planes, 8 × 8 at a time.</summary>
    private static void StoreTransposed(float* stage, int groupWidth, int channels, int outWidth, float* outRow, nint outPlane)
    {
        for (int block = 0; block * Lanes < channels; block++)
        {
            int blockChannels = Math.Min(Lanes, channels - block * Lanes);
            for (int x = 0; x < outWidth; x += Lanes)
            {
                int count = Math.Min(Lanes, outWidth - x);
                AvxTranspose.Transpose8(stage + x * groupWidth + block * Lanes, groupWidth, count, Lanes,
                    outRow + block * Lanes * outPlane + x, outPlane, blockChannels, count);
            }
        }
    }

    /// <summary>Bias and a short activation over one row of each channel, while it is in L1.</summary>
    private static void Finish<TOperator>(float* outRow, nint outPlane, int channels, int outWidth, StemTileEpilogue<Vector256Isa, Vector256<float>> epilogue)
        where TOperator : struct, IUnaryOperator
    {
        for (int c = 0; c < channels; c++)
        {
            float* row = outRow + c * outPlane;
            int x = 0;
            for (; x + Lanes <= outWidth; x += Lanes)
                Vector256.Store(epilogue.Apply<TOperator>(Vector256.Load(row + x), c), row + x);
            if (x < outWidth)
                Vector256Isa.StorePartial(row + x, epilogue.Apply<TOperator>(Vector256Isa.LoadPartial(row + x, outWidth - x), c), outWidth - x);
        }
    }

    /// <summary>A tile: <see cref="Channels"/> output channels × <see cref="Outputs"/> neighbouring outputs of a row, staged [output][channel].</summary>
    private interface IChannelVectorTile
    {
        static abstract int Channels { get; }
        static abstract int Outputs { get; }

        /// <summary>
        /// <paramref name="rows"/>: the first input channel's top row at the tile's first tap; the next row
        /// <paramref name="rowStride"/> floats on, the next channel <paramref name="channelStride"/>.
        /// </summary>
        static abstract void Run(float* rows, nint channelStride, nint rowStride, int inChannels, float* weights, float* stage);
    }

    private readonly struct Tile24x4 : IChannelVectorTile
    {
        public static int Channels => 24;
        public static int Outputs => 4;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(float* rows, nint channelStride, nint rowStride, int inChannels, float* w, float* stage)
        {
            Vector256<float> a0 = default, b0 = default, c0 = default, a1 = default, b1 = default, c1 = default;
            Vector256<float> a2 = default, b2 = default, c2 = default, a3 = default, b3 = default, c3 = default;
            for (int channel = 0; channel < inChannels; channel++, rows += channelStride)
            {
                float* row = rows;
                for (int ky = 0; ky < 3; ky++, row += rowStride, w += 3 * 24)
                {
                    Tap(row, w, ref a0, ref b0, ref c0, ref a1, ref b1, ref c1, ref a2, ref b2, ref c2, ref a3, ref b3, ref c3);
                    Tap(row + 1, w + 24, ref a0, ref b0, ref c0, ref a1, ref b1, ref c1, ref a2, ref b2, ref c2, ref a3, ref b3, ref c3);
                    Tap(row + 2, w + 48, ref a0, ref b0, ref c0, ref a1, ref b1, ref c1, ref a2, ref b2, ref c2, ref a3, ref b3, ref c3);
                }
            }
            a0.Store(stage); b0.Store(stage + 8); c0.Store(stage + 16);
            a1.Store(stage + 24); b1.Store(stage + 32); c1.Store(stage + 40);
            a2.Store(stage + 48); b2.Store(stage + 56); c2.Store(stage + 64);
            a3.Store(stage + 72); b3.Store(stage + 80); c3.Store(stage + 88);
        }

        /// <summary>One tap: the input cells of outputs 0-3 (two apart) times the group's 24 weights.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Tap(float* cell, float* w,
            ref Vector256<float> a0, ref Vector256<float> b0, ref Vector256<float> c0, ref Vector256<float> a1, ref Vector256<float> b1, ref Vector256<float> c1,
            ref Vector256<float> a2, ref Vector256<float> b2, ref Vector256<float> c2, ref Vector256<float> a3, ref Vector256<float> b3, ref Vector256<float> c3)
        {
            Vector256<float> w0 = Vector256.Load(w), w1 = Vector256.Load(w + 8), w2 = Vector256.Load(w + 16);
            Vector256<float> x = Vector256.Create(cell[0]);
            a0 = Fma.MultiplyAdd(x, w0, a0); b0 = Fma.MultiplyAdd(x, w1, b0); c0 = Fma.MultiplyAdd(x, w2, c0);
            x = Vector256.Create(cell[2]);
            a1 = Fma.MultiplyAdd(x, w0, a1); b1 = Fma.MultiplyAdd(x, w1, b1); c1 = Fma.MultiplyAdd(x, w2, c1);
            x = Vector256.Create(cell[4]);
            a2 = Fma.MultiplyAdd(x, w0, a2); b2 = Fma.MultiplyAdd(x, w1, b2); c2 = Fma.MultiplyAdd(x, w2, c2);
            x = Vector256.Create(cell[6]);
            a3 = Fma.MultiplyAdd(x, w0, a3); b3 = Fma.MultiplyAdd(x, w1, b3); c3 = Fma.MultiplyAdd(x, w2, c3);
        }
    }

    private readonly struct Tile16x6 : IChannelVectorTile
    {
        public static int Channels => 16;
        public static int Outputs => 6;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(float* rows, nint channelStride, nint rowStride, int inChannels, float* w, float* stage)
        {
            Vector256<float> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default;
            Vector256<float> a3 = default, b3 = default, a4 = default, b4 = default, a5 = default, b5 = default;
            for (int channel = 0; channel < inChannels; channel++, rows += channelStride)
            {
                float* row = rows;
                for (int ky = 0; ky < 3; ky++, row += rowStride, w += 3 * 16)
                {
                    // Outputs two apart read every other cell of the row.
                    ChannelVectorTile.MultiplyAdd16x6(row, 2, w, ref a0, ref b0, ref a1, ref b1, ref a2, ref b2, ref a3, ref b3, ref a4, ref b4, ref a5, ref b5);
                    ChannelVectorTile.MultiplyAdd16x6(row + 1, 2, w + 16, ref a0, ref b0, ref a1, ref b1, ref a2, ref b2, ref a3, ref b3, ref a4, ref b4, ref a5, ref b5);
                    ChannelVectorTile.MultiplyAdd16x6(row + 2, 2, w + 32, ref a0, ref b0, ref a1, ref b1, ref a2, ref b2, ref a3, ref b3, ref a4, ref b4, ref a5, ref b5);
                }
            }
            a0.Store(stage); b0.Store(stage + 8); a1.Store(stage + 16); b1.Store(stage + 24);
            a2.Store(stage + 32); b2.Store(stage + 40); a3.Store(stage + 48); b3.Store(stage + 56);
            a4.Store(stage + 64); b4.Store(stage + 72); a5.Store(stage + 80); b5.Store(stage + 88);
        }
    }
}
