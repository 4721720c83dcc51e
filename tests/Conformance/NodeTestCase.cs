using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace MobileViT.Conformance;

/// <summary>
/// One ONNX backend test folder: <c>test_x/model.onnx</c> and <c>test_x/test_data_set_N/{input,output}_K.pb</c>.
/// </summary>
public sealed class NodeTestCase
{
    private NodeTestCase(string suite, string directory)
    {
        Suite = suite;
        Directory = directory;
        Name = Path.GetFileName(directory);
    }

    /// <summary>The folder name, e.g. test_abs; the key of the exclusion list.</summary>
    public string Name { get; }

    /// <summary>The folder the case was found in: node, pytorch-converted or pytorch-operator.</summary>
    public string Suite { get; }

    public string Directory { get; }

    public string ModelPath => Path.Combine(Directory, "model.onnx");

    public IEnumerable<string> DataSets =>
        System.IO.Directory.EnumerateDirectories(Directory, "test_data_set_*").OrderBy(d => d, StringComparer.Ordinal);

    public override string ToString() => Suite + "/" + Name;

    /// <summary>
    /// Every case under <paramref name="root"/>: the root's own test_* folders, or those of its sub-folders (the
    /// layout of shared/onnx-node-tests: node/, pytorch-converted/, pytorch-operator/). Ordered by suite, then name.
    /// </summary>
    public static IReadOnlyList<NodeTestCase> Discover(string root)
    {
        var suites = new List<string> { root };
        suites.AddRange(System.IO.Directory.EnumerateDirectories(root).Where(d => !Path.GetFileName(d).StartsWith("test_", StringComparison.Ordinal)));
        return suites
            .SelectMany(suite => System.IO.Directory.EnumerateDirectories(suite, "test_*")
                .Where(d => File.Exists(Path.Combine(d, "model.onnx")))
                .Select(d => new NodeTestCase(suite == root ? Path.GetFileName(root) : Path.GetFileName(suite), d)))
            .OrderBy(c => c.Suite, StringComparer.Ordinal)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
    }
}
