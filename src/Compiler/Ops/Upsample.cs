using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// ONNX Upsample (opsets 7 to 9; deprecated at 10 for Resize): the scales as an attribute (7) or a constant input
    /// (9), run as Resize-10 runs it.
    /// </summary>
    public sealed class Upsample : OperatorDefinition
    {
        public override string OpType => "Upsample";

        public override string Notes => "opsets 7 to 9; 4-D, spatial axes only; nearest/linear; scales must fold to constants";

        public override void Infer(Node node, InferenceContext context)
        {
            if (context.Opset >= 10)
                throw context.Unsupported(node, $"Upsample at opset {context.Opset}: it is deprecated from opset 10 (use Resize)");
            var x = RequireInput(node, 0, context);
            ConstantTensor scales;
            if (node.Input(1) != null) scales = RequireConstant(node, 1, context, "scales");
            else
            {
                var attribute = node.Attributes.GetFloats("scales") ?? throw context.ShapeError(node, "scales are missing");
                scales = ConstantTensor.FromFloats(new[] { attribute.Length }, attribute);
            }
            for (int i = 0; i < scales.Length; i++)
                if (!(scales[i] >= 1)) throw context.ShapeError(node, $"scale {scales[i]} on axis {i}: Upsample's scales are at least 1");
            Resize.PlanLegacy(node, context, x, node.Attributes.GetString("mode", "nearest"), scales);
        }

        public override void Emit(Node node, EmitContext context) => Resize.EmitPlan(node, context);
    }
}
