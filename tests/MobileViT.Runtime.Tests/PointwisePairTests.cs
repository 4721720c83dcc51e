using System;
using System.Collections.Generic;
using MobileViT.Runtime;
using MobileViT.Runtime.Simd;
using MobileViT.Runtime.Tests.Reference;
using Xunit;

namespace MobileViT.Runtime.Tests;

/// <summary>
/// Two pointwise convolutions in channel blocks (<see cref="PointwisePairF32"/>) against the two naive convolutions: every
/// instruction set (the blocked form runs with 256-bit vectors on AVX2 and FMA, the others take the two steps), planes
/// whose last 6-pixel tile overlaps the one before, padded planes, batches, residuals, activations on either side, and
/// the pairs the blocks do not take.
/// </summary>
public class PointwisePairTests
{
    /// <summary>
    /// Input, hidden and output channels, plane, batch; optional plane strides of the input (and of the hidden workspace,
    /// whose planes the compiler pads as it pads the input's, the plane being the same size) and of the output (and residual).
    /// </summary>
    private static readonly Dictionary<string, (int In, int Hidden, int Out, int Height, int Width, int Batch, int InputStride, int OutputStride)> Cases = new()
    {
        ["16 -> 32 -> 16 on 10x10 (the smallest plane the blocks take; a last tile over 4 pixels again)"] = (16, 32, 16, 10, 10, 1, 0, 0),
        ["24 -> 48 -> 32 on 12x13 batch 2 (three input blocks, three hidden groups)"] = (24, 48, 32, 12, 13, 2, 0, 0),
        ["8 -> 16 -> 48 on 16x16 (one input block, one hidden group)"] = (8, 16, 48, 16, 16, 1, 0, 0),
        ["48 -> 96 -> 48 on 14x14, planes padded to 208 floats"] = (48, 96, 48, 14, 14, 1, 208, 208),
        ["32 -> 64 -> 32 on 32x32, planes padded apart"] = (32, 64, 32, 32, 32, 1, 1040, 1040),
        ["192 -> 384 -> 192 on 14x14 (RepViT-M0.9's channel mixer)"] = (192, 384, 192, 14, 14, 1, 0, 0),
        ["16 -> 32 -> 16 on 7x7 (fewer pixels than the blocks take: two steps)"] = (16, 32, 16, 7, 7, 1, 0, 0),
        ["20 -> 40 -> 20 on 10x10 (channels in part blocks: two steps)"] = (20, 40, 20, 10, 10, 1, 0, 0),
    };

    public static IEnumerable<object[]> CaseNames()
    {
        foreach (KernelIsa isa in TestData.AllIsas)
            foreach (string name in Cases.Keys)
                yield return new object[] { isa.ToString(), name };
    }

