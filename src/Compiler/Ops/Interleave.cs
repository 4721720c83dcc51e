using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// Not an ONNX operator: the last step of a strided ConvTranspose. Input p holds output phase p (row phase p / the
    /// column phase count, column phase p mod it); its element (q, q') goes to output (q·stride + r, q'·stride + r').
    /// One strided copy per phase.
    /// </summary>
    public sealed class Interleave : CopyOperator
    {
        private readonly int[] _strides, _phaseCounts, _size;

        public Interleave(int[] strides, int[] phaseCounts, int[] size)
        {
            _strides = strides;
            _phaseCounts = phaseCounts;
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
                int[] residues = spatial == 2 ? new[] { p / _phaseCounts[1], p % _phaseCounts[1] } : new[] { p };
                var destinationStrides = outputStrides.Take(2).Concat(Enumerable.Range(0, spatial).Select(a => outputStrides[2 + a] * _strides[a])).ToArray();
                int offset = Enumerable.Range(0, spatial).Sum(a => residues[a] * outputStrides[2 + a]);
                parts.Add(new CopyPart(p, 0, 0, offset, phase.Shape, Contiguous(phase.Shape), destinationStrides));
            }
            return parts;
        }
    }
}
