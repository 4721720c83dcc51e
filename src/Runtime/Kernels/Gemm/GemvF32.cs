using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// y[i] = epilogue(Σ_p A[i, p] · x[p]): a product with a single output column, such as a 1×1 convolution on a 1×1
/// plane (the squeeze-and-excitation layers of MobileNetV3: 8 of them took 0.33 ms of its 5.3). The GEMM's panels
/// would pack x into 64 columns and compute all of them for the one that exists; here each row is a dot product
/// along p, four rows sharing each load of x.
/// <para>
/// A GEMV reads each weight once, so it runs at the speed weights arrive from memory, not at the speed of its
/// multiply-adds: MobileNetV3-L's squeeze-and-excitation products (960 → 240 → 960 on 1×1, 0.9 MB of weights each)
/// took 38-41 µs apiece at one thread and at two. Above <see cref="ParallelWeightThreshold"/> weights the rows split
/// across threads in groups of four, each row's dot product computed as on one thread.
/// </para>
/// <para>
/// Each group asks for the next group's rows as it goes. Zen 3, cold weights, same process alternating: 240 → 960
/// 110 → 94 µs, 120 → 480 20.8 → 20.0, 960 → 240 70.9 → 68.9, 960 → 1280 373 → 365.
/// </para>
/// </summary>
internal static unsafe class GemvF32
{
    public static void Run(KernelIsa isa, float* a, nint aRowStride, float* x, float* y, int m, int k, in GemmEpilogue epilogue)
    {
        switch (isa)
        {
            case KernelIsa.Vector512: Run<Vector512Isa, Vector512<float>>(a, aRowStride, x, y, m, k, epilogue); break;
            case KernelIsa.Vector256: Run<Vector256Isa, Vector256<float>>(a, aRowStride, x, y, m, k, epilogue); break;
            case KernelIsa.Vector128: Run<Vector128Isa, Vector128<float>>(a, aRowStride, x, y, m, k, epilogue); break;
            default: throw new ArgumentOutOfRangeException(nameof(isa), isa, "The scalar variant has its own reference loop.");
        }
    }

    /// <summary>Weights (m · k) from which a GEMV splits across threads: 128 KiB, about 5 µs from memory on one core, against about 2 µs to wake a worker.</summary>
    internal const long ParallelWeightThreshold = 1 << 15;

