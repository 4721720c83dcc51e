using System;
using Google.Protobuf;

namespace MobileViT.Compiler.Onnx
{
    /// <summary>
    /// Decodes the subset of onnx.proto the compiler needs (field numbers from the ONNX IR spec) straight from the
    /// wire format. Unknown fields are skipped, so newer exporters' additions do not break reading.
    /// </summary>
    public static class OnnxReader
    {
        /// <exception cref="OnnxFormatException">The bytes are not a decodable ModelProto.</exception>
        public static OnnxModel Read(byte[] bytes)
        {
            try
            {
                return ReadModel(new WireMessage(bytes, 0, bytes.Length, 0));
            }
            catch (InvalidProtocolBufferException ex)
            {
                throw new OnnxFormatException(ex.Message);
            }
            catch (IndexOutOfRangeException)
            {
                throw new OnnxFormatException("a field runs past the end of the file");
            }
            catch (ArgumentException ex)
            {
                throw new OnnxFormatException(ex.Message);
            }
        }

        private static OnnxModel ReadModel(WireMessage m)
        {
            var model = new OnnxModel();
            bool sawGraph = false;
            while (m.Next())
            {
                switch (m.FieldNumber)
                {
                    case 1 when m.WireType == 0: model.IrVersion = m.ReadInt64(); break;
                    case 2 when m.WireType == 2: model.ProducerName = m.ReadString(); break;
                    case 7 when m.WireType == 2: model.Graph = ReadGraph(m.ReadMessage()); sawGraph = true; break;
                    case 8 when m.WireType == 2: model.OpsetImports.Add(ReadOpset(m.ReadMessage())); break;
                    case 25 when m.WireType == 2: model.Functions.Add(ReadFunction(m.ReadMessage())); break;
                    default: m.Skip(); break;
                }
            }
            if (!sawGraph) throw new OnnxFormatException("the model has no graph");
            return model;
        }

        private static OnnxOpsetImport ReadOpset(WireMessage m)
        {
            var opset = new OnnxOpsetImport();
            while (m.Next())
            {
                if (m.FieldNumber == 1 && m.WireType == 2) opset.Domain = m.ReadString();
                else if (m.FieldNumber == 2 && m.WireType == 0) opset.Version = m.ReadInt64();
                else m.Skip();
            }
            return opset;
        }

        private static OnnxFunction ReadFunction(WireMessage m)
        {
            var function = new OnnxFunction();
            while (m.Next())
            {
                switch (m.FieldNumber)
                {
                    case 1 when m.WireType == 2: function.Name = m.ReadString(); break;
                    case 4 when m.WireType == 2: function.Inputs.Add(m.ReadString()); break;
                    case 5 when m.WireType == 2: function.Outputs.Add(m.ReadString()); break;
                    case 6 when m.WireType == 2: function.AttributeNames.Add(m.ReadString()); break;
                    case 7 when m.WireType == 2: function.Nodes.Add(ReadNode(m.ReadMessage())); break;
                    case 9 when m.WireType == 2: function.OpsetImports.Add(ReadOpset(m.ReadMessage())); break;
                    case 10 when m.WireType == 2: function.Domain = m.ReadString(); break;
                    case 11 when m.WireType == 2: function.AttributeDefaults.Add(ReadAttribute(m.ReadMessage())); break;
                    case 13 when m.WireType == 2: function.Overload = m.ReadString(); break;
                    default: m.Skip(); break;
                }
            }
            return function;
        }

        private static OnnxGraph ReadGraph(WireMessage m)
        {
            var graph = new OnnxGraph();
            while (m.Next())
            {
                switch (m.FieldNumber)
                {
                    case 1 when m.WireType == 2: graph.Nodes.Add(ReadNode(m.ReadMessage())); break;
                    case 2 when m.WireType == 2: graph.Name = m.ReadString(); break;
                    case 5 when m.WireType == 2: graph.Initializers.Add(ReadTensor(m.ReadMessage())); break;
                    case 11 when m.WireType == 2: graph.Inputs.Add(ReadValueInfo(m.ReadMessage())); break;
                    case 12 when m.WireType == 2: graph.Outputs.Add(ReadValueInfo(m.ReadMessage())); break;
                    case 13 when m.WireType == 2: graph.ValueInfos.Add(ReadValueInfo(m.ReadMessage())); break;
                    default: m.Skip(); break;
                }
            }
            return graph;
        }

        private static OnnxNode ReadNode(WireMessage m)
        {
            var node = new OnnxNode();
            while (m.Next())
            {
                switch (m.FieldNumber)
                {
                    case 1 when m.WireType == 2: node.Inputs.Add(m.ReadString()); break;
                    case 2 when m.WireType == 2: node.Outputs.Add(m.ReadString()); break;
                    case 3 when m.WireType == 2: node.Name = m.ReadString(); break;
                    case 4 when m.WireType == 2: node.OpType = m.ReadString(); break;
                    case 5 when m.WireType == 2: node.Attributes.Add(ReadAttribute(m.ReadMessage())); break;
                    case 7 when m.WireType == 2: node.Domain = m.ReadString(); break;
                    case 8 when m.WireType == 2: node.Overload = m.ReadString(); break;
                    default: m.Skip(); break;
                }
            }
            return node;
        }

