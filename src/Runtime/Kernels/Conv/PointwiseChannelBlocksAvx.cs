using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>
/// Pointwise convolutions over channel-blocked tensors with AVX2 and FMA: [channel / 8][pixel][channel % 8], the layout
/// ONNX Runtime's NCHWc kernels use. A tile is 16 output channels (two vectors) × 6 pixels, 12 accumulators; each input
/// channel loads the group's 16 weights ([group][input channel][16] panels, the group's whole depth in L1 up to 384
/// inputs) and broadcasts the 6 pixels' values, which lie 8 floats apart in one or two cache lines of the block. In
/// NCHW the same broadcasts read one row per input channel, as many lines and pages as the depth, and the GEMM's 6-row
/// tiles read each depth chunk of the input from L2 once per 6 output channels; here the input is read once per 16.
/// <para>
/// Sums run over the input channels in order from zero, the bias added after, so any thread count (which splits the
/// output channel groups) gives the same bits. <see cref="ToBlocks"/> and <see cref="FromBlocks"/> move whole tensors
/// between NCHW and blocks with 8 × 8 transposes.
/// </para>
/// </summary>
internal static unsafe class PointwiseChannelBlocksAvx
{
    /// <summary>Channels of a block (one 256-bit vector).</summary>
    public const int Block = 8;

    /// <summary>Output channels of a tile and of a weight panel.</summary>
    public const int Group = 16;

    /// <summary>Pixels of a tile; a plane needs at least this many.</summary>
    public const int Pixels = 6;

    /// <summary>Multiply-adds below which a convolution runs on the calling thread alone.</summary>
    private const long ParallelWorkThreshold = 1 << 17;

    public static bool IsSupported => Avx2.IsSupported && Fma.IsSupported;

    /// <summary>Whether a pointwise convolution of these channel counts has whole blocks and groups.</summary>
    public static bool TakesChannels(int inChannels, int outChannels) => inChannels % Block == 0 && outChannels % Group == 0 && inChannels > 0;

    /// <summary>Floats <see cref="PackPanels"/> writes.</summary>
    public static long PanelsLength(int inChannels, int outChannels) => (long)inChannels * outChannels;

    /// <summary>Weights [out, in] as [out / 16][in][16].</summary>
    public static void PackPanels(ReadOnlySpan<float> weights, int inChannels, int outChannels, Span<float> panels)
    {
        for (int o = 0; o < outChannels; o++)
            for (int k = 0; k < inChannels; k++)
                panels[(o / Group * inChannels + k) * Group + o % Group] = weights[o * inChannels + k];
    }

    /// <summary>NCHW planes (<paramref name="channelStride"/> apart) of one batch item to blocks.</summary>
    public static void ToBlocks(float* planes, nint channelStride, int channels, int pixels, float* blocks)
    {
        for (int c = 0; c < channels; c += Block)
            for (int p = 0; p < pixels; p += Block)
            {
                int count = Math.Min(Block, pixels - p);
                AvxTranspose.Transpose8(planes + c * channelStride + p, channelStride, Block, count, blocks + (nint)c * pixels + p * Block, Block, count, Block);
            }
    }

    /// <summary>Blocks back to NCHW planes (<paramref name="channelStride"/> apart).</summary>
    public static void FromBlocks(float* blocks, int channels, int pixels, float* planes, nint channelStride)
    {
        for (int c = 0; c < channels; c += Block)
            for (int p = 0; p < pixels; p += Block)
            {
                int count = Math.Min(Block, pixels - p);
                AvxTranspose.Transpose8(blocks + (nint)c * pixels + p * Block, Block, count, Block, planes + c * channelStride + p, channelStride, Block, count);
            }
    }

    private struct Job
    {
        public float* Input, Panels, Bias, Output, Planes, Residual;
        public nint PlaneStride;
        public int InChannels, OutChannels, Pixels, Parts;
        public UnaryKind Kind;
        public float Alpha, Beta;
    }

    /// <summary>
    /// output blocks [outChannels / 8][pixels][8] = activation(panels · input blocks [inChannels / 8][pixels][8] + bias)
    /// (bias may be null), split by groups of 16 output channels across <see cref="KernelParallelism.Current"/> threads,
    /// each group finished by the thread that computed it while it is in cache.
    /// </summary>
    public static void Convolve(float* input, int inChannels, int pixels, float* panels, float* bias, float* output, int outChannels, Activation activation)
        => Convolve(new Job
        {
            Input = input, Panels = panels, Bias = bias, Output = output, InChannels = inChannels, OutChannels = outChannels, Pixels = pixels,
            Kind = Activation.ToUnaryKind(activation.Kind), Alpha = activation.Alpha, Beta = activation.Beta,
        });

