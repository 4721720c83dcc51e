using System.Diagnostics;
using System.Globalization;
using MobileViT.Tooling;
using Spectre.Console;

namespace MobileViT.Cli.Commands;

/// <summary>
/// mvc profile: where a run's time goes, step by step, in the compiled model (a clock between the generated steps) and
/// node by node in ONNX Runtime (its own profiler), the two engines taking turns in this process.
/// </summary>
internal static class ProfileCommand
{
    public static readonly IReadOnlyList<OptionSpec> Options = new[]
    {
        new OptionSpec("--runs", "-n", "count", "Timed runs of each engine (default 50); each step's median is reported."),
        AlternatingRuns.ThreadsOption,
        AlternatingRuns.WarmupOption,
        AlternatingRuns.SpinOption,
        new OptionSpec("--top", null, "count", "Steps and nodes listed one by one, the slowest first (default 15)."),
        AlternatingRuns.InputOption,
        AlternatingRuns.InputShapeOption,
    };

    public static int Run(CommandLine arguments, IAnsiConsole console)
    {
        int runs = arguments.Integer("--runs", 50, 1);
        int top = arguments.Integer("--top", 15, 1);
        using var setup = AlternatingRuns.Prepare(arguments, console, timeSteps: true);
        if (setup == null) return Program.Failure;
        var steps = setup.Model.StepClock!.Steps;
        var profileFolder = Directory.CreateTempSubdirectory("mvc-profile-");
        try
        {
            var nodes = Measure(setup, runs, profileFolder.FullName, console, out var stepMicroseconds, out double compiledMedian, out double onnxRuntimeMedian);
            var stepMedians = stepMicroseconds.Select(AlternatingRuns.Median).ToArray();
            // The profile also holds the warm-up runs; each node's last `runs` times are the timed ones.
            var nodeMedians = nodes.Select(n => AlternatingRuns.Median(n.Microseconds.Skip(Math.Max(0, n.Microseconds.Count - runs)))).ToArray();
            WriteSteps(console, setup.File.FileName, steps, stepMedians, compiledMedian, top);
            WriteNodes(console, nodes, nodeMedians, onnxRuntimeMedian, top);
            WriteComparison(console, steps, stepMedians, nodes, nodeMedians, top);
        }
        finally
        {
            profileFolder.Delete(recursive: true);
        }
        return Program.Success;
    }

    private static IReadOnlyList<OnnxRuntimeProfile.NodeTimes> Measure(AlternatingRuns setup, int runs, string profileFolder, IAnsiConsole console,
        out double[][] stepMicroseconds, out double compiledMedian, out double onnxRuntimeMedian)
    {
        var (model, inputs) = (setup.Model, setup.Inputs);
        var clock = model.StepClock!;
        using var onnxRuntime = OnnxRuntimeRunner.Create(setup.File.Bytes, model, inputs, setup.Threads, setup.OnnxRuntimeSpins, Path.Combine(profileFolder, "onnxruntime"));
        var outputs = model.Outputs.Select(output => new float[output.Length]).ToArray();
        var ticks = new long[clock.Steps.Count];
        setup.WarmUp(outputs, onnxRuntime);
        clock.Take(ticks);

        var steps = clock.Steps.Select(_ => new double[runs]).ToArray();
        var compiledTimes = new double[runs];
        var onnxRuntimeTimes = new double[runs];
        Progress.Run(console, $"both engines, alternating, {runs} runs each", runs, run =>
        {
            long start = Stopwatch.GetTimestamp();
            clock.Start();
            model.Run(inputs, outputs);
            compiledTimes[run] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            clock.Take(ticks);
            for (int s = 0; s < ticks.Length; s++) steps[s][run] = ticks[s] * 1e6 / Stopwatch.Frequency;
            start = Stopwatch.GetTimestamp();
            onnxRuntime.Run();
            onnxRuntimeTimes[run] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        });
        stepMicroseconds = steps;
        compiledMedian = AlternatingRuns.Median(compiledTimes);
        onnxRuntimeMedian = AlternatingRuns.Median(onnxRuntimeTimes);
        var profile = onnxRuntime.EndProfiling();
        if (!Path.GetFullPath(profile).StartsWith(Path.GetFullPath(profileFolder), StringComparison.Ordinal))
            throw new InvalidOperationException($"ONNX Runtime wrote its profile to {profile}, outside {profileFolder}");
        return OnnxRuntimeProfile.Read(profile);
    }

