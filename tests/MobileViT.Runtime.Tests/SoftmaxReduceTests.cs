using System;
using System.Collections.Generic;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime.Tests;

/// <summary>Testers for Softmax and the reductions over the middle axis of [outer, axis, inner].</summary>
public class SoftmaxReduceTests
{
    private static readonly (int Outer, int Axis, int Inner)[] Shapes =
    {
        (1, 1, 1), (3, 7, 1), (2, 256, 1), (4, 33, 1), (2, 5, 3), (3, 4, 17), (1, 9, 64), (2, 3, 100), (2, 30, 300), (1, 20, 2049),
    };

    /// <summary>
    /// A strided softmax runs its columns in passes along the rows, 2048 columns at a time. A column's result must not
    /// depend on which columns share its passes: the first 2048 columns of a 2049-column softmax (two sets of passes,
    /// the second a partial vector) have the bits of the same 2048 columns on their own.
    /// </summary>
    [Theory]
    [MemberData(nameof(TestData.Isas), MemberType = typeof(TestData))]
    public void Softmax_StridedColumnsDoNotDependOnTheirNeighbours(string isaName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        const int axis = 37, wide = 2049, narrow = 2048;
        float[] input = TestData.Random(axis * wide, 11, -30f, 30f);
        var together = new float[input.Length];
        SoftmaxF32.Run(input, together, 1, axis, wide, isa);
        var narrowInput = new float[axis * narrow];
        for (int a = 0; a < axis; a++) Array.Copy(input, a * wide, narrowInput, a * narrow, narrow);
        var alone = new float[narrowInput.Length];
        SoftmaxF32.Run(narrowInput, alone, 1, axis, narrow, isa);
        for (int a = 0; a < axis; a++)
            for (int i = 0; i < narrow; i++)
                Assert.True(BitConverter.SingleToInt32Bits(alone[a * narrow + i]) == BitConverter.SingleToInt32Bits(together[a * wide + i]),
                    $"{isa}: row {a} column {i} is {alone[a * narrow + i]} alone, {together[a * wide + i]} with its neighbours");
    }

    [Theory]
    [MemberData(nameof(TestData.Isas), MemberType = typeof(TestData))]
    public void LogSoftmax_MatchesReference(string isaName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        foreach (var (outer, axis, inner) in Shapes)
        {
            // Logits ±60 apart: the smallest probabilities underflow float, their logarithms must stay finite and exact.
            float[] input = TestData.Random(outer * axis * inner, axis * 5 + inner, -60f, 60f);
            var expected = new float[input.Length];
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                {
                    double max = double.NegativeInfinity, sum = 0;
                    for (int a = 0; a < axis; a++) max = Math.Max(max, input[(o * axis + a) * inner + i]);
                    for (int a = 0; a < axis; a++) sum += Math.Exp(input[(o * axis + a) * inner + i] - max);
                    for (int a = 0; a < axis; a++) expected[(o * axis + a) * inner + i] = (float)(input[(o * axis + a) * inner + i] - max - Math.Log(sum));
                }
            var output = new float[input.Length];
            LogSoftmaxF32.Run(input, output, outer, axis, inner, isa);
            Assert.All(output, v => Assert.True(float.IsFinite(v)));
            TestData.AssertClose(output, expected, 1e-6, $"{isa} [{outer},{axis},{inner}]");
            float[] inPlace = (float[])input.Clone();
            LogSoftmaxF32.Run(inPlace, inPlace, outer, axis, inner, isa);
            Assert.Equal(output, inPlace);
        }
    }

    [Fact]
    public void LogSoftmax_RejectsShortSpans()
    {
        var error = Assert.Throws<ArgumentException>(() => LogSoftmaxF32.Run(new float[11], new float[12], 2, 3, 2));
        Assert.Contains("12", error.Message);
    }

    [Theory]
    [MemberData(nameof(TestData.Isas), MemberType = typeof(TestData))]
    public void Softmax_MatchesReference(string isaName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        foreach (var (outer, axis, inner) in Shapes)
        {
            // Large logits (up to ±60) overflow exp unless the maximum is subtracted.
            float[] input = TestData.Random(outer * axis * inner, axis * 3 + inner, -60f, 60f);
            var expected = new float[input.Length];
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                {
                    double max = double.NegativeInfinity, sum = 0;
                    for (int a = 0; a < axis; a++) max = Math.Max(max, input[(o * axis + a) * inner + i]);
                    for (int a = 0; a < axis; a++) sum += Math.Exp(input[(o * axis + a) * inner + i] - max);
                    for (int a = 0; a < axis; a++) expected[(o * axis + a) * inner + i] = (float)(Math.Exp(input[(o * axis + a) * inner + i] - max) / sum);
                }
            var output = new float[input.Length];
            SoftmaxF32.Run(input, output, outer, axis, inner, isa);
            TestData.AssertClose(output, expected, 1e-5, $"{isa} [{outer},{axis},{inner}]");
            float[] inPlace = (float[])input.Clone();
            SoftmaxF32.Run(inPlace, inPlace, outer, axis, inner, isa);
            Assert.Equal(output, inPlace);
        }
    }

