using System;
using System.IO;
using System.Linq;
using MobileViT.Compiler.Api;
using MobileViT.Compiler.Diagnostics;
using Xunit;

namespace MobileViT.Compiler.Tests.Compiler
{
    internal static class CompilerTestHelpers
    {
        public static CompileOptions Options(string file = "test.onnx", string? inputShape = null) => new CompileOptions
        {
            ModelFileName = file,
            ClassName = "TestModel",
            Namespace = "Tests",
            ResourceName = "MobileViT.Models." + file,
            InputShape = inputShape,
        };

        /// <summary>Compiles and asserts exactly one error with <paramref name="id"/>, whose message names the file.</summary>
        public static CompilerDiagnostic SingleError(byte[] model, string id, CompileOptions? options = null)
        {
            options ??= Options();
            var result = ModelCompiler.Compile(model, options);
            Assert.Null(result.Source);
            var diagnostic = Assert.Single(result.Diagnostics);
            Assert.True(diagnostic.Id == id, $"expected {id}, got {diagnostic}");
            Assert.Equal(DiagnosticSeverityLevel.Error, diagnostic.Severity);
            Assert.Contains(options.ModelFileName, diagnostic.Message);
            return diagnostic;
        }

        public static string RepositoryRoot { get; } = FindRoot();

        public static string ModelPath(string fileName) => Path.Combine(RepositoryRoot, "models", fileName);

        private static string FindRoot()
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory != null && !File.Exists(Path.Combine(directory.FullName, "MobileViT.Compiler.sln")))
                directory = directory.Parent;
            return directory?.FullName ?? throw new InvalidOperationException("repository root not found");
        }
    }
}
