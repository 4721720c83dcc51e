using System;
using MobileViT.Compiler.Diagnostics;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Onnx;

namespace MobileViT.Compiler.Import
{
    /// <summary>Turns a TensorProto into a compile-time constant, remembering where float data sits in the file.</summary>
    public sealed class TensorDecoder
    {
        private readonly byte[] _file;
        private readonly string _fileName;
        private readonly long _maxElements;
        private readonly ExternalDataStore _externalData;

        public TensorDecoder(byte[] file, string fileName, long maxElements, ExternalDataStore? externalData = null)
        {
            _file = file;
            _fileName = fileName;
            _maxElements = maxElements;
            _externalData = externalData ?? new ExternalDataStore(null, fileName);
        }

        public ConstantTensor Decode(OnnxTensor tensor)
        {
            if (tensor.HasSegment) throw Malformed(tensor, "segmented tensors are not supported");
            var shape = new int[tensor.Dims.Count];
            long count = 1;
            for (int i = 0; i < shape.Length; i++)
            {
                long d = tensor.Dims[i];
                if (d < 0 || d > int.MaxValue) throw Malformed(tensor, $"dimension {d} is invalid");
                shape[i] = (int)d;
                count *= d;
                if (count > _maxElements)
                    throw new CompileError(DiagnosticCatalog.ResourceLimit.Create(_fileName, $"tensor '{tensor.Name}' declares more than {_maxElements} elements (item metadata MaxTensorMegabytes raises the limit)"));
            }
            var type = TensorTypes.ToElementType(tensor.DataType);
            if (type == null)
                throw new CompileError(DiagnosticCatalog.UnsupportedDataType.Create(_fileName, tensor.Name, tensor.DataType.ToString()));
            int n = (int)count;
            if (tensor.IsExternal || tensor.ExternalLocation.Length > 0) return DecodeExternal(tensor, shape, n, type.Value);
            if (type == ElementType.Float32) return DecodeFloats(tensor, shape, n);
            return ConstantTensor.FromInts(shape, DecodeInts(tensor, n), type.Value);
        }

        /// <summary>Data in a file beside the model: the same little-endian layout as raw_data.</summary>
        private ConstantTensor DecodeExternal(OnnxTensor tensor, int[] shape, int n, ElementType type)
        {
            if (tensor.ExternalLocation.Length == 0)
                throw Malformed(tensor, "its data is marked external but has no location");
            int width = type == ElementType.Float32 ? FloatWidth(tensor.DataType) : Width(tensor.DataType);
            var data = _externalData.Read(tensor, (long)n * width, out string location, out long fileOffset);
            if (type == ElementType.Float32)
            {
                var values = new float[n];
                for (int i = 0; i < n; i++) values[i] = ReadFloat(data, tensor.DataType, i * width);
                return ConstantTensor.FromFloats(shape, values, new InitializerWeight(location, fileOffset, n, tensor.DataType));
            }
            var ints = new long[n];
            for (int i = 0; i < n; i++) ints[i] = ReadInt(data, tensor.DataType, i * width);
            return ConstantTensor.FromInts(shape, ints, type);
        }

        private static int FloatWidth(OnnxDataType type) => type == OnnxDataType.Double ? 8 : type == OnnxDataType.Float ? 4 : 2;

        private ConstantTensor DecodeFloats(OnnxTensor tensor, int[] shape, int n)
        {
            var values = new float[n];
            if (tensor.HasRawData)
            {
                int width = FloatWidth(tensor.DataType);
                CheckLength(tensor, (long)n * width, tensor.RawDataLength);
                for (int i = 0; i < n; i++) values[i] = ReadFloat(_file, tensor.DataType, tensor.RawDataOffset + i * width);
                return ConstantTensor.FromFloats(shape, values, new InitializerWeight("", tensor.RawDataOffset, n, tensor.DataType));
            }
            if (tensor.DataType == OnnxDataType.Double)
            {
                CheckLength(tensor, n, tensor.DoubleData.Count);
                for (int i = 0; i < n; i++) values[i] = (float)tensor.DoubleData[i];
                return ConstantTensor.FromFloats(shape, values);
            }
            if (tensor.DataType == OnnxDataType.Float)
            {
                CheckLength(tensor, n, tensor.FloatData.Count);
                tensor.FloatData.CopyTo(values);
                WeightSource? source = tensor.PackedFloatDataOffset >= 0 ? new InitializerWeight("", tensor.PackedFloatDataOffset, n, OnnxDataType.Float) : null;
                return ConstantTensor.FromFloats(shape, values, source);
            }
            // float16 and bfloat16 in int32_data: one value in the low 16 bits of each element.
            CheckLength(tensor, n, tensor.Int32Data.Count);
            for (int i = 0; i < n; i++) values[i] = HalfToFloat(tensor.DataType, (ushort)tensor.Int32Data[i]);
            return ConstantTensor.FromFloats(shape, values);
        }

