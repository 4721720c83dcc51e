using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// Dense 3×3 stride-2 convolution of an input with few channels — the stem of every model here (3 → 16, 24 or 32 on
/// 224×224 or 256×256), and narrow ones such as RepViT's second stem convolution (24 → 48) — read straight from the
/// input rows with AVX-512.
/// <para>
/// As an implicit GEMM the stem has a depth of only 27: gathering its panels cost about as much as the products
/// (3 → 32 on 224×224: 221 µs, a third of it in the gather). Here 16 neighbouring outputs of a row are one vector,
/// built from the even and odd cells of the 32 input cells beneath them, de-interleaved in registers as the stride-2
/// depthwise rows do (<see cref="InputRowsAvx512"/>); a tile is 8 output channels × 2 output rows of that vector
/// (16 accumulators), so each kernel row's 4 row loads and 24 weight broadcasts feed 48 multiply-adds.
/// </para>
/// <para>
/// Each output is summed in the GEMM's order (input channel, kernel row, kernel column, multiply-adds from zero) and
/// the epilogue is the GEMM's arithmetic (in registers for the short activations, over bands of rows for SiLU, GELU or
/// a residual), so the result is bitwise the implicit GEMM's wherever that uses its register tiles (not the few last
/// columns of a plane it takes as dot products).
/// </para>
/// </summary>
internal static unsafe class ShallowConv3x3Stride2
{
    /// <summary>Input channels up to which this beats the implicit GEMM at any output count: image channels (gray, RGB, RGBA).</summary>
    public const int MaxInChannels = 4;

    /// <summary>Output channels whose regrouped weights fit the stack budget (18 KiB at most for image channels).</summary>
    public const int MaxOutChannels = 128;

    /// <summary>
    /// A second stem convolution (RepViT's 24 → 48 on 112×112) or any narrow one: up to this many input channels with up to
    /// <see cref="MaxNarrowOutChannels"/> outputs, the GEMM's 6-row tiles have too few rows to reuse its gathered panels
    /// and this kernel wins too. Against the implicit GEMM, per step: 8 → 16 on 112×112 0.44, 12 → 24 0.56, 16 → 32 0.82
    /// (with SiLU on 128×128 0.87), 20 → 40 0.90, 24 → 24 on 56×56 0.75, 24 → 48 on 112×112 0.96-0.98 alone and 0.91-0.95
    /// inside RepViT-M0.9 (the seventeenth session measured 1.07 there, against an older GEMM); with more outputs
    /// it loses (16 → 64 1.05, 24 → 96 1.17, 16 → 128 on 56×56 1.30), and with 32 inputs too (32 → 64 1.01-1.04).
    /// Regrouped weights up to 24 × 9 × 48 floats (41 KiB of stack).
    /// </summary>
    public const int MaxNarrowInChannels = 24, MaxNarrowOutChannels = 48;

    private const int ChannelTile = 8;
    private const int MaxInWidth = 4096;
    private const int TapsPerChannel = 9;

    /// <summary>Floats of output per channel a band aims for: the epilogue then runs on rows still in cache.</summary>
    private const int BandFloats = 1024;

    public static bool Supports(in Conv2dGeometry g) => Avx512F.IsSupported && TakesGeometry(g);

    /// <summary>The geometry this kernel (and <see cref="ShallowConv3x3Stride2Avx"/>) takes, whatever the machine.</summary>
    internal static bool TakesGeometry(in Conv2dGeometry g)
        => g.KernelHeight == 3 && g.KernelWidth == 3 && g.StrideHeight == 2 && g.StrideWidth == 2
           && g.DilationHeight == 1 && g.DilationWidth == 1 && g.Groups == 1
           && (g.InChannels <= MaxInChannels && g.OutChannels <= MaxOutChannels
               || g.InChannels <= MaxNarrowInChannels && g.OutChannels <= MaxNarrowOutChannels)
           && (g.PadLeft == 0 || g.PadLeft == 1) && g.InWidth <= MaxInWidth;

    public static void Run(float* input, float* weights, float* bias, float* residual, float* output, in Conv2dGeometry g, Activation activation)
        => StemBands.Run<Kernel>(input, weights, bias, residual, output, g, activation);

