using MobileViT.Runtime;

namespace FashionMnistSample;

/// <summary>
/// Classifies one image with the compiled model (the generated class <see cref="FashionMobileViT"/>). Preprocessing
/// writes into a buffer reused for every image, and the generated Run uses per-thread scratch memory, so after the
/// first call classifying allocates nothing.
/// </summary>
internal sealed class ModelClassifier
{
    /// <summary>Pixel mean and standard deviation of the training set in [0, 1] units; the model was trained on (pixel / 255 − mean) / std.</summary>
    public static readonly float[] Mean = { 0.2860f }, StandardDeviation = { 0.3530f };

    private readonly float[] _input = new float[FashionMobileViT.InputLength];
    private readonly float[] _logits = new float[FashionMobileViT.OutputLength];

    /// <summary>The logits of the last <see cref="Classify"/> call.</summary>
    public ReadOnlySpan<float> Logits => _logits;

    public int Classify(ReadOnlySpan<byte> image)
    {
        ImageNormalization.InterleavedToPlanar(image, FashionMnistData.Width, FashionMnistData.Height, 1, Mean, StandardDeviation, _input);
        FashionMobileViT.Run(_input, _logits);
        return ArgMax(_logits);
    }

    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }
}
