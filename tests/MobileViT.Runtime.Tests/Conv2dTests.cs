using System;
using System.Collections.Generic;
using System.Linq;
using MobileViT.Runtime.Simd;
using MobileViT.Runtime.Tests.Reference;

namespace MobileViT.Runtime.Tests;

/// <summary>Tester for the convolution family: every variant and every internal kernel against the naive definition.</summary>
public class Conv2dTests
{
    /// <summary>
    /// For convolutions whose <see cref="Conv2dF32.PackWeights"/> appends a second layout after the ONNX one (Winograd's
    /// kernels, per-tap matrices): the packed weights are that long, and both they (the appended layout's path) and the
    /// ONNX layout alone (the path they replace) match the naive definition with bias, residual and activation,
    /// overwriting whatever the output held.
    /// </summary>
    internal static void AssertBothWeightLayoutsMatchNaive(Conv2dGeometry g, KernelIsa isa, int seed, long appendedLength,
        Activation activation, string appendedPath, string onnxLayoutPath)
    {
        float[] input = TestData.Random((int)g.InputLength, seed, -2f, 2f);
        float[] weights = TestData.Random((int)g.WeightLength, seed + 1);
        float[] bias = TestData.Random(g.OutChannels, seed + 2);
        float[] residual = TestData.Random((int)g.OutputLength, seed + 3);
        float[] expected = NaiveReference.Conv2d(input, weights, bias, residual, g, activation);
        float[] packed = Conv2dF32.PackWeights(weights, g);
        Assert.Equal(g.WeightLength + appendedLength, packed.Length);
        foreach (bool appended in new[] { true, false })
        {
            float[] output = TestData.Random((int)g.OutputLength, seed + 4); // stale values must be overwritten
            Conv2dF32.Run(input, appended ? packed : weights, bias, residual, output, g, activation, isa);
            TestData.AssertClose(output, expected, 1e-5, $"{isa} {g} {(appended ? appendedPath : onnxLayoutPath)}");
        }
    }

    /// <summary>Geometry with output size from the ONNX formula; bottom/right padding defaults to top/left.</summary>
    internal static Conv2dGeometry Geometry(int batch, int inChannels, int height, int width, int outChannels, int kernel, int stride, int pad,
        int dilation = 1, int groups = 1, int? padBottom = null, int? kernelWidth = null, int? padLeft = null)
    {
        int kw = kernelWidth ?? kernel;
        int pl = padLeft ?? pad;
        int outHeight = (height + pad + (padBottom ?? pad) - dilation * (kernel - 1) - 1) / stride + 1;
        int outWidth = (width + pl + pl - dilation * (kw - 1) - 1) / stride + 1;
        return new Conv2dGeometry(batch, inChannels, height, width, outChannels, outHeight, outWidth, kernel, kw, stride, stride, pad, pl, dilation, dilation, groups);
    }

