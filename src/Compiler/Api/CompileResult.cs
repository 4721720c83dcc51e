using System.Collections.Generic;
using MobileViT.Compiler.Diagnostics;

namespace MobileViT.Compiler.Api
{
    /// <summary>The generated source (null when an error stopped compilation) and every diagnostic raised.</summary>
    public sealed class CompileResult
    {
        public CompileResult(string? source, IReadOnlyList<CompilerDiagnostic> diagnostics)
        {
            Source = source;
            Diagnostics = diagnostics;
        }

        public string? Source { get; }

        public IReadOnlyList<CompilerDiagnostic> Diagnostics { get; }

        public bool HasErrors
        {
            get
            {
                foreach (var d in Diagnostics)
                    if (d.Severity == DiagnosticSeverityLevel.Error) return true;
                return false;
            }
        }
    }
}
