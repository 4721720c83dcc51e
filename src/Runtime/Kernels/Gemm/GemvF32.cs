using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// y[i] = epilogue(Σ_p A[i, p] · x[p]): a product with a single output column, such as a 1×1 convolution on a 1×1
/// plane (the squeeze-and-excitation layers of MobileNetV3: 8 of them took 0.33 ms of its 5.3). The GEMM's panels
/// would pack x into 64 columns and compute all of them for the one that exists; here each row is a dot product
/// along p, four rows sharing each load of x. Too small to be worth other threads.
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TIsa, TVector>(float* a, nint aRowStride, float* x, float* y, int m, int k, in GemmEpilogue epilogue)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        Product<TIsa, TVector>(a, aRowStride, x, y, 1, m, k, accumulate: false);
        // y is one contiguous column, so the per-row bias is a vector along it (and a column bias one number).
        if (!epilogue.IsIdentity)
            ElementwiseRow.Apply<TIsa, TVector>(Activation.ToUnaryKind(epilogue.Activation.Kind), epilogue.Activation.Alpha, epilogue.Activation.Beta, y, y, m,
                epilogue.Scale, epilogue.ColumnBias == null ? 0f : epilogue.ColumnBias[0], epilogue.RowBias, epilogue.Residual);
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
            for (int p = 0; p < full; p += width)
            {
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* y, float value, bool accumulate) => *y = accumulate ? *y + value : value;
}
