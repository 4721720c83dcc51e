using System;
using System.Collections.Generic;

namespace MobileViT.Tooling;

/// <summary>
/// The clock of a model compiled for step timing (<see cref="InProcessModel.Compile(byte[], MobileViT.Compiler.Api.CompileOptions?, bool)"/>
/// with timeSteps): the generated Run reports the end of every step, and the clock adds the time since the previous
/// report to that step. For profiling tools; a model compiled this way is not the one a build produces.
/// </summary>
public sealed class StepClock
{
    private readonly Action _start;
    private readonly Action<long[]> _take;

    internal StepClock(IReadOnlyList<string> steps, Action start, Action<long[]> take)
    {
        Steps = steps;
        _start = start;
        _take = take;
    }

    /// <summary>Each step's comment in the generated code (ONNX node names → fused operation, shapes), in run order.</summary>
    public IReadOnlyList<string> Steps { get; }

    /// <summary>Starts the clock; call right before Run.</summary>
    public void Start() => _start();

    /// <summary>Copies each step's Stopwatch ticks since the last call into <paramref name="ticks"/> (one per step) and clears them.</summary>
    public void Take(long[] ticks)
    {
        if (ticks.Length != Steps.Count) throw new ArgumentException($"Expected {Steps.Count} elements, got {ticks.Length}.", nameof(ticks));
        _take(ticks);
    }

    /// <summary>
    /// The step descriptions in a source compiled with a step probe: the first comment line after the previous probe
    /// call that has the step comment's "nodes → operation" form, in the order of the probe calls.
    /// </summary>
    internal static IReadOnlyList<string> ReadSteps(string source, string probeMethod)
    {
        var steps = new List<string>();
        string? description = null;
        foreach (var rawLine in source.Split('\n'))
        {
            var line = rawLine.Trim();
            if (description == null && line.StartsWith("// ", StringComparison.Ordinal) && line.Contains(" → ", StringComparison.Ordinal))
                description = line.Substring(3);
            if (line.StartsWith(probeMethod + "(", StringComparison.Ordinal))
            {
                steps.Add(description ?? "step " + steps.Count);
                description = null;
            }
        }
        return steps;
    }
}
