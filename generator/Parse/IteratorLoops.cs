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
    /// <c>foreach (var (x, t) in Pairs(tokens, targets))</c> over the user's own iterator method (batch 26's layer:
    /// <c>IEnumerable&lt;(float[], float[])&gt; Pairs(...) { for (...) yield return (a[i], b[i]); }</c>). The iterator is inlined like a
    /// void helper, and each <c>yield return e;</c> becomes the loop body with the iteration variables bound to e: what C# runs,
    /// without the enumerator object. The loop body is lowered in the caller's terms (its model, its return machinery) where the
    /// yield stands, so its statements sit inside the iterator's own loops. Refused with a reason: <c>yield break</c>, a
    /// <c>return</c> or a <c>break</c> of the foreach in its body, and a <c>continue</c> unless every yield ends the body of its
    /// innermost loop in the iterator (then continuing that loop is continuing the foreach).
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        /// <summary>What the code around the foreach sees (restored while its body is lowered at a yield).</summary>
        private sealed record CallerState(SemanticModel Model, string? DoneFlag, string? ReturnVar, Location? FirstEarlyReturn, IrType ReturnType, string Prefix,
            List<(string, IrType)>? HelperResults, string? HoistBan, Receiver? Receiver, StructSelf? StructThis, bool HelperAggregate,
            (IMethodSymbol Method, IReadOnlyList<IParameterSymbol> Params)? TailLoop);

        /// <summary>A foreach over an iterator being inlined: its variables (caller's symbols and types), body, call and the caller's state.</summary>
        private sealed record IteratorFrame(List<(ISymbol? Symbol, ITypeSymbol Type)> Variables, ILocalSymbol? TupleLocal, StatementSyntax Body,
            ExpressionSyntax Call, CallerState Caller, IteratorFrame? Outer);

        private IteratorFrame? _iterator;

        private CallerState CaptureState() => new(_model, _doneFlag, _returnVar, _firstEarlyReturn, _returnType, _prefix, _helperResults, _hoistBan,
            _receiver, _structThis, _helperAggregate, _tailLoop);

        private void RestoreState(CallerState s) =>
            (_model, _doneFlag, _returnVar, _firstEarlyReturn, _returnType, _prefix, _helperResults, _hoistBan, _receiver, _structThis, _helperAggregate, _tailLoop) =
            (s.Model, s.DoneFlag, s.ReturnVar, s.FirstEarlyReturn, s.ReturnType, s.Prefix, s.HelperResults, s.HoistBan, s.Receiver, s.StructThis, s.HelperAggregate, s.TailLoop);

        /// <summary>Is <paramref name="inv"/> the call of the iterator whose foreach is being lowered (inlined as a void helper)?</summary>
        private bool IsIteratorCall(ExpressionSyntax inv) => _iterator is { } it && ReferenceEquals(it.Call, inv);

        /// <summary>A foreach over the user's iterator method: inlined (true, also when reported); false for any other collection.</summary>
        private bool TryLowerIteratorForEach(SyntaxNode loop, ExpressionSyntax collection, StatementSyntax body)
        {
            var e = collection;
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            if (e is not InvocationExpressionSyntax inv || _model.GetSymbolInfo(inv, _ct).Symbol is not IMethodSymbol called) return false;
            var m = called.ReducedFrom ?? called;
            if (m.ReturnType is not INamedTypeSymbol { IsGenericType: true } rt || rt.OriginalDefinition.SpecialType != SpecialType.System_Collections_Generic_IEnumerable_T)
                return false;
            var block = m.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct) switch
            {
                MethodDeclarationSyntax md => md.Body,
                LocalFunctionStatementSyntax lf => lf.Body,
                _ => null,
            };
            if (block is null) return false;
            static bool Own(SyntaxNode n) => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax);
            var yields = block.DescendantNodes(Own).OfType<YieldStatementSyntax>().ToList();
            if (!yields.Any(y => y.IsKind(SyntaxKind.YieldReturnStatement))) return false;

            const string advice = "write the loop over the arrays with an index instead ('for (int i = 0; i < a.Length; i++) { var x = a[i]; ... }')";
            if (yields.FirstOrDefault(y => y.IsKind(SyntaxKind.YieldBreakStatement)) is { } yb)
            {
                Report(Descriptors.UnsupportedStatement, yb, "yield break", "an iterator inlined into a foreach may only yield values, not stop early; " + advice);
                return true;
            }
            // the foreach body: no return, no break of the foreach itself (they would leave the iterator's loops, not the foreach)
            if (body.DescendantNodesAndSelf(Own).OfType<ReturnStatementSyntax>().FirstOrDefault() is { } ret)
            {
                Report(Descriptors.UnsupportedStatement, ret, "return", "a return inside a foreach over an iterator method is not supported; set a flag and skip the rest, or " + advice);
                return true;
            }
            bool Nested(SyntaxNode n) => Own(n) && n is not (ForStatementSyntax or ForEachStatementSyntax or ForEachVariableStatementSyntax or WhileStatementSyntax or DoStatementSyntax or SwitchStatementSyntax);
            bool NestedLoop(SyntaxNode n) => Own(n) && n is not (ForStatementSyntax or ForEachStatementSyntax or ForEachVariableStatementSyntax or WhileStatementSyntax or DoStatementSyntax);
            if (body.DescendantNodesAndSelf(Nested).OfType<BreakStatementSyntax>().FirstOrDefault() is { } brk && brk.Ancestors().TakeWhile(a => a != body).All(a => a is not SwitchStatementSyntax))
            {
                Report(Descriptors.UnsupportedStatement, brk, "break", "a break out of a foreach over an iterator method is not supported; " + advice);
                return true;
            }
            if (body.DescendantNodesAndSelf(NestedLoop).OfType<ContinueStatementSyntax>().FirstOrDefault() is { } cont && !yields.All(EndsItsLoop))
            {
                Report(Descriptors.UnsupportedStatement, cont, "continue", "a continue in a foreach over an iterator method is supported when each 'yield return' is the last statement of its loop in the iterator; put the rest of the body under an if, or " + advice);
                return true;
            }

            // the iteration variables, in the caller's terms
            var vars = new List<(ISymbol?, ITypeSymbol)>();
            ILocalSymbol? tupleLocal = null;
            if (loop is ForEachVariableStatementSyntax { Variable: DeclarationExpressionSyntax { Designation: ParenthesizedVariableDesignationSyntax pd } })
            {
                foreach (var d in pd.Variables)
                {
                    if (d is SingleVariableDesignationSyntax sv && _model.GetDeclaredSymbol(sv, _ct) is ILocalSymbol l) vars.Add((l, l.Type));
                    else if (d is DiscardDesignationSyntax) vars.Add((null, _model.Compilation.GetSpecialType(SpecialType.System_Double)));
                    else return false;
                }
            }
            else if (loop is ForEachStatementSyntax fe && _model.GetDeclaredSymbol(fe, _ct) is ILocalSymbol local)
            {
                if (local.Type is INamedTypeSymbol { IsTupleType: true } tt)
                {
                    if (tt.TupleElements.Any(el => MapType(el.Type) is not { IsArray: false })) return false;
                    tupleLocal = local;
                    vars.AddRange(tt.TupleElements.Select(el => ((ISymbol?)el, el.Type)));
                }
                else vars.Add((local, local.Type));
            }
            else return false;

            var frame = new IteratorFrame(vars, tupleLocal, body, inv, CaptureState(), _iterator);
            _iterator = frame;
            try { InlineMethod(inv, called); } // a void helper: its statements go to _pending, before the (empty) statement
            finally { _iterator = frame.Outer; }
            return true;
        }

        /// <summary>Is the yield the last statement of the body of its innermost loop (in the iterator)?</summary>
        private static bool EndsItsLoop(YieldStatementSyntax y)
        {
            SyntaxNode n = y;
            while (n.Parent is BlockSyntax b && b.Statements.Last() == n) n = b;
            return n.Parent is ForStatementSyntax or ForEachStatementSyntax or ForEachVariableStatementSyntax or WhileStatementSyntax or DoStatementSyntax
                && n.Parent switch
                {
                    ForStatementSyntax f => f.Statement == n,
                    ForEachStatementSyntax f => f.Statement == n,
                    ForEachVariableStatementSyntax f => f.Statement == n,
                    WhileStatementSyntax w => w.Statement == n,
                    DoStatementSyntax d => d.Statement == n,
                    _ => false,
                };
        }

        /// <summary><c>yield return e;</c> inside the inlined iterator: the foreach body, with its variables bound to e.</summary>
        private void LowerYield(YieldStatementSyntax ys, IteratorFrame it, List<Stmt> output)
        {
            if (ys.Expression is null) return;
            List<Expr>? values;
            if (it.Variables.Count == 1 && it.TupleLocal is null)
                values = LowerExpr(ys.Expression) is { } one ? new List<Expr> { one } : null;
            else if (ys.Expression is TupleExpressionSyntax te && te.Arguments.Count == it.Variables.Count)
            {
                // (a[i], b[i]) of rows: each element by itself (a tuple local could not hold rows)
                values = new List<Expr>();
                foreach (var arg in te.Arguments)
                {
                    if (LowerExpr(arg.Expression) is not { } x) return;
                    values.Add(x);
                }
            }
            else values = LowerTuple(ys.Expression);
            if (values is null) return;
            if (values.Count != it.Variables.Count)
            {
                Report(Descriptors.UnsupportedStatement, ys, "yield return", "the yielded value must have one element per iteration variable; yield a tuple written in place ('yield return (a[i], b[i]);')");
                return;
            }
            output.AddRange(_pending);
            _pending.Clear();
            var body = new List<Stmt>();
            var tupleVars = new List<Variable>();
            for (int i = 0; i < values.Count; i++)
            {
                var (sym, type) = it.Variables[i];
                var value = values[i];
                if (value is ArrayRef arr)
                {
                    // a row or an array yielded: the variable is a second name for it (C# yields the reference)
                    if (sym is null) continue;
                    if (it.TupleLocal is not null) { Report(Descriptors.UnsupportedStatement, ys, "yield return", "deconstruct a yielded tuple that holds arrays ('foreach (var (x, y) in ...)')"); return; }
                    _substituted[sym] = arr;
                    continue;
                }
                if (MapType(type) is not { IsArray: false } vt)
                {
                    Report(Descriptors.UnsupportedStatement, ys, "yield return", "the iteration variables must be float, double, int or bool values, or arrays (rows)");
                    return;
                }
                var name = FreshName(it.Caller.Prefix + (sym?.Name ?? "item"));
                body.Add(new DeclScalar(name, vt, value.Type == vt ? value : new IR.Convert(value, vt)));
                var v = new Variable(name, vt, VarKind.Local);
                if (it.TupleLocal is not null) tupleVars.Add(v);
                else if (sym is not null) _vars[sym] = v;
            }
            if (it.TupleLocal is not null) _tupleVars[it.TupleLocal] = tupleVars;
            // the body in the caller's terms, where the yield stands (inside the iterator's loops)
            var helper = CaptureState();
            var savedPending = _pending;
            var savedIterator = _iterator;
            RestoreState(it.Caller);
            _iterator = it.Outer;
            _pending = new List<Stmt>();
            try { LowerBlock(it.Body, body); }
            finally
            {
                RestoreState(helper);
                _pending = savedPending;
                _iterator = savedIterator;
            }
            output.AddRange(body);
        }
    }
}
