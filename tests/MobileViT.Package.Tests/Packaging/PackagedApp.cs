using Xunit;
using System.Globalization;

namespace MobileViT.Package.Tests.Packaging;

/// <summary>
/// Packs MobileViT.Compiler (and its dependency MobileViT.Runtime) into artifacts/packages under a version no earlier
/// run used, then writes a console app into a temporary folder that references only that package, with the committed
/// MobileViT-XXS model as an AdditionalFiles item, and builds it. Shared by the tests of <see cref="PackageTests"/>.
/// The pack builds into artifacts/package-tests/build, apart from the solution's own bin and obj folders that other
/// test projects may be using at the same time.
/// </summary>
public sealed class PackagedApp : IDisposable
{
    public const string ModelFile = "mobilevit_v1_xxs_opset17.onnx";
    public const string ClassName = "MobileViTXXS";

    /// <summary>The same model saved with its weights in external/xxs.onnx.data (onnx's save_as_external_data).</summary>
    public const string ExternalDataModelFile = "external/xxs.onnx";
    public const string ExternalDataClassName = "MobileViTXXSExternal";
    public const string AppName = "PackageConsumer";

    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(10);

    public PackagedApp()
    {
        try
        {
            PackAndBuild();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private void PackAndBuild()
    {
        // A fresh version each run: NuGet caches a package by id and version, so reusing one could test a stale build.
        Version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        PackageFolder = Path.Combine(RepositoryPaths.Root, "artifacts", "packages");
        Directory.CreateDirectory(PackageFolder);
        foreach (var stale in Directory.GetFiles(PackageFolder, "MobileViT.*.0.1.0-test.*.nupkg")) File.Delete(stale);

        Pack = ProcessRunner.Dotnet(RepositoryPaths.Root, StepTimeout,
            "pack", Path.Combine("src", "Package", "MobileViT.Compiler.Package.csproj"), "-c", "Release",
            "-o", PackageFolder, "--artifacts-path", Path.Combine(RepositoryPaths.Root, "artifacts", "package-tests", "build"),
            "-p:PackageVersion=" + Version);
        if (Pack.ExitCode != 0) throw new InvalidOperationException("Packing failed: " + Pack.Describe());

        AppFolder = Path.Combine(Path.GetTempPath(), "mobilevit-package-test-" + Guid.NewGuid().ToString("N").Substring(0, 12));
        Directory.CreateDirectory(AppFolder);
        WriteApp();
        Build = ProcessRunner.Dotnet(AppFolder, StepTimeout, "build", "-c", "Release");
        if (Build.ExitCode != 0) throw new InvalidOperationException("Building the app that uses the package failed: " + Build.Describe());
    }

    /// <summary>The package version this run packed and the app references.</summary>
    public string Version { get; private set; } = "";

    public string PackageFolder { get; private set; } = "";

    public string AppFolder { get; private set; } = "";

    public ProcessResult Pack { get; private set; } = null!;

    public ProcessResult Build { get; private set; } = null!;

    public string CompilerPackage => Path.Combine(PackageFolder, $"MobileViT.Compiler.{Version}.nupkg");

    public string RuntimePackage => Path.Combine(PackageFolder, $"MobileViT.Runtime.{Version}.nupkg");

    public string JitAssembly => Path.Combine(AppFolder, "bin", "Release", "net10.0", AppName + ".dll");

    public string InputFile => RepositoryPaths.Model("mobilevit_v1_xxs.input.bin");

    public string PyTorchOutputFile => RepositoryPaths.Model("mobilevit_v1_xxs.output.bin");

    /// <summary>Runs the JIT build on the stored input; returns the output tensor.</summary>
    public float[] RunJit(string outputName, IReadOnlyDictionary<string, string>? environment = null, bool externalDataModel = false)
    {
        string outputFile = Path.Combine(AppFolder, outputName);
        var arguments = new List<string> { JitAssembly, InputFile, outputFile };
        if (externalDataModel) arguments.Add("external");
        var run = ProcessRunner.Run("dotnet", AppFolder, StepTimeout, environment, arguments.ToArray());
        if (run.ExitCode != 0) throw new InvalidOperationException("The app failed: " + run.Describe());
        return RepositoryPaths.ReadFloats(outputFile);
    }

    private void WriteApp()
    {
        File.Copy(RepositoryPaths.Model(ModelFile), Path.Combine(AppFolder, ModelFile));
        var external = MobileViT.Tooling.ModelRewriter.ToExternalData(File.ReadAllBytes(RepositoryPaths.Model(ModelFile)), "xxs.onnx.data", 1024, out var data, alignment: 4096);
        Directory.CreateDirectory(Path.Combine(AppFolder, "external"));
        File.WriteAllBytes(Path.Combine(AppFolder, ExternalDataModelFile), external);
        File.WriteAllBytes(Path.Combine(AppFolder, "external", "xxs.onnx.data"), data["xxs.onnx.data"]);
        WriteProject(AppFolder, AppName, $"""
                <AdditionalFiles Include="{ModelFile}" ModelName="{ClassName}" />
                <AdditionalFiles Include="{ExternalDataModelFile}" ModelName="{ExternalDataClassName}" />
            """);

        File.WriteAllText(Path.Combine(AppFolder, "Program.cs"), $$"""
            using System;
            using System.IO;
            using System.Runtime.InteropServices;
            using {{AppName}};

            // {{AppName}} input.bin output.bin [external]: runs the compiled model on raw float32 input and writes the raw
            // output; with "external", the copy of the model that keeps its weights in a separate file.
            var input = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(args[0])).ToArray();
            var output = new float[{{ClassName}}.OutputLength];
            if (args.Length > 2 && args[2] == "external") {{ExternalDataClassName}}.Run(input, output);
            else {{ClassName}}.Run(input, output);
            File.WriteAllBytes(args[1], MemoryMarshal.AsBytes(output.AsSpan()).ToArray());
            Console.WriteLine($"{{ClassName}}: {{{ClassName}}.InputLength} floats in, {{{ClassName}}.OutputLength} floats out, {{{ClassName}}.ScratchLength} floats of scratch");
            """);
    }

    /// <summary>
    /// Writes a console project named <paramref name="name"/> into <paramref name="folder"/> that references only this
    /// run's package, with <paramref name="items"/> (AdditionalFiles elements) in its ItemGroup.
    /// </summary>
    public void WriteProject(string folder, string name, string items)
    {
        // Empty Directory.Build files stop MSBuild from picking up any found above the temporary folder.
        File.WriteAllText(Path.Combine(folder, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(folder, "Directory.Build.targets"), "<Project />\n");
        // The local folder beside the machine's usual sources, as a user trying a local build of the package would.
        File.WriteAllText(Path.Combine(folder, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="mobilevit-local" value="{PackageFolder}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(folder, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <RootNamespace>{name}</RootNamespace>
                <PublishAot>true</PublishAot>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="MobileViT.Compiler" Version="{Version}" />
            {items}
              </ItemGroup>
            </Project>
            """);
    }

    public void Dispose()
    {
        try
        {
            if (AppFolder.Length > 0 && Directory.Exists(AppFolder)) Directory.Delete(AppFolder, recursive: true);
            // This run's version will never be used again: keep the NuGet cache from growing by one copy per run.
            string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            if (Version.Length == 0) return;
            foreach (var id in new[] { "mobilevit.compiler", "mobilevit.runtime" })
            {
                var cached = Path.Combine(cache, id, Version.ToLowerInvariant());
                if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
                var idFolder = Path.Combine(cache, id);
                if (Directory.Exists(idFolder) && !Directory.EnumerateFileSystemEntries(idFolder).Any()) Directory.Delete(idFolder);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover temporary folder is harmless.
        }
    }
}

/// <summary>One pack and one app for every test class that needs them (each pack deletes the previous run's packages).</summary>
[CollectionDefinition(Name)]
public sealed class PackagedAppCollection : ICollectionFixture<PackagedApp>
{
    public const string Name = "Packaged app";
}
