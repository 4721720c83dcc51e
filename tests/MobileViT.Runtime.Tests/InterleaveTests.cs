using System;

namespace MobileViT.Runtime.Tests;

/// <summary>
/// InterleaveF32.ZipRows against its definition, at widths that reach every vector path and its tail (16 and 8 columns
/// per vector, then 4, then single columns) and an odd output width, with gaps between rows and planes that must stay
/// untouched.
/// </summary>
public class InterleaveTests
{
    [Theory]
    [InlineData(1, 1, 1, 0)]     // a one-column output: only the even phase
    [InlineData(1, 1, 1, 1)]
    [InlineData(3, 2, 4, 3)]     // odd width 7
    [InlineData(2, 3, 16, 16)]   // one AVX-512 step
    [InlineData(2, 2, 33, 32)]   // 16 + 16 + a 65th column
    [InlineData(1, 4, 31, 31)]   // 16 + 8 + 4 + 3
    [InlineData(4, 5, 64, 64)]
    public void MatchesTheDefinition(int planes, int rows, int evenWidth, int oddWidth)
    {
        int width = evenWidth + oddWidth;
        int rowStride = 2 * width + 3, planeStride = rows * rowStride + 5; // a row phase of stride 2, plus gaps
        var even = TestData.Random(planes * rows * evenWidth, seed: 1);
        var odd = TestData.Random(planes * rows * oddWidth, seed: 2);
        var expected = new float[planes * planeStride];
        var actual = new float[planes * planeStride];
        Array.Fill(expected, -7f);
        Array.Fill(actual, -7f);
        for (int p = 0; p < planes; p++)
            for (int j = 0; j < rows; j++)
            {
                int row = p * planeStride + j * rowStride, source = p * rows + j;
                for (int i = 0; i < evenWidth; i++) expected[row + 2 * i] = even[source * evenWidth + i];
                for (int i = 0; i < oddWidth; i++) expected[row + 2 * i + 1] = odd[source * oddWidth + i];
            }
        InterleaveF32.ZipRows(even, odd, actual, planes, rows, evenWidth, oddWidth, rowStride, planeStride);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void ShortSpansAndMismatchedWidthsAreArgumentExceptions()
    {
        var data = new float[64];
        var shortEven = Assert.Throws<ArgumentException>(() => InterleaveF32.ZipRows(data.AsSpan(0, 15), data, new float[64], 2, 1, 8, 8, 16, 16));
        Assert.Contains("16", shortEven.Message);
        var shortDestination = Assert.Throws<ArgumentException>(() => InterleaveF32.ZipRows(data, data, new float[31], 2, 1, 8, 8, 16, 16));
        Assert.Contains("32", shortDestination.Message);
        Assert.Throws<ArgumentException>(() => InterleaveF32.ZipRows(data, data, new float[64], 1, 1, 8, 6, 14, 14));
        Assert.Throws<ArgumentException>(() => InterleaveF32.ZipRows(data, data, new float[64], 2, 1, 8, 8, 16, 8));
    }
}
