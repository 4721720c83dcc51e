using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// One element-wise function, on a float (scalar reference) and on a vector of any width.
/// alpha/beta are the op's parameters (Clip min/max, HardSigmoid, LeakyRelu/Elu alpha), pre-broadcast by the caller.
/// </summary>
internal interface IUnaryOperator
{
    static abstract float Invoke(float x, float alpha, float beta);
    static abstract TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct;
}

/// <summary>
/// An operator on two vectors at once, bitwise as its Invoke on each: operators with a long dependency chain (an exp)
/// interleave the two, so the out-of-order core has independent work while one chain waits.
/// </summary>
internal static class UnaryPair
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Invoke<TIsa, TVector, TOperator>(ref TVector first, ref TVector second, TVector alpha, TVector beta)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct where TOperator : struct, IUnaryOperator
    {
        if (typeof(TOperator) == typeof(SiLUOperator))
        {
            SiLUOperator.InvokePair<TIsa, TVector>(ref first, ref second);
            return;
        }
        first = TOperator.Invoke<TIsa, TVector>(first, alpha, beta);
        second = TOperator.Invoke<TIsa, TVector>(second, alpha, beta);
    }
}

internal static class UnaryOperators
{
    public static float ApplyScalar(UnaryKind kind, float x, float alpha, float beta) => kind switch
    {
        UnaryKind.Identity => x,
        UnaryKind.Relu => ReluOperator.Invoke(x, alpha, beta),
        UnaryKind.Clip => ClipOperator.Invoke(x, alpha, beta),
        UnaryKind.Sigmoid => SigmoidOperator.Invoke(x, alpha, beta),
        UnaryKind.SiLU => SiLUOperator.Invoke(x, alpha, beta),
        UnaryKind.HardSigmoid => HardSigmoidOperator.Invoke(x, alpha, beta),
        UnaryKind.HardSwish => HardSwishOperator.Invoke(x, alpha, beta),
        UnaryKind.GeluErf => GeluErfOperator.Invoke(x, alpha, beta),
        UnaryKind.GeluTanh => GeluTanhOperator.Invoke(x, alpha, beta),
        UnaryKind.Tanh => TanhOperator.Invoke(x, alpha, beta),
        UnaryKind.Exp => ExpOperator.Invoke(x, alpha, beta),
        UnaryKind.Log => LogOperator.Invoke(x, alpha, beta),
        UnaryKind.Sqrt => SqrtOperator.Invoke(x, alpha, beta),
        UnaryKind.Reciprocal => ReciprocalOperator.Invoke(x, alpha, beta),
        UnaryKind.Neg => NegOperator.Invoke(x, alpha, beta),
        UnaryKind.Abs => AbsOperator.Invoke(x, alpha, beta),
        UnaryKind.Erf => ErfOperator.Invoke(x, alpha, beta),
        UnaryKind.Floor => FloorOperator.Invoke(x, alpha, beta),
        UnaryKind.Ceil => CeilOperator.Invoke(x, alpha, beta),
        UnaryKind.Square => SquareOperator.Invoke(x, alpha, beta),
        UnaryKind.LeakyRelu => LeakyReluOperator.Invoke(x, alpha, beta),
        UnaryKind.Elu => EluOperator.Invoke(x, alpha, beta),
        UnaryKind.Softplus => SoftplusOperator.Invoke(x, alpha, beta),
        UnaryKind.Swish => SwishOperator.Invoke(x, alpha, beta),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown unary operator."),
    };
}

internal readonly struct IdentityOperator : IUnaryOperator
{
    public static float Invoke(float x, float alpha, float beta) => x;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta) where TIsa : struct, IVectorIsa<TVector> where TVector : struct => x;
}

internal readonly struct ReluOperator : IUnaryOperator
{
    public static float Invoke(float x, float alpha, float beta) => x > 0f ? x : (float.IsNaN(x) ? x : 0f);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => TIsa.Select(TIsa.LessThan(x, TIsa.Zero), TIsa.Zero, x); // Not a max: see ClipOperator.
}

internal readonly struct ClipOperator : IUnaryOperator
{
    public static float Invoke(float x, float alpha, float beta) => float.IsNaN(x) ? x : MathF.Min(MathF.Max(x, alpha), beta);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        // One max and one min: x86's return their second operand when either is NaN or both are zeros, so NaN and -0
        // pass as with a compare and a blend per bound (the GEMM tiles' clamp has the same form, the same bits); the
        // portable max and min propagate NaN too. MobileNetV2's depthwise steps with ReLU6 0.95-0.97, whole 0.99.
        // Only with bounds that are run-time values: the JIT takes x86's max and min as commutative when one operand is
        // a constant and may swap them (HardSigmoid's max against a constant zero returned 0 for NaN with AVX2), which
        // is why ReLU and HardSigmoid keep their compares and blends.
        return TIsa.Min(beta, TIsa.Max(alpha, x));
    }
}

