using System.Reflection;
using Microsoft.ML.OnnxRuntime;
using MobileViT.Runtime;

namespace FashionMnistSample;

/// <summary>The same model run by ONNX Runtime, for comparison: same preprocessing, the .onnx file embedded in this assembly.</summary>
internal sealed class OnnxRuntimeClassifier : IDisposable
{
    private readonly InferenceSession _session;
    private readonly float[] _input = new float[FashionMobileViT.InputLength];
    private readonly float[] _logits = new float[FashionMobileViT.OutputLength];
    private readonly OrtValue _inputValue, _outputValue;
    private readonly string[] _inputNames, _outputNames;
    private readonly RunOptions _runOptions = new();

    public OnnxRuntimeClassifier()
    {
        // The generator's targets embed the model under this name (MobileViT.Compiler.targets).
        using Stream model = Assembly.GetExecutingAssembly().GetManifestResourceStream("MobileViT.Models.fashion_mnist_mobilevit.onnx")
            ?? throw new InvalidOperationException("The embedded model was not found.");
        using var bytes = new MemoryStream();
        model.CopyTo(bytes);
        // One thread, as the generated code uses: a like-for-like comparison, and polite on a shared machine.
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        _session = new InferenceSession(bytes.ToArray(), options);
        _inputNames = new[] { _session.InputMetadata.Keys.Single() };
        _outputNames = new[] { _session.OutputMetadata.Keys.Single() };
        _inputValue = OrtValue.CreateTensorValueFromMemory(_input, FashionMobileViT.InputShape.ToArray().Select(d => (long)d).ToArray());
        _outputValue = OrtValue.CreateTensorValueFromMemory(_logits, FashionMobileViT.OutputShape.ToArray().Select(d => (long)d).ToArray());
    }

    /// <summary>The logits of the last <see cref="Classify"/> call.</summary>
    public ReadOnlySpan<float> Logits => _logits;

    public int Classify(ReadOnlySpan<byte> image)
    {
        ImageNormalization.InterleavedToPlanar(image, FashionMnistData.Width, FashionMnistData.Height, 1, ModelClassifier.Mean, ModelClassifier.StandardDeviation, _input);
        _session.Run(_runOptions, _inputNames, new[] { _inputValue }, _outputNames, new[] { _outputValue });
        return ModelClassifier.ArgMax(_logits);
    }

    public void Dispose()
    {
        _inputValue.Dispose();
        _outputValue.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
