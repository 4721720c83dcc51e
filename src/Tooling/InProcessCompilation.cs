using System.Collections.Generic;
using MobileViT.Compiler.Diagnostics;

namespace MobileViT.Tooling;

/// <summary>The outcome of <see cref="InProcessModel.Compile"/>: the compiler's diagnostics and, without errors, the loaded model.</summary>
public sealed class InProcessCompilation
{
    public InProcessCompilation(IReadOnlyList<CompilerDiagnostic> diagnostics, InProcessModel? model)
    {
        Diagnostics = diagnostics;
        Model = model;
    }

    public IReadOnlyList<CompilerDiagnostic> Diagnostics { get; }

    /// <summary>Null when the compiler reported an error.</summary>
    public InProcessModel? Model { get; }
}
