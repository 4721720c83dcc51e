using MobileViT.Compiler.Api;
using MobileViT.Compiler.Diagnostics;
using Spectre.Console;

namespace MobileViT.Cli;

/// <summary>The .onnx file a command works on, and the compile options the generator would use for it.</summary>
internal sealed class ModelFile
{
    /// <summary>Prefix of the manifest resource the MSBuild targets embed a model as (build/MobileViT.Compiler.targets).</summary>
    public const string ResourcePrefix = "MobileViT.Models.";

    private ModelFile(string path, byte[] bytes)
    {
        Path = path;
        Bytes = bytes;
    }

    public string Path { get; }

    public string FileName => System.IO.Path.GetFileName(Path);

    public byte[] Bytes { get; }

    /// <summary>Reads the file; on failure prints MVC0012, as the generator reports an unreadable AdditionalFiles item, and returns null.</summary>
    public static ModelFile? Read(string path, IAnsiConsole console)
    {
        try
        {
            return new ModelFile(path, File.ReadAllBytes(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            Diagnostics.Print(new[] { DiagnosticCatalog.ModelFileUnreadable.Create(System.IO.Path.GetFileName(path), ex.Message.TrimEnd('.')) }, console);
            return null;
        }
    }

    public CompileOptions Options(string? inputShape, string className, string namespaceName, string? inputShapes = null) => new()
    {
        ModelFileName = FileName,
        ModelDirectory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path)),
        ClassName = className,
        Namespace = namespaceName,
        ResourceName = ResourcePrefix + FileName,
        InputShape = inputShape,
        InputShapes = inputShapes,
    };
}
