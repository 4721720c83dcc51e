using System;

namespace MobileViT.Runtime.Tests.Imaging;

/// <summary>Plain loops written from the definitions, in double where it matters: what the imaging helpers must equal.</summary>
internal static class ImagingReference
{
    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>planar[c, y, x] = (pixel / 255 − mean[c]) / std[c] in float, pixel read at row stride <paramref name="rowStride"/>.</summary>
    public static float[] Normalize(byte[] pixels, int width, int height, int channels, int rowStride, float[] mean, float[] std)
    {
        var planar = new float[channels * height * width];
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    planar[(c * height + y) * width + x] = (pixels[y * rowStride + x * channels + c] / 255f - mean[c]) / std[c];
        return planar;
    }

    public static byte[] CenterCrop(byte[] image, int width, int height, int channels, int cropWidth, int cropHeight)
    {
        int left = (int)Math.Round((width - cropWidth) / 2.0), top = (int)Math.Round((height - cropHeight) / 2.0);
        var crop = new byte[cropWidth * cropHeight * channels];
        for (int y = 0; y < cropHeight; y++)
            for (int x = 0; x < cropWidth; x++)
                for (int c = 0; c < channels; c++)
                    crop[(y * cropWidth + x) * channels + c] = image[((top + y) * width + left + x) * channels + c];
        return crop;
    }

    /// <summary>
    /// Pillow's bilinear resampling (Resample.c) transcribed plainly: per axis, triangle weights of radius max(scale, 1)
    /// around each output pixel's center, normalized, in 22-bit fixed point; a full horizontal pass into a byte image,
    /// then a vertical pass, each sum rounded and clamped to a byte.
    /// </summary>
    public static byte[] ResizePillow(byte[] source, int width, int height, int channels, int outWidth, int outHeight)
    {
        const int precision = 22;
        static byte Clip(long sum) => (byte)Math.Clamp(sum >> precision, 0, 255);
        static int[] Fixed(double[] weights) => Array.ConvertAll(weights, w => (int)(0.5 + w * (1 << precision)));

        var horizontal = new byte[height * outWidth * channels];
        for (int x = 0; x < outWidth; x++)
        {
            int[] k = Fixed(Window(x, width, outWidth, out int first));
            for (int y = 0; y < height; y++)
                for (int c = 0; c < channels; c++)
                {
                    long sum = 1 << (precision - 1);
                    for (int t = 0; t < k.Length; t++) sum += (long)k[t] * source[(y * width + first + t) * channels + c];
                    horizontal[(y * outWidth + x) * channels + c] = Clip(sum);
                }
        }
        var output = new byte[outHeight * outWidth * channels];
        for (int y = 0; y < outHeight; y++)
        {
            int[] k = Fixed(Window(y, height, outHeight, out int first));
            for (int i = 0; i < outWidth * channels; i++)
            {
                long sum = 1 << (precision - 1);
                for (int t = 0; t < k.Length; t++) sum += (long)k[t] * horizontal[(first + t) * outWidth * channels + i];
                output[y * outWidth * channels + i] = Clip(sum);
            }
        }
        return output;
    }

    /// <summary>The same filter as one exact 2-D sum in double, rounded once: Pillow's result is within a level of it.</summary>
    public static byte[] ResizeExact(byte[] source, int width, int height, int channels, int outWidth, int outHeight)
    {
        var output = new byte[outWidth * outHeight * channels];
        for (int y = 0; y < outHeight; y++)
        {
            double[] wy = Window(y, height, outHeight, out int firstY);
            for (int x = 0; x < outWidth; x++)
            {
                double[] wx = Window(x, width, outWidth, out int firstX);
                for (int c = 0; c < channels; c++)
                {
                    double sum = 0;
                    for (int i = 0; i < wy.Length; i++)
                        for (int j = 0; j < wx.Length; j++)
                            sum += wy[i] * wx[j] * source[((firstY + i) * width + firstX + j) * channels + c];
                    output[(y * outWidth + x) * channels + c] = (byte)Math.Clamp(Math.Floor(sum + 0.5), 0, 255);
                }
            }
        }
        return output;
    }

    /// <summary>Normalized triangle weights of the source pixels an output pixel blends, and the first one's index.</summary>
    private static double[] Window(int output, int inLength, int outLength, out int first)
    {
        double scale = (double)inLength / outLength, radius = Math.Max(scale, 1.0);
        double center = (output + 0.5) * scale; // in source pixel units, pixel i covering [i, i + 1)
        first = Math.Max((int)Math.Floor(center - radius + 0.5), 0);
        int end = Math.Min((int)Math.Floor(center + radius + 0.5), inLength);
        var weights = new double[end - first];
        double total = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            double distance = Math.Abs(first + i + 0.5 - center) / radius;
            weights[i] = Math.Max(0, 1 - distance);
            total += weights[i];
        }
        for (int i = 0; i < weights.Length; i++) weights[i] /= total;
        return weights;
    }
}
