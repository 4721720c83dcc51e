using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using MobileViT.Tooling;
using Spectre.Console;

namespace MobileViT.Cli.Commands;

/// <summary>
/// mvc bench: the compiled model against ONNX Runtime in this process, on the same input and the same number of threads
/// (the compiled class's Parallelism, ONNX Runtime's intra-op threads): the median of N timed runs of each after warm-up
/// runs, and the ratio.
/// </summary>
internal static class BenchCommand
{
    public static readonly IReadOnlyList<OptionSpec> Options = new[]
    {
        new OptionSpec("--runs", "-n", "count", "Timed runs of each engine (default 20); the median is reported."),
        AlternatingRuns.ThreadsOption,
        AlternatingRuns.WarmupOption,
        AlternatingRuns.SpinOption,
        AlternatingRuns.InputOption,
        AlternatingRuns.InputShapeOption,
    };

    public static int Run(CommandLine arguments, IAnsiConsole console)
    {
        int runs = arguments.Integer("--runs", 20, 1);
        using var setup = AlternatingRuns.Prepare(arguments, console);
        if (setup == null) return Program.Failure;
        var (file, model, inputs, threads, warmup) = (setup.File, setup.Model, setup.Inputs, setup.Threads, setup.Warmup);
        using var onnxRuntime = OnnxRuntimeRunner.Create(file.Bytes, model, inputs, threads, setup.OnnxRuntimeSpins);
        var compiledOutputs = model.Outputs.Select(output => new float[output.Length]).ToArray();
        var compiledTimes = new double[runs];
        var onnxRuntimeTimes = new double[runs];
        setup.WarmUp(compiledOutputs, onnxRuntime);
        // The engines take turns, so a slow stretch of a shared machine hits both alike.
        Progress.Run(console, $"MobileViT.Compiler and ONNX Runtime, alternating, {runs} runs each after {warmup}+ warm-up runs", runs, step =>
        {
            compiledTimes[step] = Time(() => model.Run(inputs, compiledOutputs));
            onnxRuntimeTimes[step] = Time(onnxRuntime.Run);
        });

        double compiledMedian = AlternatingRuns.Median(compiledTimes), onnxRuntimeMedian = AlternatingRuns.Median(onnxRuntimeTimes);
        var table = new Table().Border(TableBorder.Rounded).Title($"{file.FileName}, {threads} thread{(threads == 1 ? "" : "s")}{(setup.OnnxRuntimeSpins ? "" : " (ONNX Runtime not spinning)")}, {runs} runs after at least {warmup} warm-up runs");
        table.AddColumn("engine");
        table.AddColumn(new TableColumn("median").RightAligned());
        table.AddColumn(new TableColumn("min").RightAligned());
        table.AddColumn(new TableColumn("max").RightAligned());
        table.AddRow("MobileViT.Compiler (in process)", Quantities.Milliseconds(compiledMedian), Quantities.Milliseconds(compiledTimes.Min()), Quantities.Milliseconds(compiledTimes.Max()));
        table.AddRow($"ONNX Runtime {OrtEnv.Instance().GetVersionString()}", Quantities.Milliseconds(onnxRuntimeMedian), Quantities.Milliseconds(onnxRuntimeTimes.Min()), Quantities.Milliseconds(onnxRuntimeTimes.Max()));
        console.Write(table);

        double ratio = onnxRuntimeMedian / compiledMedian;
        string ratioText = ratio.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        ConsoleText.Line(console, ratio >= 1
            ? $"ratio ONNX Runtime / MobileViT.Compiler: {ratioText} (the compiled model is {ratioText}x as fast)"
            : $"ratio ONNX Runtime / MobileViT.Compiler: {ratioText} (ONNX Runtime is {(1 / ratio).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)}x as fast)");
        for (int i = 0; i < compiledOutputs.Length; i++)
        {
            var error = ErrorMetrics.Compare(compiledOutputs[i], onnxRuntime.Outputs[i]);
            ConsoleText.Line(console, $"output '{model.Outputs[i].Name}' vs ONNX Runtime: relative L2 {Quantities.Scientific(error.RelativeL2)}, max abs error {Quantities.Scientific(error.MaxAbsolute)}");
        }
        return Program.Success;
    }

    private static double Time(Action run)
    {
        long start = Stopwatch.GetTimestamp();
        run();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}
