using System.Runtime.CompilerServices;
using System;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// Scaled dot-product attention for many heads at once: for each head h, O_h = softmax(alpha · Q_h · K_hᵀ) · V_h, with
/// Q_h [queries, headDim], K_h [keys, headDim], V_h [keys, valueDim] at per-head offsets and O_h [queries, valueDim]
/// packed one after another. Head by head, in one score buffer per thread (256 × 256 floats for a MobileViT block:
/// 256 KB, written, normalized and read again while it is still in L2) instead of a buffer for every head (4 MB).
/// The scores are computed transposed, Sᵀ = K_h · Q_hᵀ (one column per query), softmaxed down the columns (all but
/// the division by each column's sum, which O_hᵀ's columns take afterwards), and O_hᵀ = V_hᵀ · Sᵀ: the head size (16–60 in MobileViT) is then the GEMM's rows, in whole 6-row tiles, instead of its
/// columns, where 24 or 36 of them filled two or three 16-float vectors by half (16 heads of 256 × 256, head size
/// 16 / 24 / 36: 684–717 → 604, 888–978 → 790, 1238–1564 → 1117 µs); O_hᵀ is transposed into place on the way out. The
/// softmax applies alpha as it reads the scores (with AVX-512 folded into the exponent's one multiply-add). Above one thread
/// (<see cref="KernelParallelism"/>) whole heads go to each thread.
/// </summary>
public static unsafe class AttentionF32
{
    /// <param name="scores">
    /// Working memory: a whole number of slices, at least one. Each thread uses one slice for all its heads, so the
    /// number of slices caps the threads this step uses. A slice of <see cref="PaddedSliceFloats"/> keeps the score rows
    /// whole cache lines apart (196 queries: rows of 208 floats); with less, a slice is queries · keys floats.
    /// </param>
    public static void Run(ReadOnlySpan<float> q, ReadOnlySpan<int> qOffsets, ReadOnlySpan<float> k, ReadOnlySpan<int> kOffsets,
        ReadOnlySpan<float> v, ReadOnlySpan<int> vOffsets, Span<float> scores, Span<float> output,
        int queries, int keys, int headDim, int valueDim, float alpha)
        => Run(q, qOffsets, k, kOffsets, v, vOffsets, scores, output, queries, keys, headDim, valueDim, alpha, KernelIsaSelector.Best);

    /// <summary>
    /// The same attention on matrices left where the neighbouring steps keep them: head h's Q, K and V rows start at
    /// their offsets and lie <paramref name="qRowStride"/>, <paramref name="kRowStride"/> and <paramref name="vRowStride"/>
    /// floats apart (the heads of one linear layer's output, [tokens, 3 · heads · headDim], read in place), and its output
    /// rows start at outputOffsets[h], <paramref name="outputRowStride"/> floats apart (the heads written straight into
    /// [tokens, heads · valueDim]). The heads' output rows must not overlap one another.
    /// </summary>
    public static void Run(ReadOnlySpan<float> q, ReadOnlySpan<int> qOffsets, int qRowStride, ReadOnlySpan<float> k, ReadOnlySpan<int> kOffsets, int kRowStride,
        ReadOnlySpan<float> v, ReadOnlySpan<int> vOffsets, int vRowStride, Span<float> scores, Span<float> output, ReadOnlySpan<int> outputOffsets, int outputRowStride,
        int queries, int keys, int headDim, int valueDim, float alpha)
    {
        if (outputOffsets.Length != qOffsets.Length) throw new ArgumentException($"Expected {qOffsets.Length} output offsets, one per head.", nameof(outputOffsets));
        fixed (int* outputOffsetPointer = outputOffsets)
            Run(q, qOffsets, qRowStride, k, kOffsets, kRowStride, v, vOffsets, vRowStride, scores, output, outputOffsetPointer, outputRowStride,
                queries, keys, headDim, valueDim, alpha, KernelIsaSelector.Best);
    }

    internal static void Run(ReadOnlySpan<float> q, ReadOnlySpan<int> qOffsets, ReadOnlySpan<float> k, ReadOnlySpan<int> kOffsets,
        ReadOnlySpan<float> v, ReadOnlySpan<int> vOffsets, Span<float> scores, Span<float> output,
        int queries, int keys, int headDim, int valueDim, float alpha, KernelIsa isa)
        => Run(q, qOffsets, headDim, k, kOffsets, headDim, v, vOffsets, valueDim, scores, output, null, valueDim, queries, keys, headDim, valueDim, alpha, isa);

