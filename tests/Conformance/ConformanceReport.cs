using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace MobileViT.Conformance;

/// <summary>The results of one sweep and their text form: a per-operator table, the failures, and the summary line.</summary>
public sealed class ConformanceReport
{
    public ConformanceReport(IReadOnlyList<CaseResult> results, IReadOnlyList<string> unknownExclusions, TimeSpan elapsed)
    {
        Results = results;
        UnknownExclusions = unknownExclusions;
        Elapsed = elapsed;
    }

    public IReadOnlyList<CaseResult> Results { get; }

    /// <summary>Entries of the exclusion list that name no case in the folder (typos or removed tests).</summary>
    public IReadOnlyList<string> UnknownExclusions { get; }

    public TimeSpan Elapsed { get; }

    public int Passed => Count(CaseOutcome.Passed);

    public int Failed => Count(CaseOutcome.Failed);

    public int Excluded => Count(CaseOutcome.Excluded);

    public int NotApplicable => Count(CaseOutcome.NotApplicable);

    public IEnumerable<CaseResult> Failures => Results.Where(r => r.Outcome == CaseOutcome.Failed);

    /// <summary>The last line of the runner's output.</summary>
    public string SummaryLine => Invariant($"onnx node tests: {Passed} passed, {Failed} failed, {Excluded} excluded");

    public string ToText()
    {
        var text = new StringBuilder();
        var counted = Results.Where(r => r.Outcome != CaseOutcome.NotApplicable).ToList();
        int width = Math.Max(8, counted.Select(r => r.Operator.Length).DefaultIfEmpty(0).Max());
        text.AppendLine(Invariant($"{"operator".PadRight(width)}  passed  failed  excluded"));
        foreach (var group in counted.GroupBy(r => r.Operator).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            int Of(CaseOutcome outcome) => group.Count(r => r.Outcome == outcome);
            text.AppendLine(Invariant($"{group.Key.PadRight(width)}  {Of(CaseOutcome.Passed),6}  {Of(CaseOutcome.Failed),6}  {Of(CaseOutcome.Excluded),8}"));
        }
        text.AppendLine();
        foreach (var failure in Failures.OrderBy(r => r.Operator, StringComparer.Ordinal).ThenBy(r => r.Case.Name, StringComparer.Ordinal))
            text.AppendLine(Invariant($"FAILED {failure.Case} [{failure.Operator}]: {failure.Reason}{(failure.Note.Length > 0 ? " (" + failure.Note + ")" : "")}"));
        foreach (var stale in Results.Where(r => r.ExcludedButPasses).OrderBy(r => r.Case.Name, StringComparer.Ordinal))
            text.AppendLine(Invariant($"EXCLUDED BUT PASSES {stale.Case}: remove it from exclusions.txt"));
        foreach (var name in UnknownExclusions)
            text.AppendLine(Invariant($"UNKNOWN EXCLUSION {name}: no such case"));
        int retargeted = Results.Count(r => r.Note.Contains("run as", StringComparison.Ordinal));
        int specialized = Results.Count(r => r.Note.Contains("constant inputs", StringComparison.Ordinal));
        text.AppendLine(Invariant($"{retargeted} cases ran at a retargeted opset, {specialized} with some inputs made constant (see OpsetRetargeting, ConformanceRunner)."));
        text.AppendLine(Invariant($"{NotApplicable} cases use operators the compiler does not support and were not run; {Elapsed.TotalSeconds:0.0} s."));
        text.Append(SummaryLine);
        return text.ToString();
    }

    private int Count(CaseOutcome outcome) => Results.Count(r => r.Outcome == outcome);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
