using System;
using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Onnx;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// ONNX Einsum (opset 12+), as TensorFlow's Keras attention and some PyTorch blocks export their products
    /// ("abc,cde->abde", "bqhd,bkhd->bhqk"). Operands are contracted left to right, each pair as one MatMul: both sides
    /// transposed to [batch, free, contracted] order and reshaped to 3-D (or 2-D without batch labels), labels only one
    /// side has and nothing later needs summed first by a ReduceSum; a last Transpose puts the labels in output order.
    /// The steps are ordinary Transpose, ReduceSum, Reshape and MatMul nodes, so fusion and layout passes see them.
    /// </summary>
    public sealed class Einsum : OperatorDefinition, IExpandingOperator
    {
        public override string OpType => "Einsum";

        public override string Notes => "any number of operands, explicit or implicit output, ellipsis; no label repeated within one operand (diagonals) and no broadcasting of a label of size 1; runs as Transpose, ReduceSum, Reshape and MatMul steps";

        /// <summary>The parsed equation: one label string per operand and the output's, and each label's size.</summary>
        private sealed class Plan
        {
            public string[] Operands = Array.Empty<string>();
            public string Output = "";
            public Dictionary<char, int> Sizes = new Dictionary<char, int>();
        }

        public override void Infer(Node node, InferenceContext context)
        {
            if (node.Inputs.Count == 0) throw context.ShapeError(node, "Einsum needs at least one operand");
            var operands = new Tensor[node.Inputs.Count];
            for (int i = 0; i < operands.Length; i++) operands[i] = RequireInput(node, i, context);
            string equation = node.Attributes.GetString("equation", "");
            var plan = Parse(node, context, equation, operands);
            var shape = plan.Output.Select(label => plan.Sizes[label]).ToArray();
            if (operands.Any(o => o.Type != ElementType.Float32))
                throw context.Unsupported(node, "operands other than float32");
            if (operands.All(o => o.Constant != null))
            {
                long work = plan.Sizes.Values.Aggregate(1L, (p, size) => p * size);
                if (work > 1 << 26)
                    throw context.Unsupported(node, $"folding {work} products of constants at compile time (at most {1 << 26})");
                SetConstantOutput(node, 0, ConstantTensor.FromFloats(shape, Evaluate(plan, operands.Select(o => o.Constant!.AsFloats()).ToArray(), shape)));
                return;
            }
            node.Lowering = plan;
            SetOutput(node, 0, shape, ElementType.Float32);
        }

        public override void Emit(Node node, EmitContext context) =>
            throw new InvalidOperationException("Einsum runs as the steps Expand makes; it is never emitted itself");

        /// <summary>
        /// Labels are the equation's letters; an ellipsis becomes labels '\u0100' + k for the k-th of the broadcast axes,
        /// counted so that every operand's ellipsis ends at the same label (numpy's right alignment).
        /// </summary>
        private static Plan Parse(Node node, InferenceContext context, string equation, Tensor[] operands)
        {
            equation = new string(equation.Where(c => !char.IsWhiteSpace(c)).ToArray());
            if (equation.Length == 0) throw context.ShapeError(node, "the equation attribute is missing");
            int arrow = equation.IndexOf("->", StringComparison.Ordinal);
            string left = arrow < 0 ? equation : equation.Substring(0, arrow);
            var terms = left.Split(',');
            if (terms.Length != operands.Length)
                throw context.ShapeError(node, $"the equation '{equation}' has {terms.Length} operands, the node {operands.Length} inputs");

            // How many axes each ellipsis stands for, and the widest.
            var ellipsisRanks = new int[terms.Length];
            for (int i = 0; i < terms.Length; i++)
            {
                string term = terms[i];
                int dots = term.IndexOf("...", StringComparison.Ordinal);
                string letters = term.Replace("...", "");
                CheckLetters(node, context, equation, letters);
                if (dots >= 0 && term.IndexOf("...", dots + 3, StringComparison.Ordinal) >= 0)
                    throw context.ShapeError(node, $"operand {i} of '{equation}' has two ellipses");
                ellipsisRanks[i] = dots >= 0 ? operands[i].Rank - letters.Length : 0;
                if (ellipsisRanks[i] < 0 || dots < 0 && letters.Length != operands[i].Rank)
                    throw context.ShapeError(node, $"operand {i} ('{term}' of '{equation}') has rank {operands[i].Rank}");
            }
            int widest = ellipsisRanks.Max();
            string Ellipsis(int rank) => new string(Enumerable.Range(widest - rank, rank).Select(k => (char)(0x100 + k)).ToArray());

            var plan = new Plan { Operands = new string[terms.Length] };
            for (int i = 0; i < terms.Length; i++)
            {
                string labels = terms[i].Replace("...", Ellipsis(ellipsisRanks[i]));
                if (labels.Distinct().Count() != labels.Length)
                    throw context.Unsupported(node, $"operand {i} of '{equation}' repeats a label (a diagonal)");
                for (int axis = 0; axis < labels.Length; axis++)
                {
                    int size = operands[i].Shape[axis];
                    if (plan.Sizes.TryGetValue(labels[axis], out var known) && known != size)
                        throw known == 1 || size == 1
                            ? context.Unsupported(node, $"label {Describe(labels[axis])} of '{equation}' broadcasts sizes {known} and {size}")
                            : context.ShapeError(node, $"label {Describe(labels[axis])} of '{equation}' has sizes {known} and {size}");
                    plan.Sizes[labels[axis]] = size;
                }
                plan.Operands[i] = labels;
            }

            if (arrow >= 0)
            {
                string right = equation.Substring(arrow + 2);
                string letters = right.Replace("...", "");
                CheckLetters(node, context, equation, letters);
                plan.Output = right.Replace("...", Ellipsis(widest));
                if (plan.Output.Distinct().Count() != plan.Output.Length)
                    throw context.ShapeError(node, $"the output of '{equation}' repeats a label");
                foreach (var label in plan.Output)
                    if (!plan.Sizes.ContainsKey(label))
                        throw context.ShapeError(node, $"output label {Describe(label)} of '{equation}' is in no operand");
            }
            else
            {
                // Implicit output: the ellipsis axes, then the letters used exactly once, in alphabetical order.
                var counts = plan.Operands.SelectMany(o => o).Where(c => c < 0x100).GroupBy(c => c).Where(g => g.Count() == 1).Select(g => g.Key);
                plan.Output = Ellipsis(widest) + new string(counts.OrderBy(c => c).ToArray());
            }
            return plan;
        }

        private static void CheckLetters(Node node, InferenceContext context, string equation, string letters)
        {
            foreach (var c in letters)
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'))
                    throw context.ShapeError(node, $"'{c}' in '{equation}' is not a label (letters and '...')");
        }

        private static string Describe(char label) => label < 0x100 ? $"'{label}'" : $"of the ellipsis (axis {label - 0x100})";

        /// <summary>Every combination of label values, for constants: the definition itself.</summary>
        private static float[] Evaluate(Plan plan, float[][] values, int[] shape)
        {
            var labels = plan.Sizes.Keys.ToArray();
            var index = labels.ToDictionary(l => l, _ => 0);
            var result = new double[ShapeMath.Product(shape)];
            long combinations = labels.Aggregate(1L, (p, l) => p * plan.Sizes[l]);
            for (long n = 0; n < combinations; n++)
            {
                long rest = n;
                for (int i = labels.Length - 1; i >= 0; i--)
                {
                    index[labels[i]] = (int)(rest % plan.Sizes[labels[i]]);
                    rest /= plan.Sizes[labels[i]];
                }
                double product = 1;
                for (int o = 0; o < values.Length; o++) product *= values[o][Offset(plan.Operands[o], index, plan.Sizes)];
                result[Offset(plan.Output, index, plan.Sizes)] += product;
            }
            return result.Select(v => (float)v).ToArray();
        }

        private static int Offset(string labels, Dictionary<char, int> index, Dictionary<char, int> sizes)
        {
            int offset = 0;
            foreach (var label in labels) offset = offset * sizes[label] + index[label];
            return offset;
        }

        public IReadOnlyList<Node> Expand(Node node, InferenceContext context)
        {
            var plan = (Plan)node.Lowering!;
            foreach (var input in node.Inputs) input?.Consumers.Remove(node);
            var steps = new Steps(node, context.Opset, plan.Sizes);
            var current = node.Inputs[0]!;
            string labels = plan.Operands[0];
            for (int i = 1; i < plan.Operands.Length; i++)
            {
                // Labels the output or a later operand still needs survive this product.
                var needed = new HashSet<char>(plan.Output.Concat(plan.Operands.Skip(i + 1).SelectMany(o => o)));
                (current, labels) = Contract(steps, current, labels, node.Inputs[i]!, plan.Operands[i], needed);
            }
            var summed = labels.Where(l => !plan.Output.Contains(l)).ToArray();
            current = steps.Transpose(current, labels, plan.Output + new string(summed));
            current = steps.SumTrailing(current, plan.Output.Length + summed.Length, summed.Length);
            return steps.Finish(current);
        }

        /// <summary>One product of two operands as a MatMul; returns the result and its labels [batch, left, right].</summary>
        private static (Tensor, string) Contract(Steps steps, Tensor a, string aLabels, Tensor b, string bLabels, HashSet<char> needed)
        {
            string batch = new string(aLabels.Where(l => bLabels.Contains(l) && needed.Contains(l)).ToArray());
            string contracted = new string(aLabels.Where(l => bLabels.Contains(l) && !needed.Contains(l)).ToArray());
            string leftFree = new string(aLabels.Where(l => !bLabels.Contains(l) && needed.Contains(l)).ToArray());
            string rightFree = new string(bLabels.Where(l => !aLabels.Contains(l) && needed.Contains(l)).ToArray());
            string leftSummed = new string(aLabels.Where(l => !bLabels.Contains(l) && !needed.Contains(l)).ToArray());
            string rightSummed = new string(bLabels.Where(l => !aLabels.Contains(l) && !needed.Contains(l)).ToArray());

            int Size(string labels) => labels.Aggregate(1, (p, l) => p * steps.Sizes[l]);
            int[] Matrix(string rows, string columns) => batch.Length > 0
                ? new[] { Size(batch), Size(rows), Size(columns) }
                : new[] { Size(rows), Size(columns) };

            var left = steps.Transpose(a, aLabels, batch + leftFree + contracted + leftSummed);
            left = steps.SumTrailing(left, aLabels.Length, leftSummed.Length);
            left = steps.Reshape(left, Matrix(leftFree, contracted));
            var right = steps.Transpose(b, bLabels, batch + contracted + rightFree + rightSummed);
            right = steps.SumTrailing(right, bLabels.Length, rightSummed.Length);
            right = steps.Reshape(right, Matrix(contracted, rightFree));
            string resultLabels = batch + leftFree + rightFree;
            var product = steps.MatMul(left, right);
            return (steps.Reshape(product, resultLabels.Select(l => steps.Sizes[l]).ToArray()), resultLabels);
        }

        /// <summary>Einsum's steps over <see cref="ExpansionSteps"/>, with each label's size.</summary>
        private sealed class Steps
        {
            private readonly ExpansionSteps _steps;
            private readonly int _opset;

            public Steps(Node node, int opset, Dictionary<char, int> sizes)
            {
                _steps = new ExpansionSteps(node);
                _opset = opset;
                Sizes = sizes;
            }

            public Dictionary<char, int> Sizes { get; }

            public Tensor Transpose(Tensor x, string from, string to)
            {
                var perm = to.Select(l => (long)from.IndexOf(l)).ToArray();
                if (perm.Select((p, i) => p == i).All(same => same)) return x;
                return _steps.Add("Transpose", new[] { x }, to.Select(l => Sizes[l]).ToArray(), OnnxAttribute.Of("perm", perm));
            }

            /// <summary>Sums the last <paramref name="count"/> of <paramref name="rank"/> axes away.</summary>
            public Tensor SumTrailing(Tensor x, int rank, int count)
            {
                if (count == 0) return x;
                var axes = Enumerable.Range(rank - count, count).Select(a => (long)a).ToArray();
                var shape = _steps.ShapeOf(x).Take(rank - count).ToArray();
                var keepdims = OnnxAttribute.Of("keepdims", 0);
                // ReduceSum takes its axes as an attribute until opset 12 and as an input from 13.
                return _opset >= 13
                    ? _steps.Add("ReduceSum", new[] { x, _steps.IntConstant("axes", axes) }, shape, keepdims)
                    : _steps.Add("ReduceSum", new[] { x }, shape, keepdims, OnnxAttribute.Of("axes", axes));
            }

            public Tensor Reshape(Tensor x, int[] shape) => _steps.Reshape(x, shape);

            public Tensor MatMul(Tensor a, Tensor b)
            {
                int[] left = _steps.ShapeOf(a), right = _steps.ShapeOf(b);
                return _steps.Add("MatMul", new[] { a, b }, left.Take(left.Length - 1).Concat(new[] { right[right.Length - 1] }).ToArray());
            }

            public IReadOnlyList<Node> Finish(Tensor result) => _steps.Finish(result);
        }
    }
}
