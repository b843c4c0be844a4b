using System.Text;

namespace DiffGen.Generator.Emit
{
    /// <summary>
    /// The using aliases at the top of a generated file. The emitters name the runtime and the BCL fully qualified
    /// (<c>global::DiffGen.Reverse.Shapes.NotNull</c>, safe against any user type of the same name); this last printing
    /// step shortens the names a file repeats most to aliases declared above its namespace, where the user's own types
    /// cannot shadow them (<c>__Rev.Shapes.NotNull</c>). It changes no decision, only how names are spelled: about a tenth
    /// of a generated file was <c>global::</c> prefixes.
    /// </summary>
    internal static class FileAliases
    {
        /// <summary>The line the using directives replace (written by the emitter after the file's header).</summary>
        public const string Marker = "// <aliases>";

        /// <summary>Qualified prefix, alias, what the alias stands for; a longer prefix before any prefix of it.</summary>
        private static readonly (string Qualified, string Alias, string Target)[] s_aliases =
        {
            ("global::DiffGen.Cuda.Execution.", "__Cuda.", "global::DiffGen.Cuda.Execution"),
            ("global::DiffGen.Reverse.", "__Rev.", "global::DiffGen.Reverse"),
            ("global::DiffGen.Cpu.", "__Cpu.", "global::DiffGen.Cpu"),
            ("global::DiffGen.Kernels.", "__Kernels.", "global::DiffGen.Kernels"),
            ("global::System.MathF.", "__MathF.", "global::System.MathF"),
            ("global::System.Math.", "__Math.", "global::System.Math"),
            ("global::System.CodeDom.Compiler.GeneratedCode(", "__GeneratedCode(", "global::System.CodeDom.Compiler.GeneratedCodeAttribute"),
            ("global::System.ComponentModel.EditorBrowsable(", "__EditorBrowsable(", "global::System.ComponentModel.EditorBrowsableAttribute"),
            ("global::System.ComponentModel.EditorBrowsableState.", "__BrowsableState.", "global::System.ComponentModel.EditorBrowsableState"),
        };

        /// <summary><paramref name="text"/> with the aliases applied and their using directives (plus <paramref name="extra"/>) at the marker.</summary>
        public static string Apply(string text, string extra = "")
        {
            var usings = new StringBuilder(extra);
            foreach (var (qualified, alias, target) in s_aliases)
            {
                if (text.IndexOf(qualified, System.StringComparison.Ordinal) < 0) continue;
                text = text.Replace(qualified, alias);
                usings.Append("using ").Append(alias.TrimEnd('.', '(')).Append(" = ").Append(target).Append(";\n");
            }
            return text.Replace(Marker + "\n", usings.ToString());
        }
    }
}
