using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace MobileViT.Compiler.Emit
{
    /// <summary>Culture-invariant C# literals.</summary>
    public static class CSharpLiteral
    {
        public static string Float(float value)
        {
            if (float.IsNaN(value)) return "float.NaN";
            if (float.IsPositiveInfinity(value)) return "float.PositiveInfinity";
            if (float.IsNegativeInfinity(value)) return "float.NegativeInfinity";
            var text = value.ToString("R", CultureInfo.InvariantCulture);
            return text + "f";
        }

        public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

        public static string IntList(IEnumerable<int> values) => string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));

        public static string String(string value)
        {
            var builder = new System.Text.StringBuilder("\"");
            foreach (var c in value)
            {
                switch (c)
                {
                    case '\\': builder.Append("\\\\"); break;
                    case '"': builder.Append("\\\""); break;
                    case '\n': builder.Append("\\n"); break;
                    case '\r': builder.Append("\\r"); break;
                    case '\t': builder.Append("\\t"); break;
                    default:
                        if (c < 32 || c > 126) builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else builder.Append(c);
                        break;
                }
            }
            return builder.Append('"').ToString();
        }

        /// <summary>Text safe inside a // comment (node names come from the model file).</summary>
        public static string Comment(string value)
        {
            var builder = new System.Text.StringBuilder();
            foreach (var c in value) builder.Append(c < 32 || c == '\u2028' || c == '\u2029' ? '?' : c);
            return builder.ToString();
        }
    }
}
