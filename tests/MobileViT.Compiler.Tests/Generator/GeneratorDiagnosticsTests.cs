using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using MobileViT.Compiler.Diagnostics;
using Xunit;
using static MobileViT.Compiler.Tests.Generator.GeneratorHarness;

namespace MobileViT.Compiler.Tests.Generator
{
    /// <summary>Every failure becomes an MVC diagnostic on the model file; nothing escapes as a generator crash.</summary>
    public sealed class GeneratorDiagnosticsTests : System.IDisposable
    {
        private readonly GeneratorHarness _harness = new();

        public void Dispose() => _harness.Dispose();

        [Fact]
        public void Missing_model_file_reports_MVC0012_on_that_file()
        {
            string path = _harness.MissingPath("Gone.onnx");

            var (_, result) = Run(new[] { new TestAdditionalText(path) }, Options());

            var diagnostic = Assert.Single(result.Diagnostics);
            Assert.Equal("MVC0012", diagnostic.Id);
            Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
            Assert.Equal(path, diagnostic.Location.GetLineSpan().Path);
            Assert.StartsWith("Gone.onnx: the model file could not be read", diagnostic.GetMessage());
            Assert.Empty(result.GeneratedSources);
            Assert.Null(result.Exception);
        }

        [Fact]
        public void Unreadable_model_path_reports_MVC0012()
        {
            // A folder named like a model: it exists, but File.ReadAllBytes cannot read it.
            string path = Path.GetDirectoryName(_harness.WriteModel(Path.Combine("Folder.onnx", "inner.bin")))!;

            var (_, result) = Run(new[] { new TestAdditionalText(path) }, Options());

            Assert.Equal("MVC0012", Assert.Single(result.Diagnostics).Id);
            Assert.Empty(result.GeneratedSources);
        }

        [Theory]
        [InlineData("1Model")]
        [InlineData("my-model")]
        [InlineData("class")]
        [InlineData("Models.Tiny")]
        public void Invalid_ModelName_reports_MVC0014(string modelName)
        {
            string path = _harness.WriteModel("Tiny.onnx");

            var (_, result) = Run(new[] { new TestAdditionalText(path) }, Options((path, TestAnalyzerConfigOptions.ItemMetadata(("ModelName", modelName)))));

            var diagnostic = Assert.Single(result.Diagnostics);
            Assert.Equal("MVC0014", diagnostic.Id);
            Assert.Contains("ModelName=\"" + modelName + "\"", diagnostic.GetMessage());
            Assert.Equal(path, diagnostic.Location.GetLineSpan().Path);
            Assert.Empty(result.GeneratedSources);
        }

        [Theory]
        [InlineData("My..App")]
        [InlineData("My.class")]
        [InlineData("My-App")]
        [InlineData(".App")]
        public void Invalid_Namespace_reports_MVC0014(string namespaceName)
        {
            string path = _harness.WriteModel("Tiny.onnx");

            var (_, result) = Run(new[] { new TestAdditionalText(path) }, Options((path, TestAnalyzerConfigOptions.ItemMetadata(("Namespace", namespaceName)))));

            var diagnostic = Assert.Single(result.Diagnostics);
            Assert.Equal("MVC0014", diagnostic.Id);
            Assert.Contains("Namespace=\"" + namespaceName + "\"", diagnostic.GetMessage());
        }

        [Fact]
        public void Invalid_RootNamespace_reports_MVC0014_naming_it()
        {
            string path = _harness.WriteModel("Tiny.onnx");

            var (_, result) = Run(new[] { new TestAdditionalText(path) }, Options("My-App", (path, TestAnalyzerConfigOptions.Empty)));

            var diagnostic = Assert.Single(result.Diagnostics);
            Assert.Equal("MVC0014", diagnostic.Id);
            Assert.Contains("RootNamespace", diagnostic.GetMessage());
        }

        [Fact]
        public void Two_models_with_the_same_file_name_report_MVC0014_on_both()
        {
            string first = _harness.WriteModel(Path.Combine("a", "Model.onnx"));
            string second = _harness.WriteModel(Path.Combine("b", "model.onnx"));

            var (_, result) = Run(
                new[] { new TestAdditionalText(first), new TestAdditionalText(second) },
                Options((first, TestAnalyzerConfigOptions.ItemMetadata(("ModelName", "First"))), (second, TestAnalyzerConfigOptions.ItemMetadata(("ModelName", "Second")))));

            Assert.Equal(new[] { first, second }, result.Diagnostics.Select(diagnostic => diagnostic.Location.GetLineSpan().Path).OrderBy(p => p));
            Assert.All(result.Diagnostics, diagnostic => Assert.Equal("MVC0014", diagnostic.Id));
            Assert.All(result.Diagnostics, diagnostic => Assert.Contains("MobileViT.Models.", diagnostic.GetMessage()));
            Assert.Empty(result.GeneratedSources);
        }

        [Fact]
        public void Two_models_with_the_same_class_name_report_MVC0014()
        {
            string first = _harness.WriteModel("First.onnx");
            string second = _harness.WriteModel("Second.onnx");
            var metadata = TestAnalyzerConfigOptions.ItemMetadata(("ModelName", "Shared"));

            var (_, result) = Run(new[] { new TestAdditionalText(first), new TestAdditionalText(second) }, Options((first, metadata), (second, metadata)));

            Assert.Equal(2, result.Diagnostics.Length);
            Assert.All(result.Diagnostics, diagnostic => Assert.Contains("class named 'Shared'", diagnostic.GetMessage()));
            Assert.Null(result.Exception);
        }

        [Fact]
        public void Options_that_throw_report_MVC0001_and_nothing_escapes()
        {
            string path = _harness.WriteModel("Tiny.onnx");

            var (_, result) = Run(new[] { new TestAdditionalText(path) }, new ThrowingAnalyzerConfigOptionsProvider());

            Assert.Null(result.Exception);
            var diagnostic = Assert.Single(result.Diagnostics);
            Assert.Equal("MVC0001", diagnostic.Id);
            Assert.Contains("options unavailable", diagnostic.GetMessage());
            Assert.Equal(path, diagnostic.Location.GetLineSpan().Path);
        }

        [Fact]
        public void Additional_text_that_throws_reports_MVC0001_and_nothing_escapes()
        {
            var (_, result) = Run(new AdditionalText[] { new ThrowingAdditionalText() }, Options());

            Assert.Null(result.Exception);
            var diagnostic = Assert.Single(result.Diagnostics);
            Assert.Equal("MVC0001", diagnostic.Id);
            Assert.DoesNotContain(result.Diagnostics, d => d.Id is "CS8784" or "CS8785");
        }

        [Fact]
        public void Every_catalogue_entry_maps_to_a_roslyn_descriptor()
        {
            foreach (DiagnosticDescriptorInfo info in DiagnosticCatalog.All)
            {
                var diagnostic = MobileViT.Generators.DiagnosticDescriptors.ToDiagnostic(new CompilerDiagnostic(info.Id, info.Severity, "message"), "/models/m.onnx");

                Assert.Equal(info.Id, diagnostic.Id);
                Assert.Equal(info.Title, diagnostic.Descriptor.Title.ToString());
                Assert.Equal("MobileViT.Compiler", diagnostic.Descriptor.Category);
                Assert.Equal("message", diagnostic.GetMessage());
                Assert.Equal("/models/m.onnx", diagnostic.Location.GetLineSpan().Path);
            }
        }
    }
}