    public static readonly Dictionary<string, Conv2dGeometry> Geometries = new()
    {
        ["Pointwise 3->5 7x9"] = Geometry(1, 3, 7, 9, 5, 1, 1, 0),
        ["Pointwise 17->33 5x13"] = Geometry(1, 17, 5, 13, 33, 1, 1, 0),
        ["Pointwise 16->24 8x8 batch2"] = Geometry(2, 16, 8, 8, 24, 1, 1, 0),
        ["Pointwise 64->16 1x1"] = Geometry(1, 64, 1, 1, 16, 1, 1, 0),
        ["Pointwise 300->7 6x7 (depth chunks)"] = Geometry(1, 300, 6, 7, 7, 1, 1, 0),
        ["Pointwise 160->20 7x7 (depth chunks; 48 columns by the 3-vector tile, the 49th as dot products)"] = Geometry(1, 160, 7, 7, 20, 1, 1, 0),
        ["Pointwise 100->14 7x7 (the 49th column inside the 6-row tiles; depth not a multiple of 16; 2 rows left)"] = Geometry(1, 100, 7, 7, 14, 1, 1, 0),
        ["Pointwise 300->13 7x7 batch2 (the 49th column in the tiles over three depth chunks, the last partial; 1 row left)"] = Geometry(2, 300, 7, 7, 13, 1, 1, 0),
        ["Pointwise 24->13 14x14 (a last panel of 4 columns, all dot products)"] = Geometry(1, 24, 14, 14, 13, 1, 1, 0),
        ["Pointwise 40->53 10x10 (a last panel of 4 columns: 48 rows four tiles at a time, one tile of 6 alone, 5 rows left)"] = Geometry(1, 40, 10, 10, 53, 1, 1, 0),
        ["Pointwise 150->30 14x14 (a last panel of 4 columns over two depth chunks, 24 rows four tiles at a time)"] = Geometry(1, 150, 14, 14, 30, 1, 1, 0),
        ["Pointwise 200->14 16x16 (whole panels read in place in depth chunks of 128 and 72; the 6 x 4-vector tiles finish the epilogue on the last)"] = Geometry(1, 200, 16, 16, 14, 1, 1, 0),
        ["Pointwise 16->50 80x70 (a shallow product with 280,000 outputs: rows in groups of 24, the last of 2)"] = Geometry(1, 16, 80, 70, 50, 1, 1, 0),
        ["Pointwise 20->50 64x96 (a shallow product on rows 4 KiB apart: rows in groups of 24, each block of B copied once for all groups)"] = Geometry(1, 20, 64, 96, 50, 1, 1, 0),
        ["Pointwise 200->40 5x5 (an SSD head's plane: a narrow panel of 25 columns, two-vector tiles over two depth chunks)"] = Geometry(1, 200, 5, 5, 40, 1, 1, 0),
        ["Pointwise 37->21 on a 1x1 plane batch 2 (squeeze-excitation: one column)"] = Geometry(2, 37, 1, 1, 21, 1, 1, 0),
        ["Pointwise 21->70 on a 1x1 plane batch 2 (squeeze-excitation's expanding half: the transposed weights' panels, the last of 6 columns)"] = Geometry(2, 21, 1, 1, 70, 1, 1, 0),
        ["Pointwise 150->200 on a 1x1 plane (the transposed weights' panels: three whole, two depth chunks)"] = Geometry(1, 150, 1, 1, 200, 1, 1, 0),
        ["Pointwise 64->8 on a 1x1 plane (depth a multiple of every vector width)"] = Geometry(1, 64, 1, 1, 8, 1, 1, 0),
        ["Depthwise 3x3 s1 p1 5ch 9x13"] = Geometry(1, 5, 9, 13, 5, 3, 1, 1, groups: 5),
        ["Depthwise 3x3 s1 p1 3ch 17x33 batch2"] = Geometry(2, 3, 17, 33, 3, 3, 1, 1, groups: 3),
        ["Depthwise 3x3 s2 p1 4ch 15x17"] = Geometry(1, 4, 15, 17, 4, 3, 2, 1, groups: 4),
        ["Depthwise 3x3 s2 p1 2ch 16x16"] = Geometry(1, 2, 16, 16, 2, 3, 2, 1, groups: 2),
        ["Depthwise 3x3 s1 p1 7x7 (narrower than a vector)"] = Geometry(1, 3, 7, 7, 3, 3, 1, 1, groups: 3),
        ["Depthwise 5x5 s1 p2 6ch 7x7 batch2 (flattened small plane)"] = Geometry(2, 6, 7, 7, 6, 5, 1, 2, groups: 6),
        ["Depthwise 3x3 d2 p2 4ch 8x6 (flattened, dilated)"] = Geometry(1, 4, 8, 6, 4, 3, 1, 2, dilation: 2, groups: 4),
        ["Depthwise 3x3 s1 p1 2ch 6x5 pad bottom 0 (flattened)"] = Geometry(1, 2, 6, 5, 2, 3, 1, 1, groups: 2, padBottom: 0),
        ["Depthwise 5x5 s2 p2 3ch 19x21"] = Geometry(1, 3, 19, 21, 3, 5, 2, 2, groups: 3),
        ["Depthwise 3x3 d2 p2 3ch 11x12"] = Geometry(1, 3, 11, 12, 3, 3, 1, 2, dilation: 2, groups: 3),
        ["Depthwise 3x3 s3 p1 (implicit GEMM)"] = Geometry(1, 3, 11, 13, 3, 3, 3, 1, groups: 3),
        ["Depthwise 3x3 s2 p1 3ch 70x75 (rows split in whole vectors and a tail)"] = Geometry(1, 3, 70, 75, 3, 3, 2, 1, groups: 3),
        ["Depthwise 5x5 s2 p2 2ch 40x67 (even pad, odd width)"] = Geometry(1, 2, 40, 67, 2, 5, 2, 2, groups: 2),
        ["Depthwise 7x7 s2 p3 2ch 37x66 (pad 3)"] = Geometry(1, 2, 37, 66, 2, 7, 2, 3, groups: 2),
        ["Depthwise 3x3 s2 p1 pad bottom 0"] = Geometry(1, 3, 12, 12, 3, 3, 2, 1, groups: 3, padBottom: 0),
        ["Depthwise 3x3 s2 p0 asymmetric (TF SAME)"] = Geometry(1, 3, 12, 12, 3, 3, 2, 0, groups: 3, padBottom: 1),
        ["Depthwise 3x3 s2 p1 37ch 14x14 batch2 (channel blocks: two whole, one of 5)"] = Geometry(2, 37, 14, 14, 37, 3, 2, 1, groups: 37),
        ["Depthwise 3x3 s1 p1 20ch 7x7 (channel blocks)"] = Geometry(1, 20, 7, 7, 20, 3, 1, 1, groups: 20),
        ["Depthwise 5x5 s1 p2 17ch 14x13 (channel blocks, 25 taps)"] = Geometry(1, 17, 14, 13, 17, 5, 1, 2, groups: 17),
        ["Depthwise 3x3 s2 p0 18ch 28x28 TF SAME (channel blocks, bottom padding only)"] = Geometry(1, 18, 28, 28, 18, 3, 2, 0, groups: 18, padBottom: 1),
        ["Depthwise 7x7 s1 p3 16ch 9x9 (channel blocks, 49 taps)"] = Geometry(1, 16, 9, 9, 16, 7, 1, 3, groups: 16),
        ["Depthwise 5x5 s2 p2 17ch 70x66 (channel blocks on a plane over 56x56, in bands)"] = Geometry(1, 17, 70, 66, 17, 5, 2, 2, groups: 17),
        ["Depthwise 3x3 d2 p2 16ch 12x12 (channel blocks, dilated)"] = Geometry(1, 16, 12, 12, 16, 3, 1, 2, dilation: 2, groups: 16),
        ["Depthwise 5x5 s2 p2 20ch 50x56 (channel blocks in bands of output rows)"] = Geometry(1, 20, 50, 56, 20, 5, 2, 2, groups: 20),
        ["Depthwise 3x3 s2 p1 20ch 50x56 (direct rows, not channel blocks: rows of 28 outputs)"] = Geometry(1, 20, 50, 56, 20, 3, 2, 1, groups: 20),
        ["Depthwise 3x3 s1 p1 24ch 24x24 (channel blocks: rows of 24 in eight-cell groups)"] = Geometry(1, 24, 24, 24, 24, 3, 1, 1, groups: 24),
        ["Depthwise 5x5 s2 p2 16ch 27x23 (channel blocks: groups past rows of 12, odd taps after even)"] = Geometry(1, 16, 27, 23, 16, 5, 2, 2, groups: 16),
        ["Depthwise 5x5 s1 p2 17ch 40x40 (channel blocks in bands)"] = Geometry(1, 17, 40, 40, 17, 5, 1, 2, groups: 17),
        ["Depthwise 5x5 s2 p2 16ch 9x192 (channel blocks, one output row per band)"] = Geometry(1, 16, 9, 192, 16, 5, 2, 2, groups: 16),
        ["Depthwise 3x3 s1 p1 4ch 30x15 (direct rows: one partial vector per row)"] = Geometry(1, 4, 30, 15, 4, 3, 1, 1, groups: 4),
        ["Depthwise 3x3 s1 p1 3ch 18x32 batch2 (direct rows: whole vectors only)"] = Geometry(2, 3, 18, 32, 3, 3, 1, 1, groups: 3),
        ["Depthwise 3x3 s1 p1 3ch 5x48 (direct rows: inner taps loaded, a whole last vector)"] = Geometry(1, 3, 5, 48, 3, 3, 1, 1, groups: 3),
        ["Depthwise 3x3 s1 p1 3ch 6x17 (direct rows: taps loaded, a last vector of 1)"] = Geometry(1, 3, 6, 17, 3, 3, 1, 1, groups: 3),
        ["Depthwise 3x3 s1 p1 2ch 5x28 (direct rows: taps loaded, no inner vector)"] = Geometry(1, 2, 5, 28, 2, 3, 1, 1, groups: 2),
        ["Depthwise 3x3 s1 p1 2ch 4x95 batch2 (direct rows: inner taps loaded, a last vector of 15)"] = Geometry(2, 2, 4, 95, 2, 3, 1, 1, groups: 2),
        ["Depthwise 3x3 s1 p1 2ch 30x57 pad bottom 0 (direct rows)"] = Geometry(1, 2, 30, 57, 2, 3, 1, 1, groups: 2, padBottom: 0),
        ["Depthwise 3x3 s2 p1 2ch 60x64 pad bottom 0 (direct rows, whole vectors)"] = Geometry(1, 2, 60, 64, 2, 3, 2, 1, groups: 2, padBottom: 0),
        ["Depthwise 3x3 s2 p1 2ch 64x67 (direct rows: odd width, 34 outputs a row)"] = Geometry(1, 2, 64, 67, 2, 3, 2, 1, groups: 2),
        ["Depthwise 3x3 s2 p1 2ch 300x13 batch2 (direct rows: 7 outputs a row, every load masked)"] = Geometry(2, 2, 300, 13, 2, 3, 2, 1, groups: 2),
        ["Depthwise 3x3 s2 p1 2ch 120x36 (direct rows: a last vector of 2 outputs)"] = Geometry(1, 2, 120, 36, 2, 3, 2, 1, groups: 2),
        ["Depthwise 3x3 s2 p1 9ch 32x32 (AVX rows, not 8-channel blocks: rows of two whole vectors)"] = Geometry(1, 9, 32, 32, 9, 3, 2, 1, groups: 9),
        ["Depthwise 3x3 s1 p1 9ch 30x14 (AVX rows: a last vector of 6 stored as 4 + 2)"] = Geometry(1, 9, 30, 14, 9, 3, 1, 1, groups: 9),
        ["Depthwise 3x3 s1 p1 3ch 29x19 (AVX rows: a last vector of 3 stored as 2 + 1)"] = Geometry(1, 3, 29, 19, 3, 3, 1, 1, groups: 3),
        ["Depthwise 3x3 s2 p1 3ch 130x26 (past the channel blocks' plane limit, AVX rows: 13 outputs a row, a last vector of 5 stored as 4 + 1)"] = Geometry(1, 3, 130, 26, 3, 3, 2, 1, groups: 3),
        ["Pointwise 24->20 10x20 (tile epilogue)"] = Geometry(1, 24, 10, 20, 20, 1, 1, 0),
        ["Pointwise 20->24 7x7 (tile epilogue on 48 columns, the 49th as dot products)"] = Geometry(1, 20, 7, 7, 24, 1, 1, 0),
        ["Depthwise 3x3 s1 p0 3ch 20x40 (no padding: the padded band, taps by VALIGND)"] = Geometry(1, 3, 20, 40, 3, 3, 1, 0, groups: 3),
        ["Depthwise 3x3 s2 p1 3ch 57x56 (past the channel blocks' plane limit: row kernel)"] = Geometry(1, 3, 57, 56, 3, 3, 2, 1, groups: 3),
        ["Stem 3x3 s2 p1 3->16 33x33"] = Geometry(1, 3, 33, 33, 16, 3, 2, 1),
        ["Stem 3x3 s2 p1 3->16 32x32"] = Geometry(1, 3, 32, 32, 16, 3, 2, 1),
        ["Stem 3x3 s2 p1 1->8 40x70 (gray; rows of 35 outputs: two whole vectors and 3)"] = Geometry(1, 1, 40, 70, 8, 3, 2, 1),
        ["Stem 3x3 s2 p1 4->20 31x33 batch2 (RGBA; a last tile of 4 channels; an odd number of output rows)"] = Geometry(2, 4, 31, 33, 20, 3, 2, 1),
        ["Stem 3x3 s2 p0 3->16 30x40 TF SAME (no left padding, one cell right and below)"] = new Conv2dGeometry(1, 3, 30, 40, 16, 15, 20, 3, 3, 2, 2, 0, 0, 1, 1, 1),
        ["Stem 3x3 s2 p1 3->32 64x64 (four whole channel tiles, whole vectors)"] = Geometry(1, 3, 64, 64, 32, 3, 2, 1),
        ["Stem 3x3 s2 p1 12->20 32x32 (narrow: 12 inputs, a last tile of 4 channels)"] = Geometry(1, 12, 32, 32, 20, 3, 2, 1),
        ["Stem 3x3 s2 p1 24->48 30x34 (narrow, RepViT's second stem: depth 216; rows of 17 outputs)"] = Geometry(1, 24, 30, 34, 48, 3, 2, 1),
        ["Dense 3x3 s2 p1 5->56 12x12 (more outputs than the stem kernel takes beyond 4 inputs: implicit GEMM)"] = Geometry(1, 5, 12, 12, 56, 3, 2, 1),
        ["Dense 3x3 s2 p1 25->8 12x12 (more inputs than the stem kernel takes: implicit GEMM)"] = Geometry(1, 25, 12, 12, 8, 3, 2, 1),
        ["Dense 3x3 s2 p1 24->48 29x35 (channel vectors: two groups of 24; rows of 18 outputs, the last tile moved left)"] = Geometry(1, 24, 29, 35, 48, 3, 2, 1),
        ["Dense 3x3 s2 p1 3->40 20x21 batch2 (channel vectors: a group of 24, then one of 16)"] = Geometry(2, 3, 20, 21, 40, 3, 2, 1),
        ["Dense 3x3 s2 p1 5->20 9x9 (channel vectors: one partial group of 24; rows of 5 outputs)"] = Geometry(1, 5, 9, 9, 20, 3, 2, 1),
        ["Dense 3x3 s2 p1 2->8 5x7 (channel vectors: 8 channels in a group of 16; rows of 4 outputs, fewer than its tile)"] = Geometry(1, 2, 5, 7, 8, 3, 2, 1),
        ["Dense 3x3 s2 p1 3->24 3x5 (channel vectors: rows of 3 outputs, fewer than a tile of 24 channels)"] = Geometry(1, 3, 3, 5, 24, 3, 2, 1),
        ["Dense 3x3 s2 p0 16->32 30x40 TF SAME (channel vectors: two groups of 16; no left padding, one cell right and below)"] = new Conv2dGeometry(1, 16, 30, 40, 32, 15, 20, 3, 3, 2, 2, 0, 0, 1, 1, 1),
        ["Dense 3x3 s2 p2 6->24 11x12 (channel vectors: two cells of padding)"] = Geometry(1, 6, 11, 12, 24, 3, 2, 2),
        ["Dense 3x3 s2 p1 48->56 16x18 (channel vectors: the most inputs they take; groups of 24, 24 and 8 in one of 16)"] = Geometry(1, 48, 16, 18, 56, 3, 2, 1),
        ["Dense 3x3 s2 p1 49->24 10x10 (one input more than the channel vectors take: implicit GEMM)"] = Geometry(1, 49, 10, 10, 24, 3, 2, 1),
        ["Dense 3x3 s1 p1 8->12 10x11"] = Geometry(1, 8, 10, 11, 12, 3, 1, 1),
        ["Dense 3x3 s1 p1 8->8 9x16 (padded input: rows of one vector, 144 pixels = 2 panels and 16, 2 channels left over)"] = Geometry(1, 8, 9, 16, 8, 3, 1, 1),
        ["Dense 3x3 s1 p1 8->7 9x16 (padded input, 1 channel left over)"] = Geometry(1, 8, 9, 16, 7, 3, 1, 1),
        ["Dense 3x3 s1 p1 12->10 12x32 batch2 (padded input: rows of two vectors, 4 channels left over)"] = Geometry(2, 12, 12, 32, 10, 3, 1, 1),
        ["Dense 3x3 s1 p1 20->13 6x48 (padded input: depth 180 in one chain, a panel across rows at 16 and 32 columns)"] = Geometry(1, 20, 6, 48, 13, 3, 1, 1),
        ["Dilated 3x3 d2 p2 12->6 10x48 (padded input, a frame of 2)"] = Geometry(1, 12, 10, 48, 6, 3, 1, 2, dilation: 2),
        ["Dense 5x5 s1 p2 4->6 20x80 (padded input, 25 taps)"] = Geometry(1, 4, 20, 80, 6, 5, 1, 2),
        ["Dense 3x3 s1 p1 40->7 9x9 batch2 (depth chunks)"] = Geometry(2, 40, 9, 9, 7, 3, 1, 1),
        ["Dense 3x3 s1 p1 20->10 8x8 (the whole plane one panel of masked loads, depth 180 in two chunks)"] = Geometry(1, 20, 8, 8, 10, 3, 1, 1),
        ["Dense 3x3 s1 p1 9->13 7x7 batch2 (the whole plane one panel: 49 of 64 columns)"] = Geometry(2, 9, 7, 7, 13, 3, 1, 1),
        ["Dense 5x5 s1 p2 4->6 7x9 (the whole plane one panel, taps two cells out)"] = Geometry(1, 4, 7, 9, 6, 5, 1, 2),
        ["Dilated 3x3 d2 p2 6->5 6x6 (the whole plane one panel, dilated)"] = Geometry(1, 6, 6, 6, 5, 3, 1, 2, dilation: 2),
        ["Grouped 3x3 p1 g2 8->6 5x7 (the whole plane one panel per group)"] = Geometry(1, 8, 5, 7, 6, 3, 1, 1, groups: 2),
                ["Dense 3x3 s1 p1 16->13 28x28 (padded input over rows of 30: vectors across rows, 1 channel left over)"] = Geometry(1, 16, 28, 28, 13, 3, 1, 1),
        ["Dense 3x3 s1 p1 12->12 14x14 batch2 (padded input over rows of 16)"] = Geometry(2, 12, 14, 14, 12, 3, 1, 1),
        ["Dense 3x3 s1 p1 12->6 5x14 (padded input over rows of 16: one partial panel)"] = Geometry(1, 12, 5, 14, 6, 3, 1, 1),
        ["Dilated 3x3 d2 p2 12->6 10x40 (padded input over rows of 44)"] = Geometry(1, 12, 10, 40, 6, 3, 1, 2, dilation: 2),
        ["Dense 5x5 s1 p2 4->6 11x37 (padded input over rows of 41)"] = Geometry(1, 4, 11, 37, 6, 5, 1, 2),
        ["Dilated 3x3 d2 p2 6->7 13x12"] = Geometry(1, 6, 13, 12, 7, 3, 1, 2, dilation: 2),
        ["Dilated 3x3 d6 p6 4->5 20x19"] = Geometry(1, 4, 20, 19, 5, 3, 1, 6, dilation: 6),
        ["Grouped 3x3 p1 g2 6->4 9x10"] = Geometry(1, 6, 9, 10, 4, 3, 1, 1, groups: 2),
        ["Grouped 1x1 g3 6->9 5x5"] = Geometry(1, 6, 5, 5, 9, 1, 1, 0, groups: 3),
        ["Strided 1x1 s2 8->6 9x9"] = Geometry(1, 8, 9, 9, 6, 1, 2, 0),
        ["7x7 s2 p3 on 5x5"] = Geometry(1, 2, 5, 5, 3, 7, 2, 3),
        ["1x3 p(0,1) 4->4 6x8"] = Geometry(1, 4, 6, 8, 4, 1, 1, 0, kernelWidth: 3, padLeft: 1),
    };

