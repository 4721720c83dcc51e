using System.Collections.Generic;
using MobileViT.Compiler.Diagnostics;

namespace MobileViT.Compiler.Api
{
    /// <summary>The generated source (null when an error stopped compilation) and every diagnostic raised.</summary>
    public sealed class CompileResult
    {
        public CompileResult(string? source, IReadOnlyList<CompilerDiagnostic> diagnostics, IReadOnlyList<ExternalDataFile>? externalDataFiles = null)
        {
            Source = source;
            Diagnostics = diagnostics;
            ExternalDataFiles = externalDataFiles ?? new ExternalDataFile[0];
        }

        /// <summary>
        /// The files beside the model that hold external initializer data. The generated code loads each from the manifest
        /// resource <see cref="ExternalDataFile.ResourceName"/>, so whatever builds it must embed them under those names.
        /// </summary>
        public IReadOnlyList<ExternalDataFile> ExternalDataFiles { get; }

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
