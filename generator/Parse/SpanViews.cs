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
    /// Span locals that view part of an array (issue 10): <c>var row = w.AsSpan(r * n, n);</c>, <c>ReadOnlySpan&lt;double&gt; tail =
    /// x.AsSpan(1);</c>, <c>var head = x[..2];</c> on a span parameter, <c>var part = all.Slice(i, d);</c>. The local is a second
    /// name for that part, as C# means it: <c>row[j]</c> is <c>w[start + j]</c>, with the start (and a length that could change)
    /// read once into an int local where the view is made; <c>row.Length</c> is the length; a write through the view writes
    /// the array and a write of the array is seen through the view. A view can be indexed, measured, sliced again, iterated,
    /// filled, cleared, copied, and passed to a helper's span parameter (a copy of the part, stored back when the helper
    /// writes it: Slices.cs). <c>x.AsSpan()</c> is the array itself. The alias holds while the array variable keeps its
    /// array: assigning the variable another array, or making the local view another part, is reported.
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        /// <summary>A span local viewing <c>[Start, Start + Count)</c> of <see cref="Root"/> (a 1-D array or a row).</summary>
        private sealed class SpanView
        {
            public SpanView(ArrayRef root, Expr start, Expr count, ISymbol rootSymbol) { Root = root; Start = start; Count = count; RootSymbol = rootSymbol; }
            public ArrayRef Root { get; }
            public Expr Start { get; }
            public Expr Count { get; }
            /// <summary>The variable holding the array (a parameter, a local, a helper's parameter).</summary>
            public ISymbol RootSymbol { get; }
        }

        private readonly Dictionary<ISymbol, SpanView> _spanViews = new(SymbolEqualityComparer.Default);

        /// <summary>The view a span local stands for, when <paramref name="e"/> names one.</summary>
        private SpanView? ViewOf(ExpressionSyntax e)
        {
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            return e is IdentifierNameSyntax && _model.GetSymbolInfo(e, _ct).Symbol is ILocalSymbol l && _spanViews.TryGetValue(l, out var v) ? v : null;
        }

        /// <summary>
        /// Declares a span local initialised with a part of an array (AsSpan, Slice, a range of a span) as a view of it; reports
        /// why not when the alias would not hold. True when the declarator is handled either way.
        /// </summary>
        private bool TryDeclareSpanView(VariableDeclaratorSyntax v, ILocalSymbol local, List<Stmt> output)
        {
            if (local.IsRef || !IsSpan(local.Type, out _, out var elem) || ElemOf(elem!) is not { } scalar || scalar == Scalar.Bool) return false;
            var init = v.Initializer?.Value;
            while (init is ParenthesizedExpressionSyntax p) init = p.Expression;
            if (init is null) return false;
            // 'ReadOnlySpan<double> data = series;': the implicit conversion views the whole array, as series.AsSpan() does
            var sliceForm = SliceForm(init);
            if (sliceForm is null && init is IdentifierNameSyntax or MemberAccessExpressionSyntax && _model.GetTypeInfo(init, _ct).Type is IArrayTypeSymbol { Rank: 1 })
                sliceForm = (init, null, null, null, false);
            if (sliceForm is not { Copy: false } form) return false;
            var rootSymbol = ArgumentRoot(init);
            string? why = rootSymbol is null ? "it views an expression, not an array variable" : null;
            var scope = v.FirstAncestorOrSelf<LocalDeclarationStatementSyntax>();
            var laterWrites = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            if (why is null && scope?.Parent is BlockSyntax block)
            {
                var rest = block.Statements.SkipWhile(s => s != scope).Skip(1).ToList();
                if (rest.Count > 0 && _model.AnalyzeDataFlow(rest[0], rest[rest.Count - 1]) is { Succeeded: true } flow)
                {
                    foreach (var w in flow.WrittenInside) laterWrites.Add(w);
                    if (laterWrites.Contains(local)) why = $"'{local.Name}' is made to view another part later";
                    else if (laterWrites.Contains(rootSymbol!)) why = $"'{rootSymbol!.Name}' is assigned another array while '{local.Name}' views it";
                }
            }
            else if (why is null) why = "it is not declared in a block";
            if (why is not null)
            {
                Report(Descriptors.UnsupportedType, v, local.Type.ToDisplayString(), "'" + local.Name + "'",
                    $"a span local is a view of the array, which DiffGen follows while the array variable keeps its array and the local its part, but {why}: declare a second span local for the other part, or index the array with the offset (x[start + i] for i < n)");
                _rejected.Add(local);
                return true;
            }
            var part = LowerSlicePart(form, init, new IrType(scalar, Shape.Vector));
            if (part is null) { _rejected.Add(local); return true; }
            var root = part.Value.Array;
            if (root.Row is { } row and not Const) root = new ArrayRef(root.Array, root.ArrayType, Fixed(row, local.Name + "_row", output));
            if (part.Value.Start is null)
            {
                // x.AsSpan(), a whole row: the array itself
                _vars[local] = new Variable(root.Array, root.ArrayType, IsParameterName(root.Array) ? VarKind.Param : VarKind.Local, root.Row, v.GetLocation());
                return true;
            }
            // the start is read once, as C# fixes the view where it is made; so is a length that reads a value the rest of the
            // block changes (one that does not stays an expression: a part passed to a helper in a loop needs a fixed length)
            var start = Fixed(part.Value.Start, local.Name + "_start", output);
            var count = part.Value.Count;
            bool steady = IrQueries.Descendants(count).All(x => x is Const or LengthOf or Binary || x is VarRef r && IsFixedName(r.Name))
                && !init.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(id => _model.GetSymbolInfo(id, _ct).Symbol is { } s && laterWrites.Contains(s));
            if (!steady) count = Fixed(count, local.Name + "_length", output);
            _spanViews[local] = new SpanView(root, start, count, rootSymbol!);
            return true;
        }

        /// <summary>
        /// A part written in place and read at once (<c>x[1..][k]</c>, <c>x.AsSpan(1)[k]</c>, <c>x[a..b].Length</c>, <c>x.AsSpan()[1..][0]</c>):
        /// the view it stands for, with <paramref name="handled"/> set (null when reported). Not handled: <paramref name="e"/> is
        /// no part of a float/double/int array.
        /// </summary>
        private SpanView? PartView(ExpressionSyntax e, out bool handled)
        {
            handled = false;
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            if (ViewOf(e) is not null || SliceForm(e) is not { } form || _model.GetTypeInfo(e, _ct).Type is not { } type) return null;
            ITypeSymbol? elem = type is IArrayTypeSymbol { Rank: 1 } at ? at.ElementType : IsSpan(type, out _, out var se) ? se : null;
            if (elem is null || ElemOf(elem) is not { } scalar) return null;
            handled = true;
            if (LowerSlicePart(form, e, new IrType(scalar, Shape.Vector)) is not { } part) return null;
            return new SpanView(part.Array, part.Start ?? new Const(0, IrType.Int), part.Count, ArgumentRoot(e)!);
        }

        /// <summary><paramref name="e"/> itself when a constant, else a fresh int local holding it (declared into <paramref name="output"/>).</summary>
        private Expr Fixed(Expr e, string what, List<Stmt> output)
        {
            if (e is Const) return e;
            var name = FreshName(_prefix + what);
            output.Add(new DeclScalar(name, IrType.Int, e));
            if (_loopDepth == 0 && _branchDepth == 0) _topLevelLocals.Add(name);
            else _rowIntInits[name] = e; // a bound of a buffer sized by it reads through it (Capacity)
            return new VarRef(name, IrType.Int);
        }

        /// <summary><c>row[j]</c> (or <c>row[^k]</c>) of a view: the array's element at the view's start + j.</summary>
        private Expr? LowerViewElement(ElementAccessExpressionSyntax ea, SpanView view)
        {
            if (ea.ArgumentList.Arguments.Count != 1)
            {
                Report(Descriptors.UnsupportedExpression, ea, ea.ToString(), "a span has one index: row[j]");
                return null;
            }
            var a = ea.ArgumentList.Arguments[0].Expression;
            Expr? i;
            if (a is PrefixUnaryExpressionSyntax fromEnd && fromEnd.IsKind(SyntaxKind.IndexExpression))
            {
                var k = LowerIntExpr(fromEnd.Operand, "a span index");
                i = k is null ? null : new Binary(BinaryOp.Sub, view.Count, k, IrType.Int);
            }
            else i = LowerIntExpr(a, "a span index");
            return i is null ? null : ElementAt(view.Root, AddInts(view.Start, i));
        }

        /// <summary><paramref name="a"/> + <paramref name="b"/> on ints, constants folded (x[2 + j], not x[2 + 0 + j]).</summary>
        private static Expr AddInts(Expr a, Expr b) => (a, b) switch
        {
            (Const { Value: 0 }, _) => b,
            (_, Const { Value: 0 }) => a,
            (Const ca, Const cb) => new Const(ca.Value + cb.Value, IrType.Int),
            _ => new Binary(BinaryOp.Add, a, b, IrType.Int),
        };

        /// <summary>
        /// The array and part a span expression covers: a view, a slice form (AsSpan, Slice, a range of a span), or a span
        /// parameter or array (the whole of it). Null when reported.
        /// </summary>
        private (ArrayRef Array, Expr? Start, Expr Count)? SpanPart(ExpressionSyntax e, IrType pt)
        {
            if (SliceForm(e) is { Copy: false } form) return LowerSlicePart(form, e, pt);
            var a = LowerExpr(e);
            if (a is null) return null;
            if (a is ArrayRef { ArrayType.Shape: Shape.Vector } ar && ar.Type == pt) return (ar, null, Len(ar.Array, ar.ArrayType, ar.Row, 0));
            Report(Descriptors.UnsupportedExpression, e, e.ToString(), $"use a span or 1-D array of {pt.ElementType} here");
            return null;
        }

        /// <summary>
        /// <c>s.Fill(v)</c>, <c>s.Clear()</c> and <c>s.CopyTo(dst)</c> on spans (views, parts, span parameters): loops over the part.
        /// True when handled (lowered or reported).
        /// </summary>
        private bool TryLowerSpanCall(InvocationExpressionSyntax inv, IMethodSymbol target, List<Stmt> output)
        {
            if (inv.Expression is not MemberAccessExpressionSyntax ma || target.IsStatic
                || target.ContainingType?.OriginalDefinition.ToDisplayString() is not ("System.Span<T>" or "System.ReadOnlySpan<T>")
                || !IsSpan(target.ContainingType, out _, out var elem) || ElemOf(elem!) is not { } scalar || scalar == Scalar.Bool
                || target.Name is not ("Fill" or "Clear" or "CopyTo"))
                return false;
            var pt = new IrType(scalar, Shape.Vector);
            var args = inv.ArgumentList.Arguments.Select(a => a.Expression).ToList();
            var dst = SpanPart(target.Name == "CopyTo" ? args[0] : ma.Expression, pt);
            if (dst is null) return true;
            var (da, dStart, dCount) = dst.Value;
            if (IsParameterName(da.Array) && !pt.IsReal)
            {
                Report(Descriptors.WriteToInput, inv, inv.ToString(), "int array parameters are read-only (labels, sizes); copy it into a local int[] and change that");
                return true;
            }
            var k = FreshName("__sp");
            var K = new VarRef(k, IrType.Int);
            Expr At(Expr? s) => s is null ? K : AddInts(s, K);
            Expr value, count = dCount;
            if (target.Name == "CopyTo")
            {
                var src = SpanPart(ma.Expression, pt);
                if (src is null) return true;
                if (src.Value.Array.Array == da.Array)
                {
                    Report(Descriptors.UnsupportedExpression, inv, inv.ToString(), "copying between parts of one array is not supported (they may overlap); copy through a local array, or write the loop");
                    return true;
                }
                value = ElementAt(src.Value.Array, At(src.Value.Start));
                count = src.Value.Count;
            }
            else if (target.Name == "Fill")
            {
                var x = LowerExpr(args[0]);
                if (x is null) return true;
                value = OnceBefore(x, pt.ElementType, output);
            }
            else value = new Const(0, pt.ElementType);
            if (_vars.Values.FirstOrDefault(x => x.Kind == VarKind.Param && x.Name == da.Array) is { } written) MarkWritten(written, inv.GetLocation());
            output.Add(new For(k, new Const(0, IrType.Int), BinaryOp.Lt, count, 1, new Stmt[] { new Assign((ElemRef)ElementAt(da, At(dStart)), AssignOp.Set, value) }.ToEquatable()));
            return true;
        }
    }
}