    public static IEnumerable<object[]> Cases()
    {
        foreach (KernelIsa isa in TestData.AllIsas)
            foreach (string name in Geometries.Keys)
                yield return new object[] { isa.ToString(), name };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesNaive_WithBiasAndResidual(string isaName, string geometryName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        Conv2dGeometry g = Geometries[geometryName];
        int seed = geometryName.Length;
        // Three epilogue combinations per geometry: plain, bias + ReLU, bias + residual + SiLU.
        Check(isa, g, seed, withBias: false, withResidual: false, Activation.None);
        Check(isa, g, seed + 1, withBias: true, withResidual: false, new Activation(ActivationKind.Relu));
        Check(isa, g, seed + 2, withBias: true, withResidual: true, new Activation(ActivationKind.SiLU));
    }

    /// <summary>
    /// Shallow products in row groups (Intel) and in one sweep (AMD, <see cref="GemmDriver.GroupsRows"/>): both match the
    /// naive definition and each other bitwise, whichever processor runs the tests. Flipping the switch cannot disturb a
    /// test running beside this one: either order gives the same bits.
    /// </summary>
    [Theory]
    [InlineData("Pointwise 16->50 80x70 (a shallow product with 280,000 outputs: rows in groups of 24, the last of 2)")]
    [InlineData("Pointwise 20->50 64x96 (a shallow product on rows 4 KiB apart: rows in groups of 24, each block of B copied once for all groups)")]
    public void RowGroups_AreBitwiseOneSweep(string geometryName)
    {
        Conv2dGeometry g = Geometries[geometryName];
        float[] input = TestData.Random((int)g.InputLength, seed: 21, -2f, 2f);
        float[] weights = TestData.Random((int)g.WeightLength, seed: 22);
        float[] bias = TestData.Random(g.OutChannels, seed: 23);
        float[] residual = TestData.Random((int)g.OutputLength, seed: 24);
        var activation = new Activation(ActivationKind.Clip, 0f, 6f);
        float[] expected = NaiveReference.Conv2d(input, weights, bias, residual, g, activation);
        float[] packed = Conv2dF32.PackWeights(weights, g);
        bool original = GemmDriver.GroupsRows;
        try
        {
            foreach (KernelIsa isa in new[] { KernelIsa.Vector256, KernelIsa.Vector512, KernelIsa.Vector128 })
            {
                var outputs = new float[2][];
                for (int grouped = 0; grouped < 2; grouped++)
                {
                    GemmDriver.GroupsRows = grouped == 1;
                    outputs[grouped] = TestData.Random((int)g.OutputLength, seed: 25);
                    Conv2dF32.Run(input, packed, bias, residual, outputs[grouped], g, activation, isa);
                    TestData.AssertClose(outputs[grouped], expected, 1e-5, $"{isa} grouped={grouped == 1}");
                }
                for (int i = 0; i < outputs[0].Length; i++)
                    Assert.True(BitConverter.SingleToInt32Bits(outputs[0][i]) == BitConverter.SingleToInt32Bits(outputs[1][i]),
                        $"{isa}: element {i} is {outputs[1][i]} in groups, {outputs[0][i]} in one sweep");
            }
        }
        finally
        {
            GemmDriver.GroupsRows = original;
        }
    }

    /// <summary>
    /// Pointwise products tile by tile across each column block and in panel order
    /// (<see cref="GemmDriver.SweepsTileRows"/>): both match the naive definition and each other bitwise, on one thread
    /// and on two, with the epilogue finished in the tiles (Clip) or as a pass (SiLU).
    /// </summary>
    [Theory]
    [InlineData(1, 192, 14, 14, 50, "one block with a narrow last panel of 4, two depth chunks, 2 rows past the tiles")]
    [InlineData(1, 24, 40, 40, 28, "a shallow product on rows over a page: six whole blocks and a panel, 4 rows past the tiles")]
    [InlineData(2, 16, 80, 70, 50, "a shallow product in two batch items, its last panel 32 columns wide")]
    [InlineData(1, 20, 64, 96, 50, "a shallow product on rows 4 KiB apart: stays in panel order, each panel copied")]
    [InlineData(1, 130, 10, 13, 12, "stays in panel order: its last panel of 2 columns goes as dot products (the path the rule leaves alone)")]
    [InlineData(1, 32, 112, 112, 16, "MobileNetV2's 32 → 16 on 112×112: 49 blocks, whole panels, 4 rows past the tiles")]
    [InlineData(1, 24, 80, 103, 20, "a shallow product whose last panel is 48 columns (512-bit: the 6 × 3-vector tile, which does not finish)")]
    [InlineData(1, 16, 84, 102, 50, "a shallow product whose last panel is 56 columns (512-bit: a 6 × 4-vector tile that does not finish); 2 rows past")]
    [InlineData(1, 16, 90, 92, 14, "a shallow product whose last panel is 24 columns (512-bit: the 6 × 2-vector tile)")]
    [InlineData(1, 16, 23, 359, 18, "a shallow product whose last panel is 1 column (a dot product): panel order at both widths")]
    public void TileRowsAcrossBlocks_AreBitwisePanelOrder(int batch, int inChannels, int height, int width, int outChannels, string what)
    {
        bool original = GemmDriver.SweepsTileRows;
        try
        {
            foreach (var isa in new[] { KernelIsa.Vector256, KernelIsa.Vector512 })
                AssertTwoFormsBitwise(Geometry(batch, inChannels, height, width, outChannels, 1, 1, 0), seed: 31, $"{what} ({isa})", "across",
                    across => GemmDriver.SweepsTileRows = across, isa);
        }
        finally
        {
            GemmDriver.SweepsTileRows = original;
        }
    }

    /// <summary>
    /// A 256-bit panel's one column past its whole vectors computed inside each tile's loop and four tiles' rows at a time
    /// after them (<see cref="GemmDriver.DotColumnInTiles"/>): both match the naive definition and each other bitwise, on
    /// one thread and on two, with the epilogue finished in the tiles (Clip) or as a pass (SiLU).
    /// </summary>
    [Theory]
    [InlineData(320, 7, 7, 100, "a 7×7 plane: 48 columns and the 49th, three depth chunks, 4 rows past the tiles")]
    [InlineData(40, 5, 5, 30, "a 5×5 plane: 24 columns (two vectors, then one) and the 25th")]
    [InlineData(24, 9, 9, 13, "a 9×9 plane: a whole panel, then 16 columns and the 81st; 1 row past the tiles")]
    public void DotColumnInTiles_IsBitwiseFourTileRows(int inChannels, int height, int width, int outChannels, string what)
    {
        bool original = GemmDriver.DotColumnInTiles;
        try
        {
            AssertTwoFormsBitwise(Geometry(1, inChannels, height, width, outChannels, 1, 1, 0), seed: 41, what, "in tiles",
                inTiles => GemmDriver.DotColumnInTiles = inTiles);
        }
        finally
        {
            GemmDriver.DotColumnInTiles = original;
        }
    }

    /// <summary>
    /// A pointwise convolution with 256-bit vectors in two forms a switch chooses (<paramref name="choose"/>(false) the old,
    /// (true) the new), on one thread and on two, with the epilogue finished in the tiles (Clip) or as a pass (SiLU): every
    /// run matches the naive definition to 1e-5 and the old form on one thread bit for bit. The caller restores the switch.
    /// </summary>
    private static void AssertTwoFormsBitwise(Conv2dGeometry g, int seed, string what, string newForm, Action<bool> choose, KernelIsa isa = KernelIsa.Vector256)
    {
        float[] input = TestData.Random((int)g.InputLength, seed, -2f, 2f);
        float[] weights = TestData.Random((int)g.WeightLength, seed + 1);
        float[] bias = TestData.Random(g.OutChannels, seed + 2);
        float[] residual = TestData.Random((int)g.OutputLength, seed + 3);
        float[] packed = Conv2dF32.PackWeights(weights, g);
        foreach (var activation in new[] { new Activation(ActivationKind.Clip, 0f, 6f), new Activation(ActivationKind.SiLU) })
        {
            float[] expected = NaiveReference.Conv2d(input, weights, bias, residual, g, activation);
            var outputs = new List<float[]>();
            foreach (int degree in new[] { 1, 2 })
                foreach (bool chosen in new[] { false, true })
                {
                    choose(chosen);
                    float[] output = TestData.Random((int)g.OutputLength, seed + 4);
                    KernelParallelism.PrepareDegree(degree);
                    int previous = KernelParallelism.Enter(degree);
                    try { Conv2dF32.Run(input, packed, bias, residual, output, g, activation, isa); }
                    finally { KernelParallelism.Exit(previous); }
                    TestData.AssertClose(output, expected, 1e-5, $"{what}: {activation.Kind}, {degree} thread(s), {newForm}={chosen}");
                    outputs.Add(output);
                }
            for (int o = 1; o < outputs.Count; o++)
                for (int i = 0; i < outputs[0].Length; i++)
                    Assert.True(BitConverter.SingleToInt32Bits(outputs[0][i]) == BitConverter.SingleToInt32Bits(outputs[o][i]),
                        $"{what}: {activation.Kind}, run {o} (degree {(o < 2 ? 1 : 2)}, {newForm}={o % 2 == 1}) element {i} is {outputs[o][i]}, the old form on one thread {outputs[0][i]}");
        }
    }

    public static IEnumerable<object[]> ActivationCases()
    {
        foreach (KernelIsa isa in TestData.AllIsas)
            foreach (ActivationKind kind in Enum.GetValues<ActivationKind>())
                foreach (string name in new[] { "Pointwise 17->33 5x13", "Depthwise 3x3 s2 p1 4ch 15x17", "Dense 3x3 s1 p1 8->12 10x11",
                    "Stem 3x3 s2 p1 4->20 31x33 batch2 (RGBA; a last tile of 4 channels; an odd number of output rows)" })
                    yield return new object[] { isa.ToString(), kind, name };
    }

    [Theory]
    [MemberData(nameof(ActivationCases))]
    public void EveryActivation(string isaName, ActivationKind kind, string geometryName)
    {
        var activation = new Activation(kind, kind == ActivationKind.Clip ? 0f : 0.2f, kind == ActivationKind.Clip ? 6f : 0.5f);
        Check(TestData.Isa(isaName), Geometries[geometryName], (int)kind, withBias: true, withResidual: true, activation);
        // Without a residual too: the stem kernel then applies bias and activation in registers before its stores.
        Check(TestData.Isa(isaName), Geometries[geometryName], (int)kind + 100, withBias: true, withResidual: false, activation);
    }

    public static IEnumerable<object[]> TileEpilogueCases()
    {
        foreach (KernelIsa isa in TestData.AllIsas)
            foreach (ActivationKind kind in new[] { ActivationKind.None, ActivationKind.Relu, ActivationKind.Clip })
                yield return new object[] { isa.ToString(), kind };
    }

    /// <summary>
    /// Bias, residual and a clamp finished in the 6 × 4-vector tiles' registers, on a plane of three whole panels and a
    /// tail (200 columns) and 20 output channels (three whole tiles and two rows): each tile's bias and residual must
    /// follow it to its own rows and columns, not the first tile's.
    /// </summary>
    [Theory]
    [MemberData(nameof(TileEpilogueCases))]
    public void PointwiseTileEpilogue_FollowsEveryTile(string isaName, ActivationKind kind)
    {
        Conv2dGeometry g = Geometry(1, 24, 10, 20, 20, 1, 1, 0);
        var activation = new Activation(kind, kind == ActivationKind.Clip ? -0.5f : 0f, kind == ActivationKind.Clip ? 0.75f : 0f);
        Check(TestData.Isa(isaName), g, 40 + (int)kind, withBias: true, withResidual: true, activation);
        Check(TestData.Isa(isaName), g, 50 + (int)kind, withBias: true, withResidual: false, activation);
    }

    /// <summary>
    /// With 256-bit vectors the 6 × 2-vector tiles also finish whole panels (bias, residual, clamp in registers); the
    /// arithmetic is the pass's, so the 128-bit build (tiles, then the pass over C) gives the same bits: with and without
    /// a residual, ReLU6, on 20 channels of 10 × 20 (three whole panels and a partial one, three tiles and two rows) and
    /// on 24 channels of 7 × 7 (the tiles finish 48 columns; the 49th, dot products of the four-tile kernel, takes the
    /// pass). Rows past the tiles would take the 49th column through the GEMV, whose reduction differs by width.
    /// </summary>
    [Fact]
    public void PointwiseTileEpilogue256_IsBitwiseThePass()
    {
        if (!System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated || !System.Runtime.Intrinsics.X86.Avx.IsSupported) return;
        AssertIsasBitwise("Pointwise 24->20 10x20 (tile epilogue)", withResidual: true, KernelIsa.Vector256, KernelIsa.Vector128);
        AssertIsasBitwise("Pointwise 24->20 10x20 (tile epilogue)", withResidual: false, KernelIsa.Vector256, KernelIsa.Vector128);
        AssertIsasBitwise("Pointwise 20->24 7x7 (tile epilogue on 48 columns, the 49th as dot products)", withResidual: true, KernelIsa.Vector256, KernelIsa.Vector128);
        AssertIsasBitwise("Pointwise 20->24 7x7 (tile epilogue on 48 columns, the 49th as dot products)", withResidual: false, KernelIsa.Vector256, KernelIsa.Vector128);
    }

    public static IEnumerable<object[]> PaddedPlaneCases()
    {
        // Every geometry (every convolution path) with a gap of a cache line, a few with an odd gap.
        foreach (KernelIsa isa in TestData.AllIsas)
        {
            foreach (string name in Geometries.Keys) yield return new object[] { isa.ToString(), name, 16 };
            foreach (string name in new[] { "Pointwise 17->33 5x13", "Depthwise 3x3 s2 p1 3ch 70x75 (rows split in whole vectors and a tail)",
                "Stem 3x3 s2 p1 4->20 31x33 batch2 (RGBA; a last tile of 4 channels; an odd number of output rows)",
                "Dense 3x3 s1 p1 12->10 12x32 batch2 (padded input: rows of two vectors, 4 channels left over)", "Grouped 3x3 p1 g2 6->4 9x10" })
                yield return new object[] { isa.ToString(), name, 5 };
            // Planes of 64×64 and 32×32 (4 KiB multiples), as the compiler pads them.
            foreach (string name in PaddedPlaneGeometries.Keys) yield return new object[] { isa.ToString(), name, 16 };
        }
    }

    private static readonly Dictionary<string, Conv2dGeometry> PaddedPlaneGeometries = new()
    {
        ["Pointwise 24->40 64x64"] = Geometry(1, 24, 64, 64, 40, 1, 1, 0),
        ["Depthwise 3x3 s2 p1 20ch 64x64"] = Geometry(1, 20, 64, 64, 20, 3, 2, 1, groups: 20),
        ["Depthwise 3x3 s1 p1 20ch 32x32"] = Geometry(1, 20, 32, 32, 20, 3, 1, 1, groups: 20),
        ["Stem 3x3 s2 p1 3->16 128x128"] = Geometry(1, 3, 128, 128, 16, 3, 2, 1),
        ["Dense 3x3 s1 p1 32->24 32x32"] = Geometry(1, 32, 32, 32, 24, 3, 1, 1),
    };

    /// <summary>
    /// Channel planes <paramref name="gap"/> floats apart beyond their size (the compiler's padded planes), through every
    /// convolution path: every plane of the output has the bits of the contiguous run, the gaps are neither read (NaN
    /// there would spread) nor written. One exception: a pointwise convolution on a 1 × 1 plane (which the compiler never
    /// pads) takes the transposed weights' panels only with contiguous channels, and with padded ones the row-by-row
    /// product, whose sums are formed in another order: there the planes must match the contiguous run to 1e-5.
    /// </summary>
    [Theory]
    [MemberData(nameof(PaddedPlaneCases))]
    public void PaddedPlanes_AreBitwiseContiguousPlanes(string isaName, string geometryName, int gap)
    {
        KernelIsa isa = TestData.Isa(isaName);
        Conv2dGeometry g = Geometries.TryGetValue(geometryName, out var known) ? known : PaddedPlaneGeometries[geometryName];
        int inPlane = g.InHeight * g.InWidth, outPlane = g.OutHeight * g.OutWidth;
        var padded = new Conv2dGeometry(g.Batch, g.InChannels, g.InHeight, g.InWidth, g.OutChannels, g.OutHeight, g.OutWidth, g.KernelHeight,
            g.KernelWidth, g.StrideHeight, g.StrideWidth, g.PadTop, g.PadLeft, g.DilationHeight, g.DilationWidth, g.Groups, inPlane + gap, outPlane + gap);
        int inPlanes = g.Batch * g.InChannels, outPlanes = g.Batch * g.OutChannels;
        Assert.Equal((long)(inPlanes - 1) * (inPlane + gap) + inPlane, padded.InputLength);

        float[] Spread(float[] contiguous, int planes, int plane, float filler)
        {
            var result = new float[planes * (plane + gap)];
            Array.Fill(result, filler);
            for (int p = 0; p < planes; p++) Array.Copy(contiguous, p * plane, result, p * (plane + gap), plane);
            return result;
        }

        float[] input = TestData.Random((int)g.InputLength, seed: gap + geometryName.Length);
        float[] weights = Conv2dF32.PackWeights(TestData.Random((int)g.WeightLength, seed: 3), g);
        float[] bias = TestData.Random(g.OutChannels, seed: 4);
        float[] residual = TestData.Random((int)g.OutputLength, seed: 5);
        const float Untouched = 12345f;
        foreach (bool withResidual in new[] { true, false })
        {
            var activation = withResidual ? new Activation(ActivationKind.SiLU) : new Activation(ActivationKind.Relu);
            var expected = new float[g.OutputLength];
            Conv2dF32.Run(input, weights, bias, withResidual ? residual : default, expected, g, activation, isa);
            float[] actual = Spread(new float[g.OutputLength], outPlanes, outPlane, Untouched);
            Conv2dF32.Run(Spread(input, inPlanes, inPlane, float.NaN), weights, bias,
                withResidual ? Spread(residual, outPlanes, outPlane, float.NaN) : default, actual, padded, activation, isa);
            bool onePixelPanels = Conv2dF32.TakesOnePixelPanels(g);
            if (onePixelPanels)
            {
                var gathered = new float[g.OutputLength];
                for (int p = 0; p < outPlanes; p++) Array.Copy(actual, p * (outPlane + gap), gathered, p * outPlane, outPlane);
                TestData.AssertClose(gathered, expected, 1e-5, $"{isa} residual={withResidual}: a 1 × 1 plane, padded against contiguous");
            }
            for (int p = 0; p < outPlanes; p++)
            {
                for (int i = 0; i < outPlane && !onePixelPanels; i++)
                {
                    float want = expected[p * outPlane + i], got = actual[p * (outPlane + gap) + i];
                    Assert.True(BitConverter.SingleToInt32Bits(want) == BitConverter.SingleToInt32Bits(got),
                        $"{isa} residual={withResidual}: plane {p} element {i} is {got}, contiguous {want}");
                }
                for (int i = outPlane; i < outPlane + gap && p * (outPlane + gap) + i < actual.Length; i++)
                    Assert.Equal(Untouched, actual[p * (outPlane + gap) + i]);
            }
        }
    }

    [Fact]
    public void PaddedPlanes_AreRefusedByPooling()
    {
        var padded = new Conv2dGeometry(1, 4, 8, 8, 4, 4, 4, 2, 2, 2, 2, 0, 0, 1, 1, 1, 80, 20);
        var error = Assert.Throws<ArgumentException>(() => PoolF32.MaxPool2d(new float[4 * 80], new float[4 * 20], padded));
        Assert.Contains("contiguous planes", error.Message);
    }

    public static IEnumerable<object[]> GeometryNames() => Geometries.Keys.Select(name => new object[] { name });

    /// <summary>PackedLength, which the expansion's packing and its checks rely on, is the length PackWeights returns.</summary>
    [Theory]
    [MemberData(nameof(GeometryNames))]
    public void PackedLengthIsWhatPackWeightsReturns(string geometryName)
    {
        Conv2dGeometry g = Geometries[geometryName];
        Assert.Equal(Conv2dF32.PackedLength(g), Conv2dF32.PackWeights(new float[g.WeightLength], g).Length);
    }

    public static IEnumerable<object[]> ChannelBlockGeometries() =>
        Geometries.Keys.Where(name => name.Contains("(channel blocks")).Select(name => new object[] { name });

    /// <summary>The geometries named for the channel-block depthwise kernel still reach it, so their cases test what they say.</summary>
    [Theory]
    [MemberData(nameof(ChannelBlockGeometries))]
    public void ChannelBlockGeometries_ReachChannelBlocks(string geometryName)
    {
        Conv2dGeometry g = Geometries[geometryName];
        // The 8-channel form takes every geometry the 16-channel one does (it has no direct-row kernel to leave any to).
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported)
            Assert.True(DepthwiseChannelBlocks.Supports<System.Runtime.Intrinsics.Vector256<float>>(g), "the geometry no longer reaches the 8-channel block kernel");
        if (!Avx512KernelsRun()) return;
        Assert.True(DepthwiseChannelBlocks.Supports<System.Runtime.Intrinsics.Vector512<float>>(g), "the geometry no longer reaches the channel-block kernel");
    }

