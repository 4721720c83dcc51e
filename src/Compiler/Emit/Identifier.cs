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
            var identifier = builder.ToString();
            return Keywords.Contains(identifier) ? identifier + "_" : identifier;
        }

        private static readonly System.Collections.Generic.HashSet<string> Keywords = new System.Collections.Generic.HashSet<string>
        {
            "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
            "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
            "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
            "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
            "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
            "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
            "using", "virtual", "void", "volatile", "while",
        };
    }
}
