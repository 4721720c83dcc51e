using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace MobileViT.Benchmarks;

/// <summary>
/// New process → first result. The parent starts this program once per sample with `--first-result ENGINE MODEL`,
/// the child runs one inference and exits; the parent reports the median wall time of each engine.
/// </summary>
public static class ColdStart
{
    public static int FirstResult(string engine, string modelName)
    {
        var model = BenchmarkModels.Get(modelName);
        var input = BenchmarkModels.Input(model.InputLength);
        var output = new float[model.OutputLength];
        if (engine == "generated")
        {
            model.Run(input, output);
        }
        else
        {
            using var options = new SessionOptions { IntraOpNumThreads = 1 };
            using var session = new InferenceSession(BenchmarkModels.ModelPath(model.OnnxFile), options);
            var name = session.InputMetadata.Keys.Single();
            var shape = session.InputMetadata[name].Dimensions;
            using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(name, new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(input, shape)) });
            results.First().AsEnumerable<float>().ToArray().CopyTo(output, 0);
        }
        Console.WriteLine(output[0].ToString(System.Globalization.CultureInfo.InvariantCulture));
        return 0;
    }

    public static int Measure(int samples)
    {
        string self = Environment.ProcessPath!;
        string assembly = typeof(ColdStart).Assembly.Location;
        Console.WriteLine("| model | generated (ms) | ONNX Runtime (ms) | ratio |");
        Console.WriteLine("| --- | --- | --- | --- |");
        foreach (var model in BenchmarkModels.All)
        {
            double Median(string engine)
            {
                var times = new List<double>();
                for (int i = 0; i < samples; i++)
                {
                    var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
                    if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(assembly);
                    foreach (var argument in new[] { "--first-result", engine, model.Name }) start.ArgumentList.Add(argument);
                    var watch = Stopwatch.StartNew();
                    using var process = Process.Start(start)!;
                    process.StandardOutput.ReadToEnd();
                    process.WaitForExit();
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
                times.Sort();
                return times[times.Count / 2];
            }
            double generated = Median("generated"), onnxRuntime = Median("onnxruntime");
            Console.WriteLine($"| {model.Name} | {generated:F0} | {onnxRuntime:F0} | {generated / onnxRuntime:F2} |");
        }
        return 0;
    }
}
