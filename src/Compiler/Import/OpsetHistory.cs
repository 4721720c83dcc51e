using System.Collections.Generic;

namespace MobileViT.Compiler.Import
{
    /// <summary>
    /// Which older opsets each operator compiles at. Models of opsets 7 to 10 (PyTorch 1.x exported at opset 9 by
    /// default; the ONNX model zoo's MobileNets are opsets 7 and 10) are compiled when every node's float32 inference
    /// behaviour at the model's opset is one the operator implements: either the same as at opset 11, or an older form
    /// its file reads (Clip's and Slice's attributes, Resize-10's scales input, Upsample). Any other node below opset 11
    /// is reported with its name (MVC0003).
    /// </summary>
    public static class OpsetHistory
    {
        /// <summary>
        /// For each operator, the oldest opset it compiles at. Operators missing here first appeared at opset 11 or
        /// later, or changed before 11 in a way not implemented.
        /// </summary>
        private static readonly Dictionary<string, int> OldestSupported = new Dictionary<string, int>
        {
            // Unchanged since their first version apart from types (version 6 dropped consumed_inputs).
            ["Abs"] = 6, ["Ceil"] = 6, ["Elu"] = 6, ["Exp"] = 6, ["Floor"] = 6, ["HardSigmoid"] = 6, ["LeakyRelu"] = 6,
            ["Log"] = 6, ["Neg"] = 6, ["Reciprocal"] = 6, ["Relu"] = 6, ["Sigmoid"] = 6, ["Sqrt"] = 6, ["Tanh"] = 6,
            ["Softplus"] = 1, ["Transpose"] = 1, ["Squeeze"] = 1, ["Unsqueeze"] = 1, ["Flatten"] = 1, ["Gather"] = 1,
            ["Identity"] = 1, ["Shape"] = 1, ["Size"] = 1, ["MatMul"] = 1, ["Constant"] = 1, ["Not"] = 1,
            ["ReduceMean"] = 1, ["ReduceSum"] = 1, ["ReduceMax"] = 1, ["ReduceMin"] = 1, ["ReduceL1"] = 1, ["ReduceL2"] = 1,
            ["ReduceSumSquare"] = 1, ["GlobalAveragePool"] = 1, ["GlobalMaxPool"] = 1, ["DepthToSpace"] = 1, ["SpaceToDepth"] = 1,
            ["Split"] = 2, ["Concat"] = 4, ["Tile"] = 6, ["Reshape"] = 5, ["Cast"] = 6, ["InstanceNormalization"] = 6,
            ["Erf"] = 9, ["ConstantOfShape"] = 9, ["Where"] = 9, ["Expand"] = 8, ["Mod"] = 10,
            // Softmax and LogSoftmax coerce to 2-D at the axis until 13; both read that form.
            ["Softmax"] = 1, ["LogSoftmax"] = 1,
            // Later attributes (storage_order, count_include_pad, ceil_mode, dilations) default to the old behaviour.
            ["Conv"] = 1, ["MaxPool"] = 1, ["AveragePool"] = 1,
            // ConvTranspose-11 rewrote how auto_pad SAME splits the padding; ConvTranspose.cs refuses SAME below 11.
            ["ConvTranspose"] = 1,
            // Inference (is_test=1 at 6) with spatial=1 (the default, and what exporters write) is the later behaviour;
            // BatchNormalization.cs refuses is_test=0 and spatial=0.
            ["BatchNormalization"] = 6,
            // Numpy-style broadcasting replaced the broadcast/axis attributes in 7 (in 8 for the variadic Max, Min, Sum
            // and Mean); PRelu-7's slope broadcasts unidirectionally, where 6 matched it to the channels.
            ["Add"] = 7, ["Sub"] = 7, ["Mul"] = 7, ["Div"] = 7, ["Pow"] = 7, ["Gemm"] = 7, ["Dropout"] = 7, ["PRelu"] = 7,
            ["Equal"] = 7, ["Less"] = 7, ["Greater"] = 7, ["And"] = 7, ["Or"] = 7,
            ["Max"] = 8, ["Min"] = 8, ["Sum"] = 8, ["Mean"] = 8,
            // Older forms read by the operator's file: Pad-2 and Clip-6 attributes, Slice-1 attributes.
            ["Pad"] = 2, ["Clip"] = 6, ["Slice"] = 1,
            // Upsample (7: scales attribute, 9: scales input; deprecated at 10) and Resize-10 (scales as input 1),
            // both with asymmetric coordinates and the old nearest rounding.
            ["Upsample"] = 7, ["Resize"] = 10,
        };

        /// <summary>The oldest opset at which <paramref name="opType"/> compiles (11 for operators not listed).</summary>
        public static int OldestOpset(string opType) => OldestSupported.TryGetValue(opType, out var since) ? since : 11;

        /// <summary>Whether a node of <paramref name="opType"/> in a model of <paramref name="opset"/> compiles.</summary>
        public static bool Compiles(string opType, int opset) => opset >= 11 || opset >= OldestOpset(opType);
    }
}