    private static void WriteSteps(IAnsiConsole console, string fileName, IReadOnlyList<string> steps, double[] medians, double runMilliseconds, int top)
    {
        double total = medians.Sum();
        ConsoleText.Line(console, $"MobileViT.Compiler: {steps.Count} steps, their medians add up to {Quantities.Milliseconds(total / 1000)}; a whole run's median {Quantities.Milliseconds(runMilliseconds)} (the clock included)");
        var slowest = new Table().Border(TableBorder.Rounded).Title($"{fileName}: the {Math.Min(top, steps.Count)} slowest steps");
        slowest.AddColumn(new TableColumn("#").RightAligned());
        slowest.AddColumn("step (ONNX nodes → operation, shapes)");
        slowest.AddColumn(new TableColumn("median").RightAligned());
        slowest.AddColumn(new TableColumn("share").RightAligned());
        foreach (int s in Enumerable.Range(0, steps.Count).OrderByDescending(s => medians[s]).Take(top))
            slowest.AddRow(s.ToString(CultureInfo.InvariantCulture), Markup.Escape(steps[s]), Microseconds(medians[s]), Share(medians[s], total));
        console.Write(slowest);
        WriteGroups(console, "MobileViT.Compiler by operation", "operation", steps.Select(Operation).ToList(), medians, total);
    }

    private static void WriteNodes(IAnsiConsole console, IReadOnlyList<OnnxRuntimeProfile.NodeTimes> nodes, double[] medians, double runMilliseconds, int top)
    {
        double total = medians.Sum();
        ConsoleText.Line(console, $"ONNX Runtime: {nodes.Count} nodes after its graph optimizations, their medians add up to {Quantities.Milliseconds(total / 1000)}; a whole run's median {Quantities.Milliseconds(runMilliseconds)} (its profiler included)");
        var slowest = new Table().Border(TableBorder.Rounded).Title($"ONNX Runtime: the {Math.Min(top, nodes.Count)} slowest nodes");
        slowest.AddColumn(new TableColumn("#").RightAligned());
        slowest.AddColumn("node");
        slowest.AddColumn("operator");
        slowest.AddColumn(new TableColumn("median").RightAligned());
        slowest.AddColumn(new TableColumn("share").RightAligned());
        foreach (int n in Enumerable.Range(0, nodes.Count).OrderByDescending(n => medians[n]).Take(top))
            slowest.AddRow(n.ToString(CultureInfo.InvariantCulture), Markup.Escape(nodes[n].Node), Markup.Escape(nodes[n].Operator), Microseconds(medians[n]), Share(medians[n], total));
        console.Write(slowest);
        WriteGroups(console, "ONNX Runtime by operator", "operator", nodes.Select(n => n.Operator).ToList(), medians, total);
    }

    /// <summary>
    /// Each step against the ONNX Runtime nodes it replaces, matched by name: a node belongs to the step with the
    /// longest source node name it starts with (ONNX Runtime names the nodes it rewrites after the originals, e.g.
    /// "/conv/Conv_output_0_nchwc" or "/act/Mul/QuickGeluFusion/"), and a node named after none (a fused "Gelu_token_3",
    /// a layout reorder) to the step of the named node before it; the steps where ONNX Runtime gains most first.
    /// </summary>
    private static void WriteComparison(IAnsiConsole console, IReadOnlyList<string> steps, double[] stepMedians,
        IReadOnlyList<OnnxRuntimeProfile.NodeTimes> nodes, double[] nodeMedians, int top)
    {
        var names = steps.Select(SourceNames).ToArray();
        var matched = new double[steps.Count];
        double unmatched = 0, byOrder = 0;
        int unmatchedCount = 0, byOrderCount = 0, previous = -1;
        for (int n = 0; n < nodes.Count; n++)
        {
            var node = nodes[n];
            double median = nodeMedians[n];
            int best = -1, bestLength = 0;
            for (int s = 0; s < steps.Count; s++)
                foreach (var name in names[s])
                    if (name.Length > bestLength && node.Node.StartsWith(name, StringComparison.Ordinal)) (best, bestLength) = (s, name.Length);
            if (best >= 0)
            {
                matched[best] += median;
                previous = best;
            }
            else if (previous >= 0)
            {
                // Nodes ONNX Runtime made up ("Gelu_token_3", a layout reorder) count with the step its last named node ran for.
                matched[previous] += median;
                byOrder += median;
                byOrderCount++;
            }
            else
            {
                unmatched += median;
                unmatchedCount++;
            }
        }
        var table = new Table().Border(TableBorder.Rounded).Title($"Step by step against ONNX Runtime's nodes (matched by name), the {Math.Min(top, steps.Count)} where it gains most on the compiled model");
        table.AddColumn(new TableColumn("#").RightAligned());
        table.AddColumn("step (its nodes are listed above)");
        table.AddColumn(new TableColumn("compiled").RightAligned());
        table.AddColumn(new TableColumn("ONNX Runtime").RightAligned());
        table.AddColumn(new TableColumn("ratio").RightAligned());
        foreach (int s in Enumerable.Range(0, steps.Count).OrderByDescending(s => stepMedians[s] - matched[s]).Take(top))
            table.AddRow(s.ToString(CultureInfo.InvariantCulture), Markup.Escape(WithoutNames(steps[s])), Microseconds(stepMedians[s]), Microseconds(matched[s]),
                matched[s] > 0 ? (stepMedians[s] / matched[s]).ToString("0.00", CultureInfo.InvariantCulture) : "-");
        console.Write(table);
        ConsoleText.Line(console, $"ONNX Runtime nodes named apart from any source node: {byOrderCount}, {Microseconds(byOrder)} together, counted with the step before them; {unmatchedCount} before any, {Microseconds(unmatched)}");
    }

