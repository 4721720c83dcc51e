using System.Linq;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;

namespace MobileViT.Compiler.Passes
{
    /// <summary>
    /// A BatchNormalization or element-wise activation after the Interleave of a strided ConvTranspose runs on each of
    /// its phases instead (the Interleave only moves elements, so the order does not change a value), where
    /// FoldBatchNormIntoConv and FuseActivation then fold it into the phase convolutions: the decoder's
    /// ConvTranspose → BatchNorm → ReLU costs its convolutions and one copy, not two more passes over the upsampled tensor.
    /// </summary>
    public static class RunChannelStepsBeforeInterleave
    {
        public static void Run(Graph graph)
        {
            var context = GraphRewriter.InferenceContextFor(graph);
            foreach (var interleave in graph.Nodes.ToArray())
            {
                if (!graph.Contains(interleave) || !(interleave.Op is Interleave)) continue;
                while (GraphRewriter.SoleConsumer(interleave.Outputs[0]) is Node step && MovesThrough(step) && !interleave.Outputs[0].IsGraphOutput)
                {
                    for (int p = 0; p < interleave.Inputs.Count; p++)
                    {
                        var phase = interleave.Inputs[p]!;
                        var copy = new Node($"{step.Name}_phase{p}", step.OpType, step.Op, step.Attributes);
                        copy.SourceNames.Clear();
                        copy.SourceNames.AddRange(step.SourceNames);
                        var result = new Tensor($"{phase.Name}_{step.OpType}", ElementType.Float32, phase.Shape) { Producer = copy };
                        GraphRewriter.Connect(copy, new[] { phase }.Concat(step.Inputs.Skip(1)).ToArray());
                        copy.Outputs.Add(result);
                        step.Op.Infer(copy, context);
                        phase.Consumers.Remove(interleave);
                        interleave.Inputs[p] = result;
                        result.Consumers.Add(interleave);
                        graph.InsertBefore(interleave, copy);
                    }
                    // The Interleave now produces the step's output; the step's names stay with the phase copies.
                    var moved = interleave.Outputs[0];
                    graph.Remove(step);
                    interleave.Outputs[0] = step.Outputs[0];
                    step.Outputs[0].Producer = interleave;
                    moved.Producer = null;
                }
            }
        }

        /// <summary>Steps that treat every element alike (Clip only with constant bounds), or every channel alike with constant parameters.</summary>
        private static bool MovesThrough(Node step) =>
            step.Op is UnaryOperator && step.Inputs.Skip(1).All(i => i == null || i.Constant != null) && step.Activation.IsNone ||
            step.Op is BatchNormalization && step.Inputs.Skip(1).All(i => i?.Constant != null) && step.Outputs.Count == 1;
    }
}
