using DiffGen.Generator.IR;

namespace DiffGen.Generator.Model
{
    /// <summary>One containing type declaration, outermost first: enough to reopen it as a partial.</summary>
    internal sealed record TypeDeclInfo(string Keyword, string Name, bool IsStatic);

    /// <summary>A parameter of the differentiated method.</summary>
    /// <param name="IsWritten">The method assigns elements of this array: an output.</param>
    /// <param name="IsWrt">Gradients with respect to it are returned by Backward.</param>
    /// <param name="DefaultValue">C# text of the default value, kept on Forward.</param>
    /// <param name="IsConstant">A float/double parameter marked [Constant]: not differentiated, and no derivative flows from it (not active).</param>
    internal sealed record ParamModel(string Name, IrType Type, bool IsWritten, bool IsWrt, string? DefaultValue, bool IsConstant = false);

    /// <summary>
    /// Everything the later stages need about one [Differentiable] method, as plain equatable data (no
    /// ISymbol, SyntaxNode or Location), so unrelated edits leave the pipeline cached. Guards: the method's leading
    /// argument checks as C# text (see Parse/GuardClauses), printed first by every generated entry point.
    /// </summary>
    internal sealed record MethodModel(
        string? Namespace,
        EquatableArray<TypeDeclInfo> ContainingTypes,
        string ContainingTypeFullName,
        string Name,
        string Accessibility,
        IrType Return,
        EquatableArray<ParamModel> Params,
        EquatableArray<Stmt> Body,
        string DocCref,
        EquatableArray<string> Guards = default)
    {
        public string HintName
        {
            get
            {
                var type = ContainingTypeFullName.Replace("global::", "");
                var sb = new System.Text.StringBuilder();
                foreach (char c in type + "." + Name)
                    sb.Append(char.IsLetterOrDigit(c) || c == '.' || c == '_' ? c : '_');
                return sb + ".g.cs";
            }
        }
    }

    /// <summary>The parse step's output: a model when the method can be differentiated, and diagnostics either way.</summary>
    internal sealed record ParseResult(MethodModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
}