    [Theory]
    [MemberData(nameof(TestData.Isas), MemberType = typeof(TestData))]
    public unsafe void ScaledRows_AreBitwiseTheSoftmaxOfTheScaledValues(string isaName)
    {
        // Attention applies its 1/√d scale inside the softmax; the result must be that of scaling first, bit for bit.
        KernelIsa isa = TestData.Isa(isaName);
        foreach (var (rows, length, scale) in new[] { (3, 37, 0.2041f), (2, 256, 0.25f), (4, 5, -0.7f) })
        {
            float[] input = TestData.Random(rows * length, length, -8f, 8f);
            var scaled = new float[input.Length];
            for (int i = 0; i < input.Length; i++) scaled[i] = input[i] * scale;
            var expected = new float[input.Length];
            SoftmaxF32.Run(scaled, expected, rows, length, 1, isa);
            float[] actual = (float[])input.Clone();
            fixed (float* pointer = actual) SoftmaxF32.RunScaledRows(pointer, rows, length, length, scale, isa);
            Assert.Equal(expected, actual);
        }
    }

    /// <summary>
    /// Attention's scores with rows rounded up to whole vectors: scaled softmax along rows and down columns of a matrix
    /// whose rows are farther apart than they are long gives the bits of the contiguous matrix, reads nothing in the gaps
    /// (NaN there) and writes nothing there.
    /// </summary>
    [Theory]
    [MemberData(nameof(TestData.Isas), MemberType = typeof(TestData))]
    public unsafe void ScaledRowsAndColumns_WithRowsApart_AreTheContiguousResult(string isaName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        foreach (var (rows, columns, stride) in new[] { (37, 37, 48), (5, 196, 208), (49, 20, 32), (3, 2049, 2064) })
        {
            const float Scale = 0.25f;
            float[] input = TestData.Random(rows * columns, rows + columns, -8f, 8f);
            float[] Spread(float[] contiguous)
            {
                var result = new float[rows * stride];
                Array.Fill(result, float.NaN);
                for (int r = 0; r < rows; r++) Array.Copy(contiguous, r * columns, result, r * stride, columns);
                return result;
            }
            foreach (bool downColumns in new[] { false, true })
            {
                float[] expected = (float[])input.Clone(), actual = Spread(input);
                fixed (float* contiguous = expected)
                fixed (float* strided = actual)
                {
                    if (downColumns)
                    {
                        SoftmaxF32.RunScaledColumns(contiguous, rows, columns, columns, Scale, isa);
                        SoftmaxF32.RunScaledColumns(strided, rows, columns, stride, Scale, isa);
                    }
                    else
                    {
                        SoftmaxF32.RunScaledRows(contiguous, rows, columns, columns, Scale, isa);
                        SoftmaxF32.RunScaledRows(strided, rows, columns, stride, Scale, isa);
                    }
                }
                for (int r = 0; r < rows; r++)
                {
                    for (int c = 0; c < columns; c++)
                        Assert.True(BitConverter.SingleToInt32Bits(expected[r * columns + c]) == BitConverter.SingleToInt32Bits(actual[r * stride + c]),
                            $"{isa} {rows}x{columns} rows {stride} apart, {(downColumns ? "columns" : "rows")}: ({r}, {c}) is {actual[r * stride + c]}, contiguous {expected[r * columns + c]}");
                    for (int c = columns; c < stride; c++) Assert.True(float.IsNaN(actual[r * stride + c]), $"{isa}: the gap after row {r} was written");
                }
            }
        }
    }

    public static IEnumerable<object[]> ReduceCases()
    {
        foreach (KernelIsa isa in TestData.AllIsas)
            foreach (ReduceKind kind in Enum.GetValues<ReduceKind>())
                yield return new object[] { isa.ToString(), kind };
    }

    [Theory]
    [MemberData(nameof(ReduceCases))]
    public void Reduce_MatchesReference(string isaName, ReduceKind kind)
    {
        KernelIsa isa = TestData.Isa(isaName);
        foreach (var (outer, axis, inner) in Shapes)
        {
            float[] input = TestData.Random(outer * axis * inner, axis + inner, -2f, 3f);
            var expected = new float[outer * inner];
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                {
                    double accumulator = kind switch { ReduceKind.Max => double.NegativeInfinity, ReduceKind.Min => double.PositiveInfinity, _ => 0 };
                    for (int a = 0; a < axis; a++)
                    {
                        double v = input[(o * axis + a) * inner + i];
                        accumulator = kind switch
                        {
                            ReduceKind.Max => Math.Max(accumulator, v),
                            ReduceKind.Min => Math.Min(accumulator, v),
                            ReduceKind.SumSquare or ReduceKind.L2 => accumulator + v * v,
                            ReduceKind.L1 => accumulator + Math.Abs(v),
                            _ => accumulator + v,
                        };
                    }
                    expected[o * inner + i] = (float)(kind == ReduceKind.Mean ? accumulator / axis : kind == ReduceKind.L2 ? Math.Sqrt(accumulator) : accumulator);
                }
            var output = new float[outer * inner];
            ReduceF32.Run(kind, input, output, outer, axis, inner, isa);
            TestData.AssertClose(output, expected, 1e-5, $"{isa} {kind} [{outer},{axis},{inner}]");
        }
    }

    [Theory]
    [MemberData(nameof(TestData.Isas), MemberType = typeof(TestData))]
    public void GlobalAverage_MatchesReference(string isaName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        foreach (var (planes, size) in new[] { (1, 1), (3, 49), (16, 64), (5, 1023) })
        {
            float[] input = TestData.Random(planes * size, size, -1f, 2f);
            var expected = new float[planes];
            for (int p = 0; p < planes; p++)
            {
                double sum = 0;
                for (int i = 0; i < size; i++) sum += input[p * size + i];
                expected[p] = (float)(sum / size);
            }
            var output = new float[planes];
            PoolF32.GlobalAverage(input, output, planes, size, isa);
            TestData.AssertClose(output, expected, 1e-5, $"{isa} planes={planes} size={size}");
        }
    }
}
