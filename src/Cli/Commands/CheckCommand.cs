using System.Globalization;
using Spectre.Console;

namespace MobileViT.Cli.Commands;

/// <summary>mvc check: compile in process, run on the given inputs, compare every output with the expected one.</summary>
internal static class CheckCommand
{
    public const double DefaultTolerance = 1e-4;

    public static readonly IReadOnlyList<OptionSpec> Options = new[]
    {
        new OptionSpec("--input", "-i", "file.bin", "Input tensor, raw float32; once per model input, in order (required).", Repeatable: true),
        new OptionSpec("--expect", "-e", "file.bin", "Expected output, raw float32; once per model output, in order (required).", Repeatable: true),
        new OptionSpec("--tolerance", null, "number", "Largest relative L2 error that passes (default 1e-4)."),
        new OptionSpec("--input-shape", null, "shape", "Fix symbolic dimensions, e.g. 1x3x256x256 (the InputShape item metadata)."),
    };

    public static int Run(CommandLine arguments, IAnsiConsole console)
    {
        double tolerance = arguments.Number("--tolerance", DefaultTolerance);
        if (arguments.Values("--input").Count == 0) throw new UsageException("option --input is required");
        if (arguments.Values("--expect").Count == 0) throw new UsageException("option --expect is required");
        var file = ModelFile.Read(arguments.ModelPath, console);
        if (file == null) return Program.Failure;
        using var model = InProcessCompiler.Compile(file, arguments.Value("--input-shape"), console);
        if (model == null) return Program.Failure;

        var inputs = InProcessCompiler.ReadInputs(model, arguments.Values("--input"), "--input");
        var expectedPaths = arguments.Values("--expect");
        if (expectedPaths.Count != model.Outputs.Count)
            throw new UsageException($"the model has {model.Outputs.Count} output(s) ({string.Join(", ", model.Outputs)}); give --expect once for each, got {expectedPaths.Count}");
        var expected = model.Outputs.Select((output, i) => TensorFile.Read(expectedPaths[i], output.Length, $"expected output '{output.Name}'")).ToArray();

        var actual = console.Status().Start("Running", _ => model.Run(inputs));

        var table = new Table().Border(TableBorder.Rounded).Title($"{file.FileName} against the expected outputs");
        table.AddColumn("output");
        table.AddColumn("shape");
        table.AddColumn(new TableColumn("relative L2").RightAligned());
        table.AddColumn(new TableColumn("max abs error").RightAligned());
        table.AddColumn("result");
        bool passed = true;
        for (int i = 0; i < actual.Length; i++)
        {
            var error = ErrorMetrics.Compare(actual[i], expected[i]);
            bool ok = error.RelativeL2 <= tolerance;
            passed &= ok;
            table.AddRow(
                new Text(model.Outputs[i].Name),
                new Text(Quantities.Shape(model.Outputs[i].Shape)),
                new Text(Quantities.Scientific(error.RelativeL2)),
                new Text(Quantities.Scientific(error.MaxAbsolute)),
                new Markup(ok ? "[green]pass[/]" : "[red]FAIL[/]"));
        }
        console.Write(table);
        string limit = tolerance.ToString("0.##E+00", CultureInfo.InvariantCulture);
        ConsoleText.Line(console, passed
            ? $"passed: every output within relative L2 {limit}"
            : $"failed: an output is off by more than relative L2 {limit}", passed ? "green" : "red");
        return passed ? Program.Success : Program.Failure;
    }
}
