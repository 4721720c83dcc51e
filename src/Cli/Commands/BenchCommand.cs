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
        new OptionSpec("--threads", "-t", "count", "Threads for each engine (default 1): the compiled model's Parallelism and ONNX Runtime's intra-op threads."),
        new OptionSpec("--warmup", null, "count", "Untimed runs of each engine first (default 30), continued until 2 s have passed, so the JIT has replaced its quick first code even on a small model."),
        new OptionSpec("--input", "-i", "file.bin", "Input tensor, raw float32, once per model input; default: a synthetic input.", Repeatable: true),
        new OptionSpec("--input-shape", null, "shape", "Fix symbolic dimensions, e.g. 1x3x256x256 (the InputShape item metadata)."),
    };

    public static int Run(CommandLine arguments, IAnsiConsole console)
    {
        int runs = arguments.Integer("--runs", 20, 1);
        int warmup = arguments.Integer("--warmup", 30, 0);
        int threads = arguments.Integer("--threads", 1, 1);
        if (threads > 64) throw new UsageException("option --threads must be at most 64");
        var file = ModelFile.Read(arguments.ModelPath, console);
        if (file == null) return Program.Failure;
        using var model = InProcessCompiler.Compile(file, arguments.Value("--input-shape"), console);
        if (model == null) return Program.Failure;
        var inputs = arguments.Values("--input").Count > 0
            ? InProcessCompiler.ReadInputs(model, arguments.Values("--input"), "--input")
            : model.Inputs.Select(input => TensorFile.Synthetic(input.Length)).ToArray();

        model.Parallelism = threads;
        using var onnxRuntime = OnnxRuntimeRunner.Create(file.Bytes, model, inputs, threads);
        var compiledOutputs = model.Outputs.Select(output => new float[output.Length]).ToArray();
        var compiledTimes = new double[runs];
        var onnxRuntimeTimes = new double[runs];
        // Tiered compilation recompiles a method after 30 calls and 100 ms without new ones; 30 runs of a 0.3 ms model
        // are over before that, so the warm-up also lasts at least two seconds.
        var warmupClock = Stopwatch.StartNew();
        for (int i = 0; i < warmup || (warmup > 0 && warmupClock.Elapsed.TotalSeconds < 2); i++)
        {
            model.Run(inputs, compiledOutputs);
            onnxRuntime.Run();
        }
        // The engines take turns, so a slow stretch of a shared machine hits both alike.
        Progress.Run(console, $"MobileViT.Compiler and ONNX Runtime, alternating, {runs} runs each after {warmup}+ warm-up runs", runs, step =>
        {
            compiledTimes[step] = Time(() => model.Run(inputs, compiledOutputs));
            onnxRuntimeTimes[step] = Time(onnxRuntime.Run);
        });

        double compiledMedian = Median(compiledTimes), onnxRuntimeMedian = Median(onnxRuntimeTimes);
        var table = new Table().Border(TableBorder.Rounded).Title($"{file.FileName}, {threads} thread{(threads == 1 ? "" : "s")}, {runs} runs after at least {warmup} warm-up runs");
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

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
