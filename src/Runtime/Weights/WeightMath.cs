using System;

namespace MobileViT.Runtime;

/// <summary>
/// Recipes the compiler uses to recompute transformed weights at start-up (instead of writing them into source).
/// Each mirrors, operation for operation, the compile-time computation in MobileViT.Compiler's passes, so the values
/// are bitwise the ones the compiler checked.
/// </summary>
public static class WeightMath
{
    /// <summary>Multiplies row r of <paramref name="source"/> (rows = scale.Length) by scale[r]: BatchNorm folded into a convolution.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static float[] ScaleRows(ReadOnlySpan<float> source, ReadOnlySpan<float> scale)
    {
        if (scale.Length == 0 || source.Length % scale.Length != 0)
            throw new ArgumentException($"{source.Length} values do not split into {scale.Length} rows.", nameof(scale));
        int rowLength = source.Length / scale.Length;
        var result = new float[source.Length];
        for (int r = 0; r < scale.Length; r++)
            for (int j = 0; j < rowLength; j++)
                result[r * rowLength + j] = source[r * rowLength + j] * scale[r];
        return result;
    }
}
