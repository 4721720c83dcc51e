using MobileViT.Compiler.Diagnostics;

namespace MobileViT.Generators.Model
{
    /// <summary>The outcome of compiling one model: source text (null when an error stopped it) and every diagnostic.</summary>
    internal sealed record CompiledModel(
        string FilePath,
        string HintName,
        string? Source,
        EquatableArray<CompilerDiagnostic> Diagnostics);

    /// <summary>What the source output needs: one file to add.</summary>
    internal sealed record GeneratedSource(string FilePath, string HintName, string Text);

    /// <summary>What the diagnostics output needs: the diagnostics of one model and the file they point at.</summary>
    internal sealed record ModelDiagnostics(string FilePath, EquatableArray<CompilerDiagnostic> Diagnostics);
}
