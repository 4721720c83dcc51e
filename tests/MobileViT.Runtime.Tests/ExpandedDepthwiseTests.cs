using System;
using System.Collections.Generic;
using System.Linq;
using MobileViT.Runtime;
using MobileViT.Runtime.Simd;
using MobileViT.Runtime.Tests.Reference;
using Xunit;

namespace MobileViT.Runtime.Tests;

/// <summary>
/// An expansion and its depthwise convolution in one pass (<see cref="ExpandedDepthwiseF32"/>) against the two naive
/// convolutions: every instruction set (the one pass runs with 256-bit vectors on AVX2 and FMA, the others take the two
/// steps), partial channel groups and blocks, strides, dilation, kernels of 5 × 5, bands, rows no window reaches
/// entirely, padded planes, batches, residuals and every expansion activation.
/// </summary>
public class ExpandedDepthwiseTests
{
    /// <summary>
    /// Expansion input channels, then the depthwise geometry (its channels are the expansion's outputs); optional plane
    /// strides of the input (and of the expanded workspace, whose planes the compiler pads as it pads the input's, the
    /// plane being the same size) and of the output.
    /// </summary>
    private static readonly Dictionary<string, (int InChannels, Conv2dGeometry Depthwise, int InputStride, int OutputStride)> Cases = new()
    {
        ["8 -> 37, 3x3 s2 p1 14x14 batch 2 (groups of 16, 16 and 5)"] = (8, Conv2dTests.Geometry(2, 37, 14, 14, 37, 3, 2, 1, groups: 37), 0, 0),
        ["5 -> 24, 3x3 s1 p1 9x11 (a group of one block)"] = (5, Conv2dTests.Geometry(1, 24, 9, 11, 24, 3, 1, 1, groups: 24), 0, 0),
        ["12 -> 40, 5x5 s2 p2 28x28"] = (12, Conv2dTests.Geometry(1, 40, 28, 28, 40, 5, 2, 2, groups: 40), 0, 0),
        ["6 -> 20, 3x3 s2 p1 70x66 (bands of output rows)"] = (6, Conv2dTests.Geometry(1, 20, 70, 66, 20, 3, 2, 1, groups: 20), 0, 0),
        ["3 -> 16, 3x3 s1 p1 57x57 (six-pixel tiles across rows)"] = (3, Conv2dTests.Geometry(1, 16, 57, 57, 16, 3, 1, 1, groups: 16), 0, 0),
        ["6 -> 16, 3x3 s2 p0 30x30 (a column no window reaches)"] = (6, Conv2dTests.Geometry(1, 16, 30, 30, 16, 3, 2, 0, groups: 16), 0, 0),
        ["4 -> 16, 3x3 d2 p2 12x12"] = (4, Conv2dTests.Geometry(1, 16, 12, 12, 16, 3, 1, 2, dilation: 2, groups: 16), 0, 0),
        ["7 -> 18, 3x3 s2 TF SAME 28x28 (bottom padding only)"] = (7, Conv2dTests.Geometry(1, 18, 28, 28, 18, 3, 2, 0, groups: 18, padBottom: 1), 0, 0),
        ["3 -> 17, 3x3 s1 p1 32x32, planes padded apart"] = (3, Conv2dTests.Geometry(1, 17, 32, 32, 17, 3, 1, 1, groups: 17), 1040, 1040),
        ["9 -> 32, 3x3 s1 p1 7x7"] = (9, Conv2dTests.Geometry(1, 32, 7, 7, 32, 3, 1, 1, groups: 32), 0, 0),
    };

    public static IEnumerable<object[]> CaseNames()
    {
        foreach (KernelIsa isa in TestData.AllIsas)
            foreach (string name in Cases.Keys)
                yield return new object[] { isa.ToString(), name };
    }

