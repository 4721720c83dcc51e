using System.Globalization;

namespace MobileViT.Compiler.Diagnostics
{
    /// <summary>One entry of the catalogue: id, severity, a title, a message format and what to do about it.</summary>
    public sealed class DiagnosticDescriptorInfo
    {
        public DiagnosticDescriptorInfo(string id, DiagnosticSeverityLevel severity, string title, string messageFormat, string help)
        {
            Id = id;
            Severity = severity;
            Title = title;
            MessageFormat = messageFormat;
            Help = help;
        }

        public string Id { get; }
        public DiagnosticSeverityLevel Severity { get; }
        public string Title { get; }

        /// <summary>Composite format; argument 0 is always the model file name.</summary>
        public string MessageFormat { get; }

        public string Help { get; }

        public CompilerDiagnostic Create(params object[] args) =>
            new CompilerDiagnostic(Id, Severity, string.Format(CultureInfo.InvariantCulture, MessageFormat, args));
    }
}
