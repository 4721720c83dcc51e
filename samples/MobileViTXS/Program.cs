using System.Diagnostics;
using MobileViTSample;

// Runs MobileViT-XS (random weights, exported by models/export_mobilevit_v1.py) on the seeded input stored with it,
// or on a synthetic image when that file is not found, and prints the top-5 classes and the latency.
var input = LoadInput(args.Length > 0 ? args[0] : FindModelsFile("mobilevit_v1_xs.input.bin"));
var logits = new float[MobileViTXS.OutputLength];

var cold = Stopwatch.StartNew();
MobileViTXS.Run(input, logits); // first call: prepares the weights and this thread's scratch memory
cold.Stop();

const int runs = 20;
var times = new double[runs];
for (int i = 0; i < runs; i++)
{
    var watch = Stopwatch.StartNew();
    MobileViTXS.Run(input, logits);
    times[i] = watch.Elapsed.TotalMilliseconds;
}
Array.Sort(times);

Console.WriteLine($"MobileViT-XS, input [{string.Join(",", MobileViTXS.InputShape.ToArray())}], {MobileViTXS.ScratchLength * 4 / 1024} KiB scratch");
Console.WriteLine("top-5 (class: logit):");
foreach (var (index, value) in logits.Select((v, i) => (i, v)).OrderByDescending(p => p.v).Take(5))
    Console.WriteLine($"  {index,4}: {value,9:F4}");
Console.WriteLine($"first run (includes weight preparation): {cold.Elapsed.TotalMilliseconds:F1} ms");
Console.WriteLine($"latency over {runs} runs: median {times[runs / 2]:F2} ms, min {times[0]:F2} ms");

static float[] LoadInput(string? path)
{
    if (path != null && File.Exists(path) && new FileInfo(path).Length == MobileViTXS.InputLength * 4)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new float[MobileViTXS.InputLength];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        Console.WriteLine($"input: {path}");
        return values;
    }
    // A smooth synthetic image: never all zeros.
    var image = new float[MobileViTXS.InputLength];
    for (int i = 0; i < image.Length; i++) image[i] = MathF.Sin(i * 0.001f);
    Console.WriteLine("input: synthetic");
    return image;
}

static string? FindModelsFile(string name)
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory != null; directory = directory.Parent)
    {
        var candidate = Path.Combine(directory.FullName, "models", name);
        if (File.Exists(candidate)) return candidate;
    }
    return null;
}
