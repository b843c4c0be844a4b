using System.Collections.Generic;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DiffGen.Generator.Parse
{
    /// <summary>
    /// Optional array parameters (issue 10): <c>double[]? weights = null</c> tested with <c>weights != null</c>,
    /// <c>== null</c>, <c>is null</c> or <c>is not null</c>. The entry points read the test once, as an int input of the
    /// array form (<c>weights != null ? 1 : 0</c>), and pass an empty array in place of null, so the array form never
    /// sees null. A differentiated optional array's gradient buffer may be null when the array is.
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        /// <summary>Array parameters the method compares with null (the entry points pass an empty array for null).</summary>
        private readonly HashSet<IParameterSymbol> _optionalArrays = new(SymbolEqualityComparer.Default);

        /// <summary>An array parameter (the identifier, parenthesised or not), or null.</summary>
        private IParameterSymbol? ArrayParameter(ExpressionSyntax e)
        {
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            return e is IdentifierNameSyntax id && _model.GetSymbolInfo(id, _ct).Symbol is IParameterSymbol ps
                && ps.Type is IArrayTypeSymbol && _vars.TryGetValue(ps, out var v) && v.Type.IsArray
                && (!_paramKinds.TryGetValue(ps, out var k) || k == ArgKind.Direct) && !_highRank.ContainsKey(ps) && !_listRows.Contains(ps)
                ? ps : null;
        }

        private static bool IsNull(ExpressionSyntax e)
        {
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            return e is LiteralExpressionSyntax l && (l.IsKind(SyntaxKind.NullLiteralExpression) || l.IsKind(SyntaxKind.DefaultLiteralExpression));
        }

        /// <summary><c>p == null</c>, <c>p != null</c>, <c>p is null</c>, <c>p is not null</c> for an array parameter p; null when not that form.</summary>
        private Expr? LowerArrayNullTest(ExpressionSyntax e)
        {
            IParameterSymbol? p = null;
            bool isNull = false;
            switch (e)
            {
                case BinaryExpressionSyntax b when b.Kind() is SyntaxKind.EqualsExpression or SyntaxKind.NotEqualsExpression:
                    if (IsNull(b.Right)) p = ArrayParameter(b.Left);
                    else if (IsNull(b.Left)) p = ArrayParameter(b.Right);
                    isNull = b.IsKind(SyntaxKind.EqualsExpression);
                    break;
                case IsPatternExpressionSyntax ip:
                    switch (ip.Pattern)
                    {
                        case ConstantPatternSyntax { Expression: var c } when IsNull(c): p = ArrayParameter(ip.Expression); isNull = true; break;
                        case UnaryPatternSyntax { Pattern: ConstantPatternSyntax { Expression: var c } } u when u.OperatorToken.IsKind(SyntaxKind.NotKeyword) && IsNull(c):
                            p = ArrayParameter(ip.Expression); isNull = false; break;
                    }
                    break;
            }
            if (p is null) return null;
            _optionalArrays.Add(p);
            _surface = true;
            string key = p.Name + "?given";
            if (!_configVars.TryGetValue(key, out var given))
            {
                given = new Variable(FreshName(p.Name + "__given"), IrType.Int, VarKind.Param);
                _configVars[key] = given;
                _memberInputs.Add(new MemberInput(given.Name, IrType.Int, $"({p.Name} != null ? 1 : 0)", null, e.GetLocation()));
            }
            return new Binary(isNull ? BinaryOp.Eq : BinaryOp.Ne, new VarRef(given.Name, IrType.Int), new Const(0, IrType.Int), IrType.Bool);
        }

        /// <summary>What the entry points pass for a null optional array: an empty one of its shape.</summary>
        private static string EmptyArrayText(IArrayTypeSymbol t)
        {
            var elem = t.ElementType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            return t.Rank == 2 ? $"new {elem}[0, 0]" : $"global::System.Array.Empty<{elem}>()";
        }
    }
}
