using System;

namespace MobileViT.Runtime.Tests.Imaging;

/// <summary>
/// Tester for <see cref="ImageResize.Bilinear"/>: bit-identical to the plain transcription of Pillow's algorithm
/// (a full intermediate image, no ring of rows, no vectors), within a level of the exact result, plus checks that do
/// not depend on that algorithm. Outside this suite it was also compared with Pillow 9.4 itself: identical bytes.
/// </summary>
public class ImageResizeTests
{
    public static TheoryData<int, int, int, int, int> Sizes => new()
    {
        { 28, 28, 32, 32, 1 },   // enlarge a little
        { 7, 5, 31, 23, 3 },     // enlarge a lot, odd sizes
        { 97, 61, 33, 21, 3 },   // shrink ~3x, odd sizes
        { 640, 480, 256, 192, 3 }, // a photo to ImageNet size
        { 300, 17, 41, 40, 4 },  // shrink one axis, enlarge the other
        { 13, 11, 13, 11, 2 },   // same size
        { 1, 1, 5, 3, 3 },       // a single pixel
        { 50, 3, 1, 1, 1 },      // to a single pixel
        { 1001, 9, 7, 9, 3 },    // 143x horizontal shrink
        { 211, 203, 67, 229, 3 }, // odd vector tails
        { 5000, 3, 97, 2, 1 },   // weight tables over the stack limit: rented
        { 600, 300, 599, 29, 3 }, // ring of filtered rows over the stack limit: rented
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void EqualsPillowsAlgorithm(int width, int height, int outWidth, int outHeight, int channels)
    {
        byte[] source = ImagingReference.RandomBytes(width * height * channels, width * 31 + height);
        byte[] expected = ImagingReference.ResizePillow(source, width, height, channels, outWidth, outHeight);
        var actual = new byte[expected.Length + 1];
        actual[^1] = 0xA5;
        ImageResize.Bilinear(source, width, height, channels, actual, outWidth, outHeight);
        Assert.Equal(expected, actual.AsSpan(0, expected.Length).ToArray());
        Assert.Equal(0xA5, actual[^1]);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void StaysWithinOneLevelOfTheExactResult(int width, int height, int outWidth, int outHeight, int channels)
    {
        byte[] source = ImagingReference.RandomBytes(width * height * channels, width * 17 + height);
        byte[] exact = ImagingReference.ResizeExact(source, width, height, channels, outWidth, outHeight);
        var actual = new byte[exact.Length];
        ImageResize.Bilinear(source, width, height, channels, actual, outWidth, outHeight);
        for (int i = 0; i < exact.Length; i++) Assert.True(Math.Abs(actual[i] - exact[i]) <= 1, $"byte {i}: {actual[i]} vs exact {exact[i]}");
    }

    /// <summary>Bytes Pillow 9.4's <c>Image.resize((7, 5), Image.BILINEAR)</c> returns for this 3x2 gray image.</summary>
    [Fact]
    public void EqualsPillowOnAnEnlargement()
    {
        byte[] source = { 10, 200, 30, 255, 0, 128 };
        byte[] pillow =
        {
            10, 37, 119, 200, 127, 54, 30,
            34, 55, 118, 180, 120, 60, 40,
            133, 128, 114, 100, 91, 82, 79,
            231, 201, 110, 20, 62, 104, 118,
            255, 219, 109, 0, 55, 110, 128,
        };
        var actual = new byte[pillow.Length];
        ImageResize.Bilinear(source, 3, 2, 1, actual, 7, 5);
        Assert.Equal(pillow, actual);
    }

    [Fact]
    public void SameSizeCopies()
    {
        byte[] source = ImagingReference.RandomBytes(23 * 17 * 3, 3);
        var actual = new byte[source.Length];
        ImageResize.Bilinear(source, 23, 17, 3, actual, 23, 17);
        Assert.Equal(source, actual);
    }

    [Fact]
    public void ConstantStaysConstant()
    {
        var source = new byte[101 * 37 * 3];
        source.AsSpan().Fill(201);
        var actual = new byte[45 * 70 * 3];
        ImageResize.Bilinear(source, 101, 37, 3, actual, 45, 70);
        Assert.All(actual, value => Assert.Equal(201, value));
    }

    /// <summary>Enlarging is ordinary bilinear interpolation with half-pixel centers: ONNX Resize linear half_pixel, up to the two roundings.</summary>
    [Theory]
    [InlineData(9, 7, 20, 15)]
    [InlineData(28, 28, 32, 32)]
    [InlineData(5, 11, 16, 11)]
    public void EnlargingEqualsOnnxLinearResize(int width, int height, int outWidth, int outHeight)
    {
        byte[] source = ImagingReference.RandomBytes(width * height, width + height);
        var actual = new byte[outWidth * outHeight];
        ImageResize.Bilinear(source, width, height, 1, actual, outWidth, outHeight);

        var plane = Array.ConvertAll(source, value => (float)value);
        var onnx = new float[outWidth * outHeight];
        ResizeF32.Bilinear(plane, onnx, 1, height, width, outHeight, outWidth, (float)outHeight / height, (float)outWidth / width, CoordinateTransform.HalfPixel);
        for (int i = 0; i < onnx.Length; i++) Assert.True(Math.Abs(actual[i] - onnx[i]) <= 1.001f, $"pixel {i}: {actual[i]} vs ONNX {onnx[i]}");
    }

    /// <summary>Halving blends four pixels 1:3:3:1 (the triangle of radius 2 at the pair's shared edge), not two; Pillow gives the same.</summary>
    [Fact]
    public void HalvingBlendsFourPixels()
    {
        byte[] source = { 0, 80, 160, 240, 8, 16 };
        var actual = new byte[3];
        ImageResize.Bilinear(source, 6, 1, 1, actual, 3, 1);
        // Inside: (80 + 3·160 + 3·240 + 8) / 8 = 161. The edge windows lose their outside tap and are renormalized:
        // (3·0 + 3·80 + 160) / 7 = 57.1 and (240 + 3·8 + 3·16) / 7 = 44.6.
        Assert.Equal(new byte[] { 57, 161, 45 }, actual);
    }

    [Theory]
    [InlineData(640, 480, 256, 341, 256)]
    [InlineData(480, 640, 256, 256, 341)]
    [InlineData(100, 100, 32, 32, 32)]
    [InlineData(333, 500, 224, 224, 336)]
    public void ShorterSideKeepsTheAspectRatioRoundingDown(int width, int height, int side, int expectedWidth, int expectedHeight)
    {
        ImageResize.ShorterSide(width, height, side, out int resizedWidth, out int resizedHeight);
        Assert.Equal((expectedWidth, expectedHeight), (resizedWidth, resizedHeight));
    }
}
