using MobileViT.Compiler.Diagnostics;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>What an operator needs while inferring shapes: the opset, and ways to fail with a diagnostic.</summary>
    public sealed class InferenceContext
    {
        private readonly System.Func<Onnx.OnnxTensor, ConstantTensor> _decodeTensor;

        public InferenceContext(string modelFileName, int opset, System.Func<Onnx.OnnxTensor, ConstantTensor> decodeTensor)
        {
            ModelFileName = modelFileName;
            Opset = opset;
            _decodeTensor = decodeTensor;
        }

        /// <summary>Decodes a TensorProto held in an attribute (Constant, ConstantOfShape).</summary>
        public ConstantTensor DecodeTensor(Onnx.OnnxTensor tensor) => _decodeTensor(tensor);

        public string ModelFileName { get; }
        public int Opset { get; }

        /// <summary>Shapes or values that do not fit together (MVC0009).</summary>
        public CompileError ShapeError(Node node, string message) =>
            new CompileError(DiagnosticCatalog.ShapeError.Create(ModelFileName, node.Name, node.OpType, message));

        /// <summary>A valid model using something the compiler does not implement (MVC0005).</summary>
        public CompileError Unsupported(Node node, string message) =>
            new CompileError(DiagnosticCatalog.UnsupportedAttribute.Create(ModelFileName, node.Name, node.OpType, message));
    }
}