    /// <summary>This kernel's part of <see cref="StemBands"/>.</summary>
    private readonly struct Kernel : IRegroupedStemKernel
    {
        public static int ChannelTile => ShallowConv3x3Stride2.ChannelTile;

        public static int BandRows(in Conv2dGeometry g) => ShallowConv3x3Stride2.BandRows(g);

        public static void RunBands<TOperator>(ref StemJob job, int first, int end, bool fused) where TOperator : struct, IUnaryOperator
            => ShallowConv3x3Stride2.RunBands<TOperator>(ref job, first, end, fused);
    }

    /// <summary>Floats <see cref="GroupWeights"/> writes: whole tiles of <paramref name="channelTile"/> output channels.</summary>
    internal static int GroupedWeightFloats(in Conv2dGeometry g, int channelTile)
        => (g.OutChannels + channelTile - 1) / channelTile * g.InChannels * TapsPerChannel * channelTile;

    /// <summary>
    /// The ONNX weights regrouped per tile of <paramref name="channelTile"/> output channels: [tile][input channel, kernel
    /// row, kernel column][channel in the tile], so a tile's broadcasts walk one pointer. Channels past the last are zero
    /// and never stored. Shared with <see cref="ShallowConv3x3Stride2Avx"/> (tiles of 4).
    /// </summary>
    internal static void GroupWeights(float* weights, in Conv2dGeometry g, int channelTile, float* grouped)
    {
        int depth = g.InChannels * TapsPerChannel, perTile = depth * channelTile;
        int tiles = (g.OutChannels + channelTile - 1) / channelTile;
        for (int tile = 0; tile < tiles; tile++)
            for (int tap = 0; tap < depth; tap++)
                for (int c = 0; c < channelTile; c++)
                {
                    int channel = tile * channelTile + c;
                    grouped[tile * perTile + tap * channelTile + c] = channel < g.OutChannels ? weights[channel * depth + tap] : 0f;
                }
    }

