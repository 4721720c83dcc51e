using System;

namespace MobileViT.Runtime.Tests.Imaging;

public class ImageCropTests
{
    [Theory]
    [InlineData(256, 256, 224, 224, 3)]
    [InlineData(341, 256, 256, 256, 3)]
    [InlineData(15, 9, 4, 3, 1)]
    [InlineData(10, 10, 7, 3, 4)]
    [InlineData(5, 8, 5, 8, 3)]
    [InlineData(6, 1, 1, 1, 2)]
    public void CopiesTheCenteredRectangle(int width, int height, int cropWidth, int cropHeight, int channels)
    {
        byte[] image = ImagingReference.RandomBytes(width * height * channels, width * height);
        byte[] expected = ImagingReference.CenterCrop(image, width, height, channels, cropWidth, cropHeight);
        var actual = new byte[expected.Length];
        ImageCrop.Center(image, width, height, channels, actual, cropWidth, cropHeight);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(256, 224, 16)]
    [InlineData(5, 2, 2)] // (5 - 2) / 2 = 1.5 rounds to even: 2, as Python's round in torchvision
    [InlineData(7, 2, 2)] // 2.5 rounds to 2
    [InlineData(4, 1, 2)] // 1.5 rounds to 2
    [InlineData(9, 9, 0)]
    public void OffsetRoundsHalvesToEvenAsTorchvision(int length, int crop, int expected)
        => Assert.Equal(expected, ImageCrop.CenterOffset(length, crop));

    [Fact]
    public void RejectsACropLargerThanTheImage()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageCrop.CenterOffset(10, 11));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageCrop.Center(new byte[300], 10, 10, 3, new byte[363], 11, 11));
        Assert.Throws<ArgumentException>(() => ImageCrop.Center(new byte[300], 10, 10, 3, new byte[10], 4, 4));
    }
}
