using System.Diagnostics;
using MobileViT.Tooling;
using Spectre.Console;

namespace MobileViT.Cli;

/// <summary>
/// What bench and profile share: their common options, the compiled model with its inputs and thread count, the
/// warm-up of both engines, and medians.
/// </summary>
internal sealed class AlternatingRuns(ModelFile file, InProcessModel model, float[][] inputs, int threads, int warmup, bool onnxRuntimeSpins) : IDisposable
{
    public static readonly OptionSpec ThreadsOption = new("--threads", "-t", "count", "Threads for each engine (default 1): the compiled model's Parallelism and ONNX Runtime's intra-op threads.");
    public static readonly OptionSpec WarmupOption = new("--warmup", null, "count", "Untimed runs of each engine first (default 30), continued until 2 s have passed, so the JIT has replaced its quick first code even on a small model.");
    public static readonly OptionSpec InputOption = new("--input", "-i", "file.bin", "Input tensor, raw float32, once per model input; default: a synthetic input.", Repeatable: true);
    public static readonly OptionSpec SpinOption = new("--ort-spin", null, "on|off", "Whether ONNX Runtime's intra-op threads spin between its runs (default on, its own default; off sets session.intra_op.allow_spinning=0). Above one thread its spinning keeps a core busy for tens of milliseconds after each of its runs, which the compiled model's next run then lacks.");
    public static readonly OptionSpec InputShapeOption = new("--input-shape", null, "shape", "Fix symbolic dimensions, e.g. 1x3x256x256 (the InputShape item metadata).");

    public ModelFile File { get; } = file;
    public InProcessModel Model { get; } = model;
    public float[][] Inputs { get; } = inputs;
    public int Threads { get; } = threads;
    public int Warmup { get; } = warmup;
    /// <summary>Whether ONNX Runtime's intra-op threads spin between runs (its default; --ort-spin off turns it off).</summary>
    public bool OnnxRuntimeSpins { get; } = onnxRuntimeSpins;

    /// <summary>Reads the options, the model file and the inputs, and compiles the model; null after printing why not.</summary>
    public static AlternatingRuns? Prepare(CommandLine arguments, IAnsiConsole console, bool timeSteps = false)
    {
        int warmup = arguments.Integer("--warmup", 30, 0);
        int threads = arguments.Integer("--threads", 1, 1);
        if (threads > 64) throw new UsageException("option --threads must be at most 64");
        bool onnxRuntimeSpins = arguments.Switch("--ort-spin", true);
        var file = ModelFile.Read(arguments.ModelPath, console);
        if (file == null) return null;
        var model = InProcessCompiler.Compile(file, arguments.Value("--input-shape"), console, timeSteps);
        if (model == null) return null;
        try
        {
            var inputs = arguments.Values("--input").Count > 0
                ? InProcessCompiler.ReadInputs(model, arguments.Values("--input"), "--input")
                : model.Inputs.Select(input => TensorFile.Synthetic(input.Length)).ToArray();
            model.Parallelism = threads;
            return new AlternatingRuns(file, model, inputs, threads, warmup, onnxRuntimeSpins);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Both engines, taking turns, the --warmup count of runs and at least two seconds: tiered compilation recompiles a
    /// method after 30 calls and 100 ms without new ones, and 30 runs of a 0.3 ms model are over before that.
    /// </summary>
    public void WarmUp(float[][] outputs, OnnxRuntimeRunner onnxRuntime)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Warmup || (Warmup > 0 && clock.Elapsed.TotalSeconds < 2); i++)
        {
            Model.Run(Inputs, outputs);
            onnxRuntime.Run();
        }
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public void Dispose() => Model.Dispose();
}
