using System;
using System.Buffers;
using System.Numerics;

namespace MobileViT.Runtime;

/// <summary>
/// Resizing of interleaved (HWC) 8-bit images, the step between an image decoder and
/// <see cref="ImageNormalization"/>. For planar float tensors inside a model, see <see cref="ResizeF32"/> (ONNX Resize).
/// </summary>
public static class ImageResize
{
    /// <summary>The weight tables and the ring of rows each live on the stack up to this many bytes, else in rented arrays.</summary>
    private const int MaxStackBytes = 32 * 1024;

    /// <summary>
    /// The size that makes the shorter side <paramref name="shorterSide"/> long and keeps the aspect ratio, the longer side
    /// rounded down, as torchvision's <c>Resize(int)</c> computes it.
    /// </summary>
    public static void ShorterSide(int width, int height, int shorterSide, out int resizedWidth, out int resizedHeight)
    {
        if (width <= 0 || height <= 0 || shorterSide <= 0) throw new ArgumentOutOfRangeException(nameof(shorterSide), "Sizes must be positive.");
        if (width <= height)
        {
            resizedWidth = shorterSide;
            resizedHeight = (int)((long)shorterSide * height / width);
        }
        else
        {
            resizedHeight = shorterSide;
            resizedWidth = (int)((long)shorterSide * width / height);
        }
    }

    /// <summary>
    /// Bilinear resize, bit-identical to Pillow's <c>Image.resize(size, Image.BILINEAR)</c> (so to torchvision's
    /// <c>Resize</c> on PIL images): pixel centers at half-integers; a triangle filter that widens by the scale factor
    /// when shrinking, so downscaling averages every source pixel rather than sampling four (no aliasing); plain two-tap
    /// bilinear interpolation when enlarging. Like Pillow it filters rows first, then columns, in 22-bit fixed point,
    /// rounding to bytes after each pass.
    /// Never allocates: working memory lives on the stack (up to 64 KiB) or, for very large images, is rented from and
    /// returned to the shared array pools, which allocate only the first time.
    /// </summary>
    /// <param name="channels">Bytes per pixel (1 gray, 3 RGB, ...); every channel is filtered alike (RGBA is not
    /// premultiplied, unlike Pillow).</param>
    public static void Bilinear(ReadOnlySpan<byte> source, int sourceWidth, int sourceHeight, int channels,
        Span<byte> destination, int destinationWidth, int destinationHeight)
    {
        if (sourceWidth <= 0 || sourceHeight <= 0 || destinationWidth <= 0 || destinationHeight <= 0)
            throw new ArgumentOutOfRangeException(nameof(sourceWidth), "Sizes must be positive.");
        if (channels <= 0) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Channels must be positive.");
        if (source.Length < (long)sourceWidth * sourceHeight * channels) throw new ArgumentException("Fewer pixels than width * height * channels.", nameof(source));
        if (destination.Length < (long)destinationWidth * destinationHeight * channels) throw new ArgumentException("The destination is shorter than the resized image.", nameof(destination));

        int tapsX = TriangleFilter.MaxTaps(sourceWidth, destinationWidth), tapsY = TriangleFilter.MaxTaps(sourceHeight, destinationHeight);
        int rowBytes = destinationWidth * channels;
        // Horizontally filtered source rows: a ring holding the window of the current output row. Output rows move down
        // monotonically, so each source row is filtered once.
        int ringRows = Math.Min(tapsY, sourceHeight);
        long tableInts = 2L * destinationWidth + (long)destinationWidth * tapsX + tapsY;
        long ringBytes = (long)ringRows * rowBytes;
        if (tableInts > int.MaxValue / 4 || ringBytes > int.MaxValue) throw new ArgumentException("The images are too large.");

        int[]? rentedInts = null;
        byte[]? rentedBytes = null;
        Span<int> table = tableInts * 4 <= MaxStackBytes ? stackalloc int[(int)tableInts] : (rentedInts = ArrayPool<int>.Shared.Rent((int)tableInts));
        Span<byte> ring = ringBytes <= MaxStackBytes ? stackalloc byte[(int)ringBytes] : (rentedBytes = ArrayPool<byte>.Shared.Rent((int)ringBytes));
        try
        {
            Span<int> columnStarts = table.Slice(0, destinationWidth);
            Span<int> columnCounts = table.Slice(destinationWidth, destinationWidth);
            Span<int> columnWeights = table.Slice(2 * destinationWidth, destinationWidth * tapsX);
            Span<int> rowWeights = table.Slice(2 * destinationWidth + destinationWidth * tapsX, tapsY);

            for (int x = 0; x < destinationWidth; x++)
                columnStarts[x] = TriangleFilter.Window(x, sourceWidth, destinationWidth, columnWeights.Slice(x * tapsX, tapsX), out columnCounts[x]);

            int filteredEnd = 0; // the source rows below this one that are still in the window are in the ring
            for (int y = 0; y < destinationHeight; y++)
            {
                int first = TriangleFilter.Window(y, sourceHeight, destinationHeight, rowWeights, out int count);
                for (int row = Math.Max(filteredEnd, first); row < first + count; row++)
                {
                    FilterRow(source.Slice(row * sourceWidth * channels, sourceWidth * channels), channels,
                        columnStarts, columnCounts, columnWeights, tapsX, ring.Slice(row % ringRows * rowBytes, rowBytes));
                    filteredEnd = row + 1;
                }
                BlendRows(ring, rowBytes, ringRows, first, rowWeights.Slice(0, count), destination.Slice(y * rowBytes, rowBytes));
            }
        }
        finally
        {
            if (rentedInts != null) ArrayPool<int>.Shared.Return(rentedInts);
            if (rentedBytes != null) ArrayPool<byte>.Shared.Return(rentedBytes);
        }
    }

