using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using MobileViT.Compiler.Diagnostics;
using MobileViT.Generators.Model;

namespace MobileViT.Generators
{
    /// <summary>
    /// Turns an .onnx AdditionalFiles item and its item metadata (made visible to the compiler by
    /// build/MobileViT.Compiler.props) into a <see cref="ModelRequest"/>, checking the metadata on the way.
    /// </summary>
    internal static class ModelRequestReader
    {
        private const string MetadataPrefix = "build_metadata.AdditionalFiles.";
        private const string RootNamespaceProperty = "build_property.RootNamespace";

        public static bool IsModelFile(AdditionalText file)
        {
            try
            {
                return file.Path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);
            }
            catch (Exception)
            {
                // Let the next step fail on it and report MVC0001 rather than silently dropping the file.
                return true;
            }
        }

        public static ModelRequest Read(AdditionalText file, AnalyzerConfigOptionsProvider optionsProvider, CancellationToken cancellationToken)
        {
            string path = "";
            string fileName = "";
            try
            {
                path = file.Path;
                fileName = Path.GetFileName(path);
                return Read(path, fileName, optionsProvider.GetOptions(file), optionsProvider.GlobalOptions, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                var problem = DiagnosticCatalog.InternalError.Create(fileName, exception.GetType().Name + ": " + exception.Message);
                return new ModelRequest(path, fileName, "_", "", null, null, null, null, -1, 0, new EquatableArray<CompilerDiagnostic>(new[] { problem }));
            }
        }

        private static ModelRequest Read(string path, string fileName, AnalyzerConfigOptions itemOptions, AnalyzerConfigOptions globalOptions, CancellationToken cancellationToken)
        {
            var problems = new List<CompilerDiagnostic>();

            string? modelName = GetValue(itemOptions, MetadataPrefix + "ModelName");
            string className = CSharpNames.ToIdentifier(Path.GetFileNameWithoutExtension(fileName));
            if (modelName is not null)
            {
                if (CSharpNames.IsIdentifier(modelName, out string reason))
                    className = modelName;
                else
                    problems.Add(DiagnosticCatalog.InvalidMetadata.Create(fileName, "ModelName", modelName, reason));
            }

            string? namespaceMetadata = GetValue(itemOptions, MetadataPrefix + "Namespace");
            string namespaceName = namespaceMetadata ?? GetValue(globalOptions, RootNamespaceProperty) ?? "";
            if (namespaceName.Length > 0 && !CSharpNames.IsNamespace(namespaceName, out string namespaceReason))
            {
                string source = namespaceMetadata is not null ? "Namespace" : "Namespace (taken from the project's RootNamespace)";
                problems.Add(DiagnosticCatalog.InvalidMetadata.Create(fileName, source, namespaceName, namespaceReason));
            }

            cancellationToken.ThrowIfCancellationRequested();
            GetFileStamp(path, out long length, out long lastWriteTicks);
            string? externalData = GetValue(itemOptions, MetadataPrefix + "MobileViTExternalData");

            return new ModelRequest(
                path,
                fileName,
                className,
                namespaceName,
                GetValue(itemOptions, MetadataPrefix + "InputShape"),
                GetValue(itemOptions, MetadataPrefix + "InputShapes"),
                GetValue(itemOptions, MetadataPrefix + "MaxTensorMegabytes"),
                GetValue(itemOptions, MetadataPrefix + "MaxArenaMegabytes"),
                length,
                lastWriteTicks,
                new EquatableArray<CompilerDiagnostic>(problems.ToArray()),
                externalData,
                ExternalDataStamp(path, externalData));
        }

        /// <summary>Metadata that is absent or blank counts as not set (MSBuild writes every visible metadata name, empty or not).</summary>
        private static string? GetValue(AnalyzerConfigOptions options, string key) =>
            options.TryGetValue(key, out string? value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        private static string? ExternalDataStamp(string modelPath, string? embedded)
        {
            if (embedded is null) return null;
            var stamp = new System.Text.StringBuilder();
            string folder = Path.GetDirectoryName(modelPath) ?? "";
            foreach (string location in embedded.Split(new[] { '|' }, StringSplitOptions.RemoveEmptyEntries))
            {
                GetFileStamp(Path.Combine(folder, location), out long length, out long ticks);
                stamp.Append(length).Append(':').Append(ticks).Append('|');
            }
            return stamp.ToString();
        }

        // Size and time of the model file, so an edited file (same path, same metadata) gives an unequal request.
        private static void GetFileStamp(string path, out long length, out long lastWriteTicks)
        {
            try
            {
                var info = new FileInfo(path);
                if (info.Exists)
                {
                    length = info.Length;
                    lastWriteTicks = info.LastWriteTimeUtc.Ticks;
                    return;
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
            {
                // The compile step reads the file and reports why it cannot (MVC0012).
            }
            length = -1;
            lastWriteTicks = 0;
        }
    }
}
