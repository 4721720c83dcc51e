using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.Intrinsics;
using MobileViT.Runtime.Simd;
using MobileViT.Runtime.Tests.Reference;

namespace MobileViT.Runtime.Tests;

/// <summary>Tester for the element-wise family (UnaryF32 and the activations every kernel fuses).</summary>
public class UnaryTests
{
    public static IEnumerable<object[]> Cases()
    {
        foreach (KernelIsa isa in TestData.AllIsas)
            foreach (UnaryKind kind in Enum.GetValues<UnaryKind>())
                yield return new object[] { isa.ToString(), kind };
    }

    private static (float Low, float High, float Alpha, float Beta) Domain(UnaryKind kind) => kind switch
    {
        UnaryKind.Log or UnaryKind.Sqrt => (1e-3f, 50f, 0f, 0f),
        UnaryKind.Reciprocal => (0.1f, 10f, 0f, 0f),
        UnaryKind.Exp => (-80f, 80f, 0f, 0f),
        UnaryKind.Clip => (-10f, 10f, -1.5f, 6f),
        UnaryKind.HardSigmoid => (-10f, 10f, 0.2f, 0.5f),
        UnaryKind.LeakyRelu => (-10f, 10f, 0.01f, 0f),
        UnaryKind.Elu => (-10f, 10f, 1.3f, 0f),
        UnaryKind.Swish => (-12f, 12f, 1.702f, 0f),
        _ => (-12f, 12f, 0f, 0f),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesDoubleReferenceAndScalar(string isaName, UnaryKind kind)
    {
        KernelIsa isa = TestData.Isa(isaName);
        var (low, high, alpha, beta) = Domain(kind);
        foreach (int length in new[] { 1, 3, 17, 64, 1003 })
        {
            float[] input = TestData.Random(length, seed: length * 31 + (int)kind, low, high);
            var output = new float[length];
            UnaryF32.Run(kind, input, output, alpha, beta, isa);

            var reference = new float[length];
            UnaryF32.Run(kind, input, reference, alpha, beta, KernelIsa.Scalar);
            TestData.AssertClose(output, reference, 1e-5, $"{isa} {kind} n={length} vs scalar");

            // Every element within 1e-6 absolute or 2e-6 relative of the exact value.
            for (int i = 0; i < length; i++)
            {
                double exact = MathReference.Apply(kind, input[i], alpha, beta);
                double tolerance = 1e-6 + 2e-6 * Math.Abs(exact);
                Assert.True(Math.Abs(output[i] - exact) <= tolerance,
                    $"{isa} {kind}({input[i]:R}) = {output[i]:R}, exact {exact:R}");
            }

            // In place gives the same result.
            float[] inPlace = (float[])input.Clone();
            UnaryF32.Run(kind, inPlace, inPlace, alpha, beta, isa);
            Assert.Equal(output, inPlace);
        }
    }

    [Theory]
    [MemberData(nameof(TestData.Isas), MemberType = typeof(TestData))]
    public void SpecialValues(string isaName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        float[] input = { 0f, -0f, 1e-30f, -1e-30f, 1e-8f, 100f, -100f, 88.5f, -87f, -90f, 200f, float.NaN, float.PositiveInfinity, float.NegativeInfinity };
        var output = new float[input.Length];

        UnaryF32.Run(UnaryKind.Exp, input, output, 0, 0, isa);
        Assert.Equal(1f, output[0]);
        Assert.Equal(float.PositiveInfinity, output[10]);
        Assert.InRange(output[9], 0f, 1.2e-38f); // exp(-90) underflows (vector) or is subnormal (scalar)
        Assert.True(float.IsNaN(output[11]));
        Assert.Equal(0f, output[13]);
        Assert.InRange(output[7] / Math.Exp(88.5), 1 - 1e-6, 1 + 1e-6);

        UnaryF32.Run(UnaryKind.Log, input, output, 0, 0, isa);
        Assert.Equal(float.NegativeInfinity, output[0]);
        Assert.InRange(output[2] / Math.Log(1e-30), 1 - 1e-6, 1 + 1e-6);
        Assert.True(float.IsNaN(output[3]));
        Assert.Equal(float.PositiveInfinity, output[12]);

        foreach (UnaryKind kind in new[] { UnaryKind.Sigmoid, UnaryKind.SiLU, UnaryKind.Tanh, UnaryKind.GeluErf, UnaryKind.GeluTanh, UnaryKind.Erf, UnaryKind.Softplus })
        {
            UnaryF32.Run(kind, input, output, 0, 0, isa);
            for (int i = 0; i < 11; i++)
            {
                double exact = MathReference.Apply(kind, input[i], 0, 0);
                Assert.True(Math.Abs(output[i] - exact) <= 1e-6 + 2e-6 * Math.Abs(exact), $"{isa} {kind}({input[i]:R}) = {output[i]:R}, exact {exact:R}");
            }
            Assert.True(float.IsNaN(output[11]), $"{isa} {kind}(NaN) = {output[11]}");
        }

        // The clamps are a max and a min whose operand order keeps NaN (x86's return their second operand on NaN).
        foreach (UnaryKind kind in new[] { UnaryKind.Relu, UnaryKind.Clip, UnaryKind.HardSigmoid, UnaryKind.HardSwish })
        {
            float alpha = kind == UnaryKind.Clip ? -1f : 0.2f, beta = kind == UnaryKind.Clip ? 1f : 0.5f;
            UnaryF32.Run(kind, input, output, alpha, beta, isa);
            for (int i = 0; i < 11; i++)
            {
                double exact = MathReference.Apply(kind, input[i], alpha, beta);
                Assert.True(Math.Abs(output[i] - exact) <= 1e-6 + 2e-6 * Math.Abs(exact), $"{isa} {kind}({input[i]:R}) = {output[i]:R}, exact {exact:R}");
            }
            Assert.True(float.IsNaN(output[11]), $"{isa} {kind}(NaN) = {output[11]}");
        }
    }

    [Theory]
    [MemberData(nameof(TestData.Isas), MemberType = typeof(TestData))]
    public void TwoVectorStepsAreTheOneVectorStepBitwise(string isaName)
    {
        // Rows go two vectors per step (SiLU's two exps interleaved), and one vector and a partial one at their ends: an
        // element must not depend on which step it fell in. Each vector alone (a run shorter than two) takes the one-vector step.
        KernelIsa isa = TestData.Isa(isaName);
        int width = isa switch { KernelIsa.Vector512 => 16, KernelIsa.Vector256 => 8, KernelIsa.Vector128 => 4, _ => 1 };
        float[] input = TestData.Random(6 * width, seed: 11, -12f, 12f);
        float[] special = { 0f, -0f, 100f, -100f, 88.5f, -87f, -90f, float.NaN, float.PositiveInfinity, float.NegativeInfinity };
        Array.Copy(special, input, Math.Min(special.Length, input.Length));
        foreach (UnaryKind kind in Enum.GetValues<UnaryKind>())
        {
            var (_, _, alpha, beta) = Domain(kind);
            var rows = new float[input.Length];
            UnaryF32.Run(kind, input, rows, alpha, beta, isa);
            var alone = new float[width];
            for (int start = 0; start < input.Length; start += width)
            {
                UnaryF32.Run(kind, input.AsSpan(start, width), alone, alpha, beta, isa);
                for (int j = 0; j < width; j++)
                    Assert.True(BitConverter.SingleToInt32Bits(rows[start + j]) == BitConverter.SingleToInt32Bits(alone[j]),
                        $"{isa} {kind}({input[start + j]:R}): {rows[start + j]:R} in a row, {alone[j]:R} alone");
            }
        }
    }

    [Fact]
    public void ActivationApplyMatchesUnary()
    {
        float[] input = TestData.Random(257, seed: 5, -8f, 8f);
        foreach (ActivationKind kind in Enum.GetValues<ActivationKind>())
        {
            var activation = new Activation(kind, kind == ActivationKind.Clip ? 0f : 0.2f, kind == ActivationKind.Clip ? 6f : 0.5f);
            for (int i = 0; i < input.Length; i++)
            {
                double exact = MathReference.Apply(kind, input[i], activation.Alpha, activation.Beta);
                Assert.True(Math.Abs(activation.Apply(input[i]) - exact) <= 1e-6 + 2e-6 * Math.Abs(exact), $"{kind}({input[i]})");
            }
        }
    }

    [Fact]
    public void ExpAvx512_IsExpToItsErrorBound()
    {
        if (!System.Runtime.Intrinsics.X86.Avx512DQ.IsSupported)
        {
            Assert.False(Vector512.IsHardwareAccelerated);
            return;
        }
        // Every step of 1/64 over the whole normal range: the polynomial's 1.4e-7 plus rounding t = x·log2(e) and log2(e)
        // itself, up to |x|·1.2e-7 (see ExpAvx512). A coefficient off in its third digit fails this.
        var lanes = new float[16];
        for (float start = -87f; start < 88.5f; start += 16f / 64f)
        {
            for (int i = 0; i < 16; i++) lanes[i] = start + i / 64f;
            float[] result = new float[16];
            ExpAvx512.Invoke(Vector512.Create(lanes)).CopyTo(result);
            for (int i = 0; i < 16; i++)
            {
                double exact = Math.Exp(lanes[i]);
                double bound = 1.5e-7 + 1.25e-7 * Math.Abs(lanes[i]);
                Assert.True(Math.Abs(result[i] / exact - 1) <= bound, $"exp({lanes[i]:R}) = {result[i]:R}, exact {exact:R}");
            }
        }
        float[] special = { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 89f, -88f, -100f, 0f, -0f, 1e-30f, 1f, -1f, 0.5f, 2f, 10f, -10f, 3f };
        float[] limits = new float[16];
        ExpAvx512.Invoke(Vector512.Create(special)).CopyTo(limits);
        Assert.True(float.IsNaN(limits[0]));
        Assert.Equal(float.PositiveInfinity, limits[1]);
        Assert.Equal(MathF.Pow(2f, -126f), limits[2]); // held at 2^-126 like the portable path: no subnormals
        Assert.Equal(float.PositiveInfinity, limits[3]);
        Assert.Equal(MathF.Pow(2f, -126f), limits[5]);
        Assert.Equal(1f, limits[6]);
        Assert.Equal(1f, limits[7]);
        Assert.Equal(1f, limits[8]);
    }

    [Fact]
    public void GeluErfTableIsItsDerivation()
    {
        // The AVX-512 GELU reads constant coefficients; they must be exactly what the derivation in double gives.
        Assert.Equal(GeluErfAvx512.DeriveTable(), GeluErfAvx512.Table.ToArray());
    }

    /// <summary>
    /// Both 256-bit GELU forms, whichever the processor's vendor picks for the kernels (the table on Intel, the exp form on
    /// AMD): every value of a dense sweep of [−10, 10] within 1e-6 + 2e-6·|y| of the exact value, and on the negative
    /// side in relative terms too: the exp form within 2e-6 on [−6, 0), the table within 2e-5 on [−4, 0) (it reaches
    /// 4.5e-3 near −5.7, where GELU is below 1e-7). The exp form also carries NaN.
    /// </summary>
    [Fact]
    public void GeluErfAvx2Forms_MatchTheExactValue()
    {
        if (!System.Runtime.Intrinsics.X86.Avx2.IsSupported || !System.Runtime.Intrinsics.X86.Fma.IsSupported) return;
        const int Count = 160_000;
        var forms = new (string Name, Func<Vector256<float>, Vector256<float>> Invoke)[]
        {
            ("table", GeluErfAvx2.Invoke), ("exp", GeluErfExpAvx2.Invoke),
        };
        foreach (var (name, invoke) in forms)
        {
            float relativeFrom = name == "exp" ? -5.99f : -4f;
            double relativeBound = name == "exp" ? 2e-6 : 2e-5;
            for (int i = 0; i < Count; i += 8)
            {
                var x = Vector256.Create(-10f) + Vector256.Create(20f / Count) * (Vector256.Create((float)i) + Vector256.Create(0f, 1, 2, 3, 4, 5, 6, 7));
                Vector256<float> y = invoke(x);
                for (int j = 0; j < 8; j++)
                {
                    // x·Φ(x) through erfc of the negative side, whose tail the series form of erf loses.
                    double exact = x[j] < 0 ? 0.5 * x[j] * MathReference.ErfcNonNegative(-x[j] / Math.Sqrt(2)) : MathReference.Apply(UnaryKind.GeluErf, x[j], 0, 0);
                    double error = Math.Abs(y[j] - exact);
                    Assert.True(error <= 1e-6 + 2e-6 * Math.Abs(exact), $"{name} GELU({x[j]:R}) = {y[j]:R}, exact {exact:R}");
                    if (x[j] < 0 && x[j] >= relativeFrom)
                        Assert.True(error <= relativeBound * Math.Abs(exact), $"{name} GELU({x[j]:R}) = {y[j]:R}, exact {exact:R}: relative {error / Math.Abs(exact):E2}");
                }
            }
        }
        Vector256<float> special = GeluErfExpAvx2.Invoke(Vector256.Create(float.NaN, float.PositiveInfinity, 0f, -0f, 1e30f, -1e30f, 6f, -6f));
        Assert.True(float.IsNaN(special[0]));
        Assert.Equal(float.PositiveInfinity, special[1]);
        Assert.Equal(0f, special[2]);
        Assert.Equal(1e30f, special[4]);
        Assert.InRange(special[5], -1e22f, 0f);
    }

    /// <summary>
    /// SiLU over long runs (several of ElementwiseRow's 256-float chunks and a partial vector), plain and with a scale and
    /// row bias (the GEMM's pass), in place and not: every element bitwise what a run of one vector gives it, and within
    /// 1e-6 + 2e-6·|y| of the exact value.
    /// </summary>
    [Theory]
    [MemberData(nameof(TestData.Isas), MemberType = typeof(TestData))]
    public unsafe void SiLURunsInChunksAreTheOneVectorRunBitwise(string isaName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        int width = isa switch { KernelIsa.Vector512 => 16, KernelIsa.Vector256 => 8, KernelIsa.Vector128 => 4, _ => 1 };
        const int Count = 1003;
        float[] input = TestData.Random(Count, seed: 31, -12f, 12f);
        input[5] = -0f;
        input[6] = 0f;
        foreach ((float scale, float bias) in new[] { (1f, 0f), (0.75f, 0.3f) })
            foreach (bool inPlace in new[] { false, true })
            {
                float[] output = inPlace ? (float[])input.Clone() : new float[Count];
                fixed (float* source = input, target = output)
                    ElementwiseRow.Apply(isa, UnaryKind.SiLU, 0f, 0f, inPlace ? target : source, target, Count, scale, bias);
                var alone = new float[width];
                for (int start = 0; start < Count; start += width)
                {
                    int length = Math.Min(width, Count - start);
                    fixed (float* source = input, target = alone)
                        ElementwiseRow.Apply(isa, UnaryKind.SiLU, 0f, 0f, source + start, target, length, scale, bias);
                    for (int j = 0; j < length; j++)
                    {
                        Assert.True(BitConverter.SingleToInt32Bits(output[start + j]) == BitConverter.SingleToInt32Bits(alone[j]),
                            $"{isa} scale {scale} bias {bias} in place {inPlace}: element {start + j} is {output[start + j]:R} in the run, {alone[j]:R} alone");
                        double value = (double)MathF.FusedMultiplyAdd(input[start + j], scale, bias);
                        double exact = value / (1 + Math.Exp(-value));
                        Assert.True(Math.Abs(output[start + j] - exact) <= 1e-6 + 2e-6 * Math.Abs(exact), $"{isa} SiLU({value:R}) = {output[start + j]:R}, exact {exact:R}");
                    }
                }
                // Plain SiLU keeps −0 in the vector loops (no multiply-add by 1 and 0, which would make it +0; the scalar
                // reference adds the bias as written).
                if (scale == 1f && bias == 0f && isa != KernelIsa.Scalar)
                    Assert.True(BitConverter.SingleToInt32Bits(output[5]) == BitConverter.SingleToInt32Bits(-0f), $"{isa}: SiLU(-0) = {output[5]:R}");
            }
    }

    [Fact]
    public void WrongResultIsDetected()
    {
        // A deliberately wrong kernel (Sigmoid instead of SiLU) must not pass the comparison used above.
        float[] input = TestData.Random(100, seed: 9, -5f, 5f);
        var silu = new float[100];
        var sigmoid = new float[100];
        UnaryF32.Run(UnaryKind.SiLU, input, silu);
        UnaryF32.Run(UnaryKind.Sigmoid, input, sigmoid);
        Assert.True(TestData.RelativeL2(sigmoid, silu) > 1e-2);
    }
}
