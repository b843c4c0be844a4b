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
            // x[a..b] on an array: a new array (RuntimeHelpers.GetSubArray), never written back
            if (e is ElementAccessExpressionSyntax ea && ea.ArgumentList.Arguments.Count == 1 && ea.ArgumentList.Arguments[0].Expression is RangeExpressionSyntax rr
                && _model.GetTypeInfo(ea.Expression, _ct).Type is IArrayTypeSymbol { Rank: 1 })
                return (ea.Expression, null, null, rr, true);
            return null;
        }

        /// <summary>The variable (parameter, local, field) an argument's array comes from, through a slice or a row.</summary>
        private ISymbol? ArgumentRoot(ExpressionSyntax e)
        {
            if (SliceForm(e) is { } s) e = s.Array;
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
            var src = LowerExpr(form.Array);
            if (src is null) return null;
            if (src is not ArrayRef sa || sa.Type != pt)
            {
                Report(Descriptors.UnsupportedExpression, where, where.ToString(), $"take a part of an array variable of type {pt}");
                return null;
            }
            Expr length = Len(sa.Array, sa.ArrayType, sa.Row, 0);
            if (form.Start is null && form.Length is null && form.Range is null) return (sa, null, length); // x.AsSpan(): the array itself
            if (form.Range is { } r)
            {
                var s = r.LeftOperand is null ? new Const(0, IrType.Int) : LowerIndex(r.LeftOperand, length);
                var end = r.RightOperand is null ? length : LowerIndex(r.RightOperand, length);
                if (s is null || end is null) return null;
                return (sa, s, s is Const { Value: 0 } ? end : new Binary(BinaryOp.Sub, end, s, IrType.Int));
            }
            var st = LowerIntExpr(form.Start!, "the start of a slice");
            if (st is null) return null;
            var c = form.Length is null ? new Binary(BinaryOp.Sub, length, st, IrType.Int) : LowerIntExpr(form.Length, "the length of a slice");
            if (c is null) return null;
            return (sa, st, c);
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
                foreach (var d in IrQueries.Descendants(count))
                {
                    if (d is VarRef v && IsFixedName(v.Name)) sizeVars.Add(v.Name);
                    else if (d is VarRef || d is ElemRef el && !IsParameterName(el.Array))
                    {
                        Report(Descriptors.UnsupportedExpression, arg, arg.ToString(),
                            "the length of a part of an array passed inside a loop or an if must not change there (DiffGen gives the helper a copy of the part in one buffer for the method); pass the whole array with the start and the length as int parameters, and index it with the offset in the helper");
                        return null;
                    }
                }
                _hoistedSizes.Add((scratch, sizeVars, arg.GetLocation()));
                _hoistedArrays.Add(decl);
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

        /// <summary>
        /// Why a span local viewing part of an array cannot be held as a copy (null when it can): the local is written
        /// (an element, a method called on it, passed where a Span is written), or the array is (an element, reassigned, passed
        /// to a method other than as a ReadOnlySpan), anywhere in the body that declares the local. Inside an inlined
        /// helper, the array must not be a parameter while the helper writes any element (another parameter may be the same array).
        /// </summary>
        private string? SpanViewWrites(VariableDeclaratorSyntax v, ILocalSymbol local, ExpressionSyntax init)
        {
            var form = SliceForm(init)!.Value;
            if (form.Copy) return null; // x[a..b] is a new array: writes to either do not meet
            var scope = v.Ancestors().FirstOrDefault(a => a is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax or AccessorDeclarationSyntax);
            if (scope is null) return "its scope is unknown";
            var root = ArgumentRoot(form.Array);
            if (root is null) return "the array is not a variable";
            bool helperParam = _inlineStack.Count > 0 && root is IParameterSymbol;
            ISymbol? Root(ExpressionSyntax e)
            {
                while (e is ElementAccessExpressionSyntax ea) e = ea.Expression;
                return e is IdentifierNameSyntax or MemberAccessExpressionSyntax ? _model.GetSymbolInfo(e, _ct).Symbol : null;
            }
            foreach (var n in scope.DescendantNodes())
            {
                ExpressionSyntax? target = n switch
                {
                    AssignmentExpressionSyntax a => a.Left,
                    PostfixUnaryExpressionSyntax p => p.Operand,
                    PrefixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.PreIncrementExpression) || p.IsKind(SyntaxKind.PreDecrementExpression) => p.Operand,
                    _ => null,
                };
                // another name for the array ('var tmp = cur;', 'next = cur;', '(cur, next) = (next, cur)'): writes under it are not seen here
                bool Names(ExpressionSyntax? e) => e is not null && (e is ParenthesizedExpressionSyntax pe ? Names(pe.Expression)
                    : e is TupleExpressionSyntax te ? te.Arguments.Any(a => Names(a.Expression))
                    : e is IdentifierNameSyntax && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(e, _ct).Symbol, root));
                if (n is AssignmentExpressionSyntax aa && (Names(aa.Right) || aa.Left is TupleExpressionSyntax && Names(aa.Left))
                    || n is VariableDeclaratorSyntax { Initializer.Value: var iv } && n != v && Names(iv))
                    return $"'{root.Name}' gets another name";
                // a write of the array before the declaration, outside any lambda or local function, runs before each view is
                // made: 'for (...) h[i] = ...; var row = h.AsSpan(0, k);' (a view declared in a loop body ends with it)
                bool before = n.SpanStart < v.SpanStart && !n.Ancestors().TakeWhile(a => a != scope).Any(a => a is LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax);
                if (target is not null)
                {
                    var r = Root(target);
                    if (SymbolEqualityComparer.Default.Equals(r, local)) return $"'{local.Name}' is written";
                    if (SymbolEqualityComparer.Default.Equals(r, root) && !before) return $"'{root.Name}' is written after the view is made";
                    if (helperParam && target is ElementAccessExpressionSyntax) return $"the helper writes an array while '{root.Name}' is its parameter";
                    continue;
                }
                if (n is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax ma } inv && inv != init && !inv.Span.Contains(init.Span)
                    && SymbolEqualityComparer.Default.Equals(Root(ma.Expression), local) && ma.Name.Identifier.Text is not ("ToArray" or "IndexOf"))
                    return $"a method is called on '{local.Name}'";
                if (n is ArgumentSyntax arg && !arg.Span.Contains(init.Span) && !init.Span.Contains(arg.Span))
                {
                    var ar = ArgumentRoot(arg.Expression);
                    bool isLocal = SymbolEqualityComparer.Default.Equals(ar, local), isRoot = SymbolEqualityComparer.Default.Equals(ar, root);
                    if (!isLocal && !isRoot || isRoot && before) continue;
                    var p = (_model.GetOperation(arg, _ct) as Microsoft.CodeAnalysis.Operations.IArgumentOperation)?.Parameter;
                    bool readOnly = p is not null && p.RefKind is RefKind.None or RefKind.In && IsSpan(p.Type, out var ro, out _) && ro;
                    bool linq = p?.ContainingSymbol is IMethodSymbol { ContainingType: { } ct } && ct.ToDisplayString() is "System.Linq.Enumerable" or "System.Math" or "System.MathF";
                    if (!readOnly && !linq) return $"'{(isLocal ? local.Name : root.Name)}' is passed to '{arg.Parent?.Parent}', which may write it";
                }
            }
            return null;
        }
    }
}
