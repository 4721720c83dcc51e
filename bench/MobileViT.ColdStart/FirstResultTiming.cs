using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace MobileViT.ColdStart;

/// <summary>
/// The parent: starts this same program once per sample, engine and model (`ENGINE MODEL`), and prints the median
/// wall time from process start to exit after the first result. Under the JIT the child is `dotnet this.dll`; when
/// this program was published with NativeAOT the child is the native executable, so both engines are measured in
/// the same deployment.
/// </summary>
public static class FirstResultTiming
{
    public static int Measure(int samples)
    {
        string self = Environment.ProcessPath!;
        bool viaDotnet = Path.GetFileNameWithoutExtension(self) == "dotnet";
        string modelsDirectory = BenchmarkShared.BenchmarkFiles.ModelsDirectory();
        string mode = RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "NativeAOT";
        Console.WriteLine($"New process → first result, {mode}, median of {samples}.");
        Console.WriteLine("| model | generated (ms) | ONNX Runtime (ms) | ratio |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var model in ColdStartModels.All)
        {
            double Median(string engine)
            {
                var times = new List<double>();
                for (int i = 0; i < samples; i++)
                {
                    var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                    if (viaDotnet) start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MobileViT.ColdStart.dll"));
                    foreach (var argument in new[] { engine, model.Name, modelsDirectory }) start.ArgumentList.Add(argument);
                    var watch = Stopwatch.StartNew();
                    using var process = Process.Start(start)!;
                    string stdout = process.StandardOutput.ReadToEnd(), stderr = process.StandardError.ReadToEnd();
                    process.WaitForExit();
                    times.Add(watch.Elapsed.TotalMilliseconds);
                    if (process.ExitCode != 0 || !float.TryParse(stdout, System.Globalization.CultureInfo.InvariantCulture, out float first) || !float.IsFinite(first))
                        throw new InvalidOperationException($"{engine} {model.Name}: exit {process.ExitCode}, output '{stdout.Trim()}' {stderr}");
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
