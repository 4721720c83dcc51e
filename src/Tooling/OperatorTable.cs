using System.Globalization;
using System.Linq;
using System.Text;
using MobileViT.Compiler.Import;
using MobileViT.Compiler.Ops;

namespace MobileViT.Tooling;

/// <summary>Writes docs/operators.md from the operator registry, so the document cannot drift from the code.</summary>
public static class OperatorTable
{
    public static string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("# Supported operators\n\n");
        text.Append("<!-- Generated from MobileViT.Compiler.Ops.OperatorRegistry by MobileViT.Tooling.OperatorTable. Do not edit:\n");
        text.Append("     run the conformance tests with MVC_UPDATE_DOCS=1 to rewrite this file. -->\n\n");
        text.Append(string.Format(CultureInfo.InvariantCulture,
            "Operators of the default ONNX domain (`ai.onnx`) at opsets 11 to {1}, and in models of opsets {0} to 10 from the\n" +
            "opset the second column gives (the oldest whose behaviour the operator implements; 11 also stands for operators\n" +
            "the standard defines only later, such as Einsum at 12 or Attention at 23). Run-time tensors are float32;\n" +
            "integer and bool tensors are supported where they fold to compile-time constants (shape arithmetic). Any other\n" +
            "operator, domain or opset is reported as an error when the model is compiled (MVC0003, MVC0004).\n\n",
            GraphImporter.MinOpset, GraphImporter.MaxOpset));
        text.Append("| Operator | From opset | Notes |\n");
        text.Append("| --- | ---: | --- |\n");
        foreach (var op in OperatorRegistry.All)
            text.Append("| ").Append(op.OpType).Append(" | ")
                .Append(System.Math.Max(GraphImporter.MinOpset, OpsetHistory.OldestOpset(op.OpType)).ToString(CultureInfo.InvariantCulture))
                .Append(" | ").Append(Escape(op.Notes)).Append(" |\n");
        text.Append('\n').Append(OperatorRegistry.All.Count().ToString(CultureInfo.InvariantCulture)).Append(" operators.\n");
        return text.ToString();
    }

    private static string Escape(string notes) => notes.Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ");
}
