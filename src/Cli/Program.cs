using MobileViT.Cli.Commands;
using Spectre.Console;

namespace MobileViT.Cli;

/// <summary>
/// mvc: the command line of MobileViT.Compiler. Exit codes: 0 success; 1 a compiler error (printed as the build would
/// print it, "error MVC0004: ..."), a failed check or a failed run; 2 a usage error.
/// </summary>
public static class Program
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    public static int Main(string[] args) => Run(args, Terminal.ForConsole());

    /// <summary>Runs mvc in this process with everything it prints going to <paramref name="output"/>, without colors or animation.</summary>
    public static int Run(string[] args, TextWriter output) => Run(args, Terminal.ForWriter(output));

    private static int Run(string[] args, IAnsiConsole console)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Usage.Write(console);
            return args.Length == 0 ? UsageError : Success;
        }
        if (args[0] is "--version")
        {
            console.WriteLine(Compiler.Api.ModelCompiler.ToolName + " " + Compiler.Api.ModelCompiler.ToolVersion);
            return Success;
        }
        try
        {
            var arguments = args.Skip(1).ToArray();
            switch (args[0])
            {
                case "inspect": return InspectCommand.Run(CommandLine.Parse(arguments, InspectCommand.Options), console);
                case "emit": return EmitCommand.Run(CommandLine.Parse(arguments, EmitCommand.Options), console);
                case "check": return CheckCommand.Run(CommandLine.Parse(arguments, CheckCommand.Options), console);
                case "bench": return BenchCommand.Run(CommandLine.Parse(arguments, BenchCommand.Options), console);
                case "profile": return ProfileCommand.Run(CommandLine.Parse(arguments, ProfileCommand.Options), console);
                default: throw new UsageException($"unknown command '{args[0]}'");
            }
        }
        catch (UsageException ex)
        {
            ConsoleText.Line(console, "mvc: " + ex.Message, "red");
            ConsoleText.Line(console, "Run 'mvc --help' for the commands and their options.");
            return UsageError;
        }
    }
}