internal readonly struct SigmoidOperator : IUnaryOperator
{
    public static float Invoke(float x, float alpha, float beta) => ScalarMath.Sigmoid(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => VectorMath.Sigmoid<TIsa, TVector>(x);
}

internal readonly struct SiLUOperator : IUnaryOperator
{
    public static float Invoke(float x, float alpha, float beta) => x / (1f + MathF.Exp(-x));

    /// <summary>
    /// x / (1 + exp(-x)) with AVX-512 (its exp is ten instructions); with narrower vectors from e = exp(-|x|), which
    /// neither overflows nor needs an upper clamp: x / (1 + e) for x &gt;= 0, x·e / (1 + e) below. That exp reduces in
    /// one step and fits a degree-5 polynomial (<see cref="VectorMath.ExpNonPositiveShort"/>): SiLU within 2.6e-7
    /// relative of the exact value (the full exp's 1.3e-7), and its dependency chain some 15 cycles shorter, which is what
    /// bounds an activation pass. Zen 3, 4096 floats in L1, same process alternating: 3.8 → 3.2 ns per 8 floats.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        if (typeof(TVector) == typeof(Vector512<float>))
            return TIsa.Divide(x, TIsa.Add(TIsa.Broadcast(1f), VectorMath.ExpClamped<TIsa, TVector>(TIsa.Negate(x))));
        return FromExp<TIsa, TVector>(x, ExpOfMinusAbs<TIsa, TVector>(x));
    }

    /// <summary>e = exp(−|x|), the first half of SiLU below AVX-512 (<see cref="ElementwiseRow"/> runs it as a pass of its own).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector ExpOfMinusAbs<TIsa, TVector>(TVector x) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => VectorMath.ExpNonPositiveShort<TIsa, TVector>(TIsa.Or(x, TIsa.Broadcast(-0f)));

    /// <summary>
    /// SiLU from x and e = <see cref="ExpOfMinusAbs"/>(x): x / (1 + e) for x &gt;= 0, x·e / (1 + e) below. With AVX the
    /// choice is one <c>vblendvps</c> on x's sign bit (−0 and NaN come out the same either way).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector FromExp<TIsa, TVector>(TVector x, TVector e) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        TVector scaled = TIsa.Multiply(x, e);
        TVector numerator = typeof(TVector) == typeof(Vector256<float>) && Avx.IsSupported
            ? (TVector)(object)Avx.BlendVariable((Vector256<float>)(object)x, (Vector256<float>)(object)scaled, (Vector256<float>)(object)x)
            : TIsa.Select(TIsa.LessThan(x, TIsa.Zero), scaled, x);
        return TIsa.Divide(numerator, TIsa.Add(e, TIsa.Broadcast(1f)));
    }

    /// <summary>Two vectors, each bitwise as <see cref="Invoke{TIsa, TVector}"/>; with AVX-512 their exps interleaved.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void InvokePair<TIsa, TVector>(ref TVector first, ref TVector second)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        if (typeof(TVector) != typeof(Vector512<float>))
        {
            first = Invoke<TIsa, TVector>(first, default, default);
            second = Invoke<TIsa, TVector>(second, default, default);
            return;
        }
        TVector e0 = TIsa.Negate(first), e1 = TIsa.Negate(second);
        VectorMath.ExpClampedPair<TIsa, TVector>(ref e0, ref e1);
        first = TIsa.Divide(first, TIsa.Add(TIsa.Broadcast(1f), e0));
        second = TIsa.Divide(second, TIsa.Add(TIsa.Broadcast(1f), e1));
    }
}

