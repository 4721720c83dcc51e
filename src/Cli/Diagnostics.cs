using MobileViT.Compiler.Diagnostics;
using Spectre.Console;

namespace MobileViT.Cli;

/// <summary>Prints compiler diagnostics the way the build shows them: "error MVC0004: model.onnx: node ...".</summary>
internal static class Diagnostics
{
    /// <summary>Prints every diagnostic; true when one of them is an error.</summary>
    public static bool Print(IEnumerable<CompilerDiagnostic> diagnostics, IAnsiConsole console)
    {
        bool error = false;
        foreach (var diagnostic in diagnostics)
        {
            string? color = diagnostic.Severity switch
            {
                DiagnosticSeverityLevel.Error => "red",
                DiagnosticSeverityLevel.Warning => "yellow",
                _ => null,
            };
            ConsoleText.Line(console, diagnostic.ToString(), color);
            error |= diagnostic.Severity == DiagnosticSeverityLevel.Error;
        }
        return error;
    }
}
