using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// Not an ONNX operator: the first half of a ConvTranspose. Copies input element j of each spatial axis to
    /// position j·stride + offset of a zero-filled buffer (elements that land outside it are cropped), one strided copy.
    /// </summary>
    public sealed class ZeroInsertion : CopyOperator
    {
        private readonly int[] _strides, _buffer, _offsets;

        public ZeroInsertion(int[] strides, int[] buffer, int[] offsets)
        {
            _strides = strides;
            _buffer = buffer;
            _offsets = offsets;
        }

        public override string OpType => "ZeroInsertion";

        protected override List<CopyPart> Plan(Node node, InferenceContext context, out int[][] outputShapes)
        {
            var x = RequireInput(node, 0, context);
            int spatial = _strides.Length;
            var outputShape = x.Shape.Take(2).Concat(_buffer).ToArray();
            outputShapes = new[] { outputShape };
            var sourceStrides = Contiguous(x.Shape);
            var bufferStrides = Contiguous(outputShape);
            var shape = x.Shape.Take(2).ToList();
            var destinationStrides = bufferStrides.Take(2).ToList();
            int sourceOffset = 0, destinationOffset = 0;
            for (int i = 0; i < spatial; i++)
            {
                int stride = _strides[i], offset = _offsets[i], length = x.Shape[2 + i];
                int first = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
                int end = System.Math.Min(length, (_buffer[i] - 1 - offset) / stride + 1);
                if (_buffer[i] - 1 - offset < 0) end = 0;
                if (end <= first) return new List<CopyPart>();
                shape.Add(end - first);
                destinationStrides.Add(bufferStrides[2 + i] * stride);
                sourceOffset += first * sourceStrides[2 + i];
                destinationOffset += (first * stride + offset) * bufferStrides[2 + i];
            }
            return new List<CopyPart>
            {
                new CopyPart(0, 0, sourceOffset, destinationOffset, shape.ToArray(), sourceStrides, destinationStrides.ToArray()),
            };
        }

        protected override float? FillValue(Node node, int[] outputShape) =>
            ((List<CopyPart>)node.Lowering!).Sum(p => ShapeMath.Product(p.Shape)) < ShapeMath.Product(outputShape) ? 0f : null;
    }
}
