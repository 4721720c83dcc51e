using System.Runtime.CompilerServices;
using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// Depthwise convolution (groups == channels, one filter per channel), any kernel size, padding and dilation,
/// horizontal stride 1 or 2, vectorized along the output row.
/// A band of input rows is first copied into a padded buffer (zero rows above/below the input, zero cells left/right),
/// which makes every tap an unconditional contiguous vector load: stride 1 reads P[ox + kx*d]; stride 2 keeps each
/// row split into its even and odd cells, so P[2ox + kx*d] is again contiguous. The band is as tall as the stack
/// budget allows (a whole 128x128 plane fits), and the epilogue (bias, residual, activation) runs once per band.
/// With AVX-512, the 3x3 kernels with one cell of left padding (stride 1 or 2: every MobileNet and MV2 block) skip the
/// band and read the input rows directly (<see cref="Rows3x3Stride1Avx512"/>, <see cref="Rows3x3Stride2Avx512"/>), and
/// small planes go 16 channels at a time through <see cref="DepthwiseChannelBlocks"/> (<see cref="PrefersDirectRows"/>
/// says which of the two takes a plane both could). With AVX and FMA the same 3x3 planes are read in place by
/// <see cref="DepthwiseRowsAvx"/>, and the 8-channel blocks take small planes (<see cref="PrefersDirectRowsAvx"/>).
/// </summary>
internal static unsafe class DepthwiseConvolution
{
    /// <summary>Stack budget for one band of padded rows (floats).</summary>
    private const int MaxBufferFloats = 24 * 1024;

    public static bool Supports(in Conv2dGeometry g)
        => g.Groups == g.InChannels && g.InChannels == g.OutChannels && (g.StrideWidth == 1 || g.StrideWidth == 2)
           && (long)(InputRowsForBand(g, 1) + 1) * RowLength(g, 16) <= MaxBufferFloats;

    /// <summary>Distinct input rows under a window: the row cache size pooling uses.</summary>
    internal static int SlotCount(in Conv2dGeometry g) => (g.KernelHeight - 1) * g.DilationHeight + 1;

    private static int InputRowsForBand(in Conv2dGeometry g, int outputRows) => (outputRows - 1) * g.StrideHeight + SlotCount(g);

    /// <summary>
    /// Floats per buffered row: enough that the last (partial) vector of the output row reads inside it, rounded up to
    /// whole vectors (each half whole vectors for stride 2) so every row, and each half, starts vector-aligned.
    /// </summary>
    internal static int RowLength(in Conv2dGeometry g, int vectorWidth)
    {
        int roundedOutWidth = (g.OutWidth + vectorWidth - 1) / vectorWidth * vectorWidth;
        int reach = (g.KernelWidth - 1) * g.DilationWidth;
        int length = g.StrideWidth == 1 ? roundedOutWidth + reach : 2 * (roundedOutWidth + reach / 2 + 1);
        int unit = g.StrideWidth == 1 ? vectorWidth : 2 * vectorWidth;
        return (length + unit - 1) / unit * unit;
    }

