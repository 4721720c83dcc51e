using MobileViT.Compiler.Api;
using Spectre.Console;

namespace MobileViT.Cli.Commands;

/// <summary>mvc inspect: the graph after the passes, one row per step, then the memory plan.</summary>
internal static class InspectCommand
{
    public static readonly IReadOnlyList<OptionSpec> Options = new[]
    {
        new OptionSpec("--input-shape", null, "shape", "Fix symbolic dimensions, e.g. 1x3x256x256 (the InputShape item metadata)."),
    };

    public static int Run(CommandLine arguments, IAnsiConsole console)
    {
        var model = ModelFile.Read(arguments.ModelPath, console);
        if (model == null) return Program.Failure;
        var inspection = console.Status().Start($"Compiling {model.FileName}", _ =>
            ModelInspector.Inspect(model.Bytes, model.Options(arguments.Value("--input-shape"), "Model", "")));
        if (Diagnostics.Print(inspection.Diagnostics, console) || inspection.Model == null) return Program.Failure;
        var summary = inspection.Model;

        console.WriteLine($"{summary.ModelFileName} (ONNX opset {summary.Opset})");
        foreach (var input in summary.Inputs) console.WriteLine($"  input  '{input.Name}' {Quantities.Shape(input.Shape)}");
        foreach (var output in summary.Outputs) console.WriteLine($"  output '{output.Name}' {Quantities.Shape(output.Shape)}");
        console.WriteLine();
        console.Write(StepTable(summary));
        console.WriteLine();
        console.Write(TotalsTable(summary));
        return Program.Success;
    }

    private static Table StepTable(ModelSummary summary)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("Steps after the passes");
        table.AddColumn(new TableColumn("#").RightAligned());
        table.AddColumn("ONNX nodes");
        table.AddColumn("operation");
        table.AddColumn("inputs");
        table.AddColumn("outputs");
        table.AddColumn(new TableColumn("MACs").RightAligned());
        table.AddColumn(new TableColumn("weights").RightAligned());
        foreach (var step in summary.Steps)
        {
            string operation = step.IsView ? step.Operation + " (view, no code)" : step.Operation;
            table.AddRow(
                new Text(step.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Text(step.NodeNames),
                new Text(operation),
                new Text(Quantities.Shapes(step.InputShapes)),
                new Text(Quantities.Shapes(step.OutputShapes)),
                new Text(Quantities.Count(step.MultiplyAccumulates)),
                new Text(Quantities.Bytes(step.WeightBytes)));
        }
        return table;
    }

    private static Table TotalsTable(ModelSummary summary)
    {
        int views = summary.Steps.Count(s => s.IsView);
        var table = new Table().Border(TableBorder.Rounded).Title("Totals");
        table.AddColumn("");
        table.AddColumn(new TableColumn("value").RightAligned());
        table.AddColumn("exact");
        table.AddRow("steps", summary.Steps.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{summary.Steps.Count - views} run code, {views} are views of their input");
        table.AddRow("multiply-accumulates", Quantities.Count(summary.TotalMultiplyAccumulates), Quantities.Exact(summary.TotalMultiplyAccumulates) + " (convolutions and matrix products)");
        table.AddRow("weights", Quantities.Bytes(summary.TotalWeightBytes), Quantities.Exact(summary.TotalWeightBytes) + " bytes of float32 constants");
        table.AddRow("arena", Quantities.Bytes(summary.ArenaBytes), Quantities.Exact(summary.ArenaBytes) + " bytes (ScratchLength " + Quantities.Exact(summary.ArenaBytes / 4) + " floats)");
        table.AddRow("peak live", Quantities.Bytes(summary.PeakLiveBytes), Quantities.Exact(summary.PeakLiveBytes) + " bytes of tensors live at once, input and output included");
        return table;
    }
}
