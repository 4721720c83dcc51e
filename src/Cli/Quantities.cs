using System.Globalization;

namespace MobileViT.Cli;

/// <summary>Numbers as people read them, always with the invariant culture: "12.58 M", "1.5 MiB", "3.42 ms".</summary>
internal static class Quantities
{
    public static string Count(long value)
    {
        if (value == 0) return "-";
        if (value < 10_000) return value.ToString(CultureInfo.InvariantCulture);
        if (value < 1_000_000) return (value / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + " K";
        if (value < 1_000_000_000) return (value / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " M";
        return (value / 1e9).ToString("0.00", CultureInfo.InvariantCulture) + " G";
    }

    public static string Bytes(long value)
    {
        if (value == 0) return "-";
        if (value < 1024) return value.ToString(CultureInfo.InvariantCulture) + " B";
        if (value < 1024 * 1024) return (value / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB";
        return (value / (1024.0 * 1024)).ToString("0.00", CultureInfo.InvariantCulture) + " MiB";
    }

    public static string Exact(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Milliseconds(double value) => value.ToString("0.000", CultureInfo.InvariantCulture) + " ms";

    public static string Scientific(double value) => value.ToString("0.00E+00", CultureInfo.InvariantCulture);

    public static string Shape(IReadOnlyList<int> shape) => "[" + string.Join(",", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    public static string Shapes(IReadOnlyList<IReadOnlyList<int>> shapes) => string.Join(" ", shapes.Select(Shape));
}
