using Xunit;
using Xunit.Abstractions;

namespace MobileViT.Models.Tests;

/// <summary>Generated-API shapes beyond one input and one output: multi-scale nested classes and several outputs.</summary>
public sealed class MultiScaleAndMultiOutputTests(ITestOutputHelper output)
{
    private static string Family(string file) => Path.Combine(RepositoryPaths.Models, "families", file);

    private static void AssertClose(float[] actual, string expectedFile, string what, ITestOutputHelper output)
    {
        var expected = RepositoryPaths.ReadFloats(Family(expectedFile));
        double error = ErrorMetrics.RelativeL2(actual, expected);
        output.WriteLine($"{what}: relative L2 vs PyTorch {error:E2}");
        Assert.True(error <= 1e-4, $"{what}: relative L2 {error:E3}");
    }

    [Fact]
    public void EachSizeOfAMultiScaleBuildMatchesPyTorch()
    {
        var input160 = RepositoryPaths.ReadFloats(Family("input_1x3x160x160.bin"));
        var input256 = RepositoryPaths.ReadFloats(Family("input_1x3x256x256.bin"));
        var input320 = RepositoryPaths.ReadFloats(Family("input_1x3x320x320.bin"));
        Assert.Equal(new[] { 1, 3, 160, 160 }, MobileViTXXSMultiScale.S160.InputShape.ToArray());
        Assert.Equal(new[] { 1, 3, 320, 320 }, MobileViTXXSMultiScale.S320.InputShape.ToArray());
        Assert.True(MobileViTXXSMultiScale.S320.ScratchLength > MobileViTXXSMultiScale.S160.ScratchLength);

        var logits = new float[MobileViTXXSMultiScale.S160.OutputLength];
        MobileViTXXSMultiScale.S160.Run(input160, logits);
        AssertClose(logits, "mobilevit_v1_xxs_dynamic_1x3x160x160.output.bin", "S160", output);
        MobileViTXXSMultiScale.S256.Run(input256, logits);
        AssertClose(logits, "mobilevit_v1_xxs_dynamic_1x3x256x256.output.bin", "S256", output);
        MobileViTXXSMultiScale.S320.Run(input320, logits);
        AssertClose(logits, "mobilevit_v1_xxs_dynamic_1x3x320x320.output.bin", "S320", output);
    }

    /// <summary>
    /// torchvision's DeepLabHead and LRASPPHead on one backbone (models/export_segmentation.py): atrous rates 12, 24, 36
    /// on a 20 × 20 map of 128 channels, where DropPaddingTaps turns the 3 × 3 convolutions of rates 24 and 36 into
    /// 1 × 1 and rate 12, whose taps read the input for 36 % of their pixels, runs one GEMM per tap (TapwiseConvolution).
    /// </summary>
    [Fact]
    public void SegmentationHeadsMatchPyTorchAndOnnxRuntime()
    {
        string folder = Path.Combine(RepositoryPaths.Models, "segmentation");
        var input = RepositoryPaths.ReadFloats(Path.Combine(folder, "segmentation_heads.input.bin"));
        Assert.Equal(new[] { 1, 3, 320, 320 }, SegmentationHeads.DeeplabShape.ToArray());
        var deeplab = new float[SegmentationHeads.DeeplabLength];
        var lraspp = new float[SegmentationHeads.LrasppLength];
        SegmentationHeads.Run(input, deeplab, lraspp);

        var onnxRuntime = OnnxRuntimeOracle.RunAll(Path.Combine(folder, "segmentation_heads_opset17.onnx"), input, new[] { 1, 3, 320, 320 });
        foreach (var (actual, name, reference) in new[] { (deeplab, "deeplab", onnxRuntime[0]), (lraspp, "lraspp", onnxRuntime[1]) })
        {
            var pytorch = RepositoryPaths.ReadFloats(Path.Combine(folder, $"segmentation_heads.{name}.output.bin"));
            double vsPyTorch = ErrorMetrics.RelativeL2(actual, pytorch), vsOnnxRuntime = ErrorMetrics.RelativeL2(actual, reference);
            output.WriteLine($"{name}: relative L2 vs PyTorch {vsPyTorch:E2}, vs ONNX Runtime {vsOnnxRuntime:E2}");
            Assert.True(vsPyTorch <= 1e-4, $"{name} vs PyTorch: relative L2 {vsPyTorch:E3}");
            Assert.True(vsOnnxRuntime <= 1e-4, $"{name} vs ONNX Runtime: relative L2 {vsOnnxRuntime:E3}");
        }
    }

    [Fact]
    public void DetectionHeadFillsOneSpanPerOutput()
    {
        var input = RepositoryPaths.ReadFloats(Family("input_1x3x320x320.bin"));
        var scores = new float[SsdLiteMobileViTXXS.ScoresLength];
        var boxes = new float[SsdLiteMobileViTXXS.BoxesLength];
        Assert.Equal(new[] { 1, 3232, 81 }, SsdLiteMobileViTXXS.ScoresShape.ToArray());
        Assert.Equal(new[] { 1, 3232, 4 }, SsdLiteMobileViTXXS.BoxesShape.ToArray());
        SsdLiteMobileViTXXS.Run(input, scores, boxes);
        AssertClose(scores, "ssdlite_mobilevit_xxs_320.scores.output.bin", "scores", output);
        AssertClose(boxes, "ssdlite_mobilevit_xxs_320.boxes.output.bin", "boxes", output);

        var error = Assert.Throws<ArgumentException>(() => SsdLiteMobileViTXXS.Run(input, scores, new float[3]));
        Assert.Equal("boxes", error.ParamName);
    }
}
