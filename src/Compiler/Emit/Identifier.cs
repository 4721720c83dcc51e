using System.Text;

namespace MobileViT.Compiler.Emit
{
    /// <summary>C# identifiers from ONNX tensor names and file names.</summary>
    public static class Identifier
    {
        public static string FromName(string name, bool lowerFirst)
        {
            var builder = new StringBuilder();
            bool upperNext = !lowerFirst;
            foreach (var c in name)
            {
                if (char.IsLetterOrDigit(c) && c < 128)
                {
                    builder.Append(upperNext ? char.ToUpperInvariant(c) : c);
                    upperNext = false;
                }
                else upperNext = builder.Length > 0;
            }
            if (builder.Length == 0) builder.Append(lowerFirst ? "value" : "Value");
            if (char.IsDigit(builder[0])) builder.Insert(0, lowerFirst ? "t" : "T");
            if (lowerFirst) builder[0] = char.ToLowerInvariant(builder[0]);
            return builder.ToString();
        }
    }
}
