using System;
using System.IO;
using System.Linq;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime.Tests;

/// <summary>
/// CI reruns the tests with AVX-512, or every hardware intrinsic, switched off; a knob the runtime ignores would rerun
/// the same code and prove nothing (.NET 10 no longer reads DOTNET_EnableAVX512F, only DOTNET_EnableAVX512).
/// </summary>
public class InstructionSetModeTests
{
    [Fact]
    public void SwitchedOffInstructionSetsAreOff()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX512F") == "0" || Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") == "0")
            Assert.False(Vector512.IsHardwareAccelerated, "AVX-512 was switched off by the environment, yet Vector512 is accelerated: the knob has no effect.");
        if (Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") == "0")
            Assert.False(Vector128.IsHardwareAccelerated, "Hardware intrinsics were switched off by the environment, yet Vector128 is accelerated.");
    }

    /// <summary>The vendor read from CPUID is the kernel's (Linux's /proc/cpuinfo), and nothing where CPUID is switched off.</summary>
    [Fact]
    public void CpuVendorIsTheKernels()
    {
        if (!X86Base.IsSupported)
        {
            Assert.False(CpuVendor.IsAmd);
            return;
        }
        if (!File.Exists("/proc/cpuinfo")) return; // nothing to compare with off Linux
        string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("vendor_id", StringComparison.Ordinal));
        Assert.NotNull(line);
        string vendor = line![(line.IndexOf(':') + 1)..].Trim();
        Assert.Equal(vendor == "AuthenticAMD", CpuVendor.IsAmd);
    }
}
