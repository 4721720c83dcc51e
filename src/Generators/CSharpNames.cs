using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace MobileViT.Generators
{
    /// <summary>Checks and derives the C# names the generated code is declared with.</summary>
    internal static class CSharpNames
    {
        /// <summary>
        /// Turns a file name such as "mobilevit-xs.v2" into a usable class name ("mobilevit_xs_v2"):
        /// characters C# does not allow become '_', and a name that starts with a digit or is a keyword gets a leading '_'.
        /// </summary>
        public static string ToIdentifier(string name)
        {
            var builder = new StringBuilder(name.Length + 1);
            foreach (char c in name)
                builder.Append(SyntaxFacts.IsIdentifierPartCharacter(c) ? c : '_');

            if (builder.Length == 0 || !SyntaxFacts.IsIdentifierStartCharacter(builder[0]) || IsKeyword(builder.ToString()))
                builder.Insert(0, '_');
            return builder.ToString();
        }

        /// <summary>True when <paramref name="name"/> can be used as a class name as it is; otherwise says why not.</summary>
        public static bool IsIdentifier(string name, out string reason)
        {
            if (!SyntaxFacts.IsValidIdentifier(name))
            {
                reason = "it must be a C# identifier (letters, digits and '_', not starting with a digit)";
                return false;
            }
            if (IsKeyword(name))
            {
                reason = "'" + name + "' is a C# keyword";
                return false;
            }
            reason = "";
            return true;
        }

        /// <summary>True when <paramref name="name"/> is a dotted C# namespace name such as "My.App.Models".</summary>
        public static bool IsNamespace(string name, out string reason)
        {
            foreach (string part in name.Split('.'))
            {
                if (!IsIdentifier(part, out _))
                {
                    reason = part.Length == 0
                        ? "it must be C# identifiers separated by single dots"
                        : "each dot-separated part must be a C# identifier and not a keyword; '" + part + "' is not";
                    return false;
                }
            }
            reason = "";
            return true;
        }

        private static bool IsKeyword(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None;
    }
}
