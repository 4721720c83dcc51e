using System;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace MobileViT.Runtime;

/// <summary>
/// Persistent worker threads that run the parts of one kernel call alongside the calling thread.
/// <para>
/// A call publishes a job (a function pointer and a pointer to its arguments on the caller's stack) under a new
/// ticket (a generation number, the number of parts and how many workers take part). Each thread owns a run of
/// consecutive parts, the same every time: kernels split the same way step after step (the same pixels to the same
/// core), so each core mostly reads what it wrote itself. A part is claimed
/// before it runs, by writing the job's ticket into the part's slot, so a thread done with its own parts can run any
/// part another thread has not started — a thread that another process or library (ONNX Runtime's spinning threads,
/// say) keeps off its core then costs at most one part's wait. A late worker's claim
/// fails, since its job's slots already hold its ticket; the job's fields stay valid until every part is done.
/// </para>
/// <para>
/// Idle workers poll briefly (kernel calls of one Run follow each other within microseconds), then sleep on their own
/// semaphore. Nothing here allocates once the threads exist; while one thread's job runs, another caller runs its parts
/// itself.
/// </para>
/// </summary>
internal static unsafe class WorkerPool
{
    /// <summary>
    /// How long an idle worker polls before it sleeps: longer than the gap between two parallel kernels of one Run (a
    /// layer norm, an index mapping), short enough not to take the core from whatever runs between two Runs.
    /// </summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 5_000; // 200 µs

    private static readonly object s_startLock = new();
    private static Worker[] s_workers = Array.Empty<Worker>();
    /// <summary>Most parts one job may have: <see cref="PartsPerThread"/> per thread.</summary>
    public const int MaxParts = PartsPerThread * KernelParallelism.MaxDegree;

    /// <summary>
    /// How many parts kernels cut per thread: each thread owns a run of consecutive parts, so a thread that is slow (its
    /// core taken by something else) holds up the others by one small part, not by its whole share.
    /// </summary>
    public const int PartsPerThread = 4;

    private static readonly long[] s_claims = new long[MaxParts];

    private static int s_busy;                          // 1 while a job is published
    private static long s_ticket;                       // generation, parts and workers taking part, read together
    private static int s_done;
    private static int s_parts;
    private static int s_callerState;                   // Running, or Sleeping while the caller waits for the last part
    private static readonly SemaphoreSlim s_finished = new(0);

    /// <summary>How long the caller polls for the workers' last parts before it blocks and lets its core go idle.</summary>
    private static readonly long WaitSpinTicks = Stopwatch.Frequency / 50_000; // 20 µs
    private static delegate*<void*, int, void> s_body;
    private static void* s_context;
    private static ExceptionDispatchInfo? s_failure;

    public static int WorkerCount => Volatile.Read(ref s_workers).Length;

    private static long s_workerAllocatedBytes;