    public static IEnumerable<object[]> ChannelBlockEpilogueCases()
    {
        foreach (KernelIsa isa in TestData.AllIsas)
            foreach (string name in new[] { "Depthwise 3x3 s2 p1 37ch 14x14 batch2 (channel blocks: two whole, one of 5)",
                "Depthwise 5x5 s1 p2 17ch 14x13 (channel blocks, 25 taps)", "Depthwise 3x3 s1 p1 24ch 24x24 (channel blocks: rows of 24 in eight-cell groups)" })
                foreach (ActivationKind kind in new[] { ActivationKind.None, ActivationKind.Relu, ActivationKind.Clip, ActivationKind.HardSwish, ActivationKind.SiLU })
                    yield return new object[] { isa.ToString(), name, kind };
    }

    /// <summary>
    /// The channel blocks' three places for bias and activation without a residual: the eight sums' registers (none, ReLU,
    /// a clip), the staged blocks (HardSwish, SiLU) and, with a residual, each output plane. Each block's bias must follow
    /// its own channels (a last block of 5 of 37; 17 channels), and a NaN in the input must stay NaN through a clamp.
    /// </summary>
    [Theory]
    [MemberData(nameof(ChannelBlockEpilogueCases))]
    public void ChannelBlocks_EpilogueInEveryPlace(string isaName, string geometryName, ActivationKind kind)
    {
        KernelIsa isa = TestData.Isa(isaName);
        Conv2dGeometry g = Geometries[geometryName];
        var activation = new Activation(kind, kind == ActivationKind.Clip ? -0.5f : 0f, kind == ActivationKind.Clip ? 0.75f : 0f);
        Check(isa, g, 60 + (int)kind, withBias: true, withResidual: false, activation);
        Check(isa, g, 70 + (int)kind, withBias: true, withResidual: true, activation);

        float[] input = TestData.Random((int)g.InputLength, seed: 80);
        int nanChannel = g.InChannels - 1, nanPixel = g.InWidth + 1;
        input[nanChannel * g.InHeight * g.InWidth + nanPixel] = float.NaN;
        var output = new float[g.OutputLength];
        Conv2dF32.Run(input, Conv2dF32.PackWeights(TestData.Random((int)g.WeightLength, seed: 81), g), TestData.Random(g.OutChannels, seed: 82),
            default, output, g, activation, isa);
        int outPlane = g.OutHeight * g.OutWidth;
        // Output (0, 0) reads input (1, 1) through its last tap at stride 1 and 2 alike, with padding 1 or 2.
        Assert.True(float.IsNaN(output[nanChannel * outPlane]), $"{isa} {kind}: the NaN input did not reach its output");
        Assert.False(float.IsNaN(output[(nanChannel - 1) * outPlane]), $"{isa} {kind}: the NaN spread to the channel before");
    }