    /// <summary>Output floats below which a call runs on the calling thread alone (both depthwise kernels).</summary>
    internal const long ParallelOutputThreshold = 1 << 14;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TIsa, TVector>(float* input, float* weights, float* bias, float* residual, float* output, in Conv2dGeometry g, Activation activation)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int planes = g.Batch * g.InChannels;
        int degree = KernelParallelism.Current;
        if (degree > 1 && planes > 1 && (long)planes * g.OutHeight * g.OutWidth >= ParallelOutputThreshold)
        {
            // Whole channels to each thread; bands of output rows only when there are too few channels. Splitting rows
            // when channels were plenty measured 1.3-8x slower at two threads with a per-kernel timer (960 channels of
            // 7×7: 67 → 550 µs; 96 of 112×112: 338 → 421 µs): threads wrote neighbouring rows of every plane and each
            // redid the per-plane setup. KernelBenchmarks.Depthwise3x3At7x7TwoThreads measures the current split.
            // Every element is computed as on one thread: the epilogue treats a row's tail with the same vector
            // arithmetic as its body, so band edges change nothing.
            bool byRows = planes < 2 * degree && g.OutHeight >= 2 * degree;
            var job = new DepthwiseJob
            {
                Input = input, Weights = weights, Bias = bias, Residual = residual, Output = output, Geometry = g,
                Activation = activation, Planes = planes, ByRows = byRows, Parts = WorkerPool.PartsFor(byRows ? g.OutHeight : planes, degree),
            };
            WorkerPool.For(degree, job.Parts, &RunPart<TIsa, TVector>, System.Runtime.CompilerServices.Unsafe.AsPointer(ref job));
            return;
        }
        RunPlanes<TIsa, TVector>(input, weights, bias, residual, output, g, activation, 0, planes, 0, g.OutHeight);
    }

    private struct DepthwiseJob
    {
        public float* Input, Weights, Bias, Residual, Output;
        public Conv2dGeometry Geometry;
        public Activation Activation;
        public int Planes, Parts;
        public bool ByRows;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunPart<TIsa, TVector>(void* context, int part)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        ref DepthwiseJob job = ref System.Runtime.CompilerServices.Unsafe.AsRef<DepthwiseJob>(context);
        int units = job.ByRows ? job.Geometry.OutHeight : job.Planes;
        int first = WorkerPool.FirstUnit(units, part, job.Parts), end = WorkerPool.FirstUnit(units, part + 1, job.Parts);
        if (job.ByRows)
            RunPlanes<TIsa, TVector>(job.Input, job.Weights, job.Bias, job.Residual, job.Output, job.Geometry, job.Activation, 0, job.Planes, first, end);
        else
            RunPlanes<TIsa, TVector>(job.Input, job.Weights, job.Bias, job.Residual, job.Output, job.Geometry, job.Activation, first, end, 0, job.Geometry.OutHeight);
    }

    /// <summary>Output rows [rowStart, rowEnd) of planes [first, end), a plane being one (batch item, channel) pair.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunPlanes<TIsa, TVector>(float* input, float* weights, float* bias, float* residual, float* output, in Conv2dGeometry g, Activation activation,
        int first, int end, int rowStart, int rowEnd)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        int rowLength = RowLength(g, width);
        int half = rowLength / 2;
        int kernelHeight = g.KernelHeight, kernelWidth = g.KernelWidth;
        // Plane starts: contiguous planes, or padded ones (Conv2dGeometry's channel strides).
        nint inPlane = g.InputChannelStride, outPlane = g.OutputChannelStride;

        int* tapOffsets = stackalloc int[kernelWidth];
        for (int kx = 0; kx < kernelWidth; kx++)
        {
            int reach = kx * g.DilationWidth;
            tapOffsets[kx] = g.StrideWidth == 1 ? reach : (reach % 2 == 0 ? reach / 2 : half + reach / 2);
        }
        float** rows = stackalloc float*[kernelHeight];
        UnaryKind kind = Activation.ToUnaryKind(activation.Kind);
        bool flat = UsesFlatPlanes(g, width);
        float* flatBuffer = null;
        // Only the path these planes take gets its stack buffer: a worker thread has 256 KiB of stack, and the band
        // buffer alone may take 96 KiB.
        float* buffer = null;
        int bandRows = 1;
        bool direct = !flat && UsesDirectRows<TVector>(g);
        float* zeroRow = null;
        if (flat)
        {
            float* flatUnaligned = stackalloc float[FlatBufferFloats + 16];
            flatBuffer = (float*)(((nint)flatUnaligned + 63) & ~(nint)63);
        }
        else if (direct)
        {
            // Stands in for the input rows above and below the plane (the padding).
            int zeroLength = (g.InWidth + 15) / 16 * 16;
            float* zeros = stackalloc float[zeroLength];
            new Span<float>(zeros, zeroLength).Clear();
            zeroRow = zeros;
        }
        else
        {
            // Tallest band whose input rows fit the budget.
            bandRows = Math.Max(1, Math.Min(g.OutHeight, (MaxBufferFloats / rowLength - SlotCount(g)) / g.StrideHeight + 1));
            float* unaligned = stackalloc float[InputRowsForBand(g, bandRows) * rowLength + 16];
            buffer = (float*)(((nint)unaligned + 63) & ~(nint)63);
        }

        for (int planeIndex = first; planeIndex < end; planeIndex++)
            {
                int n = planeIndex / g.InChannels, channel = planeIndex % g.InChannels;
                float* plane = input + ((nint)n * g.InChannels + channel) * inPlane;
                float* kernel = weights + channel * kernelHeight * kernelWidth;
                nint outOffset = ((nint)n * g.OutChannels + channel) * outPlane;
                if (flat)
                {
                    FlatPlane<TIsa, TVector>(plane, kernel, output + outOffset, g, rowStart, rowEnd, flatBuffer);
                    nint rowsOffset = outOffset + (nint)rowStart * g.OutWidth;
                    ElementwiseRow.Apply<TIsa, TVector>(kind, activation.Alpha, activation.Beta, output + rowsOffset, output + rowsOffset, (rowEnd - rowStart) * g.OutWidth, 1f,
                        bias == null ? 0f : bias[channel], null, residual == null ? null : residual + rowsOffset);
                    continue;
                }
                if (direct)
                {
                    if (typeof(TVector) == typeof(Vector256<float>) && g.StrideWidth == 1)
                        DepthwiseRowsAvx.Rows3x3Stride1(plane, g.InWidth, g.InHeight, g.PadTop, kernel, output + outOffset, rowStart, rowEnd, zeroRow);
                    else if (typeof(TVector) == typeof(Vector256<float>))
                        DepthwiseRowsAvx.Rows3x3Stride2(plane, g.InWidth, g.InHeight, g.PadTop, kernel, output + outOffset, g.OutWidth, rowStart, rowEnd, zeroRow);
                    else if (g.StrideWidth == 1)
                        Rows3x3Stride1Avx512(plane, g.InWidth, g.InHeight, g.PadTop, kernel, output + outOffset, rowStart, rowEnd, zeroRow);
                    else
                        Rows3x3Stride2Avx512(plane, g.InWidth, g.InHeight, g.PadTop, kernel, output + outOffset, g.OutWidth, rowStart, rowEnd, zeroRow);
                    // The epilogue as a pass over the plane's rows: applied before each store instead, the step measured
                    // slower (192 channels of 28×28 with ReLU6 53 → 65 µs).
                    nint rowsOffset = outOffset + (nint)rowStart * g.OutWidth;
                    ElementwiseRow.Apply<TIsa, TVector>(kind, activation.Alpha, activation.Beta, output + rowsOffset, output + rowsOffset, (rowEnd - rowStart) * g.OutWidth, 1f,
                        bias == null ? 0f : bias[channel], null, residual == null ? null : residual + rowsOffset);
                    continue;
                }
                for (int bandStart = rowStart; bandStart < rowEnd; bandStart += bandRows)
                {
                    int outRows = Math.Min(bandRows, rowEnd - bandStart);
                    int firstInY = bandStart * g.StrideHeight - g.PadTop;
                    int inRows = InputRowsForBand(g, outRows);
                    for (int r = 0; r < inRows; r++)
                    {
                        int inY = firstInY + r;
                        if ((uint)inY >= (uint)g.InHeight) new Span<float>(buffer + r * rowLength, rowLength).Clear();
                        else FillRow<TIsa, TVector>(plane + (nint)inY * g.InWidth, g.InWidth, g.PadLeft, g.StrideWidth, buffer + r * rowLength, rowLength);
                    }
                    float* outBand = output + outOffset + (nint)bandStart * g.OutWidth;
                    if (kernelHeight == 3 && kernelWidth == 3)
                    {
                        Band3x3<TIsa, TVector>(buffer, g.StrideHeight * rowLength, g.DilationHeight * rowLength, kernel, tapOffsets, outBand, outRows, g.OutWidth);
                    }
                    else
                    {
                        for (int outY = 0; outY < outRows; outY++)
                        {
                            for (int ky = 0; ky < kernelHeight; ky++)
                                rows[ky] = buffer + (outY * g.StrideHeight + ky * g.DilationHeight) * rowLength;
                            RowGeneral<TIsa, TVector>(rows, kernel, tapOffsets, kernelHeight, kernelWidth, outBand + (nint)outY * g.OutWidth, g.OutWidth);
                        }
                    }
                    // Output rows of a band are contiguous: one epilogue call covers them all.
                    nint bandOffset = outOffset + (nint)bandStart * g.OutWidth;
                    ElementwiseRow.Apply<TIsa, TVector>(kind, activation.Alpha, activation.Beta, output + bandOffset, output + bandOffset, outRows * g.OutWidth, 1f,
                        bias == null ? 0f : bias[channel], null, residual == null ? null : residual + bandOffset);
                }
            }
    }

    /// <summary>Stack budget of the small-plane path: the padded plane and the flattened result (floats).</summary>
    private const int FlatBufferFloats = 4096;

    /// <summary>
    /// Small planes at stride 1 (7×7 and 8×8 in the last stages of MobileNets, RepViT and MobileViT): a 7-wide output row
    /// fills under half a 512-bit vector, and the per-row work of the band path (a padded copy, a call, a partial vector
    /// per row) costs more than the arithmetic. These planes are computed flattened instead (<see cref="FlatPlane"/>):
    /// 960 channels of 7×7, 3×3 taps 124 → 75 µs, 5×5 taps 227 → 145 µs with a per-kernel timer while developing; at 14×14
    /// the flattened form measured slower (87 → 120 µs), hence the 8-wide limit. KernelBenchmarks has the current figures.
    /// With AVX-512 most small planes never get here: <see cref="DepthwiseChannelBlocks"/> takes them first.
    /// </summary>
    private static bool UsesFlatPlanes(in Conv2dGeometry g, int vectorWidth)
    {
        if (g.StrideHeight != 1 || g.StrideWidth != 1 || g.OutWidth > 8) return false;
        int paddedWidth = g.OutWidth + (g.KernelWidth - 1) * g.DilationWidth;
        int paddedHeight = g.OutHeight + (g.KernelHeight - 1) * g.DilationHeight;
        long paddedPlane = (long)paddedHeight * paddedWidth + 2 * vectorWidth;
        long result = (long)g.OutHeight * paddedWidth + vectorWidth;
        return paddedPlane + result <= FlatBufferFloats;
    }

    /// <summary>
    /// Output rows [rowStart, rowEnd) of one small plane, before the epilogue. The plane is copied once into a zero-padded
    /// buffer P with rows paddedWidth apart; then output (y, x) is F[y·paddedWidth + x] with
    /// F[i] = Σ w[ky, kx] · P[i + ky·dH·paddedWidth + kx·dW], which is a contiguous vector load per tap across all rows at
    /// once (the columns x ≥ OutWidth of F are discarded). Every element is the same chain of FMAs whichever rows are asked
    /// for, so splitting rows across threads changes nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FlatPlane<TIsa, TVector>(float* plane, float* kernel, float* output, in Conv2dGeometry g, int rowStart, int rowEnd, float* buffer)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        int paddedWidth = g.OutWidth + (g.KernelWidth - 1) * g.DilationWidth;
        int paddedHeight = g.OutHeight + (g.KernelHeight - 1) * g.DilationHeight;
        // Padded rows [rowStart, rowEnd + reach) are read; P row r holds input row r - PadTop.
        int firstRow = rowStart, lastRow = Math.Min(paddedHeight, rowEnd + (g.KernelHeight - 1) * g.DilationHeight);
        float* padded = buffer;
        int paddedFloats = paddedHeight * paddedWidth + 2 * width;
        float* flat = buffer + (paddedFloats + width - 1) / width * width;
        TVector zero = TIsa.Zero;
        // Zero the rows in use (and the slack one vector past them that the last loads may touch) in one vector loop,
        // then copy the input rows in: 10-15 % faster (per-kernel timer) than filling row by row with FillRow's padded margins.
        float* zeroFrom = padded + (nint)firstRow * paddedWidth;
        int zeroCount = (lastRow - firstRow) * paddedWidth + 2 * width;
        int i = 0;
        for (; i + width <= zeroCount; i += width) TIsa.Store(zeroFrom + i, zero);
        for (; i < zeroCount; i++) zeroFrom[i] = 0f;
        int columnCount = Math.Min(g.InWidth, paddedWidth - g.PadLeft);
        for (int r = firstRow; r < lastRow; r++)
        {
            int inY = r - g.PadTop;
            if ((uint)inY >= (uint)g.InHeight || columnCount <= 0) continue;
            VectorCopy.Copy<TIsa, TVector>(plane + (nint)inY * g.InWidth, padded + (nint)r * paddedWidth + g.PadLeft, columnCount);
        }
        // F over the requested rows, one vector of flattened positions at a time, every tap a contiguous load.
        int begin = rowStart * paddedWidth, count = (rowEnd - rowStart) * paddedWidth;
        for (int v = 0; v < count; v += width)
        {
            float* origin = padded + begin + v;
            TVector sum = zero;
            for (int ky = 0; ky < g.KernelHeight; ky++)
            {
                float* tapRow = origin + ky * g.DilationHeight * paddedWidth;
                float* weightRow = kernel + ky * g.KernelWidth;
                for (int kx = 0; kx < g.KernelWidth; kx++)
                    sum = TIsa.MultiplyAdd(TIsa.Load(tapRow + kx * g.DilationWidth), TIsa.Broadcast(weightRow[kx]), sum);
            }
            TIsa.Store(flat + v, sum);
        }
        // Keep the first OutWidth of every paddedWidth values.
        for (int y = rowStart; y < rowEnd; y++)
        {
            float* from = flat + (y - rowStart) * paddedWidth;
            float* to = output + (nint)y * g.OutWidth;
            VectorCopy.Copy<TIsa, TVector>(from, to, g.OutWidth);
        }
    }

    /// <summary>
    /// Copies one input row into a padded buffer: P[q] = row[q - padLeft], <paramref name="padValue"/> outside the row;
    /// for stride 2 the buffer holds the even cells, then (from rowLength/2) the odd ones.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void FillRow<TIsa, TVector>(float* row, int inWidth, int padLeft, int stride, float* buffer, int rowLength, float padValue = 0f)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        if (stride != 1)
        {
            FillRowSplit<TIsa, TVector>(row, inWidth, padLeft, buffer, rowLength, padValue);
            return;
        }
        // Plain vector loops: rows are short (tens of floats), where Span.Fill/MemoryCopy call overhead dominates.
        int width = TIsa.Count;
        int copyStart = Math.Min(padLeft, rowLength);
        int copyCount = Math.Min(padLeft + inWidth, rowLength) - copyStart;
        // Only the margins take the pad value; the middle is overwritten by the row right after.
        int i = 0;
        for (; i < copyStart; i++) buffer[i] = padValue;
        TVector pad = TIsa.Broadcast(padValue);
        i = copyStart + copyCount;
        for (; i < rowLength && ((nint)(buffer + i) & 63) != 0; i++) buffer[i] = padValue;
        for (; i + width <= rowLength; i += width) TIsa.Store(buffer + i, pad);
        for (; i < rowLength; i++) buffer[i] = padValue;
        VectorCopy.Copy<TIsa, TVector>(row + (copyStart - padLeft), buffer + copyStart, copyCount);
    }

    /// <summary>
    /// Stride 2: P's even cells to buffer[0, half), its odd cells to buffer[half, rowLength), split straight from the
    /// input row. The row's even elements land in one half and its odd elements in the other, each shifted by about
    /// padLeft/2. Going through a padded copy of the row first made every aligned load of the split read two unaligned
    /// stores just made, which the store buffer cannot forward: this function was 55 % of a stride-2 depthwise
    /// convolution (96 channels, 112×112 → 56×56).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillRowSplit<TIsa, TVector>(float* row, int inWidth, int padLeft, float* buffer, int rowLength, float padValue)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        int half = rowLength / 2;
        TVector pad = TIsa.Broadcast(padValue);
        int i = 0;
        for (; i + width <= rowLength; i += width) TIsa.Store(buffer + i, pad);
        for (; i < rowLength; i++) buffer[i] = padValue;
        // Row element c sits at P[c + padLeft]: row[2k] and row[2k + 1] go to these cells of the two halves.
        bool oddPad = (padLeft & 1) != 0;
        int evenStart = oddPad ? (padLeft - 1) / 2 : padLeft / 2, oddStart = oddPad ? (padLeft + 1) / 2 : padLeft / 2;
        float* fromEven = (oddPad ? buffer + half : buffer) + evenStart;
        float* fromOdd = (oddPad ? buffer : buffer + half) + oddStart;
        // Cells past the buffer are never read (the row is longer than the outputs need): clipped.
        int evenCount = Math.Max(0, Math.Min((inWidth + 1) / 2, half - evenStart));
        int oddCount = Math.Max(0, Math.Min(inWidth / 2, half - oddStart));
        int k = 0;
        for (; k + width <= Math.Min(evenCount, oddCount) && 2 * (k + width) <= inWidth; k += width)
        {
            TIsa.Deinterleave(TIsa.Load(row + 2 * k), TIsa.Load(row + 2 * k + width), out TVector even, out TVector odd);
            TIsa.Store(fromEven + k, even);
            TIsa.Store(fromOdd + k, odd);
        }
        // The rest with masked loads and stores, never reading past the row or writing past the clipped counts (a
        // scalar tail here made 28-wide rows, which have no whole pair of vectors, 20 % slower than before the split).
        for (; k < Math.Max(evenCount, oddCount); k += width)
        {
            int cells = Math.Min(inWidth - 2 * k, 2 * width);
            TVector low = cells >= width ? TIsa.Load(row + 2 * k) : TIsa.LoadPartial(row + 2 * k, cells);
            TVector high = cells > width ? TIsa.LoadPartial(row + 2 * k + width, cells - width) : TIsa.Zero;
            TIsa.Deinterleave(low, high, out TVector even, out TVector odd);
            if (k < evenCount) TIsa.StorePartial(fromEven + k, even, Math.Min(width, evenCount - k));
            if (k < oddCount) TIsa.StorePartial(fromOdd + k, odd, Math.Min(width, oddCount - k));
        }
    }

    /// <summary>All output rows of a band for a 3x3 kernel; rowStep/dilationStep are the buffer offsets between output rows and kernel rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Band3x3<TIsa, TVector>(float* buffer, int rowStep, int dilationStep, float* kernel, int* tapOffsets, float* output, int outRows, int outWidth)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        TVector w00 = TIsa.Broadcast(kernel[0]), w01 = TIsa.Broadcast(kernel[1]), w02 = TIsa.Broadcast(kernel[2]);
        TVector w10 = TIsa.Broadcast(kernel[3]), w11 = TIsa.Broadcast(kernel[4]), w12 = TIsa.Broadcast(kernel[5]);
        TVector w20 = TIsa.Broadcast(kernel[6]), w21 = TIsa.Broadcast(kernel[7]), w22 = TIsa.Broadcast(kernel[8]);
        nint o0 = tapOffsets[0], o1 = tapOffsets[1], o2 = tapOffsets[2];
        if (typeof(TVector) == typeof(Vector512<float>) && Avx512F.IsSupported && o0 == 0 && o1 == 1 && o2 == 2
            && ((nint)buffer & 63) == 0 && rowStep % 16 == 0 && dilationStep % 16 == 0)
        {
            Band3x3Stride1Avx512(buffer, rowStep, dilationStep, kernel, output, outRows, outWidth);
            return;
        }
        int fullWidth = outWidth / width * width;
        for (int outY = 0; outY < outRows; outY++)
        {
            float* r0 = buffer + (nint)outY * rowStep;
            float* r1 = r0 + dilationStep;
            float* r2 = r1 + dilationStep;
            float* outRow = output + (nint)outY * outWidth;
            int x = 0;
            for (; x < fullWidth; x += width)
                TIsa.Store(outRow + x, Taps3x3<TIsa, TVector>(r0 + x, r1 + x, r2 + x, o0, o1, o2, w00, w01, w02, w10, w11, w12, w20, w21, w22));
            if (x < outWidth)
                TIsa.StorePartial(outRow + x, Taps3x3<TIsa, TVector>(r0 + x, r1 + x, r2 + x, o0, o1, o2, w00, w01, w02, w10, w11, w12, w20, w21, w22), outWidth - x);
        }
    }

    /// <summary>
    /// <see cref="Band3x3{TIsa, TVector}"/> for stride 1 with AVX-512: the taps one and two floats to the right are built
    /// from two aligned loads with VALIGND instead of loaded across cache lines (two of every three loads would split),
    /// and each aligned load is reused by the next vector. The products go through <see cref="Sum3x3"/>, so the same bits.
    /// Rows are 64-byte aligned and at least one vector longer than the output row (<see cref="RowLength"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Band3x3Stride1Avx512(float* buffer, int rowStep, int dilationStep, float* kernel, float* output, int outRows, int outWidth)
    {
        Vector512<float> w00 = Vector512.Create(kernel[0]), w01 = Vector512.Create(kernel[1]), w02 = Vector512.Create(kernel[2]);
        Vector512<float> w10 = Vector512.Create(kernel[3]), w11 = Vector512.Create(kernel[4]), w12 = Vector512.Create(kernel[5]);
        Vector512<float> w20 = Vector512.Create(kernel[6]), w21 = Vector512.Create(kernel[7]), w22 = Vector512.Create(kernel[8]);
        for (int outY = 0; outY < outRows; outY++)
        {
            float* r0 = buffer + (nint)outY * rowStep;
            float* r1 = r0 + dilationStep;
            float* r2 = r1 + dilationStep;
            float* outRow = output + (nint)outY * outWidth;
            Vector512<float> c0 = Vector512.LoadAligned(r0), c1 = Vector512.LoadAligned(r1), c2 = Vector512.LoadAligned(r2);
            for (int x = 0; x < outWidth; x += 16)
            {
                Vector512<float> n0 = Vector512.LoadAligned(r0 + x + 16), n1 = Vector512.LoadAligned(r1 + x + 16), n2 = Vector512.LoadAligned(r2 + x + 16);
                Vector512<float> sum = Sum3x3<Vector512Isa, Vector512<float>>(w00, w01, w02, w10, w11, w12, w20, w21, w22,
                    c0, InputRowsAvx512.ShiftByOne(n0, c0), InputRowsAvx512.ShiftByTwo(n0, c0), c1, InputRowsAvx512.ShiftByOne(n1, c1), InputRowsAvx512.ShiftByTwo(n1, c1), c2, InputRowsAvx512.ShiftByOne(n2, c2), InputRowsAvx512.ShiftByTwo(n2, c2));
                Vector512Isa.StorePartial(outRow + x, sum, outWidth - x);
                c0 = n0;
                c1 = n1;
                c2 = n2;
            }
        }
    }

    /// <summary>
    /// 3×3 at stride 1 with one cell of padding left and right, or at stride 2 with one on the left (the depthwise steps
    /// of every MobileNet and MV2 block), with AVX-512: <see cref="Rows3x3Stride1Avx512"/> and
    /// <see cref="Rows3x3Stride2Avx512"/> instead of the padded band; with AVX2 and FMA,
    /// <see cref="DepthwiseRowsAvx.Rows3x3Stride1"/> and <see cref="DepthwiseRowsAvx.Rows3x3Stride2"/>.
    /// </summary>
    private static bool UsesDirectRows<TVector>(in Conv2dGeometry g) where TVector : struct
        => (typeof(TVector) == typeof(Vector512<float>) && Avx512F.IsSupported
            || typeof(TVector) == typeof(Vector256<float>) && Avx2.IsSupported && Fma.IsSupported)
           && g.KernelHeight == 3 && g.KernelWidth == 3 && g.DilationHeight == 1 && g.DilationWidth == 1 && g.PadLeft == 1
           && ((g.StrideHeight == 1 && g.StrideWidth == 1 && g.OutWidth == g.InWidth)
               || (g.StrideHeight == 2 && g.StrideWidth == 2 && 2 * g.OutWidth <= g.InWidth + 1));

    /// <summary>
    /// Whether a plane <see cref="DepthwiseChannelBlocks"/> could take stays with the direct rows instead (its
    /// <see cref="DepthwiseChannelBlocks.Supports"/> asks): once an output row fills most of a vector. Per kernel, channel blocks against direct rows (ReLU6): stride 2, 144 channels
    /// 56×56 97 → 54 µs, 192 of 28×28 28 → 24.5 µs, 160 of 32×32 34–37 → 20 µs, but 576 of 14×14 23 → 35 µs and
    /// 256 of 16×16 11 → 15 µs; stride 1, 96 of 16×16 11 → 10 µs, but 384 of 14×14 35–36 → 42 µs. Since channel blocks
    /// take eight cells of a row per pass (ReLU6, direct rows → channel blocks): stride 1, 256 of 16×16 25 → 19 µs, 128 of
    /// 20×20 23 → 18, 128 of 24×24 28 → 23, 192 of 28×28 49 → 49, 160 of 32×32 44 → 72; stride 2, 240 of 28×28 28 → 30.
    /// </summary>
    internal static bool PrefersDirectRows(in Conv2dGeometry g)
        => UsesDirectRows<Vector512<float>>(g) && (g.StrideWidth == 1 ? g.InWidth >= DirectRowsMinWidthStride1 : g.OutWidth >= 12);

    /// <summary>
    /// Whether a stride-2 plane the 8-channel blocks could take stays with <see cref="DepthwiseRowsAvx.Rows3x3Stride2"/>:
    /// when its output rows are whole vectors, two or more. Zen 3, same process, channel blocks against rows: 256 channels
    /// of 32×32 86-88 → 62-64 µs, 160 of 32×32 53 → 39 µs; 384 of 16×16 tie (51 → 50-55); with a partial last vector the
    /// blocks stayed faster (144 of 56×56 131-181 → 154-217, 192 of 28×28 55-56 → 69), and still do inside MobileNetV2
    /// with the rows' tails stored in plain pieces (192 of 28×28: 52 against 57 µs; 144 of 56×56 135 against 130, a tie).
    /// </summary>
    internal static bool PrefersDirectRowsAvx(in Conv2dGeometry g)
        => UsesDirectRows<Vector256<float>>(g) && g.StrideWidth == 2 && g.OutWidth % 8 == 0 && g.OutWidth >= 16;

    /// <summary>Input width from which 3 × 3 stride-1 planes stay with the direct rows (the two kernels tie at 28).</summary>
    internal const int DirectRowsMinWidthStride1 = 28;

    /// <summary>
    /// Output rows [rowStart, rowEnd) of one plane for <see cref="UsesDirectRows"/> geometries, before the epilogue, read
    /// straight from the input rows: the tap one float to the left is the aligned vector shifted right by one with the
    /// previous vector's last float (VALIGND), the tap one to the right the same with the next vector's first; before
    /// the row and past its end those vectors are zeros, which is the padding. Copying each row into a padded buffer
    /// first took as long as the products (25–33 % of a 144-channel 56×56 step). The products go through
    /// <see cref="Sum3x3"/> like the band path's, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows3x3Stride1Avx512(float* plane, int width, int height, int padTop, float* kernel, float* output, int rowStart, int rowEnd, float* zeroRow)
    {
        Vector512<float> w00 = Vector512.Create(kernel[0]), w01 = Vector512.Create(kernel[1]), w02 = Vector512.Create(kernel[2]);
        Vector512<float> w10 = Vector512.Create(kernel[3]), w11 = Vector512.Create(kernel[4]), w12 = Vector512.Create(kernel[5]);
        Vector512<float> w20 = Vector512.Create(kernel[6]), w21 = Vector512.Create(kernel[7]), w22 = Vector512.Create(kernel[8]);
        for (int outY = rowStart; outY < rowEnd; outY++)
        {
            int inY = outY - padTop;
            float* r0 = InputRowsAvx512.InputRow(plane, inY, width, height, zeroRow);
            float* r1 = InputRowsAvx512.InputRow(plane, inY + 1, width, height, zeroRow);
            float* r2 = InputRowsAvx512.InputRow(plane, inY + 2, width, height, zeroRow);
            float* outRow = output + (nint)outY * width;
            if (width > 16 && width < LoadedTapsMaxWidth)
            {
                Row3x3Stride1LoadedTapsAvx512(r0, r1, r2, width, w00, w01, w02, w10, w11, w12, w20, w21, w22, outRow);
                continue;
            }
            Vector512<float> p0 = Vector512<float>.Zero, p1 = Vector512<float>.Zero, p2 = Vector512<float>.Zero;
            Vector512<float> c0 = InputRowsAvx512.LoadRowVector(r0, 0, width), c1 = InputRowsAvx512.LoadRowVector(r1, 0, width), c2 = InputRowsAvx512.LoadRowVector(r2, 0, width);
            for (int x = 0; x < width; x += 16)
            {
                Vector512<float> n0 = InputRowsAvx512.LoadRowVector(r0, x + 16, width), n1 = InputRowsAvx512.LoadRowVector(r1, x + 16, width), n2 = InputRowsAvx512.LoadRowVector(r2, x + 16, width);
                Vector512<float> sum = Sum3x3<Vector512Isa, Vector512<float>>(w00, w01, w02, w10, w11, w12, w20, w21, w22,
                    InputRowsAvx512.ShiftInFromLeft(c0, p0), c0, InputRowsAvx512.ShiftByOne(n0, c0), InputRowsAvx512.ShiftInFromLeft(c1, p1), c1, InputRowsAvx512.ShiftByOne(n1, c1),
                    InputRowsAvx512.ShiftInFromLeft(c2, p2), c2, InputRowsAvx512.ShiftByOne(n2, c2));
                Vector512Isa.StorePartial(outRow + x, sum, width - x);
                p0 = c0;
                p1 = c1;
                p2 = c2;
                c0 = n0;
                c1 = n1;
                c2 = n2;
            }
        }
    }

    /// <summary>Widths below which rows take their side taps as loads (<see cref="Row3x3Stride1LoadedTapsAvx512"/>).</summary>
    private const int LoadedTapsMaxWidth = 96;

    /// <summary>
    /// One output row of <see cref="Rows3x3Stride1Avx512"/> for rows of more than one vector: every tap that lies inside
    /// the row is an unaligned load (load ports) instead of VALIGND from the neighbouring vectors (port 5, which the
    /// multiply-adds also need); only the taps on the zero padding, left of the first vector and right of the last, are
    /// still shifted in. The taps are the same floats, so the same bits. Inside the models: 48 channels of 56×56
    /// 0.77-0.82 (RepViT-M0.9), 96 of 28×28 0.76-0.77 (RepViT-M0.9), 144 of 56×56 and 192 of 28×28 with ReLU6 0.80-0.87
    /// (MobileNetV2), 72 of 56×56 0.75-0.78 (MobileNetV3-L), 192 of 64×64 0.98 (MobileViT-XS). On planes of 112 and 128
    /// the input comes from beyond the L2 and the loads that straddle cache lines cost more than the shifts (0.96-1.04),
    /// so those rows keep the shifts.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row3x3Stride1LoadedTapsAvx512(float* r0, float* r1, float* r2, int width,
        Vector512<float> w00, Vector512<float> w01, Vector512<float> w02, Vector512<float> w10, Vector512<float> w11, Vector512<float> w12,
        Vector512<float> w20, Vector512<float> w21, Vector512<float> w22, float* outRow)
    {
        Vector512<float> a0 = Vector512.Load(r0), a1 = Vector512.Load(r1), a2 = Vector512.Load(r2);
        Vector512.Store(Sum3x3<Vector512Isa, Vector512<float>>(w00, w01, w02, w10, w11, w12, w20, w21, w22,
            InputRowsAvx512.ShiftInFromLeft(a0, Vector512<float>.Zero), a0, Vector512.Load(r0 + 1),
            InputRowsAvx512.ShiftInFromLeft(a1, Vector512<float>.Zero), a1, Vector512.Load(r1 + 1),
            InputRowsAvx512.ShiftInFromLeft(a2, Vector512<float>.Zero), a2, Vector512.Load(r2 + 1)), outRow);
        int x = 16;
        for (; x + 16 < width; x += 16)
            Vector512.Store(Sum3x3<Vector512Isa, Vector512<float>>(w00, w01, w02, w10, w11, w12, w20, w21, w22,
                Vector512.Load(r0 + x - 1), Vector512.Load(r0 + x), Vector512.Load(r0 + x + 1),
                Vector512.Load(r1 + x - 1), Vector512.Load(r1 + x), Vector512.Load(r1 + x + 1),
                Vector512.Load(r2 + x - 1), Vector512.Load(r2 + x), Vector512.Load(r2 + x + 1)), outRow + x);
        // The last vector (1 to 16 floats): masked loads, so nothing past the row is read.
        int valid = width - x;
        a0 = Vector512Isa.LoadPartial(r0 + x, valid);
        a1 = Vector512Isa.LoadPartial(r1 + x, valid);
        a2 = Vector512Isa.LoadPartial(r2 + x, valid);
        Vector512Isa.StorePartial(outRow + x, Sum3x3<Vector512Isa, Vector512<float>>(w00, w01, w02, w10, w11, w12, w20, w21, w22,
            Vector512Isa.LoadPartial(r0 + x - 1, valid + 1), a0, InputRowsAvx512.ShiftByOne(Vector512<float>.Zero, a0),
            Vector512Isa.LoadPartial(r1 + x - 1, valid + 1), a1, InputRowsAvx512.ShiftByOne(Vector512<float>.Zero, a1),
            Vector512Isa.LoadPartial(r2 + x - 1, valid + 1), a2, InputRowsAvx512.ShiftByOne(Vector512<float>.Zero, a2)), valid);
    }

    /// <summary>
    /// <see cref="Rows3x3Stride1Avx512"/> at stride 2: each 32 input floats are split into their even cells (the middle
    /// tap) and odd cells (the right tap); the left tap is the odd cells shifted right by one with the previous odd
    /// vector's last float. The padded, de-interleaved band the band path builds first is not needed. The products go
    /// through <see cref="Sum3x3"/> like the band path's, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows3x3Stride2Avx512(float* plane, int width, int height, int padTop, float* kernel, float* output, int outWidth,
        int rowStart, int rowEnd, float* zeroRow)
    {
        Vector512<float> w00 = Vector512.Create(kernel[0]), w01 = Vector512.Create(kernel[1]), w02 = Vector512.Create(kernel[2]);
        Vector512<float> w10 = Vector512.Create(kernel[3]), w11 = Vector512.Create(kernel[4]), w12 = Vector512.Create(kernel[5]);
        Vector512<float> w20 = Vector512.Create(kernel[6]), w21 = Vector512.Create(kernel[7]), w22 = Vector512.Create(kernel[8]);
        for (int outY = rowStart; outY < rowEnd; outY++)
        {
            int inY = 2 * outY - padTop;
            float* r0 = InputRowsAvx512.InputRow(plane, inY, width, height, zeroRow);
            float* r1 = InputRowsAvx512.InputRow(plane, inY + 1, width, height, zeroRow);
            float* r2 = InputRowsAvx512.InputRow(plane, inY + 2, width, height, zeroRow);
            float* outRow = output + (nint)outY * outWidth;
            Vector512<float> odd0 = Vector512<float>.Zero, odd1 = Vector512<float>.Zero, odd2 = Vector512<float>.Zero;
            for (int x = 0; x < outWidth; x += 16)
            {
                int at = 2 * x;
                Vector512Isa.Deinterleave(InputRowsAvx512.LoadRowVector(r0, at, width), InputRowsAvx512.LoadRowVector(r0, at + 16, width), out Vector512<float> e0, out Vector512<float> o0);
                Vector512Isa.Deinterleave(InputRowsAvx512.LoadRowVector(r1, at, width), InputRowsAvx512.LoadRowVector(r1, at + 16, width), out Vector512<float> e1, out Vector512<float> o1);
                Vector512Isa.Deinterleave(InputRowsAvx512.LoadRowVector(r2, at, width), InputRowsAvx512.LoadRowVector(r2, at + 16, width), out Vector512<float> e2, out Vector512<float> o2);
                Vector512<float> sum = Sum3x3<Vector512Isa, Vector512<float>>(w00, w01, w02, w10, w11, w12, w20, w21, w22,
                    InputRowsAvx512.ShiftInFromLeft(o0, odd0), e0, o0, InputRowsAvx512.ShiftInFromLeft(o1, odd1), e1, o1, InputRowsAvx512.ShiftInFromLeft(o2, odd2), e2, o2);
                Vector512Isa.StorePartial(outRow + x, sum, outWidth - x);
                odd0 = o0;
                odd1 = o1;
                odd2 = o2;
            }
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static TVector Taps3x3<TIsa, TVector>(float* r0, float* r1, float* r2, nint o0, nint o1, nint o2,
        TVector w00, TVector w01, TVector w02, TVector w10, TVector w11, TVector w12, TVector w20, TVector w21, TVector w22)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => Sum3x3<TIsa, TVector>(w00, w01, w02, w10, w11, w12, w20, w21, w22,
            TIsa.Load(r0 + o0), TIsa.Load(r0 + o1), TIsa.Load(r0 + o2),
            TIsa.Load(r1 + o0), TIsa.Load(r1 + o1), TIsa.Load(r1 + o2),
            TIsa.Load(r2 + o0), TIsa.Load(r2 + o1), TIsa.Load(r2 + o2));

    /// <summary>
    /// One output vector of a 3×3 kernel from its nine taps (tXY: kernel row X, column Y), one accumulator per kernel row:
    /// three short dependency chains instead of one of nine multiply-adds. Every 3×3 path (padded band, direct rows, any
    /// vector width) sums through here, which is why they agree to the bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVector Sum3x3<TIsa, TVector>(TVector w00, TVector w01, TVector w02, TVector w10, TVector w11, TVector w12,
        TVector w20, TVector w21, TVector w22, TVector t00, TVector t01, TVector t02, TVector t10, TVector t11, TVector t12,
        TVector t20, TVector t21, TVector t22)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        TVector a0 = TIsa.Multiply(w00, t00);
        TVector a1 = TIsa.Multiply(w10, t10);
        TVector a2 = TIsa.Multiply(w20, t20);
        a0 = TIsa.MultiplyAdd(w01, t01, a0);
        a1 = TIsa.MultiplyAdd(w11, t11, a1);
        a2 = TIsa.MultiplyAdd(w21, t21, a2);
        a0 = TIsa.MultiplyAdd(w02, t02, a0);
        a1 = TIsa.MultiplyAdd(w12, t12, a1);
        a2 = TIsa.MultiplyAdd(w22, t22, a2);
        return TIsa.Add(TIsa.Add(a0, a1), a2);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowGeneral<TIsa, TVector>(float** rows, float* kernel, int* tapOffsets, int kernelHeight, int kernelWidth, float* output, int outWidth)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        for (int x = 0; x < outWidth; x += width)
        {
            TVector even = TIsa.Zero, odd = TIsa.Zero;
            for (int ky = 0; ky < kernelHeight; ky++)
            {
                float* row = rows[ky] + x;
                float* taps = kernel + ky * kernelWidth;
                int kx = 0;
                for (; kx + 1 < kernelWidth; kx += 2)
                {
                    even = TIsa.MultiplyAdd(TIsa.Broadcast(taps[kx]), TIsa.Load(row + tapOffsets[kx]), even);
                    odd = TIsa.MultiplyAdd(TIsa.Broadcast(taps[kx + 1]), TIsa.Load(row + tapOffsets[kx + 1]), odd);
                }
                if (kx < kernelWidth) even = TIsa.MultiplyAdd(TIsa.Broadcast(taps[kx]), TIsa.Load(row + tapOffsets[kx]), even);
            }
            TVector sum = TIsa.Add(even, odd);
            if (x + width <= outWidth) TIsa.Store(output + x, sum);
            else TIsa.StorePartial(output + x, sum, outWidth - x);
        }
    }
}
