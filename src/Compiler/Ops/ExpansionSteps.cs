using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Onnx;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// Builds the nodes an <see cref="IExpandingOperator"/> becomes: ordinary operators named after the node and
    /// attributed to it in the generated code's comments, whose output shapes are known here before they are inferred
    /// (so a reshape to the shape a tensor already has is left out). The last step writes the node's output.
    /// </summary>
    internal sealed class ExpansionSteps
    {
        private readonly Node _node;
        private readonly List<Node> _steps = new List<Node>();
        private readonly Dictionary<Tensor, int[]> _shapes = new Dictionary<Tensor, int[]>();

        public ExpansionSteps(Node node) => _node = node;

        /// <summary>A node input's inferred shape, or the shape a step here will give its output.</summary>
        public int[] ShapeOf(Tensor x) => _shapes.TryGetValue(x, out var shape) ? shape : x.Shape;

        public Tensor Add(string opType, Tensor[] inputs, int[] shape, params OnnxAttribute[] attributes)
        {
            var step = new Node($"{_node.Name}_{opType.ToLowerInvariant()}{_steps.Count}", opType, OperatorRegistry.Find(opType)!, new Attributes(attributes));
            step.SourceNames.Clear();
            step.SourceNames.Add(_node.Name);
            foreach (var input in inputs)
            {
                step.Inputs.Add(input);
                input.Consumers.Add(step);
            }
            var output = new Tensor($"{_node.Outputs[0].Name}_{_steps.Count}", ElementType.Float32, new int[0]) { Producer = step };
            step.Outputs.Add(output);
            _steps.Add(step);
            _shapes[output] = shape;
            return output;
        }

        public Tensor Reshape(Tensor x, int[] shape)
        {
            if (ShapeOf(x).SequenceEqual(shape)) return x;
            return Add("Reshape", new[] { x, IntConstant("shape", shape.Select(d => (long)d).ToArray()) }, shape);
        }

        public Tensor IntConstant(string what, long[] values) =>
            new Tensor($"{_node.Name}_{what}{_steps.Count}", ElementType.Int64, new[] { values.Length })
            {
                Constant = ConstantTensor.FromInts(new[] { values.Length }, values),
            };

        public Tensor FloatConstant(string what, ConstantTensor value) =>
            new Tensor($"{_node.Name}_{what}{_steps.Count}", ElementType.Float32, value.Shape) { Constant = value };

        /// <summary>The steps, the last one writing the node's output (an Identity when no step was needed).</summary>
        public IReadOnlyList<Node> Finish(Tensor result)
        {
            var output = _node.Outputs[0];
            if (_steps.Count == 0 || result.Producer != _steps[_steps.Count - 1])
                result = Add("Identity", new[] { result }, ShapeOf(result));
            var last = _steps[_steps.Count - 1];
            last.Outputs[0] = output;
            output.Producer = last;
            return _steps;
        }
    }
}
