using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// <see cref="ShallowConv3x3Stride2"/>'s convolutions (the stems) with AVX and FMA: 256-bit vectors, sixteen registers.
/// <para>
/// Each band's input rows are first split into their even and odd cells (a few KiB per row of every input channel),
/// so every tap of a stride-2 kernel row is one contiguous, unmasked load: with one cell of left padding, output x reads
/// odd cell x − 1, even cell x and odd cell x. The 256-bit permutes de-interleaving the rows in the tile instead would
/// have been about a third of its instructions. A tile is 4 output channels × 3 output rows × 8 neighbouring outputs
/// (12 accumulators, 3 taps, 1 broadcast weight: all sixteen registers), so each tap feeds 4 multiply-adds per row and
/// each weight 3.
/// </para>
/// <para>
/// Each output is summed in the GEMM's order (input channel, kernel row, kernel column, multiply-adds from zero) and the
/// epilogue is the GEMM's arithmetic, so for depths up to the GEMM's depth chunk (14 input channels; past it the GEMM
/// adds chunk sums) the result is bitwise the implicit GEMM's wherever that uses its register tiles (not the last column
/// or two of a plane, which it takes as dot products).
/// </para>
/// <para>
/// Zen 3, same process alternating with the implicit GEMM (ReLU6, warm / caches flushed before each run): 3 → 32 on
/// 224×224 420 → 384 / 692 → 561 µs, 3 → 16 on 224×224 275 → 179 / 461 → 330, 3 → 24 on 224×224 332 → 254 /
/// 663 → 493, 3 → 16 on 256×256 342 → 240 / 562 → 418, 24 → 48 on 112×112 1497 → 1345 / 1201 → 1082, 16 → 32 on
/// 128×128 640 → 555 / 773 → 666, 8 → 16 on 112×112 319 → 178 / 238 → 151.
/// </para>
/// </summary>
internal static unsafe class ShallowConv3x3Stride2Avx
{
    private const int ChannelTile = 4;
    private const int RowTile = 3;
    private const int Lanes = 8;
    private const int TapsPerChannel = 9;

    /// <summary>Floats of output per channel a band aims for: the epilogue then runs on rows still in cache.</summary>
    private const int BandFloats = 1024;

    /// <summary>Zeros before a split row's even cells, so the odd cell "−1" the first output reads exists.</summary>
    private const int Lead = Lanes;

    public static bool Supports(in Conv2dGeometry g)
        => Avx2.IsSupported && Fma.IsSupported && ShallowConv3x3Stride2.TakesGeometry(g);

    /// <summary>Floats from a split row's even cells to its odd cells: every even cell, then zeros for the widest read.</summary>
    private static int Half(in Conv2dGeometry g) => ((g.InWidth + 1) / 2 + 1 + Lanes - 1) / Lanes * Lanes + Lanes;

    /// <summary>Floats per split row (one input channel's row): the lead, the even cells, the odd cells, and a vector of slack.</summary>
    private static int SplitRowFloats(in Conv2dGeometry g) => Lead + 2 * Half(g) + Lanes;

    /// <summary>Floats of split rows a band may take (128 KiB, a quarter of a Zen 3 core's L2): narrow convolutions' bands are shorter.</summary>
    private const int SplitBudgetFloats = 32 * 1024;

    /// <summary>
    /// Output rows per band: whole row tiles holding about <see cref="BandFloats"/> outputs per channel, fewer when
    /// their split rows would outgrow <see cref="SplitBudgetFloats"/>.
    /// </summary>
    private static int BandRows(in Conv2dGeometry g)
    {
        int rows = Math.Max(RowTile, (BandFloats + g.OutWidth - 1) / g.OutWidth);
        long rowFloats = (long)g.InChannels * SplitRowFloats(g);
        rows = (int)Math.Min(rows, (SplitBudgetFloats / rowFloats - 1) / 2);
        rows = Math.Max(RowTile, rows / RowTile * RowTile);
        return Math.Min(rows, (g.OutHeight + RowTile - 1) / RowTile * RowTile);
    }

    [ThreadStatic] private static float[]? t_split;

    /// <summary>Split rows a band holds: its input rows, and those the last row tile's missing rows would read.</summary>
    private static int SplitRows(in Conv2dGeometry g) => 2 * BandRows(g) + 1;

    public static void Run(float* input, float* weights, float* bias, float* residual, float* output, in Conv2dGeometry g, Activation activation)
        => StemBands.Run<Kernel>(input, weights, bias, residual, output, g, activation);

    /// <summary>This kernel's part of <see cref="StemBands"/>.</summary>
    private readonly struct Kernel : IRegroupedStemKernel
    {
        public static int ChannelTile => ShallowConv3x3Stride2Avx.ChannelTile;

        public static int BandRows(in Conv2dGeometry g) => ShallowConv3x3Stride2Avx.BandRows(g);

        public static void RunBands<TOperator>(ref StemJob job, int first, int end, bool fused) where TOperator : struct, IUnaryOperator
            => ShallowConv3x3Stride2Avx.RunBands<TOperator>(ref job, first, end, fused);
    }

