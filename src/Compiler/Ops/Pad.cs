using System;
using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// ONNX Pad (opset 11+; pads, constant_value and axes as inputs, which must fold to constants; opset 2's pads and
    /// value attributes too). Every mode is planned as copies: each axis maps an output position to the input position
    /// it repeats (constant: none outside the input; edge: the nearest; reflect: mirrored without the edge; wrap: modulo),
    /// and the map is cut into runs of one source stride (+1 inside, -1 reflected, 0 repeated edge). Negative pads crop.
    /// A zero constant pad of the spatial axes feeding a Conv is folded into the Conv's padding instead (FoldPadIntoConv).
    /// </summary>
    public sealed class Pad : CopyOperator
    {
        public override string OpType => "Pad";

        public override string Notes => "constant, edge, reflect, wrap; pads, value and axes must fold to constants; negative pads crop";

        /// <summary>The mode, checked by <see cref="Plan"/>.</summary>
        public static string Mode(Node node) => node.Attributes.GetString("mode", "constant");

        /// <summary>The constant mode's value (0 unless given).</summary>
        public static float Value(Node node)
        {
            if (node.Inputs.Count > 2 && node.Inputs[2]?.Constant is ConstantTensor value)
                return value.Length == 0 ? 0f : (float)value[0];
            return node.Attributes.GetFloat("value", 0f);
        }

        protected override float? FillValue(Node node, int[] outputShape) =>
            Mode(node) == "constant" && ((List<CopyPart>)node.Lowering!).Sum(p => ShapeMath.Product(p.Shape)) < ShapeMath.Product(outputShape)
                ? Value(node) : null;

        /// <summary>Begin and end pads for every axis of <paramref name="rank"/> (ONNX order: all begins, then all ends).</summary>
        public static long[] Pads(Node node, int rank, InferenceContext context)
        {
            long[] given;
            long[]? axes = null;
            if (node.Inputs.Count > 1 && node.Inputs[1] != null)
            {
                given = RequireConstant(node, 1, context, "pads").AsInts();
                if (node.Inputs.Count > 2 && node.Inputs[2] != null)
                {
                    var value = RequireConstant(node, 2, context, "constant_value");
                    if (value.Length > 1) throw context.ShapeError(node, "constant_value is not a scalar");
                }
                if (node.Inputs.Count > 3 && node.Inputs[3] != null) axes = RequireConstant(node, 3, context, "axes").AsInts();
            }
            else
            {
                given = node.Attributes.GetInts("pads") ?? throw context.ShapeError(node, "pads are missing");
            }
            int count = axes?.Length ?? rank;
            if (given.Length != 2 * count)
                throw context.ShapeError(node, $"pads has {given.Length} values for {count} axes (expected {2 * count})");
            var pads = new long[2 * rank];
            var seen = new HashSet<int>();
            for (int i = 0; i < count; i++)
            {
                int axis = ShapeMath.NormalizeAxis(axes != null ? axes[i] : i, rank);
                if (axis < 0 || !seen.Add(axis)) throw context.ShapeError(node, "axes are out of range or repeated");
                pads[axis] = given[i];
                pads[axis + rank] = given[i + count];
            }
            return pads;
        }

        protected override List<CopyPart> Plan(Node node, InferenceContext context, out int[][] outputShapes)
        {
            var x = RequireInput(node, 0, context);
            string mode = Mode(node);
            if (mode != "constant" && mode != "edge" && mode != "reflect" && mode != "wrap")
                throw context.Unsupported(node, $"mode '{mode}' is not one of constant, edge, reflect, wrap");
            int rank = x.Rank;
            var pads = Pads(node, rank, context);
            var shape = new int[rank];
            var runs = new List<(int Start, int Length, int Source, int Step)>[rank];
            for (int d = 0; d < rank; d++)
            {
                long size = x.Shape[d] + pads[d] + pads[d + rank];
                if (size <= 0 || size > int.MaxValue) throw context.ShapeError(node, $"axis {d} would have size {size}");
                shape[d] = (int)size;
                if (mode != "constant" && (pads[d] != 0 || pads[d + rank] != 0))
                {
                    if (pads[d] < 0 || pads[d + rank] < 0) throw context.Unsupported(node, $"negative pads in mode '{mode}'");
                    if (mode == "reflect" && (x.Shape[d] < 2 || Math.Max(pads[d], pads[d + rank]) >= x.Shape[d]))
                        throw context.ShapeError(node, $"reflect pads of axis {d} must be smaller than its size {x.Shape[d]}");
                }
                runs[d] = Runs(shape[d], position => Source(mode, position - pads[d], x.Shape[d]));
            }
            outputShapes = new[] { shape };
            var inStrides = Contiguous(x.Shape);
            var outStrides = Contiguous(shape);
            var parts = new List<CopyPart>();
            var choice = new int[rank];
            while (true)
            {
                // One part per combination of one run of every axis, skipping those that are border on some axis.
                if (Enumerable.Range(0, rank).All(d => runs[d][choice[d]].Source >= 0))
                {
                    int sourceOffset = 0, destinationOffset = 0;
                    var partShape = new int[rank];
                    var sourceStrides = new int[rank];
                    for (int d = 0; d < rank; d++)
                    {
                        var run = runs[d][choice[d]];
                        partShape[d] = run.Length;
                        sourceOffset += run.Source * inStrides[d];
                        destinationOffset += run.Start * outStrides[d];
                        sourceStrides[d] = run.Step * inStrides[d];
                    }
                    parts.Add(new CopyPart(0, 0, sourceOffset, destinationOffset, partShape, sourceStrides, outStrides));
                }
                int axis = rank - 1;
                while (axis >= 0 && ++choice[axis] == runs[axis].Count) choice[axis--] = 0;
                if (axis < 0) break;
            }
            return parts;
        }

        /// <summary>The input position output position <paramref name="p"/> (already shifted by the begin pad) repeats; -1 for the border.</summary>
        private static long Source(string mode, long p, long size)
        {
            if (p >= 0 && p < size) return p;
            switch (mode)
            {
                case "edge": return p < 0 ? 0 : size - 1;
                case "reflect": return p < 0 ? -p : 2 * (size - 1) - p;
                case "wrap": return ((p % size) + size) % size;
                default: return -1;
            }
        }

        /// <summary>Cuts an axis's map into maximal runs of one source step; border positions form runs with source -1.</summary>
        private static List<(int Start, int Length, int Source, int Step)> Runs(int size, Func<long, long> source)
        {
            var runs = new List<(int Start, int Length, int Source, int Step)>();
            int start = 0;
            while (start < size)
            {
                long first = source(start);
                int length = 1;
                long step = 0;
                if (start + 1 < size)
                {
                    long next = source(start + 1);
                    if ((first < 0) == (next < 0))
                    {
                        step = first < 0 ? 0 : next - first;
                        while (start + length < size && (first < 0 ? source(start + length) < 0 : source(start + length) == first + step * length)) length++;
                    }
                }
                runs.Add((start, length, (int)first, (int)step));
                start += length;
            }
            return runs;
        }
    }
}
