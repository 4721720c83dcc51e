using System;
using System.Collections.Generic;
using Google.Protobuf;

namespace MobileViT.Compiler.Onnx
{
    /// <summary>
    /// Walks the fields of one protobuf message inside the model bytes with Google.Protobuf's CodedInputStream,
    /// keeping absolute byte offsets so large payloads (raw_data) can be referenced in place instead of copied.
    /// </summary>
    internal sealed class WireMessage
    {
        private readonly byte[] _buffer;
        private readonly int _start;
        private readonly CodedInputStream _input;
        private readonly long _origin;
        private readonly int _depth;

        public WireMessage(byte[] buffer, int start, int length, int depth)
        {
            if (depth > 32) throw new OnnxFormatException("messages are nested more than 32 levels deep");
            _buffer = buffer;
            _start = start;
            _depth = depth;
            _input = new CodedInputStream(buffer, start, length);
            _origin = _input.Position;
        }

        public int FieldNumber { get; private set; }
        public int WireType { get; private set; }

        /// <summary>Advances to the next field; false at the end of the message.</summary>
        public bool Next()
        {
            uint tag = _input.ReadTag();
            if (tag == 0) return false;
            FieldNumber = (int)(tag >> 3);
            WireType = (int)(tag & 7);
            if (FieldNumber == 0) throw new OnnxFormatException("field number 0");
            return true;
        }

        public long ReadInt64() => _input.ReadInt64();
        public float ReadFloat() => _input.ReadFloat();
        public double ReadDouble() => _input.ReadDouble();
        public ulong ReadUInt64() => _input.ReadUInt64();
        public string ReadString() => _input.ReadString();
        public void Skip() => _input.SkipLastField();

        /// <summary>Reads a length-delimited field and returns its payload's absolute offset and length.</summary>
        public (int Offset, int Length) ReadPayloadSpan()
        {
            if (WireType != 2) throw new OnnxFormatException($"field {FieldNumber} has wire type {WireType}, expected length-delimited");
            int before = _start + (int)(_input.Position - _origin);
            _input.SkipLastField();
            int after = _start + (int)(_input.Position - _origin);
            int prefix = 0;
            while (prefix < 10 && (_buffer[before + prefix] & 0x80) != 0) prefix++;
            prefix++;
            return (before + prefix, after - before - prefix);
        }

        public WireMessage ReadMessage()
        {
            var (offset, length) = ReadPayloadSpan();
            return new WireMessage(_buffer, offset, length, _depth + 1);
        }

        /// <summary>Repeated int64 field, packed or not.</summary>
        public void ReadInt64s(List<long> target)
        {
            if (WireType == 2)
            {
                var (offset, length) = ReadPayloadSpan();
                var packed = new CodedInputStream(_buffer, offset, length);
                while (!packed.IsAtEnd) target.Add(packed.ReadInt64());
            }
            else target.Add(_input.ReadInt64());
        }

        public void ReadInt32s(List<int> target)
        {
            if (WireType == 2)
            {
                var (offset, length) = ReadPayloadSpan();
                var packed = new CodedInputStream(_buffer, offset, length);
                while (!packed.IsAtEnd) target.Add(packed.ReadInt32());
            }
            else target.Add(_input.ReadInt32());
        }

        public void ReadUInt64s(List<ulong> target)
        {
            if (WireType == 2)
            {
                var (offset, length) = ReadPayloadSpan();
                var packed = new CodedInputStream(_buffer, offset, length);
                while (!packed.IsAtEnd) target.Add(packed.ReadUInt64());
            }
            else target.Add(_input.ReadUInt64());
        }

        /// <summary>Repeated float field; returns the payload span when packed so it can be read in place.</summary>
        public (int Offset, int Length)? ReadFloats(List<float> target)
        {
            if (WireType == 2)
            {
                var span = ReadPayloadSpan();
                if (span.Length % 4 != 0) throw new OnnxFormatException("packed float field length is not a multiple of 4");
                for (int i = 0; i < span.Length; i += 4) target.Add(BitConverter.IsLittleEndian ? BitConverter.ToSingle(_buffer, span.Offset + i) : BitConverter.ToSingle(ToLittleEndian(span.Offset + i, 4), 0));
                return span;
            }
            target.Add(_input.ReadFloat());
            return null;
        }

        public void ReadDoubles(List<double> target)
        {
            if (WireType == 2)
            {
                var (offset, length) = ReadPayloadSpan();
                if (length % 8 != 0) throw new OnnxFormatException("packed double field length is not a multiple of 8");
                for (int i = 0; i < length; i += 8) target.Add(BitConverter.IsLittleEndian ? BitConverter.ToDouble(_buffer, offset + i) : BitConverter.ToDouble(ToLittleEndian(offset + i, 8), 0));
            }
            else target.Add(_input.ReadDouble());
        }

        private byte[] ToLittleEndian(int offset, int count)
        {
            var bytes = new byte[count];
            Array.Copy(_buffer, offset, bytes, 0, count);
            if (!BitConverter.IsLittleEndian) Array.Reverse(bytes);
            return bytes;
        }
    }

    /// <summary>The model bytes do not decode as the ONNX messages the compiler reads.</summary>
    public sealed class OnnxFormatException : Exception
    {
        public OnnxFormatException(string message) : base(message) { }
    }
}
