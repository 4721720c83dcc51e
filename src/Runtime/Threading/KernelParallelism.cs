using System;

namespace MobileViT.Runtime;

/// <summary>
/// How many threads the kernels called on this thread may use. Generated code sets it around each Run from its class's
/// Parallelism property, so kernels keep their signatures and models called from different threads stay independent.
/// Kernels split only along output elements (channels, column blocks, rows), in chunks aligned to their own tiles, and
/// compute each element with the same instructions in the same order whichever thread runs it: any degree gives
/// bitwise the single-threaded result.
/// </summary>
public static class KernelParallelism
{
    /// <summary>The most threads one model may ask for.</summary>
    public const int MaxDegree = 64;

    [ThreadStatic]
    private static int t_degree;

    /// <summary>The degree for kernels running on this thread: 1 unless inside <see cref="Enter"/>.</summary>
    public static int Current => t_degree > 1 ? t_degree : 1;

    /// <summary>Sets this thread's degree and returns the previous one, for <see cref="Exit"/> (in a finally block).</summary>
    public static int Enter(int degree)
    {
        int previous = t_degree;
        t_degree = degree;
        return previous;
    }

    public static void Exit(int previous) => t_degree = previous;

    /// <summary>
    /// Bytes the worker threads have allocated while running kernel parts since the process started. Stays 0: it lets
    /// a test check that a parallel Run allocates nothing on any thread without counting the rest of the process.
    /// </summary>
    public static long WorkerAllocatedBytes => WorkerPool.WorkerAllocatedBytes;

    /// <summary>
    /// Checks a Parallelism value and starts the worker threads it needs now, so no Run ever creates a thread.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above <see cref="MaxDegree"/>.</exception>
    public static int PrepareDegree(int degree, string parameterName = "value")
    {
        if (degree < 1 || degree > MaxDegree)
            throw new ArgumentOutOfRangeException(parameterName, degree, $"Parallelism must be between 1 and {MaxDegree}.");
        WorkerPool.EnsureWorkers(degree - 1);
        return degree;
    }
}
