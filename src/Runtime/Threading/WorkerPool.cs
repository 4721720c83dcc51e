using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace MobileViT.Runtime;

/// <summary>
/// Persistent worker threads that run the parts of one kernel call alongside the calling thread. A call publishes a job
/// (a function pointer and a pointer to its arguments on the caller's stack) under a new generation number; workers and
/// the caller claim parts with a compare-exchange on (generation, next part), so a late worker can never run a part of
/// a job that has moved on. Workers spin briefly between jobs (kernel calls of one Run follow each other within
/// microseconds), then sleep on their own semaphore. Nothing here allocates after the threads exist, and while one
/// thread's job runs, a second caller runs its parts itself.
/// </summary>
internal static unsafe class WorkerPool
{
    /// <summary>
    /// How long an idle worker keeps polling before it sleeps: longer than the gap between two parallel kernels of one
    /// Run (a layer norm, a softmax), shorter than anything else that might want the core, such as another library's
    /// threads running between two of our Runs.
    /// </summary>
    private static readonly long SpinTicks = System.Diagnostics.Stopwatch.Frequency / 500;

    private static readonly object s_startLock = new();
    private static Worker[] s_workers = Array.Empty<Worker>();

    private static int s_busy;                          // 1 while a job is published
    private static long s_ticket;                       // generation << 32 | next part
    private static int s_parts;
    private static int s_helpers;                       // workers with a smaller index take part in the current job
    private static int s_done;
    private static delegate*<void*, int, void> s_body;
    private static void* s_context;
    private static ExceptionDispatchInfo? s_failure;

    public static int WorkerCount => Volatile.Read(ref s_workers).Length;

    /// <summary>Starts workers until there are at least <paramref name="count"/>; never stops them (they are background threads).</summary>
    public static void EnsureWorkers(int count)
    {
        if (count <= WorkerCount) return;
        lock (s_startLock)
        {
            var workers = s_workers;
            if (count <= workers.Length) return;
            var grown = new Worker[count];
            Array.Copy(workers, grown, workers.Length);
            for (int i = workers.Length; i < count; i++) grown[i] = new Worker(i);
            Volatile.Write(ref s_workers, grown);
        }
    }

    /// <summary>
    /// Runs body(context, part) for every part in [0, parts), on up to <paramref name="degree"/> threads including this
    /// one, and returns when all are done. Which thread runs which part is not fixed; what each part computes must not
    /// depend on it.
    /// </summary>
    public static void For(int degree, int parts, delegate*<void*, int, void> body, void* context)
    {
        var workers = Volatile.Read(ref s_workers);
        int helpers = Math.Min(Math.Min(degree - 1, parts - 1), workers.Length);
        if (helpers <= 0 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            for (int part = 0; part < parts; part++) body(context, part);
            return;
        }
        try
        {
            s_body = body;
            s_context = context;
            s_parts = parts;
            s_helpers = helpers;
            s_failure = null;
            Volatile.Write(ref s_done, 0);
            int generation = (int)(Volatile.Read(ref s_ticket) >> 32) + 1;
            Volatile.Write(ref s_ticket, (long)generation << 32);
            for (int i = 0; i < helpers; i++) workers[i].Wake();

            RunParts(generation);
            var spin = new SpinWait();
            while (Volatile.Read(ref s_done) < parts) spin.SpinOnce(-1);
            s_failure?.Throw();
        }
        finally
        {
            s_body = null;
            s_context = null;
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>Claims and runs parts of the job of <paramref name="generation"/> until none is left.</summary>
    private static void RunParts(int generation)
    {
        while (true)
        {
            long ticket = Volatile.Read(ref s_ticket);
            int part = (int)ticket;
            if ((int)(ticket >> 32) != generation || part >= Volatile.Read(ref s_parts)) return;
            if (Interlocked.CompareExchange(ref s_ticket, ticket + 1, ticket) != ticket) continue;
            try
            {
                s_body(s_context, part);
            }
            catch (Exception ex)
            {
                s_failure ??= ExceptionDispatchInfo.Capture(ex);
            }
            Interlocked.Increment(ref s_done);
        }
    }

    private sealed class Worker
    {
        private const int Running = 0, Sleeping = 1;
        private readonly SemaphoreSlim _signal = new(0);
        private readonly int _index;
        private int _state;
        private int _seenGeneration;

        public Worker(int index)
        {
            _index = index;
            _seenGeneration = (int)(Volatile.Read(ref s_ticket) >> 32);
            var thread = new Thread(Loop, 256 * 1024) { IsBackground = true, Name = "MobileViT kernel worker " + index };
            thread.Start();
        }

        /// <summary>Called by the job's publisher: releases the worker if it went to sleep.</summary>
        public void Wake()
        {
            if (Interlocked.CompareExchange(ref _state, Running, Sleeping) == Sleeping) _signal.Release();
        }

        private void Loop()
        {
            while (true)
            {
                int generation = WaitForJob();
                _seenGeneration = generation;
                if (_index < Volatile.Read(ref s_helpers)) RunParts(generation);
            }
        }

        private int WaitForJob()
        {
            long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
            do
            {
                int generation = CurrentGeneration();
                if (generation != _seenGeneration) return generation;
                Thread.SpinWait(1);
            }
            while (System.Diagnostics.Stopwatch.GetTimestamp() < deadline);
            while (true)
            {
                Volatile.Write(ref _state, Sleeping);
                int generation = CurrentGeneration();
                if (generation != _seenGeneration)
                {
                    // A job arrived while going to sleep: take it, consuming the wake-up if the publisher sent one.
                    if (Interlocked.CompareExchange(ref _state, Running, Sleeping) != Sleeping) _signal.Wait();
                    return generation;
                }
                _signal.Wait();
                generation = CurrentGeneration();
                if (generation != _seenGeneration) return generation;
            }
        }

        private static int CurrentGeneration() => (int)(Volatile.Read(ref s_ticket) >> 32);
    }
}
