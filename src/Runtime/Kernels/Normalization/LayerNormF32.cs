using System.Runtime.CompilerServices;
using System;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>Layer normalization over the last axis (ONNX LayerNormalization with axis = -1).</summary>
public static unsafe class LayerNormF32
{
    /// <summary>Normalizes each of <paramref name="rows"/> rows of length <paramref name="cols"/>; scale has cols values; bias cols values or empty. In place allowed.</summary>
    public static void Run(ReadOnlySpan<float> input, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias, Span<float> output, int rows, int cols, float epsilon)
        => Run(input, scale, bias, output, rows, cols, epsilon, KernelIsaSelector.Best);

    internal static void Run(ReadOnlySpan<float> input, ReadOnlySpan<float> scale, ReadOnlySpan<float> bias, Span<float> output, int rows, int cols, float epsilon, KernelIsa isa)
    {
        if (rows < 0 || cols <= 0) throw new ArgumentOutOfRangeException(nameof(cols), "Need rows >= 0 and cols > 0.");
        long length = (long)rows * cols;
        if (input.Length < length || output.Length < length) throw new ArgumentException("input/output shorter than rows * cols.");
        if (scale.Length < cols) throw new ArgumentException("scale needs cols values.", nameof(scale));
        if (!bias.IsEmpty && bias.Length < cols) throw new ArgumentException("bias needs cols values or none.", nameof(bias));
        fixed (float* inputPointer = input)
        fixed (float* scalePointer = scale)
        fixed (float* biasPointer = bias)
        fixed (float* outputPointer = output)
        {
            var job = new Job
            {
                Input = inputPointer, Scale = scalePointer, Bias = bias.IsEmpty ? null : biasPointer, Output = outputPointer,
                Rows = rows, Cols = cols, Epsilon = epsilon, Isa = isa, Parts = 1,
            };
            int degree = KernelParallelism.Current;
            if (degree > 1 && rows >= 2 && length >= ParallelThreshold)
            {
                // Whole rows per thread; each row is normalized exactly as on one thread.
                job.Parts = WorkerPool.PartsFor(rows, degree);
                WorkerPool.For(degree, job.Parts, &RunPart, System.Runtime.CompilerServices.Unsafe.AsPointer(ref job));
                return;
            }
            RunPart(System.Runtime.CompilerServices.Unsafe.AsPointer(ref job), 0);
        }
    }

    private const long ParallelThreshold = 1 << 15;

    private struct Job
    {
        public float* Input, Scale, Bias, Output;
        public int Rows, Cols, Parts;
        public float Epsilon;
        public KernelIsa Isa;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunPart(void* context, int part)
    {
        ref Job job = ref System.Runtime.CompilerServices.Unsafe.AsRef<Job>(context);
        int first = WorkerPool.FirstUnit(job.Rows, part, job.Parts), end = WorkerPool.FirstUnit(job.Rows, part + 1, job.Parts);
        RowNormalization.NormalizeRows(job.Isa, job.Input, job.Output, first, end, job.Cols, job.Epsilon, job.Scale, job.Bias);
    }
}
