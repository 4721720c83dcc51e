using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace MobileViT.Tooling;

/// <summary>
/// Compiles generated C# to an in-memory assembly. The metadata references (the shared framework and
/// MobileViT.Runtime.dll) are read once per process and shared by every compilation, which keeps each model's
/// compile to its own cost.
/// </summary>
internal static class RoslynHost
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences, LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        optimizationLevel: OptimizationLevel.Release,
        allowUnsafe: true,
        nullableContextOptions: NullableContextOptions.Enable,
        deterministic: true);

    private static int _assemblyCounter;

    /// <summary>Compiles the sources with the given embedded resources; returns the PE image or the error diagnostics.</summary>
    public static (byte[]? Image, IReadOnlyList<Diagnostic> Errors) Compile(IEnumerable<(string Path, string Text)> sources, IEnumerable<(string Name, byte[] Bytes)> resources)
    {
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, ParseOptions, s.Path)).ToArray();
        var assemblyName = "MobileViT.InProcess" + Interlocked.Increment(ref _assemblyCounter).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var compilation = CSharpCompilation.Create(assemblyName, trees, References.Value, CompilationOptions);
        var manifest = resources.Select(r => new ResourceDescription(r.Name, () => new MemoryStream(r.Bytes, writable: false), isPublic: true)).ToArray();
        using var image = new MemoryStream();
        var result = compilation.Emit(image, manifestResources: manifest);
        if (!result.Success)
            return (null, result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList());
        return (image.ToArray(), Array.Empty<Diagnostic>());
    }

    /// <summary>
    /// The assemblies of the shared framework this process runs on (from TRUSTED_PLATFORM_ASSEMBLIES, limited to the
    /// framework's folder so a test host's own dependencies stay out) plus MobileViT.Runtime.
    /// </summary>
    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var frameworkFolder = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var trusted = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var paths = trusted
            .Where(p => string.Equals(Path.GetDirectoryName(p), frameworkFolder, StringComparison.Ordinal))
            .Append(typeof(MobileViT.Runtime.EmbeddedModel).Assembly.Location)
            .Distinct(StringComparer.Ordinal)
            .OrderBy(p => p, StringComparer.Ordinal);
        return paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    }
}
