using System;
using System.Collections.Generic;
using Google.Protobuf;
using MobileViT.Compiler.Onnx;

namespace MobileViT.Tooling;

/// <summary>A TensorProto read from a .pb file: name, dimensions, element type and, for float32, the values.</summary>
public sealed class StoredTensor
{
    public StoredTensor(string name, long[] dims, OnnxDataType dataType, float[]? floats)
    {
        Name = name;
        Dims = dims;
        DataType = dataType;
        Floats = floats;
    }

    public string Name { get; }

    public long[] Dims { get; }

    public OnnxDataType DataType { get; }

    /// <summary>The values when <see cref="DataType"/> is float32; null for every other type.</summary>
    public float[]? Floats { get; }
}

/// <summary>
/// Decodes a serialized ONNX TensorProto (the input_N.pb / output_N.pb files of the ONNX backend tests). Only float32
/// values are decoded, from raw_data or float_data: run-time tensors of compiled models are float32.
/// </summary>
public static class TensorProtoReader
{
    private const int DimsField = 1, DataTypeField = 2, FloatDataField = 4, NameField = 8, RawDataField = 9;

    /// <exception cref="InvalidDataException">The bytes are not a TensorProto, or its data does not match its shape.</exception>
    public static StoredTensor Read(byte[] bytes)
    {
        var dims = new List<long>();
        var floatData = new List<float>();
        var dataType = OnnxDataType.Undefined;
        string name = "";
        ByteString? raw = null;
        try
        {
            var input = new CodedInputStream(bytes);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                int field = (int)(tag >> 3), wireType = (int)(tag & 7);
                switch (field)
                {
                    case DimsField when wireType == 2: ReadPacked(input, packed => dims.Add(packed.ReadInt64())); break;
                    case DimsField when wireType == 0: dims.Add(input.ReadInt64()); break;
                    case DataTypeField when wireType == 0: dataType = (OnnxDataType)input.ReadInt32(); break;
                    case FloatDataField when wireType == 2: ReadPacked(input, packed => floatData.Add(packed.ReadFloat())); break;
                    case FloatDataField when wireType == 5: floatData.Add(input.ReadFloat()); break;
                    case NameField when wireType == 2: name = input.ReadString(); break;
                    case RawDataField when wireType == 2: raw = input.ReadBytes(); break;
                    default: input.SkipLastField(); break;
                }
            }
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new System.IO.InvalidDataException("not a TensorProto: " + ex.Message);
        }

        long count = 1;
        foreach (var d in dims) count *= d;
        if (dataType != OnnxDataType.Float) return new StoredTensor(name, dims.ToArray(), dataType, null);
        float[] values;
        if (raw != null)
        {
            if (raw.Length != count * 4) throw new System.IO.InvalidDataException($"tensor '{name}': raw_data has {raw.Length} bytes for {count} floats");
            values = new float[count];
            var span = raw.Span;
            for (int i = 0; i < values.Length; i++) values[i] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(span.Slice(i * 4, 4));
        }
        else
        {
            if (floatData.Count != count) throw new System.IO.InvalidDataException($"tensor '{name}': float_data has {floatData.Count} values for {count}");
            values = floatData.ToArray();
        }
        return new StoredTensor(name, dims.ToArray(), dataType, values);
    }

    private static void ReadPacked(CodedInputStream input, Action<CodedInputStream> readOne)
    {
        var packed = new CodedInputStream(input.ReadBytes().ToByteArray());
        while (!packed.IsAtEnd) readOne(packed);
    }
}
