using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// Dense convolution as one GEMM per kernel tap, over only the output pixels whose window puts that tap inside the
/// input: for convolutions whose taps mostly fall on the zero padding, such as the atrous 3 × 3 of DeepLabV3's ASPP
/// (dilation 12 on a 20 × 20 map: 36 % of its (tap, pixel) pairs read the input). The im2col GEMM multiplies every
/// tap by its zeros too (960 → 256 there: 10.2 ms against ONNX Runtime's 5.1).
/// <para>
/// For each tap, the pixels it reads the input for form a rectangle. Their input values are gathered into
/// [in channels × pixels], one GEMM with the tap's own [out × in] weights (interleaved by
/// <see cref="PackWeights"/>) gives their products, and the products are added into the output, tap after tap in
/// kernel order. Bias, residual and activation follow in one pass over each output plane. The GEMMs split across
/// threads as every GEMM does; the order of the sums does not depend on the thread count.
/// </para>
/// </summary>
internal static unsafe class TapwiseConvolution
{
    /// <summary>
    /// Share of the (tap, output pixel) pairs that read the input, up to which this beats the im2col GEMM. A 3 × 3
    /// "same" convolution without dilation reads the input for 87 % of its pairs on 10 × 10 and more on larger maps.
    /// </summary>
    private const double MaxInsideShare = 0.75;

    /// <summary>
    /// Weights per tap (in × out) and pixels per tap on average from which the per-tap GEMMs are large enough to pay for
    /// the gather, the adds and a GEMM call per tap. Below them the im2col GEMM stayed faster even at the same share:
    /// 64 → 64 on 10 × 10 with dilation 4 (54 %) took 129 µs this way against 61, 128 → 128 on 14 × 14 with dilation 4
    /// (66 %) 436 against 349; 256 → 256 there 1158 against 1314.
    /// </summary>
    private const long MinTapWeights = 1 << 15;
    private const double MinPixelsPerTap = 96;

    public static bool Supports(in Conv2dGeometry g)
    {
        if (g.Groups != 1 || g.KernelHeight * g.KernelWidth == 1 || g.OutChannels < GemmMicrokernels.TileRows
            || (long)g.InChannels * g.OutChannels < MinTapWeights)
            return false;
        double share = InsideShare(g);
        return share <= MaxInsideShare && share * g.OutHeight * g.OutWidth >= MinPixelsPerTap;
    }

    /// <summary>The share of (tap, output pixel) pairs whose input position lies inside the input.</summary>
    internal static double InsideShare(in Conv2dGeometry g)
    {
        long inside = 0;
        for (int ky = 0; ky < g.KernelHeight; ky++)
        {
            var (y0, y1) = InsideRange(g.OutHeight, g.InHeight, g.StrideHeight, g.PadTop, ky * g.DilationHeight);
            for (int kx = 0; kx < g.KernelWidth; kx++)
            {
                var (x0, x1) = InsideRange(g.OutWidth, g.InWidth, g.StrideWidth, g.PadLeft, kx * g.DilationWidth);
                inside += (long)(y1 - y0) * (x1 - x0);
            }
        }
        return (double)inside / ((long)g.KernelHeight * g.KernelWidth * g.OutHeight * g.OutWidth);
    }

    /// <summary>Output positions [first, end) along one axis whose input position o·stride − pad + offset is inside [0, inSize).</summary>
    private static (int First, int End) InsideRange(int outSize, int inSize, int stride, int pad, int offset)
    {
        int first = Math.Max(0, CeilingDivide(pad - offset, stride));
        int end = Math.Min(outSize, FloorDivide(inSize - 1 + pad - offset, stride) + 1);
        return (first, Math.Max(first, end));
    }

