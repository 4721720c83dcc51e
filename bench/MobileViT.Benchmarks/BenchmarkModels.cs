namespace MobileViT.Benchmarks;

/// <summary>A compiled model and the ONNX file it came from.</summary>
public sealed record BenchmarkModel(string Name, string OnnxFile, int InputLength, int OutputLength, RunGenerated Run)
{
    public override string ToString() => Name;
}

public delegate void RunGenerated(ReadOnlySpan<float> input, Span<float> output);

public static class BenchmarkModels
{
    public static readonly BenchmarkModel[] All =
    {
        new("MobileViT-XXS", "mobilevit_v1_xxs_opset13.onnx", MobileViTXXS.InputLength, MobileViTXXS.OutputLength, MobileViTXXS.Run),
        new("MobileViT-XS", "mobilevit_v1_xs_opset13.onnx", MobileViTXS.InputLength, MobileViTXS.OutputLength, MobileViTXS.Run),
        new("MobileViT-S", "mobilevit_v1_s_opset13.onnx", MobileViTS.InputLength, MobileViTS.OutputLength, MobileViTS.Run),
    };

    public static BenchmarkModel Get(string name) => All.Single(m => m.Name == name);

    public static string ModelPath(string file)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory != null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "models", file);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("models/" + file + " not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A smooth, non-zero image.</summary>
    public static float[] Input(int length)
    {
        var input = new float[length];
        for (int i = 0; i < length; i++) input[i] = MathF.Sin(i * 0.001f);
        return input;
    }
}
