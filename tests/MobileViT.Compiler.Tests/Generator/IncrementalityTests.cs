using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using MobileViT.Generators;
using Xunit;
using static MobileViT.Compiler.Tests.Generator.GeneratorHarness;

namespace MobileViT.Compiler.Tests.Generator
{
    /// <summary>The pipeline only recompiles a model when its file or its metadata changed.</summary>
    public sealed class IncrementalityTests : System.IDisposable
    {
        private readonly GeneratorHarness _harness = new();

        public void Dispose() => _harness.Dispose();

        [Fact]
        public void Unrelated_source_edit_reuses_every_step()
        {
            string path = _harness.WriteModel("Tiny.onnx");
            var (driver, _) = Run(new[] { new TestAdditionalText(path) }, Options((path, TestAnalyzerConfigOptions.ItemMetadata(("ModelName", "Tiny")))));

            var edited = CreateCompilation("class Program { }").AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { }"));
            GeneratorRunResult second = driver.RunGenerators(edited).GetRunResult().Results.Single();

            Assert.Contains(TrackingNames.ModelRequests, second.TrackedSteps.Keys);
            Assert.Contains(TrackingNames.CompiledModels, second.TrackedSteps.Keys);
            Assert.Contains(TrackingNames.ModelDiagnostics, second.TrackedSteps.Keys);
            foreach (string stepName in TrackingNames.All)
            {
                if (!second.TrackedSteps.TryGetValue(stepName, out var steps)) continue;
                foreach (var (_, reason) in steps.SelectMany(step => step.Outputs))
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step {stepName} reported {reason}");
            }
            foreach (var (_, reason) in second.TrackedOutputSteps.SelectMany(pair => pair.Value).SelectMany(step => step.Outputs))
                Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"an output step reported {reason}");
        }

        [Fact]
        public void Steps_after_the_first_carry_only_generator_models()
        {
            string path = _harness.WriteModel("Tiny.onnx");
            var (_, result) = Run(new[] { new TestAdditionalText(path) }, Options((path, TestAnalyzerConfigOptions.Empty)));

            // Compilations, symbols, syntax and Roslyn diagnostics would defeat caching; only our equatable records flow.
            foreach (string stepName in TrackingNames.All.Skip(1))
            {
                if (!result.TrackedSteps.TryGetValue(stepName, out var steps)) continue;
                foreach (var (value, _) in steps.SelectMany(step => step.Outputs))
                    Assert.StartsWith("MobileViT.Generators", value.GetType().Namespace);
            }
        }

        [Fact]
        public void Changed_metadata_recompiles_under_the_new_name()
        {
            string path = _harness.WriteModel("Tiny.onnx");
            var text = new TestAdditionalText(path);
            var (driver, first) = Run(new[] { text }, Options((path, TestAnalyzerConfigOptions.ItemMetadata(("ModelName", "Foo")))));
            Assert.Equal(new[] { "Foo.g.cs" }, first.GeneratedSources.Select(source => source.HintName));

            driver = driver.WithUpdatedAnalyzerConfigOptions(Options((path, TestAnalyzerConfigOptions.ItemMetadata(("ModelName", "Bar")))));
            GeneratorRunResult second = driver.RunGenerators(CreateCompilation("class Program { }")).GetRunResult().Results.Single();

            Assert.Equal(IncrementalStepRunReason.Modified, Reason(second, TrackingNames.CompiledModels));
            var source = Assert.Single(second.GeneratedSources);
            Assert.Equal("Bar.g.cs", source.HintName);
            Assert.Contains("class Bar", source.SourceText.ToString());
        }

        [Fact]
        public void Edited_model_file_recompiles()
        {
            string path = _harness.WriteModel("Tiny.onnx");
            var text = new TestAdditionalText(path);
            var (driver, _) = Run(new[] { text }, Options((path, TestAnalyzerConfigOptions.Empty)));

            // The IDE hands the generator a new AdditionalText when the file changes; path and metadata stay the same.
            _harness.WriteModel("Tiny.onnx", new byte[] { 1, 2 });
            var changedText = new TestAdditionalText(path);
            GeneratorRunResult second = driver.ReplaceAdditionalText(text, changedText)
                .RunGenerators(CreateCompilation("class Program { }")).GetRunResult().Results.Single();

            Assert.Equal(IncrementalStepRunReason.Modified, Reason(second, TrackingNames.ModelRequests));
            Assert.Equal(IncrementalStepRunReason.Modified, Reason(second, TrackingNames.CompiledModels));
            Assert.Empty(second.GeneratedSources);
            Assert.Contains(second.Diagnostics, diagnostic => diagnostic.Severity == DiagnosticSeverity.Error);
        }

        [Fact]
        public void New_additional_text_for_an_unchanged_file_is_not_recompiled()
        {
            string path = _harness.WriteModel("Tiny.onnx");
            var text = new TestAdditionalText(path);
            var (driver, _) = Run(new[] { text }, Options((path, TestAnalyzerConfigOptions.Empty)));

            GeneratorRunResult second = driver.ReplaceAdditionalText(text, new TestAdditionalText(path))
                .RunGenerators(CreateCompilation("class Program { }")).GetRunResult().Results.Single();

            Assert.Equal(IncrementalStepRunReason.Unchanged, Reason(second, TrackingNames.ModelRequests));
            Assert.Equal(IncrementalStepRunReason.Cached, Reason(second, TrackingNames.CompiledModels));
        }

        private static IncrementalStepRunReason Reason(GeneratorRunResult result, string stepName) =>
            Assert.Single(result.TrackedSteps[stepName].SelectMany(step => step.Outputs)).Reason;
    }
}
