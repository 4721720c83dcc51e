using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Google.Protobuf;

namespace MobileViT.Tooling;

/// <summary>
/// Edits a serialized ONNX ModelProto at the wire level, keeping every field it does not touch byte for byte:
/// changes the default-domain opset, turns graph inputs into initializers, fixes the shapes of graph inputs, and moves
/// initializer data into an external file. Field numbers are those of onnx.proto (ModelProto.graph = 7,
/// opset_import = 8; GraphProto.initializer = 5, input = 11; ValueInfoProto.name = 1, type = 2; TensorProto.name = 8,
/// raw_data = 9, external_data = 13, data_location = 14).
/// </summary>
public static class ModelRewriter
{
    private const int LengthDelimited = 2;

    /// <summary>Sets the version of the default-domain opset import.</summary>
    public static byte[] SetDefaultOpset(byte[] model, int version) =>
        RewriteFields(model, (field, payload, output) =>
        {
            if (field != 8) return false;
            string domain = "";
            foreach (var (f, value) in Fields(payload))
                if (f == 1) domain = Encoding.UTF8.GetString(value);
            if (domain.Length > 0 && domain != "ai.onnx") return false;
            var opset = new MemoryStream();
            WriteBytesField(opset, 1, Encoding.UTF8.GetBytes(domain));
            WriteVarintField(opset, 2, (ulong)version);
            WriteBytesField(output, 8, opset.ToArray());
            return true;
        });

    /// <summary>
    /// Replaces the named graph inputs by initializers (serialized TensorProtos, renamed to the input's name) and
    /// gives other named inputs a fixed float32 shape.
    /// </summary>
    public static byte[] Specialize(byte[] model, IReadOnlyDictionary<string, byte[]> constants, IReadOnlyDictionary<string, long[]> inputShapes) =>
        RewriteFields(model, (field, payload, output) =>
        {
            if (field != 7) return false;
            WriteBytesField(output, 7, SpecializeGraph(payload, constants, inputShapes));
            return true;
        });

