using System.Linq;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>Reductions over one contiguous run of axes (ReduceMean, ReduceSum, ReduceMax, ReduceMin, ReduceSumSquare, ReduceL1, ReduceL2).</summary>
    public abstract class ReduceOperator : OperatorDefinition
    {
        /// <summary>Name of MobileViT.Runtime.ReduceKind.</summary>
        protected abstract string Kind { get; }

        /// <summary>First opset whose axes come from an input rather than an attribute.</summary>
        protected abstract int AxesInputSince { get; }

        public override string Notes => "axes must be constant and contiguous; keepdims; noop_with_empty_axes";

        public override void Infer(Node node, InferenceContext context)
        {
            var x = RequireInput(node, 0, context);
            long[]? axes = context.Opset >= AxesInputSince
                ? (node.Input(1) != null ? RequireConstant(node, 1, context, "axes").AsInts() : null)
                : node.Attributes.GetInts("axes");
            bool keepDims = node.Attributes.GetInt("keepdims", 1) != 0;
            if (axes == null || axes.Length == 0)
            {
                if (node.Attributes.GetInt("noop_with_empty_axes", 0) != 0)
                {
                    node.Lowering = new[] { (int)x.ElementCount, 1, 1 };
                    SetOutput(node, 0, x.Shape, x.Type);
                    return;
                }
                axes = Enumerable.Range(0, x.Rank).Select(i => (long)i).ToArray();
            }
            var normalized = axes.Select(a => ShapeMath.NormalizeAxis(a, x.Rank)).Distinct().OrderBy(a => a).ToArray();
            if (normalized.Any(a => a < 0)) throw context.ShapeError(node, "an axis is out of range");
            if (normalized.Length > 0 && normalized[normalized.Length - 1] - normalized[0] + 1 != normalized.Length)
                throw context.Unsupported(node, $"non-contiguous axes [{string.Join(",", normalized)}]");
            int first = normalized[0], last = normalized[normalized.Length - 1];
            int outer = (int)ShapeMath.Product(x.Shape, 0, first);
            int length = (int)ShapeMath.Product(x.Shape, first, last + 1);
            int inner = (int)ShapeMath.Product(x.Shape, last + 1, x.Rank);
            node.Lowering = new[] { outer, length, inner };
            var shape = keepDims
                ? x.Shape.Select((d, i) => normalized.Contains(i) ? 1 : d).ToArray()
                : x.Shape.Where((d, i) => !normalized.Contains(i)).ToArray();
            if (x.Constant != null)
            {
                var values = new float[outer * inner];
                for (int o = 0; o < outer; o++)
                    for (int i = 0; i < inner; i++)
                    {
                        double acc = Kind == "Max" ? double.NegativeInfinity : Kind == "Min" ? double.PositiveInfinity : 0;
                        for (int r = 0; r < length; r++)
                        {
                            double v = x.Constant[(o * length + r) * inner + i];
                            acc = Kind switch
                            {
                                "Max" => System.Math.Max(acc, v),
                                "Min" => System.Math.Min(acc, v),
                                "SumSquare" or "L2" => acc + v * v,
                                "L1" => acc + System.Math.Abs(v),
                                _ => acc + v,
                            };
                        }
                        values[o * inner + i] = (float)(Kind == "Mean" ? acc / length : Kind == "L2" ? System.Math.Sqrt(acc) : acc);
                    }
                var folded = ConstantTensor.FromFloats(shape, values);
                SetConstantOutput(node, 0, x.Type == ElementType.Float32 ? folded : ConstantTensor.FromInts(shape, folded.AsInts()));
                return;
            }
            SetOutput(node, 0, shape, x.Type);
        }

        public override void Emit(Node node, EmitContext context)
        {
            var p = (int[])node.Lowering!;
            context.Body.Line($"{EmitContext.Runtime}ReduceF32.Run({EmitContext.Runtime}ReduceKind.{Kind}, {context.Read(node.Inputs[0]!)}, {context.Write(node.Outputs[0])}, {p[0]}, {p[1]}, {p[2]});");
        }
    }
}
