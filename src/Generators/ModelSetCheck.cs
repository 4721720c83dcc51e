using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using MobileViT.Compiler.Diagnostics;
using MobileViT.Generators.Model;

namespace MobileViT.Generators
{
    /// <summary>
    /// Checks that need every model at once: two files with the same name would embed two resources with the
    /// same name, and two models with the same class name would add two sources with the same hint name.
    /// </summary>
    internal static class ModelSetCheck
    {
        public static ImmutableArray<ModelRequest> FlagClashes(ImmutableArray<ModelRequest> requests)
        {
            if (requests.Length < 2) return requests;
            try
            {
                var fileNameCounts = Count(requests, request => request.FileName);
                var classNameCounts = Count(requests, request => request.HintName);

                var builder = ImmutableArray.CreateBuilder<ModelRequest>(requests.Length);
                foreach (var request in requests)
                {
                    var problems = new List<CompilerDiagnostic>(request.Problems);
                    if (fileNameCounts[request.FileName] > 1)
                    {
                        problems.Add(DiagnosticCatalog.InvalidMetadata.Create(
                            request.FileName, "Include", request.FilePath,
                            "another .onnx AdditionalFiles item has the same file name, so both would be embedded as '"
                            + request.ResourceName + "'; rename one of the files"));
                    }
                    if (classNameCounts[request.HintName] > 1)
                    {
                        problems.Add(DiagnosticCatalog.InvalidMetadata.Create(
                            request.FileName, "ModelName", request.ClassName,
                            "another .onnx AdditionalFiles item also generates a class named '" + request.ClassName
                            + "'; give one of them a different ModelName"));
                    }
                    builder.Add(problems.Count == request.Problems.Count
                        ? request
                        : request with { Problems = new EquatableArray<CompilerDiagnostic>(problems.ToArray()) });
                }
                return builder.MoveToImmutable();
            }
            catch (Exception exception)
            {
                return requests.Select(request => request with
                {
                    Problems = new EquatableArray<CompilerDiagnostic>(request.Problems.Append(
                        DiagnosticCatalog.InternalError.Create(request.FileName, exception.GetType().Name + ": " + exception.Message))),
                }).ToImmutableArray();
            }
        }

        // Case-insensitive: resource and hint names must also stay distinct on case-insensitive file systems.
        private static Dictionary<string, int> Count(ImmutableArray<ModelRequest> requests, Func<ModelRequest, string> key)
        {
            var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            foreach (var request in requests)
                counts[key(request)] = counts.TryGetValue(key(request), out int count) ? count + 1 : 1;
            return counts;
        }
    }
}