    /// <summary>
    /// As the other overload, then each group's 16 channels back to NCHW <paramref name="planes"/> (<paramref name="planeStride"/>
    /// apart) as activation(sum + bias + residual), the residual laid out as the planes (or null); <paramref name="output"/>
    /// holds the raw blocks.
    /// </summary>
    public static void Convolve(float* input, int inChannels, int pixels, float* panels, float* bias, float* output, int outChannels,
        float* planes, nint planeStride, float* residual, Activation activation)
        => Convolve(new Job
        {
            Input = input, Panels = panels, Bias = bias, Output = output, InChannels = inChannels, OutChannels = outChannels, Pixels = pixels,
            Planes = planes, PlaneStride = planeStride, Residual = residual, Kind = Activation.ToUnaryKind(activation.Kind), Alpha = activation.Alpha, Beta = activation.Beta,
        });

    private static void Convolve(Job job)
    {
        int inChannels = job.InChannels, outChannels = job.OutChannels, pixels = job.Pixels;
        int groups = outChannels / Group, degree = KernelParallelism.Current;
        if (degree > 1 && groups > 1 && (long)inChannels * outChannels * pixels >= ParallelWorkThreshold)
        {
            job.Parts = WorkerPool.PartsFor(groups, degree);
            WorkerPool.For(degree, job.Parts, &RunPart, Unsafe.AsPointer(ref job));
            return;
        }
        RunGroups(ref job, 0, groups);
    }

    private static void RunPart(void* context, int part)
    {
        ref Job job = ref Unsafe.AsRef<Job>(context);
        int groups = job.OutChannels / Group;
        RunGroups(ref job, WorkerPool.FirstUnit(groups, part, job.Parts), WorkerPool.FirstUnit(groups, part + 1, job.Parts));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunGroups(ref Job job, int first, int end)
    {
        nint blockStride = (nint)job.Pixels * Block;
        for (int group = first; group < end; group++)
        {
            float* panel = job.Panels + (nint)group * job.InChannels * Group;
            float* output = job.Output + 2 * group * blockStride;
            Vector256<float> bias0 = job.Bias == null ? Vector256<float>.Zero : Vector256.Load(job.Bias + group * Group);
            Vector256<float> bias1 = job.Bias == null ? Vector256<float>.Zero : Vector256.Load(job.Bias + group * Group + Block);
            for (int p = 0; p < job.Pixels; p += Pixels)
            {
                // The last tile ends at the plane's end: its first pixels are computed again, to the same bits.
                int pixel = Math.Min(p, job.Pixels - Pixels);
                Tile(job.Input + pixel * Block, blockStride, job.InChannels / Block, panel, output + pixel * Block, blockStride, bias0, bias1);
            }
            Finish(ref job, group, output);
        }
    }

    /// <summary>A group's two blocks (contiguous): the activation in place, or back to NCHW planes with the residual and activation.</summary>
    private static void Finish(ref Job job, int group, float* blocks)
    {
        if (job.Planes == null)
        {
            // The activation is elementwise: over the blocks as they lie.
            if (job.Kind != UnaryKind.Identity)
                ElementwiseRow.Apply<Vector256Isa, Vector256<float>>(job.Kind, job.Alpha, job.Beta, blocks, blocks, 2 * job.Pixels * Block);
            return;
        }
        float* planes = job.Planes + (nint)group * Group * job.PlaneStride;
        FromBlocks(blocks, Group, job.Pixels, planes, job.PlaneStride);
        if (job.Kind == UnaryKind.Identity && job.Residual == null) return;
        float* residual = job.Residual == null ? null : job.Residual + (nint)group * Group * job.PlaneStride;
        for (int c = 0; c < Group; c++)
            ElementwiseRow.Apply<Vector256Isa, Vector256<float>>(job.Kind, job.Alpha, job.Beta, planes + c * job.PlaneStride, planes + c * job.PlaneStride,
                job.Pixels, 1f, 0f, null, residual == null ? null : residual + c * job.PlaneStride);
    }

    /// <summary>16 output channels × 6 pixels: <paramref name="input"/> is the first block at the tile's first pixel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile(float* input, nint blockStride, int inBlocks, float* w, float* output, nint outBlockStride,
        Vector256<float> bias0, Vector256<float> bias1)
    {
        Vector256<float> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default;
        Vector256<float> a3 = default, b3 = default, a4 = default, b4 = default, a5 = default, b5 = default;
        for (int block = 0; block < inBlocks; block++, input += blockStride)
        {
            float* x = input;
            // A pixel's input channel lies in its 8-float block: the 6 pixels' values are a block apart.
            for (int lane = 0; lane < Block; lane++, x++, w += Group)
                ChannelVectorTile.MultiplyAdd16x6(x, Block, w, ref a0, ref b0, ref a1, ref b1, ref a2, ref b2, ref a3, ref b3, ref a4, ref b4, ref a5, ref b5);
        }
        (a0 + bias0).Store(output); (a1 + bias0).Store(output + Block); (a2 + bias0).Store(output + 2 * Block);
        (a3 + bias0).Store(output + 3 * Block); (a4 + bias0).Store(output + 4 * Block); (a5 + bias0).Store(output + 5 * Block);
        float* second = output + outBlockStride;
        (b0 + bias1).Store(second); (b1 + bias1).Store(second + Block); (b2 + bias1).Store(second + 2 * Block);
        (b3 + bias1).Store(second + 3 * Block); (b4 + bias1).Store(second + 4 * Block); (b5 + bias1).Store(second + 5 * Block);
    }
}
