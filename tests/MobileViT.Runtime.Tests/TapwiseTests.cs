using System;
using System.Collections.Generic;
using MobileViT.Runtime.Simd;
using MobileViT.Runtime.Tests.Reference;

namespace MobileViT.Runtime.Tests;

/// <summary>
/// Dense convolutions whose taps mostly read the zero padding (atrous convolutions on small maps), computed one GEMM
/// per tap over the pixels each tap reads the input for: against the naive definition, and against the im2col path
/// the same convolution takes with unpacked (ONNX-layout) weights.
/// </summary>
public class TapwiseTests
{
    private static readonly Dictionary<string, Conv2dGeometry> TapwiseGeometries = new()
    {
        ["256->128 16x16 d6 (DeepLab's atrous 3x3 in small: 56 % of tap-pixel pairs inside)"] = Conv2dTests.Geometry(1, 256, 16, 16, 128, 3, 1, 6, dilation: 6),
        ["192->200 20x20 d12 batch2 (36 %: corner taps on 8x8 pixels; rows of 8 and 20; 200 outputs, 2 rows past the tiles)"] = Conv2dTests.Geometry(2, 192, 20, 20, 200, 3, 1, 12, dilation: 12),
        ["128->256 37x23 s2 d9 (stride 2, odd sizes)"] = Conv2dTests.Geometry(1, 128, 37, 23, 256, 3, 2, 9, dilation: 9),
        ["130->260 10x40 1x3 d24 (a kernel row only: 60 % inside)"] = Conv2dTests.Geometry(1, 130, 10, 40, 260, 1, 1, 0, dilation: 24, kernelWidth: 3, padLeft: 24),
    };

    public static IEnumerable<object[]> Cases()
    {
        foreach (KernelIsa isa in TestData.AllIsas)
            foreach (string name in TapwiseGeometries.Keys)
                yield return new object[] { isa.ToString(), name };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesNaive_AsTheIm2colPathDoes(string isaName, string geometryName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        Conv2dGeometry g = TapwiseGeometries[geometryName];
        Assert.True(TapwiseConvolution.Supports(g), $"{g}: {TapwiseConvolution.InsideShare(g):P0} inside");
        Conv2dTests.AssertBothWeightLayoutsMatchNaive(g, isa, geometryName.Length, TapwiseConvolution.TransformedLength(g),
            new Activation(ActivationKind.HardSwish), "per tap", "im2col");
    }

    [Fact]
    public void WithoutBiasResidualOrActivation_TheSumsAreLeftAsTheyAre()
    {
        Conv2dGeometry g = TapwiseGeometries["256->128 16x16 d6 (DeepLab's atrous 3x3 in small: 56 % of tap-pixel pairs inside)"];
        float[] input = TestData.Random((int)g.InputLength, 7), weights = TestData.Random((int)g.WeightLength, 8);
        float[] expected = NaiveReference.Conv2d(input, weights, Array.Empty<float>(), Array.Empty<float>(), g, Activation.None);
        var output = new float[g.OutputLength];
        Conv2dF32.Run(input, Conv2dF32.PackWeights(weights, g), default, default, output, g, Activation.None);
        TestData.AssertClose(output, expected, 1e-5, g.ToString());
    }

    [Fact]
    public void TakesOnlyLargeConvolutionsWhoseTapsMostlyReadPadding()
    {
        Assert.Equal(0.36, TapwiseConvolution.InsideShare(Conv2dTests.Geometry(1, 960, 20, 20, 256, 3, 1, 12, dilation: 12)), 6);
        Assert.True(TapwiseConvolution.Supports(Conv2dTests.Geometry(1, 960, 20, 20, 256, 3, 1, 12, dilation: 12)));   // DeepLabV3-MobileNetV3's ASPP
        Assert.False(TapwiseConvolution.Supports(Conv2dTests.Geometry(1, 256, 20, 20, 256, 3, 1, 4, dilation: 4)));    // 75.1 % inside
        Assert.False(TapwiseConvolution.Supports(Conv2dTests.Geometry(1, 256, 10, 10, 256, 3, 1, 1)));                 // 87 % inside
        Assert.False(TapwiseConvolution.Supports(Conv2dTests.Geometry(1, 64, 10, 10, 64, 3, 1, 4, dilation: 4)));      // too few weights per tap
        Assert.False(TapwiseConvolution.Supports(Conv2dTests.Geometry(1, 256, 8, 8, 256, 3, 1, 4, dilation: 4)));      // 28 pixels per tap
        Assert.False(TapwiseConvolution.Supports(Conv2dTests.Geometry(1, 256, 20, 20, 256, 3, 1, 12, dilation: 12, groups: 2)));
        Assert.Equal(Conv2dTests.Geometry(1, 256, 20, 20, 256, 3, 1, 4, dilation: 4).WeightLength,
            Conv2dF32.PackWeights(new float[256 * 256 * 9], Conv2dTests.Geometry(1, 256, 20, 20, 256, 3, 1, 4, dilation: 4)).Length);
    }
}
