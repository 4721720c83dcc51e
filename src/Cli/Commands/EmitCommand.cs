using MobileViT.Compiler.Api;
using Microsoft.CodeAnalysis.CSharp;
using Spectre.Console;

namespace MobileViT.Cli.Commands;

/// <summary>mvc emit: writes the C# the source generator would add to a project for this model.</summary>
internal static class EmitCommand
{
    public static readonly IReadOnlyList<OptionSpec> Options = new[]
    {
        new OptionSpec("--output", "-o", "directory", "Where to write <ClassName>.g.cs (required)."),
        new OptionSpec("--class-name", null, "name", "Generated class name (the ModelName metadata); default: the file name made into an identifier."),
        new OptionSpec("--namespace", null, "name", "Namespace of the generated class (the Namespace metadata); default: the global namespace."),
        new OptionSpec("--input-shape", null, "shape", "Fix symbolic dimensions, e.g. 1x3x256x256 (the InputShape item metadata)."),
        new OptionSpec("--input-shapes", null, "shapes", "Several sizes, e.g. \"1x3x160x160;1x3x256x256\": one nested class per size (the InputShapes item metadata)."),
    };

    public static int Run(CommandLine arguments, IAnsiConsole console)
    {
        string directory = arguments.Required("--output");
        var model = ModelFile.Read(arguments.ModelPath, console);
        if (model == null) return Program.Failure;
        string className = arguments.Value("--class-name") ?? ClassNameFor(model.FileName);
        var options = model.Options(arguments.Value("--input-shape"), className, arguments.Value("--namespace") ?? "", arguments.Value("--input-shapes"));
        var result = console.Status().Start($"Compiling {model.FileName}", _ => ModelCompiler.Compile(model.Bytes, options));
        if (Diagnostics.Print(result.Diagnostics, console) || result.Source == null) return Program.Failure;

        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, className + ".g.cs");
        File.WriteAllText(path, result.Source);
        int lines = result.Source.Count(c => c == '\n');
        ConsoleText.Line(console, $"wrote {path} ({lines} lines)");
        ConsoleText.Line(console, $"it reads its weights from the manifest resource '{options.ResourceName}' and calls MobileViT.Runtime");
        return Program.Success;
    }

    /// <summary>As the generator derives a class name from the file name: "mobilevit-xs.onnx" → "mobilevit_xs".</summary>
    private static string ClassNameFor(string fileName)
    {
        var name = new string(Path.GetFileNameWithoutExtension(fileName).Select(c => SyntaxFacts.IsIdentifierPartCharacter(c) ? c : '_').ToArray());
        if (name.Length == 0 || !SyntaxFacts.IsIdentifierStartCharacter(name[0]) || SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None) name = "_" + name;
        return name;
    }
}