    /// <summary>
    /// A NaN in the input stays NaN through a pointwise convolution's ReLU, Clip or plain epilogue, whether the GEMM's
    /// 6 × 4-vector tiles finish it in registers (the first 64-pixel panel, 12 output channels) or the pass over rows does
    /// (the partial second panel): a max or min with its operands the other way round would turn it into a bound.
    /// </summary>
    [Theory]
    [MemberData(nameof(TestData.Isas), MemberType = typeof(TestData))]
    public void Pointwise_NaNPassesThroughClampEpilogues(string isaName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        Conv2dGeometry g = Geometry(1, 8, 10, 10, 12, 1, 1, 0);
        float[] input = TestData.Random((int)g.InputLength, seed: 5);
        // One NaN in each of the first panel's four vectors (the tiles' four stores per row) and one in the second panel.
        int[] nanPixels = { 5, 21, 40, 63, 80 };
        foreach (int pixel in nanPixels) input[3 * 100 + pixel] = float.NaN;
        float[] weights = Conv2dF32.PackWeights(TestData.Random((int)g.WeightLength, seed: 6), g);
        float[] bias = TestData.Random(12, seed: 7), residual = TestData.Random((int)g.OutputLength, seed: 8);
        foreach (Activation activation in new[] { Activation.None, new Activation(ActivationKind.Relu), new Activation(ActivationKind.Clip, 0f, 6f) })
            foreach (bool withResidual in new[] { false, true })
            {
                var output = new float[g.OutputLength];
                Conv2dF32.Run(input, weights, bias, withResidual ? residual : default, output, g, activation, isa);
                for (int channel = 0; channel < 12; channel++)
                    for (int pixel = 0; pixel < 100; pixel++)
                    {
                        float value = output[channel * 100 + pixel];
                        bool nan = Array.IndexOf(nanPixels, pixel) >= 0;
                        Assert.True(nan == float.IsNaN(value), $"{isa} {activation.Kind} residual={withResidual}: channel {channel} pixel {pixel} is {value}");
                    }
            }
    }

