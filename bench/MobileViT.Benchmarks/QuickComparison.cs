using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace MobileViT.Benchmarks;

/// <summary>
/// A rough look while developing (seconds, not minutes): runs generated code and ONNX Runtime alternately on each model
/// and prints the median of each, their ratio, and (when alternating) the median of the pairwise ratios. Published
/// numbers come from the BenchmarkDotNet run as well.
/// Environment: MVC_QUICK_ORT_NO_SPIN=1 turns off ONNX Runtime's spinning pool threads
/// (session.intra_op.allow_spinning=0), which otherwise keep both cores busy for tens of milliseconds after each of its
/// runs and so slow whatever runs next in the process, the generated code included.
/// MVC_QUICK_GENERATED_THREADS=n sets the generated class's Parallelism to n instead of the thread count ONNX Runtime
/// gets: with ONNX Runtime's pool spinning on a two-core machine, Parallelism 1 measured faster than 2.
/// MVC_QUICK_SEPARATE=1 times all generated runs first, then all ONNX Runtime runs, instead of alternating: each engine
/// then finds its own weights in cache (MobileNetV2 both about 0.3-0.5 ms faster than alternated, the ratio within 0.03).
/// </summary>
public static class QuickComparison
{
    public static int Run(int threads, int runs, string? only)
    {
        bool noSpin = Environment.GetEnvironmentVariable("MVC_QUICK_ORT_NO_SPIN") == "1";
        bool separate = Environment.GetEnvironmentVariable("MVC_QUICK_SEPARATE") == "1";
        foreach (var model in BenchmarkModels.All.Where(m => only == null || m.Name.Contains(only, StringComparison.OrdinalIgnoreCase)))
        {
            var input = BenchmarkModels.Input(model.InputLength);
            var output = new float[model.OutputLength];
            using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
            if (noSpin) options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            using var session = new InferenceSession(BenchmarkModels.ModelPath(model.OnnxFile), options);
            string[] inputNames = session.InputMetadata.Keys.ToArray(), outputNames = session.OutputMetadata.Keys.ToArray();
            using var inputValue = OrtValue.CreateTensorValueFromMemory(input, session.InputMetadata[inputNames[0]].Dimensions.Select(d => (long)d).ToArray());
            using var outputValue = OrtValue.CreateTensorValueFromMemory(new float[model.OutputLength], session.OutputMetadata[outputNames[0]].Dimensions.Select(d => (long)d).ToArray());
            using var runOptions = new RunOptions();
            int generatedThreads = int.TryParse(Environment.GetEnvironmentVariable("MVC_QUICK_GENERATED_THREADS"), out var n) && n > 0 ? n : threads;
            model.SetParallelism(generatedThreads);
            var generated = new List<double>();
            var onnxRuntime = new List<double>();
            void RunOrt() => session.Run(runOptions, inputNames, new[] { inputValue }, outputNames, new[] { outputValue });
            if (separate)
            {
                Time(() => model.Run(input, output), runs, generated);
                Time(RunOrt, runs, onnxRuntime);
            }
            else
            {
                for (int i = 0; i < runs + 10; i++)
                {
                    long start = Stopwatch.GetTimestamp();
                    model.Run(input, output);
                    long middle = Stopwatch.GetTimestamp();
                    RunOrt();
                    long end = Stopwatch.GetTimestamp();
                    if (i < 10) continue; // warm-up, tiered compilation
                    generated.Add(Stopwatch.GetElapsedTime(start, middle).TotalMilliseconds);
                    onnxRuntime.Add(Stopwatch.GetElapsedTime(middle, end).TotalMilliseconds);
                }
            }
            model.SetParallelism(1);
            // The issue's measure is the median of pairwise ratios (each generated run over the ONNX Runtime run right
            // after it), which cancels slow stretches of a shared machine that hit both; separate blocks have no pairs.
            string pairwise = separate ? "" : $", median pairwise ratio {Median(generated.Zip(onnxRuntime, (a, b) => a / b)):F2}";
            double g = Median(generated), o = Median(onnxRuntime);
            Console.WriteLine($"{model.Name,-18} threads {threads}{(generatedThreads != threads ? $" (generated {generatedThreads})" : "")}{(noSpin ? " (ORT no spin)" : "")}{(separate ? " (separate)" : "")}: generated {g,7:F2} ms, ONNX Runtime {o,7:F2} ms, ratio {g / o:F2}{pairwise}");
        }
        return 0;
    }

    /// <summary>Ten warm-up calls, then <paramref name="runs"/> timed ones.</summary>
    private static void Time(Action run, int runs, List<double> times)
    {
        for (int i = 0; i < runs + 10; i++)
        {
            long start = Stopwatch.GetTimestamp();
            run();
            if (i >= 10) times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }

    /// <summary>The median of a copy: the run lists stay in run order, so pairs still line up after a median is taken.</summary>
    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
