using System;

namespace MobileViT.Runtime.Tests;

/// <summary>No public Run path allocates on the managed heap (after the first, JIT-warming call).</summary>
public class AllocationTests
{
    /// <summary>
    /// A call that allocates allocates every time; the runtime's own first-time work does not repeat: tiered compilation
    /// swapping a long-running scalar loop to optimized code mid-call (on-stack replacement) allocated 7144 bytes once in
    /// about ten runs with hardware intrinsics off. So the call is measured up to three times and must allocate
    /// nothing in one of them.
    /// </summary>
    private static void AssertNoAllocation(string name, Action action)
    {
        action();
        action();
        long allocated = 0;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            action();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated == 0) return;
        }
        Assert.True(allocated == 0, $"{name} allocated {allocated} bytes in each of three calls");
    }

    [Fact]
    public void RunPathsDoNotAllocate()
    {
        float[] x = TestData.Random(64 * 1024, 1), y = new float[64 * 1024], z = TestData.Random(64 * 1024, 2);
        var silu = new Activation(ActivationKind.SiLU);
        foreach (var g in Conv2dTests.Geometries.Values)
        {
            float[] w = Conv2dF32.PackWeights(TestData.Random((int)g.WeightLength, 3), g);
            float[] input = TestData.Random((int)g.InputLength, 4), output = new float[g.OutputLength], residual = TestData.Random((int)g.OutputLength, 5);
            float[] bias = TestData.Random(g.OutChannels, 6);
            AssertNoAllocation($"Conv2dF32 {g}", () => Conv2dF32.Run(input, w, bias, residual, output, g, silu));
        }
        {
            // One GEMM per tap (an atrous 3 × 3 whose taps mostly read padding): its gather buffer is kept per thread.
            var g = Conv2dTests.Geometry(1, 128, 20, 20, 256, 3, 1, 12, dilation: 12);
            Assert.True(TapwiseConvolution.Supports(g));
            float[] w = Conv2dF32.PackWeights(TestData.Random((int)g.WeightLength, 3), g);
            float[] input = TestData.Random((int)g.InputLength, 4), output = new float[g.OutputLength], residual = TestData.Random((int)g.OutputLength, 5);
            float[] bias = TestData.Random(g.OutChannels, 6);
            AssertNoAllocation($"Conv2dF32 per tap {g}", () => Conv2dF32.Run(input, w, bias, residual, output, g, silu));
        }
        float[] packed = GemmF32.PackB(z.AsSpan(0, 100 * 70), 100, 70, true);
        AssertNoAllocation("GemmF32.RunPackedB", () => GemmF32.RunPackedB(x.AsSpan(0, 33 * 100), packed, z.AsSpan(0, 70), z.AsSpan(0, 33 * 70), y, 33, 100, 70, silu));
        AssertNoAllocation("GemmF32.Run", () => GemmF32.Run(x.AsSpan(0, 300 * 40), true, z.AsSpan(0, 300 * 50), true, y, 40, 300, 50, 0.5f));
        AssertNoAllocation("LayerNormF32", () => LayerNormF32.Run(x.AsSpan(0, 10 * 144), z.AsSpan(0, 144), z.AsSpan(0, 144), y, 10, 144, 1e-5f));
        AssertNoAllocation("InstanceNormF32", () => InstanceNormF32.Run(x.AsSpan(0, 4 * 100), z.AsSpan(0, 4), z.AsSpan(0, 4), y, 1, 4, 100, 1e-5f));
        AssertNoAllocation("SoftmaxF32", () => SoftmaxF32.Run(x.AsSpan(0, 8 * 9 * 10), y, 8, 9, 10));
        AssertNoAllocation("LogSoftmaxF32", () => LogSoftmaxF32.Run(x.AsSpan(0, 8 * 9 * 10), y, 8, 9, 10));
        AssertNoAllocation("InterleaveF32", () => InterleaveF32.ZipRows(x.AsSpan(0, 4 * 17), x.AsSpan(0, 4 * 16), y.AsSpan(0, 4 * 33), 2, 2, 17, 16, 33, 66));
        AssertNoAllocation("ReduceF32", () => ReduceF32.Run(ReduceKind.Mean, x.AsSpan(0, 8 * 9 * 10), y, 8, 9, 10));
        AssertNoAllocation("BinaryF32", () => BinaryF32.Run(BinaryKind.Add, x, z.AsSpan(0, 6), y.AsSpan(0, 2 * 6 * 25), new[] { 2, 6, 5, 5 }, new[] { 150, 25, 5, 1 }, new[] { 0, 1, 0, 0 }));
        AssertNoAllocation("UnaryF32", () => UnaryF32.Run(UnaryKind.GeluErf, x, y));
        AssertNoAllocation("PoolF32.GlobalAverage", () => PoolF32.GlobalAverage(x.AsSpan(0, 16 * 49), y, 16, 49));
        var pool = Conv2dTests.Geometry(1, 4, 16, 16, 4, 3, 2, 1);
        AssertNoAllocation("PoolF32.MaxPool2d", () => PoolF32.MaxPool2d(x.AsSpan(0, 4 * 256), y, pool));
        AssertNoAllocation("PoolF32.AveragePool2d", () => PoolF32.AveragePool2d(x.AsSpan(0, 4 * 256), y, pool, false));
        AssertNoAllocation("ResizeF32.Bilinear", () => ResizeF32.Bilinear(x.AsSpan(0, 3 * 64), y, 3, 8, 8, 16, 16, 2f, 2f, CoordinateTransform.HalfPixel));
        AssertNoAllocation("ResizeF32.Nearest", () => ResizeF32.Nearest(x.AsSpan(0, 3 * 64), y, 3, 8, 8, 16, 16, 2f, 2f, CoordinateTransform.Asymmetric, NearestRounding.Floor));
    }
}