/// <summary>ONNX Swish: x·sigmoid(alpha·x), SiLU with the sigmoid's input scaled.</summary>
internal readonly struct SwishOperator : IUnaryOperator
{
    public static float Invoke(float x, float alpha, float beta) => x / (1f + MathF.Exp(-alpha * x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => TIsa.Divide(x, TIsa.Add(TIsa.Broadcast(1f), VectorMath.ExpClamped<TIsa, TVector>(TIsa.Negate(TIsa.Multiply(alpha, x)))));
}

internal readonly struct HardSigmoidOperator : IUnaryOperator
{
    public static float Invoke(float x, float alpha, float beta) => float.IsNaN(x) ? x : MathF.Max(0f, MathF.Min(1f, alpha * x + beta));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => HardSigmoid<TIsa, TVector>(TIsa.MultiplyAdd(alpha, x, beta));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVector HardSigmoid<TIsa, TVector>(TVector linear) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        // Not a max and a min: see ClipOperator.
        TVector result = TIsa.Select(TIsa.LessThan(linear, TIsa.Zero), TIsa.Zero, linear);
        return TIsa.Select(TIsa.GreaterThan(result, TIsa.Broadcast(1f)), TIsa.Broadcast(1f), result);
    }
}

internal readonly struct HardSwishOperator : IUnaryOperator
{
    public static float Invoke(float x, float alpha, float beta) => x * MathF.Max(0f, MathF.Min(1f, x * (1f / 6f) + 0.5f));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => TIsa.Multiply(x, HardSigmoidOperator.HardSigmoid<TIsa, TVector>(TIsa.MultiplyAdd(x, TIsa.Broadcast(1f / 6f), TIsa.Broadcast(0.5f))));
}

internal readonly struct GeluErfOperator : IUnaryOperator
{
    public static float Invoke(float x, float alpha, float beta) => ScalarMath.GeluErf(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => VectorMath.GeluErf<TIsa, TVector>(x);
}

/// <summary><see cref="GeluErfOperator"/> with <see cref="VectorMath.GeluErfExp"/>'s form for 256-bit vectors (AMD's cores).</summary>
internal readonly struct GeluErfExpOperator : IUnaryOperator
{
    public static float Invoke(float x, float alpha, float beta) => ScalarMath.GeluErf(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => VectorMath.GeluErfExp<TIsa, TVector>(x);
}

internal readonly struct GeluTanhOperator : IUnaryOperator
{
    public static float Invoke(float x, float alpha, float beta) => ScalarMath.GeluTanh(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => VectorMath.GeluTanh<TIsa, TVector>(x);
}

internal readonly struct TanhOperator : IUnaryOperator
{
    public static float Invoke(float x, float alpha, float beta) => MathF.Tanh(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => VectorMath.Tanh<TIsa, TVector>(x);
}

internal readonly struct ExpOperator : IUnaryOperator
{
    public static float Invoke(float x, float alpha, float beta) => MathF.Exp(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => VectorMath.Exp<TIsa, TVector>(x);
}

internal readonly struct LogOperator : IUnaryOperator
{
    public static float Invoke(float x, float alpha, float beta) => MathF.Log(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => VectorMath.Log<TIsa, TVector>(x);
}

internal readonly struct SqrtOperator : IUnaryOperator
{
    public static float Invoke(float x, float alpha, float beta) => MathF.Sqrt(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => TIsa.Sqrt(x);
}

internal readonly struct ReciprocalOperator : IUnaryOperator
{
    public static float Invoke(float x, float alpha, float beta) => 1f / x;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => TIsa.Divide(TIsa.Broadcast(1f), x);
}

internal readonly struct NegOperator : IUnaryOperator
{
    public static float Invoke(float x, float alpha, float beta) => -x;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => TIsa.Negate(x);
}

internal readonly struct AbsOperator : IUnaryOperator
{
    public static float Invoke(float x, float alpha, float beta) => MathF.Abs(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => TIsa.Abs(x);
}

internal readonly struct ErfOperator : IUnaryOperator
{
    public static float Invoke(float x, float alpha, float beta) => ScalarMath.Erf(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => VectorMath.Erf<TIsa, TVector>(x);
}

internal readonly struct FloorOperator : IUnaryOperator
{
    public static float Invoke(float x, float alpha, float beta) => MathF.Floor(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => TIsa.Floor(x);
}

internal readonly struct CeilOperator : IUnaryOperator
{
    public static float Invoke(float x, float alpha, float beta) => MathF.Ceiling(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => TIsa.Ceiling(x);
}

internal readonly struct SquareOperator : IUnaryOperator
{
    public static float Invoke(float x, float alpha, float beta) => x * x;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => TIsa.Multiply(x, x);
}

internal readonly struct LeakyReluOperator : IUnaryOperator
{
    public static float Invoke(float x, float alpha, float beta) => x < 0f ? alpha * x : x;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => TIsa.Select(TIsa.LessThan(x, TIsa.Zero), TIsa.Multiply(alpha, x), x);
}

internal readonly struct EluOperator : IUnaryOperator
{
    public static float Invoke(float x, float alpha, float beta) => x < 0f ? alpha * (MathF.Exp(x) - 1f) : x;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => TIsa.Select(TIsa.LessThan(x, TIsa.Zero), TIsa.Multiply(alpha, TIsa.Subtract(VectorMath.ExpClamped<TIsa, TVector>(x), TIsa.Broadcast(1f))), x);
}

internal readonly struct SoftplusOperator : IUnaryOperator
{
    public static float Invoke(float x, float alpha, float beta) => ScalarMath.Softplus(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector x, TVector alpha, TVector beta) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        // max(x, 0) + log1p(exp(-|x|)); log1p(y) = log(u) * y / (u - 1) with u = 1 + y keeps tiny y accurate.
        TVector y = VectorMath.ExpClamped<TIsa, TVector>(TIsa.Negate(TIsa.Abs(x)));
        TVector u = TIsa.Add(TIsa.Broadcast(1f), y);
        TVector denominator = TIsa.Subtract(u, TIsa.Broadcast(1f));
        TVector log1p = TIsa.Multiply(VectorMath.Log<TIsa, TVector>(u), TIsa.Divide(y, denominator));
        log1p = TIsa.Select(TIsa.Equals(denominator, TIsa.Zero), y, log1p);
        return VectorMath.PropagateNaN<TIsa, TVector>(x, TIsa.Add(TIsa.Max(x, TIsa.Zero), log1p));
    }
}
