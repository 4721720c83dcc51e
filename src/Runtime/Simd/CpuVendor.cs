using System;
using System.Runtime.Intrinsics.X86;

namespace MobileViT.Runtime.Simd;

/// <summary>
/// The processor's maker, for the few choices of loop order that measured differently on AMD and Intel cores (the
/// instruction set alone does not tell them apart: a Zen 3 and a Skylake both report AVX2 and FMA).
/// </summary>
internal static class CpuVendor
{
    /// <summary>CPUID leaf 0 says "AuthenticAMD"; false on other processors and where CPUID is not available (ARM64).</summary>
    public static readonly bool IsAmd = X86Base.IsSupported && IsVendor("AuthenticAMD");

    private static bool IsVendor(string name)
    {
        // The vendor string is EBX, EDX, ECX of leaf 0, four ASCII bytes each, low byte first.
        (_, int ebx, int ecx, int edx) = X86Base.CpuId(0, 0);
        Span<int> words = stackalloc int[] { ebx, edx, ecx };
        for (int i = 0; i < name.Length; i++)
        {
            if ((char)((words[i / 4] >> (8 * (i % 4))) & 0xFF) != name[i]) return false;
        }
        return name.Length == 12;
    }
}
