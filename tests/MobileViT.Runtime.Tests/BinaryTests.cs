using System;
using System.Collections.Generic;
using System.Linq;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime.Tests;

/// <summary>Tester for broadcasting binary ops: every variant and broadcast pattern against an index-by-index reference.</summary>
public class BinaryTests
{
    /// <summary>Broadcast patterns as (output shape, a shape, b shape) in numpy style (right-aligned).</summary>
    public static readonly Dictionary<string, (int[] Shape, int[] A, int[] B)> Patterns = new()
    {
        ["same 1-D odd"] = (new[] { 37 }, new[] { 37 }, new[] { 37 }),
        ["same 4-D"] = (new[] { 2, 3, 5, 7 }, new[] { 2, 3, 5, 7 }, new[] { 2, 3, 5, 7 }),
        ["b scalar"] = (new[] { 3, 19 }, new[] { 3, 19 }, new[] { 1 }),
        ["a scalar"] = (new[] { 4, 33 }, new[] { 1 }, new[] { 4, 33 }),
        ["per-channel NCHW"] = (new[] { 2, 6, 5, 7 }, new[] { 2, 6, 5, 7 }, new[] { 6, 1, 1 }),
        ["per-channel a side"] = (new[] { 1, 6, 4, 9 }, new[] { 1, 6, 1, 1 }, new[] { 1, 6, 4, 9 }),
        ["last axis (row bias)"] = (new[] { 5, 3, 17 }, new[] { 5, 3, 17 }, new[] { 17 }),
        ["outer product"] = (new[] { 9, 13 }, new[] { 9, 1 }, new[] { 1, 13 }),
        ["middle broadcast"] = (new[] { 3, 4, 5 }, new[] { 3, 1, 5 }, new[] { 3, 4, 5 }),
        ["both scalar"] = (new[] { 1, 1 }, new[] { 1 }, new[] { 1 }),
        ["rank 8"] = (new[] { 2, 1, 3, 2, 1, 2, 3, 5 }, new[] { 2, 1, 3, 2, 1, 2, 3, 5 }, new[] { 1, 1, 3, 1, 1, 2, 1, 5 }),
        ["column of a"] = (new[] { 6, 8 }, new[] { 6, 1 }, new[] { 6, 8 }),
    };

    private static int[] Strides(int[] operandShape, int[] outputShape)
    {
        // Right-align operand dims; stride 0 on broadcast (size 1 or missing) axes.
        var strides = new int[outputShape.Length];
        int offset = outputShape.Length - operandShape.Length;
        int stride = 1;
        for (int axis = outputShape.Length - 1; axis >= 0; axis--)
        {
            int operandAxis = axis - offset;
            int size = operandAxis >= 0 ? operandShape[operandAxis] : 1;
            strides[axis] = size == 1 ? 0 : stride;
            stride *= size;
        }
        return strides;
    }

    private static float Apply(BinaryKind kind, float a, float b) => kind switch
    {
        BinaryKind.Add => a + b,
        BinaryKind.Sub => a - b,
        BinaryKind.Mul => a * b,
        BinaryKind.Div => a / b,
        BinaryKind.Pow => (float)Math.Pow(a, b),
        BinaryKind.Max => Math.Max(a, b),
        BinaryKind.Min => Math.Min(a, b),
        BinaryKind.PRelu => a >= 0 ? a : a * b,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static IEnumerable<object[]> Cases()
    {
        foreach (KernelIsa isa in TestData.AllIsas)
            foreach (BinaryKind kind in Enum.GetValues<BinaryKind>())
                yield return new object[] { isa.ToString(), kind };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesReference_AllPatterns(string isaName, BinaryKind kind)
    {
        KernelIsa isa = TestData.Isa(isaName);
        foreach (var (name, (shape, aShape, bShape)) in Patterns)
        {
            int[] aStrides = Strides(aShape, shape), bStrides = Strides(bShape, shape);
            float low = kind == BinaryKind.Pow ? 0.1f : -2f;
            float[] a = TestData.Random(aShape.Aggregate(1, (x, y) => x * y), name.Length, low, 3f);
            float[] b = TestData.Random(bShape.Aggregate(1, (x, y) => x * y), name.Length + 1, kind == BinaryKind.Div ? 0.5f : low, 3f);
            int total = shape.Aggregate(1, (x, y) => x * y);
            var expected = new float[total];
            for (int flat = 0; flat < total; flat++)
            {
                int remainder = flat, aOffset = 0, bOffset = 0;
                for (int axis = shape.Length - 1; axis >= 0; axis--)
                {
                    int index = remainder % shape[axis];
                    remainder /= shape[axis];
                    aOffset += index * aStrides[axis];
                    bOffset += index * bStrides[axis];
                }
                expected[flat] = Apply(kind, a[aOffset], b[bOffset]);
            }
            var c = new float[total];
            BinaryF32.Run(kind, a, b, c, shape, aStrides, bStrides, isa);
            TestData.AssertClose(c, expected, 1e-5, $"{isa} {kind} {name}");
        }
    }

    [Theory]
    [MemberData(nameof(TestData.Isas), MemberType = typeof(TestData))]
    public void Pow_ConstantExponents(string isaName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        float[] a = TestData.Random(45, 7, 0.1f, 4f);
        foreach (float exponent in new[] { 2f, 3f, 0.5f, 1f, -1f, 1.7f })
        {
            var c = new float[45];
            BinaryF32.Run(BinaryKind.Pow, a, new[] { exponent }, c, new[] { 45 }, new[] { 1 }, new[] { 0 }, isa);
            TestData.AssertClose(c, a.Select(x => (float)Math.Pow(x, exponent)).ToArray(), 1e-6, $"{isa} x^{exponent}");
        }
        // Negative base with an integral exponent.
        var cube = new float[3];
        BinaryF32.Run(BinaryKind.Pow, new[] { -2f, -0.5f, 3f }, new[] { 3f }, cube, new[] { 3 }, new[] { 1 }, new[] { 0 }, isa);
        Assert.Equal(new[] { -8f, -0.125f, 27f }, cube);
    }

    [Fact]
    public void InPlace_SameLayout()
    {
        float[] a = TestData.Random(100, 1);
        float[] b = TestData.Random(100, 2);
        float[] expected = a.Zip(b, (x, y) => x * y).ToArray();
        BinaryF32.Run(BinaryKind.Mul, a, b, a, new[] { 100 }, new[] { 1 }, new[] { 1 });
        Assert.Equal(expected, a);
    }

    [Fact]
    public void RejectsShortSpans()
    {
        Assert.Throws<ArgumentException>(() => BinaryF32.Run(BinaryKind.Add, new float[5], new float[6], new float[6], new[] { 6 }, new[] { 1 }, new[] { 1 }));
    }
}