    /// <summary>outputOffsets null: the heads' outputs packed one after another, queries · valueDim floats each.</summary>
    internal static void Run(ReadOnlySpan<float> q, ReadOnlySpan<int> qOffsets, int qRowStride, ReadOnlySpan<float> k, ReadOnlySpan<int> kOffsets, int kRowStride,
        ReadOnlySpan<float> v, ReadOnlySpan<int> vOffsets, int vRowStride, Span<float> scores, Span<float> output, int* outputOffsets, int outputRowStride,
        int queries, int keys, int headDim, int valueDim, float alpha, KernelIsa isa)
    {
        if (queries <= 0 || keys <= 0 || headDim <= 0 || valueDim <= 0) throw new ArgumentOutOfRangeException(nameof(queries), "Dimensions must be positive.");
        int heads = qOffsets.Length;
        if (kOffsets.Length != heads || vOffsets.Length != heads) throw new ArgumentException($"Expected {heads} offsets for each of q, k and v.", nameof(kOffsets));
        CheckRows(qOffsets, queries, headDim, qRowStride, q.Length, nameof(q));
        CheckRows(kOffsets, keys, headDim, kRowStride, k.Length, nameof(k));
        CheckRows(vOffsets, keys, valueDim, vRowStride, v.Length, nameof(v));
        if (outputOffsets == null) Check(output.Length >= (long)heads * queries * valueDim && outputRowStride == valueDim, nameof(output));
        else CheckRows(new ReadOnlySpan<int>(outputOffsets, heads), queries, valueDim, outputRowStride, output.Length, nameof(output));
        long paddedSlice = PaddedSliceFloats(queries, keys);
        bool padded = scores.Length >= paddedSlice;
        long sliceFloats = padded ? paddedSlice : (long)queries * keys;
        int slices = (int)Math.Min(heads, scores.Length / sliceFloats);
        Check(slices >= 1, nameof(scores));

        fixed (float* qPointer = q)
        fixed (float* kPointer = k)
        fixed (float* vPointer = v)
        fixed (float* scorePointer = scores)
        fixed (float* outputPointer = output)
        fixed (int* qOffsetPointer = qOffsets)
        fixed (int* kOffsetPointer = kOffsets)
        fixed (int* vOffsetPointer = vOffsets)
        {
            var job = new Job
            {
                Q = qPointer, K = kPointer, V = vPointer, Scores = scorePointer, Output = outputPointer,
                QOffsets = qOffsetPointer, KOffsets = kOffsetPointer, VOffsets = vOffsetPointer, OutputOffsets = outputOffsets,
                QRowStride = qRowStride, KRowStride = kRowStride, VRowStride = vRowStride, OutputRowStride = outputRowStride,
                Heads = heads, Queries = queries, Keys = keys, HeadDim = headDim, ValueDim = valueDim, Alpha = alpha, Isa = isa, Parts = 1,
                SliceFloats = sliceFloats, Padded = padded,
            };
            int degree = KernelParallelism.Current;
            if (degree > 1 && slices > 1)
            {
                job.Parts = Math.Min(slices, degree);
                WorkerPool.For(degree, job.Parts, &RunPart, System.Runtime.CompilerServices.Unsafe.AsPointer(ref job));
                return;
            }
            RunPart(System.Runtime.CompilerServices.Unsafe.AsPointer(ref job), 0);
        }
    }

    private struct Job
    {
        public float* Q, K, V, Scores, Output;
        public int* QOffsets, KOffsets, VOffsets, OutputOffsets;
        public int QRowStride, KRowStride, VRowStride, OutputRowStride, Heads, Queries, Keys, HeadDim, ValueDim, Parts;
        public float Alpha;
        public KernelIsa Isa;
        public long SliceFloats;
        public bool Padded;
    }

    /// <summary>
    /// Floats of one padded slice: the scores with their rows a whole number of 16-float vectors (a 64-byte line) long,
    /// in either orientation the heads use. Rows of 196 floats put three in four vector loads across two cache lines:
    /// 16 heads of 196 × 196, head size 16, measured 489 µs against 396 for 192 × 192.
    /// </summary>
    public static long PaddedSliceFloats(int queries, int keys) => Math.Max((long)keys * RoundUp(queries), (long)queries * RoundUp(keys));

