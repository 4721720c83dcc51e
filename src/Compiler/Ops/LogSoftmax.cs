using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX LogSoftmax, with Softmax's axis rules (one axis from opset 13; coerced to 2-D at axis before).</summary>
    public sealed class LogSoftmax : OperatorDefinition
    {
        public override string OpType => "LogSoftmax";

        public override void Infer(Node node, InferenceContext context) => Softmax.InferAxis(node, context);

        public override void Emit(Node node, EmitContext context)
        {
            var p = (int[])node.Lowering!;
            context.Body.Line($"{EmitContext.Runtime}LogSoftmaxF32.Run({context.Read(node.Inputs[0]!)}, {context.Write(node.Outputs[0])}, {p[0]}, {p[1]}, {p[2]});");
        }
    }
}
