using System;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using MobileViT.Compiler.Diagnostics;
using MobileViT.Generators.Model;

namespace MobileViT.Generators
{
    /// <summary>
    /// The two output actions of <see cref="OnnxModelGenerator"/>. Neither lets an exception escape: a failure
    /// becomes MVC0001 on the model file instead of the compiler's generic "generator failed" warning.
    /// </summary>
    internal static class SourceOutput
    {
        public static void AddSource(SourceProductionContext context, GeneratedSource source)
        {
            try
            {
                context.AddSource(source.HintName, SourceText.From(source.Text, Encoding.UTF8));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                ReportInternalError(context, source.FilePath, exception);
            }
        }

        public static void ReportDiagnostics(SourceProductionContext context, ModelDiagnostics diagnostics)
        {
            try
            {
                foreach (CompilerDiagnostic diagnostic in diagnostics.Diagnostics)
                    context.ReportDiagnostic(DiagnosticDescriptors.ToDiagnostic(diagnostic, diagnostics.FilePath));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                ReportInternalError(context, diagnostics.FilePath, exception);
            }
        }

        private static void ReportInternalError(SourceProductionContext context, string filePath, Exception exception)
        {
            string fileName = "";
            try { fileName = System.IO.Path.GetFileName(filePath); } catch (ArgumentException) { }
            var internalError = DiagnosticCatalog.InternalError.Create(fileName, exception.GetType().Name + ": " + exception.Message);
            try
            {
                context.ReportDiagnostic(DiagnosticDescriptors.ToDiagnostic(internalError, filePath));
            }
            catch (ArgumentException)
            {
                context.ReportDiagnostic(DiagnosticDescriptors.ToDiagnostic(internalError, ""));
            }
        }
    }
}
