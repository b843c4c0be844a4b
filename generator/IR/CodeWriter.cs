using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;

namespace DiffGen.Generator.IR
{
    /// <summary>
    /// The indentation-aware line writer every generated source goes through, C# and CUDA C alike (four spaces per level,
    /// '\n' line ends, so generated code is byte-for-byte the same on every machine).
    /// </summary>
    /// <remarks>
    /// A block that ends up holding one plain statement (an assignment or call, not a declaration, not a nested
    /// <c>if</c>/<c>for</c>) loses its braces: <c>for (...)</c>, <c>if (...)</c>, <c>else</c> and <c>while (...)</c> headers
    /// take the statement on the next line, indented; a bare scope block <c>{ x = y; }</c> becomes the statement alone.
    /// Blocks after any other header (<c>try</c>, <c>finally</c>, <c>do</c>, a method) keep them. A block holding an
    /// <c>if</c> with its body is two lines and keeps its braces, so an <c>else</c> never changes owner.
    /// </remarks>
    internal class CodeWriter
    {
        private readonly StringBuilder _sb = new();

        private enum BlockKind { Keep, Header, Scope }

        /// <summary>Open blocks: where the <c>{</c> line starts, where the content starts, the depth inside, the kind.</summary>
        private readonly Stack<(int Brace, int Content, int Depth, BlockKind Kind)> _blocks = new();

        private static readonly Regex s_elidableHeader = new(@"^(for|foreach|while|if)\s*\(|^else\b", RegexOptions.CultureInvariant);

        /// <summary>A declaration (<c>double x = ...;</c>, <c>var t = ...;</c>, <c>int* p;</c>) or a <c>return</c>: keeps its block.</summary>
        private static readonly Regex s_declaration = new(@"^(const\s+)?[A-Za-z_][\w\.:<>\[\],\?]*\*?\s+\*?[A-Za-z_]\w*\s*(=|;|,|\[)", RegexOptions.CultureInvariant);

        private static readonly Regex s_keyword = new(@"^(if|for|foreach|while|else|do|switch|try|case|default|using|fixed|lock)\b", RegexOptions.CultureInvariant);

        /// <summary>The current nesting depth.</summary>
        protected int Indent { get; set; }

        public void Line(string text = "")
        {
            if (text.Length > 0) _sb.Append(' ', Indent * 4).Append(text);
            _sb.Append('\n');
        }

        /// <summary>
        /// Items joined into lines of about 120 characters, each line <paramref name="prefix"/> + items separated by
        /// <paramref name="separator"/> + <paramref name="suffix"/> (boilerplate such as hoisted declarations or a kernel's
        /// argument unpacking, several to a line).
        /// </summary>
        public void Wrapped(IEnumerable<string> items, string separator, string prefix = "", string suffix = "")
        {
            var line = new StringBuilder();
            foreach (var item in items)
            {
                if (line.Length > 0 && line.Length + item.Length > 120)
                {
                    Line(line.Append(suffix).ToString());
                    line.Clear();
                }
                line.Append(line.Length == 0 ? prefix : separator).Append(item);
            }
            if (line.Length > 0) Line(line.Append(suffix).ToString());
        }

        /// <summary>A header line, then <c>{</c> and one level deeper.</summary>
        public void Open(string header)
        {
            Line(header);
            Push(s_elidableHeader.IsMatch(header) ? BlockKind.Header : BlockKind.Keep);
        }

        /// <summary>A bare block: <c>{</c> on its own line.</summary>
        public void OpenBlock()
        {
            // after a statement, a comment or another brace it is a scope; after a for/if/else/while header line written
            // on its own, that header's body; after anything else (try, do, a signature) it keeps its braces
            var previous = LastLine();
            var kind = previous.Length == 0 || previous.EndsWith(";") || previous.EndsWith("{") || previous.EndsWith("}") || previous.StartsWith("//")
                ? BlockKind.Scope
                : s_elidableHeader.IsMatch(previous) ? BlockKind.Header : BlockKind.Keep;
            Push(kind);
        }

        private void Push(BlockKind kind)
        {
            int brace = _sb.Length;
            Line("{");
            Indent++;
            _blocks.Push((brace, _sb.Length, Indent, kind));
        }

        public void Close(string suffix = "")
        {
            if (_blocks.Count > 0 && _blocks.Peek().Depth == Indent)
            {
                var b = _blocks.Pop();
                // a block whose only content is a scope block: one pair of braces is enough
                if (_lastScope.Brace == b.Content && _lastScope.End == _sb.Length) Unwrap(b.Content);
                if (b.Kind != BlockKind.Keep && suffix.Length == 0 && IsPlainStatement(b.Content))
                {
                    if (b.Kind == BlockKind.Scope) _sb.Remove(b.Content, 4); // the statement moves out to the block's depth
                    _sb.Remove(b.Brace, b.Content - b.Brace);
                    Indent--;
                    return;
                }
                Indent--;
                Line("}" + suffix);
                if (b.Kind == BlockKind.Scope && suffix.Length == 0) _lastScope = (b.Brace, _sb.Length);
                return;
            }
            Indent--;
            Line("}" + suffix);
        }

        /// <summary>The last scope block closed with its braces: where its <c>{</c> line starts and where its <c>}</c> line ends.</summary>
        private (int Brace, int End) _lastScope = (-1, -1);

        /// <summary>Removes the braces of the scope block written from <paramref name="start"/> to the end, one level less indented.</summary>
        private void Unwrap(int start)
        {
            var text = _sb.ToString(start, _sb.Length - start);
            var lines = text.Split('\n'); // "{", content..., "}", "" (after the last '\n')
            var sb = new StringBuilder();
            for (int i = 1; i < lines.Length - 2; i++)
                sb.Append(lines[i].StartsWith("    ") ? lines[i].Substring(4) : lines[i]).Append('\n');
            _sb.Length = start;
            _sb.Append(sb);
            _lastScope = (-1, -1);
        }

        /// <summary>Whether everything written since <paramref name="start"/> is one line holding one plain statement.</summary>
        private bool IsPlainStatement(int start)
        {
            int length = _sb.Length - start;
            if (length < 2 || _sb[_sb.Length - 1] != '\n') return false;
            for (int i = start; i < _sb.Length - 1; i++)
                if (_sb[i] == '\n') return false;
            var text = _sb.ToString(start, length - 1).Trim();
            if (!text.EndsWith(";") || text.StartsWith("//") || text.StartsWith("{") || text.StartsWith("}")) return false;
            int comment = text.IndexOf("//", System.StringComparison.Ordinal);
            if (comment >= 0 && text.IndexOf('"') < 0) text = text.Substring(0, comment).TrimEnd();
            return !s_keyword.IsMatch(text) && !s_declaration.IsMatch(text);
        }

        private string LastLine()
        {
            int end = _sb.Length - 1; // the '\n' of the last line
            if (end < 0) return "";
            int start = end - 1;
            while (start >= 0 && _sb[start] != '\n') start--;
            return _sb.ToString(start + 1, end - start - 1).Trim();
        }

        /// <summary>Another writer's lines, as written (they carry their own indentation).</summary>
        public void Append(CodeWriter lines) => _sb.Append(lines._sb);

        public override string ToString() => _sb.ToString();
    }
}