    /// <summary>A step comment "nodes → operation, shapes → shapes" split at its first arrow; without one, all names.</summary>
    private static (string Names, string? Described) Split(string step)
    {
        int arrow = step.IndexOf(" → ", StringComparison.Ordinal);
        return arrow < 0 ? (step, null) : (step.Substring(0, arrow), step.Substring(arrow + 3));
    }

    /// <summary>A step comment without its node names: "Conv1x1 + SiLU, [1,16,128,128] → [1,64,128,128]".</summary>
    private static string WithoutNames(string step) => Split(step).Described ?? step;

    /// <summary>The ONNX node names of a step comment: "/a/{b/Conv + c/Mul} → ..." is "/a/b/Conv" and "/a/c/Mul".</summary>
    internal static IReadOnlyList<string> SourceNames(string step)
    {
        var names = Split(step).Names;
        int open = names.IndexOf('{');
        if (open >= 0 && names.EndsWith("}", StringComparison.Ordinal))
        {
            var prefix = names.Substring(0, open);
            return names.Substring(open + 1, names.Length - open - 2).Split(" + ").Where(n => n.Length > 0).Select(n => prefix + n).ToList();
        }
        return names.Split(" + ").Where(n => n.Length > 0).ToList();
    }

    private static void WriteGroups(IAnsiConsole console, string title, string what, IReadOnlyList<string> keys, double[] medians, double total)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(title);
        table.AddColumn(what);
        table.AddColumn(new TableColumn("count").RightAligned());
        table.AddColumn(new TableColumn("sum of medians").RightAligned());
        table.AddColumn(new TableColumn("share").RightAligned());
        foreach (var group in Enumerable.Range(0, keys.Count).GroupBy(i => keys[i]).OrderByDescending(g => g.Sum(i => medians[i])))
        {
            double sum = group.Sum(i => medians[i]);
            table.AddRow(Markup.Escape(group.Key), group.Count().ToString(CultureInfo.InvariantCulture), Microseconds(sum), Share(sum, total));
        }
        console.Write(table);
    }

    /// <summary>
    /// A step's operation without its fused epilogue, from the step comment "nodes → operation, shapes → shapes":
    /// "Conv3x3 s2 depthwise + SiLU" → "Conv3x3 s2 depthwise", "MatMul (packed 64x128 + bias)" unchanged.
    /// </summary>
    internal static string Operation(string step)
    {
        var described = Split(step).Described;
        if (described == null) return step;
        int shapes = described.IndexOf(", [", StringComparison.Ordinal);
        var operation = shapes < 0 ? described : described.Substring(0, shapes);
        int depth = 0;
        for (int i = 0; i + 2 < operation.Length; i++)
        {
            if (operation[i] == '(') depth++;
            else if (operation[i] == ')') depth--;
            else if (depth == 0 && string.CompareOrdinal(operation, i, " + ", 0, 3) == 0) return operation.Substring(0, i);
        }
        return operation;
    }

    private static string Microseconds(double value) => value.ToString("0.0", CultureInfo.InvariantCulture) + " µs";

    private static string Share(double value, double total) => total > 0 ? (100 * value / total).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "-";
}
