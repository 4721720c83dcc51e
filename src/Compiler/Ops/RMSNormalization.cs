using System;
using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Onnx;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// ONNX RMSNormalization (opset 23): X divided by the root mean square of its axes from <c>axis</c> on, times scale.
    /// It runs as the steps the definition spells out (X·X, ReduceMean, + epsilon, Sqrt, Div, Mul).
    /// </summary>
    public sealed class RMSNormalization : OperatorDefinition, IExpandingOperator
    {
        public override string OpType => "RMSNormalization";

        public override string Notes => "axis, epsilon; stash_type float32; runs as Mul, ReduceMean, Add, Sqrt, Div and Mul steps";

        public override void Infer(Node node, InferenceContext context)
        {
            var x = RequireInput(node, 0, context);
            var scale = RequireInput(node, 1, context);
            int axis = ShapeMath.NormalizeAxis(node.Attributes.GetInt("axis", -1), x.Rank);
            if (axis < 0) throw context.ShapeError(node, $"axis {node.Attributes.GetInt("axis", -1)} is out of range for rank {x.Rank}");
            if (node.Attributes.GetInt("stash_type", 1) != 1) throw context.Unsupported(node, "stash_type other than float32");
            if (x.Type != ElementType.Float32) throw context.Unsupported(node, "inputs other than float32");
            if (ShapeMath.Broadcast(x.Shape, scale.Shape) is not { } shape || !shape.SequenceEqual(x.Shape))
                throw context.ShapeError(node, $"scale {ShapeMath.Format(scale.Shape)} does not broadcast to X {ShapeMath.Format(x.Shape)}");
            SetOutput(node, 0, x.Shape, ElementType.Float32);
        }

        public override void Emit(Node node, EmitContext context) =>
            throw new InvalidOperationException("RMSNormalization runs as the steps Expand makes; it is never emitted itself");

        public IReadOnlyList<Node> Expand(Node node, InferenceContext context)
        {
            var x = node.Inputs[0]!;
            foreach (var input in node.Inputs) input?.Consumers.Remove(node);
            int axis = ShapeMath.NormalizeAxis(node.Attributes.GetInt("axis", -1), x.Rank);
            var axes = Enumerable.Range(axis, x.Rank - axis).Select(a => (long)a).ToArray();
            var reduced = x.Shape.Select((d, a) => a >= axis ? 1 : d).ToArray();
            var steps = new ExpansionSteps(node);
            var squares = steps.Add("Mul", new[] { x, x }, x.Shape);
            var mean = steps.Add("ReduceMean", new[] { squares, steps.IntConstant("axes", axes) }, reduced, OnnxAttribute.Of("keepdims", 1));
            var epsilon = ConstantTensor.FromFloats(new int[0], new[] { node.Attributes.GetFloat("epsilon", 1e-5f) });
            var shifted = steps.Add("Add", new[] { mean, steps.FloatConstant("epsilon", epsilon) }, reduced);
            var root = steps.Add("Sqrt", new[] { shifted }, reduced);
            var normalized = steps.Add("Div", new[] { x, root }, x.Shape);
            return steps.Finish(steps.Add("Mul", new[] { normalized, node.Inputs[1]! }, x.Shape));
        }
    }
}
