using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace MobileViT.Compiler.Tests.Generator
{
    /// <summary>An AdditionalFiles item as the compiler sees it; the generator only uses its path and reads the file itself.</summary>
    internal sealed class TestAdditionalText : AdditionalText
    {
        public TestAdditionalText(string path) => Path = path;

        public override string Path { get; }

        public override SourceText? GetText(CancellationToken cancellationToken = default) => SourceText.From("");
    }

    /// <summary>An AdditionalText that fails as soon as it is touched, to check that no exception escapes the generator.</summary>
    internal sealed class ThrowingAdditionalText : AdditionalText
    {
        public override string Path => throw new System.InvalidOperationException("path unavailable");

        public override SourceText? GetText(CancellationToken cancellationToken = default) => throw new System.InvalidOperationException("text unavailable");
    }
}
