using System.Collections.Generic;

namespace MobileViT.Compiler.Onnx
{
    /// <summary>The parts of an ONNX ModelProto the compiler reads. Plain data, no behaviour.</summary>
    public sealed class OnnxModel
    {
        public long IrVersion { get; set; }
        public string ProducerName { get; set; } = "";
        public List<OnnxOpsetImport> OpsetImports { get; } = new List<OnnxOpsetImport>();
        public OnnxGraph Graph { get; set; } = new OnnxGraph();

        /// <summary>Model-local functions (ModelProto.functions, IR 8+): nodes whose op_type and domain name one call it.</summary>
        public List<OnnxFunction> Functions { get; } = new List<OnnxFunction>();
    }

    /// <summary>A FunctionProto: a named subgraph with formal inputs, outputs and attributes.</summary>
    public sealed class OnnxFunction
    {
        public string Name { get; set; } = "";
        public string Domain { get; set; } = "";
        public string Overload { get; set; } = "";
        public List<string> Inputs { get; } = new List<string>();
        public List<string> Outputs { get; } = new List<string>();
        public List<string> AttributeNames { get; } = new List<string>();
        public List<OnnxAttribute> AttributeDefaults { get; } = new List<OnnxAttribute>();
        public List<OnnxNode> Nodes { get; } = new List<OnnxNode>();
        public List<OnnxOpsetImport> OpsetImports { get; } = new List<OnnxOpsetImport>();
    }

    public sealed class OnnxOpsetImport
    {
        public string Domain { get; set; } = "";
        public long Version { get; set; }
    }

    public sealed class OnnxGraph
    {
        public string Name { get; set; } = "";
        public List<OnnxNode> Nodes { get; } = new List<OnnxNode>();
        public List<OnnxTensor> Initializers { get; } = new List<OnnxTensor>();
        public List<OnnxValueInfo> Inputs { get; } = new List<OnnxValueInfo>();
        public List<OnnxValueInfo> Outputs { get; } = new List<OnnxValueInfo>();
        public List<OnnxValueInfo> ValueInfos { get; } = new List<OnnxValueInfo>();
    }

    public sealed class OnnxNode
    {
        public string Name { get; set; } = "";
        public string OpType { get; set; } = "";
        public string Domain { get; set; } = "";
        public List<string> Inputs { get; } = new List<string>();
        public List<string> Outputs { get; } = new List<string>();
        public List<OnnxAttribute> Attributes { get; } = new List<OnnxAttribute>();

        /// <summary>NodeProto.overload (IR 10): which of several same-named functions the node calls.</summary>
        public string Overload { get; set; } = "";
    }

    public enum OnnxAttributeType { Undefined = 0, Float = 1, Int = 2, String = 3, Tensor = 4, Graph = 5, Floats = 6, Ints = 7, Strings = 8, Tensors = 9, Graphs = 10 }

    public sealed class OnnxAttribute
    {
        public string Name { get; set; } = "";
        public OnnxAttributeType Type { get; set; }
        public float Float { get; set; }
        public long Int { get; set; }
        public string String { get; set; } = "";
        public OnnxTensor? Tensor { get; set; }
        public bool HasGraph { get; set; }
        public List<float> Floats { get; } = new List<float>();
        public List<long> Ints { get; } = new List<long>();
        public List<string> Strings { get; } = new List<string>();
        public string RefAttributeName { get; set; } = "";

        /// <summary>Attributes of the nodes the compiler makes itself (expanded operators, recognized patterns).</summary>
        public static OnnxAttribute Of(string name, long value) => new OnnxAttribute { Name = name, Type = OnnxAttributeType.Int, Int = value };

        public static OnnxAttribute Of(string name, float value) => new OnnxAttribute { Name = name, Type = OnnxAttributeType.Float, Float = value };

        public static OnnxAttribute Of(string name, IEnumerable<long> values)
        {
            var attribute = new OnnxAttribute { Name = name, Type = OnnxAttributeType.Ints };
            attribute.Ints.AddRange(values);
            return attribute;
        }
    }

    /// <summary>ONNX TensorProto.DataType values.</summary>
    public enum OnnxDataType
    {
        Undefined = 0, Float = 1, UInt8 = 2, Int8 = 3, UInt16 = 4, Int16 = 5, Int32 = 6, Int64 = 7, String = 8, Bool = 9,
        Float16 = 10, Double = 11, UInt32 = 12, UInt64 = 13, Complex64 = 14, Complex128 = 15, BFloat16 = 16,
    }

    /// <summary>
    /// A tensor as stored in the file. Raw bytes are not copied: <see cref="RawDataOffset"/> points into the model file,
    /// which the generated code reads in place from the embedded resource.
    /// </summary>
    public sealed class OnnxTensor
    {
        public string Name { get; set; } = "";
        public List<long> Dims { get; } = new List<long>();
        public OnnxDataType DataType { get; set; }
        public bool HasRawData { get; set; }
        public int RawDataOffset { get; set; }
        public int RawDataLength { get; set; }

        /// <summary>Offset and byte length of a packed float_data field, so it can be read in place like raw_data.</summary>
        public int PackedFloatDataOffset { get; set; } = -1;
        public int PackedFloatDataLength { get; set; }

        public List<float> FloatData { get; } = new List<float>();
        public List<int> Int32Data { get; } = new List<int>();
        public List<long> Int64Data { get; } = new List<long>();
        public List<double> DoubleData { get; } = new List<double>();
        public List<ulong> UInt64Data { get; } = new List<ulong>();
        public int StringDataCount { get; set; }
        public bool IsExternal { get; set; }
        public string ExternalLocation { get; set; } = "";

        /// <summary>external_data "offset" and "length" as written (null when absent); checked where they are used.</summary>
        public string? ExternalOffset { get; set; }
        public string? ExternalLength { get; set; }
        public bool HasSegment { get; set; }
    }

    public sealed class OnnxValueInfo
    {
        public string Name { get; set; } = "";
        public OnnxDataType ElementType { get; set; }
        public bool HasShape { get; set; }

        /// <summary>Each dimension: a value, or a symbolic name (Param), or neither (unknown).</summary>
        public List<OnnxDimension> Dims { get; } = new List<OnnxDimension>();
    }

    public sealed class OnnxDimension
    {
        public long? Value { get; set; }
        public string? Param { get; set; }
    }
}
