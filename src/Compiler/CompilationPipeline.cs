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
            try
            {
                var graph = BuildGraph(modelBytes, options);
                var plan = MemoryPlanner.Plan(graph);
                var limits = ResourceLimits.FromOptions(options);
                if (plan.ArenaLength > limits.MaxArenaElements)
                    throw new CompileError(DiagnosticCatalog.ResourceLimit.Create(options.ModelFileName,
                        $"the model needs {plan.ArenaLength} floats of scratch memory (at most {limits.MaxArenaElements}; item metadata MaxArenaMegabytes raises the limit)"));
                var source = CSharpEmitter.Emit(graph, plan, options);
                return new CompileResult(source, diagnostics);
            }
            catch (CompileError error)
            {
                diagnostics.Add(error.Diagnostic);
                return new CompileResult(null, diagnostics);
            }
        }

        /// <summary>Reads, imports and optimizes the model; throws <see cref="CompileError"/> with a diagnostic.</summary>
        public static Graph BuildGraph(byte[] modelBytes, CompileOptions options)
        {
            var file = options.ModelFileName;
            ValidateMetadata(options);
            int[]? inputShape = null;
            if (!string.IsNullOrWhiteSpace(options.InputShape))
            {
                inputShape = InputShapeParser.Parse(options.InputShape!, out var reason)
                             ?? throw new CompileError(DiagnosticCatalog.InvalidInputShape.Create(file, options.InputShape!, reason));
            }
            OnnxModel model;
            try
            {
                model = OnnxReader.Read(modelBytes);
            }
            catch (OnnxFormatException ex)
            {
                throw new CompileError(DiagnosticCatalog.MalformedModel.Create(file, ex.Message));
            }
            var graph = GraphImporter.Import(model, modelBytes, file, inputShape, ResourceLimits.FromOptions(options));
            Optimize(graph);
            return graph;
        }

        public static void Optimize(Graph graph)
        {
            DeadCodeElimination.Run(graph);
            RecognizeActivations.Run(graph);
            RecognizeLayerNorm.Run(graph);
            FoldBatchNormIntoConv.Run(graph);
            FuseLinearBias.Run(graph);
            FuseResidual.Run(graph);
            FuseActivation.Run(graph);
            FoldIntoBatchedMatMul.Run(graph);
            CollapseViewChains.Run(graph);
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
