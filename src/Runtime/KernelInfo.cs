using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime;

/// <summary>What the kernels run on in this process, for benchmark reports and diagnostics.</summary>
public static class KernelInfo
{
    /// <summary>"Vector512", "Vector256", "Vector128" or "Scalar": the variant every public entry point dispatches to.</summary>
    public static string InstructionSet => KernelIsaSelector.Best.ToString();
}
