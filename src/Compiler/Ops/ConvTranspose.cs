using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Onnx;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// ONNX ConvTranspose (1-D and 2-D), run as the convolution it is the gradient of: the input is spread out with
    /// stride - 1 zeros between its elements and framed with the zeros the output's edges read (ZeroInsertion), then
    /// convolved at stride 1 with the kernel flipped in space and its channel axes swapped within each group. The
    /// convolution is an ordinary Conv node, so BatchNorm, residual and activation fusion apply to it. It multiplies
    /// the inserted zeros too (stride² times the useful work), which a decoder's few upsampling layers can afford.
    /// </summary>
    public sealed class ConvTranspose : OperatorDefinition, IExpandingOperator
    {
        public override string OpType => "ConvTranspose";

        public override string Notes => "1-D/2-D; constant W and B; groups, dilations, pads, strides, output_padding, output_shape, auto_pad; runs as a Conv over a zero-inserted input";

        /// <summary>Everything <see cref="Expand"/> needs, worked out once by <see cref="Infer"/>.</summary>
        private sealed class Plan
        {
            public int Spatial, Groups, OutChannels;
            public int[] Kernel = new int[0], Strides = new int[0], Dilations = new int[0], Output = new int[0];
            /// <summary>Per spatial axis: the Conv's leading padding, the buffer's length, where input element 0 lands in it.</summary>
            public int[] ConvPadBefore = new int[0], ConvPadAfter = new int[0], Buffer = new int[0], FirstOffset = new int[0];
        }

        public override void Infer(Node node, InferenceContext context)
        {
            var x = RequireInput(node, 0, context);
            var w = RequireConstant(node, 1, context, "the weight");
            if (node.Input(2) != null) RequireConstant(node, 2, context, "the bias");
            if (x.Type != ElementType.Float32) throw context.Unsupported(node, "non-float input");
            int spatial = x.Rank - 2;
            if (spatial != 1 && spatial != 2) throw context.Unsupported(node, $"{spatial}-D windows; only 1-D and 2-D are supported");
            if (w.Shape.Length != x.Rank) throw context.ShapeError(node, $"weight rank {w.Shape.Length} does not match input rank {x.Rank}");
            var a = node.Attributes;
            int groups = (int)a.GetInt("group", 1);
            if (groups <= 0 || x.Shape[1] % groups != 0) throw context.ShapeError(node, $"group {groups} does not divide the input channels {x.Shape[1]}");
            if (w.Shape[0] != x.Shape[1]) throw context.ShapeError(node, $"weight expects {w.Shape[0]} input channels, the input has {x.Shape[1]}");
            var kernel = w.Shape.Skip(2).ToArray();
            var given = a.GetInts("kernel_shape");
            if (given != null && !given.Select(k => (int)k).SequenceEqual(kernel)) throw context.ShapeError(node, "kernel_shape disagrees with the weight shape");
            int outChannels = w.Shape[1] * groups;
            var bias = node.Input(2)?.Constant;
            if (bias != null && bias.Length != outChannels) throw context.ShapeError(node, $"bias has {bias.Length} values for {outChannels} output channels");

            var strides = Ints(a.GetInts("strides"), spatial, 1);
            var dilations = Ints(a.GetInts("dilations"), spatial, 1);
            var outputPadding = Ints(a.GetInts("output_padding"), spatial, 0);
            var pads = Ints(a.GetInts("pads"), 2 * spatial, 0);
            if (strides.Any(s => s <= 0) || dilations.Any(d => d <= 0) || kernel.Any(k => k <= 0) || pads.Any(p => p < 0) || outputPadding.Any(p => p < 0))
                throw context.ShapeError(node, "strides, dilations and kernel sizes must be positive, pads and output_padding non-negative");
            for (int i = 0; i < spatial; i++)
                if (outputPadding[i] >= strides[i] && outputPadding[i] >= dilations[i])
                    throw context.ShapeError(node, $"output_padding {outputPadding[i]} must be smaller than the stride or the dilation");

            string autoPad = a.GetString("auto_pad", "NOTSET");
            if (autoPad.Length == 0) autoPad = "NOTSET";
            if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
                throw context.Unsupported(node, $"auto_pad '{autoPad}'");
            var input = x.Shape.Skip(2).ToArray();
            var requested = a.GetInts("output_shape");
            if (requested != null && requested.Length == spatial + 2) requested = requested.Skip(2).ToArray(); // some exporters give N and C too
            if (requested != null && requested.Length != spatial) throw context.ShapeError(node, $"output_shape has {requested.Length} values for {spatial} spatial axes");
            var output = new int[spatial];
            for (int i = 0; i < spatial; i++)
            {
                int extent = dilations[i] * (kernel[i] - 1) + 1;
                long full = (long)strides[i] * (input[i] - 1) + outputPadding[i] + extent;
                if (autoPad == "VALID") pads[i] = pads[i + spatial] = 0;
                long target = requested != null ? requested[i] : autoPad.StartsWith("SAME") ? (long)input[i] * strides[i] : -1;
                if (target >= 0)
                {
                    // The padding that makes the requested size; SAME_UPPER puts the odd one at the end, the others at the start.
                    long total = full - target;
                    long half = total / 2;
                    if (total < 0) half = total = 0;
                    if (target > full) pads[i + spatial] = (int)(full - target); // a larger output grows at the end, as the ONNX reference does
                    pads[i] = (int)(autoPad == "SAME_UPPER" ? half : total - half);
                    if (target <= full) pads[i + spatial] = (int)(total - pads[i]);
                }
                long size = full - pads[i] - pads[i + spatial];
                if (size <= 0) throw context.ShapeError(node, $"the pads leave no output along spatial axis {i}");
                output[i] = (int)size;
            }

            var plan = new Plan
            {
                Spatial = spatial, Groups = groups, OutChannels = outChannels, Kernel = kernel, Strides = strides, Dilations = dilations, Output = output,
                ConvPadBefore = new int[spatial], ConvPadAfter = new int[spatial], Buffer = new int[spatial], FirstOffset = new int[spatial],
            };
            for (int i = 0; i < spatial; i++)
            {
                // Output o reads zero-inserted position o + k·d - reach (k the flipped tap), where input element j sits
                // at j·stride; the Conv's own padding supplies what zeros it can (less than the window), the buffer the rest.
                int reach = dilations[i] * (kernel[i] - 1);
                int lead = reach - pads[i];
                int last = (input[i] - 1) * strides[i] + lead;                 // input's last element, padded coordinates
                int padded = output[i] + reach;                                // positions the Conv reads
                plan.ConvPadBefore[i] = System.Math.Max(lead, 0);
                plan.ConvPadAfter[i] = System.Math.Min(System.Math.Max(padded - 1 - last, 0), reach);
                plan.Buffer[i] = padded - plan.ConvPadBefore[i] - plan.ConvPadAfter[i];
                if (plan.Buffer[i] < 1)
                {
                    // Pads that crop every input element: the output is the bias alone, read from one zero.
                    plan.ConvPadBefore[i] = System.Math.Min(reach, padded - 1);
                    plan.ConvPadAfter[i] = padded - 1 - plan.ConvPadBefore[i];
                    plan.Buffer[i] = 1;
                }
                plan.FirstOffset[i] = lead - plan.ConvPadBefore[i];             // negative when pads crop the first elements
            }
            node.Lowering = plan;
            SetOutput(node, 0, new[] { x.Shape[0], outChannels }.Concat(output).ToArray(), ElementType.Float32);
        }

        public IReadOnlyList<Node> Expand(Node node, InferenceContext context)
        {
            var plan = (Plan)node.Lowering!;
            var x = node.Inputs[0]!;
            var w = node.Inputs[1]!;
            x.Consumers.Remove(node);
            w.Consumers.Remove(node);
            node.Input(2)?.Consumers.Remove(node);

            var conv = new Node(node.Name, "Conv", OperatorRegistry.Find("Conv")!, new Attributes(new[]
            {
                Ints("dilations", plan.Dilations),
                Ints("pads", plan.ConvPadBefore.Concat(plan.ConvPadAfter).ToArray()),
                new OnnxAttribute { Name = "group", Type = OnnxAttributeType.Int, Int = plan.Groups },
            }));
            var kernel = FlippedKernel(w, plan);
            // Stride 1 with the Conv's padding covering the border leaves nothing to insert: the Conv reads x itself.
            bool spreads = !(plan.Strides.All(s => s == 1) && plan.FirstOffset.All(o => o == 0) && plan.Buffer.SequenceEqual(x.Shape.Skip(2)));
            var steps = new List<Node>();
            var convInput = x;
            if (spreads)
            {
                var insertion = new Node(node.Name + "_zero_insertion", "ZeroInsertion", new ZeroInsertion(plan.Strides, plan.Buffer, plan.FirstOffset), Attributes.Empty);
                insertion.SourceNames.Clear();
                insertion.SourceNames.Add(node.Name);
                insertion.Inputs.Add(x);
                x.Consumers.Add(insertion);
                convInput = new Tensor(node.Outputs[0].Name + "_zero_inserted", ElementType.Float32, new int[0]) { Producer = insertion };
                insertion.Outputs.Add(convInput);
                steps.Add(insertion);
            }
            conv.Inputs.Add(convInput);
            convInput.Consumers.Add(conv);
            conv.Inputs.Add(kernel);
            kernel.Consumers.Add(conv);
            if (node.Input(2) is Tensor bias)
            {
                conv.Inputs.Add(bias);
                bias.Consumers.Add(conv);
            }
            conv.Outputs.Add(node.Outputs[0]);
            node.Outputs[0].Producer = conv;
            steps.Add(conv);
            return steps;
        }

        /// <summary>W [C][M/g][k...] as the Conv's [M][C/g][k...], each kernel turned by 180°.</summary>
        private static Tensor FlippedKernel(Tensor w, Plan plan)
        {
            int inChannels = w.Shape[0], groupOut = w.Shape[1];
            int kh = plan.Spatial == 2 ? plan.Kernel[0] : 1, kw = plan.Kernel[plan.Spatial - 1];
            var arguments = new[] { inChannels, groupOut, kh, kw, plan.Groups };
            var values = TransposeKernel(w.Constant!.AsFloats(), arguments);
            var shape = new[] { plan.OutChannels, inChannels / plan.Groups }.Concat(plan.Kernel).ToArray();
            var recipe = new ComputedWeight("TransposeConvKernel", new[] { w.Constant! }, new[] { arguments });
            return new Tensor(w.Name + "_flipped", ElementType.Float32, shape) { Constant = ConstantTensor.FromFloats(shape, values, recipe) };
        }

        /// <summary>The same rearrangement as the runtime's WeightMath.TransposeConvKernel, for folding and checks at compile time.</summary>
        internal static float[] TransposeKernel(float[] source, int[] arguments)
        {
            int c = arguments[0], mg = arguments[1], kh = arguments[2], kw = arguments[3], groups = arguments[4];
            int cg = c / groups, taps = kh * kw;
            var result = new float[source.Length];
            for (int ci = 0; ci < c; ci++)
                for (int m = 0; m < mg; m++)
                {
                    int g = ci / cg, outChannel = g * mg + m, inChannel = ci - g * cg;
                    for (int t = 0; t < taps; t++)
                        result[(outChannel * cg + inChannel) * taps + taps - 1 - t] = source[(ci * mg + m) * taps + t];
                }
            return result;
        }

        public override void Emit(Node node, EmitContext context) =>
            throw new System.InvalidOperationException("ConvTranspose nodes are expanded into ZeroInsertion and Conv after inference and never emitted.");

        private static OnnxAttribute Ints(string name, int[] values)
        {
            var attribute = new OnnxAttribute { Name = name, Type = OnnxAttributeType.Ints };
            attribute.Ints.AddRange(values.Select(v => (long)v));
            return attribute;
        }

        private static int[] Ints(long[]? values, int count, int fallback)
        {
            if (values == null || values.Length == 0) return Enumerable.Repeat(fallback, count).ToArray();
            return values.Select(v => v > int.MaxValue ? int.MaxValue : v < int.MinValue ? int.MinValue : (int)v)
                .Concat(Enumerable.Repeat(fallback, System.Math.Max(0, count - values.Length))).Take(count).ToArray();
        }
    }
}