    /// <summary>One source row filtered horizontally: each output pixel is the weighted sum of its window's pixels.</summary>
    private static void FilterRow(ReadOnlySpan<byte> row, int channels, ReadOnlySpan<int> starts, ReadOnlySpan<int> counts,
        ReadOnlySpan<int> weights, int taps, Span<byte> filtered)
    {
        if (channels == 1)
        {
            for (int x = 0; x < filtered.Length; x++)
            {
                ReadOnlySpan<int> k = weights.Slice(x * taps, counts[x]);
                ReadOnlySpan<byte> window = row.Slice(starts[x], k.Length);
                int sum = TriangleFilter.Half;
                for (int t = 0; t < k.Length; t++) sum += k[t] * window[t];
                filtered[x] = TriangleFilter.ToByte(sum);
            }
            return;
        }
        if (channels == 3)
        {
            for (int x = 0, output = 0; output < filtered.Length; x++, output += 3)
            {
                ReadOnlySpan<int> k = weights.Slice(x * taps, counts[x]);
                ReadOnlySpan<byte> window = row.Slice(starts[x] * 3, k.Length * 3);
                int red = TriangleFilter.Half, green = TriangleFilter.Half, blue = TriangleFilter.Half;
                for (int t = 0, pixel = 0; t < k.Length; t++, pixel += 3)
                {
                    red += k[t] * window[pixel];
                    green += k[t] * window[pixel + 1];
                    blue += k[t] * window[pixel + 2];
                }
                filtered[output] = TriangleFilter.ToByte(red);
                filtered[output + 1] = TriangleFilter.ToByte(green);
                filtered[output + 2] = TriangleFilter.ToByte(blue);
            }
            return;
        }
        for (int x = 0, output = 0; output < filtered.Length; x++, output += channels)
        {
            ReadOnlySpan<int> k = weights.Slice(x * taps, counts[x]);
            ReadOnlySpan<byte> window = row.Slice(starts[x] * channels, k.Length * channels);
            for (int c = 0; c < channels; c++)
            {
                int sum = TriangleFilter.Half;
                for (int t = 0, pixel = c; t < k.Length; t++, pixel += channels) sum += k[t] * window[pixel];
                filtered[output + c] = TriangleFilter.ToByte(sum);
            }
        }
    }

