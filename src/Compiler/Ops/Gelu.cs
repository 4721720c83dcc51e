using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Gelu (opset 20): approximate="none" (erf form) or "tanh".</summary>
    public sealed class Gelu : UnaryOperator
    {
        public override string OpType => "Gelu";

        public override string Kind => "GeluErf";

        public override string Notes => "approximate none or tanh";

        public override string? ActivationKind => "GeluErf";

        public static bool IsTanh(Node node) => node.Attributes.GetString("approximate", "none") == "tanh";

        public override void Infer(Node node, InferenceContext context)
        {
            var approximate = node.Attributes.GetString("approximate", "none");
            if (approximate != "none" && approximate != "tanh")
                throw context.Unsupported(node, $"approximate='{approximate}' is not one of none, tanh");
            base.Infer(node, context);
        }

        public override void Emit(Node node, EmitContext context)
        {
            var kind = IsTanh(node) ? "GeluTanh" : "GeluErf";
            context.Body.Line($"{EmitContext.Runtime}UnaryF32.Run({EmitContext.Runtime}UnaryKind.{kind}, {context.Read(node.Inputs[0]!)}, {context.Write(node.Outputs[0])});");
        }
    }
}
