using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace MobileViT.ColdStart;

/// <summary>
/// The child process: everything a user's app does before it has its first result, then exit. The generated side
/// reads the embedded weights and packs them (the type initializer) and runs once; ONNX Runtime creates its session
/// from the .onnx file and runs once, with pre-bound OrtValue input and output (its fastest API), one thread each.
/// </summary>
public static class FirstResult
{
    public static int Run(string engine, string modelName, string? modelsDirectory)
    {
        var model = ColdStartModels.All.FirstOrDefault(m => m.Name == modelName)
                    ?? throw new ArgumentException($"Unknown model '{modelName}'; this build has: {string.Join(", ", ColdStartModels.All.Select(m => m.Name))}.");
        var input = BenchmarkShared.BenchmarkFiles.SmoothImage(model.InputShape.Aggregate(1L, (a, b) => a * b));
        var output = new float[model.OutputLength];
        switch (engine)
        {
            case "generated":
                model.Run(input, output);
                break;
            case "onnxruntime":
                using (var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 })
                using (var session = new InferenceSession(Path.Combine(modelsDirectory ?? BenchmarkShared.BenchmarkFiles.ModelsDirectory(), model.OnnxFile), options))
                using (var inputValue = OrtValue.CreateTensorValueFromMemory(input, model.InputShape))
                using (var outputValue = OrtValue.CreateTensorValueFromMemory(output, new long[] { 1, model.OutputLength }))
                using (var runOptions = new RunOptions())
                {
                    session.Run(runOptions, new[] { session.InputNames[0] }, new[] { inputValue }, new[] { session.OutputNames[0] }, new[] { outputValue });
                }
                break;
            default:
                throw new ArgumentException($"Unknown engine '{engine}': generated or onnxruntime.");
        }
        Console.WriteLine(output[0].ToString(CultureInfo.InvariantCulture));
        return 0;
    }
}