    /// <summary>Bytes the worker threads allocated while running parts, since the process started (a test counter).</summary>
    public static long WorkerAllocatedBytes => Interlocked.Read(ref s_workerAllocatedBytes);

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
    /// Runs body(context, part) for every part in [0, parts) on up to <paramref name="degree"/> threads, this one
    /// included, and returns when all are done. Thread t owns parts [t·parts/threads, (t+1)·parts/threads); the caller
    /// is thread 0. What a part computes must not depend on the thread that runs it.
    /// </summary>
    public static void For(int degree, int parts, delegate*<void*, int, void> body, void* context)
    {
        var workers = Volatile.Read(ref s_workers);
        int helpers = Math.Min(Math.Min(degree - 1, parts - 1), workers.Length);
        if (helpers <= 0 || parts > s_claims.Length || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            for (int part = 0; part < parts; part++) body(context, part);
            return;
        }
        try
        {
            s_body = body;
            s_context = context;
            s_failure = null;
            s_parts = parts;
            Volatile.Write(ref s_done, 0);
            long ticket = (Volatile.Read(ref s_ticket) / TicketBase + 1) * TicketBase + parts * 64 + helpers;
            Volatile.Write(ref s_ticket, ticket);
            for (int i = 0; i < helpers; i++) workers[i].Wake();

            RunOwnParts(0, helpers + 1, parts, ticket);
            RunOthersParts(0, helpers + 1, parts, ticket);
            WaitForParts(parts);
            s_failure?.Throw();
        }
        finally
        {
            s_body = null;
            s_context = null;
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>A ticket is generation · 2^16 + parts · 64 + helpers, so a worker learns all three in one read.</summary>
    private const long TicketBase = 1 << 16;

    private static int FirstPart(int thread, int threads, int parts) => FirstUnit(parts, thread, threads);

    /// <summary>How many parts a kernel cuts <paramref name="units"/> into for <paramref name="degree"/> threads.</summary>
    public static int PartsFor(int units, int degree) => Math.Min(units, PartsPerThread * degree);

    /// <summary>The first of the consecutive units part <paramref name="part"/> of <paramref name="parts"/> covers (as even as integers allow).</summary>
    public static int FirstUnit(int units, int part, int parts) => (int)((long)units * part / parts);

    private static void RunOwnParts(int thread, int threads, int parts, long ticket)
    {
        for (int part = FirstPart(thread, threads, parts), end = FirstPart(thread + 1, threads, parts); part < end; part++)
            if (TryClaim(part, ticket)) RunPart(part);
    }

    /// <summary>
    /// Runs the parts other threads have not started yet, each run from its end (where its owner would come last): a
    /// thread done with its own run takes over from one whose core is shared with something else, whichever thread
    /// that is, instead of waiting for it.
    /// </summary>
    private static void RunOthersParts(int thread, int threads, int parts, long ticket)
    {
        for (int i = 1; i < threads; i++)
        {
            int other = (thread + i) % threads;
            for (int part = FirstPart(other + 1, threads, parts) - 1; part >= FirstPart(other, threads, parts); part--)
                if (TryClaim(part, ticket)) RunPart(part);
        }
    }

    /// <summary>
    /// Marks <paramref name="part"/> of the job of <paramref name="ticket"/> as taken; false when it already is, or when
    /// that job is over (the slot then holds its ticket or a later one: tickets only grow).
    /// </summary>
    private static bool TryClaim(int part, long ticket)
    {
        long seen = Volatile.Read(ref s_claims[part]);
        return seen < ticket && Interlocked.CompareExchange(ref s_claims[part], ticket, seen) == seen;
    }

    private static void RunPart(int part)
    {
        try
        {
            s_body(s_context, part);
        }
        catch (Exception ex)
        {
            s_failure ??= ExceptionDispatchInfo.Capture(ex);
        }
        if (Interlocked.Increment(ref s_done) == Volatile.Read(ref s_parts)
            && Interlocked.CompareExchange(ref s_callerState, Worker.Running, Worker.Sleeping) == Worker.Sleeping)
            s_finished.Release();
    }

    /// <summary>
    /// Waits until every part is done: briefly polling, then blocked. Blocking matters when more threads want the cores
    /// than there are cores (another library's spinning pool, say): an idle core is where the OS moves a worker that
    /// was preempted in the middle of its part, instead of leaving it queued behind the spinner.
    /// </summary>
    private static void WaitForParts(int parts)
    {
        long deadline = Stopwatch.GetTimestamp() + WaitSpinTicks;
        while (Volatile.Read(ref s_done) < parts)
        {
            if (Stopwatch.GetTimestamp() < deadline)
            {
                Thread.SpinWait(1);
                continue;
            }
            // A full fence (not a volatile write): the read of s_done below must not move before this store, or the
            // last part could see the caller still running and skip the release while the caller goes to sleep.
            Interlocked.Exchange(ref s_callerState, Worker.Sleeping);
            if (Volatile.Read(ref s_done) < parts)
            {
                s_finished.Wait();
            }
            else if (Interlocked.CompareExchange(ref s_callerState, Worker.Running, Worker.Sleeping) != Worker.Sleeping)
            {
                s_finished.Wait(); // the last part released the semaphore just now: consume it
            }
            Volatile.Write(ref s_callerState, Worker.Running);
        }
    }

    private sealed class Worker
    {
        public const int Running = 0, Sleeping = 1;
        private readonly SemaphoreSlim _signal = new(0);
        private readonly int _thread;
        private int _state;
        private long _seenTicket;

        public Worker(int index)
        {
            _thread = index + 1;
            _seenTicket = Volatile.Read(ref s_ticket);
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
                _seenTicket = ticket;
                // Only the workers the job asked for; the claim fails when the caller ran this part already.
                int helpers = (int)(ticket % 64), parts = (int)(ticket % TicketBase / 64);
                if (_thread > helpers) continue;
                long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                RunOwnParts(_thread, helpers + 1, parts, ticket);
                RunOthersParts(_thread, helpers + 1, parts, ticket);
                long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
                if (allocated != 0) Interlocked.Add(ref s_workerAllocatedBytes, allocated);
            }
        }

        private long WaitForJob()
        {
            long deadline = Stopwatch.GetTimestamp() + SpinTicks;
            do
            {
                long ticket = Volatile.Read(ref s_ticket);
                if (ticket != _seenTicket) return ticket;
                Thread.SpinWait(1);
            }
            while (Stopwatch.GetTimestamp() < deadline);
            while (true)
            {
                Interlocked.Exchange(ref _state, Sleeping); // a full fence, for the same reason as in WaitForParts
                long ticket = Volatile.Read(ref s_ticket);
                if (ticket != _seenTicket)
                {
                    // A job arrived while going to sleep: take it, consuming the wake-up if the publisher sent one.
                    if (Interlocked.CompareExchange(ref _state, Running, Sleeping) != Sleeping) _signal.Wait();
                    return ticket;
                }
                _signal.Wait();
                ticket = Volatile.Read(ref s_ticket);
                if (ticket != _seenTicket) return ticket;
            }
        }
    }
}