    private static (Conv2dGeometry First, Conv2dGeometry Second) Geometries(string name)
    {
        var c = Cases[name];
        var first = new Conv2dGeometry(c.Batch, c.In, c.Height, c.Width, c.Hidden, c.Height, c.Width, 1, 1, 1, 1, 0, 0, 1, 1, 1, c.InputStride, c.InputStride);
        var second = new Conv2dGeometry(c.Batch, c.Hidden, c.Height, c.Width, c.Out, c.Height, c.Width, 1, 1, 1, 1, 0, 0, 1, 1, 1, c.InputStride, c.OutputStride);
        return (first, second);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesTheTwoNaiveConvolutions(string isaName, string caseName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        var (first, second) = Geometries(caseName);
        var pairs = new (Activation First, Activation Second, bool Residual)[]
        {
            (new Activation(ActivationKind.GeluErf), Activation.None, true),
            (new Activation(ActivationKind.Relu), new Activation(ActivationKind.Clip, 0f, 6f), false),
            (Activation.None, new Activation(ActivationKind.SiLU), true),
            (new Activation(ActivationKind.HardSwish), Activation.None, false),
        };
        int seed = caseName.Length;
        foreach (var (firstActivation, activation, withResidual) in pairs)
        {
            seed++;
            Check(isa, first, second, firstActivation, activation, withResidual, seed, $"{isa} {caseName} {firstActivation.Kind} → {activation.Kind} residual={withResidual}");
        }
    }

    private static float[] Check(KernelIsa isa, Conv2dGeometry first, Conv2dGeometry second, Activation firstActivation, Activation activation,
        bool withResidual, int seed, string context)
    {
        int plane = first.InHeight * first.InWidth;
        float[] input = TestData.Random(first.Batch * first.InChannels * plane, seed, -2f, 2f);
        float[] firstWeights = TestData.Random((int)first.WeightLength, seed + 1), firstBias = TestData.Random(first.OutChannels, seed + 2);
        float[] secondWeights = TestData.Random((int)second.WeightLength, seed + 3), secondBias = TestData.Random(second.OutChannels, seed + 4);
        float[] residual = withResidual ? TestData.Random(second.Batch * second.OutChannels * plane, seed + 5) : Array.Empty<float>();

        var contiguousFirst = new Conv2dGeometry(first.Batch, first.InChannels, first.InHeight, first.InWidth, first.OutChannels, first.OutHeight, first.OutWidth,
            1, 1, 1, 1, 0, 0, 1, 1, 1);
        var contiguousSecond = new Conv2dGeometry(second.Batch, second.InChannels, second.InHeight, second.InWidth, second.OutChannels, second.OutHeight,
            second.OutWidth, 1, 1, 1, 1, 0, 0, 1, 1, 1);
        float[] hidden = NaiveReference.Conv2d(input, firstWeights, firstBias, Array.Empty<float>(), contiguousFirst, firstActivation);
        float[] expected = NaiveReference.Conv2d(hidden, secondWeights, secondBias, residual, contiguousSecond, activation);

        float[] output = TestData.Random((int)second.OutputLength, seed + 6); // stale values must be overwritten
        float[] workspace = TestData.Random((int)first.OutputLength, seed + 7);
        PointwisePairF32.Run(ExpandedDepthwiseTests.Spread(input, first.Batch * first.InChannels, plane, first.InputChannelStride),
            PointwisePairF32.PackWeights(firstWeights, first), firstBias, firstActivation, workspace, PointwisePairF32.PackWeights(secondWeights, second),
            secondBias, withResidual ? ExpandedDepthwiseTests.Spread(residual, second.Batch * second.OutChannels, plane, second.OutputChannelStride) : default,
            output, first, second, activation, isa);
        float[] gathered = ExpandedDepthwiseTests.Gather(output, second.Batch * second.OutChannels, plane, second.OutputChannelStride);
        TestData.AssertClose(gathered, expected, 1e-5, context);
        return gathered;
    }

    /// <summary>The blocked products split groups of 16 output channels across threads: every degree gives the single-threaded bits.</summary>
    [Theory]
    [InlineData("24 -> 48 -> 32 on 12x13 batch 2 (three input blocks, three hidden groups)")]
    [InlineData("192 -> 384 -> 192 on 14x14 (RepViT-M0.9's channel mixer)")]
    public void IsBitwiseTheSameOnEveryDegree(string caseName)
    {
        var (first, second) = Geometries(caseName);
        TestData.AssertSameBitsOnEveryDegree(() => Check(KernelIsaSelector.Best, first, second, new Activation(ActivationKind.GeluErf), Activation.None,
            withResidual: true, seed: 9, caseName), caseName);
    }

    /// <summary>The blocked form runs where it should: with AVX2 and FMA at 256 bits, whole blocks and groups, planes of 100 pixels or more.</summary>
    [Fact]
    public void BlocksRunWhereTheyShould()
    {
        bool avx = System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported;
        var (first, second) = Geometries("192 -> 384 -> 192 on 14x14 (RepViT-M0.9's channel mixer)");
        Assert.Equal(avx, PointwisePairF32.Blocks(first, second, KernelIsa.Vector256));
        Assert.False(PointwisePairF32.Blocks(first, second, KernelIsa.Vector512));
        Assert.False(PointwisePairF32.Blocks(first, second, KernelIsa.Vector128));
        var (small, smallSecond) = Geometries("16 -> 32 -> 16 on 7x7 (fewer pixels than the blocks take: two steps)");
        Assert.False(PointwisePairF32.Blocks(small, smallSecond, KernelIsa.Vector256));
        var (partial, partialSecond) = Geometries("20 -> 40 -> 20 on 10x10 (channels in part blocks: two steps)");
        Assert.False(PointwisePairF32.Blocks(partial, partialSecond, KernelIsa.Vector256));
    }

    [Fact]
    public void WrongLengthsAreRefusedWithTheExpectedLength()
    {
        var (first, second) = Geometries("16 -> 32 -> 16 on 10x10 (the smallest plane the blocks take; a last tile over 4 pixels again)");
        float[] firstPacked = PointwisePairF32.PackWeights(new float[first.WeightLength], first), secondPacked = PointwisePairF32.PackWeights(new float[second.WeightLength], second);
        Assert.Equal(PointwisePairF32.PackedLength(first), firstPacked.Length);
        // Weights in the ONNX layout alone are not PackWeights' output.
        var error = Assert.Throws<ArgumentException>(() => PointwisePairF32.Run(new float[first.InputLength], new float[first.WeightLength], default, Activation.None,
            new float[first.OutputLength], secondPacked, default, default, new float[second.OutputLength], first, second, Activation.None));
        Assert.Contains(firstPacked.Length.ToString(), error.Message);
        // A short workspace is refused on every machine, also where the blocked form would not have needed all of it.
        var workspace = Assert.Throws<ArgumentException>(() => PointwisePairF32.Run(new float[first.InputLength], firstPacked, default, Activation.None,
            new float[first.OutputLength - 1], secondPacked, default, default, new float[second.OutputLength], first, second, Activation.None));
        Assert.Contains(first.OutputLength.ToString(), workspace.Message);
        var mismatch = new Conv2dGeometry(1, 48, 10, 10, 16, 10, 10, 1, 1, 1, 1, 0, 0, 1, 1, 1);
        Assert.Throws<ArgumentException>(() => PointwisePairF32.Run(new float[first.InputLength], firstPacked, default, Activation.None,
            new float[first.OutputLength], PointwisePairF32.PackWeights(new float[mismatch.WeightLength], mismatch), default, default,
            new float[mismatch.OutputLength], first, mismatch, Activation.None));
        Assert.Throws<ArgumentException>(() => PointwisePairF32.Run(new float[first.InputLength], firstPacked, default, Activation.None,
            new float[first.OutputLength], secondPacked, default, default, new float[second.OutputLength - 1], first, second, Activation.None));
    }
}
