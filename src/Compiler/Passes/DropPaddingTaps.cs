using System.Linq;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;

namespace MobileViT.Compiler.Passes
{
    /// <summary>
    /// Kernel rows or columns that read only padding, at every output position, are dropped from a 2-D convolution.
    /// DeepLabv3's atrous convolutions (dilation 12, 24, 36) on a small feature map are the case: on 10 × 14, the 3 × 3
    /// taps of dilation 24 all fall outside but the centre, so the convolution is a 1 × 1 one and runs as a matrix
    /// product instead of multiplying eight taps of zeros. The output is the same sum without its zero terms.
    /// </summary>
    public static class DropPaddingTaps
    {
        public static void Run(Graph graph)
        {
            foreach (var conv in graph.Nodes.ToArray())
            {
                if (!graph.Contains(conv) || !(conv.Op is Conv) || !(conv.Lowering is SpatialGeometry g) || conv.Inputs[0]!.Rank != 4) continue;
                var weight = conv.Inputs[1];
                if (weight?.Constant == null || weight.Rank != 4) continue;
                var (y0, y1) = ReadTaps(g.KernelHeight, g.DilationHeight, g.StrideHeight, g.PadTop, g.InHeight, g.OutHeight);
                var (x0, x1) = ReadTaps(g.KernelWidth, g.DilationWidth, g.StrideWidth, g.PadLeft, g.InWidth, g.OutWidth);
                if (y0 < 0 || x0 < 0 || (y0 == 0 && y1 == g.KernelHeight - 1 && x0 == 0 && x1 == g.KernelWidth - 1)) continue;
                int top = g.PadTop - y0 * g.DilationHeight, bottom = g.PadBottom - (g.KernelHeight - 1 - y1) * g.DilationHeight;
                int left = g.PadLeft - x0 * g.DilationWidth, right = g.PadRight - (g.KernelWidth - 1 - x1) * g.DilationWidth;
                if (top < 0 || bottom < 0 || left < 0 || right < 0) continue;

                int height = y1 - y0 + 1, width = x1 - x0 + 1;
                var shape = weight.Shape;
                var cropped = Crop(weight.Constant.AsFloats(), shape, y0, height, x0, width);
                var croppedShape = new[] { shape[0], shape[1], height, width };
                var recipe = new ComputedWeight("CropKernel", new[] { weight.Constant }, new[] { new[] { shape[0], shape[1], shape[2], shape[3], y0, height, x0, width } });
                var croppedWeight = new Tensor(weight.Name + "_taps", ElementType.Float32, croppedShape)
                {
                    Constant = ConstantTensor.FromFloats(croppedShape, cropped, recipe),
                };
                weight.Consumers.Remove(conv);
                conv.Inputs[1] = croppedWeight;
                croppedWeight.Consumers.Add(conv);

                g.KernelHeight = height;
                g.KernelWidth = width;
                g.PadTop = top;
                g.PadBottom = bottom;
                g.PadLeft = left;
                g.PadRight = right;
                // One tap along an axis reads no neighbour: its dilation means nothing, and 1 lets the 1 × 1 paths take it.
                if (height == 1) g.DilationHeight = 1;
                if (width == 1) g.DilationWidth = 1;
            }
        }

        /// <summary>First and last kernel tap along one axis that reads the input at some output position; (-1, -1) if none.</summary>
        private static (int First, int Last) ReadTaps(int kernel, int dilation, int stride, int padBefore, int input, int output)
        {
            int first = -1, last = -1;
            for (int k = 0; k < kernel; k++)
            {
                bool reads = false;
                for (int o = 0; o < output && !reads; o++)
                {
                    long position = (long)o * stride - padBefore + (long)k * dilation;
                    reads = position >= 0 && position < input;
                }
                if (!reads) continue;
                if (first < 0) first = k;
                last = k;
            }
            return (first, last);
        }

        /// <summary>The same crop as the runtime's WeightMath.CropKernel, for folding and checks at compile time.</summary>
        private static float[] Crop(float[] source, int[] shape, int y0, int height, int x0, int width)
        {
            int planes = shape[0] * shape[1], kh = shape[2], kw = shape[3];
            var result = new float[planes * height * width];
            for (int plane = 0; plane < planes; plane++)
                for (int y = 0; y < height; y++)
                    System.Array.Copy(source, (plane * kh + y0 + y) * kw + x0, result, (plane * height + y) * width, width);
            return result;
        }
    }
}
