using System.Collections.Generic;
using System.Linq;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// The output phases of a transposed convolution along one axis. Output o = q·stride + r reads input j through
    /// kernel tap k exactly when o = j·stride + k·dilation - pad, so phase r sees only the taps with
    /// k·dilation ≡ r + pad (mod stride), each at a fixed input offset: an ordinary stride-1 convolution of the input
    /// with those taps, in reverse. Running the phases as convolutions and interleaving their outputs skips the
    /// stride² - 1 of every stride² products a zero-inserted input would multiply by zero.
    /// </summary>
    internal static class ConvTransposePhases
    {
        /// <summary>
        /// One phase along one axis: its output count, the kernel taps in convolution order and that convolution's
        /// geometry. The convolution's own padding is less than a window; what the phase needs beyond that (large pads
        /// crop the input, large output_padding reads past its end) is AdjustBefore/AdjustAfter: zeros added (positive)
        /// or input elements dropped (negative) at each end by a copy before the convolution.
        /// </summary>
        public sealed class AxisPhase
        {
            public int Residue, Count, Dilation, PadBefore, PadAfter, AdjustBefore, AdjustAfter;
            public int[] Taps = new int[0];

            public bool Adjusts => AdjustBefore != 0 || AdjustAfter != 0;
        }

        /// <summary>
        /// The phases of one axis, or null when one of them has no tap (a stride sharing a factor with the dilation) or
        /// the adjusted input would be empty; the caller then convolves a zero-inserted input instead.
        /// </summary>
        public static AxisPhase[]? Compute(int input, int output, int kernel, int stride, int dilation, int padBefore)
        {
            if (output < stride) return null;
            var phases = new AxisPhase[stride];
            for (int r = 0; r < stride; r++)
            {
                var taps = Enumerable.Range(0, kernel).Where(k => Modulo((long)k * dilation - r - padBefore, stride) == 0).ToList();
                if (taps.Count == 0) return null;
                int count = (output - r + stride - 1) / stride;
                int tapDilation = taps.Count > 1 ? (taps[1] - taps[0]) * dilation / stride : 1;
                int extent = (taps.Count - 1) * tapDilation + 1;
                // The last tap reads input q - t with t = (k·d - r - pad) / stride, the farthest back: the padding before.
                long before = ((long)taps[taps.Count - 1] * dilation - r - padBefore) / stride;
                long after = count - 1 + extent - input - before;
                long convBefore = Clamp(before, extent - 1), convAfter = Clamp(after, extent - 1);
                if (input + (before - convBefore) + (after - convAfter) < 1) return null;
                taps.Reverse();
                phases[r] = new AxisPhase
                {
                    Residue = r, Count = count, Dilation = tapDilation, PadBefore = (int)convBefore, PadAfter = (int)convAfter,
                    AdjustBefore = (int)(before - convBefore), AdjustAfter = (int)(after - convAfter), Taps = taps.ToArray(),
                };
            }
            return phases;
        }

        private static long Clamp(long value, long max) => value < 0 ? 0 : value > max ? max : value;

        private static long Modulo(long value, int divisor) => ((value % divisor) + divisor) % divisor;
    }
}
