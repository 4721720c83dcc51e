using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// Operators that only relabel a tensor's shape (Reshape, Squeeze, Unsqueeze, Flatten, Identity): the output
    /// shares the input's memory, so they cost nothing at run time.
    /// </summary>
    public abstract class AliasOperator : OperatorDefinition
    {
        public override bool IsAlias => true;

        protected abstract int[] OutputShape(Node node, Tensor input, InferenceContext context);

        public override void Infer(Node node, InferenceContext context)
        {
            var x = RequireInput(node, 0, context);
            var shape = OutputShape(node, x, context);
            if (ShapeMath.Product(shape) != x.ElementCount)
                throw context.ShapeError(node, $"cannot view {ShapeMath.Format(x.Shape)} as {ShapeMath.Format(shape)}");
            if (x.Constant != null)
            {
                SetConstantOutput(node, 0, x.Constant.Reshaped(shape));
                return;
            }
            SetOutput(node, 0, shape, x.Type);
        }

        public override void Emit(Node node, EmitContext context)
        {
            // Aliases are planned onto their input's memory; a copy is needed only when the planner could not alias.
            context.Body.Line($"{context.Read(node.Inputs[0]!)}.CopyTo({context.Write(node.Outputs[0])});");
        }

        protected static long[]? AxesFromInputOrAttribute(Node node, int inputIndex, InferenceContext context)
        {
            var attribute = node.Attributes.GetInts("axes");
            if (attribute != null) return attribute;
            var input = node.Input(inputIndex);
            if (input == null) return null;
            return RequireConstant(node, inputIndex, context, "axes").AsInts();
        }
    }
}
