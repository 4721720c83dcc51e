using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Xml.Linq;
using Xunit;
using Xunit.Abstractions;

namespace MobileViT.Package.Tests.Packaging;

/// <summary>The NuGet package as a user gets it: its layout, and a fresh app that references only it, run with the JIT and NativeAOT.</summary>
[Collection(PackagedAppCollection.Name)]
public sealed class PackageTests(PackagedApp app, ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    /// <summary>NativeAOT and the JIT on the same instruction set run the same kernels: expected bitwise, allowed this far apart.</summary>
    private const double NativeTolerance = 1e-6;

    /// <summary>Set to 1 to skip the NativeAOT publish (it needs clang and zlib1g-dev, and about a minute).</summary>
    public const string SkipNativeAotVariable = "MVC_SKIP_NATIVEAOT";

    [Fact]
    public void CompilerPackageHoldsTheGeneratorItsTwoDependenciesAndTheBuildFiles()
    {
        var entries = Entries(app.CompilerPackage);
        output.WriteLine(string.Join(Environment.NewLine, entries));
        Assert.Contains("analyzers/dotnet/cs/MobileViT.Generators.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/MobileViT.Compiler.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Google.Protobuf.dll", entries);
        Assert.Contains("build/MobileViT.Compiler.props", entries);
        Assert.Contains("build/MobileViT.Compiler.targets", entries);
        Assert.Contains("build/MobileViT.Compiler.ExternalData.targets", entries);
        Assert.Contains("README.md", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal));
    }

    [Fact]
    public void CompilerPackageDeclaresVersionLicenseReadmeAndTheRuntimeDependency()
    {
        var metadata = Nuspec(app.CompilerPackage);
        XNamespace ns = metadata.Name.Namespace;
        Assert.Equal("MobileViT.Compiler", metadata.Element(ns + "id")?.Value);
        Assert.Equal(app.Version, metadata.Element(ns + "version")?.Value);
        Assert.Equal("MIT", metadata.Element(ns + "license")?.Value);
        Assert.Equal("expression", metadata.Element(ns + "license")?.Attribute("type")?.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
        var dependency = Assert.Single(metadata.Descendants(ns + "dependency"));
        Assert.Equal("MobileViT.Runtime", dependency.Attribute("id")?.Value);
        Assert.Equal(app.Version, dependency.Attribute("version")?.Value);

        var runtimeEntries = Entries(app.RuntimePackage);
        Assert.Contains("lib/net8.0/MobileViT.Runtime.dll", runtimeEntries);
        var runtimeMetadata = Nuspec(app.RuntimePackage);
        Assert.Equal("MobileViT.Runtime", runtimeMetadata.Element(runtimeMetadata.Name.Namespace + "id")?.Value);
        Assert.Equal("MIT", runtimeMetadata.Element(runtimeMetadata.Name.Namespace + "license")?.Value);
    }

    [Fact]
    public void AppBuildsWithoutWarnings()
    {
        output.WriteLine(app.Build.Describe(2000));
        // CS8032/CS8784/CS8785 would say the compiler could not load the generator or one of its dependencies.
        Assert.Empty(app.Build.Warnings);
        Assert.DoesNotContain("CS8785", app.Build.Output);
        Assert.DoesNotContain("CS8032", app.Build.Output);
    }

    [Fact]
    public void SourceTreeModeIsOffWhenThePropsComeFromThePackage()
    {
        var result = ProcessRunner.Dotnet(app.AppFolder, TimeSpan.FromMinutes(5), "msbuild", PackagedApp.AppName + ".csproj", "-getProperty:MobileViTCompilerFromSource");
        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Equal("", result.Output.Trim());
    }

    [Fact]
    public void AppOutputMatchesPyTorch()
    {
        var actual = app.RunJit("output.jit.bin");
        var expected = RepositoryPaths.ReadFloats(app.PyTorchOutputFile);
        double error = ErrorMetrics.RelativeL2(actual, expected);
        output.WriteLine($"package app (JIT) vs PyTorch: relative L2 {error:E2}");
        Assert.True(error <= Tolerance, $"relative L2 vs PyTorch {error:E3} > {Tolerance:E0}");
    }

    [Fact]
    public void AModelWithExternalDataGivesBitwiseTheSameOutputAsWithWeightsInside()
    {
        var inside = app.RunJit("output.inside.bin");
        var external = app.RunJit("output.external.bin", externalDataModel: true);
        Assert.Equal(inside, external);
        // The data file went into the assembly under the name the generated code loads, and nothing else did.
        var resources = ManifestResources(app.JitAssembly);
        output.WriteLine(string.Join(Environment.NewLine, resources));
        Assert.Equal(
            new[] { "MobileViT.Models.mobilevit_v1_xxs_opset17.onnx", "MobileViT.Models.xxs.onnx", "MobileViT.Models.xxs.onnx/xxs.onnx.data" },
            resources.Order(StringComparer.Ordinal));
    }

    internal static List<string> ManifestResources(string assembly)
    {
        using var pe = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(assembly));
        var metadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        return metadata.ManifestResources.Select(h => metadata.GetString(metadata.GetManifestResource(h).Name)).ToList();
    }

    [SkippableFact]
    public void NativeAotPublishHasNoWarningsAndMatchesTheJit()
    {
        Skip.If(Environment.GetEnvironmentVariable(SkipNativeAotVariable) == "1", $"{SkipNativeAotVariable}=1");
        if (!ProcessRunner.IsOnPath("clang"))
        {
            const string missing = "NativeAOT needs clang and zlib1g-dev (apt-get install -y clang zlib1g-dev); .ci/run installs them. Set " + SkipNativeAotVariable + "=1 to skip.";
            Assert.False(Environment.GetEnvironmentVariable("CI") is { Length: > 0 }, missing);
            Skip.If(true, missing);
        }

        string folder = Path.Combine(app.AppFolder, "native");
        var publish = ProcessRunner.Dotnet(app.AppFolder, TimeSpan.FromMinutes(15), "publish", "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "-o", folder);
        output.WriteLine($"NativeAOT publish: {publish.Elapsed.TotalSeconds:F0} s");
        Assert.True(publish.ExitCode == 0, publish.Describe());
        Assert.True(publish.Warnings.Count == 0, "NativeAOT publish warnings:" + Environment.NewLine + string.Join(Environment.NewLine, publish.Warnings));
        Assert.DoesNotContain(": warning", publish.Output);

        string binary = Path.Combine(folder, PackagedApp.AppName + (OperatingSystem.IsWindows() ? ".exe" : ""));
        long size = new FileInfo(binary).Length;
        output.WriteLine($"NativeAOT binary: {size:N0} bytes ({size / 1048576.0:F2} MiB), model weights included");
        var shipped = Directory.GetFiles(folder).Select(Path.GetFileName).Where(name => !name!.EndsWith(".dbg", StringComparison.Ordinal) && !name.EndsWith(".pdb", StringComparison.Ordinal)).ToList();
        Assert.Equal(new[] { Path.GetFileName(binary) }, shipped); // one file: no native library, no model file beside it

        string nativeOutput = Path.Combine(app.AppFolder, "output.native.bin");
        var run = ProcessRunner.Run(binary, app.AppFolder, TimeSpan.FromMinutes(5), null, app.InputFile, nativeOutput);
        Assert.True(run.ExitCode == 0, run.Describe());
        var native = RepositoryPaths.ReadFloats(nativeOutput);

        double vsPyTorch = ErrorMetrics.RelativeL2(native, RepositoryPaths.ReadFloats(app.PyTorchOutputFile));
        Assert.True(vsPyTorch <= Tolerance, $"NativeAOT vs PyTorch: relative L2 {vsPyTorch:E3} > {Tolerance:E0}");

        // NativeAOT compiles for the baseline x64 instruction set (no AVX), where the kernels take their Vector128 paths;
        // the JIT picks the widest vectors the machine has. Held to the same instruction set, both must agree.
        var sameInstructionSet = RuntimeInformation.ProcessArchitecture == Architecture.X64
            ? new Dictionary<string, string> { ["DOTNET_EnableAVX"] = "0" }
            : null;
        var jit = app.RunJit("output.jit-baseline.bin", sameInstructionSet);
        double vsJit = ErrorMetrics.RelativeL2(native, jit);
        bool bitwise = native.AsSpan().SequenceEqual(jit);
        double vsWidestJit = ErrorMetrics.RelativeL2(native, app.RunJit("output.jit.bin"));
        output.WriteLine($"NativeAOT vs PyTorch {vsPyTorch:E2}; vs JIT on the same instruction set: {(bitwise ? "bitwise identical" : $"relative L2 {vsJit:E2}")}; vs JIT on the widest vectors: {vsWidestJit:E2}");
        Assert.True(bitwise || vsJit <= NativeTolerance, $"NativeAOT vs JIT on the same instruction set: relative L2 {vsJit:E3} > {NativeTolerance:E0}");
    }

    private static List<string> Entries(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        return zip.Entries.Select(e => e.FullName).ToList();
    }

    private static XElement Nuspec(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspec.Open();
        var document = XDocument.Load(stream);
        return document.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }
}
