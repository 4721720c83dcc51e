using System.IO.Compression;
using MobileViT.Runtime;
using Xunit;

namespace MobileViT.Models.Tests;

/// <summary>The Fashion-MNIST MobileViT (trained weights): the compiled model predicts exactly PyTorch's classes.</summary>
public sealed class TrainedModelTests
{
    private static byte[] ReadGzip(string path)
    {
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    [Fact]
    public void BundledTestImagesGetPyTorchsPredictions()
    {
        var data = Path.Combine(RepositoryPaths.Root, "samples", "FashionMnist", "Data");
        var images = ReadGzip(Path.Combine(data, "t10k-300-images-idx3-ubyte.gz")).AsSpan(16); // IDX header: 16 bytes
        var labels = ReadGzip(Path.Combine(data, "t10k-300-labels-idx1-ubyte.gz")).AsSpan(8);  // IDX header: 8 bytes
        var pytorch = File.ReadAllBytes(Path.Combine(RepositoryPaths.Models, "fashion_mnist", "pytorch_predictions.bin"));
        const int count = 300, pixels = 28 * 28;
        Assert.Equal(count * pixels, images.Length);

        var input = new float[FashionMnistMobileViT.InputLength];
        var logits = new float[FashionMnistMobileViT.OutputLength];
        int agree = 0, correct = 0;
        for (int i = 0; i < count; i++)
        {
            // Training-set mean and standard deviation, as models/fashion_mnist/train.py normalizes.
            ImageNormalization.InterleavedToPlanar(images.Slice(i * pixels, pixels), 28, 28, 1, new[] { 0.2860f }, new[] { 0.3530f }, input);
            FashionMnistMobileViT.Run(input, logits);
            int predicted = Array.IndexOf(logits, logits.Max());
            if (predicted == pytorch[i]) agree++;
            if (predicted == labels[i]) correct++;
        }
        Assert.Equal(count, agree);
        Assert.True(correct >= 0.85 * count, $"{correct} of {count} correct");
    }
}
