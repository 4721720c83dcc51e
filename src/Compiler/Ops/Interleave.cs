using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// Not an ONNX operator: the last step of a strided ConvTranspose. There is one phase per residue along each axis,
    /// so input p holds output phase p (row phase p / the column stride, column phase p mod it); its element (q, q')
    /// goes to output (q·stride + r, q'·stride + r').
    /// With stride 2 along the width, each output row is a zip of two phase rows (InterleaveF32.ZipRows); otherwise one
    /// strided copy per phase.
    /// </summary>
    public sealed class Interleave : CopyOperator
    {
        private readonly int[] _strides, _size;

        public Interleave(int[] strides, int[] size)
        {
            _strides = strides;
            _size = size;
        }

        public override string OpType => "Interleave";

        protected override bool IsDataInput(int index) => true;

        protected override List<CopyPart> Plan(Node node, InferenceContext context, out int[][] outputShapes)
        {
            var first = RequireInput(node, 0, context);
            int spatial = _strides.Length;
            var outputShape = first.Shape.Take(2).Concat(_size).ToArray();
            outputShapes = new[] { outputShape };
            var outputStrides = Contiguous(outputShape);
            var parts = new List<CopyPart>();
            for (int p = 0; p < node.Inputs.Count; p++)
            {
                var phase = node.Inputs[p]!;
                int[] residues = spatial == 2 ? new[] { p / _strides[1], p % _strides[1] } : new[] { p };
                var destinationStrides = outputStrides.Take(2).Concat(Enumerable.Range(0, spatial).Select(a => outputStrides[2 + a] * _strides[a])).ToArray();
                int offset = Enumerable.Range(0, spatial).Sum(a => residues[a] * outputStrides[2 + a]);
                parts.Add(new CopyPart(p, 0, 0, offset, phase.Shape, Contiguous(phase.Shape), destinationStrides));
            }
            return parts;
        }

        public override void Emit(Node node, EmitContext context)
        {
            int spatial = _strides.Length;
            if (_strides[spatial - 1] != 2)
            {
                base.Emit(node, context);
                return;
            }
            var output = node.Outputs[0];
            int width = output.Shape[output.Rank - 1];
            int height = spatial == 2 ? output.Shape[output.Rank - 2] : 1;
            int planes = output.Shape[0] * output.Shape[1];
            int rowPhases = spatial == 2 ? _strides[0] : 1;
            int rowStride = rowPhases * width;
            for (int r = 0; r < rowPhases; r++)
            {
                var even = node.Inputs[2 * r]!;
                var odd = node.Inputs[2 * r + 1]!;
                int rows = spatial == 2 ? even.Shape[even.Rank - 2] : 1;
                int evenWidth = even.Shape[even.Rank - 1], oddWidth = odd.Shape[odd.Rank - 1];
                string destination = r == 0 ? context.Write(output) : $"{context.Write(output)}.Slice({r * width})";
                context.Body.Line($"global::MobileViT.Runtime.InterleaveF32.ZipRows({context.Read(even)}, {context.Read(odd)}, {destination}, " +
                                  $"{planes}, {rows}, {evenWidth}, {oddWidth}, {rowStride}, {height * width});");
            }
        }
    }
}
