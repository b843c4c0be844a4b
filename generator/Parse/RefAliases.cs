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
    /// Ref locals (issue 10): <c>ref double acc = ref g[i, k];</c> then <c>acc += v;</c>, or <c>ref double s = ref total;</c>. The
    /// local is a second name for the element (or variable) it refers to, so every use of it is lowered as that element
    /// access, re-read where it is used: a read of <c>acc</c> is <c>g[i, k]</c>, <c>acc += v</c> is <c>g[i, k] += v</c>, with
    /// the usual checks of array writes. That is the alias only while the element it names stays the same: the array
    /// variable and every local the indices read must not change in the rest of the block that declares it, the indices
    /// must be plain (no calls, assignments or increments), and the local must not be re-bound (<c>acc = ref ...</c>);
    /// otherwise it is DIFF0004 with what to write instead.
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        /// <summary>Ref locals and the element access (or variable name) each stands for.</summary>
        private readonly Dictionary<ISymbol, ExpressionSyntax> _refAliases = new(SymbolEqualityComparer.Default);

        /// <summary>
        /// Declares <paramref name="local"/> (a ref local) as an alias when its target qualifies; reports why not otherwise.
        /// True when the declarator is handled either way.
        /// </summary>
        private bool TryDeclareRefAlias(VariableDeclaratorSyntax v, ILocalSymbol local)
        {
            if (!local.IsRef) return false;
            var target = v.Initializer?.Value is RefExpressionSyntax r ? r.Expression : null;
            while (target is ParenthesizedExpressionSyntax p) target = p.Expression;
            string? why = target switch
            {
                null => "it has no 'ref' initializer",
                ElementAccessExpressionSyntax ea when ea.Expression is not IdentifierNameSyntax => "it refers to an element of an expression, not of an array variable",
                ElementAccessExpressionSyntax ea when ea.ArgumentList.Arguments.Any(a => !Plain(a.Expression)) => "its indices call methods or assign",
                ElementAccessExpressionSyntax or IdentifierNameSyntax => null,
                _ => "it refers to something other than an array element or a local",
            };
            var scope = v.FirstAncestorOrSelf<LocalDeclarationStatementSyntax>();
            if (why is null && scope?.Parent is BlockSyntax block)
            {
                var rest = block.Statements.SkipWhile(s => s != scope).Skip(1).ToList();
                if (rest.Count > 0)
                {
                    var flow = _model.AnalyzeDataFlow(rest[0], rest[rest.Count - 1]);
                    var named = target!.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()
                        .Where(id => target is not IdentifierNameSyntax || id != target) // a scalar alias may change: it is the variable
                        .Select(id => _model.GetSymbolInfo(id, _ct).Symbol).Where(s => s is ILocalSymbol or IParameterSymbol).ToList();
                    if (flow is { Succeeded: true } && named.FirstOrDefault(s => flow.WrittenInside.Contains(s, SymbolEqualityComparer.Default)) is { } changed)
                        why = $"'{changed.Name}', which names the element, changes while '{local.Name}' is in scope";
                    else if (rest.SelectMany(s => s.DescendantNodesAndSelf()).OfType<AssignmentExpressionSyntax>()
                        .Any(a => a.Right is RefExpressionSyntax && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(a.Left, _ct).Symbol, local)))
                        why = $"'{local.Name}' is re-bound to another element ('{local.Name} = ref ...')";
                }
            }
            else if (why is null) why = "it is not declared in a block";
            if (why is not null)
            {
                Report(Descriptors.UnsupportedExpression, v, v.ToString(),
                    $"a ref local is read as the element it refers to, which needs that element to stay the same, but {why}: index the array where the local is used ('g[i, k] += v;'), with the indices in int locals that do not change");
                _rejected.Add(local);
                return true;
            }
            _refAliases[local] = target!;
            return true;
        }

        /// <summary>
        /// <c>double[] row = x[i];</c> (or <c>var</c>) with x a T[][] (or a jagged local): a second name for that row, as a helper's
        /// T[] parameter bound to a row is. The row index is read once, into an int local, where the declaration is (C# takes the row
        /// there too). Rejected when x or the local is assigned in the rest of the block, or a row of x is replaced
        /// (<c>x[j] = ...</c>): the name would then have to keep the old array. True when the declarator is handled either way.
        /// </summary>
        private bool TryDeclareRowLocal(VariableDeclaratorSyntax v, ILocalSymbol local, List<Stmt> output)
        {
            if (local.IsRef || local.Type is not IArrayTypeSymbol { Rank: 1 }) return false;
            var init = v.Initializer?.Value;
            while (init is ParenthesizedExpressionSyntax p) init = p.Expression;
            // 'double[] below = i + 1 < rows ? u[i + 1] : null;': a row that may be missing (a grid's last row has no row below),
            // tested with 'below != null' before it is read: the row's name, and an int saying whether C# holds the row or null
            ExpressionSyntax? nullCondition = null;
            bool nullWhenTrue = false;
            if (init is ConditionalExpressionSyntax ce && (IsNull(ce.WhenTrue) != IsNull(ce.WhenFalse)))
            {
                nullCondition = ce.Condition;
                nullWhenTrue = IsNull(ce.WhenTrue);
                init = nullWhenTrue ? ce.WhenFalse : ce.WhenTrue;
                while (init is ParenthesizedExpressionSyntax p2) init = p2.Expression;
            }
            if (init is not ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1 } ea || IsStackElement(ea) // var w = weights[l]: a layer of a stack (Buffers.cs)
                || _model.GetTypeInfo(ea.Expression, _ct).Type is not IArrayTypeSymbol { Rank: 1, ElementType: IArrayTypeSymbol }
                    && !(ea.Expression is IdentifierNameSyntax lid && _model.GetSymbolInfo(lid, _ct).Symbol is IParameterSymbol lp && _listRows.Contains(lp))) // List<T[]> rows
                return false;
            string? why = ea.Expression is IdentifierNameSyntax ? null : "the rows are those of an expression, not of an array variable";
            var source = ea.Expression is IdentifierNameSyntax id ? _model.GetSymbolInfo(id, _ct).Symbol : null;
            var scope = v.FirstAncestorOrSelf<LocalDeclarationStatementSyntax>();
            if (why is null && scope?.Parent is BlockSyntax block)
            {
                var rest = block.Statements.SkipWhile(s => s != scope).Skip(1).ToList();
                if (rest.Count > 0)
                {
                    var flow = _model.AnalyzeDataFlow(rest[0], rest[rest.Count - 1]);
                    if (flow is { Succeeded: true } && flow.WrittenInside.Contains(local, SymbolEqualityComparer.Default))
                        why = $"'{local.Name}' is assigned another array later";
                    else if (flow is { Succeeded: true } && source is not null && flow.WrittenInside.Contains(source, SymbolEqualityComparer.Default))
                        why = $"'{source.Name}' is assigned another array later";
                    else if (rest.SelectMany(s => s.DescendantNodesAndSelf()).OfType<AssignmentExpressionSyntax>().Any(a =>
                        a.Left is ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1, Expression: IdentifierNameSyntax target }
                        && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(target, _ct).Symbol, source)))
                        why = $"a row of '{source!.Name}' is replaced later";
                }
            }
            else if (why is null) why = "it is not declared in a block";
            if (why is not null)
            {
                Report(Descriptors.UnsupportedExpression, v, v.ToString(),
                    $"a row local is a second name for the row, but {why}: index the rows where they are used ('x[i][j]'), or copy the row ('x[i].ToArray()')");
                _rejected.Add(local);
                return true;
            }
            var lowered = LowerExpr(ea);
            if (lowered is null) { _rejected.Add(local); return true; }
            if (lowered is not ArrayRef { Row: { } row } ar) return false;
            if (row is not Const)
            {
                var rn = FreshName(_prefix + local.Name + "_index");
                output.Add(new DeclScalar(rn, IrType.Int, row));
                row = new VarRef(rn, IrType.Int);
            }
            _vars[local] = new Variable(ar.Array, ar.ArrayType, IsParameterName(ar.Array) ? VarKind.Param : VarKind.Local, row, v.GetLocation());
            if (nullCondition is not null)
            {
                if (scope?.Parent is BlockSyntax uses && UnguardedRead(local, uses.Statements.SkipWhile(st => st != scope).Skip(1)) is { } unguarded)
                {
                    Report(Descriptors.UnsupportedExpression, unguarded, unguarded.ToString(),
                        $"'{local.Name}' may be null here, where C# would throw; index it only under a test that it is not null ('{local.Name} != null ? {local.Name}[j] : 0', 'if ({local.Name} is not null) ...')");
                    _rejected.Add(local);
                    return true;
                }
                // the row read where C# holds null is never used, but SIMD code loads both sides of a choice: a row that exists
                var last = new Binary(BinaryOp.Sub, Len(ar.Array, ar.ArrayType, null, -1), new Const(1, IrType.Int), IrType.Int);
                var clamped = new Intrinsic(Fn.Max, new Expr[] { new Const(0, IrType.Int), new Intrinsic(Fn.Min, new[] { row, last }.ToEquatable(), IrType.Int) }.ToEquatable(), IrType.Int);
                if (row is VarRef rv && output.FindLastIndex(st => st is DeclScalar d && d.Name == rv.Name) is >= 0 and var at)
                    output[at] = ((DeclScalar)output[at]) with { Init = new Intrinsic(Fn.Max, new Expr[] { new Const(0, IrType.Int), new Intrinsic(Fn.Min, new[] { ((DeclScalar)output[at]).Init!, last }.ToEquatable(), IrType.Int) }.ToEquatable(), IrType.Int) };
                else
                    _vars[local] = new Variable(ar.Array, ar.ArrayType, IsParameterName(ar.Array) ? VarKind.Param : VarKind.Local, clamped, v.GetLocation());
                var cond = LowerExpr(nullCondition);
                if (cond is null) { _rejected.Add(local); return true; }
                var flag = FreshName(_prefix + local.Name + "_given");
                output.Add(new DeclScalar(flag, IrType.Int, new Conditional(cond, new Const(nullWhenTrue ? 0 : 1, IrType.Int), new Const(nullWhenTrue ? 1 : 0, IrType.Int), IrType.Int)));
                _nullableRows[local] = flag;
            }
            return true;
        }

        /// <summary>
        /// The first use of <paramref name="local"/> (a row that may be null) in <paramref name="rest"/> that is neither a null test
        /// nor inside the branch such a test guards (<c>x != null ? x[j] : 0</c>, <c>if (x is not null) { ... }</c>, the else of
        /// <c>x == null</c>, a <c>&amp;&amp;</c> after <c>x != null</c>); null when every read is guarded.
        /// </summary>
        private SyntaxNode? UnguardedRead(ILocalSymbol local, IEnumerable<StatementSyntax> rest)
        {
            bool Is(ExpressionSyntax e) { while (e is ParenthesizedExpressionSyntax p) e = p.Expression; return e is IdentifierNameSyntax && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(e, _ct).Symbol, local); }
            // +1: the test says the row is there, -1: that it is null, 0: not a test of it
            int Test(ExpressionSyntax c)
            {
                while (c is ParenthesizedExpressionSyntax p) c = p.Expression;
                switch (c)
                {
                    case BinaryExpressionSyntax b when b.IsKind(SyntaxKind.LogicalAndExpression):
                        return Test(b.Left) == 1 || Test(b.Right) == 1 ? 1 : 0;
                    case BinaryExpressionSyntax b when b.Kind() is SyntaxKind.EqualsExpression or SyntaxKind.NotEqualsExpression
                        && (IsNull(b.Right) && Is(b.Left) || IsNull(b.Left) && Is(b.Right)):
                        return b.IsKind(SyntaxKind.NotEqualsExpression) ? 1 : -1;
                    case IsPatternExpressionSyntax { Pattern: ConstantPatternSyntax { Expression: var n } } ip when IsNull(n) && Is(ip.Expression): return -1;
                    case IsPatternExpressionSyntax { Pattern: UnaryPatternSyntax { Pattern: ConstantPatternSyntax { Expression: var n } } } ip when IsNull(n) && Is(ip.Expression): return 1;
                    default: return 0;
                }
            }
            bool Guarded(SyntaxNode use)
            {
                for (SyntaxNode? n = use, parent = use.Parent; parent is not null; n = parent, parent = parent.Parent)
                {
                    switch (parent)
                    {
                        case ConditionalExpressionSyntax ce when n == ce.WhenTrue && Test(ce.Condition) == 1 || n == ce.WhenFalse && Test(ce.Condition) == -1:
                        case IfStatementSyntax ifs when n == ifs.Statement && Test(ifs.Condition) == 1:
                        case ElseClauseSyntax { Parent: IfStatementSyntax eifs } when Test(eifs.Condition) == -1:
                        case BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalAndExpression } and_ when n == and_.Right && Test(and_.Left) == 1:
                            return true;
                    }
                }
                return false;
            }
            foreach (var st in rest)
                foreach (var id in st.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
                {
                    if (!Is(id)) continue;
                    var outer = id.Parent is ParenthesizedExpressionSyntax ? id.Parent : id;
                    if (outer.Parent is BinaryExpressionSyntax tb && Test(tb) != 0 || outer.Parent is IsPatternExpressionSyntax tp && Test(tp) != 0) continue;
                    if (!Guarded(id)) return id;
                }
            return null;
        }

        /// <summary>Row locals that may hold null (<c>cond ? x[r] : null</c>): the int local that is 1 where C# holds the row.</summary>
        private readonly Dictionary<ISymbol, string> _nullableRows = new(SymbolEqualityComparer.Default);

        /// <summary>An index expression that can be lowered again where the alias is used: no calls, assignments or increments.</summary>
        private static bool Plain(ExpressionSyntax e) => !e.DescendantNodesAndSelf().Any(n =>
            n is InvocationExpressionSyntax or AssignmentExpressionSyntax or ObjectCreationExpressionSyntax
            || n is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression }
            || n is PostfixUnaryExpressionSyntax);

        /// <summary>The element access (or variable) a ref local stands for, when <paramref name="sym"/> is one.</summary>
        private ExpressionSyntax? RefAlias(ISymbol? sym) => sym is not null && _refAliases.TryGetValue(sym, out var target) ? target : null;
    }
}
