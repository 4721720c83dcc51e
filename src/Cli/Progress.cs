using Spectre.Console;

namespace MobileViT.Cli;

/// <summary>Long work in steps: a live progress bar on a terminal, one line when the output is redirected.</summary>
internal static class Progress
{
    /// <summary>Calls <paramref name="step"/> with 0, 1, … <paramref name="steps"/> − 1.</summary>
    public static void Run(IAnsiConsole console, string description, int steps, Action<int> step)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            ConsoleText.Line(console, description);
            for (int i = 0; i < steps; i++) step(i);
            return;
        }
        console.Progress().Start(context =>
        {
            var task = context.AddTask(Markup.Escape(description), maxValue: steps);
            for (int i = 0; i < steps; i++)
            {
                step(i);
                task.Increment(1);
            }
        });
    }
}
