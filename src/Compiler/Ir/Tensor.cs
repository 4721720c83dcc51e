using System.Collections.Generic;
using MobileViT.Compiler.Onnx;

namespace MobileViT.Compiler.Ir
{
    /// <summary>A value in the graph: a graph input, a node output or a constant. Shapes are always static.</summary>
    public sealed class Tensor
    {
        public Tensor(string name, ElementType type, int[] shape)
        {
            Name = name;
            Type = type;
            Shape = shape;
        }

        public string Name { get; }
        public ElementType Type { get; set; }
        public OnnxDataType OnnxType { get; set; } = OnnxDataType.Float;
        public int[] Shape { get; set; }

        /// <summary>Known at compile time (initializer, Constant node or folded).</summary>
        public ConstantTensor? Constant { get; set; }

        public Node? Producer { get; set; }
        public List<Node> Consumers { get; } = new List<Node>();
        public bool IsGraphInput { get; set; }
        public bool IsGraphOutput { get; set; }

        public bool IsConstant => Constant != null;
        public int Rank => Shape.Length;
        public long ElementCount => ShapeMath.Product(Shape);

        public override string ToString() => Name + ShapeMath.Format(Shape);
    }
}
