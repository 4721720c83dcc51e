using System;
using System.Collections.Generic;
using System.IO;
using Google.Protobuf;

namespace MobileViT.Compiler.Tests.TestModels
{
    /// <summary>
    /// Builds small ONNX models in protobuf wire format for tests (field numbers from onnx.proto), so compiler tests
    /// need neither model files nor an ONNX library.
    /// </summary>
    internal sealed class OnnxBuilder
    {
        private readonly List<byte[]> _nodes = new List<byte[]>();
        private readonly List<byte[]> _initializers = new List<byte[]>();
        private readonly List<byte[]> _inputs = new List<byte[]>();
        private readonly List<byte[]> _outputs = new List<byte[]>();
        private readonly List<(string Domain, long Version)> _opsets = new List<(string, long)>();
        private readonly List<byte[]> _functions = new List<byte[]>();

        public OnnxBuilder(long opset = 17) => _opsets.Add(("", opset));

        public OnnxBuilder Opset(string domain, long version)
        {
            _opsets.Add((domain, version));
            return this;
        }

        /// <summary>A float input; a dimension given as a string is symbolic (dim_param).</summary>
        public OnnxBuilder Input(string name, params object[] dims)
        {
            _inputs.Add(ValueInfo(name, 1, dims));
            return this;
        }

        /// <summary>An input of another element type (TensorProto.DataType value, e.g. 7 for int64).</summary>
        public OnnxBuilder TypedInput(string name, int elementType, params object[] dims)
        {
            _inputs.Add(ValueInfo(name, elementType, dims));
            return this;
        }

        public OnnxBuilder Output(string name)
        {
            _outputs.Add(Message(w => w.String(1, name)));
            return this;
        }

        public OnnxBuilder Initializer(string name, long[] dims, float[] values)
        {
            _initializers.Add(FloatTensor(name, dims, values));
            return this;
        }

        public OnnxBuilder IntInitializer(string name, long[] dims, long[] values)
        {
            _initializers.Add(Message(w =>
            {
                foreach (var d in dims) w.Int64(1, d);
                w.Int64(2, 7);
                foreach (var v in values) w.Int64(7, v);
                w.String(8, name);
            }));
            return this;
        }

        /// <summary>An initializer whose data lives in an external file (data_location = EXTERNAL).</summary>
        public OnnxBuilder ExternalInitializer(string name, long[] dims, string location, string? offset = null, string? length = null)
        {
            _initializers.Add(Message(w =>
            {
                foreach (var d in dims) w.Int64(1, d);
                w.Int64(2, 1);
                w.String(8, name);
                w.Bytes(13, Message(e => { e.String(1, "location"); e.String(2, location); }));
                if (offset != null) w.Bytes(13, Message(e => { e.String(1, "offset"); e.String(2, offset); }));
                if (length != null) w.Bytes(13, Message(e => { e.String(1, "length"); e.String(2, length); }));
                w.Int64(14, 1);
            }));
            return this;
        }

        public OnnxBuilder Node(string opType, string[] inputs, string[] outputs, string? name = null, string domain = "", params Attribute[] attributes)
        {
            _nodes.Add(Message(w =>
            {
                foreach (var input in inputs) w.String(1, input);
                foreach (var output in outputs) w.String(2, output);
                w.String(3, name ?? opType + "_" + _nodes.Count);
                w.String(4, opType);
                foreach (var attribute in attributes) w.Bytes(5, attribute.Encode());
                if (domain.Length > 0) w.String(7, domain);
            }));
            return this;
        }

        public OnnxBuilder Node(string opType, string[] inputs, string[] outputs, params Attribute[] attributes) =>
            Node(opType, inputs, outputs, null, "", attributes);

        /// <summary>Changes the model's default-domain opset; functions declared before keep the one they imported.</summary>
        public OnnxBuilder DefaultOpset(long version)
        {
            _opsets[0] = ("", version);
            return this;
        }

        /// <summary>
        /// A model-local function (FunctionProto) whose nodes <paramref name="body"/> adds to a scratch builder; it
        /// imports the same opsets as the model.
        /// </summary>
        public OnnxBuilder Function(string domain, string name, string[] inputs, string[] outputs, string[] attributes,
            Action<OnnxBuilder> body, params Attribute[] defaults)
        {
            var scratch = new OnnxBuilder();
            body(scratch);
            _functions.Add(Message(w =>
            {
                w.String(1, name);
                foreach (var input in inputs) w.String(4, input);
                foreach (var output in outputs) w.String(5, output);
                foreach (var attribute in attributes) w.String(6, attribute);
                foreach (var node in scratch._nodes) w.Bytes(7, node);
                foreach (var (opsetDomain, version) in _opsets) w.Bytes(9, Message(o => { o.String(1, opsetDomain); o.Int64(2, version); }));
                w.String(10, domain);
                foreach (var value in defaults) w.Bytes(11, value.Encode());
            }));
            return this;
        }

