using System;
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
    /// A part of an array passed to a helper (issue 10): <c>Dot(w.AsSpan(r * n, n), x)</c>, <c>x.AsSpan(1)</c>,
    /// <c>x.AsSpan(1..^1)</c>, <c>Sum(x[1..])</c>. The helper gets a scratch array holding a copy of the part (one buffer for
    /// the method when the call is in a loop, like a local <c>new T[n]</c> there), filled by a loop before the call; when
    /// the helper writes a <c>Span&lt;T&gt;</c> parameter, the copy is stored back into the part after the call (what writing
    /// through the span does). <c>x.AsSpan()</c> is the array itself. A copy is exactly a view while nothing else
    /// writes the array during the call: an argument that reads or writes the same array next to a part the helper writes
    /// (or while it writes any array) is reported.
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        /// <summary>The array expression, start and end (null: the array's end) of a slice argument, or null when <paramref name="e"/> is none.</summary>
        private (ExpressionSyntax Array, ExpressionSyntax? Start, ExpressionSyntax? Length, RangeExpressionSyntax? Range, bool Copy)? SliceForm(ExpressionSyntax e)
        {
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            if (e is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "AsSpan" } ma } inv
                && _model.GetSymbolInfo(inv, _ct).Symbol is IMethodSymbol m && m.ContainingType?.ToDisplayString() == "System.MemoryExtensions"
                && _model.GetTypeInfo(ma.Expression, _ct).Type is IArrayTypeSymbol { Rank: 1 })
            {
                var args = inv.ArgumentList.Arguments.Select(a => a.Expression).ToList();
                if (args.Count == 1 && args[0] is RangeExpressionSyntax r) return (ma.Expression, null, null, r, false);
                if (args.Any(a => _model.GetTypeInfo(a, _ct).Type?.SpecialType != SpecialType.System_Int32)) return null;
                return (ma.Expression, args.ElementAtOrDefault(0), args.ElementAtOrDefault(1), null, false);
            }
            // x[a..b] on an array: a new array (RuntimeHelpers.GetSubArray), never written back; on a span: a view (SpanViews.cs)
            if (e is ElementAccessExpressionSyntax ea && ea.ArgumentList.Arguments.Count == 1 && ea.ArgumentList.Arguments[0].Expression is RangeExpressionSyntax rr)
            {
                var t = _model.GetTypeInfo(ea.Expression, _ct).Type;
                if (t is IArrayTypeSymbol { Rank: 1 }) return (ea.Expression, null, null, rr, true);
                if (t is not null && IsSpan(t, out _, out _)) return (ea.Expression, null, null, rr, false);
            }
            // s.Slice(start) / s.Slice(start, length) on a span parameter or a span local
            if (e is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "Slice" } sm } sinv
                && sinv.ArgumentList.Arguments.Count is 1 or 2 && _model.GetTypeInfo(sm.Expression, _ct).Type is { } st && IsSpan(st, out _, out _)
                && sinv.ArgumentList.Arguments.All(a => _model.GetTypeInfo(a.Expression, _ct).Type?.SpecialType == SpecialType.System_Int32))
            {
                var sargs = sinv.ArgumentList.Arguments;
                return (sm.Expression, sargs[0].Expression, sargs.Count == 2 ? sargs[1].Expression : null, null, false);
            }
            // a span local viewing part of an array, passed on whole: that part
            if (ViewOf(e) is not null) return (e, null, null, null, false);
            return null;
        }

        /// <summary>The variable (parameter, local, field) an argument's array comes from, through a slice or a row.</summary>
        private ISymbol? ArgumentRoot(ExpressionSyntax e)
        {
            if (ViewOf(e) is { } view) return view.RootSymbol;
            if (SliceForm(e) is { } s) e = s.Array;
            if (ViewOf(e) is { } inner) return inner.RootSymbol;
            while (e is ElementAccessExpressionSyntax ea) e = ea.Expression;
            return e is IdentifierNameSyntax or MemberAccessExpressionSyntax ? _model.GetSymbolInfo(e, _ct).Symbol : null;
        }

        /// <summary>An int position in an array of length <paramref name="length"/>: <c>k</c>, or <c>^k</c> (length − k).</summary>
        private Expr? LowerIndex(ExpressionSyntax e, Expr length)
        {
            if (e is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.IndexExpression } fromEnd)
            {
                var k = _model.GetConstantValue(fromEnd.Operand, _ct) is { HasValue: true, Value: int c0 } ? new Const(c0, IrType.Int) : LowerIntExpr(fromEnd.Operand, "a slice bound");
                return k is null ? null : new Binary(BinaryOp.Sub, length, k, IrType.Int);
            }
            // (an int converted to System.Index: its constant is read here, LowerExpr knows no Index)
            if (_model.GetConstantValue(e, _ct) is { HasValue: true, Value: int c }) return new Const(c, IrType.Int);
            return LowerIntExpr(e, "a slice bound");
        }

        /// <summary>The array, start and length of a slice form (null when reported; Start null for the whole array).</summary>
        private (ArrayRef Array, Expr? Start, Expr Count)? LowerSlicePart((ExpressionSyntax Array, ExpressionSyntax? Start, ExpressionSyntax? Length, RangeExpressionSyntax? Range, bool Copy) form, ExpressionSyntax where, IrType pt)
        {
            // a part of a span local that views part of an array: positions count from the view's start (SpanViews.cs); so do
            // the positions of a part of a part (x.AsSpan()[1..], x.AsSpan(2)[..^1], x[1..][..k], s.Slice(1)[..n])
            var view = ViewOf(form.Array);
            ArrayRef sa;
            if (view is null && SliceForm(form.Array) is { } outer)
            {
                if (LowerSlicePart(outer, where, pt) is not { } op) return null;
                view = new SpanView(op.Array, op.Start ?? new Const(0, IrType.Int), op.Count, ArgumentRoot(form.Array)!);
            }
            if (view is not null) sa = view.Root;
            else
            {
                var src = LowerExpr(form.Array);
                if (src is null) return null;
                if (src is not ArrayRef a) { Report(Descriptors.UnsupportedExpression, where, where.ToString(), $"take a part of an array variable of type {pt}"); return null; }
                sa = a;
            }
            if (sa.Type != pt)
            {
                Report(Descriptors.UnsupportedExpression, where, where.ToString(), $"take a part of an array variable of type {pt}");
                return null;
            }
            Expr length = view?.Count ?? Len(sa.Array, sa.ArrayType, sa.Row, 0);
            Expr? At(Expr? s) => view is null || s is null ? s : AddInts(view.Start, s);
            if (form.Start is null && form.Length is null && form.Range is null) return (sa, view?.Start, length); // x.AsSpan(): the array itself (a view: its part)
            if (form.Range is { } r)
            {
                var s = r.LeftOperand is null ? new Const(0, IrType.Int) : LowerIndex(r.LeftOperand, length);
                var end = r.RightOperand is null ? length : LowerIndex(r.RightOperand, length);
                if (s is null || end is null) return null;
                return (sa, At(s), s is Const { Value: 0 } ? end : new Binary(BinaryOp.Sub, end, s, IrType.Int));
            }
            var st = LowerIntExpr(form.Start!, "the start of a slice");
            if (st is null) return null;
            var c = form.Length is null ? new Binary(BinaryOp.Sub, length, st, IrType.Int) : LowerIntExpr(form.Length, "the length of a slice");
            if (c is null) return null;
            return (sa, At(st), c);
        }

        /// <summary>copy[k] = a[start + k] for k &lt; count.</summary>
        private Stmt CopyPart(ArrayRef sa, Expr start, Expr count, string copy, IrType type, bool back = false)
        {
            var k = FreshName("__sl");
            var K = new VarRef(k, IrType.Int);
            Expr i = start is Const { Value: 0 } ? K : new Binary(BinaryOp.Add, start, K, IrType.Int);
            Expr at = ElementAt(sa, i);
            var c = new ElemRef(copy, type, new Expr[] { K }.ToEquatable());
            var assign = back ? new Assign(at, AssignOp.Set, c) : new Assign(c, AssignOp.Set, at);
            return new For(k, new Const(0, IrType.Int), BinaryOp.Lt, count, 1, new Stmt[] { assign }.ToEquatable());
        }

        /// <summary>
        /// Binds a slice argument of a helper's array/span parameter: a scratch copy (statements into <paramref name="stmts"/>,
        /// the store back into <paramref name="back"/>). Null when it was reported.
        /// </summary>
        private ArrayRef? LowerSliceArgument(ExpressionSyntax arg, IrType pt, string scratch, bool writes, List<Stmt> stmts, List<Stmt> back, out string? source)
        {
            source = null;
            var form = SliceForm(arg)!.Value;
            if (LowerSlicePart(form, arg, pt) is not { } part) return null;
            source = part.Array.Array;
            if (part.Start is not { } start) return part.Array;
            var count = part.Count;
            // the scratch: allocated where it is at the top level, else once for the method (its length must not change)
            var decl = new DeclArray(scratch, pt, new[] { count }.ToEquatable());
            if (_loopDepth == 0 && _branchDepth == 0)
            {
                stmts.Add(decl);
                _topLevelLocals.Add(scratch);
            }
            else
            {
                var sizeVars = new HashSet<string>(StringComparer.Ordinal);
                bool varies = false;
                foreach (var d in IrQueries.Descendants(count))
                {
                    if (d is VarRef v && IsFixedName(v.Name)) sizeVars.Add(v.Name);
                    else if (d is VarRef || d is ElemRef el && !IsParameterName(el.Array)) varies = true;
                }
                if (varies)
                {
                    // a length read per row (x.AsSpan(start, nfft) in foreach (int nfft in sizes)): one buffer sized for the
                    // largest, and the helper's Length is this row's (as for a local array sized per row)
                    if (pt.Shape != Shape.Vector || Capacity(count, out var before) is not { } capacity)
                    {
                        Report(Descriptors.UnsupportedExpression, arg, arg.ToString(),
                            "the length of a part of an array passed inside a loop or an if must not change there, unless it is bounded by the data (a row length x[i].Length, an element of an int[] parameter, sums of those); DiffGen gives the helper a copy of the part in one buffer for the method: pass the whole array with the start and the length as int parameters, and index it with the offset in the helper");
                        return null;
                    }
                    _hoistedArrays.AddRange(before);
                    var boundVars = new HashSet<string>(IrQueries.Descendants(capacity).OfType<VarRef>().Select(x => x.Name).Where(IsFixedName), StringComparer.Ordinal);
                    _hoistedSizes.Add((scratch, boundVars, arg.GetLocation()));
                    var sizeName = FreshName(scratch + "_len");
                    stmts.Add(new DeclScalar(sizeName, IrType.Int, count));
                    _rowIntInits[sizeName] = count;
                    _dynamicLengths[scratch] = sizeName;
                    _hoistedArrays.Add(decl with { Sizes = new[] { capacity }.ToEquatable() });
                    count = new VarRef(sizeName, IrType.Int);
                }
                else
                {
                    _hoistedSizes.Add((scratch, sizeVars, arg.GetLocation()));
                    _hoistedArrays.Add(decl);
                }
            }
            stmts.Add(CopyPart(part.Array, start, count, scratch, pt));
            if (writes && !form.Copy)
            {
                MarkWritten(form.Array);
                back.Add(CopyPart(part.Array, start, count, scratch, pt, back: true));
            }
            return new ArrayRef(scratch, pt, null);
        }

        /// <summary>Does the helper body write elements of <paramref name="p"/> (any array parameter when null), or pass it on to a call (which may)?</summary>
        private bool HelperWrites(SyntaxNode body, SemanticModel model, IReadOnlyList<IParameterSymbol> parameters, IParameterSymbol? p)
        {
            bool Is(ExpressionSyntax e)
            {
                while (e is ElementAccessExpressionSyntax ea) e = ea.Expression;
                return model.GetSymbolInfo(e, _ct).Symbol is IParameterSymbol s && (p is null ? parameters.Contains(s, SymbolEqualityComparer.Default) : SymbolEqualityComparer.Default.Equals(s, p));
            }
            foreach (var n in body.DescendantNodesAndSelf())
            {
                ExpressionSyntax? t = n switch
                {
                    AssignmentExpressionSyntax { Left: ElementAccessExpressionSyntax x } => x,
                    PostfixUnaryExpressionSyntax { Operand: ElementAccessExpressionSyntax x } => x,
                    PrefixUnaryExpressionSyntax { Operand: ElementAccessExpressionSyntax x } => x,
                    ArgumentSyntax { Expression: IdentifierNameSyntax x } => x,
                    ArgumentSyntax { Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax x } } } => x,
                    InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax x } } => x, // y.Fill(0), y.CopyTo(...)
                    _ => null,
                };
                if (t is not null && Is(t)) return true;
            }
            return false;
        }
    }
}
