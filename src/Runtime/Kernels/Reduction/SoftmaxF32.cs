using System.Runtime.CompilerServices;
using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>Softmax over the middle axis of [outer, axisLength, inner], subtracting the maximum first.</summary>
public static unsafe class SoftmaxF32
{
    /// <summary>In place allowed.</summary>
    public static void Run(ReadOnlySpan<float> input, Span<float> output, int outer, int axisLength, int inner)
        => Run(input, output, outer, axisLength, inner, KernelIsaSelector.Best);

    internal static void Run(ReadOnlySpan<float> input, Span<float> output, int outer, int axisLength, int inner, KernelIsa isa)
    {
        if (outer < 0 || axisLength <= 0 || inner <= 0) throw new ArgumentOutOfRangeException(nameof(axisLength));
        long length = (long)outer * axisLength * inner;
        if (input.Length < length || output.Length < length) throw new ArgumentException("input/output shorter than outer * axisLength * inner.");
        fixed (float* inputPointer = input)
        fixed (float* outputPointer = output)
        {
            var job = new Job { Input = inputPointer, Output = outputPointer, Outer = outer, AxisLength = axisLength, Inner = inner, Isa = isa, Parts = 1 };
            int degree = KernelParallelism.Current;
            if (degree > 1 && outer >= 2 && length >= ParallelThreshold)
            {
                // Whole softmax groups per thread; each is computed exactly as on one thread.
                job.Parts = WorkerPool.PartsFor(outer, degree);
                WorkerPool.For(degree, job.Parts, &RunPart, System.Runtime.CompilerServices.Unsafe.AsPointer(ref job));
                return;
            }
            RunPart(System.Runtime.CompilerServices.Unsafe.AsPointer(ref job), 0);
        }
    }

    private const long ParallelThreshold = 1 << 15;

    private struct Job
    {
        public float* Input, Output;
        public int Outer, AxisLength, Inner, Parts;
        public KernelIsa Isa;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunPart(void* context, int part)
    {
        ref Job job = ref System.Runtime.CompilerServices.Unsafe.AsRef<Job>(context);
        int first = WorkerPool.FirstUnit(job.Outer, part, job.Parts), end = WorkerPool.FirstUnit(job.Outer, part + 1, job.Parts);
        nint offset = (nint)first * job.AxisLength * job.Inner;
        float* input = job.Input + offset, output = job.Output + offset;
        int outer = end - first;
        switch (job.Isa)
        {
            case KernelIsa.Vector512: Run<Vector512Isa, System.Runtime.Intrinsics.Vector512<float>>(input, output, outer, job.AxisLength, job.Inner); break;
            case KernelIsa.Vector256: Run<Vector256Isa, System.Runtime.Intrinsics.Vector256<float>>(input, output, outer, job.AxisLength, job.Inner); break;
            case KernelIsa.Vector128: Run<Vector128Isa, System.Runtime.Intrinsics.Vector128<float>>(input, output, outer, job.AxisLength, job.Inner); break;
            default: RunScalar(input, output, outer, job.AxisLength, job.Inner); break;
        }
    }

    private static void RunScalar(float* input, float* output, int outer, int axisLength, int inner)
    {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
                ScalarSoftmax(input + (nint)o * axisLength * inner + i, output + (nint)o * axisLength * inner + i, axisLength, inner, 1f);
    }

    /// <summary>One softmax of <paramref name="count"/> values <paramref name="stride"/> floats apart; the sum in double.</summary>
    private static void ScalarSoftmax(float* x, float* y, int count, nint stride, float scale)
    {
        float max = float.NegativeInfinity;
        for (int a = 0; a < count; a++) max = MathF.Max(max, x[a * stride] * scale);
        double sum = 0;
        for (int a = 0; a < count; a++)
        {
            float e = MathF.Exp(x[a * stride] * scale - max);
            y[a * stride] = e;
            sum += e;
        }
        float inverse = (float)(1.0 / sum);
        for (int a = 0; a < count; a++) y[a * stride] *= inverse;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TIsa, TVector>(float* input, float* output, int outer, int axisLength, int inner)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        for (int o = 0; o < outer; o++)
        {
            float* x = input + (nint)o * axisLength * inner;
            float* y = output + (nint)o * axisLength * inner;
            // Strided axis: each vector covers `width` independent softmaxes side by side along the inner axis, up to
            // MaxPassColumns of them at once in three passes along the rows (running maxima and sums per column in
            // scratch). Walking each column block down the axis instead read rows inner floats apart, which for 256
            // columns (attention's transposed scores) kept one block's rows in 4 of L1's 64 sets: 402 → 221–256 µs.
            if (inner == 1) Contiguous<TIsa, TVector>(x, y, axisLength, 1f);
            else Columns<TIsa, TVector>(x, y, axisLength, inner, inner, 1f);
        }
    }