    private static void RunBands<TOperator>(ref StemJob job, int first, int end, bool fused) where TOperator : struct, IUnaryOperator
    {
        Conv2dGeometry g = job.Geometry;
        long splitFloats = SplitRows(g) * (long)g.InChannels * SplitRowFloats(g);
        // The band's split rows: input row r of the band at r · rowStride, channel ci at ci · splitRow from there.
        float[] buffer = ScratchMemory.Reuse(ref t_split, splitFloats + Lanes);
        fixed (float* unaligned = buffer)
            RunBands<TOperator>(ref job, first, end, fused, (float*)(((nint)unaligned + 31) & ~(nint)31));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunBands<TOperator>(ref StemJob job, int first, int end, bool fused, float* split) where TOperator : struct, IUnaryOperator
    {
        Conv2dGeometry g = job.Geometry;
        nint inPlane = g.InputChannelStride, outPlane = g.OutputChannelStride;
        int perTile = g.InChannels * TapsPerChannel * ChannelTile;
        int half = Half(g), splitRow = SplitRowFloats(g);
        nint rowStride = (nint)g.InChannels * splitRow;
        int splitRows = SplitRows(g);
        // Tap offsets within a split row for kernel columns 0, 1, 2: odd −1, even, odd (left padding) or even, odd, even +1.
        int tap0 = g.PadLeft == 1 ? Lead + half - 1 : Lead, tap1 = g.PadLeft == 1 ? Lead : Lead + half, tap2 = g.PadLeft == 1 ? Lead + half : Lead + 1;
        var epilogue = new StemTileEpilogue<Vector256Isa, Vector256<float>>(fused ? job.Bias : null, job.Activation.Alpha, job.Activation.Beta);
        for (int unit = first; unit < end; unit++)
        {
            int n = unit / job.Bands, band = unit % job.Bands;
            int rowStart = band * job.BandRows, rowEnd = Math.Min(g.OutHeight, rowStart + job.BandRows);
            float* image = job.Input + (nint)n * g.InChannels * inPlane;
            float* outImage = job.Output + (nint)n * g.OutChannels * outPlane;
            int firstInputRow = 2 * rowStart - g.PadTop;
            for (int r = 0; r < splitRows; r++)
                for (int ci = 0; ci < g.InChannels; ci++)
                    SplitRow(image + ci * inPlane, firstInputRow + r, g, split + r * rowStride + ci * splitRow, half);
            // Channel tiles outermost, as in ShallowConv3x3Stride2: the split rows are read again from cache for each tile,
            // and the tile's planes are written as four sequential streams.
            for (int channel = 0; channel < g.OutChannels; channel += ChannelTile)
            {
                float* tileWeights = job.Weights + channel / ChannelTile * perTile;
                int tileChannels = Math.Min(ChannelTile, g.OutChannels - channel);
                var tileEpilogue = epilogue.ForChannels(channel);
                for (int outY = rowStart; outY < rowEnd; outY += RowTile)
                {
                    float* rows = split + 2 * (outY - rowStart) * rowStride;
                    float* outRow = outImage + (nint)channel * outPlane + (nint)outY * g.OutWidth;
                    int tileRows = Math.Min(RowTile, rowEnd - outY);
                    for (int x = 0; x < g.OutWidth; x += Lanes)
                        Tile<TOperator>(rows + x, rowStride, splitRow, g.InChannels, tap0, tap1, tap2, tileWeights, outRow + x, outPlane, g.OutWidth,
                            tileChannels, tileRows, Math.Min(Lanes, g.OutWidth - x), tileEpilogue);
                }
            }
            if (!fused) StemBands.ApplyEpilogue<Vector256Isa, Vector256<float>>(ref job, n, rowStart, rowEnd);
        }
    }

    /// <summary>
    /// Input row y of one channel (zeros outside the plane) as its even cells at split[Lead..] and its odd cells at
    /// split[Lead + half..], zeros around and after both.
    /// </summary>
    private static void SplitRow(float* plane, int y, in Conv2dGeometry g, float* split, int half)
    {
        new Span<float>(split, SplitRowFloats(g)).Clear();
        if ((uint)y >= (uint)g.InHeight) return;
        float* row = plane + (nint)y * g.InWidth;
        float* even = split + Lead, odd = split + Lead + half;
        int width = g.InWidth, i = 0;
        for (; i + 2 * Lanes <= width; i += 2 * Lanes)
        {
            Vector256Isa.Deinterleave(Vector256.Load(row + i), Vector256.Load(row + i + Lanes), out Vector256<float> e, out Vector256<float> o);
            e.Store(even + i / 2);
            o.Store(odd + i / 2);
        }
        for (; i < width; i++)
        {
            if ((i & 1) == 0) even[i / 2] = row[i];
            else odd[i / 2] = row[i];
        }
    }

    /// <summary>
    /// 4 output channels (fewer stored when <paramref name="channels"/> &lt; 4) × 3 output rows (fewer stored when
    /// <paramref name="rows"/> &lt; 3) × outputs [x, x + count) of those rows, through the epilogue. <paramref name="split"/>
    /// is the first output row's first split row, offset by x; output rows are two split rows apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TOperator>(float* split, nint rowStride, int channelStride, int inChannels, int tap0, int tap1, int tap2,
        float* w, float* output, nint outPlane, int outWidth, int channels, int rows, int count, StemTileEpilogue<Vector256Isa, Vector256<float>> epilogue)
        where TOperator : struct, IUnaryOperator
    {
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        Vector256<float> b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        Vector256<float> c0 = a0, c1 = a0, c2 = a0, c3 = a0;
        for (int ci = 0; ci < inChannels; ci++)
        {
            float* channelRows = split + ci * channelStride;
            for (int ky = 0; ky < 3; ky++, w += 3 * ChannelTile)
            {
                float* top = channelRows + ky * rowStride;
                MultiplyAdd4(w, top + tap0, rowStride, ref a0, ref a1, ref a2, ref a3, ref b0, ref b1, ref b2, ref b3, ref c0, ref c1, ref c2, ref c3);
                MultiplyAdd4(w + ChannelTile, top + tap1, rowStride, ref a0, ref a1, ref a2, ref a3, ref b0, ref b1, ref b2, ref b3, ref c0, ref c1, ref c2, ref c3);
                MultiplyAdd4(w + 2 * ChannelTile, top + tap2, rowStride, ref a0, ref a1, ref a2, ref a3, ref b0, ref b1, ref b2, ref b3, ref c0, ref c1, ref c2, ref c3);
            }
        }
        StoreRow<TOperator>(output, outPlane, channels, count, epilogue, a0, a1, a2, a3);
        if (rows < 2) return;
        StoreRow<TOperator>(output + outWidth, outPlane, channels, count, epilogue, b0, b1, b2, b3);
        if (rows < 3) return;
        StoreRow<TOperator>(output + 2 * outWidth, outPlane, channels, count, epilogue, c0, c1, c2, c3);
    }

