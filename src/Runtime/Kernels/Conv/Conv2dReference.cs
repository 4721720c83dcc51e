using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>Scalar reference for every convolution: the definition, one output cell at a time.</summary>
internal static unsafe class Conv2dReference
{
    public static void Run(float* input, float* weights, float* bias, float* residual, float* output, in Conv2dGeometry g, Activation activation)
    {
        int inPerGroup = g.InChannels / g.Groups, outPerGroup = g.OutChannels / g.Groups;
        int outPlane = g.OutHeight * g.OutWidth;
        nint inStride = g.InputChannelStride, outStride = g.OutputChannelStride;
        UnaryKind kind = Activation.ToUnaryKind(activation.Kind);
        for (int n = 0; n < g.Batch; n++)
            for (int outChannel = 0; outChannel < g.OutChannels; outChannel++)
            {
                int group = outChannel / outPerGroup;
                float* kernel = weights + (nint)outChannel * inPerGroup * g.KernelHeight * g.KernelWidth;
                nint outOffset = ((nint)n * g.OutChannels + outChannel) * outStride;
                for (int outY = 0; outY < g.OutHeight; outY++)
                    for (int outX = 0; outX < g.OutWidth; outX++)
                    {
                        float sum = 0f;
                        for (int c = 0; c < inPerGroup; c++)
                        {
                            float* plane = input + ((nint)n * g.InChannels + group * inPerGroup + c) * inStride;
                            for (int ky = 0; ky < g.KernelHeight; ky++)
                            {
                                int inY = outY * g.StrideHeight - g.PadTop + ky * g.DilationHeight;
                                if ((uint)inY >= (uint)g.InHeight) continue;
                                for (int kx = 0; kx < g.KernelWidth; kx++)
                                {
                                    int inX = outX * g.StrideWidth - g.PadLeft + kx * g.DilationWidth;
                                    if ((uint)inX >= (uint)g.InWidth) continue;
                                    sum += plane[inY * g.InWidth + inX] * kernel[(c * g.KernelHeight + ky) * g.KernelWidth + kx];
                                }
                            }
                        }
                        output[outOffset + outY * g.OutWidth + outX] = sum;
                    }
                ElementwiseRow.ApplyScalar(kind, activation.Alpha, activation.Beta, output + outOffset, output + outOffset, outPlane, 1f,
                    bias == null ? 0f : bias[outChannel], null, residual == null ? null : residual + outOffset);
            }
    }
}
