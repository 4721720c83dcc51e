using System;
using MobileViT.Compiler.Diagnostics;

namespace MobileViT.Compiler.Ir
{
    /// <summary>Stops compilation with a diagnostic. Caught by the pipeline; never escapes the compiler.</summary>
    public sealed class CompileError : Exception
    {
        public CompileError(CompilerDiagnostic diagnostic) : base(diagnostic.Message)
        {
            Diagnostic = diagnostic;
        }

        public CompilerDiagnostic Diagnostic { get; }
    }
}
