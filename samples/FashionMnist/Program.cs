using System.Diagnostics;
using System.Globalization;
using FashionMnistSample;

// Classifies Fashion-MNIST test images with a MobileViT compiled to C# at build time (see README.md):
//   (no options)   the 300 images in Data/: each image's predicted and true class, the accuracy and the latency
//   --data DIR     the 10,000 test images in DIR (t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz)
//   --eval         all 10,000 with the compiled model and with ONNX Runtime; DIR defaults to Debian's dataset-fashion-mnist
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

string? dataDirectory = null;
bool evaluate = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--data" when i + 1 < args.Length: dataDirectory = args[++i]; break;
        case "--eval": evaluate = true; break;
        case "-h" or "--help": Usage(Console.Out); return 0;
        default: Console.Error.WriteLine($"Unknown argument '{args[i]}'."); Usage(Console.Error); return 2;
    }
}

FashionMnistData data;
try
{
    if (evaluate || dataDirectory != null)
    {
        dataDirectory ??= FashionMnistData.DebianDirectory;
        data = FashionMnistData.LoadTestSet(dataDirectory);
    }
    else
    {
        data = FashionMnistData.LoadBundled();
    }
}
catch (FileNotFoundException exception)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine("Install the test set (apt-get install dataset-fashion-mnist) or pass --data DIR with t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz.");
    return 1;
}

Console.WriteLine("MobileViT trained on Fashion-MNIST (models/fashion_mnist), compiled to C# by MobileViT.Compiler");
Console.WriteLine($"{data.Count} test images from {data.Source}");
return evaluate ? Evaluate(data) : ClassifyAndPrint(data);

static int ClassifyAndPrint(FashionMnistData data)
{
    var model = new ModelClassifier();
    var cold = Stopwatch.StartNew();
    model.Classify(data.Image(0)); // the first call prepares the weights and this thread's scratch memory
    double coldMilliseconds = cold.Elapsed.TotalMilliseconds;

    var latencies = new double[data.Count];
    long allocated = 0;
    int correct = 0;
    Console.WriteLine();
    Console.WriteLine("image  predicted     true          latency");
    for (int i = 0; i < data.Count; i++)
    {
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        int predicted = model.Classify(data.Image(i));
        latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        allocated += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        int truth = data.Labels[i];
        if (predicted == truth) correct++;
        string mark = predicted == truth ? "" : "  <- wrong";
        Console.WriteLine($"{i,5}  {FashionMnistData.ClassNames[predicted],-12}  {FashionMnistData.ClassNames[truth],-12}  {latencies[i],5:F2} ms{mark}");
    }
    Console.WriteLine();
    Console.WriteLine($"accuracy: {(double)correct / data.Count:F4} ({correct} of {data.Count} correct)");
    PrintLatency(latencies, coldMilliseconds);
    Console.WriteLine($"allocated while classifying {data.Count} images: {allocated} bytes");
    return 0;
}

static int Evaluate(FashionMnistData data)
{
    var model = new ModelClassifier();
    var cold = Stopwatch.StartNew();
    model.Classify(data.Image(0));
    double coldMilliseconds = cold.Elapsed.TotalMilliseconds;

    var compiled = new byte[data.Count];
    var compiledLogits = new float[data.Count * FashionMobileViT.OutputLength];
    var latencies = new double[data.Count];
    long allocated = 0;
    for (int i = 0; i < data.Count; i++)
    {
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        compiled[i] = (byte)model.Classify(data.Image(i));
        latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        allocated += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        model.Logits.CopyTo(compiledLogits.AsSpan(i * FashionMobileViT.OutputLength));
        if ((i + 1) % 1000 == 0) Progress("compiled C#", i + 1, data.Count);
    }

    var onnxRuntime = new byte[data.Count];
    var onnxRuntimeLatencies = new double[data.Count];
    float maxLogitDifference = 0;
    using (var session = new OnnxRuntimeClassifier())
    {
        for (int i = 0; i < data.Count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            onnxRuntime[i] = (byte)session.Classify(data.Image(i));
            onnxRuntimeLatencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            ReadOnlySpan<float> ours = compiledLogits.AsSpan(i * FashionMobileViT.OutputLength, FashionMobileViT.OutputLength);
            for (int k = 0; k < ours.Length; k++) maxLogitDifference = Math.Max(maxLogitDifference, Math.Abs(ours[k] - session.Logits[k]));
            if ((i + 1) % 1000 == 0) Progress("ONNX Runtime", i + 1, data.Count);
        }
    }

    double accuracy = Accuracy(compiled, data.Labels), onnxRuntimeAccuracy = Accuracy(onnxRuntime, data.Labels);
    double agreement = Agreement(compiled, onnxRuntime);
    PrintLatency(latencies, coldMilliseconds);
    Console.WriteLine($"allocated while classifying {data.Count} images: {allocated} bytes");
    Array.Sort(onnxRuntimeLatencies);
    Console.WriteLine($"ONNX Runtime latency per image (normalize + Run, one thread): median {onnxRuntimeLatencies[data.Count / 2]:F3} ms");
    Console.WriteLine($"largest logit difference from ONNX Runtime: {maxLogitDifference:0.00E+00}");
    string pytorchPath = Path.Combine(AppContext.BaseDirectory, "Data", "pytorch_predictions.bin");
    if (File.Exists(pytorchPath) && new FileInfo(pytorchPath).Length == data.Count)
    {
        // models/fashion_mnist/train.py wrote PyTorch's top-1 class for each test image, in file order.
        byte[] pytorch = File.ReadAllBytes(pytorchPath);
        Console.WriteLine($"pytorch_accuracy={Accuracy(pytorch, data.Labels):F4} pytorch_agreement={Agreement(compiled, pytorch):F4}");
    }
    Console.WriteLine($"accuracy={accuracy:F4} onnxruntime_accuracy={onnxRuntimeAccuracy:F4} agreement={agreement:F4} images={data.Count}");
    return 0;
}

static void PrintLatency(double[] milliseconds, double coldMilliseconds)
{
    var sorted = (double[])milliseconds.Clone();
    Array.Sort(sorted);
    Console.WriteLine($"latency per image (normalize + Run, one thread): median {sorted[sorted.Length / 2]:F3} ms, " +
        $"mean {sorted.Average():F3} ms, min {sorted[0]:F3} ms; first call {coldMilliseconds:F1} ms (JIT and weight preparation)");
}

static double Accuracy(byte[] predicted, byte[] labels) => (double)predicted.Where((p, i) => p == labels[i]).Count() / labels.Length;

static double Agreement(byte[] a, byte[] b) => (double)a.Where((p, i) => p == b[i]).Count() / a.Length;

static void Progress(string what, int done, int total) => Console.Error.WriteLine($"{what}: {done}/{total}");

static void Usage(TextWriter writer)
{
    writer.WriteLine("usage: dotnet run -c Release --project samples/FashionMnist [-- [--data DIR] [--eval]]");
    writer.WriteLine("  (no options)  classify the 300 test images that ship with the sample");
    writer.WriteLine("  --data DIR    classify the 10,000 test images in DIR (t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz)");
    writer.WriteLine($"  --eval        classify them with the compiled model and with ONNX Runtime and compare; DIR defaults to {FashionMnistData.DebianDirectory}");
}
