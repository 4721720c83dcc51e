using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Onnx;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// ONNX CastLike (opset 15): Cast to the element type of the second input, whose values are not read. Exporters
    /// that trace through functions (PyTorch's dynamo exporter, the ONNX function library) write it around constants.
    /// </summary>
    public sealed class CastLike : Cast
    {
        public override string OpType => "CastLike";

        public override string Notes => "the second input only gives the type; run time: float32 to float32 only";

        protected override OnnxDataType Target(Node node, InferenceContext context)
        {
            var like = RequireInput(node, 1, context);
            // Tensors computed by shape arithmetic carry their element type, not always the file's type name.
            if (TensorTypes.ToElementType(like.OnnxType) == like.Type) return like.OnnxType;
            return like.Type switch
            {
                ElementType.Float32 => OnnxDataType.Float,
                ElementType.Bool => OnnxDataType.Bool,
                _ => OnnxDataType.Int64,
            };
        }
    }
}
