using Xunit;

namespace MobileViT.Models.Tests;

/// <summary>Nothing else runs while allocations are counted: GC.GetTotalAllocatedBytes is process-wide.</summary>
[CollectionDefinition(nameof(AllocationTests), DisableParallelization = true)]
public sealed class AllocationCollection;

/// <summary>Run allocates nothing once a thread's scratch exists.</summary>
[Collection(nameof(AllocationTests))]
public sealed class AllocationTests
{
    [Theory]
    [InlineData("MobileViTXXSOpset13")]
    [InlineData("MobileViTXXSOpset17")]
    [InlineData("MobileViTXXSBatch2")]
    [InlineData("MobileViTXXS224")]    // 7×7, 14×14 and 28×28 planes: depthwise channel blocks, GEMM panel tails
    [InlineData("MobileViTXSOpset13")]
    [InlineData("DecoderNetOpset17")]  // ConvTranspose phases and their interleaving
    [InlineData("LegacyNetOpset9")]    // Upsample-9, opset-9 attribute forms
    public void RunAllocatesNothingAfterTheFirstCall(string className)
    {
        var model = CompiledModels.Get(className);
        model.SkipIfAbsent();
        var input = RepositoryPaths.ReadFloats(RepositoryPaths.Model(model.InputFile));
        var output = new float[model.Constant("OutputLength")];
        var run = model.Run;
        AssertAllocatesNothing(() => run(input, output));
    }

    [Fact]
    public void ScratchOverloadNeverAllocates()
    {
        var model = CompiledModels.Get("MobileViTXXSOpset13");
        var input = RepositoryPaths.ReadFloats(RepositoryPaths.Model(model.InputFile));
        var output = new float[model.Constant("OutputLength")];
        var scratch = new float[model.Constant("ScratchLength")];
        var run = model.RunWithScratch;
        AssertAllocatesNothing(() => run(input, output, scratch));
    }

    /// <summary>
    /// Runs past tiered compilation's promotion (30 calls) and lets it settle, then counts the bytes allocated over
    /// further runs by this thread and by the kernel worker threads (exact, whatever else the process does), and by the
    /// whole process over one run. The process-wide counter also sees the test runner's own threads, so it gets a few
    /// attempts: anything Run allocated would show up in every one of them. Without hardware vectors a run takes about
    /// a second and the runner's periodic work lands in every attempt, so there the two exact counters stand alone.
    /// </summary>
    internal static void AssertAllocatesNothing(Action run)
    {
        for (int i = 0; i < 35; i++) run();
        Thread.Sleep(300); // let tiered compilation's background thread finish promoting what the warm-up made hot
        // The worker counter first: reading it may run the worker pool's type initializer, which allocates (2208 bytes
        // on this thread when this is the first test of the process) and must not be counted as Run's.
        long workersBefore = MobileViT.Runtime.KernelParallelism.WorkerAllocatedBytes;
        long threadBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - threadBefore);
        Assert.Equal(0, MobileViT.Runtime.KernelParallelism.WorkerAllocatedBytes - workersBefore);
        if (!System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated) return;

        long processAllocated = long.MaxValue;
        for (int attempt = 0; attempt < 20 && processAllocated != 0; attempt++)
        {
            long before = GC.GetTotalAllocatedBytes(true);
            run();
            processAllocated = GC.GetTotalAllocatedBytes(true) - before;
        }
        Assert.Equal(0, processAllocated);
    }
}
