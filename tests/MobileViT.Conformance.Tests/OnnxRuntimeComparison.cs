using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MobileViT.Tooling;
using Xunit;
using Xunit.Abstractions;

namespace MobileViT.Conformance.Tests;

/// <summary>
/// Runs one model compiled in process and ONNX Runtime on the same feeds, for the tests that pack many operator
/// configurations into one model (one output each): a line per output that differs, and ONNX Runtime's values.
/// </summary>
internal static class OnnxRuntimeComparison
{
    public sealed record Feed(string Name, int[] Shape, float[] Data);

    public sealed record Result(List<string> Mismatches, Dictionary<string, float[]> Expected);

    /// <param name="outputs">The graph outputs in order, each with a description for the log and for its mismatch line.</param>
    public static Result Run(byte[] model, IReadOnlyList<Feed> feeds, IReadOnlyList<(string Name, string Description)> outputs, ITestOutputHelper? log = null)
    {
        var compilation = InProcessModel.Compile(model);
        Assert.True(compilation.Model != null, string.Join("\n", compilation.Diagnostics.Select(d => d.Message)));
        using var compiled = compilation.Model!;
        var actual = compiled.Run(feeds.Select(f => f.Data).ToArray());

        using var session = new InferenceSession(model);
        using var results = session.Run(feeds.Select(f => NamedOnnxValue.CreateFromTensor(f.Name, new DenseTensor<float>(f.Data, f.Shape))).ToList());
        var expected = results.ToDictionary(r => r.Name, r => r.AsEnumerable<float>().ToArray());

        var mismatches = new List<string>();
        for (int i = 0; i < outputs.Count; i++)
        {
            log?.WriteLine(outputs[i].Description);
            if (OutputComparison.Compare(actual[i], expected[outputs[i].Name]) is string mismatch) mismatches.Add(outputs[i].Description + ": " + mismatch);
        }
        return new Result(mismatches, expected);
    }

    /// <summary>Every output within tolerance of ONNX Runtime's.</summary>
    public static void AssertMatches(byte[] model, IReadOnlyList<Feed> feeds, IReadOnlyList<(string Name, string Description)> outputs, ITestOutputHelper? log = null)
    {
        var mismatches = Run(model, feeds, outputs, log).Mismatches;
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }
}