    /// <summary>
    /// One kernel tap for the tile: the tap of output rows 0, 1, 2 (split rows 0, 2, 4 from <paramref name="tap"/>)
    /// times the 4 channels' weights, added to each row's 4 accumulators.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyAdd4(float* w, float* tap, nint rowStride,
        ref Vector256<float> a0, ref Vector256<float> a1, ref Vector256<float> a2, ref Vector256<float> a3,
        ref Vector256<float> b0, ref Vector256<float> b1, ref Vector256<float> b2, ref Vector256<float> b3,
        ref Vector256<float> c0, ref Vector256<float> c1, ref Vector256<float> c2, ref Vector256<float> c3)
    {
        Vector256<float> t = Vector256.Load(tap), u = Vector256.Load(tap + 2 * rowStride), s = Vector256.Load(tap + 4 * rowStride);
        Vector256<float> v = Vector256.Create(w[0]);
        a0 = Fma.MultiplyAdd(v, t, a0);
        b0 = Fma.MultiplyAdd(v, u, b0);
        c0 = Fma.MultiplyAdd(v, s, c0);
        v = Vector256.Create(w[1]);
        a1 = Fma.MultiplyAdd(v, t, a1);
        b1 = Fma.MultiplyAdd(v, u, b1);
        c1 = Fma.MultiplyAdd(v, s, c1);
        v = Vector256.Create(w[2]);
        a2 = Fma.MultiplyAdd(v, t, a2);
        b2 = Fma.MultiplyAdd(v, u, b2);
        c2 = Fma.MultiplyAdd(v, s, c2);
        v = Vector256.Create(w[3]);
        a3 = Fma.MultiplyAdd(v, t, a3);
        b3 = Fma.MultiplyAdd(v, u, b3);
        c3 = Fma.MultiplyAdd(v, s, c3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TOperator>(float* output, nint outPlane, int channels, int count, StemTileEpilogue<Vector256Isa, Vector256<float>> epilogue,
        Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, Vector256<float> s3) where TOperator : struct, IUnaryOperator
    {
        // StorePartial stores a whole vector when count is 8.
        Vector256Isa.StorePartial(output, epilogue.Apply<TOperator>(s0, 0), count);
        if (channels > 1) Vector256Isa.StorePartial(output + outPlane, epilogue.Apply<TOperator>(s1, 1), count);
        if (channels > 2) Vector256Isa.StorePartial(output + 2 * outPlane, epilogue.Apply<TOperator>(s2, 2), count);
        if (channels > 3) Vector256Isa.StorePartial(output + 3 * outPlane, epilogue.Apply<TOperator>(s3, 3), count);
    }
}
