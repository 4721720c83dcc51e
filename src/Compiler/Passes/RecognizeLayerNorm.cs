using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Onnx;
using MobileViT.Compiler.Ops;

namespace MobileViT.Compiler.Passes
{
    /// <summary>
    /// The opset-13 export of LayerNorm — mean = ReduceMean(x); d = x − mean; var = ReduceMean(d²); y = d / √(var + ε);
    /// then optional ·γ and +β — becomes one LayerNormalization over the last axis.
    /// </summary>
    public static class RecognizeLayerNorm
    {
        private static readonly LayerNormalization LayerNormOperator = new LayerNormalization();

        public static void Run(Graph graph)
        {
            foreach (var meanNode in graph.Nodes.ToArray())
            {
                if (graph.Contains(meanNode) && meanNode.Op is ReduceMean) TryRewrite(graph, meanNode);
            }
        }

        private static void TryRewrite(Graph graph, Node meanNode)
        {
            var x = meanNode.Inputs[0];
            if (x == null || !ReducesLastAxis(meanNode, x.Rank)) return;
            var mean = meanNode.Outputs[0];
            if (mean.IsGraphOutput || mean.Consumers.Count != 1) return;
            var sub = mean.Consumers[0];
            if (!(sub.Op is Sub) || sub.Inputs[0] != x || sub.Inputs[1] != mean) return;
            var centered = sub.Outputs[0];
            if (centered.IsGraphOutput || centered.Consumers.Count != 2) return;
            var pow = centered.Consumers.FirstOrDefault(n => n.Op is Pow || n.Op is Mul);
            var div = centered.Consumers.FirstOrDefault(n => n.Op is Div);
            if (pow == null || div == null || div.Inputs[0] != centered) return;
            bool squares = pow.Op is Pow ? pow.Inputs[0] == centered && GraphRewriter.Scalar(pow.Inputs[1]) == 2 : pow.Inputs[0] == centered && pow.Inputs[1] == centered;
            if (!squares) return;
            var varianceNode = GraphRewriter.SoleConsumer(pow.Outputs[0]);
            if (varianceNode == null || !(varianceNode.Op is ReduceMean) || !ReducesLastAxis(varianceNode, x.Rank)) return;
            var addEps = GraphRewriter.SoleConsumer(varianceNode.Outputs[0]);
            if (addEps == null || !(addEps.Op is Add)) return;
            var epsilonTensor = addEps.Inputs[0] == varianceNode.Outputs[0] ? addEps.Inputs[1] : addEps.Inputs[0];
            var epsilon = GraphRewriter.Scalar(epsilonTensor);
            if (epsilon == null) return;
            var sqrt = GraphRewriter.SoleConsumer(addEps.Outputs[0]);
            if (sqrt == null || !(sqrt.Op is Sqrt) || div.Inputs[1] != sqrt.Outputs[0] || !GraphRewriter.HasSingleUse(sqrt.Outputs[0])) return;

            int cols = x.Shape[x.Rank - 1];
            var removed = new List<Node> { meanNode, sub, pow, varianceNode, addEps, sqrt, div };
            var last = div;
            Tensor? gamma = null, beta = null;
            var mul = GraphRewriter.SoleConsumer(div.Outputs[0]);
            if (mul != null && mul.Op is Mul && OtherConstant(mul, div.Outputs[0], cols) is { } g)
            {
                gamma = g;
                removed.Add(mul);
                last = mul;
                var add = GraphRewriter.SoleConsumer(mul.Outputs[0]);
                if (add != null && add.Op is Add && OtherConstant(add, mul.Outputs[0], cols) is { } b)
                {
                    beta = b;
                    removed.Add(add);
                    last = add;
                }
            }
            if (!ShapeMath.SameShape(last.Outputs[0].Shape, x.Shape)) return;
            gamma ??= new Tensor(meanNode.Name + "_ones", ElementType.Float32, new[] { cols })
            {
                Constant = ConstantTensor.FromFloats(new[] { cols }, Enumerable.Repeat(1f, cols).ToArray()),
            };
            var attributes = new Attributes(new[]
            {
                OnnxAttribute.Of("axis", -1L),
                OnnxAttribute.Of("epsilon", (float)epsilon.Value),
            });
            var layerNorm = GraphRewriter.NewNode(meanNode.Name, LayerNormOperator, attributes);
            foreach (var node in removed.Skip(1)) layerNorm.SourceNames.Add(node.Name);
            GraphRewriter.Connect(layerNorm, x, gamma, beta);
            var output = last.Outputs[0];
            layerNorm.Outputs.Add(output);
            output.Producer = layerNorm;
            layerNorm.Lowering = new[] { (int)(x.ElementCount / cols), cols };
            graph.Replace(meanNode, layerNorm);
            foreach (var node in removed) graph.Remove(node);
        }

        private static bool ReducesLastAxis(Node reduce, int rank)
        {
            if (reduce.Attributes.GetInt("keepdims", 1) == 0) return false;
            var axes = reduce.Attributes.GetInts("axes") ?? reduce.Input(1)?.Constant?.AsInts();
            return axes != null && axes.Length == 1 && ShapeMath.NormalizeAxis(axes[0], rank) == rank - 1;
        }

        /// <summary>The operand of a binary node that is not <paramref name="data"/>, when it is a constant of <paramref name="cols"/> values along the last axis.</summary>
        private static Tensor? OtherConstant(Node node, Tensor data, int cols)
        {
            var other = node.Inputs[0] == data ? node.Inputs[1] : node.Inputs[1] == data ? node.Inputs[0] : null;
            if (other?.Constant == null || other.ElementCount != cols || other.Shape.Length == 0 || other.Shape[other.Shape.Length - 1] != cols) return null;
            return other;
        }
    }
}
