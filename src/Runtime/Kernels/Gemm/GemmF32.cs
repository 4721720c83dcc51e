using System.Runtime.CompilerServices;
using System;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>Single-precision matrix products: linear layers (weights prepacked once) and attention (both operands at run time).</summary>
public static unsafe class GemmF32
{
    /// <summary>
    /// Packs B ([k, n] row-major, or [n, k] row-major when <paramref name="bTransposed"/>, as PyTorch Linear or Gemm transB=1)
    /// into panels of 64 columns, each [k][64] and zero-padded, for <see cref="RunPackedB"/>. Allocates; call once per model.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float[] PackB(ReadOnlySpan<float> b, int k, int n, bool bTransposed)
    {
        if (k < 0 || n < 0) throw new ArgumentOutOfRangeException(nameof(k));
        if (b.Length < (long)k * n) throw new ArgumentException($"B has {b.Length} elements, expected {(long)k * n}.", nameof(b));
        var packed = new float[PackedLength(k, n)];
        PackBInto(b, k, n, bTransposed, packed);
        return packed;
    }

    /// <summary>Floats <see cref="PackB"/> makes of a k × n B: whole 64-column panels of k rows.</summary>
    internal static long PackedLength(int k, int n) => (long)((n + GemmDriver.PanelWidth - 1) / GemmDriver.PanelWidth) * k * GemmDriver.PanelWidth;

    /// <summary><see cref="PackB"/> into <paramref name="packed"/>, <see cref="PackedLength"/> floats; the last panel's padding columns are left as they are (a new array's zeros).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackBInto(ReadOnlySpan<float> b, int k, int n, bool bTransposed, Span<float> packed)
    {
        int panels = (n + GemmDriver.PanelWidth - 1) / GemmDriver.PanelWidth;
        fixed (float* source = b)
        fixed (float* target = packed)
        {
            for (int panel = 0; panel < panels; panel++)
            {
                int column0 = panel * GemmDriver.PanelWidth;
                int columns = Math.Min(GemmDriver.PanelWidth, n - column0);
                float* panelStart = target + (long)panel * k * GemmDriver.PanelWidth;
                if (!bTransposed)
                {
                    for (int p = 0; p < k; p++)
                        new ReadOnlySpan<float>(source + (long)p * n + column0, columns).CopyTo(new Span<float>(panelStart + (long)p * GemmDriver.PanelWidth, columns));
                    continue;
                }
                // Eight of B's rows at a time, each read along its length, through pointers: packing is part of a cold
                // start (7.6 % of MobileViT-S's new process → first result under perf, element by element with a k-float
                // stride and bounds checks). Same floats; 240 × 480 465 → 367 µs, 640 × 1000 1087 → 918 µs.
                for (int j0 = 0; j0 < columns; j0 += 8)
                {
                    int count = Math.Min(8, columns - j0);
                    float* rows = source + (long)(column0 + j0) * k;
                    for (int p = 0; p < k; p++)
                    {
                        float* to = panelStart + (long)p * GemmDriver.PanelWidth + j0;
                        for (int j = 0; j < count; j++) to[j] = rows[(long)j * k + p];
                    }
                }
            }
        }
    }

    /// <summary>c[m, n] = act(a[m, k] · B + bias[n] + residual[m, n]) with B from <see cref="PackB"/>. bias and residual may be empty.</summary>
    public static void RunPackedB(ReadOnlySpan<float> a, ReadOnlySpan<float> packedB, ReadOnlySpan<float> bias, ReadOnlySpan<float> residual,
        Span<float> c, int m, int k, int n, Activation activation)
        => RunPackedB(a, packedB, bias, residual, c, m, k, n, activation, KernelIsaSelector.Best);

