using System.Linq;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// One ONNX operator, in the onnx2c spirit: its file reads the attributes, infers the output shapes (folding the
    /// node to a constant when every input is one) and emits the C# that runs it.
    /// </summary>
    public abstract class OperatorDefinition
    {
        public abstract string OpType { get; }

        /// <summary>One line for docs/operators.md: attribute limits and notes.</summary>
        public virtual string Notes => "";

        /// <summary>The output is the input's memory seen with another shape (Reshape, Squeeze, ...): no code, no copy.</summary>
        public virtual bool IsAlias => false;

        /// <summary>Checks attributes, sets output shapes and types, and folds constants.</summary>
        public abstract void Infer(Node node, InferenceContext context);

        /// <summary>Writes the C# for one run-time step.</summary>
        public abstract void Emit(Node node, EmitContext context);

        protected static bool AllInputsConstant(Node node) => node.Inputs.All(i => i == null || i.IsConstant);

        protected static Tensor RequireInput(Node node, int index, InferenceContext context)
        {
            var input = node.Input(index);
            if (input == null) throw context.ShapeError(node, $"input {index} is required");
            return input;
        }

        protected static ConstantTensor RequireConstant(Node node, int index, InferenceContext context, string what)
        {
            var input = RequireInput(node, index, context);
            if (input.Constant == null)
                throw context.Unsupported(node, $"{what} (input {index}, '{input.Name}') must be a compile-time constant");
            return input.Constant;
        }

        protected static void SetOutput(Node node, int index, int[] shape, ElementType type)
        {
            node.Outputs[index].Shape = shape;
            node.Outputs[index].Type = type;
        }

        protected static void SetConstantOutput(Node node, int index, ConstantTensor value)
        {
            node.Outputs[index].Shape = value.Shape;
            node.Outputs[index].Type = value.Type;
            node.Outputs[index].Constant = value;
        }
    }
}
