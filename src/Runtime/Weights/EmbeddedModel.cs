using System;
using System.Buffers.Binary;
using System.IO;
using System.Reflection;

namespace MobileViT.Runtime;

/// <summary>
/// The .onnx file embedded in the consumer assembly. Generated code reads initializers from it in place, at byte
/// offsets the compiler computed, once, in its type initializer.
/// </summary>
public sealed unsafe class EmbeddedModel : IDisposable
{
    private readonly Stream _stream;
    private readonly byte* _pointer;
    private readonly byte[]? _bytes;
    private readonly long _length;

    private EmbeddedModel(Stream stream)
    {
        _stream = stream;
        _length = stream.Length;
        if (stream is UnmanagedMemoryStream unmanaged)
        {
            _pointer = unmanaged.PositionPointer - unmanaged.Position;
        }
        else
        {
            _bytes = new byte[stream.Length];
            stream.ReadExactly(_bytes);
        }
    }

    /// <summary>A model over any stream (tests: a memory-mapped one reads in place, any other is read into an array).</summary>
    internal static EmbeddedModel FromStream(Stream stream) => new(stream);

    /// <summary>Opens the manifest resource; throws with the resource name when the build did not embed it.</summary>
    public static EmbeddedModel Open(Assembly assembly, string resourceName)
    {
        var stream = assembly.GetManifestResourceStream(resourceName)
                     ?? throw new InvalidOperationException(
                         $"The model resource '{resourceName}' is not embedded in {assembly.GetName().Name}. " +
                         "Import MobileViT.Compiler's build/MobileViT.Compiler.targets (the NuGet package does this) so .onnx AdditionalFiles are embedded.");
        return new EmbeddedModel(stream);
    }

    private ReadOnlySpan<byte> Bytes(long offset, long count)
    {
        if (offset < 0 || count < 0 || offset + count > _length)
            throw new InvalidDataException($"The embedded model is shorter than expected (needs bytes {offset}..{offset + count}, has {_length}); rebuild the project.");
        return _bytes != null ? _bytes.AsSpan((int)offset, (int)count) : new ReadOnlySpan<byte>(_pointer + offset, (int)count);
    }

    public float[] ReadFloat32(long byteOffset, int count)
    {
        var source = Bytes(byteOffset, (long)count * 4);
        var result = new float[count];
        if (BitConverter.IsLittleEndian) source.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(result.AsSpan()));
        else for (int i = 0; i < count; i++) result[i] = BinaryPrimitives.ReadSingleLittleEndian(source.Slice(i * 4));
        return result;
    }

    /// <summary>
    /// The float32 values in place, without a copy, valid until this model is disposed: for weights that are only read
    /// to be packed, so start-up copies them once instead of twice (a copy of MobileViT-S's 22 MB is about 5,600 fresh
    /// pages to fault in). Unaligned float reads are fine on x64 and ARM64; big-endian machines get a converted copy.
    /// </summary>
    public ReadOnlySpan<float> ViewFloat32(long byteOffset, int count)
    {
        if (!BitConverter.IsLittleEndian) return ReadFloat32(byteOffset, count);
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(Bytes(byteOffset, (long)count * 4));
    }

    public float[] ReadFloat64(long byteOffset, int count)
    {
        var source = Bytes(byteOffset, (long)count * 8);
        var result = new float[count];
        for (int i = 0; i < count; i++) result[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(source.Slice(i * 8));
        return result;
    }

    public float[] ReadFloat16(long byteOffset, int count)
    {
        var source = Bytes(byteOffset, (long)count * 2);
        var result = new float[count];
        for (int i = 0; i < count; i++) result[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(source.Slice(i * 2));
        return result;
    }

    public float[] ReadBFloat16(long byteOffset, int count)
    {
        var source = Bytes(byteOffset, (long)count * 2);
        var result = new float[count];
        for (int i = 0; i < count; i++) result[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(i * 2)) << 16);
        return result;
    }

    /// <summary>Constants the compiler folded without a recipe, carried as little-endian float32 in base64.</summary>
    public static float[] FloatsFromBase64(string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        var result = new float[bytes.Length / 4];
        for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
        return result;
    }

    public void Dispose() => _stream.Dispose();
}
