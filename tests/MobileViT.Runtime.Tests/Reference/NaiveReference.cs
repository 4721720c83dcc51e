using System;

namespace MobileViT.Runtime.Tests.Reference;

/// <summary>Straight-from-the-definition operators in double precision, independent of the library's code.</summary>
internal static class NaiveReference
{
    public static float[] Gemm(float[] a, bool aTransposed, float[] b, bool bTransposed, int m, int k, int n)
    {
        var c = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                    sum += (double)(aTransposed ? a[p * m + i] : a[i * k + p]) * (bTransposed ? b[j * k + p] : b[p * n + j]);
                c[i * n + j] = (float)sum;
            }
        return c;
    }

    public static float[] Conv2d(float[] input, float[] weights, float[] bias, float[] residual, Conv2dGeometry g, Activation activation)
    {
        var output = new float[g.Batch * g.OutChannels * g.OutHeight * g.OutWidth];
        int inPerGroup = g.InChannels / g.Groups, outPerGroup = g.OutChannels / g.Groups;
        for (int n = 0; n < g.Batch; n++)
            for (int oc = 0; oc < g.OutChannels; oc++)
            {
                int group = oc / outPerGroup;
                for (int oy = 0; oy < g.OutHeight; oy++)
                    for (int ox = 0; ox < g.OutWidth; ox++)
                    {
                        double sum = bias.Length > 0 ? bias[oc] : 0;
                        for (int icg = 0; icg < inPerGroup; icg++)
                        {
                            int ic = group * inPerGroup + icg;
                            for (int ky = 0; ky < g.KernelHeight; ky++)
                            {
                                int iy = oy * g.StrideHeight - g.PadTop + ky * g.DilationHeight;
                                if (iy < 0 || iy >= g.InHeight) continue;
                                for (int kx = 0; kx < g.KernelWidth; kx++)
                                {
                                    int ix = ox * g.StrideWidth - g.PadLeft + kx * g.DilationWidth;
                                    if (ix < 0 || ix >= g.InWidth) continue;
                                    sum += (double)input[((n * g.InChannels + ic) * g.InHeight + iy) * g.InWidth + ix]
                                         * weights[((oc * inPerGroup + icg) * g.KernelHeight + ky) * g.KernelWidth + kx];
                                }
                            }
                        }
                        int index = ((n * g.OutChannels + oc) * g.OutHeight + oy) * g.OutWidth + ox;
                        if (residual.Length > 0) sum += residual[index];
                        output[index] = (float)MathReference.Apply(activation.Kind, sum, activation.Alpha, activation.Beta);
                    }
            }
        return output;
    }
}
