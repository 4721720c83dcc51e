using System.Runtime.CompilerServices;
using System;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

public enum BinaryKind { Add, Sub, Mul, Div, Pow, Max, Min, PRelu }

/// <summary>
/// Broadcasting element-wise c = a op b (ONNX Add, Sub, Mul, Div, Pow, Max, Min with two inputs; PRelu with b the slope).
/// The output is contiguous with shape <c>shape</c>; a and b are addressed by element strides per output axis (0 = broadcast).
/// Axes are first simplified (size-1 axes dropped, axes contiguous in a, b and c merged), so the innermost run is as
/// long as possible; the run is then one of: both contiguous, b constant (scalar or per-channel), a constant, both
/// constant, or strided (gathered).
/// </summary>
public static unsafe class BinaryF32
{
    private const int MaxRank = 8;

    /// <summary>c must not overlap a or b unless it is the same memory with the same layout (c == a with a's strides contiguous, in place).</summary>
    public static void Run(BinaryKind kind, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, ReadOnlySpan<int> shape, ReadOnlySpan<int> aStrides, ReadOnlySpan<int> bStrides)
        => Run(kind, a, b, c, shape, aStrides, bStrides, KernelIsaSelector.Best);

    internal static void Run(BinaryKind kind, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, ReadOnlySpan<int> shape, ReadOnlySpan<int> aStrides, ReadOnlySpan<int> bStrides, KernelIsa isa)
    {
        int rank = shape.Length;
        if (rank < 1 || rank > MaxRank) throw new ArgumentException("Rank must be 1..8.", nameof(shape));
        if (aStrides.Length != rank || bStrides.Length != rank) throw new ArgumentException("One stride per axis for a and b.");

        // Simplify: drop size-1 axes, merge neighbours that are contiguous in both operands.
        int* sizes = stackalloc int[MaxRank];
        int* strideA = stackalloc int[MaxRank];
        int* strideB = stackalloc int[MaxRank];
        int dims = 0;
        long total = 1, lastA = 0, lastB = 0;
        for (int axis = 0; axis < rank; axis++)
        {
            int size = shape[axis];
            if (size < 0) throw new ArgumentException("Negative size.", nameof(shape));
            total *= size;
            if (size == 0) return;
            lastA += (long)(size - 1) * aStrides[axis];
            lastB += (long)(size - 1) * bStrides[axis];
            if (size == 1) continue;
            if (dims > 0 && strideA[dims - 1] == (long)aStrides[axis] * size && strideB[dims - 1] == (long)bStrides[axis] * size)
            {
                sizes[dims - 1] *= size;
                strideA[dims - 1] = aStrides[axis];
                strideB[dims - 1] = bStrides[axis];
                continue;
            }
            sizes[dims] = size;
            strideA[dims] = aStrides[axis];
            strideB[dims] = bStrides[axis];
            dims++;
        }
        if (c.Length < total || a.Length <= lastA || b.Length <= lastB) throw new ArgumentException("A span is shorter than shape and strides require.");
        if (dims == 0)
        {
            sizes[0] = 1;
            strideA[0] = 0;
            strideB[0] = 0;
            dims = 1;
        }

        fixed (float* aPointer = a)
        fixed (float* bPointer = b)
        fixed (float* cPointer = c)
        {
            switch (kind)
            {
                case BinaryKind.Add: Run<AddOperator>(isa, aPointer, bPointer, cPointer, dims, sizes, strideA, strideB); break;
                case BinaryKind.Sub: Run<SubOperator>(isa, aPointer, bPointer, cPointer, dims, sizes, strideA, strideB); break;
                case BinaryKind.Mul: Run<MulOperator>(isa, aPointer, bPointer, cPointer, dims, sizes, strideA, strideB); break;
                case BinaryKind.Div: Run<DivOperator>(isa, aPointer, bPointer, cPointer, dims, sizes, strideA, strideB); break;
                case BinaryKind.Pow: Run<PowOperator>(isa, aPointer, bPointer, cPointer, dims, sizes, strideA, strideB); break;
                case BinaryKind.Max: Run<MaxOperator>(isa, aPointer, bPointer, cPointer, dims, sizes, strideA, strideB); break;
                case BinaryKind.Min: Run<MinOperator>(isa, aPointer, bPointer, cPointer, dims, sizes, strideA, strideB); break;
                case BinaryKind.PRelu: Run<PReluOperator>(isa, aPointer, bPointer, cPointer, dims, sizes, strideA, strideB); break;
                default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown binary operator.");
            }
        }
    }

