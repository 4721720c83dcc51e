using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MobileViT.Runtime;

/// <summary>
/// The depth step of the 256-bit tiles that hold output channels along the vector: 16 channels (two weight vectors)
/// × 6 inputs (one broadcast each), twelve accumulators. Shared by the expansion into depthwise blocks
/// (<see cref="DepthwiseChannelBlocksExpanded"/>, neighbouring pixels of an NCHW row), the stride-2 convolution
/// (<see cref="Conv3x3Stride2ChannelVectorsAvx"/>, every other cell of a row) and the channel-blocked pointwise products
/// (<see cref="PointwiseChannelBlocksAvx"/>, a pixel's lane in each of 6 neighbouring 8-float blocks). Callers check
/// <see cref="Fma.IsSupported"/>.
/// </summary>
internal static unsafe class ChannelVectorTile
{
    /// <summary>
    /// a·/b· += cells[i · <paramref name="cellStride"/>] × the 16 weights at <paramref name="w"/>, for i = 0..5 (a: the first 8
    /// channels, b: the next 8). Callers pass a constant stride, which the inlined addresses fold into displacements.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAdd16x6(float* cells, nint cellStride, float* w,
        ref Vector256<float> a0, ref Vector256<float> b0, ref Vector256<float> a1, ref Vector256<float> b1, ref Vector256<float> a2, ref Vector256<float> b2,
        ref Vector256<float> a3, ref Vector256<float> b3, ref Vector256<float> a4, ref Vector256<float> b4, ref Vector256<float> a5, ref Vector256<float> b5)
    {
        Vector256<float> w0 = Vector256.Load(w), w1 = Vector256.Load(w + 8);
        Vector256<float> x = Vector256.Create(cells[0]);
        a0 = Fma.MultiplyAdd(x, w0, a0); b0 = Fma.MultiplyAdd(x, w1, b0);
        x = Vector256.Create(cells[cellStride]);
        a1 = Fma.MultiplyAdd(x, w0, a1); b1 = Fma.MultiplyAdd(x, w1, b1);
        x = Vector256.Create(cells[2 * cellStride]);
        a2 = Fma.MultiplyAdd(x, w0, a2); b2 = Fma.MultiplyAdd(x, w1, b2);
        x = Vector256.Create(cells[3 * cellStride]);
        a3 = Fma.MultiplyAdd(x, w0, a3); b3 = Fma.MultiplyAdd(x, w1, b3);
        x = Vector256.Create(cells[4 * cellStride]);
        a4 = Fma.MultiplyAdd(x, w0, a4); b4 = Fma.MultiplyAdd(x, w1, b4);
        x = Vector256.Create(cells[5 * cellStride]);
        a5 = Fma.MultiplyAdd(x, w0, a5); b5 = Fma.MultiplyAdd(x, w1, b5);
    }
}
