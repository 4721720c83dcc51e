using System.Collections.Generic;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// An operator that runs as other nodes once its input shapes are known (ConvTranspose as ZeroInsertion + Conv).
    /// The importer calls <see cref="Expand"/> right after the node's own Infer, puts the steps in its place and
    /// infers them next; the last step produces the node's outputs.
    /// </summary>
    public interface IExpandingOperator
    {
        /// <summary>The steps, wired to the node's inputs and outputs (the node's own consumer entries removed).</summary>
        IReadOnlyList<Node> Expand(Node node, InferenceContext context);
    }
}
