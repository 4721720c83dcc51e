namespace MobileViT.Package.Tests;

internal static class ErrorMetrics
{
    /// <summary>‖actual − expected‖₂ / ‖expected‖₂; NaN or infinity anywhere gives +∞ so it can never pass.</summary>
    public static double RelativeL2(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        if (actual.Length != expected.Length) throw new ArgumentException($"lengths differ: {actual.Length} vs {expected.Length}");
        double difference = 0, reference = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            if (!float.IsFinite(actual[i]) || !float.IsFinite(expected[i])) return double.PositiveInfinity;
            double d = actual[i] - expected[i];
            difference += d * d;
            reference += (double)expected[i] * expected[i];
        }
        if (reference == 0) return double.PositiveInfinity;
        return Math.Sqrt(difference / reference);
    }
}
