using System;
using System.Runtime.Intrinsics;

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
}
