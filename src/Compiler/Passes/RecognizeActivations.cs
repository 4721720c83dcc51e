using System;
using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;

namespace MobileViT.Compiler.Passes
{
    /// <summary>
    /// Activations exporters spell out as several nodes become one, so they can fuse into the producing kernel:
    /// Mul(x, Sigmoid(x)) → SiLU, Mul(x, HardSigmoid(x, 1/6, 1/2)) → HardSwish, and the erf GELU
    /// 0.5·x·(1 + Erf(x/√2)) in any order of its two multiplications → Gelu, Swish with alpha 1 (opset 24) → SiLU, and
    /// Relu followed by Clip (PyTorch's F.relu6 exports as Relu, Clip(max 6)) → one Clip from max(min, 0).
    /// </summary>
    public static class RecognizeActivations
    {
        private static readonly SiLU SiLUOperator = new SiLU();
        private static readonly HardSwish HardSwishOperator = new HardSwish();
        private static readonly Gelu GeluOperator = new Gelu();
        private static readonly Clip ClipOperator = new Clip();

        public static void Run(Graph graph)
        {
            foreach (var node in graph.Nodes.ToArray())
            {
                if (!graph.Contains(node)) continue;
                if (node.Op is Mul) TryGating(graph, node);
                else if (node.Op is Erf) TryGelu(graph, node);
                else if (node.Op is Clip clip) TryReluClip(graph, node, clip);
                else if (node.Op is Swish swish && swish.Alpha(node) == 1f && node.Inputs[0] != null)
                    Replace(graph, new[] { node }, SiLUOperator, node.Inputs[0]!, node.Outputs[0]);
            }
        }

        /// <summary>Mul(x, gate(x)) where gate is Sigmoid or HardSigmoid(1/6, 1/2).</summary>
        private static void TryGating(Graph graph, Node mul)
        {
            for (int side = 0; side < 2; side++)
            {
                var gateOutput = mul.Inputs[side];
                var x = mul.Inputs[1 - side];
                var gate = gateOutput?.Producer;
                if (gate == null || x == null || gate.Inputs[0] != x || !GraphRewriter.HasSingleUse(gateOutput!)) continue;
                if (!ShapeMath.SameShape(x.Shape, mul.Outputs[0].Shape)) continue;
                OperatorDefinition? replacement = null;
                if (gate.Op is Sigmoid) replacement = SiLUOperator;
                else if (gate.Op is HardSigmoid hard && Near(hard.Alpha(gate), 1.0 / 6) && Near(hard.Beta(gate), 0.5)) replacement = HardSwishOperator;
                if (replacement == null) continue;
                Replace(graph, new[] { gate, mul }, replacement, x, mul.Outputs[0]);
                return;
            }
        }

        private static void TryGelu(Graph graph, Node erf)
        {
            var scaled = erf.Inputs[0];
            var scale = scaled?.Producer;
            if (scale == null || !GraphRewriter.HasSingleUse(scaled!)) return;
            Tensor? x = null;
            if (scale.Op is Div && Near(GraphRewriter.Scalar(scale.Inputs[1]), Math.Sqrt(2))) x = scale.Inputs[0];
            else if (scale.Op is Mul)
                for (int side = 0; side < 2; side++)
                    if (Near(GraphRewriter.Scalar(scale.Inputs[1 - side]), Math.Sqrt(0.5))) x = scale.Inputs[side];
            if (x == null) return;
            var addOne = GraphRewriter.SoleConsumer(erf.Outputs[0]);
            if (addOne == null || !(addOne.Op is Add) || !Near(GraphRewriter.Scalar(Other(addOne, erf.Outputs[0])), 1)) return;
            // The remaining factors x and 0.5, multiplied in either order.
            var first = GraphRewriter.SoleConsumer(addOne.Outputs[0]);
            if (first == null || !(first.Op is Mul)) return;
            var second = GraphRewriter.SoleConsumer(first.Outputs[0]);
            if (second == null || !(second.Op is Mul)) return;
            var factors = new List<Tensor?> { Other(first, addOne.Outputs[0]), Other(second, first.Outputs[0]) };
            if (!(factors.Contains(x) && factors.Any(f => f != x && Near(GraphRewriter.Scalar(f), 0.5)))) return;
            if (!ShapeMath.SameShape(x.Shape, second.Outputs[0].Shape)) return;
            Replace(graph, new[] { scale, erf, addOne, first, second }, GeluOperator, x, second.Outputs[0]);
        }

        /// <summary>Clip(Relu(x), min, max) = Clip(x, max(min, 0), max); NaN stays NaN either way.</summary>
        private static void TryReluClip(Graph graph, Node clip, Clip op)
        {
            var rectified = clip.Inputs[0];
            var relu = rectified?.Producer;
            if (relu == null || !(relu.Op is Relu) || relu.Inputs[0] == null || !GraphRewriter.HasSingleUse(rectified!)) return;
            float min = op.Alpha(clip), max = op.Beta(clip);
            if (float.IsNaN(min) || float.IsNaN(max) || max < 0f) return;
            var bounds = new Attributes(new[]
            {
                new Onnx.OnnxAttribute { Name = "min", Float = Math.Max(min, 0f) },
                new Onnx.OnnxAttribute { Name = "max", Float = max },
            });
            var node = GraphRewriter.NewNode(relu.Name, ClipOperator, bounds);
            node.SourceNames.Add(clip.Name);
            GraphRewriter.Connect(node, relu.Inputs[0]);
            node.Outputs.Add(clip.Outputs[0]);
            clip.Outputs[0].Producer = node;
            graph.Replace(relu, node);
            graph.Remove(clip);
        }

        private static Tensor? Other(Node binary, Tensor known) =>
            binary.Inputs[0] == known ? binary.Inputs[1] : binary.Inputs[1] == known ? binary.Inputs[0] : null;

        private static bool Near(double? value, double expected) => value.HasValue && Math.Abs(value.Value - expected) <= 1e-4 * Math.Max(1, Math.Abs(expected));

        private static void Replace(Graph graph, Node[] removed, OperatorDefinition op, Tensor x, Tensor output)
        {
            var node = GraphRewriter.NewNode(removed[0].Name, op, Attributes.Empty);
            foreach (var old in removed.Skip(1)) node.SourceNames.Add(old.Name);
            GraphRewriter.Connect(node, x);
            node.Outputs.Add(output);
            output.Producer = node;
            graph.Replace(removed[0], node);
            foreach (var old in removed) graph.Remove(old);
        }
    }
}
