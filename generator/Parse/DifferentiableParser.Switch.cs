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
    /// <c>switch</c> statements and switch expressions, lowered to the if/else chains and conditionals they mean: sections
    /// in source order (the default section last), a section's labels joined with ||, patterns (constants, &lt; &lt;= &gt; &gt;=,
    /// and/or/not, _, a <c>when</c> clause) to comparisons of the governing value, which is lowered once. Like an if, a
    /// switch on a value carries no derivative through its condition. A section ending in <c>goto case</c>/<c>goto default</c>
    /// runs on with the target section's statements (<see cref="SectionStatements"/>).
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        private void LowerSwitch(SwitchStatementSyntax sw, List<Stmt> output)
        {
            var savedText = (_textSwitch, _textSwitchSuffix);
            _textSwitch = TextParam(sw.Expression, out _textSwitchSuffix); // switch (reduction) { case "mean": ... } (Members.cs)
            try { LowerSwitchCore(sw, output); }
            finally { (_textSwitch, _textSwitchSuffix) = savedText; }
        }

        private void LowerSwitchCore(SwitchStatementSyntax sw, List<Stmt> output)
        {
            var gov = _textSwitch is not null ? new Const(0, IrType.Int) : LowerExpr(sw.Expression);
            if (gov is null) return;
            if (gov.Type.IsArray)
            {
                Report(Descriptors.UnsupportedStatement, sw, "switch", "switch on an int, bool, float or double value; index the array first");
                return;
            }
            var chain = new List<(Expr? Cond, List<Stmt> Body)>();
            List<Stmt>? defaultBody = null;
            foreach (var section in sw.Sections)
            {
                var stmts = SectionStatements(sw, section, new HashSet<SwitchSectionSyntax>());
                if (stmts is null) return;
                // a break elsewhere in the section leaves the switch early: not an if/else any more
                var early = stmts.SelectMany(s => s.DescendantNodesAndSelf(n => n is not (ForStatementSyntax or WhileStatementSyntax or DoStatementSyntax or ForEachStatementSyntax or SwitchStatementSyntax)))
                    .OfType<BreakStatementSyntax>().FirstOrDefault();
                if (early is not null)
                {
                    Report(Descriptors.UnsupportedStatement, early, "break", "a break that leaves a switch section early is not supported; write the section with one break at its end and put the rest of the section under an if");
                    return;
                }
                var body = new List<Stmt>();
                _branchDepth++;
                foreach (var s in stmts) LowerStatement(s, body);
                _branchDepth--;
                Expr? cond = null;
                bool isDefault = false;
                foreach (var label in section.Labels)
                {
                    Expr? c;
                    switch (label)
                    {
                        case DefaultSwitchLabelSyntax:
                            isDefault = true;
                            continue;
                        case CaseSwitchLabelSyntax cl when _textSwitch is not null:
                            {
                                var k = _model.GetConstantValue(cl.Value, _ct);
                                c = k.HasValue && k.Value is string or null ? TextFlag(_textSwitch, k.Value as string, equals: true, cl, _textSwitchSuffix) : Compare(BinaryOp.Eq, gov, cl.Value);
                                break;
                            }
                        case CaseSwitchLabelSyntax cl:
                            c = Compare(BinaryOp.Eq, gov, cl.Value);
                            break;
                        case CasePatternSwitchLabelSyntax pl:
                            c = LowerPattern(pl.Pattern, gov);
                            if (c is not null && pl.WhenClause is { } when)
                            {
                                var w = LowerExpr(when.Condition);
                                c = w is null ? null : new Binary(BinaryOp.And, c, w, IrType.Bool);
                            }
                            break;
                        default:
                            Report(Descriptors.UnsupportedStatement, label, "switch", "use case labels with constants or patterns (case 1:, case > 0:)");
                            return;
                    }
                    if (c is null) return;
                    cond = cond is null ? c : new Binary(BinaryOp.Or, cond, c, IrType.Bool);
                }
                // 'case 1: default:' in one section: the section is the default
                if (isDefault) defaultBody = body;
                else chain.Add((cond, body));
            }
            var tail = defaultBody ?? new List<Stmt>();
            for (int i = chain.Count - 1; i >= 0; i--)
                tail = new List<Stmt> { new If(chain[i].Cond!, chain[i].Body.ToEquatable(), tail.ToEquatable()) };
            output.AddRange(tail);
        }

        /// <summary>
        /// A section's statements without its closing <c>break</c>. A section that ends with <c>goto case c;</c> or
        /// <c>goto default;</c> (C#'s explicit fall-through) gets the target section's statements in place of the goto, which
        /// is what running on into that section does; a chain of them is followed, a cycle (a loop written with goto) is
        /// reported. Null when something was reported.
        /// </summary>
        private List<StatementSyntax>? SectionStatements(SwitchStatementSyntax sw, SwitchSectionSyntax section, HashSet<SwitchSectionSyntax> visiting)
        {
            var stmts = section.Statements.SelectMany(s => s is BlockSyntax b && section.Statements.Count == 1 ? b.Statements : (IEnumerable<StatementSyntax>)new[] { s }).ToList();
            if (stmts.Count > 0 && stmts[stmts.Count - 1] is BreakStatementSyntax) stmts.RemoveAt(stmts.Count - 1);
            if (stmts.Count == 0 || stmts[stmts.Count - 1] is not GotoStatementSyntax g || !(g.IsKind(SyntaxKind.GotoCaseStatement) || g.IsKind(SyntaxKind.GotoDefaultStatement)))
                return stmts;
            SwitchSectionSyntax? target;
            if (g.IsKind(SyntaxKind.GotoDefaultStatement))
                target = sw.Sections.FirstOrDefault(x => x.Labels.Any(l => l is DefaultSwitchLabelSyntax));
            else
            {
                var wanted = _model.GetConstantValue(g.Expression!, _ct);
                target = !wanted.HasValue ? null : sw.Sections.FirstOrDefault(x => x.Labels.OfType<CaseSwitchLabelSyntax>()
                    .Any(l => _model.GetConstantValue(l.Value, _ct) is { HasValue: true } c && SameConstant(c.Value, wanted.Value)));
            }
            if (target is null)
            {
                Report(Descriptors.UnsupportedStatement, g, "goto case", "jump to a section labelled with a constant ('case 1:') or to 'default:'; or end the section with 'break' and repeat the target section's statements in it");
                return null;
            }
            visiting.Add(section);
            if (visiting.Contains(target))
            {
                Report(Descriptors.UnsupportedStatement, g, "goto case", "these sections jump to each other in a cycle, a loop written with goto: write the loop with while and a switch inside it");
                return null;
            }
            var rest = SectionStatements(sw, target, visiting);
            if (rest is null) return null;
            stmts.RemoveAt(stmts.Count - 1);
            stmts.AddRange(rest);
            return stmts;
        }

        /// <summary>Two case constants are the same value (numbers compared as numbers: 'goto case 1' reaches 'case 1L').</summary>
        private static bool SameConstant(object? a, object? b) =>
            a is System.IConvertible && b is System.IConvertible && a is not (string or bool) && b is not (string or bool)
                ? System.Convert.ToDouble(a, System.Globalization.CultureInfo.InvariantCulture) == System.Convert.ToDouble(b, System.Globalization.CultureInfo.InvariantCulture)
                : Equals(a, b);

        /// <summary><c>v switch { p1 =&gt; a, p2 when c =&gt; b, _ =&gt; d }</c> as nested conditionals (an unmatched value takes the last arm).</summary>
        private Expr? LowerSwitchExpression(SwitchExpressionSyntax sw)
        {
            var savedText = (_textSwitch, _textSwitchSuffix);
            _textSwitch = TextParam(sw.GoverningExpression, out _textSwitchSuffix); // reduction switch { "mean" => ..., _ => ... } (Members.cs)
            try { return LowerSwitchExpressionCore(sw); }
            finally { (_textSwitch, _textSwitchSuffix) = savedText; }
        }

        /// <summary>The elements of a tuple a switch governs (<c>(over, under) switch { (&gt; 0, _) =&gt; ... }</c>), while its arms are lowered.</summary>
        private List<Expr>? _tupleGov;
        /// <summary>Stands for the whole tuple while <see cref="_tupleGov"/> is set (only positional patterns and _ test it).</summary>
        private static readonly Expr _tupleGovWhole = new Const(0, IrType.Int);

        private Expr? LowerSwitchExpressionCore(SwitchExpressionSyntax sw)
        {
            var savedTuple = _tupleGov;
            try
            {
                _tupleGov = null;
                if (sw.GoverningExpression is TupleExpressionSyntax tuple)
                {
                    // a switch on a tuple of scalars: each positional pattern tests its element
                    _tupleGov = new List<Expr>();
                    foreach (var a in tuple.Arguments)
                    {
                        var e = LowerExpr(a.Expression);
                        if (e is null) return null;
                        if (e.Type.IsArray) { Report(Descriptors.UnsupportedExpression, a, a.ToString(), "switch on a tuple of scalars"); return null; }
                        _tupleGov.Add(e);
                    }
                }
                return LowerSwitchArms(sw);
            }
            finally { _tupleGov = savedTuple; }
        }

        private Expr? LowerSwitchArms(SwitchExpressionSyntax sw)
        {
            var gov = _tupleGov is not null ? _tupleGovWhole : _textSwitch is not null ? new Const(0, IrType.Int) : LowerExpr(sw.GoverningExpression);
            if (gov is null) return null;
            var t = MapType(_model.GetTypeInfo(sw, _ct).Type!);
            if (t is null || t.Value.IsArray || gov.Type.IsArray)
            {
                Report(Descriptors.UnsupportedExpression, sw, "switch", "switch on a scalar and choose between scalars; for arrays use if/else and index each one");
                return null;
            }
            var arms = new List<(Expr Cond, Expr Value)>();
            var armSyntax = sw.Arms.ToList();
            Throw? unmatched = null;
            if (armSyntax.Count > 1 && armSyntax[armSyntax.Count - 1] is { Expression: ThrowExpressionSyntax thrown, WhenClause: null, Pattern: DiscardPatternSyntax or VarPatternSyntax } last
                && armSyntax.Take(armSyntax.Count - 1).All(a => a.Expression is not ThrowExpressionSyntax))
            {
                // '_ => throw new ArgumentException(...)': over parameters and constants in the method itself, checked by the
                // entry points before anything runs (GuardClauses.SwitchDefault); otherwise checked before this statement,
                // 'if (!(arm 1 matches || arm 2 matches ...)) throw ...' (Throw.cs). Either way one of the other arms matches here.
                if (_inlineStack.Count == 0 && GuardClauses.SwitchDefault(sw, _model, _ct) is { } guard)
                {
                    if (!_guards.Contains(guard)) _guards.Add(guard);
                }
                else if ((unmatched = LowerThrow(thrown.Expression, thrown)) is null) return null;
                armSyntax.RemoveAt(armSyntax.Count - 1);
            }
            else if (armSyntax.FirstOrDefault(a => a.Expression is ThrowExpressionSyntax) is { } throwing)
            {
                Report(Descriptors.UnsupportedExpression, throwing, throwing.ToString(),
                    "a throwing arm is supported as the last arm, '_ => throw ...' (no 'when'); make it the last arm, or check the value with 'if (...) throw ...;' before the switch");
                return null;
            }
            foreach (var arm in armSyntax)
            {
                var c = LowerPattern(arm.Pattern, gov);
                if (c is null) return null;
                if (arm.WhenClause is { } when)
                {
                    var w = LowerExpr(when.Condition);
                    if (w is null) return null;
                    c = new Binary(BinaryOp.And, c, w, IrType.Bool);
                }
                var v = LowerBranch(arm.Expression, out var pre);
                if (v is null) return null;
                // helpers an arm calls run when its pattern matches (also when an earlier arm took the value: harmless, they only compute)
                if (pre.Count > 0) EmitGuarded(c, pre, new List<Stmt>());
                arms.Add((c, v.Type == t.Value ? v : new IR.Convert(v, t.Value)));
            }
            if (arms.Count == 0) { Report(Descriptors.UnsupportedExpression, sw, "switch", "give the switch expression at least one arm"); return null; }
            if (unmatched is not null)
            {
                Expr matched = arms[0].Cond;
                for (int i = 1; i < arms.Count; i++) matched = new Binary(BinaryOp.Or, matched, arms[i].Cond, IrType.Bool);
                EmitGuarded(matched, new List<Stmt>(), new List<Stmt> { unmatched });
            }
            var result = arms[arms.Count - 1].Value;
            for (int i = arms.Count - 2; i >= 0; i--) result = new Conditional(arms[i].Cond, arms[i].Value, result, t.Value);
            return result;
        }

        /// <summary>A pattern tested against <paramref name="gov"/>: constants, relational, and/or/not, parentheses, discard.</summary>
        private Expr? LowerPattern(PatternSyntax p, Expr gov)
        {
            switch (p)
            {
                case DiscardPatternSyntax:
                    return new Const(1, IrType.Bool);
                case VarPatternSyntax { Designation: SingleVariableDesignationSyntax vd } when _tupleGov is null || !ReferenceEquals(gov, _tupleGovWhole):
                    {
                        // 'var a when a <= delta => ...': a names the value switched on
                        if (_model.GetDeclaredSymbol(vd, _ct) is { } bound) _substituted[bound] = gov;
                        return new Const(1, IrType.Bool);
                    }
                case DeclarationPatternSyntax { Designation: SingleVariableDesignationSyntax dd } dp when _model.GetTypeInfo(dp.Type, _ct).Type is { } dt && MapType(dt) is { IsArray: false } declared && declared == gov.Type:
                    {
                        // 'double a when ...' on a double: always matches, a names the value
                        if (_model.GetDeclaredSymbol(dd, _ct) is { } bound) _substituted[bound] = gov;
                        return new Const(1, IrType.Bool);
                    }
                case RecursivePatternSyntax { Type: null, PropertyPatternClause: null, Designation: null, PositionalPatternClause: { } pc } when _tupleGov is { } elems && ReferenceEquals(gov, _tupleGovWhole) && pc.Subpatterns.Count == elems.Count:
                    {
                        // (> 0, _) against (over, under): every element's pattern
                        Expr all = new Const(1, IrType.Bool);
                        for (int i = 0; i < elems.Count; i++)
                        {
                            if (pc.Subpatterns[i].NameColon is not null) break;
                            var x = LowerPattern(pc.Subpatterns[i].Pattern, elems[i]);
                            if (x is null) return null;
                            all = all is Const { Value: 1 } ? x : x is Const { Value: 1 } ? all : new Binary(BinaryOp.And, all, x, IrType.Bool);
                        }
                        return all;
                    }
                case ConstantPatternSyntax c when _textSwitch is not null:
                    {
                        var k = _model.GetConstantValue(c.Expression, _ct);
                        if (k.HasValue && k.Value is string or null) return TextFlag(_textSwitch, k.Value as string, equals: true, c, _textSwitchSuffix);
                        break;
                    }
                case ConstantPatternSyntax c:
                    return Compare(BinaryOp.Eq, gov, c.Expression);
                case RelationalPatternSyntax r:
                    {
                        BinaryOp? op = r.OperatorToken.Kind() switch
                        {
                            SyntaxKind.LessThanToken => BinaryOp.Lt,
                            SyntaxKind.LessThanEqualsToken => BinaryOp.Le,
                            SyntaxKind.GreaterThanToken => BinaryOp.Gt,
                            SyntaxKind.GreaterThanEqualsToken => BinaryOp.Ge,
                            _ => null,
                        };
                        if (op is null) break;
                        return Compare(op.Value, gov, r.Expression);
                    }
                case ParenthesizedPatternSyntax pp:
                    return LowerPattern(pp.Pattern, gov);
                case UnaryPatternSyntax u when u.OperatorToken.IsKind(SyntaxKind.NotKeyword):
                    {
                        var x = LowerPattern(u.Pattern, gov);
                        return x is null ? null : new Unary(UnaryOp.Not, x, IrType.Bool);
                    }
                case BinaryPatternSyntax b:
                    {
                        var l = LowerPattern(b.Left, gov);
                        var r = LowerPattern(b.Right, gov);
                        if (l is null || r is null) return null;
                        return new Binary(b.OperatorToken.IsKind(SyntaxKind.AndKeyword) ? BinaryOp.And : BinaryOp.Or, l, r, IrType.Bool);
                    }
            }
            Report(Descriptors.UnsupportedExpression, p, p.ToString(), "use constant and relational patterns (1, > 0, <= x, and/or/not, _); type and property patterns are not supported");
            return null;
        }

        private Expr? Compare(BinaryOp op, Expr gov, ExpressionSyntax value)
        {
            var v = LowerExpr(value);
            return v is null ? null : new Binary(op, gov, v, IrType.Bool);
        }
    }
}
