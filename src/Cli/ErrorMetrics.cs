namespace MobileViT.Cli;

/// <summary>How far an output is from the expected one.</summary>
internal readonly record struct ErrorMetrics(double RelativeL2, double MaxAbsolute)
{
    /// <summary>‖actual − expected‖₂ / ‖expected‖₂ and max |actual − expected|; NaN or infinity anywhere gives +∞.</summary>
    public static ErrorMetrics Compare(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        double difference = 0, reference = 0, maxAbsolute = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            if (!float.IsFinite(actual[i]) || !float.IsFinite(expected[i])) return new ErrorMetrics(double.PositiveInfinity, double.PositiveInfinity);
            double d = actual[i] - (double)expected[i];
            difference += d * d;
            reference += (double)expected[i] * expected[i];
            maxAbsolute = Math.Max(maxAbsolute, Math.Abs(d));
        }
        double relative = reference > 0 ? Math.Sqrt(difference / reference) : difference == 0 ? 0 : double.PositiveInfinity;
        return new ErrorMetrics(relative, maxAbsolute);
    }
}
