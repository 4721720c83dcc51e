using System;

namespace MobileViT.Conformance;

public enum CaseOutcome
{
    /// <summary>Every output of every data set matched.</summary>
    Passed,

    /// <summary>A diagnostic, a Roslyn error, an exception, a timeout or a wrong output.</summary>
    Failed,

    /// <summary>Listed in exclusions.txt.</summary>
    Excluded,

    /// <summary>Uses an operator the compiler does not claim to support: not part of the sweep.</summary>
    NotApplicable,
}

/// <summary>What kind of failure: decides whether <see cref="ExclusionProposer"/> may propose an exclusion.</summary>
public enum FailureKind
{
    None,

    /// <summary>The compiler reported an error diagnostic (<see cref="CaseResult.DiagnosticId"/>).</summary>
    Diagnostic,

    /// <summary>After making non-float and required-constant inputs constant, no run-time input was left.</summary>
    NoRunTimeInput,

    /// <summary>A graph input is a sequence or optional value, or its test data holds an empty tensor.</summary>
    UnsupportedTestData,

    /// <summary>Roslyn rejected the generated code.</summary>
    GeneratedCode,

    /// <summary>Wrong values, shapes, counts or types of outputs.</summary>
    WrongOutput,

    /// <summary>An exception or a timeout.</summary>
    Crash,
}

/// <summary>What happened to one case, and under which operator it is counted.</summary>
public sealed class CaseResult
{
    public CaseResult(NodeTestCase testCase, string operatorLabel, CaseOutcome outcome, string reason, TimeSpan elapsed)
    {
        Case = testCase;
        Operator = operatorLabel;
        Outcome = outcome;
        Reason = reason;
        Elapsed = elapsed;
    }

    public NodeTestCase Case { get; }

    /// <summary>The operator under test (see <see cref="ConformanceRunner.OperatorLabel"/>).</summary>
    public string Operator { get; }

    public CaseOutcome Outcome { get; }

    /// <summary>Why it failed, why it is excluded, or which operators are unsupported; empty when it passed.</summary>
    public string Reason { get; }

    public TimeSpan Elapsed { get; }

    public FailureKind FailureKind { get; init; }

    /// <summary>MVCnnnn when <see cref="FailureKind"/> is <see cref="FailureKind.Diagnostic"/>.</summary>
    public string DiagnosticId { get; init; } = "";

    /// <summary>How the case was adapted to the compiler: opset retargeting, inputs made constant; empty if not at all.</summary>
    public string Note { get; init; } = "";

    /// <summary>For an excluded case that was run anyway (--run-excluded): whether it would pass now.</summary>
    public bool ExcludedButPasses { get; init; }
}

/// <summary>Why a case failed, as returned by the comparison step.</summary>
public sealed record CaseFailure(FailureKind Kind, string Message, string DiagnosticId = "");
