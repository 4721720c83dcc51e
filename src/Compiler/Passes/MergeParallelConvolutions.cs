using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;

namespace MobileViT.Compiler.Passes
{
    /// <summary>
    /// Structural re-parameterization (RepViT, RepVGG): Add(Conv_a(x), Conv_b(x)) with "same"-padded odd kernels and
    /// equal strides is one convolution whose kernel is the sum of the centred kernels; a BatchNormalization of x is a
    /// per-channel 1×1 convolution and x itself the identity kernel. The multi-branch training form therefore runs
    /// exactly the code of the deployed form. Runs after BatchNorm folding and before residual fusion.
    /// </summary>
    public static class MergeParallelConvolutions
    {
        private static readonly Conv ConvOperator = new Conv();

        /// <summary>One branch as a convolution of x: weights [M, C/groups, kh, kw], bias [M].</summary>
        private sealed class Term
        {
            public Tensor Input = null!;
            public float[] Weights = null!;
            public float[] Bias = null!;
            public int OutChannels, InChannels, Groups, KernelHeight, KernelWidth, StrideHeight, StrideWidth;
            public Node? Producer;
        }

        public static void Run(Graph graph)
        {
            bool changed = true;
            while (changed)
            {
                changed = false;
                foreach (var add in graph.Nodes.ToArray())
                {
                    if (!graph.Contains(add) || !(add.Op is Add) || add.Inputs.Count != 2) continue;
                    var a = add.Inputs[0]!;
                    var b = add.Inputs[1]!;
                    if (a.IsConstant || b.IsConstant || !ShapeMath.SameShape(a.Shape, b.Shape) || a.Rank != 4) continue;
                    foreach (var input in new[] { InputOf(a), InputOf(b) }.Where(i => i != null).Distinct())
                    {
                        var first = TermOf(a, input!);
                        var second = TermOf(b, input!);
                        if (first == null || second == null || first.Producer == null && second.Producer == null) continue;
                        if (first.StrideHeight != second.StrideHeight || first.StrideWidth != second.StrideWidth || first.OutChannels != second.OutChannels) continue;
                        Merge(graph, add, first, second);
                        changed = true;
                        break;
                    }
                }
            }
        }

        /// <summary>The tensor a Conv or BatchNormalization branch reads.</summary>
        private static Tensor? InputOf(Tensor branch)
        {
            var producer = branch.Producer;
            return producer != null && (producer.Op is Conv || producer.Op is BatchNormalization) ? producer.Inputs[0] : null;
        }

        private static Term? TermOf(Tensor branch, Tensor input)
        {
            int channels = input.Shape[1];
            if (branch == input)
                return Diagonal(input, Enumerable.Repeat(1f, channels).ToArray(), new float[channels], null);
            var producer = branch.Producer;
            if (producer == null || !GraphRewriter.HasSingleUse(branch) || producer.Inputs[0] != input) return null;
            if (producer.Op is BatchNormalization)
            {
                var (scale, shift) = BatchNormalization.ScaleAndShift(producer);
                return Diagonal(input, scale.Floats!, shift.Floats!, producer);
            }
            if (!(producer.Op is Conv) || !producer.Activation.IsNone || producer.Residual != null) return null;
            var g = (SpatialGeometry)producer.Lowering!;
            bool centred = g.KernelHeight % 2 == 1 && g.KernelWidth % 2 == 1 && g.DilationHeight == 1 && g.DilationWidth == 1 &&
                           g.PadTop == g.KernelHeight / 2 && g.PadBottom == g.KernelHeight / 2 && g.PadLeft == g.KernelWidth / 2 && g.PadRight == g.KernelWidth / 2;
            if (!centred) return null;
            var weights = producer.Inputs[1]!.Constant!.AsFloats();
            var bias = producer.Input(2)?.Constant?.AsFloats() ?? new float[g.OutChannels];
            return new Term
            {
                Input = input, Weights = weights, Bias = bias, OutChannels = g.OutChannels, InChannels = g.InChannels, Groups = g.Groups,
                KernelHeight = g.KernelHeight, KernelWidth = g.KernelWidth, StrideHeight = g.StrideHeight, StrideWidth = g.StrideWidth, Producer = producer,
            };
        }

