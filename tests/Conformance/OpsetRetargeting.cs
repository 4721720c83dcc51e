using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Import;

namespace MobileViT.Conformance;

/// <summary>
/// Runs cases whose model declares an opset below the compiler's range at opset 11 (the PyTorch-converted models), when
/// every operator's float32 inference semantics at the model's opset already equal those at opset 11
/// (<see cref="SameAsOpset11Since"/>), so the operators' semantics are still tested. Opsets above the compiler's range
/// (26 and later) are not retargeted: their changes are not reviewed, so those cases stay excluded.
/// </summary>
public static class OpsetRetargeting
{

    /// <summary>
    /// For each operator, the first opset from which its float32 inference behaviour is the same as at opset 11.
    /// Operators missing here (Clip, Slice, Upsample, ...) changed inputs or attributes before 11 and are never
    /// retargeted from below it.
    /// </summary>
    private static readonly Dictionary<string, int> SameAsOpset11Since = new()
    {
        // Unchanged since their first version apart from types (the 6 versions dropped consumed_inputs).
        ["Abs"] = 6, ["Ceil"] = 6, ["Elu"] = 6, ["Exp"] = 6, ["Floor"] = 6, ["HardSigmoid"] = 6, ["LeakyRelu"] = 6,
        ["Log"] = 6, ["Neg"] = 6, ["Reciprocal"] = 6, ["Relu"] = 6, ["Sigmoid"] = 6, ["Sqrt"] = 6, ["Tanh"] = 6,
        ["Softplus"] = 1, ["Softmax"] = 1, ["LogSoftmax"] = 1, ["Transpose"] = 1, ["Squeeze"] = 1, ["Unsqueeze"] = 1, ["Flatten"] = 1,
        ["Gather"] = 1, ["Identity"] = 1, ["Shape"] = 1, ["Size"] = 1, ["MatMul"] = 1, ["Constant"] = 1,
        ["ReduceMean"] = 1, ["ReduceSum"] = 1, ["ReduceMax"] = 1, ["ReduceMin"] = 1, ["ReduceL1"] = 1, ["ReduceL2"] = 1, ["ReduceSumSquare"] = 1, ["GlobalAveragePool"] = 1, ["GlobalMaxPool"] = 1,
        ["Split"] = 2, ["Concat"] = 4, ["Tile"] = 6, ["Reshape"] = 5, ["Cast"] = 6, ["InstanceNormalization"] = 6,
        // Later attributes (storage_order, count_include_pad, ceil_mode, dilations) default to the old behaviour.
        ["Conv"] = 1, ["MaxPool"] = 1, ["AveragePool"] = 1,
        // BatchNormalization-6 still has is_test and spatial; the eval-mode exports set is_test=1 and keep spatial=1,
        // which is the inference behaviour of later versions.
        ["BatchNormalization"] = 6,
        // Numpy-style broadcasting replaced the broadcast/axis attributes in 7 (the variadic Max, Min, Sum and Mean
        // gained broadcasting in 8); PRelu-7's slope broadcasts unidirectionally, where 6 matched it to the channels.
        ["Add"] = 7, ["Sub"] = 7, ["Mul"] = 7, ["Div"] = 7, ["Pow"] = 7, ["Gemm"] = 7, ["Dropout"] = 7, ["PRelu"] = 7,
        ["Max"] = 8, ["Min"] = 8, ["Sum"] = 8, ["Mean"] = 8,
        // Pad-2 gives pads and value as attributes (inputs from 11), which the compiler's Pad also reads; same modes.
        ["Pad"] = 2,
    };

    /// <summary>The operators that keep a model below opset 11 from being retargeted.</summary>
    public static IReadOnlyList<string> Blocking(int opset, IEnumerable<string> operatorTypes) =>
        operatorTypes.Where(op => !(SameAsOpset11Since.TryGetValue(op, out var since) && since <= opset))
            .Distinct().OrderBy(op => op, System.StringComparer.Ordinal).ToList();

    /// <summary>The opset to run the model at, or null to run it as it is.</summary>
    public static int? Target(int opset, IEnumerable<string> operatorTypes)
    {
        if (opset >= GraphImporter.MinOpset && opset <= GraphImporter.MaxOpset) return null;
        if (opset < GraphImporter.MinOpset && operatorTypes.All(op => SameAsOpset11Since.TryGetValue(op, out var since) && since <= opset))
            return GraphImporter.MinOpset;
        return null;
    }
}