    private static void Run<TOperator>(KernelIsa isa, float* a, float* b, float* c, int dims, int* sizes, int* strideA, int* strideB)
        where TOperator : struct, IBinaryOperator
    {
        int run = sizes[dims - 1];
        int runStrideA = strideA[dims - 1], runStrideB = strideB[dims - 1];
        int* index = stackalloc int[MaxRank];
        for (int axis = 0; axis < dims; axis++) index[axis] = 0;
        nint offsetA = 0, offsetB = 0;
        float* output = c;
        while (true)
        {
            RunInner<TOperator>(isa, a + offsetA, runStrideA, b + offsetB, runStrideB, output, run);
            output += run;
            // Odometer over the outer axes.
            int axis = dims - 2;
            for (; axis >= 0; axis--)
            {
                index[axis]++;
                offsetA += strideA[axis];
                offsetB += strideB[axis];
                if (index[axis] < sizes[axis]) break;
                offsetA -= (nint)strideA[axis] * sizes[axis];
                offsetB -= (nint)strideB[axis] * sizes[axis];
                index[axis] = 0;
            }
            if (axis < 0) return;
        }
    }

    private static void RunInner<TOperator>(KernelIsa isa, float* a, int strideA, float* b, int strideB, float* c, int count)
        where TOperator : struct, IBinaryOperator
    {
        if (typeof(TOperator) == typeof(PowOperator))
        {
            if (strideB == 0 && isa != KernelIsa.Scalar && TryPowConstant(isa, a, strideA, *b, c, count)) return;
            for (int i = 0; i < count; i++) c[i] = MathF.Pow(a[(nint)i * strideA], b[(nint)i * strideB]);
            return;
        }
        switch (isa)
        {
            case KernelIsa.Vector512: RunInner<Vector512Isa, System.Runtime.Intrinsics.Vector512<float>, TOperator>(a, strideA, b, strideB, c, count); break;
            case KernelIsa.Vector256: RunInner<Vector256Isa, System.Runtime.Intrinsics.Vector256<float>, TOperator>(a, strideA, b, strideB, c, count); break;
            case KernelIsa.Vector128: RunInner<Vector128Isa, System.Runtime.Intrinsics.Vector128<float>, TOperator>(a, strideA, b, strideB, c, count); break;
            default:
                for (int i = 0; i < count; i++) c[i] = TOperator.Invoke(a[(nint)i * strideA], b[(nint)i * strideB]);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunInner<TIsa, TVector, TOperator>(float* a, int strideA, float* b, int strideB, float* c, int count)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct where TOperator : struct, IBinaryOperator
    {
        int width = TIsa.Count;
        int i = 0;
        if (strideA == 1 && strideB == 1)
        {
            for (; i + width <= count; i += width) TIsa.Store(c + i, TOperator.Invoke<TIsa, TVector>(TIsa.Load(a + i), TIsa.Load(b + i)));
            if (i < count) TIsa.StorePartial(c + i, TOperator.Invoke<TIsa, TVector>(TIsa.LoadPartial(a + i, count - i), TIsa.LoadPartial(b + i, count - i)), count - i);
        }
        else if (strideA == 1 && strideB == 0)
        {
            TVector right = TIsa.Broadcast(*b);
            for (; i + width <= count; i += width) TIsa.Store(c + i, TOperator.Invoke<TIsa, TVector>(TIsa.Load(a + i), right));
            if (i < count) TIsa.StorePartial(c + i, TOperator.Invoke<TIsa, TVector>(TIsa.LoadPartial(a + i, count - i), right), count - i);
        }
        else if (strideA == 0 && strideB == 1)
        {
            TVector left = TIsa.Broadcast(*a);
            for (; i + width <= count; i += width) TIsa.Store(c + i, TOperator.Invoke<TIsa, TVector>(left, TIsa.Load(b + i)));
            if (i < count) TIsa.StorePartial(c + i, TOperator.Invoke<TIsa, TVector>(left, TIsa.LoadPartial(b + i, count - i)), count - i);
        }
        else if (strideA == 0 && strideB == 0)
        {
            float value = TOperator.Invoke(*a, *b);
            new Span<float>(c, count).Fill(value);
        }
        else
        {
            for (; i < count; i++) c[i] = TOperator.Invoke(a[(nint)i * strideA], b[(nint)i * strideB]);
        }
    }

    /// <summary>Vectorizes a^k for the constant exponents models use (x², x³ in GELU, √x, 1/x); false for any other exponent.</summary>
    private static bool TryPowConstant(KernelIsa isa, float* a, int strideA, float exponent, float* c, int count)
    {
        UnaryKind kind;
        if (exponent == 2f) kind = UnaryKind.Square;
        else if (exponent == 0.5f) kind = UnaryKind.Sqrt;
        else if (exponent == 1f) kind = UnaryKind.Identity;
        else if (exponent == -1f) kind = UnaryKind.Reciprocal;
        else if (exponent == 3f)
        {
            for (int i = 0; i < count; i++)
            {
                float x = a[(nint)i * strideA];
                c[i] = x * x * x;
            }
            return true;
        }
        else return false;
        if (strideA == 1)
        {
            ElementwiseRow.Apply(isa, kind, 0f, 0f, a, c, count);
            return true;
        }
        for (int i = 0; i < count; i++) c[i] = UnaryOperators.ApplyScalar(kind, a[(nint)i * strideA], 0f, 0f);
        return true;
    }
}
