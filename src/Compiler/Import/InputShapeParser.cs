using System.Collections.Generic;
using System.Globalization;

namespace MobileViT.Compiler.Import
{
    /// <summary>Parses item metadata such as InputShape="1x3x256x256" and InputShapes="1x3x160x160;1x3x256x256".</summary>
    public static class InputShapeParser
    {
        /// <summary>Null (and a reason) when the text is not positive integers separated by 'x'.</summary>
        public static int[]? Parse(string text, out string reason)
        {
            reason = "";
            var parts = text.Trim().Split('x', 'X', ',');
            var dims = new List<int>();
            foreach (var part in parts)
            {
                if (!int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int d) || d <= 0)
                {
                    reason = $"'{part.Trim()}' is not a positive integer";
                    return null;
                }
                dims.Add(d);
            }
            return dims.ToArray();
        }

        /// <summary>The nested class of one size in a multi-scale build: S256 for 1x3x256x256, S160x224, B2S256, or S followed by every dimension.</summary>
        public static string VariantName(int[] shape)
        {
            string Join(System.Collections.Generic.IEnumerable<int> dims) => string.Join("x", System.Linq.Enumerable.Select(dims, d => d.ToString(CultureInfo.InvariantCulture)));
            if (shape.Length != 4) return "S" + Join(shape);
            string spatial = shape[2] == shape[3] ? shape[2].ToString(CultureInfo.InvariantCulture) : Join(new[] { shape[2], shape[3] });
            return (shape[0] == 1 ? "" : "B" + shape[0].ToString(CultureInfo.InvariantCulture)) + "S" + spatial;
        }

        public static string[] SplitList(string text)
        {
            var items = new List<string>();
            foreach (var item in text.Split(';', '|')) // MSBuild hands ';'-separated metadata over as '|' (see the .targets)
                if (item.Trim().Length > 0) items.Add(item.Trim());
            return items.ToArray();
        }
    }
}
