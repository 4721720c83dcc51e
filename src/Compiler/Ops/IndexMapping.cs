using System.Collections.Generic;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// Not an ONNX operator: a chain of Reshape/Transpose/Squeeze/Unsqueeze/Flatten (MobileViT's unfold and fold)
    /// collapsed by a pass into one fixed-shape strided copy. Its plan is made by the pass, not by inference.
    /// </summary>
    public sealed class IndexMapping : CopyOperator
    {
        public override string OpType => "IndexMapping";

        protected override List<CopyPart> Plan(Node node, InferenceContext context, out int[][] outputShapes)
        {
            outputShapes = new[] { node.Outputs[0].Shape };
            return (List<CopyPart>)node.Lowering!;
        }
    }
}