        private static OnnxAttribute ReadAttribute(WireMessage m)
        {
            var attribute = new OnnxAttribute();
            while (m.Next())
            {
                switch (m.FieldNumber)
                {
                    case 1 when m.WireType == 2: attribute.Name = m.ReadString(); break;
                    case 2 when m.WireType == 5: attribute.Float = m.ReadFloat(); break;
                    case 3 when m.WireType == 0: attribute.Int = m.ReadInt64(); break;
                    case 4 when m.WireType == 2: attribute.String = m.ReadString(); break;
                    case 5 when m.WireType == 2: attribute.Tensor = ReadTensor(m.ReadMessage()); break;
                    case 6 when m.WireType == 2: attribute.HasGraph = true; m.Skip(); break;
                    case 7: m.ReadFloats(attribute.Floats); break;
                    case 8: m.ReadInt64s(attribute.Ints); break;
                    case 9 when m.WireType == 2: attribute.Strings.Add(m.ReadString()); break;
                    case 20 when m.WireType == 0: attribute.Type = (OnnxAttributeType)m.ReadInt64(); break;
                    case 21 when m.WireType == 2: attribute.RefAttributeName = m.ReadString(); break;
                    default: m.Skip(); break;
                }
            }
            return attribute;
        }

        private static OnnxTensor ReadTensor(WireMessage m)
        {
            var tensor = new OnnxTensor();
            while (m.Next())
            {
                switch (m.FieldNumber)
                {
                    case 1: m.ReadInt64s(tensor.Dims); break;
                    case 2 when m.WireType == 0: tensor.DataType = (OnnxDataType)m.ReadInt64(); break;
                    case 3: tensor.HasSegment = true; m.Skip(); break;
                    case 4:
                        var packed = m.ReadFloats(tensor.FloatData);
                        if (packed.HasValue && tensor.PackedFloatDataOffset < 0 && tensor.FloatData.Count * 4 == packed.Value.Length)
                        {
                            tensor.PackedFloatDataOffset = packed.Value.Offset;
                            tensor.PackedFloatDataLength = packed.Value.Length;
                        }
                        else
                        {
                            tensor.PackedFloatDataOffset = -2; // split over several fields: not readable in place
                        }
                        break;
                    case 5: m.ReadInt32s(tensor.Int32Data); break;
                    case 6 when m.WireType == 2: tensor.StringDataCount++; m.Skip(); break;
                    case 7: m.ReadInt64s(tensor.Int64Data); break;
                    case 8 when m.WireType == 2: tensor.Name = m.ReadString(); break;
                    case 9 when m.WireType == 2:
                        var (offset, length) = m.ReadPayloadSpan();
                        tensor.HasRawData = true;
                        tensor.RawDataOffset = offset;
                        tensor.RawDataLength = length;
                        break;
                    case 10: m.ReadDoubles(tensor.DoubleData); break;
                    case 11: m.ReadUInt64s(tensor.UInt64Data); break;
                    case 13 when m.WireType == 2:
                        var entry = m.ReadMessage();
                        string key = "", value = "";
                        while (entry.Next())
                        {
                            if (entry.FieldNumber == 1 && entry.WireType == 2) key = entry.ReadString();
                            else if (entry.FieldNumber == 2 && entry.WireType == 2) value = entry.ReadString();
                            else entry.Skip();
                        }
                        if (key == "location") tensor.ExternalLocation = value;
                        else if (key == "offset") tensor.ExternalOffset = value;
                        else if (key == "length") tensor.ExternalLength = value;
                        break;
                    case 14 when m.WireType == 0: tensor.IsExternal = m.ReadInt64() == 1; break;
                    default: m.Skip(); break;
                }
            }
            return tensor;
        }

        private static OnnxValueInfo ReadValueInfo(WireMessage m)
        {
            var info = new OnnxValueInfo();
            while (m.Next())
            {
                if (m.FieldNumber == 1 && m.WireType == 2) info.Name = m.ReadString();
                else if (m.FieldNumber == 2 && m.WireType == 2) ReadTypeProto(m.ReadMessage(), info);
                else m.Skip();
            }
            return info;
        }

        private static void ReadTypeProto(WireMessage m, OnnxValueInfo info)
        {
            while (m.Next())
            {
                if (m.FieldNumber == 1 && m.WireType == 2)
                {
                    var tensorType = m.ReadMessage();
                    while (tensorType.Next())
                    {
                        if (tensorType.FieldNumber == 1 && tensorType.WireType == 0) info.ElementType = (OnnxDataType)tensorType.ReadInt64();
                        else if (tensorType.FieldNumber == 2 && tensorType.WireType == 2) { info.HasShape = true; ReadShape(tensorType.ReadMessage(), info); }
                        else tensorType.Skip();
                    }
                }
                else m.Skip();
            }
        }

        private static void ReadShape(WireMessage m, OnnxValueInfo info)
        {
            while (m.Next())
            {
                if (m.FieldNumber == 1 && m.WireType == 2)
                {
                    var dimMessage = m.ReadMessage();
                    var dim = new OnnxDimension();
                    while (dimMessage.Next())
                    {
                        if (dimMessage.FieldNumber == 1 && dimMessage.WireType == 0) dim.Value = dimMessage.ReadInt64();
                        else if (dimMessage.FieldNumber == 2 && dimMessage.WireType == 2) dim.Param = dimMessage.ReadString();
                        else dimMessage.Skip();
                    }
                    info.Dims.Add(dim);
                }
                else m.Skip();
            }
        }
    }
}