    /// <summary>An even number of output rows holding about <see cref="BandFloats"/> outputs per channel.</summary>
    private static int BandRows(in Conv2dGeometry g)
    {
        int rows = Math.Max(2, (BandFloats + g.OutWidth - 1) / g.OutWidth);
        return Math.Min(rows + (rows & 1), g.OutHeight + (g.OutHeight & 1));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunBands<TOperator>(ref StemJob job, int first, int end, bool fused) where TOperator : struct, IUnaryOperator
    {
        Conv2dGeometry g = job.Geometry;
        nint inPlane = g.InputChannelStride, outPlane = g.OutputChannelStride;
        int perTile = g.InChannels * TapsPerChannel * ChannelTile;
        float* zeroRow = stackalloc float[g.InWidth];
        new Span<float>(zeroRow, g.InWidth).Clear();
        var epilogue = new StemTileEpilogue<Vector512Isa, Vector512<float>>(fused ? job.Bias : null, job.Activation.Alpha, job.Activation.Beta);
        for (int unit = first; unit < end; unit++)
        {
            int n = unit / job.Bands, band = unit % job.Bands;
            int rowStart = band * job.BandRows, rowEnd = Math.Min(g.OutHeight, rowStart + job.BandRows);
            float* image = job.Input + (nint)n * g.InChannels * inPlane;
            float* outImage = job.Output + (nint)n * g.OutChannels * outPlane;
            // Channel tiles outermost: the band's input rows (tens of KiB) are read again from cache for each tile, and the
            // tile's 8 planes are written as 8 sequential streams. With the channel tiles innermost a stem wrote a line
            // in each of 2 × 32 places at every step along the row, and its output arrives cold: 3 → 32 on 224×224 with
            // the cache flushed before each run 262-270 → 218-220 µs, warm 146-164 → 144-160.
            for (int channel = 0; channel < g.OutChannels; channel += ChannelTile)
            {
                float* tileWeights = job.Weights + channel / ChannelTile * perTile;
                int tileChannels = Math.Min(ChannelTile, g.OutChannels - channel);
                var tileEpilogue = epilogue.ForChannels(channel);
                for (int outY = rowStart; outY < rowEnd; outY += 2)
                {
                    if (channel == 0) PrefetchRows(image, g, outY + 2 * PrefetchPairs);
                    bool secondRow = outY + 1 < rowEnd;
                    float* outRow = outImage + (nint)channel * outPlane + (nint)outY * g.OutWidth;
                    for (int x = 0; x < g.OutWidth; x += 16)
                        Tile<TOperator>(image, g, tileWeights, outRow + x, outPlane, tileChannels, outY, x, Math.Min(16, g.OutWidth - x), secondRow,
                            zeroRow, tileEpilogue);
                }
            }
            if (!fused) StemBands.ApplyEpilogue<Vector512Isa, Vector512<float>>(ref job, n, rowStart, rowEnd);
        }
    }

    /// <summary>Row pairs ahead whose input rows are prefetched: the stem's input arrives cold (the run before pushed it out).</summary>
    private const int PrefetchPairs = 2;

    /// <summary>Brings into cache the input rows the pair of output rows starting at outY reads beyond the pair before it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchRows(float* image, in Conv2dGeometry g, int outY)
    {
        int firstNew = 2 * outY - g.PadTop + 1, endNew = Math.Min(g.InHeight, firstNew + 4);
        if (firstNew < 0) firstNew = 0;
        nint inPlane = g.InputChannelStride;
        for (int ci = 0; ci < g.InChannels; ci++)
            for (int y = firstNew; y < endNew; y++)
            {
                byte* row = (byte*)(image + ci * inPlane + (nint)y * g.InWidth);
                for (int offset = 0; offset < g.InWidth * sizeof(float); offset += 64) Sse.Prefetch0(row + offset);
            }
    }

    /// <summary>
    /// 8 output channels (fewer stored when <paramref name="channels"/> &lt; 8) × output rows outY and outY + 1 (the
    /// second only when <paramref name="secondRow"/>) × outputs [x, x + count) of those rows, through the epilogue.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TOperator>(float* image, in Conv2dGeometry g, float* w, float* output, nint outPlane, int channels,
        int outY, int x, int count, bool secondRow, float* zeroRow, StemTileEpilogue<Vector512Isa, Vector512<float>> epilogue) where TOperator : struct, IUnaryOperator
    {
        Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        Vector512<float> b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
        int width = g.InWidth, height = g.InHeight, at = 2 * x;
        int firstY = 2 * outY - g.PadTop;
        bool padLeft = g.PadLeft == 1;
        nint inPlane = g.InputChannelStride;
        for (int ci = 0; ci < g.InChannels; ci++)
        {
            float* plane = image + ci * inPlane;
            for (int ky = 0; ky < 3; ky++, w += 3 * ChannelTile)
            {
                Taps(InputRowsAvx512.InputRow(plane, firstY + ky, width, height, zeroRow), at, width, padLeft, out var t0, out var t1, out var t2);
                Taps(InputRowsAvx512.InputRow(plane, firstY + 2 + ky, width, height, zeroRow), at, width, padLeft, out var u0, out var u1, out var u2);
                MultiplyAdd8(w, t0, u0, ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7, ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7);
                MultiplyAdd8(w + ChannelTile, t1, u1, ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7, ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7);
                MultiplyAdd8(w + 2 * ChannelTile, t2, u2, ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7, ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7);
            }
        }
        Store(output, count, epilogue.Apply<TOperator>(a0, 0));
        if (channels > 1) Store(output + outPlane, count, epilogue.Apply<TOperator>(a1, 1));
        if (channels > 2) Store(output + 2 * outPlane, count, epilogue.Apply<TOperator>(a2, 2));
        if (channels > 3) Store(output + 3 * outPlane, count, epilogue.Apply<TOperator>(a3, 3));
        if (channels > 4) Store(output + 4 * outPlane, count, epilogue.Apply<TOperator>(a4, 4));
        if (channels > 5) Store(output + 5 * outPlane, count, epilogue.Apply<TOperator>(a5, 5));
        if (channels > 6) Store(output + 6 * outPlane, count, epilogue.Apply<TOperator>(a6, 6));
        if (channels > 7) Store(output + 7 * outPlane, count, epilogue.Apply<TOperator>(a7, 7));
        if (!secondRow) return;
        output += g.OutWidth;
        Store(output, count, epilogue.Apply<TOperator>(b0, 0));
        if (channels > 1) Store(output + outPlane, count, epilogue.Apply<TOperator>(b1, 1));
        if (channels > 2) Store(output + 2 * outPlane, count, epilogue.Apply<TOperator>(b2, 2));
        if (channels > 3) Store(output + 3 * outPlane, count, epilogue.Apply<TOperator>(b3, 3));
        if (channels > 4) Store(output + 4 * outPlane, count, epilogue.Apply<TOperator>(b4, 4));
        if (channels > 5) Store(output + 5 * outPlane, count, epilogue.Apply<TOperator>(b5, 5));
        if (channels > 6) Store(output + 6 * outPlane, count, epilogue.Apply<TOperator>(b6, 6));
        if (channels > 7) Store(output + 7 * outPlane, count, epilogue.Apply<TOperator>(b7, 7));
    }

