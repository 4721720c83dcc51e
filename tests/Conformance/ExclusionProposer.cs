using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using MobileViT.Compiler.Import;

namespace MobileViT.Conformance;

/// <summary>
/// Proposes exclusion lines for failures caused by a documented limitation of the compiler: an opset outside the
/// supported range, a run-time tensor that is not float32, an unsupported attribute or configuration, or test data
/// the runner cannot feed (sequences, empty tensors). Failures that point at a bug (internal errors, Roslyn errors,
/// wrong outputs, crashes, shape errors) are never proposed: they must be fixed, not excluded.
/// Used by <c>--propose-exclusions</c>; a person reviews every line before it goes into exclusions.txt.
/// </summary>
public static class ExclusionProposer
{
    private static readonly HashSet<string> LimitationDiagnostics = new(StringComparer.Ordinal) { "MVC0003", "MVC0005", "MVC0010" };

    private static readonly Regex NodeMessage = new(@"node '[^']*' \(([^)]*)\): (.*)$", RegexOptions.CultureInvariant);
    private static readonly Regex OpsetMessage = new(@"opset (\d+) of the default domain", RegexOptions.CultureInvariant);
    private static readonly Regex TypeMessage = new(@"tensor '([^']*)' has element type (\w+)", RegexOptions.CultureInvariant);

    public static IEnumerable<string> Propose(ConformanceReport report)
    {
        var failures = report.Failures.OrderBy(r => r.Case.Name, StringComparer.Ordinal).ToList();
        int width = failures.Select(r => r.Case.Name.Length).DefaultIfEmpty(0).Max();
        foreach (var failure in failures)
        {
            var reason = Reason(failure);
            if (reason != null) yield return failure.Case.Name.PadRight(width) + "  # " + reason;
        }
    }

    /// <summary>The exclusion reason, or null when the failure looks like a bug.</summary>
    public static string? Reason(CaseResult result)
    {
        switch (result.FailureKind)
        {
            case FailureKind.UnsupportedTestData:
                return result.Reason + (result.Reason.Contains("empty tensor", StringComparison.Ordinal) ? "; zero-size tensors are unsupported" : "");
            case FailureKind.NoRunTimeInput:
                return "non-float32 tensors are compile-time only: " + result.Reason;
            case FailureKind.Diagnostic when LimitationDiagnostics.Contains(result.DiagnosticId):
                var first = result.Reason.Split("; MVC", 2)[0];
                var opset = OpsetMessage.Match(first);
                if (opset.Success) return OpsetReason(int.Parse(opset.Groups[1].Value, CultureInfo.InvariantCulture), result.Note);
                var type = TypeMessage.Match(first);
                if (type.Success) return $"run-time tensor '{type.Groups[1].Value}' is {TypeName(type.Groups[2].Value)}; run-time tensors must be float32 ({result.DiagnosticId})";
                var node = NodeMessage.Match(first);
                if (node.Success) return $"{node.Groups[1].Value}: {CastTarget.Replace(node.Groups[2].Value.TrimEnd('.'), m => "cast to " + TypeName(m.Groups[1].Value))} ({result.DiagnosticId})";
                return first;
            default:
                return null;
        }
    }

    private static readonly Regex CastTarget = new(@"cast to (\d+)", RegexOptions.CultureInvariant);

    /// <summary>TensorProto.DataType values newer than the compiler's enum, by name.</summary>
    private static string TypeName(string value) => value switch
    {
        "17" => "float8e4m3fn", "18" => "float8e4m3fnuz", "19" => "float8e5m2", "20" => "float8e5m2fnuz", "21" => "uint4",
        "22" => "int4", "23" => "float4e2m1", "24" => "float8e8m0", "25" => "uint2", "26" => "int2",
        _ => value,
    };

    private static string OpsetReason(int opset, string note) => opset > GraphImporter.MaxOpset
        ? $"opset {opset}: above the supported {GraphImporter.MaxOpset}, whose changes are not reviewed (MVC0003)"
        : $"opset {opset}: below the supported {GraphImporter.MinOpset}, and {note.Split("; ").FirstOrDefault(p => p.StartsWith("not retargeted", StringComparison.Ordinal)) ?? "not retargeted"} (MVC0003)";
}
