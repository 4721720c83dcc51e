using System.Text.Json;

namespace MobileViT.Cli;

/// <summary>
/// The per-node kernel times in a profile ONNX Runtime wrote (its "Node" events named "&lt;node&gt;_kernel_time", in
/// microseconds), in the order of the nodes' first run.
/// </summary>
internal static class OnnxRuntimeProfile
{
    public sealed record NodeTimes(string Node, string Operator, List<double> Microseconds);

    public static IReadOnlyList<NodeTimes> Read(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var nodes = new Dictionary<string, NodeTimes>(StringComparer.Ordinal);
        var order = new List<NodeTimes>();
        foreach (var e in document.RootElement.EnumerateArray())
        {
            if (!e.TryGetProperty("cat", out var category) || category.GetString() != "Node") continue;
            var name = e.GetProperty("name").GetString() ?? "";
            const string suffix = "_kernel_time";
            if (!name.EndsWith(suffix, StringComparison.Ordinal)) continue;
            name = name.Substring(0, name.Length - suffix.Length);
            if (!nodes.TryGetValue(name, out var times))
            {
                var op = e.TryGetProperty("args", out var args) && args.TryGetProperty("op_name", out var opName) ? opName.GetString() ?? "?" : "?";
                times = new NodeTimes(name, op, new List<double>());
                nodes.Add(name, times);
                order.Add(times);
            }
            times.Microseconds.Add(e.GetProperty("dur").GetDouble());
        }
        return order;
    }
}