        private long[] DecodeInts(OnnxTensor tensor, int n)
        {
            var values = new long[n];
            if (tensor.HasRawData)
            {
                int width = Width(tensor.DataType);
                CheckLength(tensor, (long)n * width, tensor.RawDataLength);
                for (int i = 0; i < n; i++) values[i] = ReadInt(_file, tensor.DataType, tensor.RawDataOffset + i * width);
                return values;
            }
            switch (tensor.DataType)
            {
                case OnnxDataType.Int64:
                    CheckLength(tensor, n, tensor.Int64Data.Count);
                    tensor.Int64Data.CopyTo(values);
                    break;
                case OnnxDataType.UInt32:
                case OnnxDataType.UInt64:
                    CheckLength(tensor, n, tensor.UInt64Data.Count);
                    for (int i = 0; i < n; i++) values[i] = (long)tensor.UInt64Data[i];
                    break;
                default:
                    CheckLength(tensor, n, tensor.Int32Data.Count);
                    for (int i = 0; i < n; i++) values[i] = tensor.Int32Data[i];
                    break;
            }
            return values;
        }

        private static int Width(OnnxDataType type)
        {
            switch (type)
            {
                case OnnxDataType.Int8: case OnnxDataType.UInt8: case OnnxDataType.Bool: return 1;
                case OnnxDataType.Int16: case OnnxDataType.UInt16: return 2;
                case OnnxDataType.Int32: case OnnxDataType.UInt32: return 4;
                default: return 8;
            }
        }

        private static long ReadInt(byte[] data, OnnxDataType type, int offset)
        {
            switch (type)
            {
                case OnnxDataType.Int8: return (sbyte)data[offset];
                case OnnxDataType.UInt8: case OnnxDataType.Bool: return data[offset];
                case OnnxDataType.Int16: return (short)(data[offset] | data[offset + 1] << 8);
                case OnnxDataType.UInt16: return (ushort)(data[offset] | data[offset + 1] << 8);
                case OnnxDataType.Int32: return ReadInt32(data, offset);
                case OnnxDataType.UInt32: return (uint)ReadInt32(data, offset);
                default: return (long)((ulong)(uint)ReadInt32(data, offset) | (ulong)(uint)ReadInt32(data, offset + 4) << 32);
            }
        }

        private static int ReadInt32(byte[] data, int offset) => data[offset] | data[offset + 1] << 8 | data[offset + 2] << 16 | data[offset + 3] << 24;

        private static float ReadFloat(byte[] data, OnnxDataType type, int offset)
        {
            switch (type)
            {
                case OnnxDataType.Float:
                    return BitConverter.IsLittleEndian ? BitConverter.ToSingle(data, offset) : BitConverter.ToSingle(BitConverter.GetBytes(ReadInt32(data, offset)), 0);
                case OnnxDataType.Double:
                    long bits = (long)((ulong)(uint)ReadInt32(data, offset) | (ulong)(uint)ReadInt32(data, offset + 4) << 32);
                    return (float)BitConverter.Int64BitsToDouble(bits);
                default:
                    return HalfToFloat(type, (ushort)(data[offset] | data[offset + 1] << 8));
            }
        }

        /// <summary>IEEE half or bfloat16 bits to float.</summary>
        public static float HalfToFloat(OnnxDataType type, ushort bits)
        {
            if (type == OnnxDataType.BFloat16) return BitConverter.ToSingle(BitConverter.GetBytes(bits << 16), 0);
            int sign = bits >> 15, exponent = (bits >> 10) & 0x1f, mantissa = bits & 0x3ff;
            double value = exponent == 0 ? mantissa * Math.Pow(2, -24)
                : exponent == 31 ? (mantissa == 0 ? double.PositiveInfinity : double.NaN)
                : (1 + mantissa / 1024.0) * Math.Pow(2, exponent - 15);
            return (float)(sign == 1 ? -value : value);
        }

        private void CheckLength(OnnxTensor tensor, long expected, long actual)
        {
            if (expected != actual)
                throw Malformed(tensor, $"its data holds {actual} {(tensor.HasRawData ? "bytes" : "values")} but its shape needs {expected}");
        }

        private CompileError Malformed(OnnxTensor tensor, string message) =>
            new CompileError(DiagnosticCatalog.MalformedModel.Create(_fileName, $"tensor '{tensor.Name}': {message}"));
    }
}
