using System;
using System.Collections.Generic;

namespace MobileViT.Runtime.Tests;

/// <summary>StridedCopyF32 against the definition (an index-by-index loop), on unfold-, fold- and transpose-like cases.</summary>
public class StridedCopyTests
{
    public static IEnumerable<object[]> Cases() => new[]
    {
        // MobileViT unfold [1,96,32,32] → [4,256,96], patch 2×2: (ph, pw, nh, nw, c)
        new object[] { new[] { 2, 2, 16, 16, 96 }, new[] { 32, 1, 64, 2, 1024 }, new[] { 49152, 24576, 1536, 96, 1 } },
        // its fold
        new object[] { new[] { 96, 16, 2, 16, 2 }, new[] { 1, 1536, 49152, 96, 24576 }, new[] { 1024, 64, 32, 2, 1 } },
        // the same on [1,40,14,14] (tails of channels and of patches) and on [1,144,8,8], each with its fold
        new object[] { new[] { 2, 2, 7, 7, 40 }, new[] { 14, 1, 28, 2, 196 }, new[] { 3920, 1960, 280, 40, 1 } },
        new object[] { new[] { 40, 7, 2, 7, 2 }, new[] { 1, 280, 3920, 40, 1960 }, new[] { 196, 28, 14, 2, 1 } },
        new object[] { new[] { 2, 2, 4, 4, 144 }, new[] { 8, 1, 16, 2, 64 }, new[] { 4608, 2304, 576, 144, 1 } },
        new object[] { new[] { 144, 4, 2, 4, 2 }, new[] { 1, 576, 4608, 144, 2304 }, new[] { 64, 16, 8, 2, 1 } },
        // an unfold from padded channel planes (1040 floats apart) of 20 patches per row
        new object[] { new[] { 2, 2, 3, 20, 17 }, new[] { 40, 1, 80, 2, 1040 }, new[] { 2040, 1020, 340, 17, 1 } },
        // plain 2-D transpose with tails in both tile directions
        new object[] { new[] { 37, 53 }, new[] { 1, 37 }, new[] { 53, 1 } },
        // no axis contiguous in the source (a strided slice)
        new object[] { new[] { 5, 7, 9 }, new[] { 200, 20, 2 }, new[] { 63, 9, 1 } },
        // into a padded destination (a concat part)
        new object[] { new[] { 3, 17, 19 }, new[] { 1, 57, 3 }, new[] { 700, 40, 1 } },
        // attention heads split off: runs contiguous on both sides
        new object[] { new[] { 4, 3, 24 }, new[] { 24, 96, 1 }, new[] { 72, 24, 1 } },
        // only short axes (no axis fills half a tile)
        new object[] { new[] { 2, 3, 2 }, new[] { 1, 2, 6 }, new[] { 6, 2, 1 } },
        // a single element, and all axes of length one
        new object[] { new[] { 1 }, new[] { 1 }, new[] { 1 } },
        new object[] { new[] { 1, 1, 1 }, new[] { 5, 3, 1 }, new[] { 1, 1, 1 } },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTheDefinition(int[] shape, int[] sourceStrides, int[] destinationStrides)
    {
        long sourceLength = 1, destinationLength = 1;
        for (int d = 0; d < shape.Length; d++)
        {
            sourceLength += (long)(shape[d] - 1) * sourceStrides[d];
            destinationLength += (long)(shape[d] - 1) * destinationStrides[d];
        }
        float[] source = TestData.Random((int)sourceLength, seed: shape.Length);
        var expected = new float[destinationLength];
        var actual = new float[destinationLength];
        Array.Fill(expected, -7f);
        Array.Fill(actual, -7f);
        var index = new int[shape.Length];
        while (true)
        {
            long s = 0, d = 0;
            for (int k = 0; k < shape.Length; k++) { s += (long)index[k] * sourceStrides[k]; d += (long)index[k] * destinationStrides[k]; }
            expected[d] = source[s];
            int level = shape.Length - 1;
            while (level >= 0 && ++index[level] == shape[level]) index[level--] = 0;
            if (level < 0) break;
        }
        StridedCopyF32.Run(source, actual, shape, sourceStrides, destinationStrides);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void ATooShortSpanIsAnArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(() => StridedCopyF32.Run(new float[10], new float[100], new[] { 4, 4 }, new[] { 4, 1 }, new[] { 1, 4 }));
        Assert.Contains("16", error.Message);
    }
}
