using System;
using System.Runtime.CompilerServices;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>One binary element-wise function, on floats (scalar reference) and on vectors of any width.</summary>
internal interface IBinaryOperator
{
    static abstract float Invoke(float left, float right);
    static abstract TVector Invoke<TIsa, TVector>(TVector left, TVector right) where TIsa : struct, IVectorIsa<TVector> where TVector : struct;
}

internal readonly struct AddOperator : IBinaryOperator
{
    public static float Invoke(float left, float right) => left + right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector left, TVector right) where TIsa : struct, IVectorIsa<TVector> where TVector : struct => TIsa.Add(left, right);
}

internal readonly struct SubOperator : IBinaryOperator
{
    public static float Invoke(float left, float right) => left - right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector left, TVector right) where TIsa : struct, IVectorIsa<TVector> where TVector : struct => TIsa.Subtract(left, right);
}

internal readonly struct MulOperator : IBinaryOperator
{
    public static float Invoke(float left, float right) => left * right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector left, TVector right) where TIsa : struct, IVectorIsa<TVector> where TVector : struct => TIsa.Multiply(left, right);
}

internal readonly struct DivOperator : IBinaryOperator
{
    public static float Invoke(float left, float right) => left / right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector left, TVector right) where TIsa : struct, IVectorIsa<TVector> where TVector : struct => TIsa.Divide(left, right);
}

internal readonly struct MaxOperator : IBinaryOperator
{
    public static float Invoke(float left, float right) => MathF.Max(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector left, TVector right) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => TIsa.Select(TIsa.Equals(left, left), TIsa.Max(left, right), left); // NaN in left propagates; maxps returns right for NaN right
}

internal readonly struct MinOperator : IBinaryOperator
{
    public static float Invoke(float left, float right) => MathF.Min(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector left, TVector right) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => TIsa.Select(TIsa.Equals(left, left), TIsa.Min(left, right), left);
}

/// <summary>
/// General power stays scalar (MathF.Pow) in every variant: exp(b·log a) in float loses accuracy for large |b·log a|
/// and needs sign rules for negative bases. The common constant exponents (2, 3, 0.5, 1, -1) are vectorized by the caller.
/// </summary>
internal readonly struct PowOperator : IBinaryOperator
{
    public static float Invoke(float left, float right) => MathF.Pow(left, right);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector left, TVector right) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => throw new NotSupportedException("Pow is evaluated element by element.");
}

/// <summary>ONNX PRelu: left where it is not negative, left × slope (right) where it is; NaN stays NaN.</summary>
internal readonly struct PReluOperator : IBinaryOperator
{
    public static float Invoke(float left, float right) => left < 0f ? left * right : left;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Invoke<TIsa, TVector>(TVector left, TVector right) where TIsa : struct, IVectorIsa<TVector> where TVector : struct
        => TIsa.Select(TIsa.LessThan(left, TIsa.Zero), TIsa.Multiply(left, right), left);
}
