using System;
using System.Linq;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// The 2-D window geometry shared by Conv, MaxPool and AveragePool (1-D windows are treated as height 1):
    /// kernel, strides, dilations, explicit or auto_pad padding, ceil_mode.
    /// </summary>
    public sealed class SpatialGeometry
    {
        public int Batch, InChannels, InHeight, InWidth, OutChannels, OutHeight, OutWidth;
        public int KernelHeight, KernelWidth, StrideHeight, StrideWidth, PadTop, PadLeft, PadBottom, PadRight;
        public int DilationHeight, DilationWidth, Groups;

        public static SpatialGeometry Compute(Node node, Tensor x, int[] kernel, int outChannels, int groups, bool ceilMode, InferenceContext context)
        {
            int spatial = x.Rank - 2;
            if (spatial != 1 && spatial != 2)
                throw context.Unsupported(node, $"{spatial}-D windows; only 1-D and 2-D are supported");
            if (kernel.Length != spatial) throw context.ShapeError(node, "kernel_shape does not match the input rank");
            var a = node.Attributes;
            var strides = Ints(a.GetInts("strides"), spatial, 1);
            var dilations = Ints(a.GetInts("dilations"), spatial, 1);
            var pads = Ints(a.GetInts("pads"), 2 * spatial, 0);
            if (strides.Any(s => s <= 0) || dilations.Any(d => d <= 0) || kernel.Any(k => k <= 0) || pads.Any(p => p < 0))
                throw context.ShapeError(node, "strides, dilations and kernel sizes must be positive and pads non-negative");
            var input = x.Shape.Skip(2).ToArray();
            var output = new int[spatial];
            string autoPad = a.GetString("auto_pad", "NOTSET");
            for (int i = 0; i < spatial; i++)
            {
                int extent = dilations[i] * (kernel[i] - 1) + 1;
                switch (autoPad)
                {
                    case "NOTSET":
                    case "":
                        long padded = (long)input[i] + pads[i] + pads[i + spatial] - extent;
                        if (padded < 0) throw context.ShapeError(node, $"the window ({extent}) is larger than the padded input ({input[i] + pads[i] + pads[i + spatial]})");
                        output[i] = (int)(ceilMode ? (padded + strides[i] - 1) / strides[i] + 1 : padded / strides[i] + 1);
                        if (ceilMode && (output[i] - 1) * strides[i] >= input[i] + pads[i]) output[i]--;
                        break;
                    case "VALID":
                        if (input[i] < extent) throw context.ShapeError(node, "the window is larger than the input");
                        output[i] = (input[i] - extent) / strides[i] + 1;
                        pads[i] = pads[i + spatial] = 0;
                        break;
                    case "SAME_UPPER":
                    case "SAME_LOWER":
                        output[i] = (input[i] + strides[i] - 1) / strides[i];
                        int total = Math.Max(0, (output[i] - 1) * strides[i] + extent - input[i]);
                        int small = total / 2;
                        pads[i] = autoPad == "SAME_UPPER" ? small : total - small;
                        pads[i + spatial] = total - pads[i];
                        break;
                    default:
                        throw context.Unsupported(node, $"auto_pad '{autoPad}'");
                }
            }
            bool oneD = spatial == 1;
            return new SpatialGeometry
            {
                Batch = x.Shape[0], InChannels = x.Shape[1], OutChannels = outChannels, Groups = groups,
                InHeight = oneD ? 1 : input[0], InWidth = input[spatial - 1],
                OutHeight = oneD ? 1 : output[0], OutWidth = output[spatial - 1],
                KernelHeight = oneD ? 1 : kernel[0], KernelWidth = kernel[spatial - 1],
                StrideHeight = oneD ? 1 : strides[0], StrideWidth = strides[spatial - 1],
                DilationHeight = oneD ? 1 : dilations[0], DilationWidth = dilations[spatial - 1],
                PadTop = oneD ? 0 : pads[0], PadLeft = pads[spatial - 1],
                PadBottom = oneD ? 0 : pads[spatial], PadRight = pads[2 * spatial - 1],
            };
        }

        public int[] OutputShape(int rank) =>
            rank == 3 ? new[] { Batch, OutChannels, OutWidth } : new[] { Batch, OutChannels, OutHeight, OutWidth };

        /// <summary>
        /// A static field holding the MobileViT.Runtime.Conv2dGeometry; with channel strides when the memory plan pads the
        /// input's or the output's planes (0: contiguous).
        /// </summary>
        public string Declare(EmitContext context, int inputChannelStride = 0, int outputChannelStride = 0) =>
            context.StaticField(EmitContext.Runtime + "Conv2dGeometry",
                $"new {EmitContext.Runtime}Conv2dGeometry({Batch}, {InChannels}, {InHeight}, {InWidth}, {OutChannels}, {OutHeight}, {OutWidth}, " +
                $"{KernelHeight}, {KernelWidth}, {StrideHeight}, {StrideWidth}, {PadTop}, {PadLeft}, {DilationHeight}, {DilationWidth}, {Groups}" +
                (inputChannelStride == 0 && outputChannelStride == 0 ? ")" : $", {inputChannelStride}, {outputChannelStride})"));

        public string Describe() =>
            $"{KernelHeight}x{KernelWidth}" + (StrideHeight != 1 || StrideWidth != 1 ? $" s{StrideHeight}" : "") +
            (DilationHeight != 1 || DilationWidth != 1 ? (DilationHeight == DilationWidth ? $" d{DilationHeight}" : $" d{DilationHeight}x{DilationWidth}") : "") +
            (Groups == 1 ? "" : Groups == InChannels && Groups == OutChannels ? " depthwise" : $" g{Groups}");

        private static int[] Ints(long[]? values, int count, int fallback)
        {
            if (values == null || values.Length == 0) return Enumerable.Repeat(fallback, count).ToArray();
            if (values.Length != count) return values.Select(v => (int)v).Concat(Enumerable.Repeat(fallback, Math.Max(0, count - values.Length))).Take(count).ToArray();
            return values.Select(v => v > int.MaxValue ? int.MaxValue : v < int.MinValue ? int.MinValue : (int)v).ToArray();
        }
    }
}