    private static int FloorDivide(int value, int divisor) => value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor);

    private static int CeilingDivide(int value, int divisor) => -FloorDivide(-value, divisor);

    private static long MatrixFloats(in Conv2dGeometry g) => (long)g.OutChannels * g.InChannels + InterleavedRowTiles.Padding;

    /// <summary>Floats of the per-tap weights <see cref="PackWeights"/> writes: one interleaved [out × in] matrix per tap.</summary>
    public static long TransformedLength(in Conv2dGeometry g) => (long)g.KernelHeight * g.KernelWidth * MatrixFloats(g);

    /// <summary>ONNX-layout weights [out, in, kh, kw] to one interleaved [out × in] matrix per tap, in kernel order.</summary>
    public static void PackWeights(ReadOnlySpan<float> weights, in Conv2dGeometry g, Span<float> destination)
    {
        int taps = g.KernelHeight * g.KernelWidth, size = (int)MatrixFloats(g);
        var tapMatrix = new float[g.OutChannels * g.InChannels];
        for (int tap = 0; tap < taps; tap++)
        {
            for (int o = 0; o < g.OutChannels; o++)
                for (int i = 0; i < g.InChannels; i++)
                    tapMatrix[o * g.InChannels + i] = weights[(o * g.InChannels + i) * taps + tap];
            InterleavedRowTiles.PackInto(tapMatrix, g.OutChannels, g.InChannels, destination.Slice(tap * size, size));
        }
    }

    /// <summary>Every tap's gathered inputs, and one tap's products, per thread: kept for the next call.</summary>
    [ThreadStatic] private static float[]? t_gathered;
    [ThreadStatic] private static float[]? t_products;

    public static void Run(KernelIsa isa, float* input, float* tapWeights, float* bias, float* residual, float* output, in Conv2dGeometry g, Activation activation)
    {
        switch (isa)
        {
            case KernelIsa.Vector512: Run<Vector512Isa, Vector512<float>>(input, tapWeights, bias, residual, output, g, activation); break;
            case KernelIsa.Vector256: Run<Vector256Isa, Vector256<float>>(input, tapWeights, bias, residual, output, g, activation); break;
            default: Run<Vector128Isa, Vector128<float>>(input, tapWeights, bias, residual, output, g, activation); break;
        }
    }

    /// <summary>Where one tap reads: output rows [Y0, Y0 + Rows) × columns [X0, X0 + Columns); its gathered inputs start at Offset.</summary>
    private struct TapRectangle
    {
        public int Y0, Rows, X0, Columns;
        public long Offset;
        public readonly int Pixels => Rows * Columns;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TIsa, TVector>(float* input, float* tapWeights, float* bias, float* residual, float* output, in Conv2dGeometry g, Activation activation)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int taps = g.KernelHeight * g.KernelWidth;
        TapRectangle* rectangles = stackalloc TapRectangle[taps];
        long gatheredFloats = 0;
        int largest = 0;
        for (int ky = 0, tap = 0; ky < g.KernelHeight; ky++)
        {
            var (y0, y1) = InsideRange(g.OutHeight, g.InHeight, g.StrideHeight, g.PadTop, ky * g.DilationHeight);
            for (int kx = 0; kx < g.KernelWidth; kx++, tap++)
            {
                var (x0, x1) = InsideRange(g.OutWidth, g.InWidth, g.StrideWidth, g.PadLeft, kx * g.DilationWidth);
                rectangles[tap] = new TapRectangle { Y0 = y0, Rows = y1 - y0, X0 = x0, Columns = x1 - x0, Offset = gatheredFloats };
                gatheredFloats += (long)g.InChannels * rectangles[tap].Pixels;
                largest = Math.Max(largest, rectangles[tap].Pixels);
            }
        }
        // Every tap's inputs are gathered before the first product. A buffer rewritten for each tap was still in the
        // cache of the other thread that had just read it for the tap before, and each line written had to be taken
        // back from there first: at two threads the gathers took three times as long as at one.
        float[] gatheredArray = ScratchMemory.Reuse(ref t_gathered, gatheredFloats);
        float[] productsArray = ScratchMemory.Reuse(ref t_products, (long)g.OutChannels * largest);
        int outPlane = g.OutHeight * g.OutWidth;
        var noEpilogue = new GemmEpilogue(1f, null, null, null, Activation.None);
        fixed (float* gathered = gatheredArray)
        fixed (float* products = productsArray)
            for (int n = 0; n < g.Batch; n++)
            {
                var job = new TapJob
                {
                    Image = input + (nint)n * g.InChannels * g.InputChannelStride,
                    OutImage = output + (nint)n * g.OutChannels * g.OutputChannelStride,
                    Epilogue = new GemmEpilogue(1f, bias, null, residual == null ? null : residual + (nint)n * g.OutChannels * g.OutputChannelStride, activation),
                    Gathered = gathered, Products = products, Geometry = g, Rectangles = rectangles,
                };
                ForChannels(ref job, g.InChannels, gatheredFloats, &GatherPart<TIsa, TVector>);
                for (int o = 0; o < g.OutChannels; o++) new Span<float>(job.OutImage + (nint)o * g.OutputChannelStride, outPlane).Clear();
                for (int tap = 0; tap < taps; tap++)
                {
                    int pixels = rectangles[tap].Pixels;
                    if (pixels == 0) continue;
                    var source = new RowMajorPanels(gathered + rectangles[tap].Offset, pixels);
                    GemmDriver.Run<TIsa, TVector, RowMajorPanels>(ref source, tapWeights + tap * MatrixFloats(g), g.InChannels, 1,
                        products, pixels, g.OutChannels, g.InChannels, pixels, noEpilogue, interleavedA: true);
                    job.Tap = tap;
                    ForChannels(ref job, g.OutChannels, (long)g.OutChannels * pixels, &AddPart<TIsa, TVector>);
                }
                if (!job.Epilogue.IsIdentity) ForChannels(ref job, g.OutChannels, (long)g.OutChannels * outPlane, &FinishPart<TIsa, TVector>);
            }
    }

    /// <summary>The taps' rectangles, the buffers and the epilogue, for the parts of the gather, of one tap's adds and of the finish.</summary>
    private struct TapJob
    {
        public float* Image, OutImage, Gathered, Products;
        public TapRectangle* Rectangles;
        public Conv2dGeometry Geometry;
        public GemmEpilogue Epilogue;
        public int Tap, Channels, Parts;
    }

    /// <summary>Floats moved from which a gather, an add or a finish splits across threads by channels.</summary>
    private const long ParallelFloats = 1 << 14;

    /// <summary>body over channels [0, channels): on this thread, or in parts of consecutive channels above one thread.</summary>
    private static void ForChannels(ref TapJob job, int channels, long floats, delegate*<void*, int, void> body)
    {
        job.Channels = channels;
        int degree = KernelParallelism.Current;
        job.Parts = degree > 1 && floats >= ParallelFloats ? WorkerPool.PartsFor(channels, degree) : 1;
        if (job.Parts > 1) WorkerPool.For(degree, job.Parts, body, Unsafe.AsPointer(ref job));
        else body(Unsafe.AsPointer(ref job), 0);
    }

    /// <summary>
    /// For every tap, [in channel][pixel of its rectangle, row-major] from the tap's offset on: the input each pixel's
    /// window reads at that tap, for this part's channels.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GatherPart<TIsa, TVector>(void* context, int part)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        ref TapJob job = ref Unsafe.AsRef<TapJob>(context);
        Conv2dGeometry g = job.Geometry;
        int first = WorkerPool.FirstUnit(job.Channels, part, job.Parts), end = WorkerPool.FirstUnit(job.Channels, part + 1, job.Parts);
        for (int ky = 0, tap = 0; ky < g.KernelHeight; ky++)
            for (int kx = 0; kx < g.KernelWidth; kx++, tap++)
            {
                TapRectangle rectangle = job.Rectangles[tap];
                int columns = rectangle.Columns, pixels = rectangle.Pixels;
                if (pixels == 0) continue;
                nint columnOffset = rectangle.X0 * g.StrideWidth - g.PadLeft + kx * g.DilationWidth;
                for (int channel = first; channel < end; channel++)
                {
                    float* plane = job.Image + (nint)channel * g.InputChannelStride;
                    float* destination = job.Gathered + rectangle.Offset + (nint)channel * pixels;
                    for (int r = 0; r < rectangle.Rows; r++, destination += columns)
                    {
                        int inY = (rectangle.Y0 + r) * g.StrideHeight - g.PadTop + ky * g.DilationHeight;
                        float* row = plane + (nint)inY * g.InWidth + columnOffset;
                        if (g.StrideWidth == 1)
                        {
                            // Rows of a few vectors (8-20 floats for an atrous tap on a 20 × 20 map): inline vector
                            // copies, not a call per row.
                            int c = 0;
                            for (; c + TIsa.Count <= columns; c += TIsa.Count) TIsa.Store(destination + c, TIsa.Load(row + c));
                            if (c < columns) TIsa.StorePartial(destination + c, TIsa.LoadPartial(row + c, columns - c), columns - c);
                        }
                        else
                            for (int c = 0; c < columns; c++) destination[c] = row[c * g.StrideWidth];
                    }
                }
            }
    }

    /// <summary>Adds one tap's products [out channel][pixel of its rectangle] into the output planes, for this part's channels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddPart<TIsa, TVector>(void* context, int part)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        ref TapJob job = ref Unsafe.AsRef<TapJob>(context);
        Conv2dGeometry g = job.Geometry;
        TapRectangle rectangle = job.Rectangles[job.Tap];
        int width = TIsa.Count, columns = rectangle.Columns, pixels = rectangle.Pixels;
        int first = WorkerPool.FirstUnit(job.Channels, part, job.Parts), end = WorkerPool.FirstUnit(job.Channels, part + 1, job.Parts);
        for (int o = first; o < end; o++)
        {
            float* from = job.Products + (nint)o * pixels;
            float* plane = job.OutImage + (nint)o * g.OutputChannelStride + (nint)rectangle.Y0 * g.OutWidth + rectangle.X0;
            for (int r = 0; r < rectangle.Rows; r++, from += columns)
            {
                float* to = plane + (nint)r * g.OutWidth;
                int c = 0;
                for (; c + width <= columns; c += width) TIsa.Store(to + c, TIsa.Add(TIsa.Load(to + c), TIsa.Load(from + c)));
                if (c < columns)
                    TIsa.StorePartial(to + c, TIsa.Add(TIsa.LoadPartial(to + c, columns - c), TIsa.LoadPartial(from + c, columns - c)), columns - c);
            }
        }
    }

    /// <summary>Bias, residual and activation over this part's output planes: the GEMM's epilogue, rows being channels.</summary>
    private static void FinishPart<TIsa, TVector>(void* context, int part)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        ref TapJob job = ref Unsafe.AsRef<TapJob>(context);
        Conv2dGeometry g = job.Geometry;
        int first = WorkerPool.FirstUnit(job.Channels, part, job.Parts), end = WorkerPool.FirstUnit(job.Channels, part + 1, job.Parts);
        job.Epilogue.Apply<TIsa, TVector>(job.OutImage, g.OutputChannelStride, first, end - first, 0, g.OutHeight * g.OutWidth);
    }
}
