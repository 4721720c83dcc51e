using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Dropout at inference: the identity. The optional mask output is not supported.</summary>
    public sealed class Dropout : AliasOperator
    {
        public override string OpType => "Dropout";

        public override string Notes => "inference only (identity); mask output unsupported";

        protected override int[] OutputShape(Node node, Tensor input, InferenceContext context)
        {
            if (node.Outputs.Count > 1 && (node.Outputs[1].Consumers.Count > 0 || node.Outputs[1].IsGraphOutput))
                throw context.Unsupported(node, "the mask output is used");
            var training = node.Input(2);
            if (training?.Constant != null && training.Constant.Length > 0 && training.Constant[0] != 0)
                throw context.Unsupported(node, "training_mode is true");
            return input.Shape;
        }
    }
}
