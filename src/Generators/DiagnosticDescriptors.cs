using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using MobileViT.Compiler.Diagnostics;

namespace MobileViT.Generators
{
    /// <summary>
    /// Roslyn descriptors for MobileViT.Compiler's catalogue. The message is already complete in each
    /// <see cref="CompilerDiagnostic"/>, so every descriptor's format is just "{0}".
    /// </summary>
    internal static class DiagnosticDescriptors
    {
        public const string Category = "MobileViT.Compiler";

        private static readonly Dictionary<string, DiagnosticDescriptor> ById = CreateAll();

        public static Diagnostic ToDiagnostic(CompilerDiagnostic diagnostic, string filePath)
        {
            if (!ById.TryGetValue(diagnostic.Id, out DiagnosticDescriptor? descriptor))
                descriptor = Create(diagnostic.Id, diagnostic.Id, diagnostic.Severity, "");

            Location location = string.IsNullOrEmpty(filePath)
                ? Location.None
                : Location.Create(filePath, default(TextSpan), default(LinePositionSpan));
            return Diagnostic.Create(descriptor, location, diagnostic.Message);
        }

        private static Dictionary<string, DiagnosticDescriptor> CreateAll()
        {
            var descriptors = new Dictionary<string, DiagnosticDescriptor>();
            foreach (DiagnosticDescriptorInfo info in DiagnosticCatalog.All)
                descriptors[info.Id] = Create(info.Id, info.Title, info.Severity, info.Help);
            return descriptors;
        }

        private static DiagnosticDescriptor Create(string id, string title, DiagnosticSeverityLevel severity, string help) =>
            new DiagnosticDescriptor(id, title, "{0}", Category, ToRoslyn(severity), isEnabledByDefault: true, description: help);

        private static DiagnosticSeverity ToRoslyn(DiagnosticSeverityLevel severity) => severity switch
        {
            DiagnosticSeverityLevel.Error => DiagnosticSeverity.Error,
            DiagnosticSeverityLevel.Warning => DiagnosticSeverity.Warning,
            _ => DiagnosticSeverity.Info,
        };
    }
}
