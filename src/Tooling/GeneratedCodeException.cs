using System;

namespace MobileViT.Tooling;

/// <summary>
/// Roslyn rejected the C# the model compiler generated. Always a compiler bug: the message lists the first errors
/// and where the generated source was saved.
/// </summary>
public sealed class GeneratedCodeException : Exception
{
    public GeneratedCodeException(string message, string sourcePath) : base(message)
    {
        SourcePath = sourcePath;
    }

    /// <summary>A temporary file holding the generated source and the harness, for reading the errors in context.</summary>
    public string SourcePath { get; }
}
