using Xunit;
using Xunit.Abstractions;

namespace MobileViT.Models.Tests;

/// <summary>Every compiled model against ONNX Runtime and PyTorch on the seeded input stored with it.</summary>
public sealed class ModelAccuracyTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    [SkippableTheory]
    [MemberData(nameof(CompiledModels.Names), MemberType = typeof(CompiledModels))]
    public void MatchesPyTorchAndOnnxRuntime(string className)
    {
        var model = CompiledModels.Get(className);
        model.SkipIfAbsent();
        var input = RepositoryPaths.ReadFloats(RepositoryPaths.Model(model.InputFile));
        var pytorch = RepositoryPaths.ReadFloats(RepositoryPaths.Model(model.PyTorchOutputFile));
        Assert.Equal(model.Constant("InputLength"), input.Length);
        Assert.Equal(model.Constant("OutputLength"), pytorch.Length);

        var actual = new float[pytorch.Length];
        model.Run(input, actual);

        var inputShape = ReadShape(model);
        var onnxRuntime = OnnxRuntimeOracle.Run(RepositoryPaths.Model(model.OnnxFile), input, inputShape);

        double errorVsPyTorch = ErrorMetrics.RelativeL2(actual, pytorch);
        double errorVsOnnxRuntime = ErrorMetrics.RelativeL2(actual, onnxRuntime);
        double onnxRuntimeVsPyTorch = ErrorMetrics.RelativeL2(onnxRuntime, pytorch);
        output.WriteLine($"{className}: relative L2 vs PyTorch {errorVsPyTorch:E2}, vs ONNX Runtime {errorVsOnnxRuntime:E2} (ONNX Runtime vs PyTorch {onnxRuntimeVsPyTorch:E2})");
        Assert.True(errorVsPyTorch <= Tolerance, $"relative L2 vs PyTorch {errorVsPyTorch:E3} > {Tolerance:E0}");
        Assert.True(errorVsOnnxRuntime <= Tolerance, $"relative L2 vs ONNX Runtime {errorVsOnnxRuntime:E3} > {Tolerance:E0}");
    }

    [SkippableTheory]
    [MemberData(nameof(CompiledModels.Names), MemberType = typeof(CompiledModels))]
    public void RepeatedRunsAreBitwiseIdentical(string className)
    {
        var model = CompiledModels.Get(className);
        model.SkipIfAbsent();
        var input = RepositoryPaths.ReadFloats(RepositoryPaths.Model(model.InputFile));
        var first = new float[model.Constant("OutputLength")];
        var second = new float[first.Length];
        model.Run(input, first);
        var scratch = new float[model.Constant("ScratchLength")];
        Array.Fill(scratch, float.NaN); // stale scratch contents must never leak into the result
        model.RunWithScratch(input, second, scratch);
        Assert.Equal(first, second);
    }

    internal static int[] ReadShape(ModelCase model)
    {
        // InputShape is a ReadOnlySpan<int> property, which reflection cannot box: read it through a typed delegate.
        var getter = model.GeneratedType!.GetProperty("InputShape")!.GetMethod!.CreateDelegate<ShapeGetter>();
        return getter().ToArray();
    }

    private delegate ReadOnlySpan<int> ShapeGetter();
}
