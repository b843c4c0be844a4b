using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DiffGen.Generator.Parse
{
    /// <summary>
    /// Argument checks at the top of a [Differentiable] method — <c>if (x.Length == 0) throw new ArgumentException(...);</c>
    /// or <c>ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tau);</c> — are not part of the math: they are kept as C#
    /// text (type names made fully qualified, since the generated file has no usings) and printed at the top of the
    /// generated Forward, Backward and adjoint, before anything is written. Only leading statements qualify, and only
    /// ones that read parameters, constants and static members (no assignments).
    /// </summary>
    internal static class GuardClauses
    {
        /// <summary>The guard's text with fully qualified type names, or null when the statement is not a guard clause.</summary>
        public static string? TryRead(StatementSyntax s, SemanticModel model, CancellationToken ct) => TryRead(s, model, ct, null);

        /// <summary>
        /// A check after local declarations (<c>int outLen = (n + 2 * pad - k) / stride + 1; if (y.Length &lt; outLen) throw ...;</c>):
        /// the same guard, with each local it reads replaced by its initializer, so it still runs first, before anything is
        /// written. <paramref name="locals"/>: the top-level locals declared since the method's start with a pure initializer
        /// (<see cref="PureInitializer"/>) and nothing but declarations in between (so none has changed).
        /// </summary>
        public static string? TryRead(StatementSyntax s, SemanticModel model, CancellationToken ct, IReadOnlyDictionary<ILocalSymbol, ExpressionSyntax>? locals)
        {
            bool isGuard = s switch
            {
                IfStatementSyntax { Else: null } i => i.Statement is ThrowStatementSyntax { Expression: not null }
                    || i.Statement is BlockSyntax { Statements.Count: 1 } b && b.Statements[0] is ThrowStatementSyntax { Expression: not null },
                ExpressionStatementSyntax { Expression: InvocationExpressionSyntax inv } =>
                    model.GetSymbolInfo(inv, ct).Symbol is IMethodSymbol { IsStatic: true } m && m.Name.StartsWith("ThrowIf", System.StringComparison.Ordinal) && IsException(m.ContainingType),
                _ => false,
            };
            if (!isGuard) return null;
            foreach (var n in s.DescendantNodes())
            {
                if (n is AssignmentExpressionSyntax or PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression or (int)SyntaxKind.PostDecrementExpression }
                    or PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression }
                    or AnonymousFunctionExpressionSyntax)
                    return null;
                if (n is IdentifierNameSyntax id && model.GetSymbolInfo(id, ct).Symbol is ILocalSymbol or IRangeVariableSymbol
                    && !(locals is not null && model.GetSymbolInfo(id, ct).Symbol is ILocalSymbol l && locals.ContainsKey(l)))
                    return null;
            }
            return new Qualify(model, ct, locals).Visit(s)!.NormalizeWhitespace().ToFullString();
        }

        /// <summary>
        /// The guards that read the array parameters <paramref name="arrays"/> only through their shape: <c>x.Length</c>,
        /// <c>x.GetLength(d)</c>, <c>x.Rank</c>, <c>x is not { Length: 3 }</c> and <c>nameof(x)</c>. They compile unchanged
        /// where the parameters are DiffGen.Cuda.Execution.DeviceArray values (the device-resident overloads), and mean the
        /// same there; a guard that reads elements or passes the array on does not.
        /// </summary>
        public static IEnumerable<string> ShapeOnly(IEnumerable<string> guards, IEnumerable<string> arrays)
        {
            var names = new HashSet<string>(arrays, System.StringComparer.Ordinal);
            return guards.Where(g => SyntaxFactory.ParseStatement(g).DescendantNodes().OfType<IdentifierNameSyntax>()
                .Where(id => names.Contains(id.Identifier.ValueText)).All(ShapeRead));

            static bool ShapeRead(IdentifierNameSyntax id) => id.Parent switch
            {
                MemberAccessExpressionSyntax ma when ma.Name == id => true, // a member of that name (global::N.T.x), not the parameter
                QualifiedNameSyntax or AliasQualifiedNameSyntax => true,
                MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Length" or "Rank" } ma => ma.Parent is not InvocationExpressionSyntax,
                MemberAccessExpressionSyntax { Name.Identifier.ValueText: "GetLength", Parent: InvocationExpressionSyntax } => true,
                // x is not { Length: 3 }: a property pattern on the shape members alone, binding nothing
                IsPatternExpressionSyntax ip when ip.Expression == id => ip.Pattern.DescendantNodesAndSelf().All(n => n switch
                {
                    SubpatternSyntax sp => (sp.ExpressionColon?.Expression ?? sp.NameColon?.Name) is IdentifierNameSyntax { Identifier.ValueText: "Length" or "Rank" },
                    DeclarationPatternSyntax or VarPatternSyntax or SingleVariableDesignationSyntax or ListPatternSyntax or SlicePatternSyntax or TypePatternSyntax => false,
                    PositionalPatternClauseSyntax => false,
                    _ => true,
                }),
                _ => id.Ancestors().Any(a => a is InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "nameof" } }),
            };
        }

        /// <summary>
        /// Can a late guard read this local through its initializer? The initializer reads parameters, constants, static members
        /// and such locals only, calls nothing but Math/MathF functions and GetLength, and allocates, assigns and captures nothing:
        /// evaluating it again at the top gives the same value.
        /// </summary>
        public static bool PureInitializer(ExpressionSyntax init, SemanticModel model, CancellationToken ct, IReadOnlyDictionary<ILocalSymbol, ExpressionSyntax> locals)
        {
            foreach (var n in init.DescendantNodesAndSelf())
            {
                switch (n)
                {
                    case AssignmentExpressionSyntax or AnonymousFunctionExpressionSyntax or ObjectCreationExpressionSyntax or ImplicitObjectCreationExpressionSyntax
                        or ArrayCreationExpressionSyntax or ImplicitArrayCreationExpressionSyntax or StackAllocArrayCreationExpressionSyntax
                        or CollectionExpressionSyntax or ArgumentSyntax { RefKindKeyword.RawKind: not 0 } or ThrowExpressionSyntax or AwaitExpressionSyntax:
                        return false;
                    case PostfixUnaryExpressionSyntax or PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression }:
                        return false;
                    case InvocationExpressionSyntax inv:
                        if (model.GetSymbolInfo(inv, ct).Symbol is not IMethodSymbol m) return false;
                        var owner = m.ContainingType?.ToDisplayString();
                        if (!(owner is "System.Math" or "System.MathF" || owner == "System.Array" && m.Name == "GetLength")) return false;
                        break;
                    case IdentifierNameSyntax id:
                        if (model.GetSymbolInfo(id, ct).Symbol is ILocalSymbol l && !locals.ContainsKey(l) || model.GetSymbolInfo(id, ct).Symbol is IRangeVariableSymbol)
                            return false;
                        break;
                }
            }
            return true;
        }

        /// <summary>
        /// <c>mode switch { "sum" =&gt; ..., "mean" =&gt; ..., _ =&gt; throw new ArgumentException(...) }</c>: the throwing last arm as a
        /// guard, <c>if (!(mode is "sum" or "mean")) throw ...;</c>, when the governing expression, the other arms' patterns and the
        /// exception read only parameters, constants and static members and no arm has a 'when' clause. Null otherwise.
        /// </summary>
        public static string? SwitchDefault(SwitchExpressionSyntax sw, SemanticModel model, CancellationToken ct)
        {
            var arms = sw.Arms;
            if (arms.Count < 2 || arms[arms.Count - 1] is not { Expression: ThrowExpressionSyntax { Expression: { } thrown }, WhenClause: null, Pattern: DiscardPatternSyntax }
                || arms.Take(arms.Count - 1).Any(a => a.WhenClause is not null || a.Expression is ThrowExpressionSyntax))
                return null;
            var parts = new SyntaxNode[] { sw.GoverningExpression, thrown }.Concat(arms.Take(arms.Count - 1).Select(a => (SyntaxNode)a.Pattern));
            foreach (var part in parts)
                foreach (var n in part.DescendantNodesAndSelf())
                {
                    if (n is AssignmentExpressionSyntax or PostfixUnaryExpressionSyntax or AnonymousFunctionExpressionSyntax
                        || n is PrefixUnaryExpressionSyntax p && (p.IsKind(SyntaxKind.PreIncrementExpression) || p.IsKind(SyntaxKind.PreDecrementExpression))
                        || n is InvocationExpressionSyntax && part != thrown)
                        return null;
                    if (n is IdentifierNameSyntax id && model.GetSymbolInfo(id, ct).Symbol is ILocalSymbol or IRangeVariableSymbol) return null;
                }
            var q = new Qualify(model, ct);
            string Text(SyntaxNode n) => q.Visit(n)!.NormalizeWhitespace().ToFullString();
            var patterns = string.Join(" or ", arms.Take(arms.Count - 1).Select(a => "(" + Text(a.Pattern) + ")"));
            return $"if (!(({Text(sw.GoverningExpression)}) is {patterns})) throw {Text(thrown)};";
        }

        /// <summary>
        /// The exception of a throw between the computations as text with fully qualified type names, each expression
        /// <paramref name="hole"/> replaces (a value the method computes) replaced by what it returns; <paramref name="hole"/>
        /// sees each expression before its parts.
        /// </summary>
        public static string ThrowText(ExpressionSyntax thrown, SemanticModel model, CancellationToken ct, System.Func<ExpressionSyntax, ExpressionSyntax?> hole) =>
            new Qualify(model, ct, null, hole).Visit(thrown)!.NormalizeWhitespace().ToFullString();

        private static bool IsException(INamedTypeSymbol? t)
        {
            for (; t is not null; t = t.BaseType)
                if (t.ToDisplayString() == "System.Exception") return true;
            return false;
        }

        /// <summary>Replaces type names with their global:: names (the generated file declares no usings).</summary>
        private sealed class Qualify : CSharpSyntaxRewriter
        {
            private readonly SemanticModel _model;
            private readonly CancellationToken _ct;
            private readonly IReadOnlyDictionary<ILocalSymbol, ExpressionSyntax>? _locals;

            private readonly System.Func<ExpressionSyntax, ExpressionSyntax?>? _hole;

            public Qualify(SemanticModel model, CancellationToken ct, IReadOnlyDictionary<ILocalSymbol, ExpressionSyntax>? locals = null, System.Func<ExpressionSyntax, ExpressionSyntax?>? hole = null)
            {
                _model = model;
                _ct = ct;
                _locals = locals;
                _hole = hole;
            }

            public override SyntaxNode? Visit(SyntaxNode? node) =>
                _hole is not null && node is ExpressionSyntax e && _hole(e) is { } h ? h.WithTriviaFrom(node) : base.Visit(node);

            private SyntaxNode? AsType(SyntaxNode node) =>
                _model.GetSymbolInfo(node, _ct).Symbol is INamedTypeSymbol t
                    ? SyntaxFactory.ParseTypeName(t.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)).WithTriviaFrom(node)
                    : null;

            public override SyntaxNode? VisitIdentifierName(IdentifierNameSyntax node)
            {
                // a local of a late guard: its initializer, in parentheses (itself qualified, its own locals replaced)
                if (_locals is not null && _model.GetSymbolInfo(node, _ct).Symbol is ILocalSymbol l && _locals.TryGetValue(l, out var init))
                    return SyntaxFactory.ParenthesizedExpression((ExpressionSyntax)Visit(init)!).WithTriviaFrom(node);
                return AsType(node) ?? base.VisitIdentifierName(node);
            }

            public override SyntaxNode? VisitQualifiedName(QualifiedNameSyntax node) => AsType(node) ?? base.VisitQualifiedName(node);

            public override SyntaxNode? VisitGenericName(GenericNameSyntax node) => AsType(node) ?? base.VisitGenericName(node);

            public override SyntaxNode? VisitMemberAccessExpression(MemberAccessExpressionSyntax node) =>
                node.Parent is not MemberAccessExpressionSyntax && AsType(node) is { } t ? t : base.VisitMemberAccessExpression(node);
        }
    }
}
