using System.Collections.Generic;
using MobileViT.Compiler.Api;
using MobileViT.Compiler.Diagnostics;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Import;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Onnx;
using MobileViT.Compiler.Passes;
using MobileViT.Compiler.Planning;

namespace MobileViT.Compiler
{
    /// <summary>ONNX bytes → IR → passes → memory plan → C#.</summary>
    internal static class CompilationPipeline
    {
        public static CompileResult Run(byte[] modelBytes, CompileOptions options)
        {
            var diagnostics = new List<CompilerDiagnostic>();
            var externalData = new ExternalDataStore(options.ModelDirectory, options.ModelFileName, options.EmbeddedExternalData);
            try
            {
                var variants = new List<CSharpEmitter.Variant>();
                if (string.IsNullOrWhiteSpace(options.InputShapes))
                {
                    variants.Add(Plan(null, BuildGraph(modelBytes, options, null, externalData), options));
                }
                else
                {
                    // Multi-scale: one nested class per input size, e.g. S160, S256.
                    foreach (var shapeText in InputShapeParser.SplitList(options.InputShapes!))
                    {
                        var shape = InputShapeParser.Parse(shapeText, out var reason)
                                    ?? throw new CompileError(DiagnosticCatalog.InvalidInputShape.Create(options.ModelFileName, shapeText, reason));
                        var name = InputShapeParser.VariantName(shape);
                        if (variants.Exists(v => v.NestedClass == name))
                            throw new CompileError(DiagnosticCatalog.InvalidInputShape.Create(options.ModelFileName, options.InputShapes!, $"{shapeText} is listed twice"));
                        variants.Add(Plan(name, BuildGraph(modelBytes, options, shapeText, externalData), options));
                    }
                    if (variants.Count == 0)
                        throw new CompileError(DiagnosticCatalog.InvalidInputShape.Create(options.ModelFileName, options.InputShapes!, "no shape is listed"));
                }
                var source = CSharpEmitter.Emit(variants, options);
                return new CompileResult(source, diagnostics, ExternalFiles(externalData, options));
            }
            catch (CompileError error)
            {
                diagnostics.Add(error.Diagnostic);
                return new CompileResult(null, diagnostics);
            }
        }

        private static IReadOnlyList<ExternalDataFile> ExternalFiles(ExternalDataStore store, CompileOptions options)
        {
            var files = new List<ExternalDataFile>();
            foreach (var pair in store.Files)
                files.Add(new ExternalDataFile(pair.Key, pair.Value, ExternalDataFile.ResourceNameFor(options.ResourceName, pair.Key)));
            return files;
        }

        private static CSharpEmitter.Variant Plan(string? nestedClass, Graph graph, CompileOptions options)
        {
            var plan = MemoryPlanner.Plan(graph);
            var limits = ResourceLimits.FromOptions(options);
            if (plan.ArenaLength > limits.MaxArenaElements)
                throw new CompileError(DiagnosticCatalog.ResourceLimit.Create(options.ModelFileName,
                    $"the model needs {plan.ArenaLength} floats of scratch memory (at most {limits.MaxArenaElements}; item metadata MaxArenaMegabytes raises the limit)"));
            return new CSharpEmitter.Variant(nestedClass, graph, plan);
        }

        /// <summary>
        /// Reads, imports and optimizes the model; throws <see cref="CompileError"/> with a diagnostic.
        /// <paramref name="inputShapeText"/> overrides the InputShape metadata (one size of a multi-scale build).
        /// </summary>
        public static Graph BuildGraph(byte[] modelBytes, CompileOptions options, string? inputShapeText = null, ExternalDataStore? externalData = null)
        {
            var file = options.ModelFileName;
            ValidateMetadata(options);
            int[]? inputShape = null;
            inputShapeText ??= options.InputShape;
            if (!string.IsNullOrWhiteSpace(inputShapeText))
            {
                inputShape = InputShapeParser.Parse(inputShapeText!, out var reason)
                             ?? throw new CompileError(DiagnosticCatalog.InvalidInputShape.Create(file, inputShapeText!, reason));
            }
            OnnxModel model;
            try
            {
                model = OnnxReader.Read(modelBytes);
            }
            catch (OnnxFormatException ex)
            {
                throw new CompileError(DiagnosticCatalog.MalformedModel.Create(file, ex.Message.TrimEnd('.')));
            }
            var graph = GraphImporter.Import(model, modelBytes, file, inputShape, ResourceLimits.FromOptions(options),
                externalData ?? new ExternalDataStore(options.ModelDirectory, file, options.EmbeddedExternalData));
            Optimize(graph);
            return graph;
        }

        public static void Optimize(Graph graph)
        {
            DeadCodeElimination.Run(graph);
            FoldPadIntoConv.Run(graph);
            RecognizeActivations.Run(graph);
            RecognizeLayerNorm.Run(graph);
            RunChannelStepsBeforeInterleave.Run(graph);
            FoldBatchNormIntoConv.Run(graph);
            MergeParallelConvolutions.Run(graph);
            DropPaddingTaps.Run(graph);
            FuseLinearBias.Run(graph);
            FuseResidual.Run(graph);
            FuseActivation.Run(graph);
            FuseExpansionIntoDepthwise.Run(graph);
            FusePointwisePair.Run(graph);
            FoldIntoBatchedMatMul.Run(graph);
            FuseAttention.Run(graph);
            CollapseViewChains.Run(graph);
            ReadAttentionHeadsInPlace.Run(graph);
            DeadCodeElimination.Run(graph);
        }

        private static void ValidateMetadata(CompileOptions options)
        {
            if (!IsIdentifier(options.ClassName))
                throw new CompileError(DiagnosticCatalog.InvalidMetadata.Create(options.ModelFileName, "ModelName", options.ClassName, "it is not a C# identifier"));
            if (options.Namespace.Length > 0)
                foreach (var part in options.Namespace.Split('.'))
                    if (!IsIdentifier(part))
                        throw new CompileError(DiagnosticCatalog.InvalidMetadata.Create(options.ModelFileName, "Namespace", options.Namespace, "it is not a dotted C# name"));
        }

        private static bool IsIdentifier(string name)
        {
            if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_')) return false;
            foreach (var c in name) if (!(char.IsLetterOrDigit(c) || c == '_')) return false;
            return true;
        }
    }
}
