using System;
using System.Collections.Generic;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Mish (opset 18): x · tanh(softplus(x)), run as those three steps.</summary>
    public sealed class Mish : OperatorDefinition, IExpandingOperator
    {
        public override string OpType => "Mish";

        public override string Notes => "runs as Softplus, Tanh and Mul steps";

        public override void Infer(Node node, InferenceContext context)
        {
            var x = RequireInput(node, 0, context);
            if (x.Type != ElementType.Float32) throw context.Unsupported(node, "inputs other than float32");
            SetOutput(node, 0, x.Shape, ElementType.Float32);
        }

        public override void Emit(Node node, EmitContext context) =>
            throw new InvalidOperationException("Mish runs as the steps Expand makes; it is never emitted itself");

        public IReadOnlyList<Node> Expand(Node node, InferenceContext context)
        {
            var x = node.Inputs[0]!;
            x.Consumers.Remove(node);
            var steps = new ExpansionSteps(node);
            var softplus = steps.Add("Softplus", new[] { x }, x.Shape);
            var tanh = steps.Add("Tanh", new[] { softplus }, x.Shape);
            return steps.Finish(steps.Add("Mul", new[] { x, tanh }, x.Shape));
        }
    }
}
