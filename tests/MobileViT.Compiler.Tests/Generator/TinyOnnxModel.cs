using System.IO;
using Google.Protobuf;

namespace MobileViT.Compiler.Tests.Generator
{
    /// <summary>
    /// Writes the smallest useful ONNX model, Y = Add(X, X) on a float [1,3,4,4] input, straight in protobuf wire
    /// format, so the generator tests do not depend on model files or on an ONNX library.
    /// </summary>
    internal static class TinyOnnxModel
    {
        public static byte[] AddSelf()
        {
            var node = Message(w =>
            {
                w.String(1, "X"); w.String(1, "X"); // input
                w.String(2, "Y");                   // output
                w.String(3, "add_0");               // name
                w.String(4, "Add");                 // op_type
            });
            var graph = Message(w =>
            {
                w.Bytes(1, node);                       // node
                w.String(2, "tiny");                    // name
                w.Bytes(11, FloatTensorInfo("X"));      // input
                w.Bytes(12, FloatTensorInfo("Y"));      // output
            });
            var opset = Message(w => { w.String(1, ""); w.Int64(2, 17); });
            return Message(w =>
            {
                w.Int64(1, 8);                          // ir_version
                w.String(2, "MobileViT.Compiler.Tests"); // producer_name
                w.Bytes(7, graph);                      // graph
                w.Bytes(8, opset);                      // opset_import
            });
        }

        private static byte[] FloatTensorInfo(string name)
        {
            var shape = Message(w =>
            {
                foreach (long size in new long[] { 1, 3, 4, 4 })
                    w.Bytes(1, Message(d => d.Int64(1, size))); // dim { dim_value }
            });
            var tensorType = Message(w => { w.Int32(1, 1); w.Bytes(2, shape); }); // elem_type FLOAT, shape
            var type = Message(w => w.Bytes(1, tensorType));                       // tensor_type
            return Message(w => { w.String(1, name); w.Bytes(2, type); });        // ValueInfoProto
        }

        private static byte[] Message(System.Action<Writer> write)
        {
            using var buffer = new MemoryStream();
            var output = new CodedOutputStream(buffer);
            write(new Writer(output));
            output.Flush();
            return buffer.ToArray();
        }

        private readonly struct Writer
        {
            private readonly CodedOutputStream _output;

            public Writer(CodedOutputStream output) => _output = output;

            public void String(int field, string value) { _output.WriteTag(field, WireFormat.WireType.LengthDelimited); _output.WriteString(value); }

            public void Bytes(int field, byte[] value) { _output.WriteTag(field, WireFormat.WireType.LengthDelimited); _output.WriteBytes(ByteString.CopyFrom(value)); }

            public void Int64(int field, long value) { _output.WriteTag(field, WireFormat.WireType.Varint); _output.WriteInt64(value); }

            public void Int32(int field, int value) { _output.WriteTag(field, WireFormat.WireType.Varint); _output.WriteInt32(value); }
        }
    }
}
