using System.Collections.Generic;

namespace MobileViT.Tooling;

/// <summary>A run-time input or output of a compiled model: its ONNX name, its fixed shape and its float count.</summary>
public sealed class TensorSignature
{
    public TensorSignature(string name, IReadOnlyList<int> shape, int length)
    {
        Name = name;
        Shape = shape;
        Length = length;
    }

    public string Name { get; }

    public IReadOnlyList<int> Shape { get; }

    public int Length { get; }

    public override string ToString() => Name + " [" + string.Join(",", Shape) + "]";
}
