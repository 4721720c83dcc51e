using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MobileViT.Compiler.Tests.Generator
{
    /// <summary>
    /// Stands in for the options MSBuild writes to the generated .editorconfig: item metadata as
    /// build_metadata.AdditionalFiles.&lt;Name&gt; per file, properties as build_property.&lt;Name&gt;.
    /// </summary>
    internal sealed class TestAnalyzerConfigOptionsProvider : AnalyzerConfigOptionsProvider
    {
        private readonly IReadOnlyDictionary<string, TestAnalyzerConfigOptions> _byPath;

        public TestAnalyzerConfigOptionsProvider(TestAnalyzerConfigOptions global, IReadOnlyDictionary<string, TestAnalyzerConfigOptions> byPath)
        {
            GlobalOptions = global;
            _byPath = byPath;
        }

        public override AnalyzerConfigOptions GlobalOptions { get; }

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => TestAnalyzerConfigOptions.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
            _byPath.TryGetValue(textFile.Path, out var options) ? options : TestAnalyzerConfigOptions.Empty;
    }

    internal sealed class TestAnalyzerConfigOptions : AnalyzerConfigOptions
    {
        public static readonly TestAnalyzerConfigOptions Empty = new(new Dictionary<string, string>());

        private readonly Dictionary<string, string> _values;

        public TestAnalyzerConfigOptions(IDictionary<string, string> values) =>
            _values = new Dictionary<string, string>(values, StringComparer.OrdinalIgnoreCase);

        public static TestAnalyzerConfigOptions ItemMetadata(params (string Name, string Value)[] metadata)
        {
            var values = new Dictionary<string, string>();
            foreach (var (name, value) in metadata)
                values["build_metadata.AdditionalFiles." + name] = value;
            return new TestAnalyzerConfigOptions(values);
        }

        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => _values.TryGetValue(key, out value);
    }

    /// <summary>Options whose every lookup throws, to check that no exception escapes the generator.</summary>
    internal sealed class ThrowingAnalyzerConfigOptions : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) =>
            throw new InvalidOperationException("options unavailable");
    }

    /// <summary>A provider whose per-file options throw on every lookup.</summary>
    internal sealed class ThrowingAnalyzerConfigOptionsProvider : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions => TestAnalyzerConfigOptions.Empty;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => TestAnalyzerConfigOptions.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new ThrowingAnalyzerConfigOptions();
    }
}