    internal static void RunPackedB(ReadOnlySpan<float> a, ReadOnlySpan<float> packedB, ReadOnlySpan<float> bias, ReadOnlySpan<float> residual,
        Span<float> c, int m, int k, int n, Activation activation, KernelIsa isa)
    {
        if (m < 0 || k < 0 || n < 0) throw new ArgumentOutOfRangeException(nameof(m), "Negative dimension.");
        int panels = (n + GemmDriver.PanelWidth - 1) / GemmDriver.PanelWidth;
        Check(a.Length >= (long)m * k, nameof(a));
        Check(packedB.Length >= (long)panels * k * GemmDriver.PanelWidth, nameof(packedB));
        Check(bias.IsEmpty || bias.Length >= n, nameof(bias));
        Check(residual.IsEmpty || residual.Length >= (long)m * n, nameof(residual));
        Check(c.Length >= (long)m * n, nameof(c));
        if (m == 0 || n == 0) return;
        fixed (float* aPointer = a)
        fixed (float* bPointer = packedB)
        fixed (float* biasPointer = bias)
        fixed (float* residualPointer = residual)
        fixed (float* cPointer = c)
        {
            var epilogue = new GemmEpilogue(1f, null, bias.IsEmpty ? null : biasPointer, residual.IsEmpty ? null : residualPointer, activation);
            if (isa == KernelIsa.Scalar)
            {
                // Packed element (p, j) sits at panel j/32, row p, lane j%32; the scalar loop indexes it directly.
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                    {
                        float* column = bPointer + (nint)(j / GemmDriver.PanelWidth) * k * GemmDriver.PanelWidth + j % GemmDriver.PanelWidth;
                        float sum = 0f;
                        for (int p = 0; p < k; p++) sum += aPointer[(nint)i * k + p] * column[p * GemmDriver.PanelWidth];
                        cPointer[(nint)i * n + j] = sum;
                    }
                epilogue.ApplyScalar(cPointer, n, m, n);
                return;
            }
            var source = new PrepackedPanels(bPointer, k);
            GemmDriver.Run(isa, ref source, aPointer, k, 1, cPointer, n, m, k, n, epilogue);
        }
    }

    /// <summary>
    /// c[m, n] = alpha * a · b with both operands at run time (attention Q·Kᵀ and P·V). a is [m, k] ([k, m] when
    /// <paramref name="aTransposed"/>); b is [k, n] ([n, k] when <paramref name="bTransposed"/>). c must not overlap a or b.
    /// </summary>
    public static void Run(ReadOnlySpan<float> a, bool aTransposed, ReadOnlySpan<float> b, bool bTransposed, Span<float> c, int m, int k, int n, float alpha)
        => Run(a, aTransposed, b, bTransposed, c, m, k, n, alpha, KernelIsaSelector.Best);

    internal static void Run(ReadOnlySpan<float> a, bool aTransposed, ReadOnlySpan<float> b, bool bTransposed, Span<float> c, int m, int k, int n, float alpha, KernelIsa isa)
    {
        if (m < 0 || k < 0 || n < 0) throw new ArgumentOutOfRangeException(nameof(m), "Negative dimension.");
        Check(a.Length >= (long)m * k, nameof(a));
        Check(b.Length >= (long)k * n, nameof(b));
        Check(c.Length >= (long)m * n, nameof(c));
        fixed (float* aPointer = a)
        fixed (float* bPointer = b)
        fixed (float* cPointer = c)
            RunStrided(aPointer, aTransposed, aTransposed ? m : k, bPointer, bTransposed, bTransposed ? k : n, cPointer, n, m, k, n, alpha, isa);
    }

    /// <summary>
    /// <see cref="Run(ReadOnlySpan{float}, bool, ReadOnlySpan{float}, bool, Span{float}, int, int, int, float)"/> with
    /// a's, b's and c's rows (as stored) <paramref name="lda"/>, <paramref name="ldb"/> and <paramref name="ldc"/> floats
    /// apart: attention keeps its score rows whole cache lines apart. Unchecked: the caller owns the buffers' sizes.
    /// </summary>
    internal static void RunStrided(float* a, bool aTransposed, nint lda, float* b, bool bTransposed, nint ldb, float* c, nint ldc,
        int m, int k, int n, float alpha, KernelIsa isa)
    {
        if (m == 0 || n == 0) return;
        nint aRowStride = aTransposed ? 1 : lda;
        nint aColStride = aTransposed ? lda : 1;
        var epilogue = new GemmEpilogue(alpha, null, null, null, Activation.None);
        if (isa == KernelIsa.Scalar)
        {
            GemmDriver.RunScalar(a, aRowStride, aColStride, b, bTransposed ? 1 : ldb, bTransposed ? ldb : 1, c, ldc, m, k, n, epilogue);
        }
        else if (bTransposed)
        {
            var source = new TransposedPanels(b, ldb);
            GemmDriver.Run(isa, ref source, a, aRowStride, aColStride, c, ldc, m, k, n, epilogue);
        }
        else
        {
            var source = new RowMajorPanels(b, ldb);
            GemmDriver.Run(isa, ref source, a, aRowStride, aColStride, c, ldc, m, k, n, epilogue);
        }
    }

