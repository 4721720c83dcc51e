using System;
using System.Collections.Generic;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime.Tests;

/// <summary>Random inputs and the comparison every tester uses.</summary>
internal static class TestData
{
    public static readonly KernelIsa[] AllIsas = { KernelIsa.Scalar, KernelIsa.Vector128, KernelIsa.Vector256, KernelIsa.Vector512 };

    /// <summary>Theory data: one row per variant, by name (KernelIsa is internal, test methods are public).</summary>
    public static IEnumerable<object[]> Isas()
    {
        foreach (KernelIsa isa in AllIsas) yield return new object[] { isa.ToString() };
    }

    public static KernelIsa Isa(string name) => Enum.Parse<KernelIsa>(name);

    /// <summary>Uniform values in [low, high), never all zero; seeded so failures reproduce.</summary>
    public static float[] Random(int length, int seed, float low = -1f, float high = 1f)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = low + (float)random.NextDouble() * (high - low);
        return values;
    }

    /// <summary>‖actual − expected‖ / ‖expected‖ in double; NaN or infinity anywhere gives +inf, so comparisons fail.</summary>
    public static double RelativeL2(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        if (actual.Length != expected.Length) return double.PositiveInfinity;
        double difference = 0, norm = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            if (!float.IsFinite(actual[i]) || !float.IsFinite(expected[i])) return double.PositiveInfinity;
            double delta = (double)actual[i] - expected[i];
            difference += delta * delta;
            norm += (double)expected[i] * expected[i];
        }
        if (norm == 0) return Math.Sqrt(difference);
        return Math.Sqrt(difference / norm);
    }

    public static void AssertClose(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double tolerance = 1e-5, string? context = null)
    {
        double error = RelativeL2(actual, expected);
        Assert.True(error <= tolerance, $"relative L2 error {error:E3} > {tolerance:E1} {context}");
    }

    /// <summary><paramref name="compute"/> with 2 and 3 threads gives the bits it gives on one.</summary>
    public static void AssertSameBitsOnEveryDegree(Func<float[]> compute, string context)
    {
        float[] WithDegree(int degree)
        {
            KernelParallelism.PrepareDegree(degree);
            int previous = KernelParallelism.Enter(degree);
            try { return compute(); }
            finally { KernelParallelism.Exit(previous); }
        }
        float[] single = WithDegree(1);
        foreach (int degree in new[] { 2, 3 })
        {
            float[] parallel = WithDegree(degree);
            for (int i = 0; i < single.Length; i++)
                Assert.True(BitConverter.SingleToInt32Bits(single[i]) == BitConverter.SingleToInt32Bits(parallel[i]),
                    $"{context}: degree {degree} element {i} is {parallel[i]:R}, single-threaded {single[i]:R}");
        }
    }
}
