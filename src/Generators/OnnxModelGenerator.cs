using Microsoft.CodeAnalysis;
using MobileViT.Generators.Model;

namespace MobileViT.Generators
{
    /// <summary>
    /// Compiles each .onnx AdditionalFiles item into a C# class. This file is only the pipeline:
    /// <see cref="ModelRequestReader"/> reads item metadata, <see cref="ModelSetCheck"/> checks the models
    /// against each other, <see cref="ModelCompilationStep"/> runs MobileViT.Compiler, <see cref="SourceOutput"/> reports.
    /// Only equatable records flow between the steps, so an unrelated edit reuses every step.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class OnnxModelGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            IncrementalValuesProvider<AdditionalText> modelFiles = context.AdditionalTextsProvider
                .Where(ModelRequestReader.IsModelFile)
                .WithTrackingName(TrackingNames.ModelFiles);

            IncrementalValuesProvider<ModelRequest> requests = modelFiles
                .Combine(context.AnalyzerConfigOptionsProvider)
                .Select((fileAndOptions, cancellationToken) => ModelRequestReader.Read(fileAndOptions.Left, fileAndOptions.Right, cancellationToken))
                .WithTrackingName(TrackingNames.ModelRequests);

            IncrementalValuesProvider<ModelRequest> checkedRequests = requests
                .Collect()
                .SelectMany((allRequests, _) => ModelSetCheck.FlagClashes(allRequests))
                .WithTrackingName(TrackingNames.CheckedModelRequests);

            IncrementalValuesProvider<CompiledModel> compiledModels = checkedRequests
                .Select(ModelCompilationStep.Compile)
                .WithTrackingName(TrackingNames.CompiledModels);

            IncrementalValuesProvider<GeneratedSource> sources = compiledModels
                .Where(model => model.Source is not null)
                .Select((model, _) => new GeneratedSource(model.FilePath, model.HintName, model.Source!))
                .WithTrackingName(TrackingNames.GeneratedSources);

            IncrementalValuesProvider<ModelDiagnostics> diagnostics = compiledModels
                .Select((model, _) => new ModelDiagnostics(model.FilePath, model.Diagnostics))
                .WithTrackingName(TrackingNames.ModelDiagnostics);

            context.RegisterSourceOutput(sources, SourceOutput.AddSource);
            context.RegisterSourceOutput(diagnostics, SourceOutput.ReportDiagnostics);
        }
    }
}