    private static int RoundUp(int count) => (count + 15) / 16 * 16;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunPart(void* context, int part)
    {
        ref Job job = ref System.Runtime.CompilerServices.Unsafe.AsRef<Job>(context);
        int first = WorkerPool.FirstUnit(job.Heads, part, job.Parts), end = WorkerPool.FirstUnit(job.Heads, part + 1, job.Parts);
        int outputSize = job.Queries * job.ValueDim;
        // O_hᵀ on the stack; heads whose output would not fit take the untransposed products instead.
        bool transposed = outputSize <= MaxTransposedOutput;
        float* outputTransposed = stackalloc float[transposed ? outputSize : 1];
        float* inverseSums = stackalloc float[transposed ? job.Queries : 1];
        // Each head on this thread alone: the split is across heads.
        int previous = KernelParallelism.Enter(1);
        try
        {
            for (int h = first; h < end; h++)
            {
                float* scores = job.Scores + part * job.SliceFloats;
                // The offsets were checked against the spans' lengths before the job started.
                float* q = job.Q + job.QOffsets[h], k = job.K + job.KOffsets[h], v = job.V + job.VOffsets[h];
                float* output = job.Output + (job.OutputOffsets == null ? (nint)h * outputSize : job.OutputOffsets[h]);
                if (transposed)
                {
                    int stride = job.Padded ? RoundUp(job.Queries) : job.Queries;
                    GemmF32.RunStrided(k, false, job.KRowStride, q, true, job.QRowStride, scores, stride, job.Keys, job.HeadDim, job.Queries, 1f, job.Isa);
                    // The probabilities' last pass (each exponential times its column's 1 / sum) is left to O_hᵀ's few rows.
                    SoftmaxF32.RunScaledColumns(scores, job.Keys, job.Queries, stride, job.Alpha, inverseSums, job.Isa);
                    GemmF32.RunStrided(v, true, job.VRowStride, scores, false, stride, outputTransposed, job.Queries, job.ValueDim, job.Keys, job.Queries, 1f, job.Isa);
                    ScaleColumns(outputTransposed, job.ValueDim, job.Queries, inverseSums, job.Isa);
                    StridedCopyF32.Transpose(outputTransposed, job.ValueDim, job.Queries, output, job.OutputRowStride);
                    continue;
                }
                int rowStride = job.Padded ? RoundUp(job.Keys) : job.Keys;
                GemmF32.RunStrided(q, false, job.QRowStride, k, true, job.KRowStride, scores, rowStride, job.Queries, job.HeadDim, job.Keys, 1f, job.Isa);
                SoftmaxF32.RunScaledRows(scores, job.Queries, job.Keys, rowStride, job.Alpha, job.Isa);
                GemmF32.RunStrided(scores, false, rowStride, v, false, job.VRowStride, output, job.OutputRowStride, job.Queries, job.Keys, job.ValueDim, 1f, job.Isa);
            }
        }
        finally
        {
            KernelParallelism.Exit(previous);
        }
    }

    /// <summary>
    /// Each of <paramref name="columns"/> columns of a row-major matrix times its factor: O_hᵀ's columns (one per query)
    /// by the softmax's 1 / sum. 16 heads of 256 × 256 with head size 24: this on the 24 × 256 outputs instead of the
    /// softmax's pass over the 256 × 256 probabilities: attention steps 0.89-0.93, MobileViT-XS 0.99, MobileViT-XXS
    /// 0.98, MobileViTv3-XXS 0.97.
    /// </summary>
    private static void ScaleColumns(float* matrix, int rows, int columns, float* factors, KernelIsa isa)
    {
        switch (isa)
        {
            case KernelIsa.Vector512: ScaleColumns<Vector512Isa, System.Runtime.Intrinsics.Vector512<float>>(matrix, rows, columns, factors); break;
            case KernelIsa.Vector256: ScaleColumns<Vector256Isa, System.Runtime.Intrinsics.Vector256<float>>(matrix, rows, columns, factors); break;
            case KernelIsa.Vector128: ScaleColumns<Vector128Isa, System.Runtime.Intrinsics.Vector128<float>>(matrix, rows, columns, factors); break;
            default:
                for (int r = 0; r < rows; r++)
                    for (int j = 0; j < columns; j++) matrix[(nint)r * columns + j] *= factors[j];
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScaleColumns<TIsa, TVector>(float* matrix, int rows, int columns, float* factors)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count, whole = columns / width * width;
        for (int r = 0; r < rows; r++)
        {
            float* row = matrix + (nint)r * columns;
            for (int j = 0; j < whole; j += width) TIsa.Store(row + j, TIsa.Multiply(TIsa.Load(row + j), TIsa.Load(factors + j)));
            if (whole < columns)
                TIsa.StorePartial(row + whole, TIsa.Multiply(TIsa.LoadPartial(row + whole, columns - whole), TIsa.LoadPartial(factors + whole, columns - whole)), columns - whole);
        }
    }

    /// <summary>Floats of a head's transposed output kept on the stack (64 KiB: MobileViT-S's 60 × 256).</summary>
    private const int MaxTransposedOutput = 16 * 1024;

    /// <summary>Every head's rows (rows × columns, rowStride floats apart, from its offset) lie inside a span of length floats.</summary>
    private static void CheckRows(ReadOnlySpan<int> offsets, int rows, int columns, int rowStride, int length, string name)
    {
        if (rowStride < columns) throw new ArgumentOutOfRangeException(name, $"Rows {rowStride} floats apart would overlap rows of {columns}.");
        long extent = (long)(rows - 1) * rowStride + columns;
        foreach (int offset in offsets) Check(offset >= 0 && offset + extent <= length, name);
    }

    private static void Check(bool condition, string name)
    {
        if (!condition) throw new ArgumentException("Span is shorter than the dimensions and offsets require.", name);
    }
}