        public byte[] Build()
        {
            var graph = Message(w =>
            {
                foreach (var node in _nodes) w.Bytes(1, node);
                w.String(2, "test");
                foreach (var initializer in _initializers) w.Bytes(5, initializer);
                foreach (var input in _inputs) w.Bytes(11, input);
                foreach (var output in _outputs) w.Bytes(12, output);
            });
            return Message(w =>
            {
                w.Int64(1, 8);
                w.String(2, "MobileViT.Compiler.Tests");
                w.Bytes(7, graph);
                foreach (var (domain, version) in _opsets) w.Bytes(8, Message(o => { o.String(1, domain); o.Int64(2, version); }));
                foreach (var function in _functions) w.Bytes(25, function);
            });
        }

        internal static byte[] FloatTensor(string name, long[] dims, float[] values) => Message(w =>
        {
            foreach (var d in dims) w.Int64(1, d);
            w.Int64(2, 1);
            w.String(8, name);
            var raw = new byte[values.Length * 4];
            Buffer.BlockCopy(values, 0, raw, 0, raw.Length);
            w.Bytes(9, raw);
        });

        private static byte[] ValueInfo(string name, int elementType, object[] dims)
        {
            var shape = Message(w =>
            {
                foreach (var dim in dims)
                    w.Bytes(1, Message(d => { if (dim is string param) d.String(2, param); else d.Int64(1, Convert.ToInt64(dim)); }));
            });
            var tensorType = Message(w => { w.Int64(1, elementType); w.Bytes(2, shape); });
            return Message(w => { w.String(1, name); w.Bytes(2, Message(t => t.Bytes(1, tensorType))); });
        }

        internal static byte[] Message(Action<Writer> write)
        {
            using var buffer = new MemoryStream();
            var output = new CodedOutputStream(buffer);
            write(new Writer(output));
            output.Flush();
            return buffer.ToArray();
        }

        internal readonly struct Writer
        {
            private readonly CodedOutputStream _output;

            public Writer(CodedOutputStream output) => _output = output;

            public void String(int field, string value) { _output.WriteTag(field, WireFormat.WireType.LengthDelimited); _output.WriteString(value); }

            public void Bytes(int field, byte[] value) { _output.WriteTag(field, WireFormat.WireType.LengthDelimited); _output.WriteBytes(ByteString.CopyFrom(value)); }

            public void Int64(int field, long value) { _output.WriteTag(field, WireFormat.WireType.Varint); _output.WriteInt64(value); }

            public void Float(int field, float value) { _output.WriteTag(field, WireFormat.WireType.Fixed32); _output.WriteFloat(value); }
        }

        /// <summary>An AttributeProto.</summary>
        internal sealed class Attribute
        {
            private readonly Action<Writer> _write;

            private Attribute(Action<Writer> write) => _write = write;

            public byte[] Encode() => Message(_write);

            public static Attribute Int(string name, long value) => new Attribute(w => { w.String(1, name); w.Int64(3, value); w.Int64(20, 2); });

            public static Attribute Float(string name, float value) => new Attribute(w => { w.String(1, name); w.Float(2, value); w.Int64(20, 1); });

            public static Attribute String(string name, string value) => new Attribute(w => { w.String(1, name); w.Bytes(4, System.Text.Encoding.UTF8.GetBytes(value)); w.Int64(20, 3); });

            /// <summary>An attribute of a function's node that takes the value of the function's attribute <paramref name="reference"/> (type: AttributeProto.AttributeType).</summary>
            public static Attribute Ref(string name, string reference, int type) => new Attribute(w => { w.String(1, name); w.Int64(20, type); w.String(21, reference); });

            public static Attribute Floats(string name, params float[] values) => new Attribute(w => { w.String(1, name); foreach (var v in values) w.Float(7, v); w.Int64(20, 6); });

            public static Attribute Ints(string name, params long[] values) => new Attribute(w => { w.String(1, name); foreach (var v in values) w.Int64(8, v); w.Int64(20, 7); });

            public static Attribute Tensor(string name, long[] dims, float[] values) => new Attribute(w => { w.String(1, name); w.Bytes(5, FloatTensor("", dims, values)); w.Int64(20, 4); });
        }
    }
}
