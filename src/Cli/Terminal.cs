using Spectre.Console;

namespace MobileViT.Cli;

/// <summary>The Spectre.Console consoles mvc writes to.</summary>
internal static class Terminal
{
    /// <summary>Width used when the output is not a terminal, so tables of long node names are not squeezed to 80 columns.</summary>
    private const int RedirectedWidth = 200;

    /// <summary>The process's console: colors and live progress when it is a terminal, plain text when redirected.</summary>
    public static IAnsiConsole ForConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings());
        if (Console.IsOutputRedirected) console.Profile.Width = RedirectedWidth;
        return console;
    }

    /// <summary>Plain text into <paramref name="writer"/>: no ANSI codes, no animation.</summary>
    public static IAnsiConsole ForWriter(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = RedirectedWidth;
        return console;
    }
}
