using System;
using System.Collections.Generic;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime.Tests;

/// <summary>
/// Tester for Resize against the ONNX specification's formulas: the coordinate transform (in float, as ONNX Runtime),
/// then neighbours taken with edge padding (linear: weights 1−r, r; nearest: the spec's rounding rules, an integral
/// coordinate picking itself). Independent of the kernel's clamp-the-coordinate formulation.
/// </summary>
public class ResizeTests
{
    private static float Coordinate(int o, float scale, int inLength, int outLength, CoordinateTransform transform) => transform switch
    {
        CoordinateTransform.HalfPixel => (o + 0.5f) / scale - 0.5f,
        CoordinateTransform.PytorchHalfPixel => outLength > 1 ? (o + 0.5f) / scale - 0.5f : 0f,
        // The spec divides by length_resized - 1 with length_resized = length_original * scale, unfloored.
        CoordinateTransform.AlignCorners => outLength == 1 || inLength * scale <= 1f ? 0f : o * (float)(inLength - 1) / (inLength * scale - 1f),
        _ => o / scale,
    };

    private static int Edge(int index, int length) => Math.Clamp(index, 0, length - 1);

    private static float[] LinearReference(float[] input, int planes, int inH, int inW, int outH, int outW, float scaleH, float scaleW, CoordinateTransform t)
    {
        var output = new float[planes * outH * outW];
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < outH; oy++)
                for (int ox = 0; ox < outW; ox++)
                {
                    double y = Coordinate(oy, scaleH, inH, outH, t), x = Coordinate(ox, scaleW, inW, outW, t);
                    int y0 = (int)Math.Floor(y), x0 = (int)Math.Floor(x);
                    double ry = y - y0, rx = x - x0;
                    double Row(int yy) => (1 - rx) * input[(p * inH + Edge(yy, inH)) * inW + Edge(x0, inW)] + rx * input[(p * inH + Edge(yy, inH)) * inW + Edge(x0 + 1, inW)];
                    output[(p * outH + oy) * outW + ox] = (float)((1 - ry) * Row(y0) + ry * Row(y0 + 1));
                }
        return output;
    }

    private static int NearestReference(int o, float scale, int inLength, int outLength, CoordinateTransform t, NearestRounding rounding)
    {
        double x = Coordinate(o, scale, inLength, outLength, t);
        int floor = (int)Math.Floor(x);
        double ratio = x - floor;
        int index;
        if (ratio == 0) index = floor;
        else index = rounding switch
        {
            NearestRounding.RoundPreferFloor => ratio <= 0.5 ? floor : floor + 1,
            NearestRounding.RoundPreferCeil => ratio < 0.5 ? floor : floor + 1,
            NearestRounding.Floor => floor,
            _ => floor + 1,
        };
        return Edge(index, inLength);
    }

    /// <summary>(inH, inW, outH, outW, explicit scales or null for output/input).</summary>
    private static readonly (int InH, int InW, int OutH, int OutW, float? ScaleH, float? ScaleW)[] Sizes =
    {
        (4, 5, 8, 10, null, null),      // 2x up
        (5, 7, 15, 21, 3f, 3f),         // 3x up, explicit scales
        (16, 16, 32, 32, 2f, 2f),       // vector-wide rows
        (9, 13, 4, 6, null, null),      // down
        (8, 8, 4, 4, 0.5f, 0.5f),       // exact ties for nearest
        (6, 6, 1, 1, null, null),       // output size 1
        (3, 4, 7, 9, 2.5f, 2.4f),       // output floor(in * scale)
        (1, 1, 3, 3, null, null),       // single input cell
        (7, 35, 7, 70, 1f, 2f),         // one axis unchanged
        (5, 20, 80, 323, null, null),   // 16x up (DeepLabV3's logits): gathered columns and a 3-column tail
        (1, 1, 20, 21, null, null),     // a single input cell to a map (DeepLab's pooled branch): one output repeated
    };

    public static IEnumerable<object[]> Cases()
    {
        foreach (KernelIsa isa in TestData.AllIsas)
            foreach (CoordinateTransform transform in Enum.GetValues<CoordinateTransform>())
                yield return new object[] { isa.ToString(), transform };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bilinear_MatchesSpec(string isaName, CoordinateTransform transform)
    {
        KernelIsa isa = TestData.Isa(isaName);
        foreach (var (inH, inW, outH, outW, sh, sw) in Sizes)
        {
            float scaleH = sh ?? (float)outH / inH, scaleW = sw ?? (float)outW / inW;
            const int planes = 3;
            float[] input = TestData.Random(planes * inH * inW, inH * 10 + inW);
            var output = new float[planes * outH * outW];
            ResizeF32.Bilinear(input, output, planes, inH, inW, outH, outW, scaleH, scaleW, transform, isa);
            TestData.AssertClose(output, LinearReference(input, planes, inH, inW, outH, outW, scaleH, scaleW, transform), 1e-5,
                $"{isa} {transform} {inH}x{inW} -> {outH}x{outW}");
        }
    }

    [Theory]
    [InlineData(CoordinateTransform.HalfPixel, 20)]
    [InlineData(CoordinateTransform.AlignCorners, 20)]
    [InlineData(CoordinateTransform.Asymmetric, 32)]
    [InlineData(CoordinateTransform.HalfPixel, 1)]
    [InlineData(CoordinateTransform.HalfPixel, 45)]
    [InlineData(CoordinateTransform.HalfPixel, 400)]
    public void Bilinear_GatheredColumnsAreBitwiseTheColumnLoop(CoordinateTransform transform, int inW)
    {
        // Vector128 blends the columns one at a time; AVX2 gathers eight at a time; AVX-512 permutes sixteen from a
        // window of 32 cells when every run of sixteen columns reads within one (upscaling), else gathers too (400 → 157).
        const int planes = 2, inH = 7, outH = 30, outW = 157;
        float[] input = TestData.Random(planes * inH * inW, 9);
        float[] Resize(KernelIsa isa)
        {
            var output = new float[planes * outH * outW];
            ResizeF32.Bilinear(input, output, planes, inH, inW, outH, outW, (float)outH / inH, (float)outW / inW, transform, isa);
            return output;
        }
        // Only widths the hardware runs: an emulated vector's multiply-add in the vertical blend is not fused like
        // Vector128's, which would differ for reasons that have nothing to do with the columns.
        float[] columnLoop = Resize(KernelIsa.Vector128);
        if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
            Assert.True(columnLoop.AsSpan().SequenceEqual(Resize(KernelIsa.Vector256)), $"Vector256 {transform}");
        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
            Assert.True(columnLoop.AsSpan().SequenceEqual(Resize(KernelIsa.Vector512)), $"Vector512 {transform}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Nearest_MatchesSpec(string isaName, CoordinateTransform transform)
    {
        KernelIsa isa = TestData.Isa(isaName);
        foreach (NearestRounding rounding in Enum.GetValues<NearestRounding>())
            foreach (var (inH, inW, outH, outW, sh, sw) in Sizes)
            {
                float scaleH = sh ?? (float)outH / inH, scaleW = sw ?? (float)outW / inW;
                const int planes = 2;
                float[] input = TestData.Random(planes * inH * inW, inH + inW);
                var expected = new float[planes * outH * outW];
                for (int p = 0; p < planes; p++)
                    for (int oy = 0; oy < outH; oy++)
                        for (int ox = 0; ox < outW; ox++)
                            expected[(p * outH + oy) * outW + ox] = input[(p * inH + NearestReference(oy, scaleH, inH, outH, transform, rounding)) * inW
                                + NearestReference(ox, scaleW, inW, outW, transform, rounding)];
                var output = new float[planes * outH * outW];
                ResizeF32.Nearest(input, output, planes, inH, inW, outH, outW, scaleH, scaleW, transform, rounding, isa);
                Assert.True(expected.AsSpan().SequenceEqual(output), $"{isa} {transform} {rounding} {inH}x{inW} -> {outH}x{outW}");
            }
    }

    [Fact]
    public void Nearest_TieRulesOnKnownCase()
    {
        // 8 -> 4 with half_pixel samples x = 2o + 0.5: ties everywhere.
        float[] input = { 0, 1, 2, 3, 4, 5, 6, 7 };
        var output = new float[4];
        ResizeF32.Nearest(input, output, 1, 1, 8, 1, 4, 1f, 0.5f, CoordinateTransform.HalfPixel, NearestRounding.RoundPreferFloor);
        Assert.Equal(new float[] { 0, 2, 4, 6 }, output);
        ResizeF32.Nearest(input, output, 1, 1, 8, 1, 4, 1f, 0.5f, CoordinateTransform.HalfPixel, NearestRounding.RoundPreferCeil);
        Assert.Equal(new float[] { 1, 3, 5, 7 }, output);
    }
}
