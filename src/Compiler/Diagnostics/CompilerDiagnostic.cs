using System;

namespace MobileViT.Compiler.Diagnostics
{
    public enum DiagnosticSeverityLevel { Info, Warning, Error }

    /// <summary>A diagnostic as plain data: equatable, so it can flow through an incremental generator pipeline.</summary>
    public sealed class CompilerDiagnostic : IEquatable<CompilerDiagnostic>
    {
        public CompilerDiagnostic(string id, DiagnosticSeverityLevel severity, string message)
        {
            Id = id;
            Severity = severity;
            Message = message;
        }

        /// <summary>MVCnnnn.</summary>
        public string Id { get; }

        public DiagnosticSeverityLevel Severity { get; }

        /// <summary>Complete message: names the model file, the node or tensor, what is wrong and what to do.</summary>
        public string Message { get; }

        public bool Equals(CompilerDiagnostic? other) =>
            other is not null && Id == other.Id && Severity == other.Severity && Message == other.Message;

        public override bool Equals(object? obj) => Equals(obj as CompilerDiagnostic);

        public override int GetHashCode() => (Id.GetHashCode() * 397) ^ Message.GetHashCode();

        public override string ToString() => $"{Severity.ToString().ToLowerInvariant()} {Id}: {Message}";
    }
}
