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
    /// .NET library calls whose meaning is a loop, lowered to that loop so AD, SIMD and the plans see ordinary statements:
    /// <c>Array.Fill(a, v)</c>, <c>Array.Clear(a)</c> / <c>Array.Clear(a, start, count)</c>, <c>Array.Copy(src, dst, n)</c>,
    /// <c>src.CopyTo(dst, 0)</c> as statements; LINQ's <c>Sum</c>, <c>Max</c>, <c>Min</c>, <c>Average</c> over a T[] (optionally with
    /// a lambda selector <c>x.Sum(v =&gt; v * v)</c>) as a reduction into a fresh local before the statement.
    /// </summary>
    internal sealed partial class DifferentiableParser
    {
        /// <summary>Array.Fill/Clear/Copy and CopyTo as a statement: true when handled (lowered or reported).</summary>
        private bool TryLowerArrayCall(InvocationExpressionSyntax inv, IMethodSymbol target, List<Stmt> output)
        {
            bool onArray = target.ContainingType?.ToDisplayString() == "System.Array";
            var args = inv.ArgumentList.Arguments.Select(a => a.Expression).ToList();
            if (onArray && target.Name == "Fill" && args.Count == 2) return Fill(inv, args[0], args[1], null, null, output);
            if (onArray && target.Name == "Fill" && args.Count == 4) return Fill(inv, args[0], args[1], args[2], args[3], output);
            if (onArray && target.Name == "Clear" && args.Count == 1) return Fill(inv, args[0], null, null, null, output);
            if (onArray && target.Name == "Clear" && args.Count == 3) return Fill(inv, args[0], null, args[1], args[2], output);
            if (onArray && target.Name == "Copy" && args.Count == 3) return Copy(inv, args[0], null, args[1], null, args[2], output);
            if (onArray && target.Name == "Copy" && args.Count == 5) return Copy(inv, args[0], args[1], args[2], args[3], args[4], output);
            // Buffer.BlockCopy(src, 0, dst, 0, n * sizeof(double)): Array.Copy in elements (PooledArrays.cs)
            if (target.ContainingType?.ToDisplayString() == "System.Buffer" && target.Name == "BlockCopy" && args.Count == 5) return BlockCopy(inv, args, output);
            // Array.Sort(order, (a, b) => key(a).CompareTo(key(b))) of a local T[] (Array.Sort(x) is a library shim: LibraryShims.cs)
            if (onArray && target.Name == "Sort" && args.Count == 2 && args[1] is LambdaExpressionSyntax) return Sort(inv, args, output);
            // src.CopyTo(dst, index) on arrays
            if (target.Name == "CopyTo" && inv.Expression is MemberAccessExpressionSyntax ma && _model.GetTypeInfo(ma.Expression, _ct).Type is IArrayTypeSymbol && args.Count == 2)
                return Copy(inv, ma.Expression, null, args[0], args[1], null, output);
            return false;
        }

        /// <summary>
        /// <c>Array.Sort(x)</c> of a local float/double/int T[] (ascending values), <c>Array.Sort(order, (a, b) =&gt; key(a).CompareTo(key(b)))</c>
        /// of a local T[] (by key; <c>key(b).CompareTo(key(a))</c> descending): a selection over a copy, element r taking the position
        /// whose (key, position) pair comes next, so equal keys keep their order (Array.Sort leaves the order of equal keys
        /// unspecified). The key is evaluated n times per element: meant for the short arrays a loss sorts. Sorted values carry
        /// their derivatives (each is a copy of one element); the order itself has derivative 0.
        /// </summary>
        private bool Sort(InvocationExpressionSyntax inv, List<ExpressionSyntax> args, List<Stmt> output)
        {
            const string form = "Array.Sort is supported on a local T[] as Array.Sort(x) (ascending) or Array.Sort(order, (a, b) => key(a).CompareTo(key(b))) (key(b).CompareTo(key(a)) for descending); write the comparison that way, or sort with OrderBy";
            LambdaExpressionSyntax? keyLambda = null;
            IParameterSymbol? keyParam = null;
            ExpressionSyntax? keyExpr = null;
            bool descending = false;
            if (args.Count == 2)
            {
                if (args[1] is not ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 2, ExpressionBody: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "CompareTo" } cmp, ArgumentList.Arguments.Count: 1 } call } pl)
                {
                    Report(Descriptors.UnsupportedExpression, args[1], args[1].ToString(), form);
                    return true;
                }
                string pa = pl.ParameterList.Parameters[0].Identifier.Text, pb = pl.ParameterList.Parameters[1].Identifier.Text;
                var left = cmp.Expression;
                var right = call.ArgumentList.Arguments[0].Expression;
                // the right side must be the left side with the other parameter: key(a) vs key(b)
                static string Renamed(ExpressionSyntax e, string from, string to) =>
                    string.Join(" ", e.DescendantTokens().Select(t => t.IsKind(SyntaxKind.IdentifierToken) && t.Text == from ? to : t.Text));
                static bool Mentions(ExpressionSyntax e, string name) => e.DescendantTokens().Any(t => t.IsKind(SyntaxKind.IdentifierToken) && t.Text == name);
                if (!Mentions(left, pb) && !Mentions(right, pa) && Renamed(left, pa, pb) == Renamed(right, pb, pb)) descending = false;
                else if (!Mentions(left, pa) && !Mentions(right, pb) && Renamed(left, pb, pa) == Renamed(right, pa, pa)) descending = true;
                else
                {
                    Report(Descriptors.UnsupportedExpression, args[1], args[1].ToString(), form);
                    return true;
                }
                keyLambda = pl;
                keyParam = _model.GetDeclaredSymbol(pl.ParameterList.Parameters[descending ? 1 : 0], _ct) as IParameterSymbol;
                if (keyParam is null) { Suppress(); return true; }
                keyExpr = left; // key(a) ascending, key(b) descending: the left side with its own parameter
            }
            var a = WritableVector(args[0], inv);
            if (a is null) return true;
            if (a.ArrayType.Shape != Shape.Vector || IsParameterName(a.Array))
            {
                Report(Descriptors.UnsupportedExpression, args[0], args[0].ToString(), form);
                return true;
            }
            var type = a.ArrayType;
            var n = Len(a.Array, type, null, -1);
            var tmp = FreshName("__sorted");
            if (!DeclareLocalArray(inv, null, tmp, type, new List<Expr> { n }, new List<Stmt> { CopyLoops(a, tmp, type, new List<Expr> { n }) }, output)) return true;
            string r = FreshName("__sr"), i = FreshName("__si"), prevKey = FreshName("__spk"), prevIdx = FreshName("__spi"), bestKey = FreshName("__sbk"), bestIdx = FreshName("__sbi"), kv = FreshName("__skv");
            var R = new VarRef(r, IrType.Int);
            var I = new VarRef(i, IrType.Int);
            var item = new ElemRef(tmp, type, new Expr[] { I }.ToEquatable());
            var body = new List<Stmt>();
            Expr? key = item;
            if (keyLambda is not null)
            {
                key = LowerLambdaBody(new List<IParameterSymbol?> { keyParam }, new Expr[] { item }, keyExpr!, body, null);
                if (key is null) return true;
                if (key.Type.IsArray || key.Type.Elem is Scalar.Bool or Scalar.Text) { Report(Descriptors.UnsupportedExpression, args[1], args[1].ToString(), "the sort key must be a number; " + form); return true; }
            }
            var kt = key.Type;
            var PK = new VarRef(prevKey, kt);
            var PI = new VarRef(prevIdx, IrType.Int);
            var BK = new VarRef(bestKey, kt);
            var BI = new VarRef(bestIdx, IrType.Int);
            var KV = new VarRef(kv, kt);
            FlushPending(output);
            output.Add(new DeclScalar(prevKey, kt, new Const(0, kt)));
            output.Add(new DeclScalar(prevIdx, IrType.Int, new Const(-1, IrType.Int)));
            body.Add(new DeclScalar(kv, kt, key));
            body.Add(SelectionStep(R, I, KV, PK, PI, BK, BI, descending));
            _reassigned.Add(prevIdx);
            _reassigned.Add(bestIdx);
            var select = new List<Stmt>
            {
                new DeclScalar(bestKey, kt, new Const(0, kt)),
                new DeclScalar(bestIdx, IrType.Int, new Const(-1, IrType.Int)),
                new For(i, new Const(0, IrType.Int), BinaryOp.Lt, n, 1, body.ToEquatable()),
                new Assign(new ElemRef(a.Array, type, new Expr[] { R }.ToEquatable()), AssignOp.Set, new ElemRef(tmp, type, new Expr[] { BI }.ToEquatable())),
                new Assign(PK, AssignOp.Set, BK),
                new Assign(PI, AssignOp.Set, BI),
            };
            output.Add(new For(r, new Const(0, IrType.Int), BinaryOp.Lt, n, 1, select.ToEquatable()));
            return true;
        }

        /// <summary>
        /// A writable 1-D array (a local, or an output parameter), lowered; null (reported) otherwise. With
        /// <paramref name="rows"/>, also a local array held as a row of a 2-D buffer (double buffering's swapped names, the rows
        /// of a jagged local): an <see cref="ArrayRef"/> with its <see cref="ArrayRef.Row"/>.
        /// </summary>
        private ArrayRef? WritableVector(ExpressionSyntax e, InvocationExpressionSyntax inv, bool rows = false)
        {
            var a = LowerExpr(e);
            if (a is null) return null;
            if (rows && a is ArrayRef { Row: not null, ArrayType.Shape: Shape.Matrix } row && !IsParameterName(row.Array))
            {
                MarkWritten(e);
                return row;
            }
            if (a is not ArrayRef { Row: null } ar || ar.ArrayType.Shape is not (Shape.Vector or Shape.Matrix) || !ar.ArrayType.IsReal && IsParameterName(ar.Array))
            {
                Report(Descriptors.UnsupportedExpression, e, e.ToString(), "pass a float/double T[] or T[,] local or output parameter (or an int[] local) to " + inv.Expression);
                return null;
            }
            MarkWritten(e);
            return ar;
        }

        /// <summary>Fill with <paramref name="value"/> (null: zero), the whole array or <c>[start, start + count)</c> of a T[].</summary>
        private bool Fill(InvocationExpressionSyntax inv, ExpressionSyntax array, ExpressionSyntax? value, ExpressionSyntax? start, ExpressionSyntax? count, List<Stmt> output)
        {
            var a = WritableVector(array, inv, rows: true);
            if (a is null) return true;
            Expr v = new Const(0, a.ArrayType.ElementType);
            if (value is not null)
            {
                var x = LowerExpr(value);
                if (x is null) return true;
                v = OnceBefore(x, a.ArrayType.ElementType, output);
            }
            if (a.ArrayType.Shape == Shape.Matrix && a.Row is null)
            {
                if (start is not null) { Report(Descriptors.UnsupportedExpression, inv, inv.ToString(), "a range of a T[,] cannot be filled; fill it with a loop"); return true; }
                var i = FreshName("__fi");
                var j = FreshName("__fj");
                Stmt inner = new For(j, new Const(0, IrType.Int), BinaryOp.Lt, Len(a.Array, a.ArrayType, null, 1), 1,
                    new Stmt[] { new Assign(new ElemRef(a.Array, a.ArrayType, new Expr[] { new VarRef(i, IrType.Int), new VarRef(j, IrType.Int) }.ToEquatable()), AssignOp.Set, v) }.ToEquatable());
                output.Add(new For(i, new Const(0, IrType.Int), BinaryOp.Lt, Len(a.Array, a.ArrayType, null, 0), 1, new[] { inner }.ToEquatable()));
                return true;
            }
            Expr lo = new Const(0, IrType.Int), hi = Len(a.Array, a.ArrayType, a.Row, 0);
            if (start is not null)
            {
                var s = LowerIntExpr(start, "a start index");
                var c = LowerIntExpr(count!, "a count");
                if (s is null || c is null) return true;
                lo = s;
                hi = new Binary(BinaryOp.Add, s, c, IrType.Int);
            }
            var k = FreshName("__fk");
            output.Add(new For(k, lo, BinaryOp.Lt, hi, 1,
                new Stmt[] { new Assign(Element(a, new VarRef(k, IrType.Int)), AssignOp.Set, v) }.ToEquatable()));
            return true;
        }

        /// <summary><c>dst[dstStart + k] = src[srcStart + k]</c> for k &lt; count (count null: src.Length), T[] only.</summary>
        private bool Copy(InvocationExpressionSyntax inv, ExpressionSyntax src, ExpressionSyntax? srcStart, ExpressionSyntax dst, ExpressionSyntax? dstStart, ExpressionSyntax? count, List<Stmt> output,
            Expr? srcStartIr = null, Expr? dstStartIr = null, Expr? countIr = null)
        {
            var s = LowerExpr(src);
            if (s is null) return true;
            if (s is ArrayRef { Row: null, Type.Shape: Shape.Matrix } sm)
                return CopyMatrix(inv, sm, srcStart, dst, dstStart, count, output);
            if (s is not ArrayRef sa || sa.Type.Shape != Shape.Vector)
            {
                Report(Descriptors.UnsupportedExpression, src, src.ToString(), "copy from a T[] (or a row of a jagged array); for a T[,] write the loop");
                return true;
            }
            var d = WritableVector(dst, inv, rows: true);
            if (d is null) return true;
            if (d.ArrayType.Shape != Shape.Vector && d.Row is null) { Report(Descriptors.UnsupportedExpression, dst, dst.ToString(), "copy into a T[]; for a T[,] write the loop"); return true; }
            Expr s0 = new Const(0, IrType.Int), d0 = new Const(0, IrType.Int);
            Expr n = Len(sa.Array, sa.ArrayType, sa.Row, 0);
            if (srcStart is not null && LowerIntExpr(srcStart, "a start index") is { } ss) s0 = ss;
            if (dstStart is not null && LowerIntExpr(dstStart, "a start index") is { } ds) d0 = ds;
            if (srcStartIr is not null) s0 = srcStartIr; // Buffer.BlockCopy's byte offsets as element indices (PooledArrays.cs)
            if (dstStartIr is not null) d0 = dstStartIr;
            if (countIr is not null) n = countIr;
            if (count is not null)
            {
                var c = LowerIntExpr(count, "a count");
                if (c is null) return true;
                n = c;
            }
            var k = FreshName("__ck");
            Expr K = new VarRef(k, IrType.Int);
            Expr At(Expr start) => start is Const { Value: 0 } ? K : new Binary(BinaryOp.Add, start, K, IrType.Int);
            Expr read = sa.Row is null
                ? new ElemRef(sa.Array, sa.ArrayType, new[] { At(s0) }.ToEquatable())
                : new ElemRef(sa.Array, sa.ArrayType, new[] { sa.Row, At(s0) }.ToEquatable());
            if (read.Type.Elem != d.ArrayType.Elem) read = new IR.Convert(read, d.ArrayType.ElementType);
            output.Add(new For(k, new Const(0, IrType.Int), BinaryOp.Lt, n, 1,
                new Stmt[] { new Assign(Element(d, At(d0)), AssignOp.Set, read) }.ToEquatable()));
            return true;
        }

        /// <summary>Element <paramref name="index"/> of a 1-D array or of a row view (<see cref="ArrayRef.Row"/> of a 2-D buffer).</summary>
        private static ElemRef Element(ArrayRef a, Expr index) =>
            new ElemRef(a.Array, a.ArrayType, (a.Row is null ? new[] { index } : new[] { a.Row, index }).ToEquatable());

        /// <summary>
        /// <c>Array.Copy(u, un, u.Length)</c> of a T[,] into a T[,] (a stencil's buffer saved before the step): C# copies elements in
        /// row-major order, element k of one into element k of the other whatever their shapes, and so does this loop,
        /// <c>dst[k / dc, k % dc] = src[k / sc, k % sc]</c> from the start indices on (a count past either array throws in C#; here
        /// it reads or writes past the end, as a loop would).
        /// </summary>
        private bool CopyMatrix(InvocationExpressionSyntax inv, ArrayRef sa, ExpressionSyntax? srcStart, ExpressionSyntax dst, ExpressionSyntax? dstStart, ExpressionSyntax? count, List<Stmt> output)
        {
            var d = WritableVector(dst, inv);
            if (d is null) return true;
            if (d.ArrayType.Shape != Shape.Matrix || d.Row is not null) { Report(Descriptors.UnsupportedExpression, dst, dst.ToString(), "copy a T[,] into a T[,] (or write the loop)"); return true; }
            Expr s0 = new Const(0, IrType.Int), d0 = new Const(0, IrType.Int);
            Expr n = Len(sa.Array, sa.ArrayType, null, -1);
            if (srcStart is not null) { if (LowerIntExpr(srcStart, "a start index") is { } ss) s0 = ss; else return true; }
            if (dstStart is not null) { if (LowerIntExpr(dstStart, "a start index") is { } ds) d0 = ds; else return true; }
            if (count is not null) { if (LowerIntExpr(count, "a count") is { } c) n = c; else return true; }
            var k = FreshName("__ck");
            Expr K = new VarRef(k, IrType.Int);
            Expr At(Expr start) => start is Const { Value: 0 } ? K : new Binary(BinaryOp.Add, start, K, IrType.Int);
            EquatableArray<Expr> Index(ArrayRef a, Expr start)
            {
                var cols = Len(a.Array, a.ArrayType, null, 1);
                return new[] { new Binary(BinaryOp.Div, At(start), cols, IrType.Int), (Expr)new Binary(BinaryOp.Mod, At(start), cols, IrType.Int) }.ToEquatable();
            }
            Expr read = new ElemRef(sa.Array, sa.ArrayType, Index(sa, s0));
            if (read.Type.Elem != d.ArrayType.Elem) read = new IR.Convert(read, d.ArrayType.ElementType);
            output.Add(new For(k, new Const(0, IrType.Int), BinaryOp.Lt, n, 1,
                new Stmt[] { new Assign(new ElemRef(d.Array, d.ArrayType, Index(d, d0)), AssignOp.Set, read) }.ToEquatable()));
            return true;
        }

        /// <summary>A value used on every iteration of a lowered loop: itself when it is a constant or a variable, else a local computed once.</summary>
        private Expr OnceBefore(Expr x, IrType type, List<Stmt> output)
        {
            if (x.Type != type) x = new IR.Convert(x, type);
            if (x is Const or VarRef) return x;
            var name = FreshName("__fv");
            output.Add(new DeclScalar(name, type, x));
            return new VarRef(name, type);
        }

        /// <summary>
        /// <c>x.Sum()</c>, <c>x.Max()</c>, <c>x.Min()</c>, <c>x.Average()</c> (and <c>Enumerable.Sum(x)</c>) over a float/double T[] or a
        /// row of a jagged array, optionally with a selector lambda <c>v =&gt; expr</c>: a loop into a fresh local placed before the
        /// statement. Null when the call is not one of them (the caller goes on); <paramref name="handled"/> when it is.
        /// </summary>
        private Expr? TryLowerLinqReduction(InvocationExpressionSyntax inv, IMethodSymbol target, out bool handled)
        {
            handled = false;
            if (target.ContainingType?.ToDisplayString() == "System.Linq.Enumerable" && target.Name == "Aggregate") { handled = true; return LowerAggregate(inv, target); }
            if (target.ContainingType?.ToDisplayString() == "System.Linq.Enumerable" && target.Name is "Any" or "All" or "Count") { handled = true; return LowerLinqPredicate(inv, target); }
            if (target.ContainingType?.ToDisplayString() != "System.Linq.Enumerable" || target.Name is not ("Sum" or "Max" or "Min" or "Average")) return null;
            handled = true;
            var reduced = target.ReducedFrom is not null;
            var args = inv.ArgumentList.Arguments.Select(a => a.Expression).ToList();
            ExpressionSyntax? source = reduced ? (inv.Expression as MemberAccessExpressionSyntax)?.Expression : args.FirstOrDefault();
            var selector = reduced ? args.FirstOrDefault() : args.Skip(1).FirstOrDefault();
            if (source is null || (reduced ? args.Count : args.Count - 1) > 1)
            {
                Report(Descriptors.NotDifferentiableCall, inv, "Enumerable." + target.Name, "only x.Sum(), x.Max(), x.Min(), x.Average() over an array, optionally with a selector v => ..., are supported; write the loop");
                return null;
            }
            if (_hoistBan is { } ban)
            {
                if (SoftBanHit()) return null;
                Report(Descriptors.UnsupportedExpression, inv, inv.ToString(), ban + "; compute it into a local before the loop");
                return null;
            }
            // x.Where(v => test).Sum(...), Enumerable.Range(0, n).Where(i => !fixed[i]).Sum(i => ...): the elements that pass
            SimpleLambdaExpressionSyntax? where = null;
            if (!TakeWhere(ref source, ref where, inv) || source is null) return null;
            Expr? baseElem = null; // the element the test reads (before a Select maps it)
            // x.Select(v => f(v)).Where(u => test).Sum(): the test reads the mapped value, computed for every element (as C# runs it)
            bool whereAfterSelect = where is not null;
            // x.Select(v => expr).Sum(): the selector applied to each element, then the reduction (with its own selector, if any)
            LambdaExpressionSyntax? pre = null;
            ExpressionSyntax? preGroup = null; // x.Select(Math.Exp).Max(): a method group as the Select's selector
            if (source is InvocationExpressionSyntax sel0 && _model.GetSymbolInfo(sel0, _ct).Symbol is IMethodSymbol { Name: "Select" } sm
                && sm.ContainingType?.ToDisplayString() == "System.Linq.Enumerable")
            {
                var sargs = sel0.ArgumentList.Arguments.Select(a => a.Expression).ToList();
                ExpressionSyntax? inner = sm.ReducedFrom is not null ? (sel0.Expression as MemberAccessExpressionSyntax)?.Expression : sargs.FirstOrDefault();
                if (sm.ReducedFrom is null && sargs.Count > 0) sargs.RemoveAt(0);
                if (inner is not null && sargs.Count == 1 && sargs[0] is IdentifierNameSyntax or MemberAccessExpressionSyntax && _model.GetSymbolInfo(sargs[0], _ct).Symbol is IMethodSymbol)
                {
                    source = inner;
                    preGroup = sargs[0];
                }
                else if (inner is null || sargs.Count != 1 || sargs[0] is not (SimpleLambdaExpressionSyntax or ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 1 or 2 }) || !SelectorBody(((LambdaExpressionSyntax)sargs[0]).Body))
                {
                    Report(Descriptors.NotDifferentiableCall, inv, "Enumerable.Select", "only x.Select(v => expression) or x.Select((v, i) => expression) (or a block ending in its only return) over an array, the rows of a jagged array, Enumerable.Range or a Zip, followed by Sum, Max, Min or Average, is supported; write the loop");
                    return null;
                }
                else
                {
                    source = inner;
                    pre = (LambdaExpressionSyntax)sargs[0]; // v => ..., or (v, i) => ... with the index
                }
                if (where is null && !TakeWhere(ref source, ref where, inv) || source is null) return null; // x.Where(...).Select(...).Sum()
                if (where is not null && pre is ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 2 })
                {
                    Report(Descriptors.NotDifferentiableCall, inv, "Enumerable.Select", "after Where, the index of Select counts the elements that passed; write the loop with a counter");
                    return null;
                }
            }
            var k = FreshName("__lq");
            var K = new VarRef(k, IrType.Int);
            Expr elem, n;
            List<Stmt>? zipBody = null;
            // Enumerable.Range(start, count).Sum(i => ...): the selector over the ints start .. start + count - 1
            if (IsEnumerableRange(source, out var range))
            {
                var first = RangeElement(range, K, out var count);
                if (first is null) return null;
                if (selector is null && pre is null && preGroup is null)
                {
                    Report(Descriptors.NotDifferentiableCall, inv, "Enumerable." + target.Name, "over Enumerable.Range the selector must compute a float/double value (Enumerable.Range(0, n).Sum(i => x[i] * y[i])); write the loop");
                    return null;
                }
                elem = first;
                baseElem = elem;
                n = count;
            }
            // x.Zip(y, (a, b) => expr).Sum(): expr over the pairs x[k], y[k] for k < min(x.Length, y.Length)
            else if (source is InvocationExpressionSyntax zip && _model.GetSymbolInfo(zip, _ct).Symbol is IMethodSymbol { Name: "Zip" } zm
                && zm.ContainingType?.ToDisplayString() == "System.Linq.Enumerable")
            {
                var zargs = zip.ArgumentList.Arguments.Select(a => a.Expression).ToList();
                ExpressionSyntax? first = zm.ReducedFrom is not null ? (zip.Expression as MemberAccessExpressionSyntax)?.Expression : zargs.FirstOrDefault();
                if (zm.ReducedFrom is null) zargs.RemoveAt(0);
                // x.Zip(y).Sum(t => t.First * t.Second): the reduction's selector reads the pair as a tuple
                bool pairs = first is not null && zargs.Count == 1 && pre is null && preGroup is null && selector is SimpleLambdaExpressionSyntax { ExpressionBody: not null } tsel
                    && _model.GetDeclaredSymbol(tsel.Parameter, _ct) is IParameterSymbol { Type: INamedTypeSymbol { IsTupleType: true, TupleElements.Length: 2 } };
                if (first is null || !pairs && (zargs.Count != 2 || zargs[1] is not ParenthesizedLambdaExpressionSyntax { ExpressionBody: not null, ParameterList.Parameters.Count: 2 }))
                {
                    Report(Descriptors.NotDifferentiableCall, inv, "Enumerable.Zip", "only x.Zip(y, (a, b) => expression) over two arrays, followed by Sum, Max, Min or Average (or x.Zip(y).Sum(t => ... t.First ... t.Second)), is supported; write the loop over k < x.Length reading x[k] and y[k]");
                    return null;
                }
                var xs = VectorPart(first);
                var ys = VectorPart(zargs[0]);
                if (xs is null || ys is null || xs.Value.Reported || ys.Value.Reported)
                {
                    if (xs is null || ys is null) Report(Descriptors.NotDifferentiableCall, inv, "Enumerable.Zip", "Zip is supported over two 1-D arrays (or their Skip/Take parts); write the loop");
                    return null;
                }
                var (xa, x0, lx, _) = xs.Value;
                var (ya, y0, ly, _) = ys.Value;
                n = lx;
                if (!lx.Equals(ly))
                {
                    var zn = FreshName("__zipn");
                    _pending.Add(new DeclScalar(zn, IrType.Int, new Conditional(new Binary(BinaryOp.Lt, lx, ly, IrType.Bool), lx, ly, IrType.Int)));
                    n = new VarRef(zn, IrType.Int);
                }
                zipBody = new List<Stmt>();
                if (pairs)
                {
                    // the tuple parameter t is a tuple local of the two elements; the selector is used up here
                    var ts = (SimpleLambdaExpressionSyntax)selector!;
                    var tp = (IParameterSymbol)_model.GetDeclaredSymbol(ts.Parameter, _ct)!;
                    var parts = new List<Variable>();
                    foreach (var (v, i) in new[] { (ElementAt(xa, AddInts(x0, K)), 0), (ElementAt(ya, AddInts(y0, K)), 1) })
                    {
                        var pn = FreshName(_prefix + tp.Name + "_" + (i == 0 ? "First" : "Second"));
                        zipBody.Add(new DeclScalar(pn, v.Type, v));
                        parts.Add(new Variable(pn, v.Type, VarKind.Local));
                    }
                    _tupleVars[tp] = parts;
                    _loopDepth++;
                    var savedPending = _pending;
                    _pending = zipBody;
                    var tvalue = LowerExpr(ts.ExpressionBody!);
                    _pending = savedPending;
                    _loopDepth--;
                    if (tvalue is null) return null;
                    elem = tvalue;
                    selector = null;
                }
                else
                {
                    var zl = (ParenthesizedLambdaExpressionSyntax)zargs[1];
                    var zvalue = LowerLambdaBody(zl.ParameterList.Parameters.Select(q => _model.GetDeclaredSymbol(q, _ct) as IParameterSymbol).ToList(), new[] { ElementAt(xa, AddInts(x0, K)), ElementAt(ya, AddInts(y0, K)) }, zl.ExpressionBody!, zipBody);
                    if (zvalue is null) return null;
                    elem = zvalue;
                }
            }
            else
            {
            if (SkipTakePart(source) is { } part)
            {
                // x.Skip(1).Sum(), x.Take(k).Max(v => ...): the part's elements
                if (part.Reported) return null;
                if (!part.Array.Type.IsReal && selector is null && pre is null && preGroup is null)
                {
                    Report(Descriptors.NotDifferentiableCall, inv, "Enumerable." + target.Name, "the source must be a float/double T[] (or an int[] with a float/double selector); write the loop");
                    return null;
                }
                elem = ElementAt(part.Array, AddInts(part.Start, K));
                n = part.Count;
            }
            else
            {
            var src = LowerExpr(source);
            if (src is null) return null;
            if (src is ArrayRef { Row: null } rowsOf && (rowsOf.ArrayType.Shape == Shape.Jagged || _rowBuffers.Contains(rowsOf.Array)) && (selector is not null || pre is not null))
            {
                // rows.Select((row, i) => ...).Average(), rows.Sum(r => r.Sum()): the lambda's parameter names row k (as in foreach)
                elem = new ArrayRef(rowsOf.Array, rowsOf.ArrayType, K);
                n = Len(rowsOf.Array, rowsOf.ArrayType, null, -1);
            }
            else
            {
            if (src is not ArrayRef sa || sa.Type.Shape != Shape.Vector || !sa.Type.IsReal && selector is null && pre is null && preGroup is null)
            {
                Report(Descriptors.NotDifferentiableCall, inv, "Enumerable." + target.Name, "the source must be a float/double T[] (or an int[] with a float/double selector); write the loop");
                return null;
            }
            elem = ElementAt(sa, K);
            n = (Expr?)ListCount(source) ?? Len(sa.Array, sa.ArrayType, sa.Row, 0); // a List local: its count (ListLocals.cs)
            }
            }
            }
            baseElem ??= elem;
            if (pre is not null)
            {
                zipBody ??= new List<Stmt>();
                var preParams = pre is SimpleLambdaExpressionSyntax one ? new List<IParameterSymbol?> { _model.GetDeclaredSymbol(one.Parameter, _ct) as IParameterSymbol }
                    : ((ParenthesizedLambdaExpressionSyntax)pre).ParameterList.Parameters.Select(q => _model.GetDeclaredSymbol(q, _ct) as IParameterSymbol).ToList();
                var preValues = preParams.Count == 2 ? new[] { elem, (Expr)K } : new[] { elem };
                var pv = LowerLambdaBody(preParams, preValues, pre.Body, zipBody);
                if (pv is null) return null;
                elem = pv;
            }
            else if (preGroup is not null && MethodGroupSelector(preGroup, elem) is { } mapped)
            {
                if (mapped.Value is null) return null;
                if (zipBody is null) zipBody = mapped.Pre;
                else zipBody.AddRange(mapped.Pre);
                elem = mapped.Value;
            }
            List<Stmt>? beforeTest = null;
            if (whereAfterSelect && (pre is not null || preGroup is not null))
            {
                baseElem = elem;
                beforeTest = zipBody;
                zipBody = null;
            }
            var rt = MapType(target.ReturnType);
            if (rt is not { IsArray: false, IsReal: true } resultType)
            {
                Report(Descriptors.NotDifferentiableCall, inv, "Enumerable." + target.Name, "the result must be float or double; write the loop");
                return null;
            }
            var body = zipBody ?? new List<Stmt>();
            Expr value = elem;
            if (selector is not null && MethodGroupSelector(selector, elem) is { } grouped)
            {
                // x.Sum(Math.Abs), x.Sum(Sigmoid): the method applied to each element
                if (grouped.Value is null) return null;
                body.AddRange(grouped.Pre);
                value = grouped.Value;
            }
            else if (selector is not null)
            {
                if (selector is not SimpleLambdaExpressionSyntax lambda || _model.GetDeclaredSymbol(lambda.Parameter, _ct) is not IParameterSymbol lp || !SelectorBody(lambda.Body))
                {
                    Report(Descriptors.NotDifferentiableCall, inv, "Enumerable." + target.Name, "the selector must be a lambda (v => v * v, or a block ending in its only 'return'), a Math function (Math.Abs) or a static helper of this file (Sigmoid); write the loop");
                    return null;
                }
                var sel = LowerLambdaBody(new List<IParameterSymbol?> { lp }, new[] { elem }, lambda.Body, body);
                if (sel is null) return null;
                value = sel;
            }
            if (value.Type != resultType) value = new IR.Convert(value, resultType);
            var acc = FreshName("__" + target.Name.ToLowerInvariant());
            var accRef = new VarRef(acc, resultType);
            // with Where: the test first, and the element's value computed and taken only when it passes (a value of an
            // element that fails, Math.Log(-1), is never computed, so its derivative cannot reach the gradient)
            List<Stmt>? whereBody = null;
            List<Stmt> Filtered(List<Stmt> taken, Expr? passed)
            {
                if (passed is null) return taken;
                var guarded = new List<Stmt>(whereBody!) { new If(passed, taken.ToEquatable(), EquatableArray<Stmt>.Empty) };
                return guarded;
            }
            Expr? test = null;
            VarRef? passedCount = null;
            if (where is not null)
            {
                if (baseElem is null || _model.GetDeclaredSymbol(where.Parameter, _ct) is not IParameterSymbol wp)
                {
                    Report(Descriptors.NotDifferentiableCall, inv, "Enumerable.Where", "Where is supported on an array, a Skip/Take part or Enumerable.Range, followed by Select and Sum, Max, Min or Average; write the loop with an if");
                    return null;
                }
                whereBody = beforeTest is null ? new List<Stmt>() : new List<Stmt>(beforeTest);
                test = LowerLambdaBody(new List<IParameterSymbol?> { wp }, new[] { baseElem }, where.Body, whereBody);
                if (test is null) return null;
                if (target.Name == "Average")
                {
                    passedCount = new VarRef(FreshName("__passed"), IrType.Int);
                    _pending.Add(new DeclScalar(passedCount.Name, IrType.Int, new Const(0, IrType.Int)));
                    _reassigned.Add(passedCount.Name);
                    body.Add(new Assign(passedCount, AssignOp.Add, new Const(1, IrType.Int)));
                }
            }
            Stmt loop;
            if (target.Name is "Sum" or "Average")
            {
                _pending.Add(new DeclScalar(acc, resultType, new Const(0, resultType)));
                body.Add(new Assign(accRef, AssignOp.Add, value));
                loop = new For(k, new Const(0, IrType.Int), BinaryOp.Lt, n, 1, Filtered(body, test).ToEquatable());
                _pending.Add(loop);
                return target.Name == "Sum" ? accRef : new Binary(BinaryOp.Div, accRef, new IR.Convert(passedCount ?? n, resultType), resultType);
            }
            // Max/Min: start from the first element (an empty array throws in .NET; here the result is ±infinity's opposite)
            var fn = target.Name == "Max" ? Fn.Max : Fn.Min;
            _pending.Add(new DeclScalar(acc, resultType, new Const(target.Name == "Max" ? double.NegativeInfinity : double.PositiveInfinity, resultType)));
            body.Add(new Assign(accRef, AssignOp.Set, new Intrinsic(fn, new Expr[] { accRef, value }.ToEquatable(), resultType)));
            _pending.Add(new For(k, new Const(0, IrType.Int), BinaryOp.Lt, n, 1, Filtered(body, test).ToEquatable()));
            return accRef;
        }

        /// <summary><c>target[i(, j)] = source[i(, j)]</c> for the indices below <paramref name="bounds"/> (a jagged row read as <c>source[row][i]</c>).</summary>
        private Stmt CopyLoops(ArrayRef source, string target, IrType type, List<Expr> bounds)
        {
            var counters = bounds.Select(_ => FreshName("__cp")).ToList();
            var idx = counters.Select(x => (Expr)new VarRef(x, IrType.Int)).ToList();
            Expr read = source.Row is null ? new ElemRef(source.Array, source.ArrayType, idx.ToEquatable()) : new ElemRef(source.Array, source.ArrayType, new[] { source.Row }.Concat(idx).ToEquatable());
            Stmt body = new Assign(new ElemRef(target, type, idx.ToEquatable()), AssignOp.Set, read);
            for (int d = bounds.Count - 1; d >= 0; d--)
                body = new For(counters[d], new Const(0, IrType.Int), BinaryOp.Lt, bounds[d], 1, new[] { body }.ToEquatable());
            return body;
        }

        /// <summary>
        /// Peels <c>.Where(v =&gt; test)</c> off a reduction's source (one Where, a lambda of one parameter). False when reported.
        /// </summary>
        private bool TakeWhere(ref ExpressionSyntax? source, ref SimpleLambdaExpressionSyntax? where, InvocationExpressionSyntax inv)
        {
            if (source is not InvocationExpressionSyntax wi || _model.GetSymbolInfo(wi, _ct).Symbol is not IMethodSymbol { Name: "Where" } wm
                || wm.ContainingType?.ToDisplayString() != "System.Linq.Enumerable") return true;
            var wargs = wi.ArgumentList.Arguments.Select(a => a.Expression).ToList();
            ExpressionSyntax? inner = wm.ReducedFrom is not null ? (wi.Expression as MemberAccessExpressionSyntax)?.Expression : wargs.FirstOrDefault();
            if (wm.ReducedFrom is null && wargs.Count > 0) wargs.RemoveAt(0);
            if (where is not null || inner is null || wargs.Count != 1 || wargs[0] is not SimpleLambdaExpressionSyntax lambda || !SelectorBody(lambda.Body))
            {
                Report(Descriptors.NotDifferentiableCall, inv, "Enumerable.Where", "Where is supported once, with a lambda of the element (v => v > 0), on an array, a Skip/Take part or Enumerable.Range; write the loop with an if");
                return false;
            }
            where = lambda;
            source = inner;
            return true;
        }

        /// <summary>
        /// <c>x.Any(v =&gt; test)</c>, <c>x.All(v =&gt; test)</c>, <c>x.Count(v =&gt; test)</c> over a T[] (or a jagged row), the guards
        /// people write before a loss (<c>if (durations.Any(d =&gt; d &lt;= 0)) throw ...</c>): an int local counting the elements that
        /// pass (Any, Count) or fail (All), filled by a loop placed before the statement. The tests carry no derivative. Without
        /// a predicate: the length (Count), length &gt; 0 (Any), true (All).
        /// </summary>
        private Expr? LowerLinqPredicate(InvocationExpressionSyntax inv, IMethodSymbol target)
        {
            var reduced = target.ReducedFrom is not null;
            var args = inv.ArgumentList.Arguments.Select(a => a.Expression).ToList();
            ExpressionSyntax? source = reduced ? (inv.Expression as MemberAccessExpressionSyntax)?.Expression : args.FirstOrDefault();
            if (!reduced && args.Count > 0) args.RemoveAt(0);
            var advice = $"only x.{target.Name}(v => test) or x.{target.Name}() over an array (or a row of a jagged array) is supported; write the loop";
            if (source is null || args.Count > 1 || args.Count == 1 && args[0] is not SimpleLambdaExpressionSyntax { ExpressionBody: not null })
            {
                Report(Descriptors.NotDifferentiableCall, inv, "Enumerable." + target.Name, advice);
                return null;
            }
            var src = LowerExpr(source);
            if (src is null) return null;
            if (src is not ArrayRef sa || sa.Type.Shape != Shape.Vector)
            {
                Report(Descriptors.NotDifferentiableCall, inv, "Enumerable." + target.Name, advice);
                return null;
            }
            Expr n = (Expr?)ListCount(source) ?? Len(sa.Array, sa.ArrayType, sa.Row, 0);
            if (args.Count == 0)
                return target.Name switch
                {
                    "Count" => n,
                    "Any" => new Binary(BinaryOp.Gt, n, new Const(0, IrType.Int), IrType.Bool),
                    _ => True,
                };
            if (_hoistBan is { } ban)
            {
                if (SoftBanHit()) return null;
                Report(Descriptors.UnsupportedExpression, inv, inv.ToString(), ban + "; compute it into a local before the loop");
                return null;
            }
            var lambda = (SimpleLambdaExpressionSyntax)args[0];
            var k = FreshName("__lq");
            var body = new List<Stmt>();
            var test = LowerLambdaBody(new List<IParameterSymbol?> { _model.GetDeclaredSymbol(lambda.Parameter, _ct) as IParameterSymbol },
                new[] { ElementAt(sa, new VarRef(k, IrType.Int)) }, lambda.ExpressionBody!, body);
            if (test is null) return null;
            var acc = FreshName("__" + target.Name.ToLowerInvariant());
            var accRef = new VarRef(acc, IrType.Int);
            _reassigned.Add(acc);
            _pending.Add(new DeclScalar(acc, IrType.Int, new Const(0, IrType.Int)));
            body.Add(new If(target.Name == "All" ? NotB(test) : test,
                new Stmt[] { new Assign(accRef, AssignOp.Add, new Const(1, IrType.Int)) }.ToEquatable(), EquatableArray<Stmt>.Empty));
            _pending.Add(new For(k, new Const(0, IrType.Int), BinaryOp.Lt, n, 1, body.ToEquatable()));
            return target.Name switch
            {
                "Count" => accRef,
                "Any" => new Binary(BinaryOp.Ne, accRef, new Const(0, IrType.Int), IrType.Bool),
                _ => new Binary(BinaryOp.Eq, accRef, new Const(0, IrType.Int), IrType.Bool),
            };
        }

        /// <summary>
        /// <c>x.Aggregate(seed, (s, v) =&gt; expr)</c> over a float/double T[] (or a jagged row): a local starting at seed and a loop
        /// over the elements that sets it to expr with s bound to it and v to the element, placed before the statement (the
        /// fold a reader of the paper writes as a loop). Without a seed over a T[], the first element is the seed and the loop starts
        /// at the second (an empty array throws InvalidOperationException, as .NET's does); the function may be a method group
        /// (<c>Math.Max</c>, a helper). With a result selector it is reported with what to write.
        /// </summary>
        private Expr? LowerAggregate(InvocationExpressionSyntax inv, IMethodSymbol target)
        {
            var reduced = target.ReducedFrom is not null;
            var args = inv.ArgumentList.Arguments.Select(a => a.Expression).ToList();
            ExpressionSyntax? source = reduced ? (inv.Expression as MemberAccessExpressionSyntax)?.Expression : args.FirstOrDefault();
            if (!reduced && args.Count > 0) args.RemoveAt(0);
            // x.Aggregate((a, b) => a * b): no seed, the first element is one (and an empty array throws, as in .NET)
            bool unseeded = args.Count == 1;
            if (unseeded) args.Insert(0, args[0]);
            var fl = args.Count == 2 ? args[1] as ParenthesizedLambdaExpressionSyntax : null;
            bool group = args.Count == 2 && args[1] is IdentifierNameSyntax or MemberAccessExpressionSyntax; // x.Aggregate(double.NegativeInfinity, Math.Max)
            if (source is null || args.Count != 2 || !group && (fl is not { ParameterList.Parameters.Count: 2 } || !SelectorBody(fl.Body)))
            {
                Report(Descriptors.NotDifferentiableCall, inv, "Enumerable.Aggregate", "only x.Aggregate(seed, (s, v) => expression) over an array is supported (give the seed: x.Aggregate(0.0, (s, v) => s + v * v)); write the loop otherwise");
                return null;
            }
            if (_hoistBan is { } ban)
            {
                if (SoftBanHit()) return null;
                Report(Descriptors.UnsupportedExpression, inv, inv.ToString(), ban + "; compute it into a local before the loop");
                return null;
            }
            var k = FreshName("__lq");
            var K = new VarRef(k, IrType.Int);
            Expr elem, n;
            if (IsEnumerableRange(source, out var range))
            {
                // Enumerable.Range(0, n).Aggregate(0.0, (acc, i) => ...): the fold over the ints
                if (RangeElement(range, K, out n) is not { } first) return null;
                elem = first;
            }
            else
            {
                var src = LowerExpr(source);
                if (src is null) return null;
                if (src is ArrayRef { Row: null } rows && (rows.ArrayType.Shape == Shape.Jagged || _rowBuffers.Contains(rows.Array)))
                {
                    elem = new ArrayRef(rows.Array, rows.ArrayType, K); // rows.Aggregate(0.0, (acc, row) => ...): row k
                    n = Len(rows.Array, rows.ArrayType, null, -1);
                }
                else if (src is ArrayRef sa && sa.Type.Shape == Shape.Vector && sa.Type.IsReal)
                {
                    elem = ElementAt(sa, K);
                    n = Len(sa.Array, sa.ArrayType, sa.Row, 0);
                }
                else
                {
                    Report(Descriptors.NotDifferentiableCall, inv, "Enumerable.Aggregate", "the source must be a float/double T[], the rows of a jagged array or Enumerable.Range, and the result a float or double; write the loop");
                    return null;
                }
            }
            if (unseeded && elem is not ElemRef)
            {
                Report(Descriptors.NotDifferentiableCall, inv, "Enumerable.Aggregate", "without a seed the first element is the seed, which is supported over a float/double T[]; give the seed (x.Aggregate(1.0, (s, v) => s * v))");
                return null;
            }
            var seed = unseeded ? IrRewriter.Map(elem, x => x is VarRef r && r.Name == k ? new Const(0, IrType.Int) : null) : LowerExpr(args[0]);
            if (seed is null) return null;
            if (unseeded)
                _pending.Add(new If(new Binary(BinaryOp.Eq, n, new Const(0, IrType.Int), IrType.Bool),
                    new Stmt[] { new Throw("new global::System.InvalidOperationException(\"Sequence contains no elements\")", EquatableArray<Expr>.Empty) }.ToEquatable(), EquatableArray<Stmt>.Empty));
            if (MapType(target.ReturnType) is not { IsArray: false, IsReal: true } resultType)
            {
                Report(Descriptors.NotDifferentiableCall, inv, "Enumerable.Aggregate", "the result must be a float or double; write the loop");
                return null;
            }
            var acc = FreshName("__aggregate");
            var accRef = new VarRef(acc, resultType);
            _pending.Add(new DeclScalar(acc, resultType, seed.Type == resultType ? seed : new IR.Convert(seed, resultType)));
            var body = new List<Stmt>();
            Expr? value;
            if (fl is null)
            {
                if (MethodGroupSelector(args[1], elem, accRef) is not { Value: { } folded } called) return Suppress();
                body.AddRange(called.Pre);
                value = folded;
            }
            else value = LowerLambdaBody(fl.ParameterList.Parameters.Select(q => _model.GetDeclaredSymbol(q, _ct) as IParameterSymbol).ToList(), new Expr[] { accRef, elem }, fl.Body, body);
            if (value is null) return null;
            body.Add(new Assign(accRef, AssignOp.Set, value.Type == resultType ? value : new IR.Convert(value, resultType)));
            _pending.Add(new For(k, new Const(unseeded ? 1 : 0, IrType.Int), BinaryOp.Lt, n, 1, body.ToEquatable()));
            return accRef;
        }

        /// <summary>
        /// <c>var e = x.Select(v =&gt; Math.Exp(v)).ToArray();</c> (also <c>(v, i) =&gt; ...</c>, a source <c>Enumerable.Range(start, count)</c>,
        /// and <c>x.Zip(y, (a, b) =&gt; ...)</c>): a new T[] of the source's length and a loop storing the lambda's value per element,
        /// the loop a reader of the paper writes. Null when <paramref name="init"/> is not such a call; Sizes null when reported.
        /// </summary>
        private (List<Expr>? Sizes, List<Stmt>? Fill, ArrayRef? Alias, bool Reported)? LowerLinqToArray(ExpressionSyntax init, string name, IrType type)
        {
            var reported = ((List<Expr>?)null, (List<Stmt>?)null, (ArrayRef?)null, true);
            // Enumerable.Repeat(v, n).ToArray(): n copies of one value
            if (init is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "ToArray" } tr, ArgumentList.Arguments.Count: 0 }
                && tr.Expression is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 2 } rep && _model.GetSymbolInfo(rep, _ct).Symbol is IMethodSymbol { Name: "Repeat" } rpm
                && rpm.ContainingType?.ToDisplayString() == "System.Linq.Enumerable" && type.Shape == Shape.Vector)
            {
                var v = LowerExpr(rep.ArgumentList.Arguments[0].Expression);
                var count = LowerIntExpr(rep.ArgumentList.Arguments[1].Expression, "the count of Enumerable.Repeat");
                if (v is null || count is null) return reported;
                var fillRepeat = new List<Stmt>();
                var once = OnceBefore(v, type.ElementType, fillRepeat);
                var r = FreshName("__rp");
                fillRepeat.Add(new For(r, new Const(0, IrType.Int), BinaryOp.Lt, count, 1,
                    new Stmt[] { new Assign(new ElemRef(name, type, new Expr[] { new VarRef(r, IrType.Int) }.ToEquatable()), AssignOp.Set, once) }.ToEquatable()));
                return (new List<Expr> { count }, fillRepeat, null, false);
            }
            // Enumerable.Range(start, count).ToArray(): the ints start .. start + count - 1 (an index array to sort)
            if (init is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "ToArray" or "ToList" } tra, ArgumentList.Arguments.Count: 0 }
                && IsEnumerableRange(tra.Expression, out var rng) && type.Shape == Shape.Vector)
            {
                var q = FreshName("__rg");
                var Q = new VarRef(q, IrType.Int);
                if (RangeElement(rng, Q, out var count) is not { } v) return reported;
                if (type.ElementType != IrType.Int) v = new IR.Convert(v, type.ElementType);
                return (new List<Expr> { count }, new List<Stmt> { new For(q, new Const(0, IrType.Int), BinaryOp.Lt, count, 1,
                    new Stmt[] { new Assign(new ElemRef(name, type, new Expr[] { Q }.ToEquatable()), AssignOp.Set, v) }.ToEquatable()) }, null, false);
            }
            InvocationExpressionSyntax call;
            IMethodSymbol m;
            if (init is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "ToArray" or "ToList" } ta, ArgumentList.Arguments.Count: 0 }
                && ta.Expression is InvocationExpressionSyntax linq && _model.GetSymbolInfo(linq, _ct).Symbol is IMethodSymbol { Name: "Select" or "Zip" } lm
                && lm.ContainingType?.ToDisplayString() == "System.Linq.Enumerable")
                (call, m) = (linq, lm);
            else if (init is InvocationExpressionSyntax { ArgumentList.Arguments.Count: 2 } convert && _model.GetSymbolInfo(convert, _ct).Symbol is IMethodSymbol { Name: "ConvertAll" } cm
                && cm.ContainingType?.ToDisplayString() == "System.Array")
                (call, m) = (convert, cm); // Array.ConvertAll(x, v => ...): x.Select(v => ...).ToArray()
            else return null;
            bool select = m.Name is "Select" or "ConvertAll";
            var args = call.ArgumentList.Arguments.Select(a => a.Expression).ToList();
            ExpressionSyntax? source = m.ReducedFrom is not null ? (call.Expression as MemberAccessExpressionSyntax)?.Expression : args.FirstOrDefault();
            if (m.ReducedFrom is null && args.Count > 0) args.RemoveAt(0);
            const string advice = "x.Select(v => expression).ToArray() (or (v, i) => ..., a block ending in its only 'return', Math.Exp, a helper) over a 1-D array or Enumerable.Range(start, count), and x.Zip(y, (a, b) => expression).ToArray() over two 1-D arrays, are supported; write a loop filling 'new T[n]' otherwise";
            if (type.Shape != Shape.Vector || source is null)
            {
                Report(Descriptors.LocalArray, init, name, advice);
                return reported;
            }
            var k = FreshName("__lq");
            var K = new VarRef(k, IrType.Int);
            var values = new List<Expr>();
            LambdaExpressionSyntax? lambda = args.Count > 0 ? args[args.Count - 1] as LambdaExpressionSyntax : null;
            Expr n;
            if (IsEnumerableRange(source, out var range) && select)
            {
                if (RangeElement(range, K, out n) is not { } first) return reported;
                values.Add(first);
            }
            else
            {
                // rows.Select(row => ...).ToArray() over the rows of a T[][] parameter: one value per row
                if (select && source is IdentifierNameSyntax && _model.GetTypeInfo(source, _ct).Type is IArrayTypeSymbol { Rank: 1, ElementType: IArrayTypeSymbol { Rank: 1 } }
                    && LowerExpr(source) is ArrayRef { Row: null, ArrayType.Shape: Shape.Jagged } rows && IsParameterName(rows.Array))
                {
                    values.Add(new ArrayRef(rows.Array, rows.ArrayType, K));
                    n = Len(rows.Array, rows.ArrayType, null, -1);
                }
                else
                {
                // x.Select(v => ...).ToArray() over an array or a Skip/Take part of one (x.Skip(1).Zip(x, (a, b) => a - b).ToArray())
                if (VectorPart(source) is not { } part) { Report(Descriptors.LocalArray, init, name, advice); return reported; }
                if (part.Reported) return reported;
                values.Add(ElementAt(part.Array, AddInts(part.Start, K)));
                n = part.Count;
                if (m.Name == "Zip")
                {
                    if (args.Count != 2) { Report(Descriptors.LocalArray, init, name, advice); return reported; }
                    if (VectorPart(args[0]) is not { } second) { Report(Descriptors.LocalArray, init, name, advice); return reported; }
                    if (second.Reported) return reported;
                    values.Add(ElementAt(second.Array, AddInts(second.Start, K)));
                    if (!n.Equals(second.Count)) n = new Conditional(new Binary(BinaryOp.Lt, n, second.Count, IrType.Bool), n, second.Count, IrType.Int); // Zip stops at the shorter array
                }
                }
            }
            var ps = lambda switch
            {
                SimpleLambdaExpressionSyntax sl => new List<IParameterSymbol?> { _model.GetDeclaredSymbol(sl.Parameter, _ct) as IParameterSymbol },
                ParenthesizedLambdaExpressionSyntax pl => pl.ParameterList.Parameters.Select(q => _model.GetDeclaredSymbol(q, _ct) as IParameterSymbol).ToList(),
                _ => null,
            };
            if (select && ps is { Count: 2 } && values.Count == 1) values.Add(K); // (v, i) => ...: the index
            var fill = new List<Stmt>();
            Expr? value;
            if (lambda is null && select && values.Count == 1 && args.Count == 1 && MethodGroupSelector(args[0], values[0]) is { } grouped)
            {
                // x.Select(Math.Exp).ToArray(), x.Select(Softplus).ToArray(): the method applied to each element
                if (grouped.Value is null) return reported;
                fill.AddRange(grouped.Pre);
                value = grouped.Value;
            }
            else
            {
                if (lambda is null || !SelectorBody(lambda.Body) || ps is null || ps.Count != values.Count)
                {
                    Report(Descriptors.LocalArray, init, name, advice + " (the selector a lambda, a Math function or a helper of this file)");
                    return reported;
                }
                value = LowerLambdaBody(ps, values, lambda.Body, fill);
            }
            if (value is null) return reported;
            if (value.Type.IsArray) { Report(Descriptors.LocalArray, init, name, advice + " (the lambda computing a number)"); return reported; }
            if (value.Type != type.ElementType) value = new IR.Convert(value, type.ElementType);
            fill.Add(new Assign(new ElemRef(name, type, new Expr[] { K }.ToEquatable()), AssignOp.Set, value));
            return (new List<Expr> { n }, new List<Stmt> { new For(k, new Const(0, IrType.Int), BinaryOp.Lt, n, 1, fill.ToEquatable()) }, null, false);
        }

        /// <summary>
        /// An argsort: <c>int[] order = Enumerable.Range(s, n).OrderBy(i =&gt; key).ToArray();</c> (or <c>OrderByDescending</c>, and
        /// <c>.Take(k)</c> before <c>ToArray</c> for the top k). Filled by selection, without scratch arrays: element r is the
        /// index whose (key, index) pair comes next after element r − 1's, so ties keep their order as LINQ's stable sort does.
        /// That evaluates the key n times per element (n·m in all): meant for the short lists a top-k or a ranking sorts. The
        /// indices are ints, so nothing is differentiated through the order. Not that form: handled false.
        /// </summary>
        private (List<Expr>? Sizes, List<Stmt>? Fill, ArrayRef? Alias, bool Reported)? LowerArgSort(ExpressionSyntax init, string name, IrType type, out bool handled)
        {
            handled = false;
            if (init is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "ToArray" } ta, ArgumentList.Arguments.Count: 0 }) return null;
            var chain = ta.Expression;
            ExpressionSyntax? take = null;
            if (chain is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "Take" } tk, ArgumentList.Arguments.Count: 1 } takeCall
                && _model.GetSymbolInfo(takeCall, _ct).Symbol is IMethodSymbol { ContainingType: { } tkt } && tkt.ToDisplayString() == "System.Linq.Enumerable")
            {
                take = takeCall.ArgumentList.Arguments[0].Expression;
                chain = tk.Expression;
            }
            if (chain is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "OrderBy" or "OrderByDescending" } ob, ArgumentList.Arguments.Count: 1 } order
                || _model.GetSymbolInfo(order, _ct).Symbol is not IMethodSymbol { ContainingType: { } obt } || obt.ToDisplayString() != "System.Linq.Enumerable"
                || ob.Expression is not InvocationExpressionSyntax { ArgumentList.Arguments.Count: 2 } range
                || _model.GetSymbolInfo(range, _ct).Symbol is not IMethodSymbol { Name: "Range" } rm || rm.ContainingType?.ToDisplayString() != "System.Linq.Enumerable")
                return null;
            handled = true;
            var reported = ((List<Expr>?)null, (List<Stmt>?)null, (ArrayRef?)null, true);
            bool descending = ob.Name.Identifier.Text == "OrderByDescending";
            if (type != new IrType(Scalar.Int, Shape.Vector) || order.ArgumentList.Arguments[0].Expression is not SimpleLambdaExpressionSyntax keyLambda
                || _model.GetDeclaredSymbol(keyLambda.Parameter, _ct) is not IParameterSymbol kp || !SelectorBody(keyLambda.Body))
            {
                Report(Descriptors.LocalArray, init, name, "an argsort is supported as 'int[] order = Enumerable.Range(start, n).OrderBy(i => key).ToArray()' (or OrderByDescending, and .Take(k) before ToArray) with a lambda key; write the loop otherwise");
                return reported;
            }
            var start = LowerIntExpr(range.ArgumentList.Arguments[0].Expression, "the start of Enumerable.Range");
            var n = LowerIntExpr(range.ArgumentList.Arguments[1].Expression, "the count of Enumerable.Range");
            var k = take is null ? null : LowerIntExpr(take, "the count of Take");
            if (start is null || n is null || take is not null && k is null) return reported;
            var fill = new List<Stmt>();
            // the sizes are read before the fill (the array is declared first): the expressions themselves, ints without effects
            Expr N = n, S = start;
            Expr size = k is null ? N
                : new Conditional(new Binary(BinaryOp.Lt, k, N, IrType.Bool), // Take(k): at most k of them (a negative k takes none)
                    new Conditional(new Binary(BinaryOp.Lt, k, new Const(0, IrType.Int), IrType.Bool), new Const(0, IrType.Int), k, IrType.Int), N, IrType.Int);
            // the key's type: what the lambda computes (float, double or int)
            string r = FreshName("__argr"), i = FreshName("__argi");
            var R = new VarRef(r, IrType.Int);
            var I = new VarRef(i, IrType.Int);
            var body = new List<Stmt>();
            var key = LowerLambdaBody(new List<IParameterSymbol?> { kp }, new Expr[] { new Binary(BinaryOp.Add, S, I, IrType.Int) }, keyLambda.Body, body);
            if (key is null) return reported;
            if (key.Type.IsArray || key.Type.Elem is Scalar.Bool or Scalar.Text) { Report(Descriptors.LocalArray, init, name, "the sort key must be a number"); return reported; }
            var kt = key.Type;
            string prevKey = FreshName("__argpk"), prevIdx = FreshName("__argpi"), bestKey = FreshName("__argbk"), bestIdx = FreshName("__argbi"), kv = FreshName("__argkv");
            var PK = new VarRef(prevKey, kt);
            var PI = new VarRef(prevIdx, IrType.Int);
            var BK = new VarRef(bestKey, kt);
            var BI = new VarRef(bestIdx, IrType.Int);
            var KV = new VarRef(kv, kt);
            fill.Add(new DeclScalar(prevKey, kt, new Const(0, kt)));
            fill.Add(new DeclScalar(prevIdx, IrType.Int, new Const(-1, IrType.Int)));
            body.Add(new DeclScalar(kv, kt, key));
            body.Add(SelectionStep(R, I, KV, PK, PI, BK, BI, descending));
            var select = new List<Stmt>
            {
                new DeclScalar(bestKey, kt, new Const(0, kt)),
                new DeclScalar(bestIdx, IrType.Int, new Const(-1, IrType.Int)),
                new For(i, new Const(0, IrType.Int), BinaryOp.Lt, N, 1, body.ToEquatable()),
                new Assign(new ElemRef(name, type, new Expr[] { R }.ToEquatable()), AssignOp.Set, new Binary(BinaryOp.Add, S, BI, IrType.Int)),
                new Assign(PK, AssignOp.Set, BK),
                new Assign(PI, AssignOp.Set, BI),
            };
            fill.Add(new For(r, new Const(0, IrType.Int), BinaryOp.Lt, size, 1, select.ToEquatable()));
            return (new List<Expr> { size }, fill, null, false);
        }

        /// <summary>
        /// One step of a stable selection sort (argsorts and Array.Sort with a comparison): position <paramref name="i"/> with key
        /// <paramref name="kv"/> becomes the best candidate for output <paramref name="r"/> when its (key, position) pair comes after
        /// the previous output's (<paramref name="pk"/>, <paramref name="pi"/>) in the order and before the best so far.
        /// </summary>
        private static Stmt SelectionStep(VarRef r, VarRef i, VarRef kv, VarRef pk, VarRef pi, VarRef bk, VarRef bi, bool descending)
        {
            var later = descending ? BinaryOp.Lt : BinaryOp.Gt; // the direction the order goes
            Expr after = new Binary(BinaryOp.Or, new Binary(BinaryOp.Eq, r, new Const(0, IrType.Int), IrType.Bool),
                new Binary(BinaryOp.Or, new Binary(later, kv, pk, IrType.Bool),
                    new Binary(BinaryOp.And, new Binary(BinaryOp.Eq, kv, pk, IrType.Bool), new Binary(BinaryOp.Gt, i, pi, IrType.Bool), IrType.Bool), IrType.Bool), IrType.Bool);
            var better = new Binary(BinaryOp.Or, new Binary(BinaryOp.Lt, bi, new Const(0, IrType.Int), IrType.Bool), new Binary(descending ? BinaryOp.Gt : BinaryOp.Lt, kv, bk, IrType.Bool), IrType.Bool);
            return new If(new Binary(BinaryOp.And, after, better, IrType.Bool),
                new Stmt[] { new Assign(bi, AssignOp.Set, i), new Assign(bk, AssignOp.Set, kv) }.ToEquatable(), EquatableArray<Stmt>.Empty);
        }

        /// <summary>Is <paramref name="e"/> a call of <c>Enumerable.Range(start, count)</c>?</summary>
        private bool IsEnumerableRange(ExpressionSyntax? e, out InvocationExpressionSyntax range)
        {
            range = null!;
            if (e is not InvocationExpressionSyntax { ArgumentList.Arguments.Count: 2 } inv || _model.GetSymbolInfo(inv, _ct).Symbol is not IMethodSymbol { Name: "Range" } m
                || m.ContainingType?.ToDisplayString() != "System.Linq.Enumerable")
                return false;
            range = inv;
            return true;
        }

        /// <summary>Element <paramref name="k"/> of <c>Enumerable.Range(start, count)</c> (start + k) and its count; null when either was reported.</summary>
        private Expr? RangeElement(InvocationExpressionSyntax range, Expr k, out Expr count)
        {
            var start = LowerIntExpr(range.ArgumentList.Arguments[0].Expression, "the start of Enumerable.Range");
            var n = LowerIntExpr(range.ArgumentList.Arguments[1].Expression, "the count of Enumerable.Range");
            count = n!;
            if (start is null || n is null) return null;
            return start is Const { Value: 0 } ? k : new Binary(BinaryOp.Add, start, k, IrType.Int);
        }

        /// <summary>Element <paramref name="k"/> of a 1-D array or of a row <c>z[i]</c> of a jagged one.</summary>
        private static Expr ElementAt(ArrayRef a, Expr k) =>
            a.Row is null ? new ElemRef(a.Array, a.ArrayType, new[] { k }.ToEquatable()) : new ElemRef(a.Array, a.ArrayType, new[] { a.Row, k }.ToEquatable());

        /// <summary>
        /// A method group used as a LINQ selector (<c>x.Sum(Math.Abs)</c>, <c>x.Sum(Sigmoid)</c>) applied to <paramref name="elem"/>: a
        /// one-argument Math/MathF function, or a static helper of this compilation whose body is one expression. Null when
        /// <paramref name="selector"/> is not a method group; Value null when it was reported.
        /// </summary>
        private (Expr? Value, List<Stmt> Pre)? MethodGroupSelector(ExpressionSyntax selector, Expr elem, Expr? accumulator = null)
        {
            if (selector is not (IdentifierNameSyntax or MemberAccessExpressionSyntax)) return null;
            var info = _model.GetSymbolInfo(selector, _ct);
            if ((info.Symbol ?? info.CandidateSymbols.FirstOrDefault()) is not IMethodSymbol method) return null;
            var pre = new List<Stmt>();
            // a selector takes the element; an Aggregate's function (x.Aggregate(double.NegativeInfinity, Math.Max)) the running value, then the element
            var given = accumulator is null ? new[] { elem } : new[] { accumulator, elem };
            if (method.Parameters.Length != given.Length)
            {
                Report(Descriptors.NotDifferentiableCall, selector, method.Name, accumulator is null
                    ? "a method used as a selector takes one value; write the lambda (v => ...)"
                    : "a method used as Aggregate's function takes two values (the running value, then the element); write the lambda ((s, v) => ...)");
                return (null, pre);
            }
            var args = given.Select((g, i) => MapType(method.Parameters[i].Type) is { IsArray: false } p && p != g.Type ? new IR.Convert(g, p) : g).ToArray();
            if ((method.ContainingType?.ToDisplayString() is "System.Math" or "System.MathF" || method.ContainingType?.SpecialType is SpecialType.System_Double or SpecialType.System_Single)
                && s_intrinsics.TryGetValue(method.Name, out var fn) && Arity(fn) == args.Length && MapType(method.ReturnType) is { IsArray: false } rt)
                return (new Intrinsic(fn, args.ToEquatable(), rt), pre);
            // a helper: its body read like a lambda's (one expression, or a block ending in its only return), the parameters bound to the values
            // (in another file of the compilation too, 'x.Select(Fn.Gelu)': read with that file's model)
            if (method.IsStatic && HelperSyntax(method) is MethodDeclarationSyntax md
                && ((CSharpSyntaxNode?)md.ExpressionBody?.Expression ?? md.Body) is { } body && SelectorBody(body))
            {
                var savedModel = _model;
                _model = ModelFor(md.SyntaxTree);
                try { return (LowerLambdaBody(method.Parameters.Select(q => (IParameterSymbol?)q).ToList(), args, body, pre), pre); }
                finally { _model = savedModel; }
            }
            // a local function (x.Sum(SoftLimit)): the same, reading what it captures where it stands
            if (method.MethodKind == MethodKind.LocalFunction && method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct) is LocalFunctionStatementSyntax lf
                && lf.SyntaxTree == _model.SyntaxTree && ((CSharpSyntaxNode?)lf.ExpressionBody?.Expression ?? lf.Body) is { } lbody && SelectorBody(lbody))
                return (LowerLambdaBody(method.Parameters.Select(q => (IParameterSymbol?)q).ToList(), args, lbody, pre), pre);
            Report(Descriptors.NotDifferentiableCall, selector, method.Name, "a method used as a selector must be a Math function, a static helper of this compilation or a local function whose body is one expression or ends in its only 'return'; write the lambda (v => ...)");
            return (null, pre);
        }

        /// <summary>
        /// A selector's body that <see cref="LowerLambdaBody"/> takes: an expression, or a block whose last statement is its only
        /// <c>return</c> (<c>j =&gt; { double dx = ...; return -dx * dx; }</c>, a helper with locals and a loop).
        /// </summary>
        private static bool SelectorBody(CSharpSyntaxNode body) =>
            body is ExpressionSyntax
            || body is BlockSyntax { Statements.Count: > 0 } b && b.Statements.Last() is ReturnStatementSyntax { Expression: not null }
               && b.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)).OfType<ReturnStatementSyntax>().Count() == 1;

        /// <summary>
        /// A lambda's (or a selector helper's) body with its parameters bound to fresh locals holding <paramref name="values"/>
        /// (statements into <paramref name="body"/>): an expression, or a block's statements then its final return's value.
        /// </summary>
        private Expr? LowerLambdaBody(List<IParameterSymbol?> ps, IReadOnlyList<Expr> values, CSharpSyntaxNode lbody, List<Stmt> body)
        {
            if (lbody is BlockSyntax block)
            {
                if (!SelectorBody(block)) return Suppress();
                return LowerLambdaBody(ps, values, ((ReturnStatementSyntax)block.Statements.Last()).Expression!, body, block.Statements.Take(block.Statements.Count - 1).ToList());
            }
            return LowerLambdaBody(ps, values, (ExpressionSyntax)lbody, body, null);
        }

        private Expr? LowerLambdaBody(List<IParameterSymbol?> ps, IReadOnlyList<Expr> values, ExpressionSyntax lbody, List<Stmt> body, List<StatementSyntax>? statements)
        {
            for (int i = 0; i < ps.Count; i++)
            {
                if (ps[i] is not { } lp) return Suppress();
                if (values[i] is ArrayRef rowOrArray)
                {
                    // rows.Select(row => row.Sum(v => v * v)): the parameter is a second name for the row (as in foreach)
                    _vars[lp] = new Variable(rowOrArray.Array, rowOrArray.ArrayType, IsParameterName(rowOrArray.Array) ? VarKind.Param : VarKind.Local, rowOrArray.Row, null);
                    continue;
                }
                var item = FreshName(_prefix + lp.Name);
                body.Add(new DeclScalar(item, values[i].Type, values[i]));
                _vars[lp] = new Variable(item, values[i].Type, VarKind.Local);
            }
            _loopDepth++;
            if (statements is not null)
                foreach (var st in statements) LowerStatement(st, body); // a block's statements, in the loop over the elements
            var saved = _pending;
            _pending = body;
            var v = LowerExpr(lbody);
            _pending = saved;
            _loopDepth--;
            return v;
        }

        /// <summary>Is <paramref name="e"/> a choice (<c>?:</c>, nested) among whole arrays of <paramref name="type"/> by ints and flags (a class index)?</summary>
        private static bool? ChosenArrays(Expr e, IrType type) => e switch
        {
            ArrayRef { Row: null } leaf when leaf.Type == type => true,
            Conditional c when !IrQueries.ReadsReal(c.Condition) && ChosenArrays(c.WhenTrue, type) == true && ChosenArrays(c.WhenFalse, type) == true => true,
            _ => null,
        };

        /// <summary>A local array that copies one of two arrays (<c>var src = useA ? a : b;</c>) and the copy loops that fill it.</summary>
        private sealed record ChosenCopy(string Name, string First, string Second, string CopyFirst, string CopySecond, bool TopLevel, SyntaxNode Where);

        private readonly List<ChosenCopy> _chosenCopies = new();

        /// <summary>
        /// A chosen copy is the alias C# makes only while nothing writes the local, or either array after the choice: reported
        /// otherwise (a write through the local would have to reach the array chosen, a write of the array the local).
        /// </summary>
        private void CheckChosenCopies(List<Stmt> body)
        {
            foreach (var c in _chosenCopies)
            {
                bool after = false;
                string? written = null;
                Walk(body);
                if (written is not null)
                    Report(Descriptors.LocalArray, c.Where, c.Name,
                        $"'{written}' is written after the choice, and the local is a second name for the array chosen; index the arrays where they are read ('if (useA) s += a[i]; else s += b[i];'), or copy the chosen one into a new local array with a loop");

                void Walk(IEnumerable<Stmt> stmts)
                {
                    foreach (var s in stmts)
                    {
                        if (written is not null) return;
                        switch (s)
                        {
                            case For f when f.Var == c.CopyFirst || f.Var == c.CopySecond: after = true; continue; // the fill itself
                            case For f: Walk(f.Body); continue;
                            case If i: Walk(i.Then); Walk(i.Else); continue;
                            case Block b: Walk(b.Body); continue;
                        }
                        var set = new HashSet<string>(StringComparer.Ordinal);
                        IrQueries.Writes(new[] { s }, set);
                        if (set.Contains(c.Name) && !(s is DeclArray)) written = c.Name;
                        // the arrays: after the fill at the top level; anywhere when the choice is made in a loop or branch
                        else if ((after || !c.TopLevel) && (set.Contains(c.First) || set.Contains(c.Second))) written = set.Contains(c.First) ? c.First : c.Second;
                    }
                }
            }
        }

        /// <summary>
        /// <c>x.Skip(a)</c>, <c>x.Take(b)</c> and chains of them over a 1-D array (or a row of a jagged one): the array, the first
        /// position and the count, with Enumerable's bounds (a negative count is 0, a count past the end stops at the end). Null
        /// when <paramref name="e"/> is not such a chain; Reported when it was one and an error was reported.
        /// </summary>
        private (ArrayRef Array, Expr Start, Expr Count, bool Reported)? SkipTakePart(ExpressionSyntax e)
        {
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            if (e is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax ma, ArgumentList.Arguments.Count: 1 } inv
                || _model.GetSymbolInfo(inv, _ct).Symbol is not IMethodSymbol { Name: "Skip" or "Take", ReducedFrom: not null } m
                || m.ContainingType?.ToDisplayString() != "System.Linq.Enumerable"
                || _model.GetTypeInfo(inv.ArgumentList.Arguments[0].Expression, _ct).Type?.SpecialType != SpecialType.System_Int32)
                return null;
            var failed = ((ArrayRef)null!, (Expr)null!, (Expr)null!, true);
            ArrayRef array;
            Expr start, count;
            if (SkipTakePart(ma.Expression) is { } inner)
            {
                if (inner.Reported) return failed;
                (array, start, count) = (inner.Array, inner.Start, inner.Count);
            }
            else
            {
                var src = LowerExpr(ma.Expression);
                if (src is null) return failed;
                if (src is not ArrayRef { Type.Shape: Shape.Vector } a)
                {
                    Report(Descriptors.NotDifferentiableCall, inv, "Enumerable." + m.Name, "Skip and Take are supported over a 1-D array (x.Skip(1).Sum(), x.Take(k).ToArray()); write the loop over the part");
                    return failed;
                }
                (array, start, count) = (a, new Const(0, IrType.Int), Len(a.Array, a.ArrayType, a.Row, 0));
            }
            var k = LowerIntExpr(inv.ArgumentList.Arguments[0].Expression, "the count of " + m.Name);
            if (k is null) return failed;
            static Expr Min(Expr a, Expr b) => new Conditional(new Binary(BinaryOp.Lt, a, b, IrType.Bool), a, b, IrType.Int);
            if (k is not Const { Value: >= 0 }) k = new Conditional(new Binary(BinaryOp.Lt, k, new Const(0, IrType.Int), IrType.Bool), new Const(0, IrType.Int), k, IrType.Int);
            var taken = Min(k, count);
            return m.Name == "Take" ? (array, start, taken, false)
                : (array, AddInts(start, taken), new Binary(BinaryOp.Sub, count, taken, IrType.Int), false);
        }

        /// <summary>
        /// A 1-D array or a Skip/Take part of one as the source of a LINQ call: the array, first position and count. Null when
        /// it is neither (nothing reported); Reported when an error was reported.
        /// </summary>
        private (ArrayRef Array, Expr Start, Expr Count, bool Reported)? VectorPart(ExpressionSyntax e)
        {
            if (SkipTakePart(e) is { } part) return part;
            var x = LowerExpr(e);
            if (x is null) return ((ArrayRef)null!, (Expr)null!, (Expr)null!, true);
            return x is ArrayRef { Type.Shape: Shape.Vector } a ? (a, new Const(0, IrType.Int), Len(a.Array, a.ArrayType, a.Row, 0), false) : null;
        }

        /// <summary>
        /// <c>new T[,] { { a, b }, { c, d } }</c> (or <c>T[,] m = { ... }</c>): a T[rows, cols] and one store per element, row by row.
        /// Null when an error was reported.
        /// </summary>
        private (List<Expr>? Sizes, List<Stmt>? Fill, ArrayRef? Alias, bool Reported)? LowerMatrixInitializer(ExpressionSyntax init, List<ExpressionSyntax> rows, string name, IrType type)
        {
            var cols = rows.Select(r => r is InitializerExpressionSyntax row ? row.Expressions.Count : -1).Distinct().ToList();
            if (rows.Count == 0 || cols.Count != 1 || cols[0] <= 0)
            {
                Report(Descriptors.LocalArray, init, name, "a T[,] initializer needs rows '{ a, b }' of one length; or declare 'new T[n, m]' and fill it with a loop");
                return null;
            }
            var fill = new List<Stmt>();
            for (int i = 0; i < rows.Count; i++)
            {
                var row = ((InitializerExpressionSyntax)rows[i]).Expressions;
                for (int j = 0; j < row.Count; j++)
                {
                    var x = LowerExpr(row[j]);
                    if (x is null) return null;
                    if (x.Type != type.ElementType) x = new IR.Convert(x, type.ElementType);
                    fill.Add(new Assign(new ElemRef(name, type, new Expr[] { new Const(i, IrType.Int), new Const(j, IrType.Int) }.ToEquatable()), AssignOp.Set, x));
                }
            }
            return (new List<Expr> { new Const(rows.Count, IrType.Int), new Const(cols[0], IrType.Int) }, fill, null, false);
        }

        /// <summary>
        /// A local array's initializer other than <c>new T[n]</c>: <c>{ a, b }</c> / <c>new[] { a, b }</c> / <c>[a, b]</c> (a T[] and one store
        /// per element), <c>(T[])x.Clone()</c> and <c>x.ToArray()</c> (a new array shaped like x and a copy loop), or an expression that
        /// is an array already (an array a helper returns, another array variable): an alias. Null when it is none of those;
        /// Reported when it was one and an error was reported.
        /// </summary>
        private (List<Expr>? Sizes, List<Stmt>? Fill, ArrayRef? Alias, bool Reported)? LowerArrayInitializer(ExpressionSyntax init, string name, IrType type)
        {
            var reported = ((List<Expr>?)null, (List<Stmt>?)null, (ArrayRef?)null, true);
            while (init is CastExpressionSyntax c) init = c.Expression;
            if (LowerArgSort(init, name, type, out bool argSort) is var sorted && argSort) return sorted; // Range(0, n).OrderBy(i => key).ToArray()
            // (the syntax nodes themselves: the semantic model knows only nodes of its tree)
            List<ExpressionSyntax>? elements = init switch
            {
                InitializerExpressionSyntax ie => ie.Expressions.ToList(),
                ArrayCreationExpressionSyntax { Initializer: { } ai } => ai.Expressions.ToList(),
                ImplicitArrayCreationExpressionSyntax ia => ia.Initializer.Expressions.ToList(),
                // Span<double> k = stackalloc double[] { a, b, c }; (or stackalloc[] { ... }): the same values in scratch storage
                StackAllocArrayCreationExpressionSyntax { Initializer: { } si } => si.Expressions.ToList(),
                ImplicitStackAllocArrayCreationExpressionSyntax isa => isa.Initializer.Expressions.ToList(),
                CollectionExpressionSyntax ce when ce.Elements.All(e => e is ExpressionElementSyntax) => ce.Elements.Select(e => ((ExpressionElementSyntax)e).Expression).ToList(),
                _ => null,
            };
            if (elements is { } els)
            {
                if (type.Shape == Shape.Matrix) return LowerMatrixInitializer(init, els, name, type) ?? reported;
                if (type.Shape != Shape.Vector)
                {
                    Report(Descriptors.LocalArray, init, name, "initializer lists are supported for T[] and T[,] locals; fill it with a loop");
                    return reported;
                }
                var fill = new List<Stmt>();
                for (int k = 0; k < els.Count; k++)
                {
                    var x = LowerExpr(els[k]);
                    if (x is null) return reported;
                    if (x.Type != type.ElementType) x = new IR.Convert(x, type.ElementType);
                    fill.Add(new Assign(new ElemRef(name, type, new Expr[] { new Const(k, IrType.Int) }.ToEquatable()), AssignOp.Set, x));
                }
                return (new List<Expr> { new Const(els.Count, IrType.Int) }, fill, null, false);
            }
            // row.ToArray() of a span (a view, a part, a span parameter): a copy of that part (SpanViews.cs)
            if (init is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "ToArray" } sta, ArgumentList.Arguments.Count: 0 }
                && _model.GetTypeInfo(sta.Expression, _ct).Type is { } spanType && IsSpan(spanType, out _, out _) && type.Shape == Shape.Vector)
            {
                if (SpanPart(sta.Expression, type) is not { } part) return reported;
                return (new List<Expr> { part.Count }, new List<Stmt> { CopyPart(part.Array, part.Start ?? new Const(0, IrType.Int), part.Count, name, type) }, null, false);
            }
            // features.ToArray() of a List local: a copy of the Count values it holds (ListLocals.cs)
            if (init is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "ToArray" } lta, ArgumentList.Arguments.Count: 0 }
                && type.Shape == Shape.Vector && ListCount(lta.Expression) is { } listCount && LowerExpr(lta.Expression) is ArrayRef { Row: null } listArray)
            {
                if (listArray.Type != type) { Report(Descriptors.LocalArray, init, name, $"copy a list of the same element type ({type})"); return reported; }
                return (new List<Expr> { listCount }, new List<Stmt> { CopyPart(listArray, new Const(0, IrType.Int), listCount, name, type) }, null, false);
            }
            // x.Skip(a).ToArray(), x.Take(b).ToArray(): a copy of that part
            if (init is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "ToArray" } stt, ArgumentList.Arguments.Count: 0 }
                && type.Shape == Shape.Vector && SkipTakePart(stt.Expression) is { } skipTake)
            {
                if (skipTake.Reported) return reported;
                if (skipTake.Array.Type != type) { Report(Descriptors.LocalArray, init, name, $"copy an array of the same type ({type})"); return reported; }
                return (new List<Expr> { skipTake.Count }, new List<Stmt> { CopyPart(skipTake.Array, skipTake.Start, skipTake.Count, name, type) }, null, false);
            }
            // x.Clone() / x.ToArray()
            if (init is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax ma } inv && inv.ArgumentList.Arguments.Count == 0
                && ma.Name.Identifier.Text is "Clone" or "ToArray" or "ToList" && _model.GetTypeInfo(ma.Expression, _ct).Type is IArrayTypeSymbol)
            {
                var src = LowerExpr(ma.Expression);
                if (src is null) return reported;
                if (src is not ArrayRef sa || sa.Type != type)
                {
                    Report(Descriptors.LocalArray, init, name, $"copy an array of the same type ({type})");
                    return reported;
                }
                int rank = type.Shape == Shape.Matrix ? 2 : 1;
                var sizes = Enumerable.Range(0, rank).Select(d => Len(sa.Array, sa.ArrayType, sa.Row, d)).ToList();
                return (sizes, new List<Stmt> { CopyLoops(sa, name, type, sizes) }, null, false);
            }
            // x.Select(v => ...).ToArray(), Enumerable.Range(0, n).Select(i => ...).ToArray(), x.Zip(y, (a, b) => ...).ToArray()
            if (LowerLinqToArray(init, name, type) is { } mapped) return mapped.Sizes is null ? reported : mapped;
            // x[a..b]: a new array holding that part; x.AsSpan(a, n) in a span local nothing writes (checked before): a copy too (Slices.cs)
            if (SliceForm(init) is { } form)
            {
                if (LowerSlicePart(form, init, type) is not { } part) return reported;
                if (part.Start is null) return (null, null, part.Array, false); // x.AsSpan(): the array itself
                var start = part.Start;
                return (new List<Expr> { part.Count }, new List<Stmt> { CopyPart(part.Array, start, part.Count, name, type) }, null, false);
            }
            // var src = useA ? a : b;: a copy of the array chosen, exactly the alias C# makes while nothing writes src, a or b
            // afterwards (CheckChosenCopies, at the end of the method)
            // var taus = quantiles ?? DefaultQuantiles;: the same choice, made by whether the optional array was given
            var coalesce = init is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.CoalesceExpression } co && ArrayParameter(co.Left) is { } optional
                ? (Given: new Binary(BinaryOp.Ne, GivenFlag(optional, co), new Const(0, IrType.Int), IrType.Bool), co.Left, co.Right) : default;
            if ((init is ConditionalExpressionSyntax || coalesce.Left is not null) && type.Shape == Shape.Vector)
            {
                var choice = init as ConditionalExpressionSyntax;
                var cond = choice is not null ? LowerExpr(choice.Condition) : coalesce.Given;
                var first = LowerExpr(choice?.WhenTrue ?? coalesce.Left!);
                var second = LowerExpr(choice?.WhenFalse ?? coalesce.Right!);
                if (cond is null || first is null || second is null) return reported;
                if (first is not ArrayRef fa || second is not ArrayRef sb || fa.Type != type || sb.Type != type)
                {
                    Report(Descriptors.LocalArray, init, name, $"choose between two arrays of the same type ({type}) with '?:', or choose with if/else around the code that reads them");
                    return reported;
                }
                if (IrQueries.ReadsReal(cond))
                {
                    Report(Descriptors.LocalArray, init, name, "the choice between arrays may read parameters, ints and bools only (a flag); a choice made by values needs if/else around the code that reads them");
                    return reported;
                }
                Expr lenA = Len(fa.Array, fa.ArrayType, fa.Row, 0), lenB = Len(sb.Array, sb.ArrayType, sb.Row, 0);
                var copyA = (For)CopyPart(fa, new Const(0, IrType.Int), lenA, name, type);
                var copyB = (For)CopyPart(sb, new Const(0, IrType.Int), lenB, name, type);
                _chosenCopies.Add(new ChosenCopy(name, fa.Array, sb.Array, copyA.Var, copyB.Var, _loopDepth == 0 && _branchDepth == 0, init.Parent?.Parent ?? init));
                return (new List<Expr> { new Conditional(cond, lenA, lenB, IrType.Int) },
                    new List<Stmt> { new If(cond, new Stmt[] { copyA }.ToEquatable(), new Stmt[] { copyB }.ToEquatable()) }, null, false);
            }
            // an array-valued expression: a helper's returned array, another array variable
            if (init is InvocationExpressionSyntax or IdentifierNameSyntax or MemberAccessExpressionSyntax)
            {
                var a = LowerExpr(init);
                if (a is null) return reported;
                if (a is ArrayRef { Row: null } ar && ar.Type == type) return (null, null, ar, false);
                // 'var z = L.Forward(x);' where L's class chooses the method (DispatchedCalls.cs): each class's new array, chosen by the
                // class; a copy of it (the arrays are the bodies' own, which nothing else names), sized by the one chosen
                if (a is Conditional && ChosenArrays(a, type) is { } chosen)
                {
                    (Expr Size, Stmt Copy) Build(Expr e)
                    {
                        if (e is Conditional c)
                        {
                            var (s1, c1) = Build(c.WhenTrue);
                            var (s2, c2) = Build(c.WhenFalse);
                            return (new Conditional(c.Condition, s1, s2, IrType.Int), new If(c.Condition, new[] { c1 }.ToEquatable(), new[] { c2 }.ToEquatable()));
                        }
                        var leaf = (ArrayRef)e;
                        var len = Len(leaf.Array, leaf.ArrayType, null, 0);
                        return (len, CopyPart(leaf, new Const(0, IrType.Int), len, name, type));
                    }
                    var (size, copy) = Build(a);
                    return (new List<Expr> { size }, new List<Stmt> { copy }, null, false);
                }
                Report(Descriptors.LocalArray, init, name, $"initialise it with an array of the same type ({type}), 'new T[n]' or a copy 'x.Clone()'");
                return reported;
            }
            return null;
        }
    }
}
