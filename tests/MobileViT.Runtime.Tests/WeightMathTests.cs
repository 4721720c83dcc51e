using System;
using System.Linq;
using Xunit;

namespace MobileViT.Runtime.Tests;

/// <summary>The start-up recipes that recompute weights a compiler pass changed.</summary>
public class WeightMathTests
{
    [Fact]
    public void CropKernelKeepsTheChosenTapsOfEveryPlane()
    {
        // 2 output × 3 input channels of 3 × 4 kernels, each value encoding (plane, row, column).
        var weights = Enumerable.Range(0, 6 * 3 * 4).Select(i => (float)(i / 12 * 100 + i % 12 / 4 * 10 + i % 4)).ToArray();
        var cropped = WeightMath.CropKernel(weights, new[] { 2, 3, 3, 4, 1, 2, 1, 3 });
        Assert.Equal(6 * 2 * 3, cropped.Length);
        for (int plane = 0; plane < 6; plane++)
            for (int y = 0; y < 2; y++)
                for (int x = 0; x < 3; x++)
                    Assert.Equal(plane * 100 + (y + 1) * 10 + (x + 1), cropped[(plane * 2 + y) * 3 + x]);
    }

    [Theory]
    [InlineData(0, 4, 0, 1)]  // taller than the kernel
    [InlineData(1, 1, 2, 3)]  // wider than what is left
    [InlineData(0, 0, 0, 1)]  // empty
    public void CropKernelRejectsACropOutsideTheKernel(int y0, int height, int x0, int width)
    {
        var error = Assert.Throws<ArgumentException>(() => WeightMath.CropKernel(new float[2 * 3 * 3 * 4], new[] { 2, 3, 3, 4, y0, height, x0, width }));
        Assert.Contains("Cannot crop", error.Message);
    }

    [Fact]
    public void TransposeConvKernelSwapsChannelsWithinGroupsAndReadsTheChosenTaps()
    {
        // ConvTranspose weights of 4 input channels, 3 outputs per group, 2 groups, 3 × 4 kernels; each value encodes
        // (input channel, output channel in group, row, column).
        const int c = 4, groupOut = 3, kh = 3, kw = 4, groups = 2;
        var weights = new float[c * groupOut * kh * kw];
        for (int ci = 0; ci < c; ci++)
            for (int m = 0; m < groupOut; m++)
                for (int y = 0; y < kh; y++)
                    for (int x = 0; x < kw; x++)
                        weights[((ci * groupOut + m) * kh + y) * kw + x] = ci * 1000 + m * 100 + y * 10 + x;
        int[] rows = { 2, 1, 0 }, columns = { 3, 1 };  // the kernel turned, every other column
        var taps = WeightMath.TransposeConvKernel(weights, new[] { c, groupOut, kh, kw, groups }, rows, columns);
        Assert.Equal(groups * groupOut * (c / groups) * rows.Length * columns.Length, taps.Length);
        // Conv weights [m = 6][c/g = 2][3][2]: output channel o of group o / 3 reads input channel g·2 + i.
        for (int o = 0; o < groups * groupOut; o++)
            for (int i = 0; i < c / groups; i++)
                for (int a = 0; a < rows.Length; a++)
                    for (int b = 0; b < columns.Length; b++)
                    {
                        int group = o / groupOut, ci = group * (c / groups) + i, m = o % groupOut;
                        Assert.Equal(ci * 1000 + m * 100 + rows[a] * 10 + columns[b], taps[((o * (c / groups) + i) * rows.Length + a) * columns.Length + b]);
                    }
    }

    [Fact]
    public void TransposeConvKernelRejectsAShapeThatDoesNotFit()
    {
        var error = Assert.Throws<ArgumentException>(() => WeightMath.TransposeConvKernel(new float[4 * 3 * 2 * 3], new[] { 4, 3, 2, 3, 3 }, new[] { 0 }, new[] { 0 }));
        Assert.Contains("groups", error.Message);
        error = Assert.Throws<ArgumentException>(() => WeightMath.TransposeConvKernel(new float[4 * 3 * 2 * 3], new[] { 4, 3, 2, 3, 2 }, new[] { 2 }, new[] { 0 }));
        Assert.Contains("row 2", error.Message);
    }
}