    /// <summary>
    /// The three taps of one kernel row for outputs [x, x + 16): input cells 2x + 2i − padLeft + kx for kernel columns
    /// kx = 0, 1, 2, from the even and odd cells of the 32 starting at 2x and the one cell just outside them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Taps(float* row, int at, int width, bool padLeft, out Vector512<float> t0, out Vector512<float> t1, out Vector512<float> t2)
    {
        Vector512Isa.Deinterleave(InputRowsAvx512.LoadRowVector(row, at, width), InputRowsAvx512.LoadRowVector(row, at + 16, width),
            out Vector512<float> even, out Vector512<float> odd);
        if (padLeft)
        {
            // Cell 2x − 1 (zero at the left edge) then the odd cells: the taps of kernel column 0.
            Vector512<float> before = Vector512.Create(at > 0 && at <= width ? row[at - 1] : 0f);
            t0 = InputRowsAvx512.ShiftInFromLeft(odd, before);
            t1 = even;
            t2 = odd;
        }
        else
        {
            // The even cells after the first, then cell 2x + 32 (zero past the row): the taps of kernel column 2.
            Vector512<float> after = Vector512.Create(at + 32 < width ? row[at + 32] : 0f);
            t0 = even;
            t1 = odd;
            t2 = InputRowsAvx512.ShiftByOne(after, even);
        }
    }

    /// <summary>a_c += w[c] · top and b_c += w[c] · bottom for the tile's 8 channels: one kernel tap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyAdd8(float* w, Vector512<float> top, Vector512<float> bottom,
        ref Vector512<float> a0, ref Vector512<float> a1, ref Vector512<float> a2, ref Vector512<float> a3,
        ref Vector512<float> a4, ref Vector512<float> a5, ref Vector512<float> a6, ref Vector512<float> a7,
        ref Vector512<float> b0, ref Vector512<float> b1, ref Vector512<float> b2, ref Vector512<float> b3,
        ref Vector512<float> b4, ref Vector512<float> b5, ref Vector512<float> b6, ref Vector512<float> b7)
    {
        Vector512<float> v = Vector512.Create(w[0]);
        a0 = Avx512F.FusedMultiplyAdd(v, top, a0);
        b0 = Avx512F.FusedMultiplyAdd(v, bottom, b0);
        v = Vector512.Create(w[1]);
        a1 = Avx512F.FusedMultiplyAdd(v, top, a1);
        b1 = Avx512F.FusedMultiplyAdd(v, bottom, b1);
        v = Vector512.Create(w[2]);
        a2 = Avx512F.FusedMultiplyAdd(v, top, a2);
        b2 = Avx512F.FusedMultiplyAdd(v, bottom, b2);
        v = Vector512.Create(w[3]);
        a3 = Avx512F.FusedMultiplyAdd(v, top, a3);
        b3 = Avx512F.FusedMultiplyAdd(v, bottom, b3);
        v = Vector512.Create(w[4]);
        a4 = Avx512F.FusedMultiplyAdd(v, top, a4);
        b4 = Avx512F.FusedMultiplyAdd(v, bottom, b4);
        v = Vector512.Create(w[5]);
        a5 = Avx512F.FusedMultiplyAdd(v, top, a5);
        b5 = Avx512F.FusedMultiplyAdd(v, bottom, b5);
        v = Vector512.Create(w[6]);
        a6 = Avx512F.FusedMultiplyAdd(v, top, a6);
        b6 = Avx512F.FusedMultiplyAdd(v, bottom, b6);
        v = Vector512.Create(w[7]);
        a7 = Avx512F.FusedMultiplyAdd(v, top, a7);
        b7 = Avx512F.FusedMultiplyAdd(v, bottom, b7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* destination, int count, Vector512<float> value)
    {
        if (count == 16) Vector512.Store(value, destination);
        else Vector512Isa.StorePartial(destination, value, count);
    }
}
