using System;

namespace MobileViT.Runtime;

/// <summary>Center crop of interleaved (HWC) 8-bit images, placed as torchvision's <c>CenterCrop</c> places it.</summary>
public static class ImageCrop
{
    /// <summary>
    /// Where a crop of <paramref name="cropLength"/> starts along an axis of <paramref name="length"/>:
    /// <c>round((length - cropLength) / 2)</c>, halves to even, as torchvision computes it.
    /// </summary>
    public static int CenterOffset(int length, int cropLength)
    {
        if (cropLength <= 0 || cropLength > length) throw new ArgumentOutOfRangeException(nameof(cropLength), cropLength, $"The crop must be 1 to {length} long.");
        return (int)Math.Round((length - cropLength) / 2.0, MidpointRounding.ToEven);
    }

    /// <summary>
    /// Copies the centered <paramref name="cropWidth"/> x <paramref name="cropHeight"/> rectangle of the image into
    /// <paramref name="destination"/> (rows of <c>cropWidth * channels</c> bytes). Never allocates. To normalize a crop
    /// without copying it, use <see cref="ImageNormalization"/> with a row stride instead.
    /// </summary>
    public static void Center(ReadOnlySpan<byte> source, int width, int height, int channels,
        Span<byte> destination, int cropWidth, int cropHeight)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "Width and height must be positive.");
        if (channels <= 0) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Channels must be positive.");
        if (source.Length < (long)width * height * channels) throw new ArgumentException("Fewer pixels than width * height * channels.", nameof(source));
        if (destination.Length < (long)cropWidth * cropHeight * channels) throw new ArgumentException("The destination is shorter than the crop.", nameof(destination));
        int left = CenterOffset(width, cropWidth), top = CenterOffset(height, cropHeight);
        int sourceRow = width * channels, cropRow = cropWidth * channels;
        for (int y = 0; y < cropHeight; y++)
            source.Slice((top + y) * sourceRow + left * channels, cropRow).CopyTo(destination.Slice(y * cropRow, cropRow));
    }
}
