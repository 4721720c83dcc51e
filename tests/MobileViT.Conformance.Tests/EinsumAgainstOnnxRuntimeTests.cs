using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using Xunit.Abstractions;
using Attr = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Conformance.Tests;

/// <summary>
/// Einsum against ONNX Runtime: the equations Keras attention exports (projections with a constant kernel, scores and
/// values with heads), batched and plain products, transposes, sums, inner and outer products, implicit outputs,
/// ellipses, three operands, and a product of two constants (folded). At opset 12 (ReduceSum's axes an attribute) and
/// 17 (an input). Every equation is one output of one model, on random sizes.
/// </summary>
public sealed class EinsumAgainstOnnxRuntimeTests(ITestOutputHelper output)
{
    /// <summary>Equation, operand shapes by label, and which operands are initializers.</summary>
    private static readonly (string Equation, string[] Operands, bool[] Constant)[] Equations =
    {
        ("ij,jk->ik", new[] { "ij", "jk" }, new[] { false, true }),
        ("bij,bjk->bik", new[] { "bij", "bjk" }, new[] { false, false }),
        ("abc,cde->abde", new[] { "abc", "cde" }, new[] { false, true }),        // Keras MultiHeadAttention: q/k/v projections
        ("aecd,abcd->acbe", new[] { "aecd", "abcd" }, new[] { false, false }),   // scores
        ("acbe,aecd->abcd", new[] { "acbe", "aecd" }, new[] { false, false }),   // values
        ("abcd,cde->abe", new[] { "abcd", "cde" }, new[] { false, true }),       // output projection
        ("bqhd,bkhd->bhqk", new[] { "bqhd", "bkhd" }, new[] { false, false }),
        ("ij->ji", new[] { "ij" }, new[] { false }),
        ("ijk->k", new[] { "ijk" }, new[] { false }),
        ("ij->", new[] { "ij" }, new[] { false }),
        ("i,i->", new[] { "i", "i" }, new[] { false, false }),
        ("i,j->ij", new[] { "i", "j" }, new[] { false, false }),
        ("bij,bjk", new[] { "bij", "bjk" }, new[] { false, false }),             // implicit output "ik": b is summed too
        ("...ij,...jk->...ik", new[] { "xij", "xjk" }, new[] { false, true }),
        ("...j,jk", new[] { "xyj", "jk" }, new[] { false, true }),
        ("ij,jk,kl->il", new[] { "ij", "jk", "kl" }, new[] { false, true, false }),
        ("ijk,ik->j", new[] { "ijk", "ik" }, new[] { false, false }),
        ("abc,ad->bdc", new[] { "abc", "ad" }, new[] { false, false }),          // a label only the left side has beside a shared one
        ("ij,jk->ik ", new[] { "ij", "jk" }, new[] { true, true }),              // both constant: folded at compile time
    };

    [Theory]
    [InlineData(12)]
    [InlineData(17)]
    public void EquationsMatchOnnxRuntime(int opset)
    {
        var random = new Random(20261205 + opset);
        var builder = new OnnxBuilder(opset);
        var feeds = new List<(string Name, int[] Shape, float[] Data)>();
        var outputs = new List<(string Name, string Description)>();
        for (int e = 0; e < Equations.Length; e++)
        {
            var (equation, operands, constant) = Equations[e];
            var sizes = new Dictionary<char, int>();
            var names = new List<string>();
            for (int o = 0; o < operands.Length; o++)
            {
                var shape = operands[o].Select(l => sizes.TryGetValue(l, out var s) ? s : sizes[l] = 1 + random.Next(l == 'x' || l == 'y' ? 3 : 7) + (l == 'x' ? 1 : 0)).ToArray();
                var data = Enumerable.Range(0, shape.Aggregate(1, (p, d) => p * d)).Select(_ => (float)random.NextDouble() * 2 - 1).ToArray();
                string name = $"e{e}_{o}";
                if (constant[o]) builder.Initializer(name, shape.Select(d => (long)d).ToArray(), data);
                else
                {
                    builder.Input(name, shape.Cast<object>().ToArray());
                    feeds.Add((name, shape, data));
                }
                names.Add(name);
            }
            builder.Node("Einsum", names.ToArray(), new[] { $"e{e}_y" }, $"einsum{e}", "", Attr.String("equation", equation));
            // Every output goes through an Add with a run-time input, so a folded Einsum is still a graph output's source.
            builder.Input($"e{e}_bias", 1).Node("Add", new[] { $"e{e}_y", $"e{e}_bias" }, new[] { $"e{e}_out" });
            feeds.Add(($"e{e}_bias", new[] { 1 }, new[] { 0.25f }));
            builder.Output($"e{e}_out");
            outputs.Add(($"e{e}_out", $"'{equation}' on {string.Join(", ", operands.Select(o => string.Join('x', o.Select(l => sizes[l]))))}"));
        }
        var model = builder.Build();

        OnnxRuntimeComparison.AssertMatches(model, feeds.Select(f => new OnnxRuntimeComparison.Feed(f.Name, f.Shape, f.Data)).ToList(), outputs, output);
    }
}
