using Spectre.Console;

namespace MobileViT.Cli;

/// <summary>
/// Plain lines that must stay whole: Spectre wraps text at the console width, which would split a diagnostic that
/// tools and people search for ("error MVC0002: ...") across lines when the output is redirected.
/// </summary>
internal static class ConsoleText
{
    public static void Line(IAnsiConsole console, string text, string? color = null)
    {
        if (color != null && console.Profile.Capabilities.Ansi)
            console.MarkupLine($"[{color}]{Markup.Escape(text)}[/]");
        else
            console.Profile.Out.Writer.WriteLine(text);
    }
}
