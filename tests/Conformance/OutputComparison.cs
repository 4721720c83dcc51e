using System;
using System.Globalization;

namespace MobileViT.Conformance;

/// <summary>
/// Compares a computed tensor with the expected one. Two checks: the relative L2 error of the whole tensor, and the
/// largest single-element error relative to the tensor's largest magnitude (which catches a few wrong elements that
/// the L2 norm of a large tensor would hide). Non-finite values must match exactly, position by position.
/// </summary>
public static class OutputComparison
{
    public const double MaxRelativeL2 = 1e-4;
    public const double MaxAbsoluteErrorPerMagnitude = 1e-3;
    public const double AbsoluteFloor = 1e-5;

    /// <summary>Null when the tensors agree, otherwise why not.</summary>
    public static string? Compare(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        if (actual.Length != expected.Length)
            return Invariant($"{actual.Length} values, expected {expected.Length}");
        double errorSquares = 0, expectedSquares = 0, maxError = 0, maxMagnitude = 0;
        int worst = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            float a = actual[i], e = expected[i];
            if (!float.IsFinite(e) || !float.IsFinite(a))
            {
                bool same = float.IsNaN(e) ? float.IsNaN(a) : a == e;
                if (!same) return Invariant($"element {i} is {a}, expected {e}");
                continue;
            }
            double error = Math.Abs((double)a - e);
            errorSquares += error * error;
            expectedSquares += (double)e * e;
            maxMagnitude = Math.Max(maxMagnitude, Math.Abs(e));
            if (error > maxError) { maxError = error; worst = i; }
        }
        double l2 = Math.Sqrt(errorSquares), norm = Math.Sqrt(expectedSquares);
        double relativeL2 = norm > 0 ? l2 / norm : l2;
        double allowedError = MaxAbsoluteErrorPerMagnitude * maxMagnitude + AbsoluteFloor;
        if (relativeL2 > MaxRelativeL2 || maxError > allowedError)
            return Invariant($"relative L2 {relativeL2:G3}, max error {maxError:G3} at element {worst} (got {actual[worst]:G9}, expected {expected[worst]:G9}; allowed {allowedError:G3})");
        return null;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
