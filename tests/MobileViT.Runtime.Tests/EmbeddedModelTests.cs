using System;
using System.IO;
using System.Runtime.InteropServices;
using Xunit;

namespace MobileViT.Runtime.Tests;

/// <summary>
/// Reading weights from the embedded model: the in-place view that packing reads must hold exactly the values the
/// copying reader returns, at the odd byte offsets real .onnx files put tensors at, from both kinds of stream, and
/// must refuse a range past the end instead of reading beyond it.
/// </summary>
public unsafe class EmbeddedModelTests
{
    private static byte[] FileWithFloatsAt(int offset, float[] values)
    {
        var bytes = new byte[offset + values.Length * 4 + 5];
        new Random(7).NextBytes(bytes);
        MemoryMarshal.AsBytes(values.AsSpan()).CopyTo(bytes.AsSpan(offset));
        return bytes;
    }

    [Theory]
    [InlineData(true, 0)]
    [InlineData(true, 3)]    // unaligned: protobuf puts raw_data wherever the preceding fields end
    [InlineData(false, 3)]
    [InlineData(false, 16)]
    public void ViewFloat32_HoldsTheValuesReadFloat32Copies(bool mapped, int offset)
    {
        float[] values = TestData.Random(37, seed: offset + 1);
        byte[] file = FileWithFloatsAt(offset, values);
        fixed (byte* pointer = file)
        {
            Stream stream = mapped ? new UnmanagedMemoryStream(pointer, file.Length) : new MemoryStream(file);
            using var model = EmbeddedModel.FromStream(stream);
            float[] copied = model.ReadFloat32(offset, values.Length);
            ReadOnlySpan<float> viewed = model.ViewFloat32(offset, values.Length);
            Assert.Equal(values, copied);
            Assert.Equal(values, viewed.ToArray());
            Assert.Equal(values, WeightMath.ScaleRows(viewed, new float[] { 1f }));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ViewFloat32_RefusesARangePastTheEnd(bool mapped)
    {
        byte[] file = FileWithFloatsAt(2, TestData.Random(8, seed: 3));
        fixed (byte* pointer = file)
        {
            Stream stream = mapped ? new UnmanagedMemoryStream(pointer, file.Length) : new MemoryStream(file);
            using var model = EmbeddedModel.FromStream(stream);
            var error = Assert.Throws<InvalidDataException>(() => model.ViewFloat32(file.Length - 8, 3).ToArray());
            Assert.Contains("shorter than expected", error.Message);
            Assert.Throws<InvalidDataException>(() => model.ViewFloat32(-4, 1).ToArray());
        }
    }
}
