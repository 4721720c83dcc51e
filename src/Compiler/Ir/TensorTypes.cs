using MobileViT.Compiler.Onnx;

namespace MobileViT.Compiler.Ir
{
    public static class TensorTypes
    {
        /// <summary>The compiler's storage for an ONNX element type; null when unsupported (strings, complex).</summary>
        public static ElementType? ToElementType(OnnxDataType type)
        {
            switch (type)
            {
                case OnnxDataType.Float:
                case OnnxDataType.Double:
                case OnnxDataType.Float16:
                case OnnxDataType.BFloat16:
                    return ElementType.Float32;
                case OnnxDataType.Int8:
                case OnnxDataType.Int16:
                case OnnxDataType.Int32:
                case OnnxDataType.Int64:
                case OnnxDataType.UInt8:
                case OnnxDataType.UInt16:
                case OnnxDataType.UInt32:
                case OnnxDataType.UInt64:
                    return ElementType.Int64;
                case OnnxDataType.Bool:
                    return ElementType.Bool;
                default:
                    return null;
            }
        }
    }
}