    /// <summary>
    /// Saves the model as onnx.save_model(..., save_as_external_data=True, location=...) does: each initializer whose
    /// raw_data has at least <paramref name="minimumBytes"/> bytes moves to <paramref name="data"/> (at offsets aligned
    /// to <paramref name="alignment"/> bytes), replaced by external_data entries naming <paramref name="location"/>.
    /// <paramref name="locationOf"/>, when given, picks the location per tensor name instead (one file per tensor needs
    /// several data files, so then <paramref name="data"/> maps each location to its bytes).
    /// </summary>
    public static byte[] ToExternalData(byte[] model, string location, int minimumBytes, out Dictionary<string, byte[]> data, Func<string, string>? locationOf = null, int alignment = 1)
    {
        var files = new Dictionary<string, MemoryStream>(StringComparer.Ordinal);
        var result = RewriteFields(model, (field, payload, output) =>
        {
            if (field != 7) return false;
            var graph = RewriteFields(payload, (graphField, tensor, graphOutput) =>
            {
                if (graphField != 5) return false;
                string name = "";
                byte[]? raw = null;
                foreach (var (f, value) in Fields(tensor))
                {
                    if (f == 8) name = Encoding.UTF8.GetString(value);
                    if (f == 9) raw = value;
                }
                if (raw == null || raw.Length < minimumBytes) return false;
                string target = locationOf?.Invoke(name) ?? location;
                if (!files.TryGetValue(target, out var file)) files[target] = file = new MemoryStream();
                while (file.Length % alignment != 0) file.WriteByte(0);
                long offset = file.Length;
                file.Write(raw);
                var moved = RewriteFields(tensor, (tensorField, _, _) => tensorField == 9); // drop raw_data
                var withEntries = new MemoryStream();
                withEntries.Write(moved);
                WriteBytesField(withEntries, 13, Entry("location", target));
                WriteBytesField(withEntries, 13, Entry("offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                WriteBytesField(withEntries, 13, Entry("length", raw.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                WriteVarintField(withEntries, 14, 1); // data_location = EXTERNAL
                WriteBytesField(graphOutput, 5, withEntries.ToArray());
                return true;
            });
            WriteBytesField(output, 7, graph);
            return true;
        });
        data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (name, file) in files) data[name] = file.ToArray();
        return result;
    }

    private static byte[] Entry(string key, string value)
    {
        var entry = new MemoryStream();
        WriteBytesField(entry, 1, Encoding.UTF8.GetBytes(key));
        WriteBytesField(entry, 2, Encoding.UTF8.GetBytes(value));
        return entry.ToArray();
    }

    private static byte[] SpecializeGraph(byte[] graph, IReadOnlyDictionary<string, byte[]> constants, IReadOnlyDictionary<string, long[]> inputShapes)
    {
        var result = RewriteFields(graph, (field, payload, output) =>
        {
            if (field != 11) return false;
            string name = ValueInfoName(payload);
            if (constants.ContainsKey(name)) return true; // dropped: it becomes an initializer below
            if (!inputShapes.TryGetValue(name, out var dims)) return false;
            WriteBytesField(output, 11, FloatValueInfo(name, dims));
            return true;
        });
        var withInitializers = new MemoryStream();
        withInitializers.Write(result);
        foreach (var (name, tensor) in constants)
        {
            var renamed = new MemoryStream();
            renamed.Write(tensor);
            WriteBytesField(renamed, 8, Encoding.UTF8.GetBytes(name)); // the last occurrence of a scalar field wins
            WriteBytesField(withInitializers, 5, renamed.ToArray());
        }
        return withInitializers.ToArray();
    }

    private static string ValueInfoName(byte[] valueInfo)
    {
        foreach (var (field, value) in Fields(valueInfo))
            if (field == 1) return Encoding.UTF8.GetString(value);
        return "";
    }

    private static byte[] FloatValueInfo(string name, long[] dims)
    {
        var shape = new MemoryStream();
        foreach (var d in dims)
        {
            var dimension = new MemoryStream();
            WriteVarintField(dimension, 1, (ulong)d);
            WriteBytesField(shape, 1, dimension.ToArray());
        }
        var tensorType = new MemoryStream();
        WriteVarintField(tensorType, 1, 1); // elem_type FLOAT
        WriteBytesField(tensorType, 2, shape.ToArray());
        var type = new MemoryStream();
        WriteBytesField(type, 1, tensorType.ToArray());
        var info = new MemoryStream();
        WriteBytesField(info, 1, Encoding.UTF8.GetBytes(name));
        WriteBytesField(info, 2, type.ToArray());
        return info.ToArray();
    }

    /// <summary>
    /// Copies a message field by field; for each length-delimited field the callback may write a replacement (or
    /// nothing, to drop it) and return true, or return false to keep the original bytes.
    /// </summary>
    private static byte[] RewriteFields(byte[] message, Func<int, byte[], MemoryStream, bool> replace)
    {
        var output = new MemoryStream(message.Length + 64);
        var input = new CodedInputStream(message);
        long fieldStart = input.Position;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            int field = (int)(tag >> 3);
            bool replaced = false;
            if ((tag & 7) == LengthDelimited)
            {
                var payload = input.ReadBytes().ToByteArray();
                replaced = replace(field, payload, output);
            }
            else input.SkipLastField();
            long fieldEnd = input.Position;
            if (!replaced) output.Write(message, (int)fieldStart, (int)(fieldEnd - fieldStart));
            fieldStart = fieldEnd;
        }
        return output.ToArray();
    }

    /// <summary>The length-delimited fields of a message (other wire types are skipped).</summary>
    private static IEnumerable<(int Field, byte[] Value)> Fields(byte[] message)
    {
        var input = new CodedInputStream(message);
        var fields = new List<(int, byte[])>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if ((tag & 7) == LengthDelimited) fields.Add(((int)(tag >> 3), input.ReadBytes().ToByteArray()));
            else input.SkipLastField();
        }
        return fields;
    }

    private static void WriteBytesField(Stream output, int field, byte[] value)
    {
        WriteVarint(output, (ulong)(field << 3 | LengthDelimited));
        WriteVarint(output, (ulong)value.Length);
        output.Write(value);
    }

    private static void WriteVarintField(Stream output, int field, ulong value)
    {
        WriteVarint(output, (ulong)(field << 3));
        WriteVarint(output, value);
    }

    private static void WriteVarint(Stream output, ulong value)
    {
        while (value >= 0x80)
        {
            output.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        output.WriteByte((byte)value);
    }
}