        /// <summary>y[c] = x[c]·scale[c] + shift[c] as a depthwise 1×1 convolution.</summary>
        private static Term Diagonal(Tensor input, float[] scale, float[] shift, Node? producer) => new Term
        {
            Input = input, Weights = scale, Bias = shift, OutChannels = input.Shape[1], InChannels = input.Shape[1], Groups = input.Shape[1],
            KernelHeight = 1, KernelWidth = 1, StrideHeight = 1, StrideWidth = 1, Producer = producer,
        };

        private static void Merge(Graph graph, Node add, Term first, Term second)
        {
            int m = first.OutChannels, c = first.InChannels;
            int groups = first.Groups == second.Groups ? first.Groups : 1;
            int kh = System.Math.Max(first.KernelHeight, second.KernelHeight), kw = System.Math.Max(first.KernelWidth, second.KernelWidth);
            int perGroup = c / groups;
            var weights = new float[m * perGroup * kh * kw];
            var bias = new float[m];
            foreach (var term in new[] { first, second })
            {
                int termPerGroup = c / term.Groups, outPerGroup = m / term.Groups;
                int dy = (kh - term.KernelHeight) / 2, dx = (kw - term.KernelWidth) / 2;
                for (int o = 0; o < m; o++)
                {
                    bias[o] += term.Bias[o];
                    int group = o / outPerGroup;
                    for (int i = 0; i < termPerGroup; i++)
                    {
                        int channel = group * termPerGroup + i;               // input channel this weight reads
                        int target = groups == 1 ? channel : channel % perGroup; // its position in the merged layout
                        for (int y = 0; y < term.KernelHeight; y++)
                            for (int x = 0; x < term.KernelWidth; x++)
                                weights[((o * perGroup + target) * kh + y + dy) * kw + x + dx] +=
                                    term.Weights[((o * termPerGroup + i) * term.KernelHeight + y) * term.KernelWidth + x];
                    }
                }
            }

            var input = first.Input;
            var attributes = new Attributes(new[]
            {
                new Onnx.OnnxAttribute { Name = "group", Int = groups },
                new Onnx.OnnxAttribute { Name = "strides", Ints = { first.StrideHeight, first.StrideWidth } },
                new Onnx.OnnxAttribute { Name = "pads", Ints = { kh / 2, kw / 2, kh / 2, kw / 2 } },
            });
            var merged = GraphRewriter.NewNode(add.Name, ConvOperator, attributes);
            merged.SourceNames.Clear();
            foreach (var producer in new[] { first.Producer, second.Producer })
                if (producer != null) merged.SourceNames.AddRange(producer.SourceNames);
            merged.SourceNames.Add(add.Name);
            var weightShape = new[] { m, perGroup, kh, kw };
            GraphRewriter.Connect(merged, input,
                new Tensor(add.Name + "_merged_weight", ElementType.Float32, weightShape) { Constant = ConstantTensor.FromFloats(weightShape, weights) },
                new Tensor(add.Name + "_merged_bias", ElementType.Float32, new[] { m }) { Constant = ConstantTensor.FromFloats(new[] { m }, bias) });
            var output = add.Outputs[0];
            merged.Outputs.Add(output);
            output.Producer = merged;
            merged.Lowering = SpatialGeometry.Compute(merged, input, new[] { kh, kw }, m, groups, ceilMode: false,
                GraphRewriter.InferenceContextFor(graph));
            graph.Replace(add, merged);
            foreach (var producer in new[] { first.Producer, second.Producer })
                if (producer != null) graph.Remove(producer);
        }
    }
}
