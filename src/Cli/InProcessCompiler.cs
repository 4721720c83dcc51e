using MobileViT.Compiler.Diagnostics;
using MobileViT.Tooling;
using Spectre.Console;

namespace MobileViT.Cli;

/// <summary>Compiles a model in this process (model compiler + Roslyn + a collectible load context) for check, bench and profile.</summary>
internal static class InProcessCompiler
{
    /// <summary>The loaded model, or null after printing the compiler's errors.</summary>
    public static InProcessModel? Compile(ModelFile model, string? inputShape, IAnsiConsole console, bool timeSteps = false)
    {
        var options = model.Options(inputShape, InProcessModel.DefaultClassName, InProcessModel.DefaultNamespace);
        InProcessCompilation compilation;
        try
        {
            compilation = console.Status().Start($"Compiling {model.FileName} and the generated C#", _ => InProcessModel.Compile(model.Bytes, options, timeSteps));
        }
        catch (GeneratedCodeException ex)
        {
            // Roslyn rejected generated code: a compiler bug, reported as the generator reports its own failures.
            Diagnostics.Print(new[] { DiagnosticCatalog.InternalError.Create(model.FileName, ex.Message) }, console);
            return null;
        }
        if (Diagnostics.Print(compilation.Diagnostics, console) || compilation.Model == null) return null;
        return compilation.Model;
    }

    /// <summary>One file per model input, in the model's order; exactly as many as it has inputs.</summary>
    public static float[][] ReadInputs(InProcessModel model, IReadOnlyList<string> paths, string option)
    {
        if (paths.Count != model.Inputs.Count)
            throw new UsageException($"the model has {model.Inputs.Count} input(s) ({string.Join(", ", model.Inputs)}); give {option} once for each, got {paths.Count}");
        return model.Inputs.Select((input, i) => TensorFile.Read(paths[i], input.Length, $"input '{input.Name}'")).ToArray();
    }
}
