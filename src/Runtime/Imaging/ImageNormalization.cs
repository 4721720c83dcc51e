using System;

namespace MobileViT.Runtime;

/// <summary>
/// Turns decoded 8-bit images into the float tensors vision models take: interleaved bytes (HWC, the layout image
/// decoders produce) into planar floats (CHW, the layout of an ONNX [1, C, H, W] input), normalized per channel.
/// </summary>
public static class ImageNormalization
{
    /// <summary>The ImageNet mean of R, G, B in [0, 1] units (torchvision's <c>Normalize</c> values).</summary>
    public static ReadOnlySpan<float> ImageNetMean => new[] { 0.485f, 0.456f, 0.406f };

    /// <summary>The ImageNet standard deviation of R, G, B in [0, 1] units.</summary>
    public static ReadOnlySpan<float> ImageNetStandardDeviation => new[] { 0.229f, 0.224f, 0.225f };

    /// <summary>
    /// <c>planar[c, y, x] = (pixels[y * width * channels + x * channels + c] / 255 - mean[c]) / standardDeviation[c]</c>,
    /// evaluated in float in exactly that order, as PyTorch's <c>ToTensor</c> + <c>Normalize</c> do, so the result is
    /// bit-identical to theirs. Never allocates.
    /// </summary>
    /// <param name="pixels">Rows of <paramref name="width"/> pixels of <paramref name="channels"/> bytes each (gray, RGB, RGBA...).</param>
    /// <param name="channels">1 to 4; <paramref name="mean"/> and <paramref name="standardDeviation"/> have one value per channel.</param>
    /// <param name="planar">At least <c>channels * height * width</c> floats.</param>
    public static void InterleavedToPlanar(ReadOnlySpan<byte> pixels, int width, int height, int channels,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> standardDeviation, Span<float> planar)
        => InterleavedToPlanar(pixels, width, height, channels, width * channels, mean, standardDeviation, planar);

    /// <summary>
    /// As <see cref="InterleavedToPlanar(ReadOnlySpan{byte}, int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>,
    /// with rows <paramref name="rowStride"/> bytes apart. A stride larger than <c>width * channels</c> reads a
    /// rectangle out of a larger image without copying it: pass the image sliced at the rectangle's first byte and
    /// the image's row length (see <see cref="ImageCrop.CenterOffset"/>).
    /// </summary>
    public static void InterleavedToPlanar(ReadOnlySpan<byte> pixels, int width, int height, int channels, int rowStride,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> standardDeviation, Span<float> planar)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "Width and height must be positive.");
        if (channels < 1 || channels > 4) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Expected 1 to 4 channels.");
        if (rowStride < width * channels) throw new ArgumentOutOfRangeException(nameof(rowStride), rowStride, "Rows overlap: the stride is shorter than width * channels.");
        if (mean.Length != channels || standardDeviation.Length != channels)
            throw new ArgumentException($"Expected {channels} mean and standard deviation values, got {mean.Length} and {standardDeviation.Length}.");
        if (pixels.Length < (long)(height - 1) * rowStride + width * channels) throw new ArgumentException("Fewer pixels than width, height and stride require.", nameof(pixels));
        int planeLength = width * height;
        if (planar.Length < (long)channels * planeLength) throw new ArgumentException($"Expected at least {channels * planeLength} floats.", nameof(planar));

        // A byte has 256 values, so every result is a table entry: exact, and faster than the arithmetic.
        Span<float> table = stackalloc float[channels * 256];
        for (int c = 0; c < channels; c++)
            for (int value = 0; value < 256; value++)
                table[c * 256 + value] = (value / 255f - mean[c]) / standardDeviation[c];

        if (channels == 1)
        {
            for (int y = 0; y < height; y++)
            {
                ReadOnlySpan<byte> row = pixels.Slice(y * rowStride, width);
                Span<float> output = planar.Slice(y * width, width);
                for (int x = 0; x < row.Length; x++) output[x] = table[row[x]];
            }
            return;
        }
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = pixels.Slice(y * rowStride, width * channels);
            for (int c = 0; c < channels; c++)
            {
                ReadOnlySpan<float> channelTable = table.Slice(c * 256, 256);
                Span<float> output = planar.Slice(c * planeLength + y * width, width);
                for (int x = 0, source = c; x < output.Length; x++, source += channels) output[x] = channelTable[row[source]];
            }
        }
    }
}