    /// <summary>The vertical pass: weighted sum of the window's filtered rows, rounded to bytes; Vector&lt;byte&gt;.Count bytes at a time.</summary>
    private static void BlendRows(ReadOnlySpan<byte> ring, int rowBytes, int ringRows, int first, ReadOnlySpan<int> weights, Span<byte> output)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var half = new Vector<int>(TriangleFilter.Half);
            var maximum = new Vector<int>(255);
            for (; i <= rowBytes - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                Vector<int> sum0 = half, sum1 = half, sum2 = half, sum3 = half;
                for (int t = 0; t < weights.Length; t++)
                {
                    var pixels = new Vector<byte>(ring.Slice((first + t) % ringRows * rowBytes + i, Vector<byte>.Count));
                    Vector.Widen(pixels, out Vector<ushort> low, out Vector<ushort> high);
                    Vector.Widen(low, out Vector<uint> p0, out Vector<uint> p1);
                    Vector.Widen(high, out Vector<uint> p2, out Vector<uint> p3);
                    var weight = new Vector<int>(weights[t]);
                    sum0 += Vector.AsVectorInt32(p0) * weight;
                    sum1 += Vector.AsVectorInt32(p1) * weight;
                    sum2 += Vector.AsVectorInt32(p2) * weight;
                    sum3 += Vector.AsVectorInt32(p3) * weight;
                }
                // clip8: shift out the fraction, clamp to [0, 255], narrow back to bytes.
                Vector<int> r0 = Vector.Min(Vector.Max(Vector.ShiftRightArithmetic(sum0, TriangleFilter.PrecisionBits), Vector<int>.Zero), maximum);
                Vector<int> r1 = Vector.Min(Vector.Max(Vector.ShiftRightArithmetic(sum1, TriangleFilter.PrecisionBits), Vector<int>.Zero), maximum);
                Vector<int> r2 = Vector.Min(Vector.Max(Vector.ShiftRightArithmetic(sum2, TriangleFilter.PrecisionBits), Vector<int>.Zero), maximum);
                Vector<int> r3 = Vector.Min(Vector.Max(Vector.ShiftRightArithmetic(sum3, TriangleFilter.PrecisionBits), Vector<int>.Zero), maximum);
                Vector<ushort> n0 = Vector.Narrow(Vector.AsVectorUInt32(r0), Vector.AsVectorUInt32(r1));
                Vector<ushort> n1 = Vector.Narrow(Vector.AsVectorUInt32(r2), Vector.AsVectorUInt32(r3));
                Vector.Narrow(n0, n1).CopyTo(output.Slice(i));
            }
        }
        for (; i < rowBytes; i++)
        {
            int sum = TriangleFilter.Half;
            for (int t = 0; t < weights.Length; t++) sum += ring[(first + t) % ringRows * rowBytes + i] * weights[t];
            output[i] = TriangleFilter.ToByte(sum);
        }
    }
}

/// <summary>
/// Pillow's resampling windows (<c>precompute_coeffs</c>, <c>normalize_coeffs_8bpc</c>) for its bilinear filter: a
/// triangle of radius 1 stretched by the scale factor when shrinking, weights normalized to sum to one, in fixed point.
/// </summary>
internal static class TriangleFilter
{
    /// <summary>Fraction bits of the fixed-point weights: 32 − 8 (a byte) − 2 (headroom), as Pillow.</summary>
    public const int PrecisionBits = 32 - 8 - 2;

    /// <summary>The rounding term every sum starts from.</summary>
    public const int Half = 1 << (PrecisionBits - 1);

    /// <summary>Pillow's clip8: the fixed-point sum to the nearest byte, clamped.</summary>
    public static byte ToByte(int sum) => sum <= 0 ? (byte)0 : sum >= 256 << PrecisionBits ? (byte)255 : (byte)(sum >> PrecisionBits);

    /// <summary>Room for the longest window along an axis.</summary>
    public static int MaxTaps(int inLength, int outLength) => (int)Math.Ceiling(Support(inLength, outLength)) * 2 + 1;

    private static double Support(int inLength, int outLength) => Math.Max((double)inLength / outLength, 1.0);

    /// <summary>
    /// The source pixels output pixel <paramref name="output"/> blends: returns the first, sets <paramref name="count"/>,
    /// and writes the fixed-point weights into <paramref name="weights"/>[0..count).
    /// </summary>
    public static int Window(int output, int inLength, int outLength, Span<int> weights, out int count)
    {
        double scale = (double)inLength / outLength;
        double support = Support(inLength, outLength);
        double inverseSupport = 1.0 / support;
        double center = (output + 0.5) * scale;
        int first = Math.Max((int)(center - support + 0.5), 0);
        int end = Math.Min((int)(center + support + 0.5), inLength);
        count = end - first;
        double total = 0;
        for (int i = 0; i < count; i++) total += Triangle((first + i - center + 0.5) * inverseSupport);
        for (int i = 0; i < count; i++)
        {
            double weight = Triangle((first + i - center + 0.5) * inverseSupport);
            if (total != 0) weight /= total;
            weights[i] = (int)(0.5 + weight * (1 << PrecisionBits)); // the triangle is never negative
        }
        return first;
    }

    private static double Triangle(double x)
    {
        x = Math.Abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
    }
}
