using MobileViT.Cli.Commands;
using Spectre.Console;

namespace MobileViT.Cli;

internal static class Usage
{
    public static void Write(IAnsiConsole console)
    {
        console.WriteLine("mvc - MobileViT.Compiler on the command line");
        console.WriteLine();
        console.WriteLine("Usage: mvc <command> <model.onnx> [options]");
        console.WriteLine();
        Command(console, "inspect", "Print the compiled steps (fused operation, shapes, MACs, weights), the arena and the peak live memory.", InspectCommand.Options);
        Command(console, "emit", "Write the C# the source generator would generate for the model.", EmitCommand.Options);
        Command(console, "check", "Compile in process, run on raw float32 inputs and compare with expected outputs (exit 1 when off).", CheckCommand.Options);
        Command(console, "bench", "Time the compiled model against ONNX Runtime, same thread count, in this process.", BenchCommand.Options);
        Command(console, "profile", "Time every step of the compiled model and every node of ONNX Runtime (its profiler), alternating in this process.", ProfileCommand.Options);
        console.WriteLine("Tensor files (.bin) are raw little-endian float32, row-major, without a header.");
        console.WriteLine("Exit codes: 0 success, 1 compiler error or failed check, 2 usage error.");
    }

    private static void Command(IAnsiConsole console, string name, string summary, IReadOnlyList<OptionSpec> options)
    {
        console.WriteLine($"  {name,-8} {summary}");
        foreach (var option in options)
        {
            string names = (option.ShortName != null ? option.ShortName + ", " : "") + option.Name + " <" + option.ValueName + ">";
            console.WriteLine($"           {names,-32} {option.Help}");
        }
        console.WriteLine();
    }
}
