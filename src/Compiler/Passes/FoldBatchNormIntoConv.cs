using System.Linq;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;

namespace MobileViT.Compiler.Passes
{
    /// <summary>
    /// Conv → BatchNormalization becomes one Conv: W'[m] = W[m]·scale[m], b' = b·scale + shift. The scaled weights are
    /// recomputed once at start-up from the embedded originals (WeightMath.ScaleRows), never written into source.
    /// </summary>
    public static class FoldBatchNormIntoConv
    {
        public static void Run(Graph graph)
        {
            foreach (var bn in graph.Nodes.ToArray())
            {
                if (!graph.Contains(bn)) continue;
                if (!(bn.Op is BatchNormalization)) continue;
                var conv = bn.Inputs[0]?.Producer;
                if (conv == null || !(conv.Op is Conv) || !GraphRewriter.HasSingleUse(conv.Outputs[0]) || !conv.Activation.IsNone || conv.Residual != null) continue;
                var (scale, shift) = BatchNormalization.ScaleAndShift(bn);
                var weight = conv.Inputs[1]!.Constant!;
                int outChannels = weight.Shape[0];
                int perChannel = weight.Length / outChannels;
                var scaledWeights = new float[weight.Length];
                var sourceWeights = weight.AsFloats();
                for (int m = 0; m < outChannels; m++)
                    for (int j = 0; j < perChannel; j++)
                        scaledWeights[m * perChannel + j] = sourceWeights[m * perChannel + j] * scale.Floats![m];
                var bias = conv.Input(2)?.Constant;
                var newBias = new float[outChannels];
                for (int m = 0; m < outChannels; m++)
                    newBias[m] = (float)((bias != null ? bias[m] : 0.0) * scale.Floats![m] + shift.Floats![m]);

                var foldedWeight = ConstantTensor.FromFloats(weight.Shape, scaledWeights, new ComputedWeight("ScaleRows", new[] { weight, scale }, new int[0][]));
                ReplaceInput(conv, 1, new Tensor(conv.Inputs[1]!.Name + "_bn_folded", ElementType.Float32, weight.Shape) { Constant = foldedWeight });
                var biasTensor = new Tensor(conv.Name + "_bn_bias", ElementType.Float32, new[] { outChannels }) { Constant = ConstantTensor.FromFloats(new[] { outChannels }, newBias) };
                if (conv.Inputs.Count < 3) conv.Inputs.Add(null);
                ReplaceInput(conv, 2, biasTensor);
                GraphRewriter.Absorb(graph, conv, bn);
            }
        }

        private static void ReplaceInput(Node node, int index, Tensor replacement)
        {
            node.Inputs[index]?.Consumers.Remove(node);
            node.Inputs[index] = replacement;
            replacement.Consumers.Add(node);
        }
    }
}
