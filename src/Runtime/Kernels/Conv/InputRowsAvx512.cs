using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// Reading convolution taps straight from NCHW input rows with 512-bit vectors, without a padded copy: rows outside
/// the plane are a zero row, cells past a row's end load as zeros, and the taps one or two cells to the side are the
/// aligned vector shifted with its neighbour (VALIGND). Shared by the direct-row depthwise kernels
/// (<see cref="DepthwiseConvolution"/>) and the shallow stem convolution (<see cref="ShallowConv3x3Stride2"/>).
/// </summary>
internal static unsafe class InputRowsAvx512
{
    /// <summary>Row y of a plane, or the zero row standing in for the padding above and below it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float* InputRow(float* plane, int y, int width, int height, float* zeroRow)
        => (uint)y < (uint)height ? plane + (nint)y * width : zeroRow;

    /// <summary>Floats [x, x + 16) of a row of <paramref name="width"/>, zeros past its end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadRowVector(float* row, int x, int width) =>
        x + 16 <= width ? Vector512.Load(row + x) : x < width ? Vector512Isa.LoadPartial(row + x, width - x) : Vector512<float>.Zero;

    /// <summary>previous[15] then current[0..14]: the vector starting one float to the left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ShiftInFromLeft(Vector512<float> current, Vector512<float> previous) =>
        Avx512F.AlignRight32(current.AsUInt32(), previous.AsUInt32(), 15).AsSingle();

    /// <summary>Floats current[1..15] then next[0]: the vector starting one float to the right.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ShiftByOne(Vector512<float> next, Vector512<float> current) =>
        Avx512F.AlignRight32(next.AsUInt32(), current.AsUInt32(), 1).AsSingle();

    /// <summary>Floats current[2..15] then next[0..1]: the vector starting two floats to the right.</summary>
    /// <remarks>The shift is an instruction immediate, so each amount has its own method (a parameter is only constant if inlined).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ShiftByTwo(Vector512<float> next, Vector512<float> current) =>
        Avx512F.AlignRight32(next.AsUInt32(), current.AsUInt32(), 2).AsSingle();
}
