using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using MobileViT.Generators;

namespace MobileViT.Compiler.Tests.Generator
{
    /// <summary>
    /// Runs <see cref="OnnxModelGenerator"/> in a CSharpGeneratorDriver with step tracking on, over model files
    /// written to a temporary folder (the generator reads models by path, as it does in a real build).
    /// </summary>
    internal sealed class GeneratorHarness : IDisposable
    {
        public const string RootNamespace = "Consumer.App";

        private readonly string _directory = Path.Combine(Path.GetTempPath(), "mvc-generator-" + Guid.NewGuid().ToString("N"));

        public GeneratorHarness() => Directory.CreateDirectory(_directory);

        public void Dispose()
        {
            try { Directory.Delete(_directory, recursive: true); }
            catch (IOException) { }
        }

        /// <summary>Writes a model file (by default the tiny Add model) and returns its full path.</summary>
        public string WriteModel(string relativePath, byte[]? bytes = null)
        {
            string path = Path.Combine(_directory, relativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes ?? TinyOnnxModel.AddSelf());
            return path;
        }

        /// <summary>A path in the temporary folder where nothing exists.</summary>
        public string MissingPath(string fileName) => Path.Combine(_directory, "missing", fileName);

        public static CSharpCompilation CreateCompilation(params string[] sources) =>
            CSharpCompilation.Create(
                "Consumer",
                sources.Select(source => CSharpSyntaxTree.ParseText(source)),
                new[] { MetadataReference.CreateFromFile(typeof(object).Assembly.Location) },
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

        public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText> additionalTexts, AnalyzerConfigOptionsProvider options) =>
            CSharpGeneratorDriver.Create(
                new[] { new OnnxModelGenerator().AsSourceGenerator() },
                additionalTexts,
                parseOptions: null,
                optionsProvider: options,
                driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

        /// <summary>Options for one file per (path, metadata) pair, with RootNamespace set globally.</summary>
        public static TestAnalyzerConfigOptionsProvider Options(params (string Path, TestAnalyzerConfigOptions Metadata)[] files) =>
            Options(RootNamespace, files);

        public static TestAnalyzerConfigOptionsProvider Options(string rootNamespace, params (string Path, TestAnalyzerConfigOptions Metadata)[] files)
        {
            var global = new TestAnalyzerConfigOptions(new Dictionary<string, string> { ["build_property.RootNamespace"] = rootNamespace });
            return new TestAnalyzerConfigOptionsProvider(global, files.ToDictionary(file => file.Path, file => file.Metadata));
        }

        /// <summary>Runs the generator once over a fresh compilation and returns the driver (for a second run) and its result.</summary>
        public static (GeneratorDriver Driver, GeneratorRunResult Result) Run(IEnumerable<AdditionalText> additionalTexts, AnalyzerConfigOptionsProvider options)
        {
            GeneratorDriver driver = CreateDriver(additionalTexts, options).RunGenerators(CreateCompilation("class Program { }"));
            return (driver, driver.GetRunResult().Results.Single());
        }

        public static string Describe(GeneratorRunResult result) =>
            "diagnostics: [" + string.Join("; ", result.Diagnostics.Select(d => d.ToString())) + "], exception: " + (result.Exception?.ToString() ?? "none");
    }
}
