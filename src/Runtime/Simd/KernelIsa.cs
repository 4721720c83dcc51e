using System.Runtime.Intrinsics;

namespace MobileViT.Runtime.Simd;

/// <summary>Instruction-set variant of a kernel. Every kernel family implements all four.</summary>
internal enum KernelIsa
{
    /// <summary>Plain scalar loops: the reference every other variant is tested against.</summary>
    Scalar,
    Vector128,
    Vector256,
    Vector512,
}

internal static class KernelIsaSelector
{
    /// <summary>
    /// The widest variant the hardware accelerates. The public entry points use this; tests call the
    /// internal overloads with every value of <see cref="KernelIsa"/> (unaccelerated vector widths still
    /// compute correctly, in software, so they are testable everywhere).
    /// </summary>
    public static readonly KernelIsa Best =
        Vector512.IsHardwareAccelerated ? KernelIsa.Vector512 :
        Vector256.IsHardwareAccelerated ? KernelIsa.Vector256 :
        Vector128.IsHardwareAccelerated ? KernelIsa.Vector128 :
        KernelIsa.Scalar;
}
