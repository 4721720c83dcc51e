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

    /// <summary>
    /// Kernel rows [y0, y0 + height) and columns [x0, x0 + width) of convolution weights [m][c][kh][kw]
    /// (<paramref name="shape"/> = m, c, kh, kw, y0, height, x0, width): the taps a convolution keeps when the others
    /// only ever read padding.
    /// </summary>
    public static float[] CropKernel(ReadOnlySpan<float> source, int[] shape)
    {
        if (shape.Length != 8) throw new ArgumentException("Expected m, c, kh, kw, y0, height, x0, width.", nameof(shape));
        int m = shape[0], c = shape[1], kh = shape[2], kw = shape[3], y0 = shape[4], height = shape[5], x0 = shape[6], width = shape[7];
        if (source.Length != m * c * kh * kw || y0 < 0 || height < 1 || y0 + height > kh || x0 < 0 || width < 1 || x0 + width > kw)
            throw new ArgumentException($"Cannot crop {height} x {width} at ({y0}, {x0}) from {source.Length} values of {m} x {c} x {kh} x {kw}.", nameof(shape));
        var result = new float[m * c * height * width];
        for (int plane = 0; plane < m * c; plane++)
            for (int y = 0; y < height; y++)
                source.Slice((plane * kh + y0 + y) * kw + x0, width).CopyTo(result.AsSpan((plane * height + y) * width, width));
        return result;
    }

    /// <summary>
    /// Convolution weights [m][c/g][rows.Length][columns.Length] taken from ConvTranspose weights [c][m/g][kh][kw]
    /// (<paramref name="shape"/> = c, m/g, kh, kw, groups): the channel axes swapped within each group, and tap (a, b)
    /// of every kernel read from kernel row rows[a], column columns[b]. Rows and columns in reverse turn the kernel by
    /// 180° (the convolution over a zero-inserted input); every stride-th of them, one output phase of the upsampling.
    /// </summary>
    public static float[] TransposeConvKernel(ReadOnlySpan<float> source, int[] shape, int[] rows, int[] columns)
    {
        if (shape.Length != 5) throw new ArgumentException("Expected c, m/g, kh, kw, groups.", nameof(shape));
        int c = shape[0], groupOut = shape[1], kh = shape[2], kw = shape[3], groups = shape[4];
        if (groups < 1 || c % groups != 0 || source.Length != c * groupOut * kh * kw)
            throw new ArgumentException($"{source.Length} values are not {c} x {groupOut} x {kh} x {kw} in {groups} groups.", nameof(shape));
        foreach (int row in rows) if ((uint)row >= (uint)kh) throw new ArgumentException($"Kernel row {row} is outside 0..{kh - 1}.", nameof(rows));
        foreach (int column in columns) if ((uint)column >= (uint)kw) throw new ArgumentException($"Kernel column {column} is outside 0..{kw - 1}.", nameof(columns));
        int groupIn = c / groups, taps = rows.Length * columns.Length;
        var result = new float[groups * groupOut * groupIn * taps];
        for (int channel = 0; channel < c; channel++)
        {
            int group = channel / groupIn, inChannel = channel - group * groupIn;
            for (int m = 0; m < groupOut; m++)
            {
                int outChannel = group * groupOut + m;
                var kernel = source.Slice((channel * groupOut + m) * kh * kw, kh * kw);
                for (int a = 0; a < rows.Length; a++)
                    for (int b = 0; b < columns.Length; b++)
                        result[(outChannel * groupIn + inChannel) * taps + a * columns.Length + b] = kernel[rows[a] * kw + columns[b]];
            }
        }
        return result;
    }
}