    /// <summary>Rows a part covers a multiple of: the four rows <see cref="Product{TIsa, TVector}"/> takes together.</summary>
    private const int RowGroup = 4;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TIsa, TVector>(float* a, nint aRowStride, float* x, float* y, int m, int k, in GemmEpilogue epilogue)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int degree = KernelParallelism.Current, groups = (m + RowGroup - 1) / RowGroup;
        if (degree > 1 && groups > 1 && (long)m * k >= ParallelWeightThreshold)
        {
            var job = new GemvJob { A = a, ARowStride = aRowStride, X = x, Y = y, M = m, K = k, Groups = groups, Parts = WorkerPool.PartsFor(groups, degree) };
            WorkerPool.For(degree, job.Parts, &RunPart<TIsa, TVector>, Unsafe.AsPointer(ref job));
        }
        else
            Product<TIsa, TVector>(a, aRowStride, x, y, 1, m, k, accumulate: false);
        // y is one contiguous column, so the per-row bias is a vector along it (and a column bias one number).
        if (!epilogue.IsIdentity)
            ElementwiseRow.Apply<TIsa, TVector>(Activation.ToUnaryKind(epilogue.Activation.Kind), epilogue.Activation.Alpha, epilogue.Activation.Beta, y, y, m,
                epilogue.Scale, epilogue.ColumnBias == null ? 0f : epilogue.ColumnBias[0], epilogue.RowBias, epilogue.Residual);
    }

    private struct GemvJob
    {
        public float* A, X, Y;
        public nint ARowStride;
        public int M, K, Groups, Parts;
    }

    /// <summary>Rows of whole four-row groups; the products only (the epilogue runs once over y afterwards).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunPart<TIsa, TVector>(void* context, int part)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        ref GemvJob job = ref Unsafe.AsRef<GemvJob>(context);
        int first = WorkerPool.FirstUnit(job.Groups, part, job.Parts) * RowGroup;
        int end = Math.Min(job.M, WorkerPool.FirstUnit(job.Groups, part + 1, job.Parts) * RowGroup);
        Product<TIsa, TVector>(job.A + first * job.ARowStride, job.ARowStride, job.X, job.Y + first, 1, end - first, job.K, accumulate: false);
    }

    /// <summary>
    /// y[i * yStride] (+)= Σ_p A[i, p] · x[p] for rows of A contiguous along p; no epilogue. Also the GEMM driver's
    /// narrow panel tails (<see cref="GemmDriver"/>), where y is a column of C.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Product<TIsa, TVector>(float* a, nint aRowStride, float* x, float* y, nint yStride, int m, int k, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count, full = k / width * width, tail = k - full;
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            float* a0 = a + i * aRowStride, a1 = a0 + aRowStride, a2 = a1 + aRowStride, a3 = a2 + aRowStride;
            TVector s0 = TIsa.Zero, s1 = s0, s2 = s0, s3 = s0;
            // The next group's rows, a cache line of each per 16 floats of this group's: rows of a few hundred floats end
            // before the hardware prefetchers have picked up their streams.
            float* next = a0 + 4 * aRowStride;
            bool prefetch = i + 8 <= m && Sse.IsSupported;
            for (int p = 0; p < full; p += width)
            {
                if (prefetch && (p & 15) == 0)
                {
                    Sse.Prefetch0(next + p);
                    Sse.Prefetch0(next + aRowStride + p);
                    Sse.Prefetch0(next + 2 * aRowStride + p);
                    Sse.Prefetch0(next + 3 * aRowStride + p);
                }
                TVector xs = TIsa.Load(x + p);
                s0 = TIsa.MultiplyAdd(TIsa.Load(a0 + p), xs, s0);
                s1 = TIsa.MultiplyAdd(TIsa.Load(a1 + p), xs, s1);
                s2 = TIsa.MultiplyAdd(TIsa.Load(a2 + p), xs, s2);
                s3 = TIsa.MultiplyAdd(TIsa.Load(a3 + p), xs, s3);
            }
            if (tail > 0)
            {
                TVector xs = TIsa.LoadPartial(x + full, tail);
                s0 = TIsa.MultiplyAdd(TIsa.LoadPartial(a0 + full, tail), xs, s0);
                s1 = TIsa.MultiplyAdd(TIsa.LoadPartial(a1 + full, tail), xs, s1);
                s2 = TIsa.MultiplyAdd(TIsa.LoadPartial(a2 + full, tail), xs, s2);
                s3 = TIsa.MultiplyAdd(TIsa.LoadPartial(a3 + full, tail), xs, s3);
            }
            Put(y + i * yStride, TIsa.Sum(s0), accumulate);
            Put(y + (i + 1) * yStride, TIsa.Sum(s1), accumulate);
            Put(y + (i + 2) * yStride, TIsa.Sum(s2), accumulate);
            Put(y + (i + 3) * yStride, TIsa.Sum(s3), accumulate);
        }
        for (; i < m; i++)
        {
            float* row = a + i * aRowStride;
            TVector sum = TIsa.Zero;
            for (int p = 0; p < full; p += width) sum = TIsa.MultiplyAdd(TIsa.Load(row + p), TIsa.Load(x + p), sum);
            if (tail > 0) sum = TIsa.MultiplyAdd(TIsa.LoadPartial(row + full, tail), TIsa.LoadPartial(x + full, tail), sum);
            Put(y + i * yStride, TIsa.Sum(sum), accumulate);
        }
    }

    /// <summary>Most columns <see cref="ProductColumns{TIsa, TVector}"/> takes at once.</summary>
    internal const int MaxColumns = 4;

    /// <summary>
    /// y[i * yStride + j] (+)= Σ_p A[i, p] · x[j * xStride + p] for up to <see cref="MaxColumns"/> columns j at once,
    /// rows of A contiguous along p; no epilogue. The GEMM driver's last few columns of a row (the last 4 of a
    /// 14×14 plane): one pass over A serves every column (one column at a time read A four times, and A — the
    /// weights — is the larger operand). Every column's sum is formed in the same order as
    /// <see cref="Product{TIsa, TVector}"/>'s, so the result does not depend on how many columns go together.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ProductColumns<TIsa, TVector>(float* a, nint aRowStride, float* x, nint xStride, int columns,
        float* y, nint yStride, int m, int k, bool accumulate)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        if (columns < 2)
        {
            if (columns == 1) Product<TIsa, TVector>(a, aRowStride, x, y, yStride, m, k, accumulate);
            return;
        }
        if (columns > MaxColumns) throw new ArgumentOutOfRangeException(nameof(columns), columns, $"At most {MaxColumns} columns go together.");
        int width = TIsa.Count, full = k / width * width, tail = k - full;
        // Missing columns read column 0 again and are not stored: four columns' code for two and three too.
        float* x0 = x, x1 = x + xStride, x2 = columns > 2 ? x1 + xStride : x, x3 = columns > 3 ? x2 + xStride : x;
        int i = 0;
        for (; i + 2 <= m; i += 2)
        {
            float* a0 = a + i * aRowStride, a1 = a0 + aRowStride;
            TVector s00 = TIsa.Zero, s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
            for (int p = 0; p < full; p += width)
            {
                TVector r0 = TIsa.Load(a0 + p), r1 = TIsa.Load(a1 + p);
                TVector c0 = TIsa.Load(x0 + p), c1 = TIsa.Load(x1 + p), c2 = TIsa.Load(x2 + p), c3 = TIsa.Load(x3 + p);
                s00 = TIsa.MultiplyAdd(r0, c0, s00); s01 = TIsa.MultiplyAdd(r0, c1, s01);
                s02 = TIsa.MultiplyAdd(r0, c2, s02); s03 = TIsa.MultiplyAdd(r0, c3, s03);
                s10 = TIsa.MultiplyAdd(r1, c0, s10); s11 = TIsa.MultiplyAdd(r1, c1, s11);
                s12 = TIsa.MultiplyAdd(r1, c2, s12); s13 = TIsa.MultiplyAdd(r1, c3, s13);
            }
            if (tail > 0)
            {
                TVector r0 = TIsa.LoadPartial(a0 + full, tail), r1 = TIsa.LoadPartial(a1 + full, tail);
                TVector c0 = TIsa.LoadPartial(x0 + full, tail), c1 = TIsa.LoadPartial(x1 + full, tail);
                TVector c2 = TIsa.LoadPartial(x2 + full, tail), c3 = TIsa.LoadPartial(x3 + full, tail);
                s00 = TIsa.MultiplyAdd(r0, c0, s00); s01 = TIsa.MultiplyAdd(r0, c1, s01);
                s02 = TIsa.MultiplyAdd(r0, c2, s02); s03 = TIsa.MultiplyAdd(r0, c3, s03);
                s10 = TIsa.MultiplyAdd(r1, c0, s10); s11 = TIsa.MultiplyAdd(r1, c1, s11);
                s12 = TIsa.MultiplyAdd(r1, c2, s12); s13 = TIsa.MultiplyAdd(r1, c3, s13);
            }
            float* y0 = y + i * yStride, y1 = y0 + yStride;
            Put(y0, TIsa.Sum(s00), accumulate); Put(y0 + 1, TIsa.Sum(s01), accumulate);
            Put(y1, TIsa.Sum(s10), accumulate); Put(y1 + 1, TIsa.Sum(s11), accumulate);
            if (columns > 2) { Put(y0 + 2, TIsa.Sum(s02), accumulate); Put(y1 + 2, TIsa.Sum(s12), accumulate); }
            if (columns > 3) { Put(y0 + 3, TIsa.Sum(s03), accumulate); Put(y1 + 3, TIsa.Sum(s13), accumulate); }
        }
        for (int j = 0; j < columns && i < m; j++)
            Product<TIsa, TVector>(a + i * aRowStride, aRowStride, x + j * xStride, y + i * yStride + j, yStride, m - i, k, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* y, float value, bool accumulate) => *y = accumulate ? *y + value : value;
}