    /// <summary>
    /// With AVX-512, the stem (3×3 stride 2 on up to 4 input channels, or up to 24 with up to 48 outputs) is read straight from the input rows and sums each
    /// output in the implicit GEMM's order, with the same epilogue arithmetic, so the 256-bit build (implicit GEMM) must
    /// give the same bits, with the epilogue in registers (no residual) and as a pass over rows (residual). Not on
    /// 33×33 (17×17 outputs): there the GEMM takes the plane's last column as dot products, another order of sums.
    /// </summary>
    [Theory]
    [InlineData("Stem 3x3 s2 p1 1->8 40x70 (gray; rows of 35 outputs: two whole vectors and 3)")]
    [InlineData("Stem 3x3 s2 p1 4->20 31x33 batch2 (RGBA; a last tile of 4 channels; an odd number of output rows)")]
    [InlineData("Stem 3x3 s2 p0 3->16 30x40 TF SAME (no left padding, one cell right and below)")]
    [InlineData("Stem 3x3 s2 p1 3->32 64x64 (four whole channel tiles, whole vectors)")]
    [InlineData("Stem 3x3 s2 p1 12->20 32x32 (narrow: 12 inputs, a last tile of 4 channels)")]
    public void ShallowStem_IsBitwiseTheImplicitGemm(string geometryName)
    {
        if (!Avx512KernelsRun()) return;
        Assert.True(ShallowConv3x3Stride2.Supports(Geometries[geometryName]), "the geometry no longer reaches the stem kernel");
        AssertVector512IsVector256Bitwise(geometryName, withResidual: false);
        AssertVector512IsVector256Bitwise(geometryName, withResidual: true);
    }

    /// <summary>
    /// With AVX and FMA the same stems go through <see cref="Conv3x3Stride2ChannelVectorsAvx"/> (PackWeights' appended
    /// panels) or, with weights in the ONNX layout only, <see cref="ShallowConv3x3Stride2Avx"/> (split rows, 4 × 3 tiles).
    /// Both sum in the implicit GEMM's order with its epilogue arithmetic, so the 128-bit build (implicit GEMM) must give
    /// the same bits. Depths up to the GEMM's depth chunk (128): past it the GEMM adds chunk sums.
    /// </summary>
    [Theory]
    [InlineData("Stem 3x3 s2 p1 1->8 40x70 (gray; rows of 35 outputs: two whole vectors and 3)")]
    [InlineData("Stem 3x3 s2 p1 4->20 31x33 batch2 (RGBA; a last tile of 4 channels; an odd number of output rows)")]
    [InlineData("Stem 3x3 s2 p0 3->16 30x40 TF SAME (no left padding, one cell right and below)")]
    [InlineData("Stem 3x3 s2 p1 3->32 64x64 (four whole channel tiles, whole vectors)")]
    [InlineData("Stem 3x3 s2 p1 12->20 32x32 (narrow: 12 inputs, a last tile of 4 channels)")]
    public void ShallowStemAvx_IsBitwiseTheImplicitGemm(string geometryName)
    {
        if (!System.Runtime.Intrinsics.X86.Avx2.IsSupported || !System.Runtime.Intrinsics.X86.Fma.IsSupported) return;
        Assert.True(ShallowConv3x3Stride2Avx.Supports(Geometries[geometryName]), "the geometry no longer reaches the AVX stem kernel");
        Assert.True(Conv3x3Stride2ChannelVectorsAvx.Supports(Geometries[geometryName]), "the geometry no longer reaches the channel-vector kernel");
        foreach (bool onnxLayout in new[] { false, true })
        {
            AssertIsasBitwise(geometryName, withResidual: false, KernelIsa.Vector256, KernelIsa.Vector128, onnxLayout);
            AssertIsasBitwise(geometryName, withResidual: true, KernelIsa.Vector256, KernelIsa.Vector128, onnxLayout);
        }
    }

