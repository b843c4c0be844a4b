using System.Text;

namespace DiffGen.Generator.IR
{
    /// <summary>
    /// The indentation-aware line writer every generated source goes through, C# and CUDA C alike (four spaces per level,
    /// '\n' line ends, so generated code is byte-for-byte the same on every machine).
    /// </summary>
    internal class CodeWriter
    {
        private readonly StringBuilder _sb = new();

        /// <summary>The current nesting depth.</summary>
        protected int Indent { get; set; }

        public void Line(string text = "")
        {
            if (text.Length > 0) _sb.Append(' ', Indent * 4).Append(text);
            _sb.Append('\n');
        }

        /// <summary>A header line, then <c>{</c> and one level deeper.</summary>
        public void Open(string header)
        {
            Line(header);
            OpenBlock();
        }

        /// <summary>A bare block: <c>{</c> on its own line.</summary>
        public void OpenBlock()
        {
            Line("{");
            Indent++;
        }

        public void Close(string suffix = "")
        {
            Indent--;
            Line("}" + suffix);
        }

        /// <summary>Another writer's lines, as written (they carry their own indentation).</summary>
        public void Append(CodeWriter lines) => _sb.Append(lines._sb);

        public override string ToString() => _sb.ToString();
    }
}
