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
}
