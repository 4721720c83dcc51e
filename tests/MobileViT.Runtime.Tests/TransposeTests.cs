using System;
using System.Runtime.Intrinsics.X86;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime.Tests;

/// <summary>The register transposes of the channel-blocked depthwise kernel against their definition, whole blocks and partial ones.</summary>
public unsafe class TransposeTests
{
    [Theory]
    [InlineData(8, 8, 8, 8)]
    [InlineData(3, 8, 3, 8)]
    [InlineData(8, 5, 8, 5)]
    [InlineData(6, 7, 4, 2)]
    [InlineData(1, 1, 8, 8)]
    public void Transpose8_IsTheTransposeOfItsRowsAndLanes(int rows, int lanes, int storeRows, int storeLanes)
    {
        if (!Avx.IsSupported) return;
        const int sourceStride = 11, destinationStride = 13;
        float[] source = TestData.Random(8 * sourceStride, seed: rows * 8 + lanes);
        float[] destination = TestData.Random(8 * destinationStride, seed: 99);
        float[] before = (float[])destination.Clone();
        fixed (float* from = source) fixed (float* to = destination)
            AvxTranspose.Transpose8(from, sourceStride, rows, lanes, to, destinationStride, storeRows, storeLanes);
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < destinationStride; j++)
            {
                float actual = destination[i * destinationStride + j];
                // Destination (i, j) is source (j, i), zero past the source's rows and lanes; nothing outside the stored block changes.
                float expected = i < storeRows && j < storeLanes ? (j < rows && i < lanes ? source[j * sourceStride + i] : 0f) : before[i * destinationStride + j];
                Assert.True(BitConverter.SingleToInt32Bits(actual) == BitConverter.SingleToInt32Bits(expected), $"({i}, {j}): {actual} vs {expected}");
            }
    }
}
