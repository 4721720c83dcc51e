using System.Linq;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;

namespace MobileViT.Compiler.Passes
{
    /// <summary>Small helpers shared by the pattern → replacement passes.</summary>
    internal static class GraphRewriter
    {
        /// <summary>The tensor is read by exactly one node and is not a graph output, so its producer may absorb the reader.</summary>
        public static bool HasSingleUse(Tensor tensor) => tensor.Consumers.Count == 1 && !tensor.IsGraphOutput;

        public static Node? SoleConsumer(Tensor tensor) => HasSingleUse(tensor) ? tensor.Consumers[0] : null;

        /// <summary>Scalar value of a constant tensor with one element; null otherwise.</summary>
        public static double? Scalar(Tensor? tensor) =>
            tensor?.Constant != null && tensor.Constant.Length == 1 ? tensor.Constant[0] : (double?)null;

        /// <summary>
        /// Replaces <paramref name="last"/>'s output by <paramref name="keeper"/>'s: the fused node now produces the
        /// tensor the absorbed node produced, so consumers and graph outputs need no rewiring.
        /// </summary>
        public static void Absorb(Graph graph, Node keeper, Node absorbed)
        {
            var oldOutput = keeper.Outputs[0];
            var newOutput = absorbed.Outputs[0];
            graph.Remove(absorbed);
            keeper.Outputs[0] = newOutput;
            newOutput.Producer = keeper;
            oldOutput.Producer = null;
            foreach (var name in absorbed.SourceNames)
                if (!keeper.SourceNames.Contains(name)) keeper.SourceNames.Add(name);
        }

        public static Node NewNode(string name, OperatorDefinition op, Attributes attributes) => new Node(name, op.OpType, op, attributes);

        /// <summary>
        /// The context a pass infers a node it builds with: the graph's file and opset for diagnostics. Every tensor is
        /// decoded by then, so a request to decode one is a bug.
        /// </summary>
        public static InferenceContext InferenceContextFor(Graph graph) =>
            new InferenceContext(graph.ModelFileName, graph.Opset, t => throw new System.InvalidOperationException("passes run after every initializer is decoded"));

        public static void Connect(Node node, params Tensor?[] inputs)
        {
            foreach (var input in inputs)
            {
                node.Inputs.Add(input);
                input?.Consumers.Add(node);
            }
        }

        /// <summary>
        /// Replaces <paramref name="second"/> and <paramref name="first"/>, whose output only the second reads, by one step
        /// of <paramref name="op"/> (a <see cref="ConvPairOperator"/>): inputs X, the first's weight and bias, the second's
        /// weight and bias; the second's residual and activation; outputs the second's result and the first's, kept as the
        /// step's workspace and read by nobody. The step takes both nodes' source names.
        /// </summary>
        public static void FuseConvPair(Graph graph, Node first, Node second, ConvPairOperator op, ConvPairLowering lowering)
        {
            var node = NewNode(second.Name, op, Attributes.Empty);
            node.SourceNames.Clear();
            foreach (var name in first.SourceNames.Concat(second.SourceNames))
                if (!node.SourceNames.Contains(name)) node.SourceNames.Add(name);
            Connect(node, first.Inputs[0], first.Input(1), first.Input(2), second.Input(1), second.Input(2));
            node.Lowering = lowering;
            node.Activation = second.Activation;
            if (second.Residual != null)
            {
                node.Residual = second.Residual;
                second.Residual.Consumers.Add(node);
            }
            var output = second.Outputs[0];
            var workspace = first.Outputs[0];
            node.Outputs.Add(output);
            node.Outputs.Add(workspace);
            output.Producer = node;
            workspace.Producer = node;
            workspace.Consumers.Clear();
            graph.Replace(second, node);
            graph.Remove(first);
        }

        /// <summary>A 1×1 convolution of stride 1 without padding or groups on a 4-D input: a product over channels.</summary>
        public static bool IsPointwise(SpatialGeometry g, Node conv) =>
            conv.Inputs[0]!.Rank == 4 && g.KernelHeight == 1 && g.KernelWidth == 1 && g.StrideHeight == 1 && g.StrideWidth == 1 && g.Groups == 1
            && g.PadTop == 0 && g.PadLeft == 0 && g.PadBottom == 0 && g.PadRight == 0 && g.OutHeight == g.InHeight && g.OutWidth == g.InWidth;

        public static bool IsLinear(Node node) =>
            node.Op is Conv || ((node.Op is MatMul || node.Op is Gemm) && node.Lowering is MatMulLowering { ConstantB: not null });

        public static int[] AllIndices(int count) => Enumerable.Range(0, count).ToArray();
    }
}
