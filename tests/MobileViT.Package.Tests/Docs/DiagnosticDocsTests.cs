using System.Text.RegularExpressions;
using MobileViT.Compiler.Diagnostics;
using Xunit;

namespace MobileViT.Package.Tests.Docs;

/// <summary>
/// Every id of <see cref="DiagnosticCatalog"/> is described in docs/diagnostics.md and listed in the analyzer release
/// files (src/Generators/AnalyzerReleases.*.md), with the catalogue's title and severity; neither lists an id the
/// catalogue lacks.
/// </summary>
public sealed class DiagnosticDocsTests
{
    private const string Category = "MobileViT.Compiler";

    private static readonly string DiagnosticsDoc = File.ReadAllText(RepositoryPaths.Doc("diagnostics.md"));

    private static readonly string[] ReleaseFiles =
    {
        Path.Combine(RepositoryPaths.Root, "src", "Generators", "AnalyzerReleases.Shipped.md"),
        Path.Combine(RepositoryPaths.Root, "src", "Generators", "AnalyzerReleases.Unshipped.md"),
    };

    public static TheoryData<string> Ids => new(DiagnosticCatalog.All.Select(d => d.Id));

    [Theory]
    [MemberData(nameof(Ids))]
    public void DiagnosticsDocDescribesTheId(string id)
    {
        var descriptor = DiagnosticCatalog.All.Single(d => d.Id == id);
        var heading = Regex.Match(DiagnosticsDoc, $"^## {id}: (.+)$", RegexOptions.Multiline);
        Assert.True(heading.Success, $"docs/diagnostics.md has no '## {id}: {descriptor.Title}' section");
        Assert.Equal(descriptor.Title, heading.Groups[1].Value.Trim());
        Assert.Contains($"| [{id}](#", DiagnosticsDoc); // the index table at the top
        var section = DiagnosticsDoc.Substring(heading.Index).Split("\n## ")[0];
        Assert.Contains("**Cause.**", section);
        Assert.Contains("**Fix.**", section);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void AnalyzerReleasesListTheIdWithItsSeverity(string id)
    {
        var descriptor = DiagnosticCatalog.All.Single(d => d.Id == id);
        var rows = ReleaseRows().Where(r => r.Id == id).ToList();
        var row = Assert.Single(rows);
        Assert.Equal(Category, row.Category);
        Assert.Equal(descriptor.Severity.ToString(), row.Severity);
        Assert.Equal(descriptor.Title, row.Notes);
    }

    [Fact]
    public void DocsListNoIdTheCatalogueLacks()
    {
        var known = DiagnosticCatalog.All.Select(d => d.Id).ToHashSet();
        var documented = Regex.Matches(DiagnosticsDoc, @"^## (MVC\d{4})", RegexOptions.Multiline).Select(m => m.Groups[1].Value);
        Assert.DoesNotContain(documented, id => !known.Contains(id));
        Assert.DoesNotContain(ReleaseRows().Select(r => r.Id), id => !known.Contains(id));
    }

    private static IEnumerable<(string Id, string Category, string Severity, string Notes)> ReleaseRows()
    {
        foreach (var file in ReleaseFiles.Where(File.Exists))
            foreach (var line in File.ReadLines(file))
            {
                var cells = line.Split('|').Select(c => c.Trim()).ToArray();
                if (cells.Length == 4 && Regex.IsMatch(cells[0], @"^MVC\d{4}$"))
                    yield return (cells[0], cells[1], cells[2], cells[3]);
            }
    }
}
