namespace MobileViT.ColdStart;

/// <summary>A compiled model called directly (no reflection, so NativeAOT keeps nothing it does not need).</summary>
public sealed record ColdStartModel(string Name, string OnnxFile, long[] InputShape, int OutputLength, Action<float[], float[]> Run);

public static class ColdStartModels
{
    private static readonly long[] Image256 = { 1, 3, 256, 256 }, Image224 = { 1, 3, 224, 224 };

    public static readonly ColdStartModel[] All =
    {
        new("MobileViT-XXS", "mobilevit_v1_xxs_opset13.onnx", Image256, MobileViTXXS.OutputLength, (i, o) => MobileViTXXS.Run(i, o)),
        new("MobileViT-XS", "mobilevit_v1_xs_opset13.onnx", Image256, MobileViTXS.OutputLength, (i, o) => MobileViTXS.Run(i, o)),
        new("MobileViT-S", "mobilevit_v1_s_opset13.onnx", Image256, MobileViTS.OutputLength, (i, o) => MobileViTS.Run(i, o)),
        new("MobileViTv2-0.5", "families/mobilevitv2_050_opset17.onnx", Image256, MobileViTv2050.OutputLength, (i, o) => MobileViTv2050.Run(i, o)),
#if HAS_MobileViTv3XXS
        new("MobileViTv3-XXS", "families/mobilevitv3_xxs_opset17.onnx", Image256, MobileViTv3XXS.OutputLength, (i, o) => MobileViTv3XXS.Run(i, o)),
#endif
#if HAS_RepViTM09
        new("RepViT-M0.9", "families/repvit_m0_9_opset17.onnx", Image224, RepViTM09.OutputLength, (i, o) => RepViTM09.Run(i, o)),
#endif
#if HAS_MobileNetV2
        new("MobileNetV2", "families/mobilenet_v2_opset17.onnx", Image224, MobileNetV2.OutputLength, (i, o) => MobileNetV2.Run(i, o)),
#endif
#if HAS_MobileNetV3Large
        new("MobileNetV3-L", "families/mobilenet_v3_large_opset17.onnx", Image224, MobileNetV3Large.OutputLength, (i, o) => MobileNetV3Large.Run(i, o)),
#endif
    };
}
