using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;

namespace MobileViT.Benchmarks;

/// <summary>
/// Steady-state latency of one inference: generated code against ONNX Runtime given pre-bound OrtValue inputs and
/// outputs (its fastest API), same model, same thread count, same process.
/// </summary>
[MemoryDiagnoser]
public class InferenceBenchmarks
{
    private BenchmarkModel _model = null!;
    private float[] _input = null!, _output = null!;
    private InferenceSession _session = null!;
    private RunOptions _runOptions = null!;
    private OrtValue _inputValue = null!, _outputValue = null!;
    private string[] _inputNames = null!, _outputNames = null!;

    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "";

    public static IEnumerable<string> Models => BenchmarkModels.All.Select(m => m.Name);

    /// <summary>ONNX Runtime's IntraOpNumThreads and the generated class's Parallelism.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _model = BenchmarkModels.Get(Model);
        _input = BenchmarkModels.Input(_model.InputLength);
        _output = new float[_model.OutputLength];
        var options = new SessionOptions { IntraOpNumThreads = Threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        _session = new InferenceSession(BenchmarkModels.ModelPath(_model.OnnxFile), options);
        _inputNames = _session.InputMetadata.Keys.ToArray();
        _outputNames = _session.OutputMetadata.Keys.ToArray();
        var inputShape = _session.InputMetadata[_inputNames[0]].Dimensions.Select(d => (long)d).ToArray();
        var outputShape = _session.OutputMetadata[_outputNames[0]].Dimensions.Select(d => (long)d).ToArray();
        _inputValue = OrtValue.CreateTensorValueFromMemory(_input, inputShape);
        _outputValue = OrtValue.CreateTensorValueFromMemory(new float[_model.OutputLength], outputShape);
        _runOptions = new RunOptions();
        _model.SetParallelism(Threads);
        _model.Run(_input, _output);
        OnnxRuntime();
    }

    [Benchmark(Baseline = true)]
    public void OnnxRuntime() =>
        _session.Run(_runOptions, _inputNames, new[] { _inputValue }, _outputNames, new[] { _outputValue });

    [Benchmark]
    public void Generated() => _model.Run(_input, _output);

    [GlobalCleanup]
    public void Cleanup()
    {
        _model.SetParallelism(1);
        _session.Dispose();
        _runOptions.Dispose();
        _inputValue.Dispose();
        _outputValue.Dispose();
    }
}
