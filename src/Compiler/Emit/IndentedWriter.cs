using System.Text;

namespace MobileViT.Compiler.Emit
{
    /// <summary>A StringBuilder that indents by four spaces per level and always writes '\n' line ends.</summary>
    public sealed class IndentedWriter
    {
        private readonly StringBuilder _text = new StringBuilder();
        private int _indent;

        public void Line(string line = "")
        {
            if (line.Length > 0) _text.Append(' ', _indent * 4).Append(line);
            _text.Append('\n');
        }

        public void Open(string line)
        {
            if (line.Length > 0) Line(line);
            Line("{");
            _indent++;
        }

        public void Close(string suffix = "")
        {
            _indent--;
            Line("}" + suffix);
        }

        public void Indent() => _indent++;

        public void Outdent() => _indent--;

        public override string ToString() => _text.ToString();
    }
}
