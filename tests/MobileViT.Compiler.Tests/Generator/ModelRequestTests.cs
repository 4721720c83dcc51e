using System.Linq;
using Microsoft.CodeAnalysis;
using MobileViT.Generators;
using MobileViT.Generators.Model;
using Xunit;
using static MobileViT.Compiler.Tests.Generator.GeneratorHarness;

namespace MobileViT.Compiler.Tests.Generator
{
    /// <summary>What the generator takes from an AdditionalFiles item: which files, class and namespace names, resource name.</summary>
    public sealed class ModelRequestTests : System.IDisposable
    {
        private readonly GeneratorHarness _harness = new();

        public void Dispose() => _harness.Dispose();

        [Fact]
        public void Defaults_come_from_the_file_name_and_RootNamespace()
        {
            string path = _harness.WriteModel("mobilevit-xs.v2.onnx");

            ModelRequest request = SingleRequest(path, TestAnalyzerConfigOptions.Empty);

            Assert.Equal("mobilevit_xs_v2", request.ClassName);
            Assert.Equal(RootNamespace, request.Namespace);
            Assert.Equal("mobilevit-xs.v2.onnx", request.FileName);
            Assert.Equal("MobileViT.Models.mobilevit-xs.v2.onnx", request.ResourceName);
            Assert.Equal("mobilevit_xs_v2.g.cs", request.HintName);
            Assert.Null(request.InputShape);
            Assert.True(request.FileLength > 0);
            Assert.True(request.Problems.IsEmpty);
        }

        [Fact]
        public void Item_metadata_overrides_the_defaults()
        {
            string path = _harness.WriteModel("MobileViTXS.onnx");

            ModelRequest request = SingleRequest(path, TestAnalyzerConfigOptions.ItemMetadata(
                ("ModelName", "Classifier"), ("Namespace", "My.Models"), ("InputShape", " 1x3x256x256 "), ("InputShapes", "1x3x160x160;1x3x256x256")));

            Assert.Equal("Classifier", request.ClassName);
            Assert.Equal("My.Models", request.Namespace);
            Assert.Equal("1x3x256x256", request.InputShape);
            Assert.Equal("1x3x160x160;1x3x256x256", request.InputShapes);
            Assert.Equal("MobileViT.Models.MobileViTXS.onnx", request.ResourceName);
        }

        [Fact]
        public void Blank_metadata_counts_as_unset()
        {
            string path = _harness.WriteModel("Tiny.onnx");

            // MSBuild writes every compiler-visible metadata name, with an empty value when the item has none.
            ModelRequest request = SingleRequest(path, TestAnalyzerConfigOptions.ItemMetadata(("ModelName", ""), ("Namespace", " "), ("InputShape", "")));

            Assert.Equal("Tiny", request.ClassName);
            Assert.Equal(RootNamespace, request.Namespace);
            Assert.Null(request.InputShape);
        }

        [Fact]
        public void Empty_RootNamespace_means_the_global_namespace()
        {
            string path = _harness.WriteModel("Tiny.onnx");

            var (_, result) = Run(new[] { new TestAdditionalText(path) }, Options("", (path, TestAnalyzerConfigOptions.Empty)));

            Assert.Equal("", Request(result).Namespace);
            Assert.Empty(result.Diagnostics);
        }

        [Fact]
        public void Only_onnx_files_are_models_whatever_the_case()
        {
            string upper = _harness.WriteModel("Upper.ONNX");
            string notes = _harness.WriteModel("notes.txt");
            string lookalike = _harness.WriteModel("model.onnx.bak");

            var (_, result) = Run(
                new[] { new TestAdditionalText(upper), new TestAdditionalText(notes), new TestAdditionalText(lookalike) },
                Options((upper, TestAnalyzerConfigOptions.Empty)));

            Assert.Equal("Upper", Request(result).ClassName);
        }

        [Fact]
        public void Valid_model_generates_one_source_and_no_diagnostics()
        {
            string path = _harness.WriteModel("Tiny.onnx");

            var (_, result) = Run(new[] { new TestAdditionalText(path) }, Options((path, TestAnalyzerConfigOptions.Empty)));

            Assert.True(result.Diagnostics.All(d => d.Severity != DiagnosticSeverity.Error), Describe(result));
            Assert.Equal("Tiny.g.cs", Assert.Single(result.GeneratedSources).HintName);
        }

        [Theory]
        [InlineData("MobileViTXS", "MobileViTXS")]
        [InlineData("mobilevit-xs.v2", "mobilevit_xs_v2")]
        [InlineData("2025model", "_2025model")]
        [InlineData("class", "_class")]
        [InlineData("", "_")]
        [InlineData("модель", "модель")]
        public void File_names_become_identifiers(string fileName, string expected)
        {
            Assert.Equal(expected, CSharpNames.ToIdentifier(fileName));
            Assert.True(CSharpNames.IsIdentifier(CSharpNames.ToIdentifier(fileName), out _));
        }

        [Theory]
        [InlineData("App", true)]
        [InlineData("My.App.Models", true)]
        [InlineData("_1.x", true)]
        [InlineData("My..App", false)]
        [InlineData("My.App.", false)]
        [InlineData("global::My", false)]
        [InlineData("My.namespace", false)]
        public void Namespaces_are_dotted_identifiers(string name, bool valid)
        {
            Assert.Equal(valid, CSharpNames.IsNamespace(name, out string reason));
            Assert.Equal(valid, reason.Length == 0);
        }

        private ModelRequest SingleRequest(string path, TestAnalyzerConfigOptions metadata)
        {
            var (_, result) = Run(new[] { new TestAdditionalText(path) }, Options((path, metadata)));
            return Request(result);
        }

        private static ModelRequest Request(GeneratorRunResult result) =>
            (ModelRequest)Assert.Single(result.TrackedSteps[TrackingNames.ModelRequests].SelectMany(step => step.Outputs)).Value;
    }
}
