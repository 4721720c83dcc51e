using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using MobileViT.Compiler.Api;
using MobileViT.Compiler.Diagnostics;
using MobileViT.Generators.Model;

namespace MobileViT.Generators
{
    /// <summary>Reads a model file by path and runs it through <see cref="ModelCompiler"/>.</summary>
    internal static class ModelCompilationStep
    {
        public static CompiledModel Compile(ModelRequest request, CancellationToken cancellationToken)
        {
            try
            {
                if (HasError(request.Problems))
                    return new CompiledModel(request.FilePath, request.HintName, null, request.Problems);

                if (!TryReadModel(request, out byte[] modelBytes, out CompilerDiagnostic? readFailure))
                    return new CompiledModel(request.FilePath, request.HintName, null, Concat(request.Problems, readFailure!));

                cancellationToken.ThrowIfCancellationRequested();
                var result = ModelCompiler.Compile(modelBytes, new CompileOptions
                {
                    ModelFileName = request.FileName,
                    ModelDirectory = Path.GetDirectoryName(request.FilePath),
                    ClassName = request.ClassName,
                    Namespace = request.Namespace,
                    ResourceName = request.ResourceName,
                    InputShape = request.InputShape,
                    InputShapes = request.InputShapes,
                    MaxTensorMegabytes = request.MaxTensorMegabytes,
                    MaxArenaMegabytes = request.MaxArenaMegabytes,
                    EmbeddedExternalData = request.EmbeddedExternalData?.Split(new[] { '|' }, StringSplitOptions.RemoveEmptyEntries),
                });

                var diagnostics = new List<CompilerDiagnostic>(request.Problems);
                diagnostics.AddRange(result.Diagnostics);
                string? source = result.HasErrors ? null : result.Source;
                return new CompiledModel(request.FilePath, request.HintName, source, new EquatableArray<CompilerDiagnostic>(diagnostics.ToArray()));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                var internalError = DiagnosticCatalog.InternalError.Create(request.FileName, exception.GetType().Name + ": " + exception.Message);
                return new CompiledModel(request.FilePath, request.HintName, null, Concat(request.Problems, internalError));
            }
        }

        private static bool TryReadModel(ModelRequest request, out byte[] modelBytes, out CompilerDiagnostic? failure)
        {
#pragma warning disable RS1035 // File IO: AdditionalText only exposes text, and an ONNX model is binary, so it is read by path.
            try
            {
                modelBytes = File.ReadAllBytes(request.FilePath);
                failure = null;
                return true;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
            {
                modelBytes = Array.Empty<byte>();
                failure = DiagnosticCatalog.ModelFileUnreadable.Create(request.FileName, exception.Message.TrimEnd('.'));
                return false;
            }
#pragma warning restore RS1035
        }

        private static bool HasError(EquatableArray<CompilerDiagnostic> diagnostics)
        {
            foreach (var diagnostic in diagnostics)
                if (diagnostic.Severity == DiagnosticSeverityLevel.Error) return true;
            return false;
        }

        private static EquatableArray<CompilerDiagnostic> Concat(EquatableArray<CompilerDiagnostic> diagnostics, CompilerDiagnostic last) =>
            new EquatableArray<CompilerDiagnostic>(new List<CompilerDiagnostic>(diagnostics) { last });
    }
}
