using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.Diagnostics;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace DiffGen.Generator.Parse
{
    /// <summary>
    /// Nullable numbers (issue 10): a <c>double?</c> (float?, int?) local or parameter is a pair, a bool saying whether it has a
    /// value and the value (0 when it has none), as C# holds it. <c>best ?? 0</c> is <c>has ? value : 0</c>; <c>.Value</c>,
    /// <c>.HasValue</c>, <c>GetValueOrDefault()</c>, <c>is null</c>, <c>== null</c> read the pair; comparisons and arithmetic are
    /// lifted the way C# lifts them (a comparison with null is false, <c>==</c> of two nulls is true, arithmetic with null is
    /// null). Assigning sets both. A parameter (<c>double? scale = null</c>, an option) is read by the entry points into two
    /// inputs of the array form, <c>scale.HasValue ? 1 : 0</c> and <c>scale.GetValueOrDefault()</c>; it is never differentiated.
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        /// <summary>Nullable locals: the bool local saying whether it has a value, and the value's local.</summary>
        private readonly Dictionary<ISymbol, (Variable Has, Variable Value)> _nullableLocals = new(SymbolEqualityComparer.Default);

        /// <summary>Nullable parameters of the method (inputs computed by the entry points on first use: <see cref="NullableParameter"/>).</summary>
        private readonly HashSet<IParameterSymbol> _nullableParams = new(SymbolEqualityComparer.Default);

        /// <summary>The element type of <c>T?</c> for a float, double or int T; null for any other type.</summary>
        private static IrType? NullableOf(ITypeSymbol? t) =>
            t is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } n && MapType(n.TypeArguments[0]) is { IsArray: false } inner && inner.Elem != Scalar.Bool
                ? inner : null;

        private static Expr True => new Const(1, IrType.Bool);
        private static Expr False => new Const(0, IrType.Bool);

        private static Expr AndB(Expr a, Expr b) => (a, b) switch
        {
            (Const { Value: 0 }, _) or (_, Const { Value: 0 }) => False,
            (Const, _) => b,
            (_, Const) => a,
            _ => new Binary(BinaryOp.And, a, b, IrType.Bool),
        };

        private static Expr OrB(Expr a, Expr b) => (a, b) switch
        {
            (Const { Value: not 0 }, _) or (_, Const { Value: not 0 }) => True,
            (Const, _) => b,
            (_, Const) => a,
            _ => new Binary(BinaryOp.Or, a, b, IrType.Bool),
        };

        private static Expr NotB(Expr a) => a switch
        {
            Const c => c.Value == 0 ? True : False,
            Unary { Op: UnaryOp.Not } u => u.Operand,
            _ => new Unary(UnaryOp.Not, a, IrType.Bool),
        };

        private static Expr Choose(Expr c, Expr a, Expr b) => (c, a, b) switch
        {
            (Const k, _, _) => k.Value != 0 ? a : b,
            (_, Const { Type.Elem: Scalar.Bool, Value: not 0 }, Const { Type.Elem: Scalar.Bool, Value: 0 }) => c, // c ? true : false
            (_, Const { Type.Elem: Scalar.Bool, Value: 0 }, Const { Type.Elem: Scalar.Bool, Value: not 0 }) => NotB(c),
            _ => new Conditional(c, a, b, a.Type),
        };

        /// <summary>The has-flag and value inputs of a nullable parameter, made the first time it is read.</summary>
        private (Expr Has, Expr Value) NullableParameter(IParameterSymbol p, IrType inner, SyntaxNode where)
        {
            string key = p.Name + "?";
            if (!_configVars.TryGetValue(key + "has", out var has))
            {
                has = new Variable(FreshName(p.Name + "__has"), IrType.Int, VarKind.Param);
                _configVars[key + "has"] = has;
                _memberInputs.Add(new MemberInput(has.Name, IrType.Int, $"({p.Name}.HasValue ? 1 : 0)", null, where.GetLocation()));
                var value = new Variable(FreshName(p.Name + "__value"), inner, VarKind.Param);
                _configVars[key + "value"] = value;
                _memberInputs.Add(new MemberInput(value.Name, inner, $"{p.Name}.GetValueOrDefault()", null, where.GetLocation()));
            }
            var v = _configVars[key + "value"];
            return (new Binary(BinaryOp.Ne, new VarRef(has.Name, IrType.Int), new Const(0, IrType.Int), IrType.Bool), new VarRef(v.Name, v.Type));
        }

        /// <summary>
        /// A nullable-typed expression as (has a value, value); a plain number is (true, it), <c>null</c>/<c>default</c> (false, 0).
        /// Null when reported.
        /// </summary>
        private (Expr Has, Expr Value)? LowerNullable(ExpressionSyntax e, IrType inner)
        {
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            var info = _model.GetTypeInfo(e, _ct);
            var type = info.Type ?? info.ConvertedType; // ('c ? 1.0 : null' has no type of its own: it takes double? from its target)
            if (e is LiteralExpressionSyntax lit && (lit.IsKind(SyntaxKind.NullLiteralExpression) || lit.IsKind(SyntaxKind.DefaultLiteralExpression))
                || e is DefaultExpressionSyntax)
                return (False, new Const(0, inner));
            if (NullableOf(type) is null)
            {
                // a number converted to T? ('best * 2', 'x[i]'): a value; a constant is read here, LowerExpr knows no T?
                if (_model.GetConstantValue(e, _ct) is { HasValue: true, Value: int or long or float or double } k)
                    return (True, new Const(System.Convert.ToDouble(k.Value, System.Globalization.CultureInfo.InvariantCulture), inner));
                var x = LowerExpr(e);
                if (x is null) return null;
                if (x.Type != inner && !x.Type.IsArray) x = new IR.Convert(x, inner);
                return (True, x);
            }
            switch (e)
            {
                case IdentifierNameSyntax id when _model.GetSymbolInfo(id, _ct).Symbol is { } s:
                    if (_nullableLocals.TryGetValue(s, out var pair)) return (new VarRef(pair.Has.Name, IrType.Bool), Conv(new VarRef(pair.Value.Name, pair.Value.Type), inner));
                    if (s is IParameterSymbol ps && _nullableParams.Contains(ps))
                    {
                        var (h, v) = NullableParameter(ps, NullableOf(ps.Type)!.Value, id);
                        return (h, Conv(v, inner));
                    }
                    if (_rejected.Contains(s)) { Suppress(); return null; }
                    break;
                case CastExpressionSyntax cast:
                    return LowerNullable(cast.Expression, inner);
                case ConditionalExpressionSyntax c:
                    {
                        var cond = LowerExpr(c.Condition);
                        var a = LowerNullable(c.WhenTrue, inner);
                        var b = LowerNullable(c.WhenFalse, inner);
                        if (cond is null || a is null || b is null) return null;
                        return (Choose(cond, a.Value.Has, b.Value.Has), Choose(cond, a.Value.Value, b.Value.Value));
                    }
                case BinaryExpressionSyntax b when b.IsKind(SyntaxKind.CoalesceExpression):
                    {
                        var a = LowerNullable(b.Left, inner);
                        var r = LowerNullable(b.Right, inner);
                        if (a is null || r is null) return null;
                        return (OrB(a.Value.Has, r.Value.Has), Choose(a.Value.Has, a.Value.Value, r.Value.Value));
                    }
                case BinaryExpressionSyntax b when b.Kind() is SyntaxKind.AddExpression or SyntaxKind.SubtractExpression or SyntaxKind.MultiplyExpression or SyntaxKind.DivideExpression:
                    {
                        var a = LowerNullable(b.Left, inner);
                        var r = LowerNullable(b.Right, inner);
                        if (a is null || r is null) return null;
                        var op = b.Kind() switch { SyntaxKind.AddExpression => BinaryOp.Add, SyntaxKind.SubtractExpression => BinaryOp.Sub, SyntaxKind.MultiplyExpression => BinaryOp.Mul, _ => BinaryOp.Div };
                        return (AndB(a.Value.Has, r.Value.Has), new Binary(op, a.Value.Value, r.Value.Value, inner));
                    }
                case PrefixUnaryExpressionSyntax pu when pu.IsKind(SyntaxKind.UnaryMinusExpression):
                    {
                        var a = LowerNullable(pu.Operand, inner);
                        return a is null ? null : (a.Value.Has, new Unary(UnaryOp.Neg, a.Value.Value, inner));
                    }
            }
            Report(Descriptors.UnsupportedExpression, e, e.ToString(), NullableAdvice);
            return null;
        }

        private const string NullableAdvice = "a nullable number is read with '??', '.Value', '.HasValue', 'GetValueOrDefault()', 'is null' or a comparison, and made of locals, parameters, numbers, 'null' and arithmetic or '?:' on those; write it in one of those forms";

        private static Expr Conv(Expr x, IrType t) => x.Type == t ? x : new IR.Convert(x, t);

        /// <summary>
        /// The nullable forms that yield a plain value: <c>a ?? b</c> (b not nullable), a comparison with a nullable operand, and
        /// <c>x.Value</c>, <c>x.HasValue</c>, <c>x.GetValueOrDefault(d)</c>, <c>x is null</c>. Handled false for other expressions.
        /// </summary>
        private Expr? LowerNullableRead(ExpressionSyntax e, out bool handled)
        {
            handled = true;
            switch (e)
            {
                case BinaryExpressionSyntax b when b.IsKind(SyntaxKind.CoalesceExpression) && NullableOf(_model.GetTypeInfo(b.Left, _ct).Type) is { } li
                    && NullableOf(_model.GetTypeInfo(b, _ct).Type) is null:
                    {
                        var t = MapValueType(_model.GetTypeInfo(b, _ct).Type!) ?? li;
                        var a = LowerNullable(b.Left, t);
                        if (a is null) return null;
                        var r = LowerBranch(b.Right, out var pre); // the right side runs only when the left has no value
                        if (r is null) return null;
                        EmitGuarded(NotB(a.Value.Has), pre, new List<Stmt>());
                        return Choose(a.Value.Has, a.Value.Value, Conv(r, t));
                    }
                case BinaryExpressionSyntax b when b.Kind() is SyntaxKind.EqualsExpression or SyntaxKind.NotEqualsExpression or SyntaxKind.LessThanExpression
                    or SyntaxKind.LessThanOrEqualExpression or SyntaxKind.GreaterThanExpression or SyntaxKind.GreaterThanOrEqualExpression
                    && (NullableOf(_model.GetTypeInfo(b.Left, _ct).ConvertedType) is not null || NullableOf(_model.GetTypeInfo(b.Right, _ct).ConvertedType) is not null):
                    {
                        var t = NullableOf(_model.GetTypeInfo(b.Left, _ct).ConvertedType) ?? NullableOf(_model.GetTypeInfo(b.Right, _ct).ConvertedType)!.Value;
                        var l = LowerNullable(b.Left, t);
                        var r = LowerNullable(b.Right, t);
                        if (l is null || r is null) return null;
                        var op = b.Kind() switch
                        {
                            SyntaxKind.EqualsExpression => BinaryOp.Eq, SyntaxKind.NotEqualsExpression => BinaryOp.Ne, SyntaxKind.LessThanExpression => BinaryOp.Lt,
                            SyntaxKind.LessThanOrEqualExpression => BinaryOp.Le, SyntaxKind.GreaterThanExpression => BinaryOp.Gt, _ => BinaryOp.Ge,
                        };
                        var both = AndB(l.Value.Has, r.Value.Has);
                        bool nullSide = l.Value.Value is Const && l.Value.Has is Const { Value: 0 } || r.Value.Value is Const && r.Value.Has is Const { Value: 0 };
                        Expr values = nullSide ? False : new Binary(op is BinaryOp.Ne ? BinaryOp.Eq : op, l.Value.Value, r.Value.Value, IrType.Bool);
                        if (op is BinaryOp.Eq or BinaryOp.Ne)
                        {
                            // == is true for two values that are equal and for two nulls
                            var eq = OrB(AndB(both, values), AndB(NotB(l.Value.Has), NotB(r.Value.Has)));
                            return op == BinaryOp.Eq ? eq : NotB(eq);
                        }
                        return AndB(both, values);
                    }
                case IsPatternExpressionSyntax ip when NullableOf(_model.GetTypeInfo(ip.Expression, _ct).Type) is { } pi:
                    {
                        bool? isNull = ip.Pattern switch
                        {
                            ConstantPatternSyntax { Expression: LiteralExpressionSyntax l } when l.IsKind(SyntaxKind.NullLiteralExpression) => true,
                            UnaryPatternSyntax { Pattern: ConstantPatternSyntax { Expression: LiteralExpressionSyntax l } } when l.IsKind(SyntaxKind.NullLiteralExpression) => false,
                            _ => null,
                        };
                        if (isNull is null && ip.Pattern is DeclarationPatternSyntax { Designation: SingleVariableDesignationSyntax dv }
                            && _model.GetDeclaredSymbol(dv, _ct) is ILocalSymbol patternLocal && MapType(patternLocal.Type) is { IsArray: false } pt && pt == pi)
                        {
                            // if (logSigma is double ls) { ... ls ... }: the test is HasValue, and ls names the value (read only
                            // where the pattern matched, as C# requires)
                            var tested = LowerNullable(ip.Expression, pi);
                            if (tested is null) return null;
                            var held = tested.Value.Value;
                            if (held is not VarRef)
                            {
                                var hn = FreshName(_prefix + patternLocal.Name);
                                if (_loopDepth == 0 && _branchDepth == 0) _topLevelLocals.Add(hn);
                                _pending.Add(new DeclScalar(hn, pt, held));
                                held = new VarRef(hn, pt);
                            }
                            var hv = (VarRef)held;
                            _vars[patternLocal] = new Variable(hv.Name, pt, IsParameterName(hv.Name) ? VarKind.Param : VarKind.Local);
                            return tested.Value.Has;
                        }
                        if (isNull is null)
                        {
                            Report(Descriptors.UnsupportedExpression, ip, ip.ToString(), "test a nullable number with 'is null' or 'is not null' (or '.HasValue'), or with a pattern 'is double v', then read it with '.Value' (or v)");
                            return null;
                        }
                        var a = LowerNullable(ip.Expression, pi);
                        return a is null ? null : isNull.Value ? NotB(a.Value.Has) : a.Value.Has;
                    }
                case MemberAccessExpressionSyntax { Name.Identifier.Text: "Value" or "HasValue" } ma when NullableOf(_model.GetTypeInfo(ma.Expression, _ct).Type) is { } mi:
                    {
                        var a = LowerNullable(ma.Expression, mi);
                        return a is null ? null : ma.Name.Identifier.Text == "HasValue" ? a.Value.Has : a.Value.Value;
                    }
                case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "GetValueOrDefault" } gm } gi
                    when NullableOf(_model.GetTypeInfo(gm.Expression, _ct).Type) is { } gt && gi.ArgumentList.Arguments.Count <= 1:
                    {
                        var a = LowerNullable(gm.Expression, gt);
                        if (a is null) return null;
                        Expr d = new Const(0, gt);
                        if (gi.ArgumentList.Arguments.Count == 1)
                        {
                            var x = LowerExpr(gi.ArgumentList.Arguments[0].Expression);
                            if (x is null) return null;
                            d = Conv(x, gt);
                        }
                        return Choose(a.Value.Has, a.Value.Value, d);
                    }
            }
            handled = false;
            return null;
        }

        /// <summary><c>double? best = null;</c> (or a value, or any nullable expression): the pair of locals. True when handled.</summary>
        private bool TryDeclareNullable(VariableDeclaratorSyntax v, ILocalSymbol local, List<Stmt> output)
        {
            if (NullableOf(local.Type) is not { } inner) return false;
            var init = v.Initializer?.Value;
            var pair = init is null ? (False, new Const(0, inner)) : LowerNullable(init, inner);
            if (pair is null) { _rejected.Add(local); return true; }
            var value = new Variable(FreshName(_prefix + local.Name), inner, VarKind.Local);
            var has = new Variable(FreshName(_prefix + local.Name + "_has"), IrType.Bool, VarKind.Local);
            output.Add(new DeclScalar(value.Name, inner, pair.Value.Value));
            output.Add(new DeclScalar(has.Name, IrType.Bool, False));
            if (pair.Value.Has is not Const { Value: 0 }) AssignFlag(new VarRef(has.Name, IrType.Bool), pair.Value.Has, output);
            _nullableLocals[local] = (has, value);
            return true;
        }

        /// <summary>A bool local set to a condition (a value comparison is kept as its outcome, as for 'done = d &lt; tol;').</summary>
        private void AssignFlag(VarRef flag, Expr cond, List<Stmt> output)
        {
            _reassigned.Add(flag.Name);
            output.Add(IrQueries.ReadsReal(cond) ? BoolFromOutcome(flag, cond, SyntaxKind.SimpleAssignmentExpression) : new Assign(flag, AssignOp.Set, cond));
        }

        /// <summary><c>best = v;</c>, <c>best = null;</c>, <c>best ??= v;</c>, <c>best += v;</c> on a nullable local: both parts. True when handled.</summary>
        private bool TryLowerNullableAssignment(AssignmentExpressionSyntax a, List<Stmt> output)
        {
            if (a.Left is not IdentifierNameSyntax id || _model.GetSymbolInfo(id, _ct).Symbol is not { } s || !_nullableLocals.TryGetValue(s, out var pair)) return false;
            var inner = pair.Value.Type;
            var valueRef = new VarRef(pair.Value.Name, inner);
            var hasRef = new VarRef(pair.Has.Name, IrType.Bool);
            if (a.Kind() is SyntaxKind.AddAssignmentExpression or SyntaxKind.SubtractAssignmentExpression or SyntaxKind.MultiplyAssignmentExpression or SyntaxKind.DivideAssignmentExpression)
            {
                // null op v stays null (has unchanged); the value is what C# would compute when there is one
                var r = LowerNullable(a.Right, inner);
                if (r is null) return true;
                var op = a.Kind() switch
                {
                    SyntaxKind.AddAssignmentExpression => BinaryOp.Add, SyntaxKind.SubtractAssignmentExpression => BinaryOp.Sub,
                    SyntaxKind.MultiplyAssignmentExpression => BinaryOp.Mul, _ => BinaryOp.Div,
                };
                if (!inner.IsReal) _reassigned.Add(pair.Value.Name);
                output.Add(new Assign(valueRef, AssignOp.Set, new Binary(op, valueRef, r.Value.Value, inner)));
                if (r.Value.Has is not Const { Value: not 0 }) AssignFlag(hasRef, AndB(hasRef, r.Value.Has), output);
                return true;
            }
            if (a.IsKind(SyntaxKind.CoalesceAssignmentExpression))
            {
                // best ??= v: the value only where there was none
                var r = LowerNullable(a.Right, inner);
                if (r is null) return true;
                var kept = Choose(hasRef, valueRef, r.Value.Value);
                var tmp = FreshName(_prefix + s.Name + "_next");
                output.Add(new DeclScalar(tmp, inner, kept));
                AssignFlag(hasRef, OrB(hasRef, r.Value.Has), output);
                if (!inner.IsReal) _reassigned.Add(pair.Value.Name);
                output.Add(new Assign(valueRef, AssignOp.Set, new VarRef(tmp, inner)));
                return true;
            }
            if (!a.IsKind(SyntaxKind.SimpleAssignmentExpression))
            {
                Report(Descriptors.UnsupportedExpression, a, a.OperatorToken.Text, "assign a nullable number with =, ??=, +=, -=, *= or /=; write the operation out");
                return true;
            }
            var n = LowerNullable(a.Right, inner);
            if (n is null) return true;
            // both parts are computed from the old values: the flag is set first, so a value that reads the flag is taken before
            Expr newValue = n.Value.Value;
            if (IrQueries.Descendants(newValue).Any(x => x is VarRef r && r.Name == pair.Has.Name))
            {
                var tmp = FreshName(_prefix + s.Name + "_next");
                output.Add(new DeclScalar(tmp, inner, newValue));
                newValue = new VarRef(tmp, inner);
            }
            AssignFlag(hasRef, n.Value.Has, output);
            if (!inner.IsReal) _reassigned.Add(pair.Value.Name);
            output.Add(new Assign(valueRef, AssignOp.Set, newValue));
            return true;
        }
    }
}
