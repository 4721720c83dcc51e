using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MobileViT.Models.Tests;

/// <summary>ONNX Runtime 1.31.1, single-threaded, as the reference implementation.</summary>
internal static class OnnxRuntimeOracle
{
    /// <summary>The model's first output.</summary>
    public static float[] Run(string modelPath, float[] input, int[] inputShape) => RunAll(modelPath, input, inputShape)[0];

    /// <summary>Every output, in the model's output order.</summary>
    public static float[][] RunAll(string modelPath, float[] input, int[] inputShape)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(modelPath, options);
        var inputName = session.InputMetadata.Keys.Single();
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(input, inputShape)) });
        var byName = results.ToDictionary(r => r.Name, r => r.AsEnumerable<float>().ToArray());
        return session.OutputMetadata.Keys.Select(name => byName[name]).ToArray();
    }
}