    /// <summary>
    /// Dense 3×3 stride-2 convolutions with AVX and FMA (<see cref="Conv3x3Stride2ChannelVectorsAvx"/>): the appended
    /// panels' path and the ONNX layout's against the naive definition, with each epilogue the kernel finishes in place
    /// (none, bias + ReLU, clip, HardSwish) or leaves to the band's pass (SiLU, GELU, a residual).
    /// </summary>
    [Theory]
    [InlineData("Dense 3x3 s2 p1 24->48 29x35 (channel vectors: two groups of 24; rows of 18 outputs, the last tile moved left)")]
    [InlineData("Dense 3x3 s2 p1 3->40 20x21 batch2 (channel vectors: a group of 24, then one of 16)")]
    [InlineData("Dense 3x3 s2 p1 5->20 9x9 (channel vectors: one partial group of 24; rows of 5 outputs)")]
    [InlineData("Dense 3x3 s2 p1 2->8 5x7 (channel vectors: 8 channels in a group of 16; rows of 4 outputs, fewer than its tile)")]
    [InlineData("Dense 3x3 s2 p1 3->24 3x5 (channel vectors: rows of 3 outputs, fewer than a tile of 24 channels)")]
    [InlineData("Dense 3x3 s2 p0 16->32 30x40 TF SAME (channel vectors: two groups of 16; no left padding, one cell right and below)")]
    [InlineData("Dense 3x3 s2 p2 6->24 11x12 (channel vectors: two cells of padding)")]
    [InlineData("Dense 3x3 s2 p1 48->56 16x18 (channel vectors: the most inputs they take; groups of 24, 24 and 8 in one of 16)")]
    [InlineData("Dense 3x3 s2 p1 5->56 12x12 (more outputs than the stem kernel takes beyond 4 inputs: implicit GEMM)")]
    public void ChannelVectorsAvx_MatchNaiveWithEitherLayout(string geometryName)
    {
        if (!System.Runtime.Intrinsics.X86.Avx2.IsSupported || !System.Runtime.Intrinsics.X86.Fma.IsSupported) return;
        Conv2dGeometry g = Geometries[geometryName];
        Assert.True(Conv3x3Stride2ChannelVectorsAvx.Supports(g), "the geometry no longer reaches the channel-vector kernel");
        var activations = new[]
        {
            Activation.None, new Activation(ActivationKind.Relu), new Activation(ActivationKind.Clip, 0f, 6f),
            new Activation(ActivationKind.HardSwish), new Activation(ActivationKind.SiLU), new Activation(ActivationKind.GeluErf),
        };
        float[] input = TestData.Random((int)g.InputLength, 40, -2f, 2f);
        float[] weights = TestData.Random((int)g.WeightLength, 41);
        float[] packed = Conv2dF32.PackWeights(weights, g);
        Assert.Equal(g.WeightLength + Conv3x3Stride2ChannelVectorsAvx.PackedLength(g), packed.Length);
        float[] bias = TestData.Random(g.OutChannels, 42);
        foreach (Activation activation in activations)
            foreach (float[] residual in new[] { Array.Empty<float>(), TestData.Random((int)g.OutputLength, 43) })
            {
                float[] expected = NaiveReference.Conv2d(input, weights, bias, residual, g, activation);
                foreach (bool appended in new[] { true, false })
                {
                    float[] output = TestData.Random((int)g.OutputLength, 44); // stale values must be overwritten
                    Conv2dF32.Run(input, appended ? packed : weights, bias, residual, output, g, activation, KernelIsa.Vector256);
                    TestData.AssertClose(output, expected, 1e-5,
                        $"{g} {activation.Kind} residual={residual.Length > 0} {(appended ? "channel vectors" : "ONNX layout")}");
                }
            }
    }

    /// <summary>The channel-vector kernel's reach: dense 3×3 at stride 2 with up to 48 inputs, nothing else.</summary>
    [Fact]
    public void ChannelVectorsAvx_TakeDenseStride2UpTo48Inputs()
    {
        Assert.True(Conv3x3Stride2ChannelVectorsAvx.TakesGeometry(Geometry(1, 48, 16, 16, 96, 3, 2, 1)));
        Assert.True(Conv3x3Stride2ChannelVectorsAvx.TakesGeometry(Geometry(1, 3, 224, 224, 24, 3, 2, 1)));
        Assert.False(Conv3x3Stride2ChannelVectorsAvx.TakesGeometry(Geometry(1, 49, 16, 16, 96, 3, 2, 1)));
        Assert.False(Conv3x3Stride2ChannelVectorsAvx.TakesGeometry(Geometry(1, 24, 16, 16, 48, 3, 1, 1)));
        Assert.False(Conv3x3Stride2ChannelVectorsAvx.TakesGeometry(Geometry(1, 24, 16, 16, 48, 3, 2, 2, dilation: 2)));
        Assert.False(Conv3x3Stride2ChannelVectorsAvx.TakesGeometry(Geometry(1, 24, 16, 16, 48, 3, 2, 1, groups: 2)));
        Assert.False(Conv3x3Stride2ChannelVectorsAvx.TakesGeometry(Geometry(1, 24, 16, 16, 48, 5, 2, 2)));
        Assert.False(Conv3x3Stride2ChannelVectorsAvx.TakesGeometry(Geometries["Dense 3x3 s2 p1 49->24 10x10 (one input more than the channel vectors take: implicit GEMM)"]));
    }

    /// <summary>
    /// Past image channels the stem kernel takes only narrow convolutions (up to 24 inputs and 48 outputs), where the
    /// GEMM's tiles have too few rows; the MatchesNaive cases cover each side's results.
    /// </summary>
    [Fact]
    public void ShallowStem_TakesNarrowConvolutionsOnly()
    {
        if (!Avx512KernelsRun()) return;
        Assert.True(ShallowConv3x3Stride2.Supports(Geometries["Stem 3x3 s2 p1 24->48 30x34 (narrow, RepViT's second stem: depth 216; rows of 17 outputs)"]));
        Assert.True(ShallowConv3x3Stride2.Supports(Geometry(1, 3, 224, 224, 128, 3, 2, 1)));
        Assert.False(ShallowConv3x3Stride2.Supports(Geometries["Dense 3x3 s2 p1 5->56 12x12 (more outputs than the stem kernel takes beyond 4 inputs: implicit GEMM)"]));
        Assert.False(ShallowConv3x3Stride2.Supports(Geometries["Dense 3x3 s2 p1 25->8 12x12 (more inputs than the stem kernel takes: implicit GEMM)"]));
        Assert.False(ShallowConv3x3Stride2.Supports(Geometry(1, 3, 224, 224, 136, 3, 2, 1)));
    }

    /// <summary>
    /// With AVX-512, 3×3 depthwise planes (stride 1 or 2) too large for channel blocks are read straight from the input rows
    /// (no padded copy); the products are the band path's in the same order, so the 256-bit build (band path) must
    /// give the same bits.
    /// </summary>
    [Theory]
    [InlineData("Depthwise 3x3 s1 p1 4ch 30x15 (direct rows: one partial vector per row)")]
    [InlineData("Depthwise 3x3 s1 p1 3ch 18x32 batch2 (direct rows: whole vectors only)")]
    [InlineData("Depthwise 3x3 s1 p1 2ch 30x57 pad bottom 0 (direct rows)")]
    [InlineData("Depthwise 3x3 s1 p1 3ch 17x33 batch2")]
    [InlineData("Depthwise 3x3 s2 p1 3ch 70x75 (rows split in whole vectors and a tail)")]
    [InlineData("Depthwise 3x3 s2 p1 3ch 57x56 (past the channel blocks' plane limit: row kernel)")]
    [InlineData("Depthwise 3x3 s2 p1 2ch 60x64 pad bottom 0 (direct rows, whole vectors)")]
    public void DirectRows_AreBitwiseTheBandPath(string geometryName)
    {
        if (!Avx512KernelsRun()) return;
        AssertVector512IsVector256Bitwise(geometryName, withResidual: true);
    }

    /// <summary>
    /// With AVX2 and FMA, 3×3 depthwise planes at stride 1 and 2 that channel blocks leave are read straight from the
    /// input rows with 256-bit vectors (DepthwiseRowsAvx; stride 1 two output rows at a time, stride 2 shuffles its taps
    /// out of the row and puts the sums back in order once): the same products in the same order as the 128-bit build's
    /// padded band, so the same bits. The widths give inner vectors, masked first and last vectors, odd rows (a right tap
    /// on the padding) and rows narrower than one vector of outputs; 29 output rows leave one after the pairs.
    /// </summary>
    [Theory]
    [InlineData("Depthwise 3x3 s1 p1 4ch 30x15 (direct rows: one partial vector per row)")]
    [InlineData("Depthwise 3x3 s1 p1 2ch 4x95 batch2 (direct rows: inner taps loaded, a last vector of 15)")]
    [InlineData("Depthwise 3x3 s1 p1 2ch 30x57 pad bottom 0 (direct rows)")]
    [InlineData("Depthwise 3x3 s2 p1 3ch 70x75 (rows split in whole vectors and a tail)")]
    [InlineData("Depthwise 3x3 s2 p1 3ch 57x56 (past the channel blocks' plane limit: row kernel)")]
    [InlineData("Depthwise 3x3 s2 p1 2ch 60x64 pad bottom 0 (direct rows, whole vectors)")]
    [InlineData("Depthwise 3x3 s2 p1 2ch 64x67 (direct rows: odd width, 34 outputs a row)")]
    [InlineData("Depthwise 3x3 s2 p1 2ch 300x13 batch2 (direct rows: 7 outputs a row, every load masked)")]
    [InlineData("Depthwise 3x3 s2 p1 2ch 120x36 (direct rows: a last vector of 2 outputs)")]
    [InlineData("Depthwise 3x3 s2 p1 9ch 32x32 (AVX rows, not 8-channel blocks: rows of two whole vectors)")]
    [InlineData("Depthwise 3x3 s1 p1 9ch 30x14 (AVX rows: a last vector of 6 stored as 4 + 2)")]
    [InlineData("Depthwise 3x3 s1 p1 3ch 29x19 (AVX rows: a last vector of 3 stored as 2 + 1)")]
    [InlineData("Depthwise 3x3 s2 p1 3ch 130x26 (past the channel blocks' plane limit, AVX rows: 13 outputs a row, a last vector of 5 stored as 4 + 1)")]
    public void DirectRowsAvx_AreBitwiseTheBandPath(string geometryName)
    {
        if (!System.Runtime.Intrinsics.X86.Avx2.IsSupported || !System.Runtime.Intrinsics.X86.Fma.IsSupported) return;
        Assert.False(DepthwiseChannelBlocks.Supports<System.Runtime.Intrinsics.Vector256<float>>(Geometries[geometryName]), "channel blocks take the geometry: the test would not reach the direct rows");
        AssertIsasBitwise(geometryName, withResidual: true, KernelIsa.Vector256, KernelIsa.Vector128);
        AssertIsasBitwise(geometryName, withResidual: false, KernelIsa.Vector256, KernelIsa.Vector128);
    }

