using System;
using System.Collections.Generic;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime.Tests;

/// <summary>
/// The Winograd F(2×2, 3×3) path of 3×3 stride-1 convolutions against the naive definition, and against the direct
/// path the same convolution takes with unpacked (ONNX-layout) weights.
/// </summary>
public class WinogradTests
{
    private static readonly Dictionary<string, Conv2dGeometry> WinogradGeometries = new()
    {
        ["64->11 17x19 batch2 (odd sizes: a half tile at the bottom and right; blocks of 7 tile rows, the last of 2)"] = Conv2dTests.Geometry(2, 64, 17, 19, 11, 3, 1, 1),
        ["24->6 16x16 (one 64-tile panel)"] = Conv2dTests.Geometry(1, 24, 16, 16, 6, 3, 1, 1),
        ["128->64 32x32 (MobileViT-XS fusion: four blocks of 64 tiles)"] = Conv2dTests.Geometry(1, 128, 32, 32, 64, 3, 1, 1),
        ["48->20 28x28 (rows of 14 tiles: blocks of 70)"] = Conv2dTests.Geometry(1, 48, 28, 28, 20, 3, 1, 1),
        ["96->20 14x14 (49 tiles: three vectors and a column of one panel)"] = Conv2dTests.Geometry(1, 96, 14, 14, 20, 3, 1, 1),
        ["40->8 9x9 batch2 (25 tiles, the fewest taken; a half tile at the bottom and right)"] = Conv2dTests.Geometry(2, 40, 9, 9, 8, 3, 1, 1),
    };

    public static IEnumerable<object[]> Cases()
    {
        foreach (KernelIsa isa in TestData.AllIsas)
            foreach (string name in WinogradGeometries.Keys)
                yield return new object[] { isa.ToString(), name };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesNaive_AsTheDirectPathDoes(string isaName, string geometryName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        Conv2dGeometry g = WinogradGeometries[geometryName];
        Assert.True(WinogradConvolution.Supports(g));
        Conv2dTests.AssertBothWeightLayoutsMatchNaive(g, isa, geometryName.Length, WinogradConvolution.TransformedLength(g),
            new Activation(ActivationKind.SiLU), "Winograd", "direct");
    }

    [Fact]
    public void TakesOnlyStrideOneThreeByThreeWithTilesAndChannelsEnough()
    {
        Assert.True(WinogradConvolution.Supports(Conv2dTests.Geometry(1, 16, 16, 16, 6, 3, 1, 1)));
        Assert.False(WinogradConvolution.Supports(Conv2dTests.Geometry(1, 192, 8, 8, 96, 3, 1, 1)));   // 16 tiles
        Assert.False(WinogradConvolution.Supports(Conv2dTests.Geometry(1, 8, 32, 32, 8, 3, 1, 1)));    // 8 input channels
        Assert.False(WinogradConvolution.Supports(Conv2dTests.Geometry(1, 32, 32, 32, 4, 3, 1, 1)));   // fewer outputs than a tile's rows
        Assert.False(WinogradConvolution.Supports(Conv2dTests.Geometry(1, 32, 32, 32, 16, 3, 2, 1)));  // stride 2
        Assert.False(WinogradConvolution.Supports(Conv2dTests.Geometry(1, 32, 32, 32, 16, 3, 1, 2, dilation: 2)));
        Assert.False(WinogradConvolution.Supports(Conv2dTests.Geometry(1, 32, 32, 32, 32, 3, 1, 1, groups: 2)));
        Assert.False(WinogradConvolution.Supports(Conv2dTests.Geometry(1, 32, 32, 32, 16, 5, 1, 2)));
    }
}
