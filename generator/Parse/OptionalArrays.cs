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
            // (null!, default!: the same null, the warning suppressed)
            while (e is ParenthesizedExpressionSyntax or PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression })
                e = e is ParenthesizedExpressionSyntax p ? p.Expression : ((PostfixUnaryExpressionSyntax)e).Operand;
            return e is LiteralExpressionSyntax l && (l.IsKind(SyntaxKind.NullLiteralExpression) || l.IsKind(SyntaxKind.DefaultLiteralExpression));
        }

        /// <summary><c>p == null</c>, <c>p != null</c>, <c>p is null</c>, <c>p is not null</c> for an array parameter p; null when not that form.</summary>
        private Expr? LowerArrayNullTest(ExpressionSyntax e)
        {
            ExpressionSyntax? tested = null;
            bool isNull = false;
            switch (e)
            {
                case BinaryExpressionSyntax b when b.Kind() is SyntaxKind.EqualsExpression or SyntaxKind.NotEqualsExpression:
                    if (IsNull(b.Right)) tested = b.Left;
                    else if (IsNull(b.Left)) tested = b.Right;
                    isNull = b.IsKind(SyntaxKind.EqualsExpression);
                    break;
                case IsPatternExpressionSyntax ip:
                    switch (ip.Pattern)
                    {
                        case ConstantPatternSyntax { Expression: var c } when IsNull(c): tested = ip.Expression; isNull = true; break;
                        case UnaryPatternSyntax { Pattern: ConstantPatternSyntax { Expression: var c } } u when u.OperatorToken.IsKind(SyntaxKind.NotKeyword) && IsNull(c):
                            tested = ip.Expression; isNull = false; break;
                    }
                    break;
            }
            if (tested is null) return null;
            while (tested is ParenthesizedExpressionSyntax tp) tested = tp.Expression;
            // a row local that may be null (RefAliases.cs): its flag
            if (tested is IdentifierNameSyntax && _model.GetSymbolInfo(tested, _ct).Symbol is { } rowLocal && _nullableRows.TryGetValue(rowLocal, out var given))
                return new Binary(isNull ? BinaryOp.Eq : BinaryOp.Ne, new VarRef(given, IrType.Int), new Const(0, IrType.Int), IrType.Bool);
            if (ArrayParameter(tested) is not { } p) return null;
            return new Binary(isNull ? BinaryOp.Eq : BinaryOp.Ne, GivenFlag(p, e), new Const(0, IrType.Int), IrType.Bool);
        }

        /// <summary>The int input that says whether optional array <paramref name="p"/> was given (1) or null (0).</summary>
        private Expr GivenFlag(IParameterSymbol p, SyntaxNode e)
        {
            _optionalArrays.Add(p);
            _surface = true;
            string key = p.Name + "?given";
            if (!_configVars.TryGetValue(key, out var given))
            {
                given = new Variable(FreshName(p.Name + "__given"), IrType.Int, VarKind.Param);
                _configVars[key] = given;
                _memberInputs.Add(new MemberInput(given.Name, IrType.Int, $"({p.Name} != null ? 1 : 0)", null, e.GetLocation()));
            }
            return new VarRef(given.Name, IrType.Int);
        }

        /// <summary>
        /// <c>weights?[i] ?? 1.0</c> (and <c>w?[i, j] ?? 0</c>, <c>w?.Length ?? 0</c>) on an optional array parameter: the element when
        /// the array was given, else the fallback (<c>given != 0 ? weights[i] : 1.0</c>). Not that form: handled false.
        /// </summary>
        private Expr? LowerOptionalElement(ExpressionSyntax e, out bool handled)
        {
            handled = false;
            if (e is not BinaryExpressionSyntax b || !b.IsKind(SyntaxKind.CoalesceExpression) || b.Left is not ConditionalAccessExpressionSyntax ca
                || ArrayParameter(ca.Expression) is not { } p)
                return null;
            var array = _vars[p];
            Expr? read = null;
            switch (ca.WhenNotNull)
            {
                case ElementBindingExpressionSyntax eb when eb.ArgumentList.Arguments.Count == array.Type.Rank && array.Type.Shape != Shape.Jagged:
                    handled = true;
                    var indices = new List<Expr>();
                    foreach (var a in eb.ArgumentList.Arguments)
                    {
                        var i = LowerIntExpr(a.Expression, "an array index");
                        if (i is null) return null;
                        indices.Add(i);
                    }
                    read = new ElemRef(array.Name, array.Type, indices.ToEquatable());
                    break;
                case MemberBindingExpressionSyntax { Name.Identifier.Text: "Length" } when array.Type.Shape == Shape.Vector:
                    handled = true;
                    read = new LengthOf(array.Name, array.Type, null, -1);
                    break;
                default:
                    return null;
            }
            var fallback = read.Type.IsReal ? LowerExpr(b.Right) : LowerIntExpr(b.Right, "the value when '" + p.Name + "' is null");
            if (fallback is null) return null;
            var type = read.Type;
            if (fallback.Type != type) fallback = new IR.Convert(fallback, type);
            var given = new Binary(BinaryOp.Ne, GivenFlag(p, e), new Const(0, IrType.Int), IrType.Bool);
            return new Conditional(given, read, fallback, type);
        }

        /// <summary>What the entry points pass for a null optional array: an empty one of its shape.</summary>
        private static string EmptyArrayText(IArrayTypeSymbol t)
        {
            var elem = t.ElementType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            return t.Rank == 2 ? $"new {elem}[0, 0]" : $"global::System.Array.Empty<{elem}>()";
        }
    }
}
