#if NET9_0_OR_GREATER
using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// Depthwise convolution of small planes at stride 1 with AVX-512 (the last stages of MobileNets, RepViT and MobileViT:
/// 960 channels of 7×7, 576 of 14×14). When the output is as wide as the input, output cell p of a plane reads input
/// cell p + (ky·dH − padTop)·W + (kx·dW − padLeft) for tap (ky, kx): one constant offset per tap over the whole
/// flattened plane. So every tap is one masked load straight from the input, with no padded copy: the lanes whose tap
/// falls outside the plane (padding, or the neighbouring row) are masked off, read as zero and never fault. The masks
/// depend only on the geometry, so they are built once per call and serve every plane. The per-plane copy in, copy out
/// and partial row stores of the other paths cost several times the 9 to 25 multiply-adds per vector here.
/// </summary>
internal static unsafe class DepthwiseMaskedPlanes
{
    /// <summary>Masks one call may keep: taps × vectors of the plane (5×5 taps over a 16×16 plane is 400).</summary>
    public const int MaxMasks = 512;

    private const int Lanes = 16;

    public static bool Supports(in Conv2dGeometry g) =>
        Avx512F.IsSupported && g.StrideHeight == 1 && g.StrideWidth == 1 && g.OutWidth == g.InWidth
        && g.OutHeight * g.OutWidth <= 256 && MaskCount(g, 0, g.OutHeight) <= MaxMasks;

    /// <summary>Masks for output rows [rowStart, rowEnd): taps × vectors of their cells.</summary>
    public static int MaskCount(in Conv2dGeometry g, int rowStart, int rowEnd) =>
        g.KernelHeight * g.KernelWidth * VectorCount(g, rowStart, rowEnd);

    private static int VectorCount(in Conv2dGeometry g, int rowStart, int rowEnd) => ((rowEnd - rowStart) * g.OutWidth + Lanes - 1) / Lanes;

    /// <summary>offsets[tap]: where tap (ky, kx) of output cell p is in the flattened input plane, relative to p.</summary>
    public static void BuildOffsets(in Conv2dGeometry g, int* offsets)
    {
        for (int ky = 0, tap = 0; ky < g.KernelHeight; ky++)
            for (int kx = 0; kx < g.KernelWidth; kx++, tap++)
                offsets[tap] = (ky * g.DilationHeight - g.PadTop) * g.InWidth + kx * g.DilationWidth - g.PadLeft;
    }

    /// <summary>masks[tap · vectors + v], lane l: output cell rowStart·W + 16v + l exists and its tap lies inside the plane.</summary>
    public static void BuildMasks(in Conv2dGeometry g, int rowStart, int rowEnd, Vector512<float>* masks)
    {
        int width = g.OutWidth, vectors = VectorCount(g, rowStart, rowEnd);
        int firstCell = rowStart * width, endCell = rowEnd * width;
        float* lanes = stackalloc float[Lanes];
        for (int ky = 0, tap = 0; ky < g.KernelHeight; ky++)
            for (int kx = 0; kx < g.KernelWidth; kx++, tap++)
            {
                int dy = ky * g.DilationHeight - g.PadTop, dx = kx * g.DilationWidth - g.PadLeft;
                for (int v = 0; v < vectors; v++)
                {
                    for (int l = 0; l < Lanes; l++)
                    {
                        int cell = firstCell + v * Lanes + l, y = cell / width, x = cell % width;
                        bool inside = cell < endCell && (uint)(y + dy) < (uint)g.InHeight && (uint)(x + dx) < (uint)width;
                        lanes[l] = inside ? BitConverter.Int32BitsToSingle(-1) : 0f;
                    }
                    masks[tap * vectors + v] = Vector512.Load(lanes);
                }
            }
    }

    /// <summary>
    /// Output rows [rowStart, rowEnd) of one plane, before the epilogue. Every cell is the same chain of multiply-adds
    /// (taps in order, from zero) whichever rows a call covers, so splitting rows across threads changes nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Plane(float* plane, float* kernel, float* output, in Conv2dGeometry g, int rowStart, int rowEnd, Vector512<float>* masks, int* offsets)
    {
        int width = g.OutWidth, vectors = VectorCount(g, rowStart, rowEnd), taps = g.KernelHeight * g.KernelWidth;
        int firstCell = rowStart * width, cells = (rowEnd - rowStart) * width;
        float* from = plane + firstCell;
        float* to = output + firstCell;
        int v = 0;
        // Four vectors at a time: four independent chains of multiply-adds keep the FMA units busy.
        for (; v + 4 <= vectors; v += 4)
        {
            Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
            for (int tap = 0; tap < taps; tap++)
            {
                float* at = from + v * Lanes + offsets[tap];
                Vector512<float>* mask = masks + tap * vectors + v;
                Vector512<float> w = Vector512.Create(kernel[tap]);
                s0 = Avx512F.FusedMultiplyAdd(Avx512F.MaskLoad(at, mask[0], Vector512<float>.Zero), w, s0);
                s1 = Avx512F.FusedMultiplyAdd(Avx512F.MaskLoad(at + Lanes, mask[1], Vector512<float>.Zero), w, s1);
                s2 = Avx512F.FusedMultiplyAdd(Avx512F.MaskLoad(at + 2 * Lanes, mask[2], Vector512<float>.Zero), w, s2);
                s3 = Avx512F.FusedMultiplyAdd(Avx512F.MaskLoad(at + 3 * Lanes, mask[3], Vector512<float>.Zero), w, s3);
            }
            Vector512Isa.StorePartial(to + v * Lanes, s0, cells - v * Lanes);
            Vector512Isa.StorePartial(to + (v + 1) * Lanes, s1, cells - (v + 1) * Lanes);
            Vector512Isa.StorePartial(to + (v + 2) * Lanes, s2, cells - (v + 2) * Lanes);
            Vector512Isa.StorePartial(to + (v + 3) * Lanes, s3, cells - (v + 3) * Lanes);
        }
        for (; v < vectors; v++)
        {
            Vector512<float> sum = Vector512<float>.Zero;
            for (int tap = 0; tap < taps; tap++)
                sum = Avx512F.FusedMultiplyAdd(Avx512F.MaskLoad(from + v * Lanes + offsets[tap], masks[tap * vectors + v], Vector512<float>.Zero),
                    Vector512.Create(kernel[tap]), sum);
            Vector512Isa.StorePartial(to + v * Lanes, sum, cells - v * Lanes);
        }
    }
}
#endif
