using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace MobileViT.Runtime;

/// <summary>
/// Persistent worker threads that run the parts of one kernel call alongside the calling thread. A call publishes a job
/// (a function pointer and a pointer to its arguments on the caller's stack) under a new generation number; each
/// participant runs its own part and the caller waits for all, so a job's fields never change while a part runs. Workers spin briefly between jobs (kernel calls of one Run follow each other within
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
    private static long s_ticket;                       // generation << 32 | workers taking part: read together
    private static int s_parts;
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
    /// one, and returns when all are done. Part 0 runs on the calling thread and part i on worker i - 1, every time:
    /// kernels split the same way step after step (the same pixels to the same core), so each core mostly reads what it
    /// wrote itself, which matters more than balance when cores do not share a cache. Parts beyond the threads are
    /// run by the calling thread. What a part computes must not depend on the thread that runs it.
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
            s_failure = null;
            Volatile.Write(ref s_done, 0);
            int generation = (int)(Volatile.Read(ref s_ticket) >> 32) + 1;
            Volatile.Write(ref s_ticket, (long)generation << 32 | (uint)helpers);
            for (int i = 0; i < helpers; i++) workers[i].Wake();

            RunPart(0);
            for (int part = helpers + 1; part < parts; part++) RunPart(part);
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

    /// <summary>Runs the part that belongs to participant <paramref name="participant"/> (0: the caller) of the current job.</summary>
    private static void RunPart(int participant)
    {
        try
        {
            s_body(s_context, participant);
        }
        catch (Exception ex)
        {
            s_failure ??= ExceptionDispatchInfo.Capture(ex);
        }
        Interlocked.Increment(ref s_done);
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
                long ticket = WaitForJob();
                _seenGeneration = (int)(ticket >> 32);
                // Only the workers the job asked for touch it; the caller waits for exactly those.
                if (_index < (int)ticket) RunPart(_index + 1);
            }
        }

        private long WaitForJob()
        {
            long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
            do
            {
                long ticket = Volatile.Read(ref s_ticket);
                if ((int)(ticket >> 32) != _seenGeneration) return ticket;
                Thread.SpinWait(1);
            }
            while (System.Diagnostics.Stopwatch.GetTimestamp() < deadline);
            while (true)
            {
                Volatile.Write(ref _state, Sleeping);
                long ticket = Volatile.Read(ref s_ticket);
                if ((int)(ticket >> 32) != _seenGeneration)
                {
                    // A job arrived while going to sleep: take it, consuming the wake-up if the publisher sent one.
                    if (Interlocked.CompareExchange(ref _state, Running, Sleeping) != Sleeping) _signal.Wait();
                    return ticket;
                }
                _signal.Wait();
                ticket = Volatile.Read(ref s_ticket);
                if ((int)(ticket >> 32) != _seenGeneration) return ticket;
            }
        }
    }
}
