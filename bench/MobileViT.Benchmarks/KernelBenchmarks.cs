using BenchmarkDotNet.Attributes;
using MobileViT.Runtime;

namespace MobileViT.Benchmarks;

/// <summary>
/// Single kernels at the shapes where the models spend their time, one thread, to back the per-kernel figures in the
/// runtime's comments and docs/performance.md:
/// <c>dotnet run -c Release --project bench/MobileViT.Benchmarks -- --filter '*KernelBenchmarks*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private float[] _gemmA = null!, _gemmB = null!, _gemmC = null!;
    private Case _pointwiseSmall = null!, _pointwiseDeep = null!, _depthwise3x3Small = null!, _depthwise5x5Small = null!, _depthwise14 = null!;
    private Case _depthwiseStride2 = null!, _depthwiseStride2Small = null!, _dense3x3 = null!, _stem = null!, _excitation = null!;
    private Case _depthwise5x5At28 = null!, _pointwiseExpansion = null!, _stride2ChannelVectors = null!, _stride2SplitRows = null!;
    private PairCase _channelMixer = null!;
    private ExpansionCase _expansion = null!;
    private float[] _q = null!, _k = null!, _v = null!, _scores = null!, _attention = null!;
    private int[] _headOffsets = null!;
    private float[] _foldSource = null!, _foldDestination = null!;
    private float[] _activationInput = null!, _activationOutput = null!;

    private const int GemmM = 600, GemmK = 256, GemmN = 64;
    private const int Heads = 16, Tokens = 256, HeadDim = 24;
    private const int FoldChannels = 96;
    private static readonly int[] FoldShape = { FoldChannels, 16, 2, 16, 2 };
    private static readonly int[] FoldSourceStrides = { 1, 16 * FoldChannels, 2 * 256 * FoldChannels, FoldChannels, 256 * FoldChannels };
    private static readonly int[] FoldDestinationStrides = { 1024, 64, 32, 2, 1 };

    [GlobalSetup]
    public void Setup()
    {
        KernelParallelism.PrepareDegree(2); // the two-thread case's worker, started here rather than in a measured call
        _gemmA = Data(GemmM * GemmK, 1);
        _gemmB = GemmF32.PackB(Data(GemmK * GemmN, 2), GemmK, GemmN, bTransposed: false);
        _gemmC = new float[GemmM * GemmN];
        _activationInput = Data(16384, 10);
        for (int i = 0; i < _activationInput.Length; i++) _activationInput[i] *= 8f; // GELU's whole range, tails included
        _activationOutput = new float[16384];
        _pointwiseSmall = new Case(Geometry(160, 960, 7, 1, groups: 1));
        _pointwiseDeep = new Case(Geometry(1024, 64, 32, 1, groups: 1));
        _depthwise3x3Small = new Case(Geometry(960, 960, 7, 3, groups: 960));
        _depthwise5x5Small = new Case(Geometry(960, 960, 7, 5, groups: 960));
        _depthwise14 = new Case(Geometry(576, 576, 14, 3, groups: 576));
        _depthwiseStride2 = new Case(Geometry(96, 96, 112, 3, groups: 96, stride: 2));
        _depthwiseStride2Small = new Case(Geometry(576, 576, 14, 3, groups: 576, stride: 2));
        _dense3x3 = new Case(Geometry(256, 128, 16, 3, groups: 1));
        _stem = new Case(Geometry(3, 16, 256, 3, groups: 1, stride: 2));
        _excitation = new Case(Geometry(960, 240, 1, 1, groups: 1));
        _depthwise5x5At28 = new Case(Geometry(120, 120, 28, 5, groups: 120));
        _pointwiseExpansion = new Case(Geometry(16, 96, 112, 1, groups: 1), new Activation(ActivationKind.Clip, 0f, 6f));
        _stride2ChannelVectors = new Case(Geometry(24, 48, 112, 3, groups: 1, stride: 2), Activation.None);
        _stride2SplitRows = new Case(Geometry(24, 48, 112, 3, groups: 1, stride: 2), Activation.None, onnxLayout: true);
        _channelMixer = new PairCase(192, 384, 14);
        _expansion = new ExpansionCase(Geometry(24, 144, 56, 1, groups: 1), Geometry(144, 144, 56, 3, groups: 144, stride: 2));
        _q = Data(Heads * Tokens * HeadDim, 3);
        _k = Data(Heads * Tokens * HeadDim, 4);
        _v = Data(Heads * Tokens * HeadDim, 5);
        _headOffsets = Enumerable.Range(0, Heads).Select(h => h * Tokens * HeadDim).ToArray();
        _scores = new float[Tokens * Tokens];
        _attention = new float[Heads * Tokens * HeadDim];
        _foldSource = Data(FoldChannels * 1024, 6);
        _foldDestination = new float[FoldChannels * 1024];
    }

    /// <summary>In-cache product through the 6 x 4-vector tile (Vector512): 600 x 256 x 64, prepacked B.</summary>
    [Benchmark]
    public void Gemm600x256x64() => GemmF32.RunPackedB(_gemmA, _gemmB, default, default, _gemmC, GemmM, GemmK, GemmN, Activation.None);

    /// <summary>MobileNetV2's last expansion: 160 → 960 channels on a 7×7 plane.</summary>
    [Benchmark]
    public void Pointwise160To960At7x7() => _pointwiseSmall.Run();

    /// <summary>A deep pointwise convolution: 1024 → 64 channels on 32×32 (power-of-two row stride).</summary>
    [Benchmark]
    public void Pointwise1024To64At32x32() => _pointwiseDeep.Run();

    /// <summary>960 channels of 7×7, 3×3 taps: channel blocks with AVX-512 or AVX2 (the flattened path otherwise).</summary>
    [Benchmark]
    public void Depthwise3x3At7x7() => _depthwise3x3Small.Run();

    /// <summary>The same at two threads: whole channels per thread (rows of every plane per thread was 8 times slower).</summary>
    [Benchmark]
    public void Depthwise3x3At7x7TwoThreads()
    {
        int previous = KernelParallelism.Enter(2);
        try
        {
            _depthwise3x3Small.Run();
        }
        finally
        {
            KernelParallelism.Exit(previous);
        }
    }

    /// <summary>960 channels of 7×7, 5×5 taps (MobileNetV3-L): channel blocks with AVX-512 or AVX2.</summary>
    [Benchmark]
    public void Depthwise5x5At7x7() => _depthwise5x5Small.Run();

    /// <summary>576 channels of 14×14, 3×3 taps: channel blocks with AVX-512 or AVX2 (the band path otherwise).</summary>
    [Benchmark]
    public void Depthwise3x3At14x14() => _depthwise14.Run();

    /// <summary>MobileNetV2's first downsampling: 96 channels, 112×112 → 56×56, 3×3 taps at stride 2 (rows read in place with AVX-512 or AVX2; the band path, rows split into even and odd cells, otherwise).</summary>
    [Benchmark]
    public void Depthwise3x3Stride2At112() => _depthwiseStride2.Run();

    /// <summary>MobileNetV3-L's 5×5 layer on 120 channels of 28×28 (8-channel blocks with their taps written out with AVX2).</summary>
    [Benchmark]
    public void Depthwise5x5At28x28() => _depthwise5x5At28.Run();

    /// <summary>MobileNetV2's first expansion, 16 → 96 on 112×112 with ReLU6: bias and clamp finished in the GEMM tiles' registers.</summary>
    [Benchmark]
    public void Pointwise16To96At112Relu6() => _pointwiseExpansion.Run();

    /// <summary>MobileNetV2's last downsampling: 576 channels, 14×14 → 7×7 at stride 2 (channel blocks with AVX-512 or AVX2).</summary>
    [Benchmark]
    public void Depthwise3x3Stride2At14() => _depthwiseStride2Small.Run();

    /// <summary>
    /// MobileNetV2's 24 → 144 expansion on 56×56 (ReLU6) and its stride-2 depthwise convolution (ReLU6) as two
    /// convolutions, the expanded tensor through memory: what the generated code runs where the one pass does not.
    /// </summary>
    [Benchmark]
    public void Expansion24To144At56IntoStride2TwoSteps() => _expansion.RunTwoSteps();

    /// <summary>The same through ExpandedDepthwiseF32: one pass with AVX2 at 256 bits (the two steps elsewhere).</summary>
    [Benchmark]
    public void Expansion24To144At56IntoStride2OnePass() => _expansion.Run();

    /// <summary>
    /// RepViT-M0.9's second stem convolution, 24 → 48 at stride 2 on 112×112, through PackWeights' panels: the output
    /// channels along the vector (Conv3x3Stride2ChannelVectorsAvx) with AVX2 and FMA.
    /// </summary>
    [Benchmark]
    public void Dense3x3Stride2_24To48At112() => _stride2ChannelVectors.Run();

    /// <summary>The same with the weights in the ONNX layout alone: the split-row kernel (ShallowConv3x3Stride2Avx) with AVX2 and FMA.</summary>
    [Benchmark]
    public void Dense3x3Stride2_24To48At112SplitRows() => _stride2SplitRows.Run();

    /// <summary>RepViT-M0.9's channel mixer on 14×14, 192 → 384 (GELU) → 192 + residual, as two convolutions through memory.</summary>
    [Benchmark]
    public void ChannelMixer192At14TwoSteps() => _channelMixer.RunTwoSteps();

    /// <summary>The same through PointwisePairF32: both products in channel blocks with AVX2 and FMA (the two steps elsewhere).</summary>
    [Benchmark]
    public void ChannelMixer192At14Pair() => _channelMixer.Run();

    /// <summary>A MobileViT fusion-size dense 3×3 convolution, 256 → 128 on 16×16 (implicit GEMM, masked panel gather).</summary>
    [Benchmark]
    public void Dense3x3At16x16() => _dense3x3.Run();

    /// <summary>MobileViT's stem, 3 → 16 channels, 256×256 → 128×128 at stride 2.</summary>
    [Benchmark]
    public void Stem3To16At256() => _stem.Run();

    /// <summary>GELU (erf form) on 16 K floats: the table of polynomials with AVX-512, half of it with AVX2, erfc and exp otherwise.</summary>
    [Benchmark]
    public void GeluErf16K() => UnaryF32.Run(UnaryKind.GeluErf, _activationInput, _activationOutput);

    /// <summary>SiLU on the same 16 K floats, for scale: the activation of every MobileViT convolution.</summary>
    [Benchmark]
    public void SiLU16K() => UnaryF32.Run(UnaryKind.SiLU, _activationInput, _activationOutput);

    /// <summary>A squeeze-and-excitation layer, 960 → 240 on a 1×1 plane (a matrix-vector product).</summary>
    [Benchmark]
    public void Excitation960To240() => _excitation.Run();

    /// <summary>MobileViT-XS's largest attention step: 16 heads of 256 queries × 256 keys, head 24.</summary>
    [Benchmark]
    public void Attention16x256x24() => AttentionF32.Run(_q, _headOffsets, _k, _headOffsets, _v, _headOffsets, _scores, _attention,
        Tokens, Tokens, HeadDim, HeadDim, 0.2041f);

    /// <summary>MobileViT-XS's fold [4, 256, 96] → [1, 96, 32, 32] as the generated code runs it.</summary>
    [Benchmark]
    public void FoldTiled() => StridedCopyF32.Run(_foldSource, _foldDestination, FoldShape, FoldSourceStrides, FoldDestinationStrides);

    /// <summary>The same fold as the destination-order loops the emitter used to write for it.</summary>
    [Benchmark]
    public void FoldLoops()
    {
        var source = _foldSource.AsSpan();
        var destination = _foldDestination.AsSpan();
        for (int c = 0; c < FoldChannels; c++)
            for (int i1 = 0; i1 < 16; i1++)
                for (int i2 = 0; i2 < 2; i2++)
                    for (int i3 = 0; i3 < 16; i3++)
                        for (int i4 = 0; i4 < 2; i4++)
                            destination[c * 1024 + i1 * 64 + i2 * 32 + i3 * 2 + i4] =
                                source[c + i1 * FoldSourceStrides[1] + i2 * FoldSourceStrides[2] + i3 * FoldSourceStrides[3] + i4 * FoldSourceStrides[4]];
    }

    private static Conv2dGeometry Geometry(int inChannels, int outChannels, int size, int kernel, int groups, int stride = 1)
    {
        int outSize = (size + 2 * (kernel / 2) - kernel) / stride + 1;
        return new(1, inChannels, size, size, outChannels, outSize, outSize, kernel, kernel, stride, stride, kernel / 2, kernel / 2, 1, 1, groups);
    }

    private static float[] Data(int length, int seed)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = MathF.Sin(i * 0.37f + seed) * 0.5f;
        return values;
    }

    /// <summary>A convolution with its operands, bias and an epilogue (SiLU unless given), as the generated code calls it.</summary>
    private sealed class Case
    {
        private readonly Conv2dGeometry _geometry;
        private readonly float[] _input, _weights, _bias, _output;
        private readonly Activation _activation;

        /// <param name="onnxLayout">Pass the weights in the ONNX layout alone, not PackWeights' output (the kernels that read that layout).</param>
        public Case(Conv2dGeometry geometry, Activation? activation = null, bool onnxLayout = false)
        {
            _geometry = geometry;
            _activation = activation ?? new Activation(ActivationKind.SiLU);
            _input = Data(geometry.InChannels * geometry.InHeight * geometry.InWidth, 7);
            float[] weights = Data(geometry.OutChannels * geometry.InChannels / geometry.Groups * geometry.KernelHeight * geometry.KernelWidth, 8);
            _weights = onnxLayout ? weights : Conv2dF32.PackWeights(weights, geometry);
            _bias = Data(geometry.OutChannels, 9);
            _output = new float[geometry.OutChannels * geometry.OutHeight * geometry.OutWidth];
        }

        public void Run() => Conv2dF32.Run(_input, _weights, _bias, default, _output, _geometry, _activation);
    }

    /// <summary>An expansion and its depthwise convolution, both with ReLU6, as one ExpandedDepthwiseF32 step or as two convolutions.</summary>
    private sealed class ExpansionCase
    {
        private static readonly Activation Relu6 = new(ActivationKind.Clip, 0f, 6f);
        private readonly Conv2dGeometry _expansion, _depthwise;
        private readonly float[] _input, _expansionWeights, _packedExpansion, _expansionBias, _expanded, _weights, _bias, _output;

        public ExpansionCase(Conv2dGeometry expansion, Conv2dGeometry depthwise)
        {
            _expansion = expansion;
            _depthwise = depthwise;
            _input = Data(expansion.InChannels * expansion.InHeight * expansion.InWidth, 7);
            float[] expansionWeights = Data(expansion.OutChannels * expansion.InChannels, 8);
            _expansionWeights = Conv2dF32.PackWeights(expansionWeights, expansion);
            _packedExpansion = ExpandedDepthwiseF32.PackExpansionWeights(expansionWeights, expansion);
            _expansionBias = Data(expansion.OutChannels, 9);
            _expanded = new float[expansion.OutChannels * expansion.OutHeight * expansion.OutWidth];
            _weights = Conv2dF32.PackWeights(Data(depthwise.OutChannels * depthwise.KernelHeight * depthwise.KernelWidth, 10), depthwise);
            _bias = Data(depthwise.OutChannels, 11);
            _output = new float[depthwise.OutChannels * depthwise.OutHeight * depthwise.OutWidth];
        }

        public void RunTwoSteps()
        {
            Conv2dF32.Run(_input, _expansionWeights, _expansionBias, default, _expanded, _expansion, Relu6);
            Conv2dF32.Run(_expanded, _weights, _bias, default, _output, _depthwise, Relu6);
        }

        public void Run() => ExpandedDepthwiseF32.Run(_input, _packedExpansion, _expansionBias, Relu6, _expanded, _weights, _bias, default, _output,
            _expansion, _depthwise, Relu6);
    }

    /// <summary>Two pointwise convolutions, channels → hidden with GELU → channels with a residual, as one PointwisePairF32 step or as two convolutions.</summary>
    private sealed class PairCase
    {
        private static readonly Activation Gelu = new(ActivationKind.GeluErf);
        private readonly Conv2dGeometry _first, _second;
        private readonly float[] _input, _firstWeights, _secondWeights, _packedFirst, _packedSecond, _firstBias, _secondBias, _hidden, _output;

        public PairCase(int channels, int hidden, int size)
        {
            _first = new(1, channels, size, size, hidden, size, size, 1, 1, 1, 1, 0, 0, 1, 1, 1);
            _second = new(1, hidden, size, size, channels, size, size, 1, 1, 1, 1, 0, 0, 1, 1, 1);
            _input = Data(channels * size * size, 7);
            float[] firstWeights = Data(hidden * channels, 8), secondWeights = Data(hidden * channels, 9);
            _firstWeights = Conv2dF32.PackWeights(firstWeights, _first);
            _secondWeights = Conv2dF32.PackWeights(secondWeights, _second);
            _packedFirst = PointwisePairF32.PackWeights(firstWeights, _first);
            _packedSecond = PointwisePairF32.PackWeights(secondWeights, _second);
            _firstBias = Data(hidden, 10);
            _secondBias = Data(channels, 11);
            _hidden = new float[hidden * size * size];
            _output = new float[channels * size * size];
        }

        /// <summary>The residual is the input, as in RepViT's blocks.</summary>
        public void RunTwoSteps()
        {
            Conv2dF32.Run(_input, _firstWeights, _firstBias, default, _hidden, _first, Gelu);
            Conv2dF32.Run(_hidden, _secondWeights, _secondBias, _input, _output, _second, Activation.None);
        }

        public void Run() => PointwisePairF32.Run(_input, _packedFirst, _firstBias, Gelu, _hidden, _packedSecond, _secondBias, _input, _output,
            _first, _second, Activation.None);
    }
}
