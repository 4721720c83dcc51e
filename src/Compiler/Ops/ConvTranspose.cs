using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Onnx;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// ONNX ConvTranspose (1-D and 2-D), run as ordinary stride-1 Conv nodes. With a stride, each output phase (the
    /// outputs o ≡ r mod stride along every axis) is a Conv of the input with the kernel taps that reach it, and an
    /// Interleave copy puts the phases' outputs in place (<see cref="ConvTransposePhases"/>); the stride-1 case is one
    /// phase, its Conv writing the output. A phase whose window starts inside the input (large pads) or runs past its
    /// end by more than a window (large output_padding) reads a cropped or extended copy of it (ZeroInsertion with
    /// stride 1). Where a phase has no tap (the stride shares a factor with the dilation), the input is spread out with
    /// stride - 1 zeros between elements instead (ZeroInsertion) and convolved with the kernel turned by 180°, which
    /// multiplies the inserted zeros too.
    /// </summary>
    public sealed class ConvTranspose : OperatorDefinition, IExpandingOperator
    {
        public override string OpType => "ConvTranspose";

        public override string Notes => "1-D/2-D; constant W and B; groups, dilations, pads, strides, output_padding, output_shape, auto_pad; runs as one stride-1 Conv per output phase and an interleaving copy (a zero-inserted input where a phase has no tap)";

        /// <summary>Everything <see cref="Expand"/> needs, worked out once by <see cref="Infer"/>.</summary>
        private sealed class Plan
        {
            public int Spatial, Groups, OutChannels;
            public int[] Kernel = new int[0], Strides = new int[0], Dilations = new int[0], Output = new int[0];
            /// <summary>Per spatial axis: the Conv's leading padding, the buffer's length, where input element 0 lands in it.</summary>
            public int[] ConvPadBefore = new int[0], ConvPadAfter = new int[0], Buffer = new int[0], FirstOffset = new int[0];
            /// <summary>Per spatial axis, the output phases; null when the zero-inserted form runs instead.</summary>
            public ConvTransposePhases.AxisPhase[][]? Phases;
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
            // Below 11 the split of the padding that SAME and output_shape imply is not the one implemented here.
            if (context.Opset < 11 && (autoPad.StartsWith("SAME", System.StringComparison.Ordinal) || requested != null))
                throw context.Unsupported(node, $"auto_pad {autoPad} or output_shape at opset {context.Opset} (explicit pads are supported)");
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
            var phases = Enumerable.Range(0, spatial).Select(i => ConvTransposePhases.Compute(input[i], output[i], kernel[i], strides[i], dilations[i], pads[i])).ToArray();
            plan.Phases = phases.All(p => p != null) ? phases.Select(p => p!).ToArray() : null;
            node.Lowering = plan;
            SetOutput(node, 0, new[] { x.Shape[0], outChannels }.Concat(output).ToArray(), ElementType.Float32);
        }

        public IReadOnlyList<Node> Expand(Node node, InferenceContext context)
        {
            var plan = (Plan)node.Lowering!;
            foreach (var input in node.Inputs)
                input?.Consumers.Remove(node);
            return plan.Phases != null ? PhaseSteps(node, plan, plan.Phases) : ZeroInsertionSteps(node, plan);
        }

        /// <summary>One Conv per output phase, then an Interleave into the output (just the Conv when there is one phase).</summary>
        private static List<Node> PhaseSteps(Node node, Plan plan, ConvTransposePhases.AxisPhase[][] phases)
        {
            var x = node.Inputs[0]!;
            var output = node.Outputs[0];
            var combinations = plan.Spatial == 2
                ? phases[0].SelectMany(row => phases[1].Select(column => new[] { row, column })).ToList()
                : phases[0].Select(column => new[] { column }).ToList();
            var steps = new List<Node>();
            // Phases that crop or extend the input share the copy that does it when they need the same one.
            var adjusted = new Dictionary<string, Tensor>();
            foreach (var phase in combinations)
            {
                bool only = combinations.Count == 1;
                string suffix = string.Join("_", phase.Select(p => p.Residue));
                var input = x;
                if (phase.Any(p => p.Adjusts))
                {
                    string key = string.Join(",", phase.Select(p => $"{p.AdjustBefore}:{p.AdjustAfter}"));
                    if (!adjusted.TryGetValue(key, out input))
                    {
                        var size = phase.Select((p, a) => x.Shape[2 + a] + p.AdjustBefore + p.AdjustAfter).ToArray();
                        var copy = ZeroInsertionStep($"{node.Name}_adjust{adjusted.Count}", node, $"{output.Name}_adjusted{adjusted.Count}",
                            new ZeroInsertion(phase.Select(_ => 1).ToArray(), size, phase.Select(p => p.AdjustBefore).ToArray()));
                        steps.Add(copy);
                        input = copy.Outputs[0];
                        adjusted.Add(key, input);
                    }
                }
                var result = only ? output : new Tensor($"{output.Name}_phase{suffix}", ElementType.Float32, new int[0]);
                var conv = Conv(only ? node.Name : $"{node.Name}_phase{suffix}", node, input, result,
                    phase.Select(p => p.Dilation).ToArray(),
                    phase.Select(p => p.PadBefore).Concat(phase.Select(p => p.PadAfter)).ToArray(),
                    plan, plan.Spatial == 2 ? phase[0].Taps : new[] { 0 }, phase[plan.Spatial - 1].Taps);
                steps.Add(conv);
            }
            if (combinations.Count > 1)
            {
                var interleave = new Node(node.Name, "Interleave", new Interleave(plan.Strides, plan.Output), Attributes.Empty);
                foreach (var conv in steps.Where(step => step.Op is Conv))
                {
                    interleave.Inputs.Add(conv.Outputs[0]);
                    conv.Outputs[0].Consumers.Add(interleave);
                }
                interleave.Outputs.Add(output);
                output.Producer = interleave;
                steps.Add(interleave);
            }
            return steps;
        }

        /// <summary>The input spread out with zeros, then one Conv with the kernel turned by 180°.</summary>
        private static List<Node> ZeroInsertionSteps(Node node, Plan plan)
        {
            var x = node.Inputs[0]!;
            var steps = new List<Node>();
            var convInput = x;
            // Stride 1 with the Conv's padding covering the border leaves nothing to insert: the Conv reads x itself.
            bool spreads = !(plan.Strides.All(s => s == 1) && plan.FirstOffset.All(o => o == 0) && plan.Buffer.SequenceEqual(x.Shape.Skip(2)));
            if (spreads)
            {
                var insertion = ZeroInsertionStep(node.Name + "_zero_insertion", node, node.Outputs[0].Name + "_zero_inserted",
                    new ZeroInsertion(plan.Strides, plan.Buffer, plan.FirstOffset));
                steps.Add(insertion);
                convInput = insertion.Outputs[0];
            }
            int kh = plan.Spatial == 2 ? plan.Kernel[0] : 1, kw = plan.Kernel[plan.Spatial - 1];
            steps.Add(Conv(node.Name, node, convInput, node.Outputs[0], plan.Dilations, plan.ConvPadBefore.Concat(plan.ConvPadAfter).ToArray(), plan,
                Enumerable.Range(0, kh).Reverse().ToArray(), Enumerable.Range(0, kw).Reverse().ToArray()));
            return steps;
        }

        /// <summary>A ZeroInsertion copy of the ConvTranspose's input into a new tensor (its shape set when the step is inferred).</summary>
        private static Node ZeroInsertionStep(string name, Node node, string outputName, ZeroInsertion copy)
        {
            var x = node.Inputs[0]!;
            var step = new Node(name, "ZeroInsertion", copy, Attributes.Empty);
            step.SourceNames.Clear();
            step.SourceNames.Add(node.Name);
            step.Inputs.Add(x);
            x.Consumers.Add(step);
            step.Outputs.Add(new Tensor(outputName, ElementType.Float32, new int[0]) { Producer = step });
            return step;
        }

        /// <summary>A stride-1 Conv of <paramref name="input"/> with the given kernel taps of the ConvTranspose's weights and its bias.</summary>
        private static Node Conv(string name, Node node, Tensor input, Tensor output, int[] dilations, int[] pads, Plan plan, int[] rows, int[] columns)
        {
            var conv = new Node(name, "Conv", OperatorRegistry.Find("Conv")!, new Attributes(new[]
            {
                OnnxAttribute.Of("dilations", dilations.Select(d => (long)d)),
                OnnxAttribute.Of("pads", pads.Select(d => (long)d)),
                OnnxAttribute.Of("group", (long)plan.Groups),
            }));
            conv.SourceNames.Clear();
            conv.SourceNames.Add(node.Name);
            var kernel = KernelTaps(node.Inputs[1]!, plan, rows, columns);
            conv.Inputs.Add(input);
            input.Consumers.Add(conv);
            conv.Inputs.Add(kernel);
            kernel.Consumers.Add(conv);
            if (node.Input(2) is Tensor bias)
            {
                conv.Inputs.Add(bias);
                bias.Consumers.Add(conv);
            }
            conv.Outputs.Add(output);
            output.Producer = conv;
            return conv;
        }

        /// <summary>W [C][M/g][k...] as Conv weights [M][C/g][rows][columns] of the chosen taps (WeightMath.TransposeConvKernel).</summary>
        private static Tensor KernelTaps(Tensor w, Plan plan, int[] rows, int[] columns)
        {
            int inChannels = w.Shape[0], groupOut = w.Shape[1];
            int kh = plan.Spatial == 2 ? plan.Kernel[0] : 1, kw = plan.Kernel[plan.Spatial - 1];
            var arguments = new[] { inChannels, groupOut, kh, kw, plan.Groups };
            var values = TransposeKernel(w.Constant!.AsFloats(), arguments, rows, columns);
            var shape = new[] { plan.OutChannels, inChannels / plan.Groups }.Concat(plan.Spatial == 2 ? new[] { rows.Length, columns.Length } : new[] { columns.Length }).ToArray();
            var recipe = new ComputedWeight("TransposeConvKernel", new[] { w.Constant! }, new[] { arguments, rows, columns });
            return new Tensor($"{w.Name}_taps_{string.Join("", rows)}_{string.Join("", columns)}", ElementType.Float32, shape)
            {
                Constant = ConstantTensor.FromFloats(shape, values, recipe),
            };
        }

        /// <summary>The same rearrangement as the runtime's WeightMath.TransposeConvKernel, for folding and checks at compile time.</summary>
        internal static float[] TransposeKernel(float[] source, int[] shape, int[] rows, int[] columns)
        {
            int c = shape[0], groupOut = shape[1], kh = shape[2], kw = shape[3], groups = shape[4];
            int groupIn = c / groups, taps = rows.Length * columns.Length;
            var result = new float[groups * groupOut * groupIn * taps];
            for (int channel = 0; channel < c; channel++)
                for (int m = 0; m < groupOut; m++)
                {
                    int group = channel / groupIn, outChannel = group * groupOut + m, inChannel = channel - group * groupIn;
                    for (int a = 0; a < rows.Length; a++)
                        for (int b = 0; b < columns.Length; b++)
                            result[(outChannel * groupIn + inChannel) * taps + a * columns.Length + b] = source[((channel * groupOut + m) * kh + rows[a]) * kw + columns[b]];
                }
            return result;
        }

        public override void Emit(Node node, EmitContext context) =>
            throw new System.InvalidOperationException("ConvTranspose nodes are expanded into Conv steps after inference and never emitted.");

        private static int[] Ints(long[]? values, int count, int fallback)
        {
            if (values == null || values.Length == 0) return Enumerable.Repeat(fallback, count).ToArray();
            return values.Select(v => v > int.MaxValue ? int.MaxValue : v < int.MinValue ? int.MinValue : (int)v)
                .Concat(Enumerable.Repeat(fallback, System.Math.Max(0, count - values.Length))).Take(count).ToArray();
        }
    }
}