    /// <summary>
    /// A batch of <see cref="Run(ReadOnlySpan{float}, bool, ReadOnlySpan{float}, bool, Span{float}, int, int, int, float)"/>
    /// products (the heads and patch positions of attention): product i multiplies a at aOffsets[i] by b at bOffsets[i]
    /// into c at i·m·n. Above one thread (<see cref="KernelParallelism"/>) whole products go to each thread, so every
    /// product is computed exactly as on one thread.
    /// </summary>
    public static void RunBatched(ReadOnlySpan<float> a, ReadOnlySpan<int> aOffsets, bool aTransposed, ReadOnlySpan<float> b, ReadOnlySpan<int> bOffsets, bool bTransposed,
        Span<float> c, int m, int k, int n, float alpha)
        => RunBatched(a, aOffsets, aTransposed, b, bOffsets, bTransposed, c, m, k, n, alpha, KernelIsaSelector.Best);

    internal static void RunBatched(ReadOnlySpan<float> a, ReadOnlySpan<int> aOffsets, bool aTransposed, ReadOnlySpan<float> b, ReadOnlySpan<int> bOffsets, bool bTransposed,
        Span<float> c, int m, int k, int n, float alpha, KernelIsa isa)
    {
        if (m < 0 || k < 0 || n < 0) throw new ArgumentOutOfRangeException(nameof(m), "Negative dimension.");
        int batches = aOffsets.Length;
        if (bOffsets.Length != batches) throw new ArgumentException($"Expected {batches} offsets into b, one per product.", nameof(bOffsets));
        CheckOffsets(aOffsets, (long)m * k, a.Length, nameof(a));
        CheckOffsets(bOffsets, (long)k * n, b.Length, nameof(b));
        Check(c.Length >= (long)batches * m * n, nameof(c));
        int degree = KernelParallelism.Current;
        if (degree <= 1 || batches < 2)
        {
            for (int i = 0; i < batches; i++)
                Run(a.Slice(aOffsets[i]), aTransposed, b.Slice(bOffsets[i]), bTransposed, c.Slice(i * m * n, m * n), m, k, n, alpha, isa);
            return;
        }
        fixed (float* aPointer = a)
        fixed (float* bPointer = b)
        fixed (float* cPointer = c)
        fixed (int* aOffsetPointer = aOffsets)
        fixed (int* bOffsetPointer = bOffsets)
        {
            var job = new BatchJob
            {
                A = aPointer, B = bPointer, C = cPointer, AOffsets = aOffsetPointer, BOffsets = bOffsetPointer,
                ALength = a.Length, BLength = b.Length, ATransposed = aTransposed, BTransposed = bTransposed,
                M = m, K = k, N = n, Alpha = alpha, Isa = isa, Batches = batches, Parts = WorkerPool.PartsFor(batches, degree),
            };
            WorkerPool.For(degree, job.Parts, &RunBatchPart, System.Runtime.CompilerServices.Unsafe.AsPointer(ref job));
        }
    }

    private struct BatchJob
    {
        public float* A, B, C;
        public int* AOffsets, BOffsets;
        public int ALength, BLength, M, K, N, Batches, Parts;
        public bool ATransposed, BTransposed;
        public float Alpha;
        public KernelIsa Isa;
    }

    private static void RunBatchPart(void* context, int part)
    {
        ref BatchJob job = ref System.Runtime.CompilerServices.Unsafe.AsRef<BatchJob>(context);
        int first = WorkerPool.FirstUnit(job.Batches, part, job.Parts), end = WorkerPool.FirstUnit(job.Batches, part + 1, job.Parts);
        int size = job.M * job.N;
        // Each product on this thread alone: the split is across products.
        int previous = KernelParallelism.Enter(1);
        try
        {
            for (int i = first; i < end; i++)
                Run(new ReadOnlySpan<float>(job.A + job.AOffsets[i], job.ALength - job.AOffsets[i]), job.ATransposed,
                    new ReadOnlySpan<float>(job.B + job.BOffsets[i], job.BLength - job.BOffsets[i]), job.BTransposed,
                    new Span<float>(job.C + (nint)i * size, size), job.M, job.K, job.N, job.Alpha, job.Isa);
        }
        finally
        {
            KernelParallelism.Exit(previous);
        }
    }

    /// <summary>Every matrix of <paramref name="size"/> floats at one of <paramref name="offsets"/> lies inside a span of <paramref name="length"/>.</summary>
    internal static void CheckOffsets(ReadOnlySpan<int> offsets, long size, int length, string name)
    {
        foreach (int offset in offsets) Check(offset >= 0 && offset + size <= length, name);
    }

    private static void Check(bool condition, string name)
    {
        if (!condition) throw new ArgumentException("Span is shorter than the dimensions require.", name);
    }
}