    /// <summary>Columns softmaxed in one set of passes along a strided axis: 2 · 2048 floats of running maxima and sums on the stack.</summary>
    private const int MaxPassColumns = 2048;

    /// <summary>
    /// The softmax of <paramref name="columns"/> columns down the axis (rows <paramref name="rowStride"/> floats apart) in
    /// row-major passes: every column sees the maximum, then exp and a running sum, then one reciprocal and a multiply,
    /// in axis order, so its result does not depend on which other columns share the passes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StridedInPasses<TIsa, TVector>(float* x, float* y, int axisLength, int rowStride, int columns, TVector scaleVector, float* state,
        float* inverseSums = null)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        int whole = columns / width * width, valid = columns - whole;
        int padded = whole + (valid > 0 ? width : 0);
        float* max = state, sum = state + padded;
        for (int i = 0; i < padded; i += width)
        {
            TIsa.Store(max + i, TIsa.Broadcast(float.NegativeInfinity));
            TIsa.Store(sum + i, TIsa.Zero);
        }
        for (int a = 0; a < axisLength; a++)
        {
            float* row = x + (nint)a * rowStride;
            for (int i = 0; i < whole; i += width)
                TIsa.Store(max + i, TIsa.Max(TIsa.Load(max + i), TIsa.Multiply(TIsa.Load(row + i), scaleVector)));
            if (valid > 0)
                TIsa.Store(max + whole, TIsa.Max(TIsa.Load(max + whole), TIsa.Multiply(TIsa.LoadPartial(row + whole, valid), scaleVector)));
        }
        if (typeof(TVector) == typeof(Vector512<float>) && Avx512DQ.IsSupported)
            ExponentialsAvx512(x, y, axisLength, rowStride, whole, valid, ((Vector512<float>)(object)scaleVector).ToScalar(), max, sum);
        else
        {
            for (int a = 0; a < axisLength; a++)
            {
                float* row = x + (nint)a * rowStride, target = y + (nint)a * rowStride;
                for (int i = 0; i < whole; i += width)
                {
                    TVector e = VectorMath.ExpNonPositive<TIsa, TVector>(TIsa.Subtract(TIsa.Multiply(TIsa.Load(row + i), scaleVector), TIsa.Load(max + i)));
                    TIsa.Store(sum + i, TIsa.Add(TIsa.Load(sum + i), e));
                    TIsa.Store(target + i, e);
                }
                if (valid > 0)
                {
                    TVector e = VectorMath.ExpNonPositive<TIsa, TVector>(TIsa.Subtract(TIsa.Multiply(TIsa.LoadPartial(row + whole, valid), scaleVector), TIsa.Load(max + whole)));
                    TIsa.Store(sum + whole, TIsa.Add(TIsa.Load(sum + whole), e));
                    TIsa.StorePartial(target + whole, e, valid);
                }
            }
        }
        for (int i = 0; i < padded; i += width) TIsa.Store(sum + i, TIsa.Divide(TIsa.Broadcast(1f), TIsa.Load(sum + i)));
        if (inverseSums != null)
        {
            // The caller scales what it makes of the exponentials instead (attention: its few output rows per query).
            new ReadOnlySpan<float>(sum, columns).CopyTo(new Span<float>(inverseSums, columns));
            return;
        }
        for (int a = 0; a < axisLength; a++)
        {
            float* target = y + (nint)a * rowStride;
            for (int i = 0; i < whole; i += width) TIsa.Store(target + i, TIsa.Multiply(TIsa.Load(target + i), TIsa.Load(sum + i)));
            if (valid > 0) TIsa.StorePartial(target + whole, TIsa.Multiply(TIsa.LoadPartial(target + whole, valid), TIsa.Load(sum + whole)), valid);
        }
    }

    /// <summary>
    /// The exponentials and their column sums of <see cref="StridedInPasses"/> with AVX-512: exp(x · scale - max) as
    /// 2^(x · scale · log2(e) - max · log2(e)), one multiply-add where the portable form takes a multiplication, a
    /// subtraction and the exponential's own multiplication by log2(e). The exponent is rounded once instead of three
    /// times: the results move by a few units in the last place (relative 1e-7 · |exponent|), not bitwise those of
    /// scaling first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ExponentialsAvx512(float* x, float* y, int axisLength, int rowStride, int whole, int valid, float scale, float* max, float* sum)
    {
        int padded = whole + (valid > 0 ? 16 : 0);
        // max becomes -max · log2(e), the multiply-add's addend.
        for (int i = 0; i < padded; i += 16)
            Vector512.Store(Vector512.Load(max + i) * Vector512.Create(-ExpAvx512.Log2E), max + i);
        Vector512<float> factor = Vector512.Create(scale * ExpAvx512.Log2E);
        for (int a = 0; a < axisLength; a++)
        {
            float* row = x + (nint)a * rowStride, target = y + (nint)a * rowStride;
            for (int i = 0; i < whole; i += 16)
            {
                Vector512<float> e = ExpAvx512.Exp2(Avx512F.FusedMultiplyAdd(Vector512.Load(row + i), factor, Vector512.Load(max + i)));
                Vector512.Store(Vector512.Load(sum + i) + e, sum + i);
                Vector512.Store(e, target + i);
            }
            if (valid > 0)
            {
                Vector512<float> e = ExpAvx512.Exp2(Avx512F.FusedMultiplyAdd(Vector512Isa.LoadPartial(row + whole, valid), factor, Vector512.Load(max + whole)));
                Vector512.Store(Vector512.Load(sum + whole) + e, sum + whole);
                Vector512Isa.StorePartial(target + whole, e, valid);
            }
        }
    }

    /// <summary>
    /// Softmax of <paramref name="scale"/> · x over each of <paramref name="count"/> rows of <paramref name="length"/>
    /// floats, <paramref name="rowStride"/> apart, in place: the attention step's Q·Kᵀ scale applied here instead of in
    /// a pass of its own. Each scaled value is rounded exactly as a separate multiplication would round it, so the result
    /// is bitwise that of scaling first. On the calling thread: attention already runs its heads one per thread.
    /// </summary>
    internal static void RunScaledRows(float* rows, int count, int length, int rowStride, float scale, KernelIsa isa)
    {
        for (int r = 0; r < count; r++)
        {
            float* row = rows + (nint)r * rowStride;
            switch (isa)
            {
                case KernelIsa.Vector512: Contiguous<Vector512Isa, System.Runtime.Intrinsics.Vector512<float>>(row, row, length, scale); break;
                case KernelIsa.Vector256: Contiguous<Vector256Isa, System.Runtime.Intrinsics.Vector256<float>>(row, row, length, scale); break;
                case KernelIsa.Vector128: Contiguous<Vector128Isa, System.Runtime.Intrinsics.Vector128<float>>(row, row, length, scale); break;
                default: ScalarSoftmax(row, row, length, 1, scale); break;
            }
        }
    }

    /// <summary>
    /// Softmax of <paramref name="scale"/> · x down each of <paramref name="columns"/> columns of a matrix of
    /// <paramref name="rows"/> rows, <paramref name="rowStride"/> floats apart, in place: attention's transposed scores
    /// (one column per query), scaled as <see cref="RunScaledRows"/> scales.
    /// </summary>
    internal static void RunScaledColumns(float* matrix, int rows, int columns, int rowStride, float scale, KernelIsa isa)
        => RunScaledColumns(matrix, rows, columns, rowStride, scale, null, isa);

    /// <summary>
    /// <see cref="RunScaledColumns(float*, int, int, int, float, KernelIsa)"/> without its last pass: the columns keep
    /// exp(scale · x - max) and <paramref name="inverseSums"/> (columns floats) receives each column's 1 / sum, which the
    /// caller applies to what it computes from them. The scalar variant normalizes in place and writes ones.
    /// </summary>
    internal static void RunScaledColumns(float* matrix, int rows, int columns, int rowStride, float scale, float* inverseSums, KernelIsa isa)
    {
        switch (isa)
        {
            case KernelIsa.Vector512: Columns<Vector512Isa, System.Runtime.Intrinsics.Vector512<float>>(matrix, matrix, rows, columns, rowStride, scale, inverseSums); break;
            case KernelIsa.Vector256: Columns<Vector256Isa, System.Runtime.Intrinsics.Vector256<float>>(matrix, matrix, rows, columns, rowStride, scale, inverseSums); break;
            case KernelIsa.Vector128: Columns<Vector128Isa, System.Runtime.Intrinsics.Vector128<float>>(matrix, matrix, rows, columns, rowStride, scale, inverseSums); break;
            default:
                for (int column = 0; column < columns; column++) ScalarSoftmax(matrix + column, matrix + column, rows, rowStride, scale);
                if (inverseSums != null) new Span<float>(inverseSums, columns).Fill(1f);
                break;
        }
    }

    /// <summary>The softmax down each of <paramref name="columns"/> columns of rows <paramref name="rowStride"/> floats apart, x to y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Columns<TIsa, TVector>(float* x, float* y, int rows, int columns, int rowStride, float scale, float* inverseSums = null)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        float* columnState = stackalloc float[2 * (Math.Min(columns, MaxPassColumns) + TIsa.Count)];
        for (int column = 0; column < columns; column += MaxPassColumns)
            StridedInPasses<TIsa, TVector>(x + column, y + column, rows, rowStride, Math.Min(MaxPassColumns, columns - column), TIsa.Broadcast(scale), columnState,
                inverseSums == null ? null : inverseSums + column);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Contiguous<TIsa, TVector>(float* x, float* y, int length, float scale)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        int width = TIsa.Count;
        int index = 0;
        TVector scaleVector = TIsa.Broadcast(scale);
        // Two running maxima: one chain of dependent Max per vector would bound the loop by latency.
        TVector maxVector = TIsa.Broadcast(float.NegativeInfinity), maxVector2 = maxVector;
        for (; index + 2 * width <= length; index += 2 * width)
        {
            maxVector = TIsa.Max(maxVector, TIsa.Multiply(TIsa.Load(x + index), scaleVector));
            maxVector2 = TIsa.Max(maxVector2, TIsa.Multiply(TIsa.Load(x + index + width), scaleVector));
        }
        for (; index + width <= length; index += width) maxVector = TIsa.Max(maxVector, TIsa.Multiply(TIsa.Load(x + index), scaleVector));
        float max = TIsa.MaxAcross(TIsa.Max(maxVector, maxVector2));
        for (; index < length; index++) max = MathF.Max(max, x[index] * scale);

        TVector maxBroadcast = TIsa.Broadcast(max);
        TVector sumVector = TIsa.Zero;
        for (index = 0; index + width <= length; index += width)
        {
            TVector e = VectorMath.ExpNonPositive<TIsa, TVector>(TIsa.Subtract(TIsa.Multiply(TIsa.Load(x + index), scaleVector), maxBroadcast));
            sumVector = TIsa.Add(sumVector, e);
            TIsa.Store(y + index, e);
        }
        float sum = TIsa.Sum(sumVector);
        if (index < length)
        {
            int valid = length - index;
            TVector e = VectorMath.ExpNonPositive<TIsa, TVector>(TIsa.Subtract(TIsa.Multiply(TIsa.LoadPartial(x + index, valid), scaleVector), maxBroadcast));
            TIsa.StorePartial(y + index, e, valid);
            for (int j = index; j < length; j++) sum += y[j];
        }

        TVector inverse = TIsa.Broadcast(1f / sum);
        for (index = 0; index + width <= length; index += width) TIsa.Store(y + index, TIsa.Multiply(TIsa.Load(y + index), inverse));
        if (index < length) TIsa.StorePartial(y + index, TIsa.Multiply(TIsa.LoadPartial(y + index, length - index), inverse), length - index);
    }
}
