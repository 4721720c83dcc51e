namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// An ONNX operator taking one or more inputs (Sum, Mean, Max, Min). The importer runs it as a chain of two-input
    /// <see cref="StepOpType"/> nodes (Import/VariadicExpansion), so fusions see ordinary Adds, Maxes and Mins.
    /// </summary>
    public interface IVariadicOperator
    {
        /// <summary>The two-input operator that combines the running result with the next input.</summary>
        string StepOpType { get; }

        /// <summary>True when the combined result is divided by the input count (Mean).</summary>
        bool Averages { get; }
    }

    /// <summary>A variadic operator with no two-input form of its own: every node is expanded at import.</summary>
    public abstract class ExpandedVariadicOperator : OperatorDefinition, IVariadicOperator
    {
        public abstract string StepOpType { get; }

        public abstract bool Averages { get; }

        public override void Infer(Ir.Node node, InferenceContext context) =>
            throw new System.InvalidOperationException($"{OpType} nodes are expanded into {StepOpType} steps at import and never inferred.");

        public override void Emit(Ir.Node node, Emit.EmitContext context) =>
            throw new System.InvalidOperationException($"{OpType} nodes are expanded into {StepOpType} steps at import and never emitted.");
    }
}
