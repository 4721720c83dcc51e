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
            "Operators of the default ONNX domain (`ai.onnx`) at opsets {0} to {1}. Run-time tensors are float32; integer and\n" +
            "bool tensors are supported where they fold to compile-time constants (shape arithmetic). Any other operator,\n" +
            "domain or opset is reported as an error when the model is compiled (MVC0003, MVC0004).\n\n",
            GraphImporter.MinOpset, GraphImporter.MaxOpset));
        text.Append("| Operator | Notes |\n");
        text.Append("| --- | --- |\n");
        foreach (var op in OperatorRegistry.All)
            text.Append("| ").Append(op.OpType).Append(" | ").Append(Escape(op.Notes)).Append(" |\n");
        text.Append('\n').Append(OperatorRegistry.All.Count().ToString(CultureInfo.InvariantCulture)).Append(" operators.\n");
        return text.ToString();
    }

    private static string Escape(string notes) => notes.Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ");
}
