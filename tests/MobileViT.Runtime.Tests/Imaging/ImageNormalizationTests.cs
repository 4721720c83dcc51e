using System;

namespace MobileViT.Runtime.Tests.Imaging;

public class ImageNormalizationTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(28, 28, 1)]
    [InlineData(37, 5, 1)]
    [InlineData(17, 23, 3)]
    [InlineData(1, 9, 3)]
    [InlineData(33, 7, 4)]
    [InlineData(6, 11, 2)]
    public void EqualsTheFormulaExactly(int width, int height, int channels)
    {
        var random = new Random(width * 1000 + height * 10 + channels);
        float[] mean = new float[channels], std = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            mean[c] = (float)random.NextDouble();
            std[c] = 0.1f + (float)random.NextDouble();
        }
        foreach (int padding in new[] { 0, 5 })
        {
            int rowStride = width * channels + padding;
            byte[] pixels = ImagingReference.RandomBytes(rowStride * height, width + height + padding);
            float[] expected = ImagingReference.Normalize(pixels, width, height, channels, rowStride, mean, std);
            var actual = new float[expected.Length + 3];
            actual.AsSpan().Fill(float.NaN);
            ImageNormalization.InterleavedToPlanar(pixels, width, height, channels, rowStride, mean, std, actual);
            Assert.Equal(expected, actual.AsSpan(0, expected.Length).ToArray());
            Assert.True(float.IsNaN(actual[^1]), "wrote past the planes");
            if (padding == 0)
            {
                ImageNormalization.InterleavedToPlanar(pixels, width, height, channels, mean, std, actual);
                Assert.Equal(expected, actual.AsSpan(0, expected.Length).ToArray());
            }
        }
    }

    [Fact]
    public void StrideReadsARectangleOfALargerImage()
    {
        const int width = 19, height = 13, channels = 3, cropWidth = 7, cropHeight = 5;
        byte[] image = ImagingReference.RandomBytes(width * height * channels, 7);
        byte[] crop = ImagingReference.CenterCrop(image, width, height, channels, cropWidth, cropHeight);
        float[] mean = ImageNormalization.ImageNetMean.ToArray(), std = ImageNormalization.ImageNetStandardDeviation.ToArray();
        var expected = ImagingReference.Normalize(crop, cropWidth, cropHeight, channels, cropWidth * channels, mean, std);
        int offset = (ImageCrop.CenterOffset(height, cropHeight) * width + ImageCrop.CenterOffset(width, cropWidth)) * channels;
        var actual = new float[expected.Length];
        ImageNormalization.InterleavedToPlanar(image.AsSpan(offset), cropWidth, cropHeight, channels, width * channels, mean, std, actual);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void RejectsMismatchedArguments()
    {
        var pixels = new byte[12];
        var planar = new float[12];
        float[] one = { 0.5f }, three = { 0.5f, 0.5f, 0.5f };
        Assert.Throws<ArgumentException>(() => ImageNormalization.InterleavedToPlanar(pixels, 2, 2, 3, one, three, planar));
        Assert.Throws<ArgumentException>(() => ImageNormalization.InterleavedToPlanar(pixels, 2, 2, 3, three, three, new float[11]));
        Assert.Throws<ArgumentException>(() => ImageNormalization.InterleavedToPlanar(new byte[11], 2, 2, 3, three, three, planar));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageNormalization.InterleavedToPlanar(pixels, 2, 2, 5, three, three, planar));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageNormalization.InterleavedToPlanar(pixels, 2, 2, 3, 5, three, three, planar));
    }
}
