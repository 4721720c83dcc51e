using System.IO.Compression;

namespace FashionMnistSample;

/// <summary>Fashion-MNIST images (28x28 bytes, 0 = background) and their labels, read from IDX files.</summary>
internal sealed class FashionMnistData
{
    public const int Width = 28, Height = 28, ImageBytes = Width * Height;

    /// <summary>Where Debian's dataset-fashion-mnist package installs the IDX files.</summary>
    public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    public static readonly string[] ClassNames =
    {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    };

    private FashionMnistData(byte[] images, byte[] labels, string source)
    {
        Images = images;
        Labels = labels;
        Source = source;
    }

    public byte[] Images { get; }
    public byte[] Labels { get; }
    public string Source { get; }
    public int Count => Labels.Length;

    public ReadOnlySpan<byte> Image(int index) => Images.AsSpan(index * ImageBytes, ImageBytes);

    /// <summary>The 300 test images that ship with this sample (Data/, see Data/NOTICE).</summary>
    public static FashionMnistData LoadBundled()
    {
        FashionMnistData data = Load(Path.Combine(AppContext.BaseDirectory, "Data"), "t10k-300");
        return new FashionMnistData(data.Images, data.Labels, "Data/ (the first 300 of the Fashion-MNIST test set)");
    }

    /// <summary>The 10,000-image test set: <paramref name="directory"/>/t10k-{images-idx3,labels-idx1}-ubyte[.gz].</summary>
    public static FashionMnistData LoadTestSet(string directory) => Load(directory, "t10k");

    private static FashionMnistData Load(string directory, string prefix)
    {
        string imagesPath = FindFile(directory, $"{prefix}-images-idx3-ubyte");
        string labelsPath = FindFile(directory, $"{prefix}-labels-idx1-ubyte");
        byte[] images = ReadIdx(imagesPath, expectedRank: 3, out int[] imageShape);
        byte[] labels = ReadIdx(labelsPath, expectedRank: 1, out int[] labelShape);
        if (imageShape[1] != Height || imageShape[2] != Width) throw new InvalidDataException($"{imagesPath}: expected 28x28 images, got {imageShape[1]}x{imageShape[2]}.");
        if (imageShape[0] != labelShape[0]) throw new InvalidDataException($"{imagesPath} has {imageShape[0]} images but {labelsPath} has {labelShape[0]} labels.");
        if (labels.Any(label => label >= ClassNames.Length)) throw new InvalidDataException($"{labelsPath}: a label is not 0-9.");
        return new FashionMnistData(images, labels, imagesPath);
    }

    private static string FindFile(string directory, string name)
    {
        foreach (string candidate in new[] { Path.Combine(directory, name + ".gz"), Path.Combine(directory, name) })
            if (File.Exists(candidate)) return candidate;
        throw new FileNotFoundException($"{name}.gz not found in {directory}.");
    }

    /// <summary>
    /// IDX: two zero bytes, the element type (0x08 = unsigned byte), the rank, one big-endian int32 per dimension,
    /// then the elements in row-major order. Gzipped files (.gz) are decompressed on the fly.
    /// </summary>
    private static byte[] ReadIdx(string path, int expectedRank, out int[] shape)
    {
        using Stream file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        Span<byte> magic = stackalloc byte[4];
        stream.ReadExactly(magic);
        if (magic[0] != 0 || magic[1] != 0 || magic[2] != 0x08 || magic[3] != expectedRank)
            throw new InvalidDataException($"{path}: not an IDX file of unsigned bytes with {expectedRank} dimensions.");
        shape = new int[expectedRank];
        long length = 1;
        Span<byte> dimension = stackalloc byte[4];
        for (int i = 0; i < expectedRank; i++)
        {
            stream.ReadExactly(dimension);
            shape[i] = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(dimension);
            length *= shape[i];
        }
        var data = new byte[length];
        stream.ReadExactly(data);
        return data;
    }
}
