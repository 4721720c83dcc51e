using System.Runtime.InteropServices;

namespace MobileViT.Cli;

/// <summary>Raw tensors: little-endian float32, row-major, no header (the format of models/*.input.bin).</summary>
internal static class TensorFile
{
    public static float[] Read(string path, int expectedLength, string what)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UsageException($"cannot read {what} file '{path}': {ex.Message}");
        }
        if (bytes.Length != expectedLength * sizeof(float))
            throw new UsageException($"{what} file '{path}' has {bytes.Length} bytes; the model needs {expectedLength} floats ({expectedLength * sizeof(float)} bytes)");
        var values = new float[expectedLength];
        bytes.AsSpan().CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        if (!BitConverter.IsLittleEndian)
            for (int i = 0; i < values.Length; i++) values[i] = BitConverter.Int32BitsToSingle(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(BitConverter.SingleToInt32Bits(values[i])));
        return values;
    }

    /// <summary>A smooth, seeded, never-all-zero input for timing when no input file is given.</summary>
    public static float[] Synthetic(int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = MathF.Sin(i * 0.001f);
        return values;
    }
}