    private static (Conv2dGeometry Expansion, Conv2dGeometry Depthwise) Geometries(string name)
    {
        var (inChannels, d, inputStride, outputStride) = Cases[name];
        var expansion = new Conv2dGeometry(d.Batch, inChannels, d.InHeight, d.InWidth, d.InChannels, d.InHeight, d.InWidth, 1, 1, 1, 1, 0, 0, 1, 1, 1,
            inputStride, inputStride);
        var depthwise = new Conv2dGeometry(d.Batch, d.InChannels, d.InHeight, d.InWidth, d.OutChannels, d.OutHeight, d.OutWidth,
            d.KernelHeight, d.KernelWidth, d.StrideHeight, d.StrideWidth, d.PadTop, d.PadLeft, d.DilationHeight, d.DilationWidth, d.Groups, inputStride, outputStride);
        return (expansion, depthwise);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesTheTwoNaiveConvolutions(string isaName, string caseName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        var (expansion, depthwise) = Geometries(caseName);
        var pairs = new (Activation Expansion, Activation Depthwise, bool Residual)[]
        {
            (new Activation(ActivationKind.Clip, 0f, 6f), new Activation(ActivationKind.Clip, 0f, 6f), false),
            (new Activation(ActivationKind.Relu), Activation.None, true),
            (Activation.None, new Activation(ActivationKind.Relu), false),
            (new Activation(ActivationKind.HardSwish), new Activation(ActivationKind.HardSwish), false),
            // A clip whose lower bound is above zero: the depthwise padding must stay zero, not the clipped value.
            (new Activation(ActivationKind.Clip, 0.25f, 0.75f), new Activation(ActivationKind.SiLU), true),
            // SiLU's expansion takes the two steps, also where the one pass could run.
            (new Activation(ActivationKind.SiLU), new Activation(ActivationKind.SiLU), false),
        };
        int seed = caseName.Length;
        foreach (var (expansionActivation, activation, withResidual) in pairs)
        {
            seed++;
            Check(isa, expansion, depthwise, expansionActivation, activation, withResidual, seed, $"{isa} {caseName} {expansionActivation.Kind} → {activation.Kind} residual={withResidual}");
        }
    }

    private static float[] Check(KernelIsa isa, Conv2dGeometry expansion, Conv2dGeometry depthwise, Activation expansionActivation, Activation activation,
        bool withResidual, int seed, string context)
    {
        int inPlane = expansion.InHeight * expansion.InWidth, outPlane = depthwise.OutHeight * depthwise.OutWidth;
        float[] input = TestData.Random((int)(expansion.Batch * expansion.InChannels * inPlane), seed, -2f, 2f);
        float[] expansionWeights = TestData.Random((int)expansion.WeightLength, seed + 1), expansionBias = TestData.Random(expansion.OutChannels, seed + 2);
        float[] weights = TestData.Random((int)depthwise.WeightLength, seed + 3), bias = TestData.Random(depthwise.OutChannels, seed + 4);
        float[] residual = withResidual ? TestData.Random((int)(depthwise.Batch * depthwise.OutChannels * outPlane), seed + 5) : Array.Empty<float>();

        var contiguousExpansion = new Conv2dGeometry(expansion.Batch, expansion.InChannels, expansion.InHeight, expansion.InWidth, expansion.OutChannels,
            expansion.OutHeight, expansion.OutWidth, 1, 1, 1, 1, 0, 0, 1, 1, 1);
        var contiguousDepthwise = new Conv2dGeometry(depthwise.Batch, depthwise.InChannels, depthwise.InHeight, depthwise.InWidth, depthwise.OutChannels,
            depthwise.OutHeight, depthwise.OutWidth, depthwise.KernelHeight, depthwise.KernelWidth, depthwise.StrideHeight, depthwise.StrideWidth,
            depthwise.PadTop, depthwise.PadLeft, depthwise.DilationHeight, depthwise.DilationWidth, depthwise.Groups);
        float[] expanded = NaiveReference.Conv2d(input, expansionWeights, expansionBias, Array.Empty<float>(), contiguousExpansion, expansionActivation);
        float[] expected = NaiveReference.Conv2d(expanded, weights, bias, residual, contiguousDepthwise, activation);

        float[] packed = ExpandedDepthwiseF32.PackExpansionWeights(expansionWeights, expansion);
        var scratch = new float[expansion.OutputLength];
        float[] output = TestData.Random((int)depthwise.OutputLength, seed + 6); // stale values must be overwritten
        ExpandedDepthwiseF32.Run(Spread(input, expansion.Batch * expansion.InChannels, inPlane, expansion.InputChannelStride), packed, expansionBias,
            expansionActivation, scratch, Conv2dF32.PackWeights(weights, depthwise), bias,
            withResidual ? Spread(residual, depthwise.Batch * depthwise.OutChannels, outPlane, depthwise.OutputChannelStride) : default,
            output, expansion, depthwise, activation, isa);
        float[] gathered = Gather(output, depthwise.Batch * depthwise.OutChannels, outPlane, depthwise.OutputChannelStride);
        TestData.AssertClose(gathered, expected, 1e-5, context);
        return gathered;
    }

    /// <summary>Planes <paramref name="plane"/> floats long laid <paramref name="stride"/> floats apart, NaN between them.</summary>
    internal static float[] Spread(float[] contiguous, int planes, int plane, int stride)
    {
        if (stride == plane) return contiguous;
        var spread = new float[(long)planes * stride];
        Array.Fill(spread, float.NaN);
        for (int p = 0; p < planes; p++) Array.Copy(contiguous, p * plane, spread, p * stride, plane);
        return spread;
    }

    internal static float[] Gather(float[] spread, int planes, int plane, int stride)
    {
        if (stride == plane) return spread;
        var contiguous = new float[planes * plane];
        for (int p = 0; p < planes; p++) Array.Copy(spread, p * stride, contiguous, p * plane, plane);
        return contiguous;
    }

    /// <summary>The one pass splits bands of 16 channels across threads: every degree gives the single-threaded bits.</summary>
    [Theory]
    [InlineData("8 -> 37, 3x3 s2 p1 14x14 batch 2 (groups of 16, 16 and 5)")]
    [InlineData("6 -> 20, 3x3 s2 p1 70x66 (bands of output rows)")]
    [InlineData("3 -> 17, 3x3 s1 p1 32x32, planes padded apart")]
    public void IsBitwiseTheSameOnEveryDegree(string caseName)
    {
        var (expansion, depthwise) = Geometries(caseName);
        TestData.AssertSameBitsOnEveryDegree(() => Check(KernelIsaSelector.Best, expansion, depthwise, new Activation(ActivationKind.Clip, 0f, 6f),
            new Activation(ActivationKind.Relu), withResidual: true, seed: 9, caseName), caseName);
    }

    /// <summary>The one pass runs where it should: with AVX2 and FMA at 256 bits, for the activations it takes, on planes not 4 KiB apart.</summary>
    [Fact]
    public void OnePassRunsWhereItShould()
    {
        var (expansion, depthwise) = Geometries("12 -> 40, 5x5 s2 p2 28x28");
        bool avx = System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported;
        Assert.Equal(avx, ExpandedDepthwiseF32.Fuses(expansion, depthwise, new Activation(ActivationKind.Clip, 0f, 6f), KernelIsa.Vector256));
        Assert.False(ExpandedDepthwiseF32.Fuses(expansion, depthwise, new Activation(ActivationKind.SiLU), KernelIsa.Vector256));
        Assert.False(ExpandedDepthwiseF32.Fuses(expansion, depthwise, Activation.None, KernelIsa.Vector512));
        Assert.False(ExpandedDepthwiseF32.Fuses(expansion, depthwise, Activation.None, KernelIsa.Vector128));
        var aliasing = new Conv2dGeometry(1, 3, 32, 32, 16, 32, 32, 1, 1, 1, 1, 0, 0, 1, 1, 1);
        Assert.False(ExpandedDepthwiseF32.Fuses(aliasing, Conv2dTests.Geometry(1, 16, 32, 32, 16, 3, 1, 1, groups: 16), Activation.None, KernelIsa.Vector256));
    }

    [Fact]
    public void WrongLengthsAreRefusedWithTheExpectedLength()
    {
        var (expansion, depthwise) = Geometries("9 -> 32, 3x3 s1 p1 7x7");
        float[] packed = ExpandedDepthwiseF32.PackExpansionWeights(new float[expansion.WeightLength], expansion);
        var error = Assert.Throws<ArgumentException>(() => ExpandedDepthwiseF32.Run(new float[expansion.InputLength], packed.AsSpan(1), default, Activation.None,
            new float[expansion.OutputLength], Conv2dF32.PackWeights(new float[depthwise.WeightLength], depthwise), default, default,
            new float[depthwise.OutputLength], expansion, depthwise, Activation.None));
        Assert.Contains(packed.Length.ToString(), error.Message);
        // A short workspace is refused on every machine, also where the one pass would not have written it.
        var workspace = Assert.Throws<ArgumentException>(() => ExpandedDepthwiseF32.Run(new float[expansion.InputLength], packed, default, Activation.None,
            new float[expansion.OutputLength - 1], Conv2dF32.PackWeights(new float[depthwise.WeightLength], depthwise), default, default,
            new float[depthwise.OutputLength], expansion, depthwise, Activation.None));
        Assert.Contains(expansion.OutputLength.ToString(), workspace.Message);
        var mismatch = Conv2dTests.Geometry(1, 31, 7, 7, 31, 3, 1, 1, groups: 31);
        Assert.Throws<ArgumentException>(() => ExpandedDepthwiseF32.Run(new float[expansion.InputLength], packed, default, Activation.None,
            new float[expansion.OutputLength], new float[mismatch.WeightLength], default, default, new float[mismatch.OutputLength], expansion, mismatch, Activation.None));
        Assert.Throws<ArgumentException>(() => ExpandedDepthwiseF32.Run(new float[expansion.InputLength - 1], packed, default, Activation.None,
            new float[expansion.OutputLength], Conv2dF32.PackWeights(new float[depthwise.WeightLength], depthwise), default, default,
            new float[depthwise.OutputLength], expansion, depthwise, Activation.None));
    }
}
