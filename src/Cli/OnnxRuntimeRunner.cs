using Microsoft.ML.OnnxRuntime;
using MobileViT.Tooling;

namespace MobileViT.Cli;

/// <summary>An ONNX Runtime session with its input and output tensors bound once (its fastest API), for bench and profile.</summary>
internal sealed class OnnxRuntimeRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames, _outputNames;
    private readonly OrtValue[] _inputValues, _outputValues;

    private OnnxRuntimeRunner(InferenceSession session, InProcessModel model, float[][] inputs)
    {
        _session = session;
        _inputNames = model.Inputs.Select(i => i.Name).ToArray();
        _outputNames = model.Outputs.Select(o => o.Name).ToArray();
        _inputValues = model.Inputs.Select((input, i) => OrtValue.CreateTensorValueFromMemory(inputs[i], input.Shape.Select(d => (long)d).ToArray())).ToArray();
        Outputs = model.Outputs.Select(o => new float[o.Length]).ToArray();
        _outputValues = model.Outputs.Select((output, i) => OrtValue.CreateTensorValueFromMemory(Outputs[i], output.Shape.Select(d => (long)d).ToArray())).ToArray();
    }

    /// <summary>The last run's outputs.</summary>
    public float[][] Outputs { get; }

    /// <param name="spin">Whether the intra-op threads spin between runs (ONNX Runtime's default) or block at once.</param>
    /// <param name="profilePrefix">Where ONNX Runtime writes its profile (see <see cref="EndProfiling"/>); null runs without its profiler.</param>
    public static OnnxRuntimeRunner Create(byte[] modelBytes, InProcessModel model, float[][] inputs, int threads, bool spin, string? profilePrefix = null)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        if (!spin) options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (profilePrefix != null)
        {
            // The prefix first: setting EnableProfiling hands ONNX Runtime the prefix as it is at that moment.
            options.ProfileOutputPathPrefix = profilePrefix;
            options.EnableProfiling = true;
        }
        return new OnnxRuntimeRunner(new InferenceSession(modelBytes, options), model, inputs);
    }

    public void Run() => _session.Run(_runOptions, _inputNames, _inputValues, _outputNames, _outputValues);

    /// <summary>Stops ONNX Runtime's profiler; returns the path of the JSON file it wrote.</summary>
    public string EndProfiling() => _session.EndProfiling();

    public void Dispose()
    {
        foreach (var value in _inputValues.Concat(_outputValues)) value.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
