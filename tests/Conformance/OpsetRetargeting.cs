using System.Collections.Generic;
using System.Linq;
using MobileViT.Compiler.Import;

namespace MobileViT.Conformance;

/// <summary>
/// Runs cases whose model declares an opset below the compiler's range (the PyTorch-converted models of opsets 1 to
/// 6) at the compiler's lowest opset, when every operator's float32 inference semantics at the model's opset already
/// equal those there (<see cref="OpsetHistory.OldestOpset"/>), so the operators' semantics are still tested. Opsets
/// above the compiler's range (26 and later) are not retargeted: their changes are not reviewed, so those cases stay
/// excluded.
/// </summary>
public static class OpsetRetargeting
{
    /// <summary>The operators that keep a model below the compiler's range from being retargeted.</summary>
    public static IReadOnlyList<string> Blocking(int opset, IEnumerable<string> operatorTypes) =>
        operatorTypes.Where(op => OpsetHistory.OldestOpset(op) > opset)
            .Distinct().OrderBy(op => op, System.StringComparer.Ordinal).ToList();

    /// <summary>The opset to run the model at, or null to run it as it is.</summary>
    public static int? Target(int opset, IEnumerable<string> operatorTypes)
    {
        if (opset >= GraphImporter.MinOpset) return null;
        return operatorTypes.All(op => OpsetHistory.OldestOpset(op) <= opset) ? GraphImporter.MinOpset : null;
    }
}
