using System.Collections.Generic;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;

namespace MobileViT.Compiler.Import
{
    /// <summary>
    /// Runs a variadic node (Sum, Mean, Max, Min of any input count) as the two-input nodes the kernels have:
    /// ((x0 op x1) op x2) ..., then × 1/count for Mean; a single input is an Identity (its mean is itself). The last
    /// node keeps the original name and output, so diagnostics and graph outputs still name what the model named.
    /// </summary>
    internal static class VariadicExpansion
    {
        /// <summary>True when the node is variadic and not already in its own two-input form.</summary>
        public static bool Applies(Node node) =>
            node.Op is IVariadicOperator variadic && !(node.Inputs.Count == 2 && variadic.StepOpType == node.OpType);

        /// <summary>Adds the steps that compute <paramref name="node"/> to the graph instead of the node itself.</summary>
        public static void AddSteps(Graph graph, Node node, InferenceContext context)
        {
            var variadic = (IVariadicOperator)node.Op;
            var inputs = new List<Tensor>();
            foreach (var input in node.Inputs)
            {
                if (input == null) throw context.ShapeError(node, "an input name is empty; every input of a variadic operator is required");
                input.Consumers.Remove(node);
                inputs.Add(input);
            }
            if (inputs.Count == 0) throw context.ShapeError(node, "it has no input; at least one is required");
            if (node.Outputs.Count != 1) throw context.ShapeError(node, $"it has {node.Outputs.Count} outputs; exactly one is expected");
            var output = node.Outputs[0];

            if (inputs.Count == 1)
            {
                graph.Add(Step(node.Name, "Identity", inputs[0], null, output));
                return;
            }
            bool scaleAfter = variadic.Averages;
            var running = inputs[0];
            for (int i = 1; i < inputs.Count; i++)
            {
                bool last = i == inputs.Count - 1 && !scaleAfter;
                var result = last ? output : new Tensor($"{output.Name}_partial{i}", ElementType.Float32, new int[0]);
                graph.Add(Step(last ? node.Name : $"{node.Name}_step{i}", variadic.StepOpType, running, inputs[i], result));
                running = result;
            }
            if (scaleAfter)
            {
                var reciprocal = new Tensor($"{output.Name}_reciprocal_count", ElementType.Float32, new int[0])
                {
                    Constant = ConstantTensor.FromFloats(new int[0], new[] { 1f / inputs.Count }),
                };
                graph.Add(Step(node.Name, "Mul", running, reciprocal, output));
            }
        }

        private static Node Step(string name, string opType, Tensor left, Tensor? right, Tensor output)
        {
            var step = new Node(name, opType, OperatorRegistry.Find(opType)!, Attributes.Empty);
            step.Inputs.Add(left);
            left.Consumers.Add(step);
            if (right != null)
            {
                step.Inputs.Add(right);
                right.Consumers.Add(step);
            }
            step.Outputs.Add(output);
            output.Producer = step;
            return step;
        }
    }
}