    /// <summary>
    /// With AVX-512, dense stride-1 convolutions keeping the input's size read B in place from a zero-padded copy of the
    /// input. Each output is one multiply-add chain over the depth in the implicit GEMM's order, so where the GEMM does not
    /// split the depth (up to 128) the 256-bit build (gathered panels) must give the same bits (not for a single channel
    /// left over after the 6-row tiles, nor a plane one pixel past a whole vector: the GEMM's one-row tile and its one-column
    /// tail sum in another order). Rows whose width is no multiple of 16 run over the padded width.
    /// </summary>
    [Theory]
    [InlineData("Dense 3x3 s1 p1 8->8 9x16 (padded input: rows of one vector, 144 pixels = 2 panels and 16, 2 channels left over)")]
    [InlineData("Dense 3x3 s1 p1 12->10 12x32 batch2 (padded input: rows of two vectors, 4 channels left over)")]
    [InlineData("Dilated 3x3 d2 p2 12->6 10x48 (padded input, a frame of 2)")]
    [InlineData("Dense 5x5 s1 p2 4->6 20x80 (padded input, 25 taps)")]
    [InlineData("Dense 3x3 s1 p1 12->12 14x14 batch2 (padded input over rows of 16)")]
    [InlineData("Dilated 3x3 d2 p2 12->6 10x40 (padded input over rows of 44)")]
    [InlineData("Dense 3x3 s1 p1 12->6 5x14 (padded input over rows of 16: one partial panel)")]
    [InlineData("Dense 5x5 s1 p2 4->6 11x37 (padded input over rows of 41)")]
    public void PaddedInput_IsBitwiseTheGatheredPanels(string geometryName)
    {
        if (!Avx512KernelsRun()) return;
        Assert.True(PaddedInputConvolution.Supports(Geometries[geometryName]), "the geometry no longer reaches the padded-input kernel");
        AssertVector512IsVector256Bitwise(geometryName, withResidual: true);
    }

    /// <summary>
    /// Rows of 28 and 14 take the padded-input kernel over the padded width; rows of 7, where the two padding columns
    /// would be two ninths of the work, keep the im2col panels.
    /// </summary>
    [Fact]
    public void PaddedInput_TakesRowsWhosePaddingIsAtMostASeventh()
    {
        if (!Avx512KernelsRun()) return;
        Assert.True(PaddedInputConvolution.Supports(Geometries["Dense 3x3 s1 p1 16->13 28x28 (padded input over rows of 30: vectors across rows, 1 channel left over)"]));
        Assert.True(PaddedInputConvolution.Supports(Geometry(1, 64, 14, 14, 64, 3, 1, 1)));
        Assert.False(PaddedInputConvolution.Supports(Geometry(1, 80, 7, 7, 80, 3, 1, 1)));
        Assert.False(PaddedInputConvolution.Supports(Geometry(1, 12, 10, 20, 6, 3, 1, 2, dilation: 2)));
    }

    /// <summary>
    /// Whether the AVX-512-only kernels run here. Where AVX-512 is off (CI's second mode, or ARM) they do not, and a
    /// software Vector512 multiplies and adds separately, so it is not the 256-bit build's bits either; MatchesNaive
    /// covers those geometries there. Checks that 512-bit vectors are then indeed not accelerated.
    /// </summary>
    private static bool Avx512KernelsRun()
    {
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported) return true;
        Assert.False(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated);
        return false;
    }

    /// <summary>
    /// Runs a geometry with bias and ReLU6 through the 512-bit build and the 256-bit build and asserts every output has
    /// the same bits, after checking the output is not all clipped (the comparison would then prove nothing).
    /// </summary>
    private static void AssertVector512IsVector256Bitwise(string geometryName, bool withResidual)
        => AssertIsasBitwise(geometryName, withResidual, KernelIsa.Vector512, KernelIsa.Vector256);

    /// <summary>The same check between any two builds, <paramref name="wideIsa"/> and <paramref name="narrowIsa"/>.</summary>
    private static void AssertIsasBitwise(string geometryName, bool withResidual, KernelIsa wideIsa, KernelIsa narrowIsa, bool onnxLayout = false)
    {
        Conv2dGeometry g = Geometries[geometryName];
        float[] input = TestData.Random((int)g.InputLength, 5, -2f, 2f);
        float[] onnxWeights = TestData.Random((int)g.WeightLength, 6);
        float[] weights = onnxLayout ? onnxWeights : Conv2dF32.PackWeights(onnxWeights, g);
        float[] bias = TestData.Random(g.OutChannels, 7);
        float[] residual = withResidual ? TestData.Random((int)g.OutputLength, 8) : Array.Empty<float>();
        var activation = new Activation(ActivationKind.Clip, 0f, 6f);
        var wide = new float[g.OutputLength];
        var narrow = new float[g.OutputLength];
        Conv2dF32.Run(input, weights, bias, residual, wide, g, activation, wideIsa);
        Conv2dF32.Run(input, weights, bias, residual, narrow, g, activation, narrowIsa);
        Assert.True(wide.Any(v => v != 0f && v != 6f), "the output is all clipped: the comparison would prove nothing");
        for (int i = 0; i < wide.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(wide[i]) == BitConverter.SingleToInt32Bits(narrow[i]),
                $"{geometryName} residual={withResidual}: element {i} {wide[i]} vs {narrow[i]}");
    }

    [Fact]
    public void PublicRun_ChoosesKernelsAndMatches()
    {
        foreach (var (name, g) in Geometries)
        {
            float[] input = TestData.Random((int)g.InputLength, 1, -2f, 2f);
            float[] weights = TestData.Random((int)g.WeightLength, 2);
            float[] bias = TestData.Random(g.OutChannels, 3);
            var output = new float[g.OutputLength];
            Conv2dF32.Run(input, Conv2dF32.PackWeights(weights, g), bias, default, output, g, new Activation(ActivationKind.HardSwish));
            TestData.AssertClose(output, NaiveReference.Conv2d(input, weights, bias, Array.Empty<float>(), g, new Activation(ActivationKind.HardSwish)), 1e-5, name);
        }
    }

    [Fact]
    public void PackWeights_RejectsWrongLength()
    {
        Conv2dGeometry g = Geometries["Dense 3x3 s1 p1 8->12 10x11"];
        Assert.Throws<ArgumentException>(() => Conv2dF32.PackWeights(new float[g.WeightLength - 1], g));
    }

    /// <summary>
    /// A pointwise convolution's interleaved weights are longer than the ONNX layout; weights of only the ONNX length (not
    /// PackWeights' output) are refused with the length expected, on every instruction set, instead of read past their end.
    /// </summary>
    [Fact]
    public void Run_RefusesPointwiseWeightsShorterThanPackWeightsOutput()
    {
        Conv2dGeometry g = Geometry(1, 16, 5, 7, 24, 1, 1, 0);
        float[] packed = Conv2dF32.PackWeights(TestData.Random((int)g.WeightLength, 2), g);
        Assert.True(packed.Length > g.WeightLength, "the test expects interleaved weights");
        float[] input = TestData.Random((int)g.InputLength, 1);
        foreach (KernelIsa isa in TestData.AllIsas)
        {
            var output = new float[g.OutputLength];
            var error = Assert.Throws<ArgumentException>(() => Conv2dF32.Run(input, packed.AsSpan(0, (int)g.WeightLength), default, default, output, g, default, isa));
            Assert.Contains(packed.Length.ToString(), error.Message);
            Conv2dF32.Run(input, packed, default, default, output, g, default, isa);
        }
    }

    private static void Check(KernelIsa isa, Conv2dGeometry g, int seed, bool withBias, bool withResidual, Activation activation)
    {
        float[] input = TestData.Random((int)g.InputLength, seed, -2f, 2f);
        float[] weights = TestData.Random((int)g.WeightLength, seed + 100);
        float[] bias = withBias ? TestData.Random(g.OutChannels, seed + 200) : Array.Empty<float>();
        float[] residual = withResidual ? TestData.Random((int)g.OutputLength, seed + 300) : Array.Empty<float>();
        float[] expected = NaiveReference.Conv2d(input, weights, bias, residual, g, activation);
        float[] output = TestData.Random((int)g.OutputLength, seed + 400); // stale values must be overwritten
        Conv2dF32.Run(input, Conv2dF32.PackWeights(weights, g), bias, residual, output, g, activation, isa);
        TestData.AssertClose(output, expected, 1e-5, $"{isa} {g} {activation} bias={withBias} residual={withResidual}");
    }
}
