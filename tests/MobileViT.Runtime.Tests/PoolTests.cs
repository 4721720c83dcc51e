using System;
using System.Collections.Generic;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime.Tests;

/// <summary>Tester for window pooling: every variant against the definition, including padded and dilated windows.</summary>
public class PoolTests
{
    public static readonly Dictionary<string, Conv2dGeometry> Geometries = new()
    {
        ["3x3 s2 p1 17x19"] = Conv2dTests.Geometry(2, 3, 17, 19, 3, 3, 2, 1),
        ["3x3 s1 p1 9x33"] = Conv2dTests.Geometry(1, 2, 9, 33, 2, 3, 1, 1),
        ["2x2 s2 p0 16x16"] = Conv2dTests.Geometry(1, 4, 16, 16, 4, 2, 2, 0),
        ["5x5 s1 p2 7x7"] = Conv2dTests.Geometry(1, 2, 7, 7, 2, 5, 1, 2),
        ["3x3 s3 p0 (scalar path)"] = Conv2dTests.Geometry(1, 2, 10, 11, 2, 3, 3, 0),
        ["3x3 s1 d2 p2"] = Conv2dTests.Geometry(1, 2, 11, 12, 2, 3, 1, 2, dilation: 2),
        ["3x3 s2 p1 ceil-mode overhang"] = Conv2dTests.Geometry(1, 2, 8, 8, 2, 3, 2, 1, padBottom: 2),
    };

    public static IEnumerable<object[]> Cases()
    {
        foreach (KernelIsa isa in TestData.AllIsas)
            foreach (string name in Geometries.Keys)
                yield return new object[] { isa.ToString(), name };
    }

    private static float[] Reference(float[] input, Conv2dGeometry g, bool average, bool countIncludePad)
    {
        var output = new float[g.OutputLength];
        for (int plane = 0; plane < g.Batch * g.InChannels; plane++)
            for (int oy = 0; oy < g.OutHeight; oy++)
                for (int ox = 0; ox < g.OutWidth; ox++)
                {
                    double sum = 0, max = double.NegativeInfinity;
                    int count = 0;
                    for (int ky = 0; ky < g.KernelHeight; ky++)
                        for (int kx = 0; kx < g.KernelWidth; kx++)
                        {
                            int iy = oy * g.StrideHeight - g.PadTop + ky * g.DilationHeight;
                            int ix = ox * g.StrideWidth - g.PadLeft + kx * g.DilationWidth;
                            if (iy < 0 || iy >= g.InHeight || ix < 0 || ix >= g.InWidth) continue;
                            double v = input[(plane * g.InHeight + iy) * g.InWidth + ix];
                            sum += v;
                            max = Math.Max(max, v);
                            count++;
                        }
                    int divisor = countIncludePad ? g.KernelHeight * g.KernelWidth : count;
                    output[(plane * g.OutHeight + oy) * g.OutWidth + ox] = (float)(average ? sum / divisor : max);
                }
        return output;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MaxAndAverage_MatchDefinition(string isaName, string geometryName)
    {
        KernelIsa isa = TestData.Isa(isaName);
        Conv2dGeometry g = Geometries[geometryName];
        float[] input = TestData.Random((int)g.InputLength, geometryName.Length, -3f, 2f);
        var output = new float[g.OutputLength];

        PoolF32.MaxPool2d(input, output, g, isa);
        TestData.AssertClose(output, Reference(input, g, false, false), 1e-6, $"{isa} max {g}");
        foreach (bool includePad in new[] { false, true })
        {
            PoolF32.AveragePool2d(input, output, g, includePad, isa);
            TestData.AssertClose(output, Reference(input, g, true, includePad), 1e-5, $"{isa} average includePad={includePad} {g}");
        }
    }
}
