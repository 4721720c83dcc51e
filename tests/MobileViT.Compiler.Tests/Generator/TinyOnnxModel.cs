using MobileViT.Compiler.Tests.TestModels;

namespace MobileViT.Compiler.Tests.Generator
{
    /// <summary>The smallest useful ONNX model for generator tests: Y = Add(X, X) on a float [1,3,4,4] input.</summary>
    internal static class TinyOnnxModel
    {
        public static byte[] AddSelf() => new OnnxBuilder(17)
            .Input("X", 1, 3, 4, 4)
            .Node("Add", new[] { "X", "X" }, new[] { "Y" }, "add_0")
            .Output("Y")
            .Build();
    }
}
