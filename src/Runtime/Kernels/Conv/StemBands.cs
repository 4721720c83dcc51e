using System;
using System.Runtime.CompilerServices;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>What a stem kernel (<see cref="ShallowConv3x3Stride2"/>, <see cref="ShallowConv3x3Stride2Avx"/>, <see cref="Conv3x3Stride2ChannelVectorsAvx"/>) gives <see cref="StemBands"/>.</summary>
internal interface IStemKernel
{
    /// <summary>Output rows per band.</summary>
    static abstract int BandRows(in Conv2dGeometry g);

    /// <summary>Bands [first, end) of the job, numbered across the batch; <paramref name="fused"/>: the tiles apply bias and activation.</summary>
    static abstract void RunBands<TOperator>(ref StemJob job, int first, int end, bool fused) where TOperator : struct, IUnaryOperator;
}

/// <summary>A stem kernel whose weights <see cref="StemBands.Run"/> regroups from the ONNX layout on each call.</summary>
internal interface IRegroupedStemKernel : IStemKernel
{
    /// <summary>Output channels a tile computes; the weights are regrouped in tiles of this many.</summary>
    static abstract int ChannelTile { get; }
}

/// <summary>One stem convolution: its operands, its regrouped weights and its bands.</summary>
internal unsafe struct StemJob
{
    public float* Input, Weights, Bias, Residual, Output;
    public Conv2dGeometry Geometry;
    public Activation Activation;
    public int BandRows, Bands, Parts;
}

/// <summary>
/// The stems' shared scheduling: the weights regrouped per channel tile, bands of output rows as the unit of work
/// (whole bands to each thread, so every band is computed and finished as on one thread), the activation's operator
/// chosen once, and the epilogue pass over a band's rows where the tiles do not apply it.
/// </summary>
internal static unsafe class StemBands
{
    public static void Run<TKernel>(float* input, float* weights, float* bias, float* residual, float* output, in Conv2dGeometry g, Activation activation)
        where TKernel : struct, IRegroupedStemKernel
    {
        float* grouped = stackalloc float[ShallowConv3x3Stride2.GroupedWeightFloats(g, TKernel.ChannelTile)];
        ShallowConv3x3Stride2.GroupWeights(weights, g, TKernel.ChannelTile, grouped);
        RunGrouped<TKernel>(input, grouped, bias, residual, output, g, activation);
    }

    /// <summary>The bands of a kernel whose weights are already in its layout (prepacked, or regrouped by <see cref="Run"/>).</summary>
    public static void RunGrouped<TKernel>(float* input, float* grouped, float* bias, float* residual, float* output, in Conv2dGeometry g, Activation activation)
        where TKernel : struct, IStemKernel
    {
        int bandRows = TKernel.BandRows(g);
        var job = new StemJob
        {
            Input = input, Weights = grouped, Bias = bias, Residual = residual, Output = output, Geometry = g, Activation = activation,
            BandRows = bandRows, Bands = (g.OutHeight + bandRows - 1) / bandRows,
        };
        int units = g.Batch * job.Bands;
        int degree = KernelParallelism.Current;
        if (degree > 1 && units > 1 && g.OutputLength >= DepthwiseConvolution.ParallelOutputThreshold)
        {
            job.Parts = WorkerPool.PartsFor(units, degree);
            WorkerPool.For(degree, job.Parts, &RunPart<TKernel>, Unsafe.AsPointer(ref job));
            return;
        }
        RunBands<TKernel>(ref job, 0, units);
    }

    private static void RunPart<TKernel>(void* context, int part) where TKernel : struct, IStemKernel
    {
        ref StemJob job = ref Unsafe.AsRef<StemJob>(context);
        int units = job.Geometry.Batch * job.Bands;
        RunBands<TKernel>(ref job, WorkerPool.FirstUnit(units, part, job.Parts), WorkerPool.FirstUnit(units, part + 1, job.Parts));
    }

    /// <summary>Bands [first, end) with the activation's operator chosen once.</summary>
    private static void RunBands<TKernel>(ref StemJob job, int first, int end) where TKernel : struct, IStemKernel
    {
        // Bias and activation are applied in registers before the store for the short operators (no residual); the others
        // store raw sums and take the shared row epilogue afterwards. Both are the same arithmetic. SiLU or GELU inlined
        // sixteen times in the tile made it a 6 KB method whose compilation added about 50 ms to a first result under the
        // JIT (MobileViT-XXS), for about 20 µs per run.
        bool fused = job.Residual == null;
        switch (fused ? Activation.ToUnaryKind(job.Activation.Kind) : UnaryKind.Exp)
        {
            case UnaryKind.Identity: TKernel.RunBands<IdentityOperator>(ref job, first, end, fused: true); break;
            case UnaryKind.Relu: TKernel.RunBands<ReluOperator>(ref job, first, end, fused: true); break;
            case UnaryKind.Clip: TKernel.RunBands<ClipOperator>(ref job, first, end, fused: true); break;
            case UnaryKind.HardSwish: TKernel.RunBands<HardSwishOperator>(ref job, first, end, fused: true); break;
            default: TKernel.RunBands<IdentityOperator>(ref job, first, end, fused: false); break;
        }
    }

    /// <summary>The epilogue over output rows [rowStart, rowEnd) of batch item n, channel by channel (contiguous in NCHW), while they are still in cache.</summary>
    public static void ApplyEpilogue<TIsa, TVector>(ref StemJob job, int n, int rowStart, int rowEnd)
        where TIsa : struct, IVectorIsa<TVector> where TVector : struct
    {
        Conv2dGeometry g = job.Geometry;
        nint outPlane = g.OutputChannelStride;
        UnaryKind kind = Activation.ToUnaryKind(job.Activation.Kind);
        int length = (rowEnd - rowStart) * g.OutWidth;
        for (int channel = 0; channel < g.OutChannels; channel++)
        {
            nint offset = (nint)n * g.OutChannels * outPlane + (nint)channel * outPlane + (nint)rowStart * g.OutWidth;
            ElementwiseRow.Apply<TIsa, TVector>(kind, job.Activation.Alpha, job.Activation.Beta, job.Output + offset, job.Output + offset,
                length, 1f, job.Bias == null ? 0f : job.Bias[channel], null, job.Residual == null ? null : job.Residual + offset);
        }
    }
}

/// <summary>
/// What a stem tile does to its sums before storing them: op(sum + bias[channel]) as the shared row epilogue computes it
/// (<see cref="ElementwiseRow"/>: a multiply-add by 1 is the plain add; no add at all without a bias, as there).
/// </summary>
internal readonly unsafe struct StemTileEpilogue<TIsa, TVector> where TIsa : struct, IVectorIsa<TVector> where TVector : struct
{
    private readonly float* _bias;
    private readonly TVector _alpha, _beta;

    public StemTileEpilogue(float* bias, float alpha, float beta)
    {
        _bias = bias;
        _alpha = TIsa.Broadcast(alpha);
        _beta = TIsa.Broadcast(beta);
    }

    private StemTileEpilogue(float* bias, TVector alpha, TVector beta)
    {
        _bias = bias;
        _alpha = alpha;
        _beta = beta;
    }

    public StemTileEpilogue<TIsa, TVector> ForChannels(int first) => new(_bias == null ? null : _bias + first, _alpha, _beta);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TVector Apply<TOperator>(TVector sum, int channel) where TOperator : struct, IUnaryOperator
        => TOperator.Invoke<TIsa, TVector>(_bias == null ? sum : TIsa.Add(sum, TIsa.Broadcast(_bias[channel])), _alpha, _beta);
}
