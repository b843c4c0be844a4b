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
    internal sealed partial class DifferentiableParser
    {
        private void LowerReturn(ReturnStatementSyntax rs, List<Stmt> output)
        {
            if (IsResultReturn(rs)) return; // 'return y;' last: the array form is void, y an output
            if (rs.Expression is null) { output.Add(new Return(null)); return; }
            if (_tupleItems is not null)
            {
                if (LowerTupleReturn(rs.Expression, output) is { } first) output.Add(new Return(first)); // 'return (loss, acc);' (ResultArrays.cs)
                return;
            }
            var e = LowerExpr(rs.Expression);
            if (e is null) return;
            if (!e.Type.IsReal || e.Type.IsArray)
            {
                Report(Descriptors.UnsupportedExpression, rs.Expression, rs.Expression.ToString(), "the returned value must be float or double; return a float/double expression (a sum, an element a[i]), or make the method void and write an output array");
                return;
            }
            output.Add(new Return(e));
        }

        private void LowerBlock(StatementSyntax s, List<Stmt> output)
        {
            if (s is BlockSyntax b) LowerStatements(b.Statements, output);
            else LowerStatement(s, output);
        }

        /// <summary>A block's statements, one by one (a row swap through a temporary, three statements, as one: JaggedRows.cs).</summary>
        private void LowerStatements(SyntaxList<StatementSyntax> list, List<Stmt> output)
        {
            for (int i = 0; i < list.Count; i++)
            {
                if (TryLowerTempRowSwap(list[i], output)) { i += 2; continue; }
                LowerStatement(list[i], output);
            }
        }

        /// <summary>
        /// Lowers one statement; the statements of helpers inlined in its expressions (<see cref="_pending"/>) go before it
        /// (conditions of loops that run per iteration refuse them, see <see cref="_hoistBan"/>).
        /// </summary>
        private void LowerStatement(StatementSyntax s, List<Stmt> output) => WithPending(own => LowerStatementCore(s, own), output);

        /// <summary>Runs a lowering whose inlined helpers' statements (<see cref="_pending"/>) go before what it writes.</summary>
        private void WithPending(Action<List<Stmt>> lower, List<Stmt> output)
        {
            var saved = _pending;
            var pending = _pending = new List<Stmt>();
            var own = new List<Stmt>();
            try { lower(own); }
            finally { _pending = saved; }
            output.AddRange(pending);
            output.AddRange(own);
        }

        private void LowerStatementCore(StatementSyntax s, List<Stmt> output)
        {
            _ct.ThrowIfCancellationRequested();
            switch (s)
            {
                case BlockSyntax b:
                    LowerStatements(b.Statements, output);
                    break;
                case EmptyStatementSyntax:
                    break;
                case LocalDeclarationStatementSyntax decl:
                    LowerDeclaration(decl, output);
                    break;
                case ExpressionStatementSyntax es:
                    if (TryLowerDispatchedArrayStatement(es, output)) break; // h = layer.Forward(h) on an ILayer: once per class (DispatchedCalls.cs)
                    LowerExpressionStatement(es.Expression, output);
                    break;
                case ForStatementSyntax f:
                    LowerFor(f, output);
                    break;
                case IfStatementSyntax ifs:
                    {
                        var cond = LowerExpr(ifs.Condition);
                        var then = new List<Stmt>();
                        var els = new List<Stmt>();
                        _branchDepth++;
                        LowerBlock(ifs.Statement, then);
                        if (ifs.Else is not null) LowerBlock(ifs.Else.Statement, els);
                        _branchDepth--;
                        if (cond is not null) output.Add(new If(cond, then.ToEquatable(), els.ToEquatable()));
                        break;
                    }
                case ContinueStatementSyntax:
                    output.Add(new Continue());
                    break;
                case BreakStatementSyntax:
                    if (_loops.Count == 0)
                    {
                        Report(Descriptors.Break, s, "outside a loop it has nothing to leave; put the rest of the method under an if, or return early");
                        break;
                    }
                    // lowered with its loop: an exit flag (EarlyExits)
                    _loops.Peek().BreakFlag ??= FreshName("__brk");
                    output.Add(new Break());
                    break;
                case ReturnStatementSyntax rs:
                    LowerNestedReturn(rs, output);
                    break;
                case WhileStatementSyntax w:
                    LowerWhile(w.Condition, w.Statement, isDo: false, w.WhileKeyword.GetLocation(), output);
                    break;
                case DoStatementSyntax d:
                    LowerWhile(d.Condition, d.Statement, isDo: true, d.DoKeyword.GetLocation(), output);
                    break;
                case ForEachStatementSyntax fe when TryLowerIteratorForEach(fe, fe.Expression, fe.Statement):
                case ForEachVariableStatementSyntax fv0 when TryLowerIteratorForEach(fv0, fv0.Expression, fv0.Statement):
                    break; // over the user's iterator method (IteratorLoops.cs)
                case YieldStatementSyntax ys when ys.IsKind(SyntaxKind.YieldReturnStatement) && _iterator is { } it:
                    LowerYield(ys, it, output);
                    break;
                case ForEachStatementSyntax fe:
                    LowerForEach(fe, output);
                    break;
                case ForEachVariableStatementSyntax fv:
                    if (!TryLowerForEachLinq(fv.Variable, fv.Expression, fv.Statement, fv.ForEachKeyword, output))
                        LowerForEachPairs(fv.Variable, fv.Expression, fv.Statement, fv.ForEachKeyword, output);
                    break;
                case SwitchStatementSyntax sw:
                    LowerSwitch(sw, output);
                    break;
                case TryStatementSyntax pooled when IsPoolCleanup(pooled): // try { ... } finally { pool.Return(buf); }: its body (PooledArrays.cs)
                    LowerBlock(pooled.Block, output);
                    break;
                case TryStatementSyntax ts:
                    ReportTry(ts);
                    break;
                case CheckedStatementSyntax cs: // checked { ... } / unchecked { ... }: the same statements (overflow checks on ints are the user's method's business)
                    LowerBlock(cs.Block, output);
                    break;
                case GotoStatementSyntax g when g.IsKind(SyntaxKind.GotoCaseStatement) || g.IsKind(SyntaxKind.GotoDefaultStatement):
                    Report(Descriptors.UnsupportedStatement, s, "goto case", "end the section with 'break' and repeat the target section's statements in it (or write the switch as if/else with the shared part after it)");
                    break;
                case GotoStatementSyntax:
                    Report(Descriptors.UnsupportedStatement, s, "goto", "write it with for loops, if/else and continue");
                    break;
                case ThrowStatementSyntax ts:
                    // leading checks of parameters were taken as guards already; this one runs where it stands (Throw.cs)
                    if (LowerThrow(ts.Expression, ts) is { } thrown) output.Add(thrown);
                    break;
                case LocalFunctionStatementSyntax:
                    break; // inlined where it is called
                default:
                    Report(Descriptors.UnsupportedStatement, s, s.Kind().ToString(), "write it with local declarations, assignments, for, foreach, while, do, if/else, break, continue, return and calls of [Differentiable] methods (only those are supported)");
                    break;
            }
        }

        /// <summary>
        /// Declares the local array <paramref name="name"/> with its sizes and initial values (<paramref name="fill"/>): where it
        /// stands at the top level; inside a loop or an if, one buffer for the method allocated before the top-level statement
        /// (its size must not change there). False when reported (the local is rejected).
        /// </summary>
        private bool DeclareLocalArray(SyntaxNode v, ILocalSymbol? local, string name, IrType type, List<Expr> lowered, List<Stmt>? fill, List<Stmt> output)
        {
            lowered = lowered.Select(IntSizes.Simplify).ToList(); // a[(p * dim)..((p + 1) * dim)]: dim long, whatever p is
            var arrayDecl = new DeclArray(name, type, lowered.ToEquatable());
            if (_loopDepth == 0 && _branchDepth == 0)
            {
                _topLevelLocals.Add(name);
                if (local is not null) _vars[local] = new Variable(name, type, VarKind.Local);
                output.Add(arrayDecl);
                if (fill is not null) output.AddRange(fill);
                return true;
            }
            // Declared inside a loop or an if: one buffer for the whole method, allocated before the top-level
            // statement that holds the declaration (its size must not change), and zeroed where the user's
            // 'new' stands inside a loop. The reverse sweep sees each iteration's values because the zeroing is an
            // ordinary overwrite: what an adjoint still reads is stored on the restore tape before it.
            var sizeVars = new HashSet<string>(StringComparer.Ordinal);
            string? varying = null;
            foreach (var e in lowered)
                foreach (var d in IrQueries.Descendants(e))
                {
                    if (d is VarRef r && !IsFixedName(r.Name)) varying ??= r.Name;
                    else if (d is VarRef r2) sizeVars.Add(r2.Name);
                    else if (d is ElemRef el && !IsParameterName(el.Array)) varying ??= el.Array;
                }
            if (varying is not null)
            {
                // A size read from the data per row ('new double[x[i].Length]', 'new double[lens[i]]'): the buffer gets the
                // largest such size (computed before the statement), and the array's Length is its own row's size.
                if (type.Shape == Shape.Vector && _loopDepth > 0 && Capacity(lowered[0], out var before) is { } capacity)
                {
                    _hoistedArrays.AddRange(before);
                    // the bound's top-level ints are read before the statement: one the method reassigns is reported (as for any size)
                    var boundVars = new HashSet<string>(IrQueries.Descendants(capacity).OfType<VarRef>().Select(x => x.Name).Where(IsFixedName), StringComparer.Ordinal);
                    _hoistedSizes.Add((name, boundVars, v.GetLocation()));
                    var sizeName = FreshName(name + "_len");
                    output.Add(new DeclScalar(sizeName, IrType.Int, lowered[0]));
                    _rowIntInits[sizeName] = lowered[0]; // an array sized like this one is bounded by the same capacity
                    _dynamicLengths[name] = sizeName;
                    if (local is not null) _vars[local] = new Variable(name, type, VarKind.Local);
                    _hoistedArrays.Add(new DeclArray(name, type, new[] { capacity }.ToEquatable()));
                    var current = new List<Expr> { new VarRef(sizeName, IrType.Int) };
                    if (fill is not null) output.AddRange(fill);
                    else output.Add(ZeroFill(name, type, current));
                    return true;
                }
                // ints the enclosing loop declares but never changes, read from fixed sizes ('int n = a.GetLength(0);' of a helper
                // inlined in the loop, 'a' one of the method's matrices): the same size on every iteration, computed before it
                var exact = lowered.Select(FixedSize).ToList();
                if (exact.Any(x => x is null))
                {
                    Report(Descriptors.LocalArray, v, (local?.Name ?? name), $"its size reads '{UserName(varying)}', which changes inside the enclosing loop or if; a local array declared there gets one buffer reused by every iteration, so its size must not change (a size read per row from a parameter, 'new double[x[i].Length]' or 'new double[lens[i]]', is supported): allocate it once before the loop with the largest size needed");
                    if (local is not null) _rejected.Add(local);
                    return false;
                }
                lowered = exact!;
                arrayDecl = new DeclArray(name, type, lowered.ToEquatable());
                sizeVars.Clear();
                foreach (var e in lowered)
                    foreach (var d in IrQueries.Descendants(e))
                        if (d is VarRef r) sizeVars.Add(r.Name);
            }
            _hoistedSizes.Add((name, sizeVars, v.GetLocation()));
            if (local is not null) _vars[local] = new Variable(name, type, VarKind.Local);
            _hoistedArrays.Add(arrayDecl);
            if (fill is not null) output.AddRange(fill);
            else if (_loopDepth > 0) output.Add(ZeroFill(name, type, lowered));
            return true;
        }

        /// <summary>The name the user wrote for IR variable <paramref name="irName"/> (a helper's local is 'Helper_n' in the IR).</summary>
        private string UserName(string irName) => _vars.FirstOrDefault(x => x.Value.Name == irName).Key?.Name ?? irName;

        /// <summary>
        /// <paramref name="size"/> read through the ints it names that are declared inside loops or ifs but never reassigned, down to
        /// constants, the method's fixed ints and the lengths of its fixed arrays: the same value wherever it is computed. Null when
        /// it reads anything else (a counter, an element, a value that changes).
        /// </summary>
        private Expr? FixedSize(Expr size)
        {
            switch (size)
            {
                case Const: return size;
                case VarRef r when _reassigned.Contains(r.Name): return null;
                case VarRef r when IsFixedName(r.Name): return size;
                case VarRef r when _rowIntInits.TryGetValue(r.Name, out var init): return FixedSize(init);
                case LengthOf { Row: null } l when IsFixedName(l.Array) && !_reboundCaps.ContainsKey(l.Array) && !_dynamicLengths.ContainsKey(l.Array): return size;
                // the length of a buffer hoisted before this statement (the matrix a helper returned in an earlier iteration): its size
                case LengthOf { Row: null } l when !_dynamicLengths.ContainsKey(l.Array) && _hoistedArrays.OfType<DeclArray>().LastOrDefault(d => d.Name == l.Array) is { } hoisted
                    && (l.Dim < 0 ? hoisted.Sizes.Count == 1 ? 0 : -1 : l.Dim) is var dim && dim >= 0 && dim < hoisted.Sizes.Count:
                    return FixedSize(hoisted.Sizes[dim]);
                case Binary b when FixedSize(b.Left) is { } left && FixedSize(b.Right) is { } right: return b with { Left = left, Right = right };
                case Intrinsic f when f.Args.Select(FixedSize).ToList() is var args && args.All(a => a is not null): return f with { Args = args.Select(a => a!).ToEquatable() };
                case Conditional c when FixedSize(c.Condition) is { } cc && FixedSize(c.WhenTrue) is { } ct && FixedSize(c.WhenFalse) is { } cf: return new Conditional(cc, ct, cf, c.Type);
                default: return null;
            }
        }

        /// <summary>Counted loops' counters: an upper bound (the bound counting up, the start counting down) and a lower one (the other).</summary>
        private readonly Dictionary<string, Expr> _counterCaps = new(StringComparer.Ordinal), _counterLows = new(StringComparer.Ordinal);

        /// <summary>Int locals declared inside loops or ifs with their initial values (a per-row size's bound reads through them).</summary>
        private readonly Dictionary<string, Expr> _rowIntInits = new(StringComparer.Ordinal);

        /// <summary>Local T[]s whose size changes per row: the int local holding this row's size (their Length).</summary>
        private readonly Dictionary<string, string> _dynamicLengths = new(StringComparer.Ordinal);

        /// <summary>
        /// An upper bound of a per-row size, computable before the top-level statement: each row length of a jagged parameter
        /// (<c>x[i].Length</c>) becomes the longest row's, each element of an int array parameter (<c>lens[i]</c>) the largest
        /// element (loops placed in <paramref name="before"/>); sums and products of those, fixed ints and constants bound it.
        /// Null when the size reads anything else (a counter, a local).
        /// </summary>
        private Expr? Capacity(Expr size, out List<Stmt> before)
        {
            var pre = new List<Stmt>();
            before = pre;
            Expr? Bound(Expr e)
            {
                switch (e)
                {
                    case Const: return e;
                    case VarRef r when _reboundCaps.TryGetValue(r.Name, out var reboundCap): return new VarRef(reboundCap, IrType.Int); // a.Length of a layer stack
                    case VarRef r when IsFixedName(r.Name): return e;
                    case VarRef r when _counterCaps.TryGetValue(r.Name, out var counterCap): return Bound(counterCap); // i + 1 in 'for (i < n)': n + 1
                    case VarRef r when _rowIntInits.TryGetValue(r.Name, out var init) && !_reassigned.Contains(r.Name): return Bound(init);
                    case LengthOf { Row: null } l when IsFixedName(l.Array): return e;
                    // the length of a scratch array of an enclosing loop (a helper's 'int dim = z.Length;'), a list's count: what sized it
                    case LengthOf { Row: null } l when DeclaredLength(l.Array) is { } declared: return Bound(declared);
                    case VarRef r when _listArrayOfCount.TryGetValue(r.Name, out var list) && DeclaredLength(list) is { } listCap: return Bound(listCap);
                    case VarRef r when _listArrayOfCount.TryGetValue(r.Name, out var topList) && IsFixedName(topList) && _vars.Values.FirstOrDefault(x => x.Name == topList) is { } lv:
                        return new LengthOf(topList, lv.Type, null, -1);
                    case LengthOf { Row: not null } l when IsParameterName(l.Array) && l.ArrayType.Shape == Shape.Jagged:
                        return MaxOver(l.Array, l.ArrayType, row: true);
                    case ElemRef { Indices.Count: 1 } el when IsParameterName(el.Array) && el.Type == IrType.Int:
                        return MaxOver(el.Array, new IrType(Scalar.Int, Shape.Vector), row: false);
                    case Binary { Op: BinaryOp.Add or BinaryOp.Mul } b when Bound(b.Left) is { } l2 && Bound(b.Right) is { } r2:
                        return b with { Left = l2, Right = r2 };
                    // len - ks + 1, convLen / pool: less a length or a constant that is not negative, divided by a fixed positive
                    // amount (a size computed with a negative one is negative too, and C# throws on it as the capacity does)
                    case Binary { Op: BinaryOp.Sub } b when NonNegative(b.Right) && Bound(b.Left) is { } l3:
                        return l3;
                    // len - k with k fixed for the call (a layer's kernel size, whatever its sign): the longest row's, less k; at
                    // least 0, so that a capacity computed before a loop that may not run never throws where C# would not
                    case Binary { Op: BinaryOp.Sub } b when IsFixedInt(b.Right) && Bound(b.Left) is { } l6:
                        return new Intrinsic(Fn.Max, new[] { (Expr)new Const(0, IrType.Int), b with { Left = l6 } }.ToEquatable(), IrType.Int);
                    case Binary { Op: BinaryOp.Div } b when b.Right is Const { Value: > 0 } && Bound(b.Left) is { } l4:
                        return b with { Left = l4 };
                    // by a fixed int: computed before the loop, so a divisor of 0 (or below) must not throw there when the
                    // loop would not (it may never run): then the dividend's bound
                    case Binary { Op: BinaryOp.Div } b when b.Right is VarRef dr && IsFixedName(dr.Name) && Bound(b.Left) is { } l5:
                        return new Conditional(new Binary(BinaryOp.Gt, dr, new Const(0, IrType.Int), IrType.Bool), b with { Left = l5 }, l5, IrType.Int);
                    // Math.Min(n, x.Length): either bound bounds it; a choice: the larger of both
                    case Intrinsic { Fn: Fn.Min, Args.Count: 2 } mn when Bound(mn.Args[0]) is { } m0:
                        return m0;
                    case Intrinsic { Fn: Fn.Min, Args.Count: 2 } mn when Bound(mn.Args[1]) is { } m1:
                        return m1;
                    case Conditional c when Bound(c.WhenTrue) is { } ct && Bound(c.WhenFalse) is { } cf:
                        return new Intrinsic(Fn.Max, new[] { ct, cf }.ToEquatable(), IrType.Int);
                    default: return null;
                }
            }
            bool IsFixedInt(Expr e) => e is Const || e is VarRef f && IsFixedName(f.Name) && !_reassigned.Contains(f.Name) || e is LengthOf { Row: null } fl && IsFixedName(fl.Array);
            bool NonNegative(Expr e) => e is Const { Value: >= 0 } or LengthOf
                || e is Binary { Op: BinaryOp.Add or BinaryOp.Mul } b && NonNegative(b.Left) && NonNegative(b.Right)
                || e is VarRef d && _dimNames.Contains(d.Name)
                || e is VarRef c && _counterLows.TryGetValue(c.Name, out var low) && NonNegative(low)
                || e is VarRef r && !_reassigned.Contains(r.Name) && (_intInits.TryGetValue(r.Name, out var top) && NonNegative(top) || _rowIntInits.TryGetValue(r.Name, out var inner) && NonNegative(inner));
            Expr MaxOver(string array, IrType type, bool row)
            {
                var m = FreshName("__cap");
                var k = FreshName("__ck");
                var K = new VarRef(k, IrType.Int);
                var M = new VarRef(m, IrType.Int);
                Expr item = row ? new LengthOf(array, type, K, -1) : new ElemRef(array, type, new Expr[] { K }.ToEquatable());
                pre.Add(new DeclScalar(m, IrType.Int, new Const(0, IrType.Int)));
                pre.Add(new For(k, new Const(0, IrType.Int), BinaryOp.Lt, new LengthOf(array, type, null, -1), 1,
                    new Stmt[] { new If(new Binary(BinaryOp.Gt, item, M, IrType.Bool), new Stmt[] { new Assign(M, AssignOp.Set, item) }.ToEquatable(), EquatableArray<Stmt>.Empty) }.ToEquatable()));
                return M;
            }
            return Bound(size);
        }

        private void LowerDeclaration(LocalDeclarationStatementSyntax decl, List<Stmt> output) => LowerVariables(decl.Declaration, decl.IsConst, output);

        private void LowerVariables(VariableDeclarationSyntax declaration, bool isConst, List<Stmt> output)
        {
            if (isConst) return; // constants are folded where they are used
            foreach (var v in declaration.Variables)
            {
                if (_model.GetDeclaredSymbol(v, _ct) is not ILocalSymbol local) continue;
                // what the previous declarator's helpers computed goes before its declaration, not this one's
                output.AddRange(_pending);
                _pending.Clear();
                if (TryDeclarePool(v, local)) continue; // var pool = ArrayPool<double>.Shared; (PooledArrays.cs)
                if (TryDeclareRefAlias(v, local)) continue; // ref double acc = ref g[i, k]: a second name for the element (RefAliases.cs)
                if (TryDeclareDelegateOrTuple(v, local, output)) continue;
                if (TryDeclareList(v, local, output)) continue; // List<double> kept = new(); kept.Add(v): a T[] and a count (ListLocals.cs)
                if (_reboundCandidates.Contains(local) && MapType(local.Type) is { } reboundType
                    && TryDeclareRebound(v, local, FreshName(_prefix + local.Name), reboundType, output)) continue; // double[] a = x; ... a = next; (ReboundArrays.cs)
                if (TryDeclareRowLocal(v, local, output)) continue; // double[] row = x[i]: a second name for that row (RefAliases.cs)
                if (TryDeclareSpanView(v, local, output)) continue; // var row = w.AsSpan(r * n, n): a view of that part (SpanViews.cs)
                if (TryDeclareNullable(v, local, output)) continue; // double? best = null: a flag and a value (NullableValues.cs)
                if (TryDeclareStructArray(v, local, output)) continue; // var pts = new V2[n]: one array per field (StructArrays.cs)
                if (TryDeclareResultArray(local)) continue; // var y = new double[n]; ... return y; (ResultArrays.cs)
                if (TryDeclareStackView(v, local, output)) continue; // var w = layers[l]: one array of a double[][,] (Buffers.cs)
                if (TryDeclareObjectArrayLocal(v, local)) continue; // var layers = Layers; (ObjectArrays.cs)
                if (TryDeclareElementLocal(v, local, output)) continue; // var layer = Layers[l]: one element of an array of layer objects (ObjectArrays.cs)
                if (TryDeclareHighRankLocal(v, local, output)) continue; // var enc = new double[F, H, W]: a T[F, H·W] (Buffers.cs)
                var t = MapType(local.Type);
                // long ti = times[i]; of a long[] parameter (held as int data, Members.cs): an int local
                if (t is null && local.Type.SpecialType == SpecialType.System_Int64 && v.Initializer?.Value is ElementAccessExpressionSyntax { Expression: IdentifierNameSyntax la }
                    && _model.GetSymbolInfo(la, _ct).Symbol is IParameterSymbol lp && _paramKinds.TryGetValue(lp, out var lk) && lk == ArgKind.Narrow)
                    t = IrType.Int;
                var initValue = SpanScratchInit(v.Initializer?.Value);
                // Span<double> t = stackalloc double[n] (or = new double[n], or 'n <= 64 ? stackalloc double[n] : new double[n]'):
                // scratch storage like a local double[n]
                if (t is null && IsSpan(local.Type, out _, out var spanElem) && ElemOf(spanElem!) is { } spanScalar
                    && initValue is StackAllocArrayCreationExpressionSyntax or ImplicitStackAllocArrayCreationExpressionSyntax or ArrayCreationExpressionSyntax or ImplicitArrayCreationExpressionSyntax or CollectionExpressionSyntax)
                    t = new IrType(spanScalar, Shape.Vector);
                // Span<double> mid = x[1..^1]: a span over a new array holding that part (views of parts are SpanViews.cs)
                if (t is null && IsSpan(local.Type, out _, out var viewElem) && ElemOf(viewElem!) is { } viewScalar && initValue is { } viewInit && SliceForm(viewInit) is { Copy: true })
                    t = new IrType(viewScalar, Shape.Vector);
                // bool[] used = new bool[n]; (a taken mask): an int[] of 0/1, read as 'used[j] != 0' and written 1 or 0 (MaskRead)
                if (t is { Elem: Scalar.Bool, IsArray: true, Shape: Shape.Vector or Shape.Matrix } && initValue is ArrayCreationExpressionSyntax { Initializer: null })
                    t = new IrType(Scalar.Int, t.Value.Shape);
                if (t is null || t.Value.Elem == Scalar.Bool && t.Value.IsArray)
                {
                    Report(Descriptors.UnsupportedType, v, local.Type.ToDisplayString(), "'" + local.Name + "'", TypeAdvice(local.Type, local: true));
                    _rejected.Add(local);
                    continue;
                }
                var type = t.Value;
                var name = FreshName(_prefix + local.Name);
                if (type.IsArray)
                {
                    if (TryDeclareSwapMember(v, local, type, output)) continue; // var tmp = cur; cur = next; next = tmp; (Buffers.cs)
                    List<Expr>? jaggedSizes = null;
                    if (type.Shape == Shape.Jagged && type.IsReal)
                    {
                        // double[][] h = rows.Select(r => Helper(r)).ToArray(): a T[n, m] filled row by row (JaggedRows.cs)
                        if (TryDeclareJaggedSelect(v, local, name, new IrType(type.Elem, Shape.Matrix), output)) continue;
                        // var q = MatMul(x, wq);: the jagged local a helper returned, under the caller's name (JaggedRows.cs)
                        if (TryDeclareReturnedRows(v, local, new IrType(type.Elem, Shape.Matrix), output)) continue;
                        // T[][] h = new T[n][]; h[i] = new T[m]; ...: a T[n, m] (Buffers.cs)
                        jaggedSizes = JaggedLocalSizes(v, local, out bool deferred);
                        if (jaggedSizes is not null && deferred) jaggedSizes.Add(DeferColumns(v, local, name, output));
                        if (jaggedSizes is null || jaggedSizes.Count != 2) { _rejected.Add(local); continue; }
                        type = new IrType(type.Elem, Shape.Matrix);
                        _rowBuffers.Add(name);
                    }
                    if (type.Shape == Shape.Jagged || type.Elem is not (Scalar.Float or Scalar.Double or Scalar.Int))
                    {
                        Report(Descriptors.LocalArray, v, local.Name, type.Shape == Shape.Jagged && type.Elem == Scalar.Int
                            ? "jagged int locals are not supported (int[][] parameters are: pass the lists in); keep rows of one length in an int[,], or ragged lists as one int[] of entries with an int[] of row starts (entries of row i at start[i] .. start[i + 1] - 1)"
                            : "only float/double/int T[] and T[,] locals (and float/double jagged locals whose rows all have one length) are supported; use an int[] of 0/1 instead of a bool[]");
                        _rejected.Add(local);
                        continue;
                    }
                    var sizes = jaggedSizes is not null ? default(SeparatedSyntaxList<ExpressionSyntax>?) : initValue switch
                    {
                        ArrayCreationExpressionSyntax ac when ac.Initializer is null && ac.Type.RankSpecifiers.Count == 1 => ac.Type.RankSpecifiers[0].Sizes,
                        StackAllocArrayCreationExpressionSyntax { Initializer: null, Type: ArrayTypeSyntax st } when st.RankSpecifiers.Count == 1 => st.RankSpecifiers[0].Sizes,
                        _ => default(SeparatedSyntaxList<ExpressionSyntax>?),
                    };
                    // double[] buf = ArrayPool<double>.Shared.Rent(n): scratch of length n, like new double[n] (PooledArrays.cs)
                    var rented = jaggedSizes is null && sizes is null && type.Shape == Shape.Vector ? RentSize(initValue) : null;
                    List<Expr> lowered;
                    List<Stmt>? fill = null;
                    if (jaggedSizes is not null) lowered = jaggedSizes;
                    else if (rented is not null)
                    {
                        if (LowerIntExpr(rented, "an array size") is not { } rentedSize) { _rejected.Add(local); continue; }
                        lowered = new List<Expr> { rentedSize };
                    }
                    else if (sizes is null)
                    {
                        // { 1, 2, 3 }, x.Clone(), x.ToArray(): a new array and its elements; an array a helper returns (or
                        // another array variable): the same array under a second name
                        var arrayInit = v.Initializer?.Value is { } iv ? LowerArrayInitializer(iv, name, type) : null;
                        (List<Expr>? Sizes, List<Stmt>? Fill, ArrayRef? Alias, bool Reported)? copied = null;
                        if (arrayInit is { Alias: { } alias } && !CopiedForReassignment(v, local, name, alias, type, out copied))
                        {
                            _vars[local] = new Variable(alias.Array, type, IsParameterName(alias.Array) ? VarKind.Param : VarKind.Local);
                            continue;
                        }
                        if (copied is not null) arrayInit = copied; // var adv = advantages; ... adv = ...;: a copy (ArrayReassignment.cs)
                        if (arrayInit is null || arrayInit.Value.Reported)
                        {
                            if (arrayInit is null)
                                Report(Descriptors.LocalArray, v, local.Name, "initialise it with 'new T[n]' or 'new T[n, m]' and fill it with a loop, with '{ 1, 2, 3 }', with a copy 'x.Clone()' or 'x.ToArray()', or with an array a helper method returns");
                            _rejected.Add(local);
                            continue;
                        }
                        lowered = arrayInit.Value.Sizes!;
                        fill = arrayInit.Value.Fill;
                    }
                    else
                    {
                        lowered = new List<Expr>();
                        foreach (var se in sizes.Value)
                        {
                            var e = LowerIntExpr(se, "an array size");
                            if (e is not null) lowered.Add(e);
                        }
                        if (lowered.Count != sizes.Value.Count) { _rejected.Add(local); continue; }
                    }
                    DeclareLocalArray(v, local, name, type, lowered, fill, output);
                    continue;
                }

                Expr? init = null;
                if (v.Initializer is not null && type.Elem == Scalar.Bool)
                {
                    // bool small = Math.Abs(d) < tol;: declared false, then set by the outcome (see BoolFromOutcome)
                    var cond = LowerExpr(v.Initializer.Value);
                    if (cond is null) { _rejected.Add(local); continue; }
                    _vars[local] = new Variable(name, type, VarKind.Local);
                    if (_loopDepth == 0 && _branchDepth == 0) _topLevelLocals.Add(name);
                    output.AddRange(_pending);
                    _pending.Clear();
                    if (!IrQueries.ReadsReal(cond)) { output.Add(new DeclScalar(name, type, cond)); continue; }
                    var bref = new VarRef(name, type);
                    _reassigned.Add(name); // assigned twice (the reverse sweep restores it; a loop bound reading it is snapshotted)
                    output.Add(new DeclScalar(name, type, new Const(0, IrType.Bool)));
                    output.Add(BoolFromOutcome(bref, cond, SyntaxKind.SimpleAssignmentExpression));
                    continue;
                }
                if (v.Initializer is not null && type.Elem == Scalar.Int && !type.IsArray)
                {
                    // int b = (int)(v * bins);: an int made from a float value (derivative 0) is declared 0, then assigned, so the
                    // reverse sweep restores it from the tape like any reassigned int (Differentiator.ComputeRestoredInts).
                    var value = LowerExpr(v.Initializer.Value);
                    if (value is null) { _rejected.Add(local); continue; }
                    if (IrQueries.ReadsReal(value))
                    {
                        if (!IntValue(value, v.Initializer.Value)) { _rejected.Add(local); continue; }
                        _vars[local] = new Variable(name, type, VarKind.Local);
                        if (_loopDepth == 0 && _branchDepth == 0) _topLevelLocals.Add(name);
                        _reassigned.Add(name);
                        output.AddRange(_pending);
                        _pending.Clear();
                        output.Add(new DeclScalar(name, type, new Const(0, IrType.Int)));
                        output.Add(new Assign(new VarRef(name, type), AssignOp.Set, value));
                        continue;
                    }
                    init = value;
                }
                else if (v.Initializer is not null)
                {
                    init = type.IsReal ? LowerExpr(v.Initializer.Value) : LowerIntExpr(v.Initializer.Value, $"the value of {(type.Elem == Scalar.Bool ? "bool" : "int")} local '{local.Name}'");
                    if (init is null) { _rejected.Add(local); continue; }
                }
                _vars[local] = new Variable(name, type, VarKind.Local);
                if (_loopDepth == 0 && _branchDepth == 0) _topLevelLocals.Add(name);
                if (_loopDepth == 0 && _branchDepth == 0 && type.Elem == Scalar.Int && init is not null) _intInits[name] = init; // int n = x.Length; (Buffers.cs)
                else if (type == IrType.Int && init is not null) _rowIntInits[name] = init; // int k = x[i].Length; in a loop (Capacity)
                output.AddRange(_pending);
                _pending.Clear();
                output.Add(new DeclScalar(name, type, init));
            }
        }

        private bool IsParameterName(string name) => _vars.Values.Any(x => x.Kind == VarKind.Param && x.Name == name) || _stackShapeNames.Contains(name)
            || _configVars.Values.Any(x => x.Name == name); // members of config and layer objects, of the elements of arrays of them: inputs read once

        /// <summary>A parameter or a top-level local: its value does not depend on the iteration (reassigned ints are checked at the end).</summary>
        private bool IsFixedName(string name) => _topLevelLocals.Contains(name) || IsParameterName(name) || _dimNames.Contains(name);

        /// <summary>The dimensions of T[,,] and stack parameters, read by the array form as ints: fixed for the whole call.</summary>
        private readonly HashSet<string> _dimNames = new(StringComparer.Ordinal);

        /// <summary><c>for (z = 0; z &lt; n; z++) a[z] = 0;</c> (nested for a T[,]): what <c>new T[n]</c> does to a reused buffer.</summary>
        private Stmt ZeroFill(string array, IrType type, List<Expr> sizes)
        {
            var counters = sizes.Select(_ => FreshName("__z")).ToList();
            Stmt body = new Assign(new ElemRef(array, type, counters.Select(c => (Expr)new VarRef(c, IrType.Int)).ToEquatable()), AssignOp.Set, new Const(0, type.ElementType));
            for (int d = sizes.Count - 1; d >= 0; d--)
                body = new For(counters[d], new Const(0, IrType.Int), BinaryOp.Lt, sizes[d], 1, new[] { body }.ToEquatable());
            return body;
        }

        private void LowerExpressionStatement(ExpressionSyntax e, List<Stmt> output)
        {
            // cur = next; (u, v) = (v, u); h[i] = new T[m]; on arrays held as rows of a 2-D buffer (Buffers.cs)
            if (e is AssignmentExpressionSyntax ra && (TryLowerSwapAssignment(ra, output) || TryLowerRowAssignment(ra, output))) return;
            if (e is AssignmentExpressionSyntax na && TryLowerNullableAssignment(na, output)) return; // best = v on a double? local (NullableValues.cs)
            if (e is AssignmentExpressionSyntax sa && TryLowerStructElementAssignment(sa, output)) return; // pts[i] = new V2(a, b) (StructArrays.cs)
            if (e is AssignmentExpressionSyntax rb && TryLowerReboundAssignment(rb, output)) return; // activation = next; (ReboundArrays.cs)
            if (e is AssignmentExpressionSyntax aa && TryLowerArrayReassignment(aa, output)) return; // a = Accelerations(pos); (ArrayReassignment.cs)
            // d[i, j] = d[j, i] = v;: the inner assignment first, then the outer one given the value the inner target holds
            ExpressionSyntax? right = null;
            if (e is AssignmentExpressionSyntax { Right: AssignmentExpressionSyntax inner } chained && chained.IsKind(SyntaxKind.SimpleAssignmentExpression)
                && inner.IsKind(SyntaxKind.SimpleAssignmentExpression) && chained.Left is IdentifierNameSyntax or ElementAccessExpressionSyntax
                && inner.Left is IdentifierNameSyntax or ElementAccessExpressionSyntax && !IsTupleLocal(chained.Left))
            {
                LowerExpressionStatement(inner, output);
                right = inner.Left;
            }
            switch (e)
            {
                case AssignmentExpressionSyntax a when a.Left is DeclarationExpressionSyntax or TupleExpressionSyntax || IsTupleLocal(a.Left):
                    LowerDeconstruction(a, output);
                    return;
                case AssignmentExpressionSyntax a:
                    {
                        var rhs = right ?? a.Right;
                        var target = LowerTarget(a.Left);
                        if (target is null) return;
                        if (target is VarRef { Type.Elem: Scalar.Bool } bt && a.Kind() is SyntaxKind.SimpleAssignmentExpression or SyntaxKind.OrAssignmentExpression or SyntaxKind.AndAssignmentExpression)
                        {
                            // 'done = Math.Abs(d) < tol;', 'anyNeg |= x[i] < 0;': the outcome of a comparison of values is
                            // kept like a bool assigned under an 'if' on it ('if (x[i] < 0) anyNeg = true;')
                            var cond = LowerExpr(rhs);
                            if (cond is null) return;
                            if (a.IsKind(SyntaxKind.SimpleAssignmentExpression) && !IrQueries.ReadsReal(cond)) { output.Add(new Assign(bt, AssignOp.Set, cond)); return; }
                            output.Add(BoolFromOutcome(bt, cond, a.Kind()));
                            return;
                        }
                        if (target is ElemRef { Type.Elem: Scalar.Int } flag && _model.GetTypeInfo(a.Left, _ct).Type?.SpecialType == SpecialType.System_Boolean)
                        {
                            // taken[j] = true; (a bool[] local, held as an int[] of 0/1): 1 or 0, chosen by the outcome
                            if (!a.IsKind(SyntaxKind.SimpleAssignmentExpression))
                            {
                                Report(Descriptors.UnsupportedExpression, a, a.OperatorToken.Text, "assign elements of a bool[] with '=' ('mask[j] = mask[j] || c;')");
                                return;
                            }
                            var outcome = LowerExpr(rhs);
                            if (outcome is null) return;
                            var one = new Assign(flag, AssignOp.Set, new Const(1, IrType.Int));
                            var zero = new Assign(flag, AssignOp.Set, new Const(0, IrType.Int));
                            output.Add(outcome is Const known ? (known.Value != 0 ? one : zero)
                                : new If(outcome, new Stmt[] { one }.ToEquatable(), new Stmt[] { zero }.ToEquatable()));
                            return;
                        }
                        var value = target.Type.IsReal ? LowerExpr(rhs)
                            : target is VarRef { Type.Elem: Scalar.Int } ? LowerExpr(rhs) // i0 = (int)pos;: stored like any reassigned int
                            : LowerIntExpr(rhs, $"the value assigned to '{a.Left}'");
                        if (value is null) return;
                        if (!target.Type.IsReal && IrQueries.ReadsReal(value) && !IntValue(value, rhs)) return;
                        if (!target.Type.IsReal && a.Kind() is not (SyntaxKind.SimpleAssignmentExpression or SyntaxKind.AddAssignmentExpression or SyntaxKind.SubtractAssignmentExpression
                            or SyntaxKind.MultiplyAssignmentExpression or SyntaxKind.DivideAssignmentExpression or SyntaxKind.ModuloAssignmentExpression))
                        {
                            Report(Descriptors.UnsupportedExpression, a, a.OperatorToken.Text, "write it with =, +=, -=, *=, /= or %= (the only operators supported on int values)");
                            return;
                        }
                        if (target.Type.Elem == Scalar.Bool && a.Kind() != SyntaxKind.SimpleAssignmentExpression)
                        {
                            Report(Descriptors.UnsupportedExpression, a, a.OperatorToken.Text, "assign bool locals with '='");
                            return;
                        }
                        switch (a.Kind())
                        {
                            case SyntaxKind.SimpleAssignmentExpression: output.Add(new Assign(target, AssignOp.Set, value)); break;
                            case SyntaxKind.AddAssignmentExpression: output.Add(new Assign(target, AssignOp.Add, value)); break;
                            case SyntaxKind.SubtractAssignmentExpression: output.Add(new Assign(target, AssignOp.Sub, value)); break;
                            case SyntaxKind.MultiplyAssignmentExpression: output.Add(new Assign(target, AssignOp.Set, new Binary(BinaryOp.Mul, target, value, target.Type))); break;
                            case SyntaxKind.DivideAssignmentExpression: output.Add(new Assign(target, AssignOp.Set, new Binary(BinaryOp.Div, target, value, target.Type))); break;
                            case SyntaxKind.ModuloAssignmentExpression when !target.Type.IsReal: output.Add(new Assign(target, AssignOp.Set, new Binary(BinaryOp.Mod, target, value, target.Type))); break;
                            default:
                                Report(Descriptors.UnsupportedExpression, a, a.OperatorToken.Text, "write it with =, +=, -=, *= or /= (the only operators supported on float/double values)");
                                break;
                        }
                        return;
                    }
                case PostfixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.PostIncrementExpression) || p.IsKind(SyntaxKind.PostDecrementExpression):
                    LowerIncrement(p.Operand, p.IsKind(SyntaxKind.PostIncrementExpression), output);
                    return;
                case PrefixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.PreIncrementExpression) || p.IsKind(SyntaxKind.PreDecrementExpression):
                    LowerIncrement(p.Operand, p.IsKind(SyntaxKind.PreIncrementExpression), output);
                    return;
                case InvocationExpressionSyntax inv:
                    {
                        // Debug.Assert(...), Debug.WriteLine(...): checks and traces of debug builds compute nothing the result depends on
                        var called = _model.GetSymbolInfo(inv, _ct).Symbol as IMethodSymbol;
                        if (called is { ContainingType: { } dt } && dt.ToDisplayString() is "System.Diagnostics.Debug" or "System.Diagnostics.Trace")
                            return;
                        if (IsPoolReturn(inv)) return; // ArrayPool<double>.Shared.Return(buf): the end of a rented scratch array (PooledArrays.cs)
                        if (called is not null && TryLowerArrayCall(inv, called, output)) return; // Array.Fill/Clear/Copy, CopyTo: loops
                        if (called is not null && TryLowerSpanCall(inv, called, output)) return; // span.Fill/Clear/CopyTo: loops (SpanViews.cs)
                        if (TryLowerListCall(inv, output)) return; // kept.Add(v), kept.Clear() on a List local (ListLocals.cs)
                        if (RejectSurfaceCall(inv)) return;
                        var call = LowerInvocation(inv, asStatement: true);
                        if (call is Invoke i) output.Add(new CallStmt(i));
                        return;
                    }
                default:
                    Report(Descriptors.UnsupportedStatement, e, e.Kind().ToString(), "an expression statement must be an assignment, ++/-- or a call of a void [Differentiable] method; assign its value to a local or an array element");
                    return;
            }
        }

        private void LowerIncrement(ExpressionSyntax operand, bool increment, List<Stmt> output)
        {
            var target = LowerTarget(operand);
            if (target is null) return;
            output.Add(new Assign(target, increment ? AssignOp.Add : AssignOp.Sub, new Const(1, target.Type)));
        }

        /// <summary>The left side of an assignment: a float/double local, or an element of a float/double array that may be written.</summary>
        private Expr? LowerTarget(ExpressionSyntax left)
        {
            if (left is not IdentifierNameSyntax && RejectedRoot(left)) return Suppress(); // s.A of a local reported at its declaration
            var elementField = LowerStructArrayFieldTarget(left, out bool ofStructArray); // pts[i].X of a local array of structs (StructArrays.cs)
            if (ofStructArray) return elementField;
            var field = LowerStructTarget(left, out bool structField); // p.X on a struct local, X in its constructor (StructValues.cs)
            if (structField) return field;
            _stateWrite = null;
            if (RejectMemberWrite(left)) return null; // fields are never reassigned (Members.cs)
            var sym = _model.GetSymbolInfo(left, _ct).Symbol;
            if (left is IdentifierNameSyntax && RefAlias(sym) is { } alias) return LowerTarget(alias); // a write through a ref local
            if (left is IdentifierNameSyntax && (sym is null || _rejected.Contains(sym))) return Suppress(); // reported already (or by the compiler)
            if (left is IdentifierNameSyntax && sym is not null && _delegates.ContainsKey(sym))
            {
                Report(Descriptors.UnsupportedExpression, left, left.ToString(), "a local holding a lambda is inlined where it is called, so it cannot be reassigned; declare a second local for the other function");
                return null;
            }
            if (left is IdentifierNameSyntax && sym is IParameterSymbol { RefKind: RefKind.Out } op && _substituted.TryGetValue(op, out var outElem))
            {
                MarkWritten(left); // out double aux: aux[0] of an output T[1] (Members.cs)
                return outElem;
            }
            if (left is IdentifierNameSyntax && sym is not null && _vars.TryGetValue(sym, out var v))
            {
                if (v.Kind == VarKind.LoopCounter)
                {
                    Report(Descriptors.UnsupportedLoop, left, $"the loop counter '{sym.Name}' is modified in the body; only the for-statement's own increment may change it: use a separate int local for the other index, or 'continue' to skip iterations");
                    return null;
                }
                if (v.Type.IsArray)
                {
                    Report(Descriptors.LocalArray, left, sym.Name, "arrays cannot be reassigned except by swapping local arrays ('var t = a; a = b; b = t;' or 'a = b;' between local T[]s of one length, each created with 'new T[n]' or a copy before the loop); write its elements instead");
                    return null;
                }
                if (v.Kind == VarKind.Param)
                {
                    Report(Descriptors.WriteToInput, left, sym.Name, "scalar parameters are read-only in a differentiable method; copy it into a local ('double t = x;') and change that");
                    return null;
                }
                // A reassigned int or bool local: the reverse sweep restores its old values from the restore tape.
                if (!v.Type.IsReal) _reassigned.Add(v.Name);
                return new VarRef(v.Name, v.Type);
            }
            if (left is ElementAccessExpressionSyntax ea)
            {
                var e = LowerElementAccess(ea);
                if (e is Binary { Op: BinaryOp.Ne, Left: ElemRef { Type.Elem: Scalar.Int } mask } && _model.GetTypeInfo(ea, _ct).Type?.SpecialType == SpecialType.System_Boolean)
                    e = mask; // used[j] = true; of a bool[] local, held as an int[] of 0/1 (its reads are 'used[j] != 0')
                if (e is not ElemRef elem) return null;
                var root = RootSymbol(ea);
                var rootVar = root is not null && _vars.TryGetValue(root, out var rv) ? rv : null;
                if (!elem.Type.IsReal && rootVar is { Kind: VarKind.Param })
                {
                    Report(Descriptors.WriteToInput, left, left.ToString(), "int array parameters are read-only (labels, sizes); copy it into a local int[] ('int[] p = new int[n];') and change that");
                    return null;
                }
                if (!elem.Type.IsReal && elem.Indices.Any(i => IrQueries.Mentions(i, elem.Array)))
                {
                    Report(Descriptors.UnsupportedExpression, left, left.ToString(), "an int array element whose index reads the same array cannot be restored for the backward pass; read the index into an int local first ('int j = ...; a[j] = ...;')");
                    return null;
                }
                MarkWritten(ea);
                if (_stateWrite is { } state && _vars.TryGetValue(state, out var stateVar)) MarkWritten(stateVar, ea.GetLocation()); // this.Stats[i] = ...: state (Members.cs)
                _stateWrite = null;
                return elem;
            }
            Report(Descriptors.UnsupportedExpression, left, left.ToString(), "only locals and elements of arrays can be assigned; assign a local, or write the result into an output array parameter");
            return null;
        }

        private ISymbol? RootSymbol(ExpressionSyntax e)
        {
            while (e is ElementAccessExpressionSyntax ea) e = ea.Expression;
            if (ViewOf(e) is { } view) return view.RootSymbol; // an element of a span view is one of its array (SpanViews.cs)
            return e is IdentifierNameSyntax ? _model.GetSymbolInfo(e, _ct).Symbol : null;
        }

        private void LowerFor(ForStatementSyntax f, List<Stmt> output)
        {
            // for (int i = start; i < bound; i++) with an int counter and a constant step: a counted loop (SIMD, cores, GPU);
            // any other for is what it means, its initializers then a while loop (see LowerGeneralFor)
            if (IsPostDecrementFor(f, out var down, out var downBound))
            {
                LowerPostDecrementFor(f, down, downBound, output);
                return;
            }
            if (!IsCountedFor(f, out var counter))
            {
                LowerGeneralFor(f, output);
                return;
            }
            var v = f.Declaration!.Variables[0];
            var start = LowerIntExpr(v.Initializer!.Value, "a loop start");
            var name = FreshName(_prefix + counter.Name);
            _vars[counter] = new Variable(name, IrType.Int, VarKind.LoopCounter);

            // condition: i < e, i <= e, i > e, i >= e (or mirrored)
            BinaryOp cmp = default;
            Expr? bound = null;
            // 'i < n && more && ...': the rest of the condition is an exit condition (checked before each iteration, like a while's)
            ExpressionSyntax? condSyntax = f.Condition;
            Expr? extra = null;
            var chain = new List<ExpressionSyntax>();
            AndChain(f.Condition, chain);
            if (chain.Count > 1 && chain[0] is BinaryExpressionSyntax cf && (IsCounter(cf.Left, counter) || IsCounter(cf.Right, counter)) && CmpOf(cf.Kind()) is not null)
            {
                condSyntax = cf;
                foreach (var part in chain.Skip(1))
                {
                    var pe = WithHoistBan(() => LowerExpr(part), "the loop condition is evaluated before every iteration");
                    if (pe is null) return;
                    if (pe.Type != IrType.Bool) { Report(Descriptors.UnsupportedExpression, part, part.ToString(), "the loop condition must be a bool"); return; }
                    extra = EarlyExits.And(extra, pe);
                }
            }
            // IsCountedFor found the comparison first in the chain, parentheses removed ('(i < n)' is 'i < n')
            var c0 = chain.Count > 0 ? chain[0] : condSyntax;
            if (c0 is BinaryExpressionSyntax c && IsCounter(c.Left, counter) && CmpOf(c.Kind()) is { } op1)
            {
                cmp = op1; bound = WithHoistBan(() => LowerIntExpr(c.Right, "a loop bound"), "the loop bound is evaluated before every iteration");
            }
            else if (c0 is BinaryExpressionSyntax c2 && IsCounter(c2.Right, counter) && CmpOf(c2.Kind()) is { } op2)
            {
                cmp = Mirror(op2); bound = WithHoistBan(() => LowerIntExpr(c2.Left, "a loop bound"), "the loop bound is evaluated before every iteration");
            }
            else
            {
                Report(Descriptors.UnsupportedLoop, (SyntaxNode?)f.Condition ?? f, $"the condition must compare the counter with a bound: '{counter.Name} < n', '<=', '>' or '>=' (optionally followed by '&& more conditions'); for a loop that runs until a condition holds, write 'while (...)'");
            }

            int step = 0;
            if (f.Incrementors.Count == 1)
            {
                var inc = f.Incrementors[0];
                switch (inc)
                {
                    case PostfixUnaryExpressionSyntax pu when IsCounter(pu.Operand, counter):
                        step = pu.IsKind(SyntaxKind.PostIncrementExpression) ? 1 : -1; break;
                    case PrefixUnaryExpressionSyntax pr when IsCounter(pr.Operand, counter) && (pr.IsKind(SyntaxKind.PreIncrementExpression) || pr.IsKind(SyntaxKind.PreDecrementExpression)):
                        step = pr.IsKind(SyntaxKind.PreIncrementExpression) ? 1 : -1; break;
                    case AssignmentExpressionSyntax ae when IsCounter(ae.Left, counter) && _model.GetConstantValue(ae.Right, _ct) is { HasValue: true, Value: int k } && k > 0:
                        step = ae.IsKind(SyntaxKind.AddAssignmentExpression) ? k : ae.IsKind(SyntaxKind.SubtractAssignmentExpression) ? -k : 0; break;
                }
            }
            if (step == 0)
                Report(Descriptors.UnsupportedLoop, f.Incrementors.Count > 0 ? f.Incrementors[0] : (SyntaxNode)f, $"the increment must be '{counter.Name}++', '{counter.Name}--', '{counter.Name} += c' or '{counter.Name} -= c' with a positive constant c; write one of those, and for other index sequences loop over a counter k with step 1 and compute the index from k in the body");
            else if (bound is not null && (step > 0) != (cmp is BinaryOp.Lt or BinaryOp.Le))
                Report(Descriptors.UnsupportedLoop, f.Condition, $"the counter moves away from the bound (step {step} with '{f.Condition}'); the loop would not terminate: count up with '<'/'<=' and '++', or down with '>'/'>=' and '--'");

            if (start is not null && bound is not null && step != 0)
            {
                // what the counter stays within: a scratch array sized by it ('new double[i + 1]', a causal row) gets a buffer
                // of the largest size (Capacity), its Length this iteration's size
                _counterCaps[name] = step > 0 ? bound : start;
                _counterLows[name] = step > 0 ? start : bound;
            }
            var body = new List<Stmt>();
            var frame = EnterLoop();
            LowerBlock(f.Statement, body);
            ExitLoop();
            if (start is null || bound is null || step == 0) return;
            EmitCounted(f, new For(name, start, cmp, bound, step, default, default), extra, body, frame, output);
        }

        /// <summary>A counted loop whose start and bound the body does not change (else DIFF0009), with the for keyword as its origin.</summary>
        private void EmitCounted(ForStatementSyntax f, For loop, Expr? extra, List<Stmt> body, LoopFrame frame, List<Stmt> output)
        {
            var bodyWrites = new HashSet<string>(StringComparer.Ordinal);
            IrQueries.Writes(body, bodyWrites);
            foreach (var x in IrQueries.Descendants(loop.Start).Concat(IrQueries.Descendants(loop.Bound)))
            {
                string? changed = x is VarRef r && bodyWrites.Contains(r.Name) ? r.Name : x is ElemRef el && bodyWrites.Contains(el.Array) ? el.Array : null;
                if (changed is null) continue;
                Report(Descriptors.UnsupportedLoop, f.Condition, $"its bound reads '{changed}', which the loop body changes; copy it into an int before the loop ('int n = {changed};') and loop to that");
                return;
            }
            var loc = f.ForKeyword.GetLocation();
            var origin = new SourceRef(loc.SourceTree?.FilePath ?? "", loc.SourceSpan, loc.GetLineSpan().Span);
            EmitLoop(loop with { Origin = origin }, extra, body, frame, output);
        }

        /// <summary>
        /// 'for (int i = n; i-- &gt; b;)': one int counter declared in the header, no incrementors, the condition a post-decrement
        /// of it compared with '&gt;', and neither the counter nor what the bound reads assigned in the body. The body sees
        /// n - 1 down to b, so it is the counted loop 'for (int i = n - 1; i &gt;= b; i--)' (the counter's value after the loop,
        /// b - 1, is out of scope).
        /// </summary>
        private bool IsPostDecrementFor(ForStatementSyntax f, out ILocalSymbol counter, out ExpressionSyntax bound)
        {
            counter = null!; bound = null!;
            if (f.Declaration is not { Variables.Count: 1 } d || f.Initializers.Count != 0 || f.Incrementors.Count != 0 || d.Variables[0].Initializer is null) return false;
            if (_model.GetDeclaredSymbol(d.Variables[0], _ct) is not ILocalSymbol c || c.Type.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_IntPtr)) return false;
            if (Unparen(f.Condition) is not BinaryExpressionSyntax { RawKind: (int)SyntaxKind.GreaterThanExpression } cmp
                || Unparen(cmp.Left) is not PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostDecrementExpression } pd || !IsCounter(pd.Operand, c)) return false;
            var names = new HashSet<string>(cmp.Right.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Select(x => x.Identifier.Text), StringComparer.Ordinal) { c.Name };
            foreach (var node in f.Statement.DescendantNodesAndSelf())
            {
                ExpressionSyntax? target = node switch
                {
                    AssignmentExpressionSyntax a => a.Left,
                    PostfixUnaryExpressionSyntax p => p.Operand,
                    PrefixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.PreIncrementExpression) || p.IsKind(SyntaxKind.PreDecrementExpression) => p.Operand,
                    ArgumentSyntax { RefKindKeyword.RawKind: not 0 } arg => arg.Expression,
                    _ => null,
                };
                if (target is IdentifierNameSyntax id && names.Contains(id.Identifier.Text)) return false;
            }
            counter = c; bound = cmp.Right;
            return true;

            static ExpressionSyntax? Unparen(ExpressionSyntax? e)
            {
                while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
                return e;
            }
        }

        private void LowerPostDecrementFor(ForStatementSyntax f, ILocalSymbol counter, ExpressionSyntax boundSyntax, List<Stmt> output)
        {
            var init = LowerIntExpr(f.Declaration!.Variables[0].Initializer!.Value, "a loop start");
            var start = init is null ? null : new Binary(BinaryOp.Sub, init, new Const(1, IrType.Int), IrType.Int);
            var name = FreshName(_prefix + counter.Name);
            _vars[counter] = new Variable(name, IrType.Int, VarKind.LoopCounter);
            var bound = WithHoistBan(() => LowerIntExpr(boundSyntax, "a loop bound"), "the loop bound is evaluated before every iteration");
            var body = new List<Stmt>();
            var frame = EnterLoop();
            LowerBlock(f.Statement, body);
            ExitLoop();
            if (start is null || bound is null) return;
            EmitCounted(f, new For(name, start, BinaryOp.Ge, bound, -1, default, default), null, body, frame, output);
        }

        /// <summary>
        /// Is this for loop a counted loop: one int counter declared in the header, compared with a bound (first in a chain of
        /// &amp;&amp;), moved by one constant step toward it, and not assigned in the body, nor the bound's variables?
        /// A counter moving away from its bound is counted too, so that LowerFor reports it (it would not terminate).
        /// </summary>
        private bool IsCountedFor(ForStatementSyntax f, out ILocalSymbol counter)
        {
            counter = null!;
            if (f.Declaration is not { Variables.Count: 1 } d || f.Initializers.Count != 0 || d.Variables[0].Initializer is null) return false;
            // a long or nint counter (for (long i = 0; i < x.Length; i++)) indexes arrays like an int: it is one in the IR
            if (_model.GetDeclaredSymbol(d.Variables[0], _ct) is not ILocalSymbol c || c.Type.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_IntPtr)) return false;
            counter = c;
            var chain = new List<ExpressionSyntax>();
            AndChain(f.Condition, chain);
            if (chain.Count == 0 || chain[0] is not BinaryExpressionSyntax cmp || CmpOf(cmp.Kind()) is null) return false;
            ExpressionSyntax boundSyntax;
            if (IsCounter(cmp.Left, c)) boundSyntax = cmp.Right;
            else if (IsCounter(cmp.Right, c)) boundSyntax = cmp.Left;
            else return false;
            if (f.Incrementors.Count != 1) return false;
            bool stepOk = f.Incrementors[0] switch
            {
                PostfixUnaryExpressionSyntax pu => IsCounter(pu.Operand, c),
                PrefixUnaryExpressionSyntax pr => IsCounter(pr.Operand, c) && (pr.IsKind(SyntaxKind.PreIncrementExpression) || pr.IsKind(SyntaxKind.PreDecrementExpression)),
                AssignmentExpressionSyntax ae => IsCounter(ae.Left, c) && (ae.IsKind(SyntaxKind.AddAssignmentExpression) || ae.IsKind(SyntaxKind.SubtractAssignmentExpression))
                    && _model.GetConstantValue(ae.Right, _ct) is { HasValue: true, Value: int k } && k > 0,
                _ => false,
            };
            if (!stepOk) return false;
            // the body must not move the counter, nor change what the bound reads
            var boundNames = new HashSet<string>(boundSyntax.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Select(x => x.Identifier.Text), StringComparer.Ordinal) { c.Name };
            foreach (var node in f.Statement.DescendantNodesAndSelf())
            {
                ExpressionSyntax? target = node switch
                {
                    AssignmentExpressionSyntax a => a.Left,
                    PostfixUnaryExpressionSyntax p => p.Operand,
                    PrefixUnaryExpressionSyntax p when p.IsKind(SyntaxKind.PreIncrementExpression) || p.IsKind(SyntaxKind.PreDecrementExpression) => p.Operand,
                    _ => null,
                };
                if (target is IdentifierNameSyntax id && boundNames.Contains(id.Identifier.Text)) return false;
            }
            return true;
        }

        /// <summary>
        /// A for loop outside the counted form (two counters 'i = 0, j = n - 1', a double counter, a step 'i *= 2', a condition
        /// without the counter, a counter the body moves, 'for (;;)'): its declarations and initializers, then
        /// <c>while (condition) { body; incrementors }</c>, where a continue still runs the incrementors. It runs on one core,
        /// like any while loop; the forward sweep records its trip count.
        /// </summary>
        private void LowerGeneralFor(ForStatementSyntax f, List<Stmt> output)
        {
            if (f.Declaration is { } d)
            {
                LowerVariables(d, isConst: false, output);
                // its counters change every iteration: not fixed for a size inside the loop ('new double[sizes[l + 1]]' is sized per row)
                foreach (var dv in d.Variables)
                    if (_model.GetDeclaredSymbol(dv, _ct) is ILocalSymbol dl && _vars.TryGetValue(dl, out var counterVar)) _topLevelLocals.Remove(counterVar.Name);
            }
            foreach (var init in f.Initializers) LowerStatementExpression(init, output);
            var counter = FreshName("__while");
            var body = new List<Stmt>();
            var incrementors = new List<Stmt>();
            var frame = EnterLoop();
            LowerBlock(f.Statement, body);
            foreach (var inc in f.Incrementors) LowerStatementExpression(inc, incrementors);
            ExitLoop();
            Expr? condition = f.Condition is null ? null : WithHoistBan(() => LowerExpr(f.Condition), "the loop condition is evaluated before every iteration");
            if (f.Condition is not null && condition is null) return;
            if (condition is not null && condition.Type != IrType.Bool)
            {
                Report(Descriptors.UnsupportedExpression, f.Condition!, f.Condition!.ToString(), "the loop condition must be a bool");
                return;
            }
            var where = f.ForKeyword.GetLocation();
            var origin = new SourceRef(where.SourceTree?.FilePath ?? "", where.SourceSpan, where.GetLineSpan().Span);
            EmitLoop(new For(counter, new Const(0, IrType.Int), BinaryOp.Lt, new Const(int.MaxValue, IrType.Int), 1, default, origin), condition, body, frame, output, incrementors);
        }

        /// <summary>An incrementor or initializer of a for header: an assignment, ++/-- or a call, lowered as its own statement (with the helpers it inlines before it).</summary>
        private void LowerStatementExpression(ExpressionSyntax e, List<Stmt> output) => WithPending(own => LowerExpressionStatement(e, own), output);

        private sealed class LoopFrame
        {
            /// <summary>The loop's break flag, created at its first 'break'.</summary>
            public string? BreakFlag;
        }

        private LoopFrame EnterLoop()
        {
            var frame = new LoopFrame();
            _loops.Push(frame);
            _loopDepth++;
            return frame;
        }

        private void ExitLoop()
        {
            _loops.Pop();
            _loopDepth--;
        }

        /// <summary>
        /// Adds a lowered loop: its breaks and returns become flags (<see cref="EarlyExits"/>), its continues if/else, and its
        /// exit condition is <paramref name="condition"/> (while, do/while, the rest of a for's condition) and the flags.
        /// </summary>
        /// <param name="incrementors">A general for's incrementors: after the body (also after a continue), not after a break or a return.</param>
        private void EmitLoop(For loop, Expr? condition, List<Stmt> body, LoopFrame frame, List<Stmt> output, List<Stmt>? incrementors = null)
        {
            var lowered = EarlyExits.Normalize(body, frame.BreakFlag, _doneFlag);
            bool returns = _doneFlag is not null && lowered.Any(x => EarlyExits.Sets(x, _doneFlag));
            // the flags first: after a break the user's condition is not evaluated again (it may index past the end)
            var flags = EarlyExits.NotAny(frame.BreakFlag, returns ? _doneFlag : null);
            var exit = EarlyExits.And(flags, condition);
            if (frame.BreakFlag is not null) output.Add(new DeclScalar(frame.BreakFlag, IrType.Bool, new Const(0, IrType.Bool)));
            var normalized = ContinueNormalizer.Normalize(lowered);
            if (incrementors is { Count: > 0 })
            {
                if (flags is null) normalized.AddRange(incrementors);
                else normalized.Add(new If(flags, incrementors.ToEquatable(), default));
            }
            output.Add(loop with { Body = normalized.ToEquatable(), While = exit });
        }

        /// <summary>
        /// <c>while (c) body</c>: <c>for (int __while = 0; __while &lt; int.MaxValue &amp;&amp; c; __while++) body</c>; <c>do body while (c);</c>:
        /// the same with <c>__while == 0 || c</c>. The hidden counter is what the forward sweep records (the trip count).
        /// </summary>
        private void LowerWhile(ExpressionSyntax conditionSyntax, StatementSyntax statement, bool isDo, Location where, List<Stmt> output)
        {
            var counter = FreshName("__while");
            var body = new List<Stmt>();
            var frame = EnterLoop();
            LowerBlock(statement, body);
            ExitLoop();
            // The condition as an expression the loop checks before every iteration; when it needs statements of its own
            // ('while (steps++ < max)', a helper with a body, x.Sum()), the ban on them is only noted (SoftBanHit) and the
            // condition is lowered again into the loop: 'while (true) { <its statements>; if (!c) break; body }', and for a
            // do/while a flag those statements set after the body (also after a continue).
            var soft = (_softBan, _banHit);
            (_softBan, _banHit) = (true, false);
            bool suppressedBefore = _suppressed;
            Expr? condition;
            bool needsStatements;
            try { condition = WithHoistBan(() => LowerExpr(conditionSyntax), "the loop condition is evaluated before every iteration"); }
            finally { needsStatements = _banHit; (_softBan, _banHit) = soft; }
            var checks = new List<Stmt>();
            if (needsStatements)
            {
                _suppressed = suppressedBefore; // what the trial suppressed after a noted refusal is lowered again below
                _loops.Push(frame);
                _loopDepth++;
                var savedPending = _pending;
                _pending = checks;
                try { condition = LowerExpr(conditionSyntax); }
                finally { _pending = savedPending; ExitLoop(); }
            }
            if (condition is null) return;
            if (condition.Type != IrType.Bool)
            {
                Report(Descriptors.UnsupportedExpression, conditionSyntax, conditionSyntax.ToString(), "the loop condition must be a bool");
                return;
            }
            var it = new VarRef(counter, IrType.Int);
            List<Stmt>? after = null;
            if (checks.Count > 0 && !isDo)
            {
                frame.BreakFlag ??= FreshName("__brk");
                checks.Add(new If(condition, default, new Stmt[] { new Break() }.ToEquatable()));
                body.InsertRange(0, checks);
                condition = null;
            }
            else if (checks.Count > 0)
            {
                var go = FreshName("__go");
                _reassigned.Add(go);
                output.Add(new DeclScalar(go, IrType.Bool, new Const(1, IrType.Bool)));
                checks.Add(new Assign(new VarRef(go, IrType.Bool), AssignOp.Set, condition));
                condition = new VarRef(go, IrType.Bool);
                after = checks;
            }
            else if (isDo) condition = new Binary(BinaryOp.Or, new Binary(BinaryOp.Eq, it, new Const(0, IrType.Int), IrType.Bool), condition, IrType.Bool);
            var origin = new SourceRef(where.SourceTree?.FilePath ?? "", where.SourceSpan, where.GetLineSpan().Span);
            EmitLoop(new For(counter, new Const(0, IrType.Int), BinaryOp.Lt, new Const(int.MaxValue, IrType.Int), 1, default, origin), condition, body, frame, output, after);
        }

        /// <summary>
        /// <c>return e</c> inside a loop or an if: <c>__ret = e; __done = true</c>, then leave (<see cref="EarlyExits"/>);
        /// the method's last statement returns <c>__ret</c>.
        /// </summary>
        private void LowerNestedReturn(ReturnStatementSyntax rs, List<Stmt> output) => LowerNestedReturn(rs.Expression, rs.GetLocation(), output);

        /// <summary><see cref="LowerNestedReturn(ReturnStatementSyntax, List{Stmt})"/> of a value (also a branch of a tail-recursive helper's '=&gt; c ? v : H(...)').</summary>
        private void LowerNestedReturn(ExpressionSyntax? returned, Location at, List<Stmt> output)
        {
            if (returned is { } tailCall && TryLowerTailCall(tailCall, output)) return; // a tail-recursive helper's 'return H(...)' (Inlining.cs)
            if (_doneFlag is null)
            {
                _doneFlag = FreshName("__done");
                _firstEarlyReturn = at;
            }
            if (_helperResults is not null)
            {
                if (returned is not null && !AssignHelperResults(returned, output)) return;
            }
            else if (_returnType.Elem != Scalar.Void)
            {
                if (returned is null) return; // not C#
                var e = _tupleItems is not null ? LowerTupleReturn(returned, output) : LowerExpr(returned);
                if (e is null) return;
                if (!e.Type.IsReal || e.Type.IsArray)
                {
                    Report(Descriptors.UnsupportedExpression, returned, returned.ToString(), "the returned value must be float or double");
                    return;
                }
                _returnVar ??= FreshName("__ret");
                if (e.Type != _returnType) e = new IR.Convert(e, _returnType);
                output.Add(new Assign(new VarRef(_returnVar, _returnType), AssignOp.Set, e));
            }
            output.Add(new Break(Method: true));
        }

        /// <summary><c>foreach (T v in a)</c> over a T[] (or a row <c>a[i]</c> of a jagged array): <c>for (int k = 0; k &lt; a.Length; k++) { T v = a[k]; ... }</c>.</summary>
        private void LowerForEach(ForEachStatementSyntax fe, List<Stmt> output)
        {
            if (TryLowerForEachListed(fe, output)) return;
            if (ObjectArrayOf(fe.Expression) is { } objects)
            {
                LowerForEachObject(fe, objects, output); // foreach (var layer in Layers) (ObjectArrays.cs)
                return;
            }
            if (TryLowerForEachLinq(fe, fe.Expression, fe.Statement, fe.ForEachKeyword, output)) return;
            if (IsStackElement(fe.Expression) && !IsJaggedStackElement(fe.Expression) && _model.GetTypeInfo(fe.Expression, _ct).Type is IArrayTypeSymbol { Rank: 2 })
            {
                LowerForEachStackElement(fe, output); // foreach (var w in layer.W) over a layer object's matrix (Buffers.cs)
                return;
            }
            if (StructArrayOf(fe.Expression) is { } structs)
            {
                LowerForEachStruct(fe, structs, output); // foreach (var p in pts) over a local array of structs (StructArrays.cs)
                return;
            }
            // a span view or a part of an array (x.AsSpan(1), s[1..], s.Slice(a, n)): the elements of that part (SpanViews.cs);
            // a range of an array (x[1..], x[a..b]) is a copy C# makes before the loop, the same elements while the loop
            // writes neither the array nor what the range reads (checked below)
            (ArrayRef Array, Expr? Start, Expr Count)? part = null;
            bool rangeCopy = false;
            if (SliceForm(fe.Expression) is { } partForm && _model.GetTypeInfo(fe.Expression, _ct).Type is { } partType
                && (IsSpan(partType, out _, out var partElem) && !partForm.Copy || partType is IArrayTypeSymbol { Rank: 1 } partArray && partForm.Copy && (partElem = partArray.ElementType) is not null)
                && ElemOf(partElem!) is { } partScalar && partScalar != Scalar.Bool)
            {
                part = LowerSlicePart(partForm, fe.Expression, new IrType(partScalar, Shape.Vector));
                if (part is null) return;
                rangeCopy = partForm.Copy;
                // the part is fixed where the loop starts: a start or a length reading a variable the body changes is read once
                if (_model.AnalyzeDataFlow(fe.Statement) is { Succeeded: true } partFlow
                    && fe.Expression.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(id => _model.GetSymbolInfo(id, _ct).Symbol is ILocalSymbol or IParameterSymbol && partFlow.WrittenInside.Contains(_model.GetSymbolInfo(id, _ct).Symbol!)))
                {
                    var (pa, ps, pc) = part.Value;
                    part = (pa, ps is null ? null : Fixed(ps, "part_start", output), Fixed(pc, "part_length", output));
                }
            }
            var collection = part is { } whole ? whole.Array : LowerExpr(fe.Expression);
            if (collection is null) return;
            if (part is null && collection is ArrayRef { Row: null } pairs && _tupleArrays.Contains(pairs.Array))
            {
                LowerForEachPairs(fe, fe.Expression, fe.Statement, fe.ForEachKeyword, output);
                return;
            }
            if (part is null && collection is ArrayRef { Row: null } rows && (rows.ArrayType.Shape == Shape.Jagged || _rowBuffers.Contains(rows.Array))
                && _model.GetDeclaredSymbol(fe, _ct) is ILocalSymbol rowLocal && rowLocal.Type is IArrayTypeSymbol { Rank: 1 })
            {
                LowerForEachRow(fe, rows, rowLocal, output);
                return;
            }
            // foreach over a T[,] visits the elements row by row: one loop over k < a.Length reading a[k / cols, k % cols]
            // (one loop, so a break leaves all of it)
            bool matrix = collection is ArrayRef { Row: null, ArrayType.Shape: Shape.Matrix } mr && !_rowBuffers.Contains(mr.Array);
            if (collection is not ArrayRef ar || collection.Type.Shape != Shape.Vector && !matrix)
            {
                Report(Descriptors.UnsupportedStatement, fe.Expression, "foreach", "only a 1-D array (T[], or a row a[i] of a jagged array), the rows of a T[][] or the elements of a T[,] can be iterated; write a 'for' loop with a counter and index it");
                return;
            }
            if (_model.GetDeclaredSymbol(fe, _ct) is not ILocalSymbol local || MapType(local.Type) is not { IsArray: false, Elem: not Scalar.Void } vt)
            {
                Report(Descriptors.UnsupportedStatement, fe, "foreach", "the iteration variable must be a float, double, int or bool (or a T[], a row of a T[][]): declare it as one, 'foreach (double v in a)'");
                return;
            }
            var counter = FreshName("__" + _prefix + local.Name + "_index");
            var name = FreshName(_prefix + local.Name);
            Expr kRef = new VarRef(counter, IrType.Int);
            if (part?.Start is { } partStart) kRef = new Binary(BinaryOp.Add, partStart, kRef, IrType.Int);
            Expr element = matrix
                ? new ElemRef(ar.Array, ar.ArrayType, new[] { (Expr)new Binary(BinaryOp.Div, kRef, Len(ar.Array, ar.ArrayType, null, 1), IrType.Int), new Binary(BinaryOp.Mod, kRef, Len(ar.Array, ar.ArrayType, null, 1), IrType.Int) }.ToEquatable())
                : new ElemRef(ar.Array, ar.ArrayType, (ar.Row is null ? new[] { kRef } : new[] { ar.Row, kRef }).ToEquatable());
            if (element.Type != vt) element = new IR.Convert(element, vt);
            _vars[local] = new Variable(name, vt, VarKind.Local);
            if (vt == IrType.Int) _rowIntInits[name] = element; // foreach (int nfft in sizes) { var w = new double[nfft]; }: a per-row size
            var body = new List<Stmt> { new DeclScalar(name, vt, element) };
            var frame = EnterLoop();
            LowerBlock(fe.Statement, body);
            ExitLoop();
            Expr bound = part?.Count ?? (Expr?)ListCount(fe.Expression) ?? Len(ar.Array, ar.ArrayType, ar.Row, -1); // a List local: its count (ListLocals.cs)
            var bodyWrites = new HashSet<string>(StringComparer.Ordinal);
            IrQueries.Writes(body, bodyWrites);
            if (rangeCopy && bodyWrites.Contains(ar.Array))
            {
                var arrayName = SliceForm(fe.Expression)!.Value.Array.ToString();
                Report(Descriptors.UnsupportedLoop, fe.Expression, $"'{fe.Expression}' is a copy of part of '{arrayName}' that C# makes before the loop, and the loop body writes '{arrayName}', so the elements it visits are not the array's; copy the part into a local first ('var part = {fe.Expression};', then 'foreach (var v in part)'), or loop over the indices ('for (int k = start; k < end; k++)')");
                return;
            }
            if (!bodyWrites.Contains(ar.Array) && !(ar.Row is not null && IrQueries.Descendants(ar.Row).Any(x => x is VarRef r && bodyWrites.Contains(r.Name))))
            {
                // The array does not change in the loop: read the element where the value is used (no local to store
                // for the reverse sweep), exactly the indexed loop one would write by hand.
                body = body.Skip(1).Select(st => IrRewriter.Map(st, x => x is VarRef r && r.Name == name ? element : null)).ToList();
            }
            if (ar.Row is not null)
            {
                if (IrQueries.Descendants(ar.Row).FirstOrDefault(x => x is VarRef r && bodyWrites.Contains(r.Name)) is VarRef changed)
                {
                    Report(Descriptors.UnsupportedLoop, fe.Expression, $"the row it iterates reads '{changed.Name}', which the loop body changes; copy it into an int before the loop ('int r = i;') and iterate a[r]");
                    return;
                }
            }
            var loc = fe.ForEachKeyword.GetLocation();
            var origin = new SourceRef(loc.SourceTree?.FilePath ?? "", loc.SourceSpan, loc.GetLineSpan().Span);
            EmitLoop(new For(counter, new Const(0, IrType.Int), BinaryOp.Lt, bound, 1, default, origin), null, body, frame, output);
        }

        /// <summary>
        /// <c>foreach (double r in new[] { u - a, v - b })</c>: C# evaluates the listed values once, before the loop; so does this,
        /// into one local each, and iteration k reads the k-th (<c>k == 0 ? e0 : k == 1 ? e1 : e2</c>). False when the collection
        /// is not a list of numbers written in place.
        /// </summary>
        private bool TryLowerForEachListed(ForEachStatementSyntax fe, List<Stmt> output)
        {
            var collection = fe.Expression;
            while (collection is CastExpressionSyntax c) collection = c.Expression;
            while (collection is ParenthesizedExpressionSyntax p) collection = p.Expression;
            List<ExpressionSyntax>? elements = collection switch
            {
                ArrayCreationExpressionSyntax { Initializer: { } ai } => ai.Expressions.ToList(),
                ImplicitArrayCreationExpressionSyntax ia => ia.Initializer.Expressions.ToList(),
                CollectionExpressionSyntax ce when ce.Elements.All(e => e is ExpressionElementSyntax) => ce.Elements.Select(e => ((ExpressionElementSyntax)e).Expression).ToList(),
                _ => null,
            };
            if (elements is null || elements.Count == 0) return false;
            if (_model.GetDeclaredSymbol(fe, _ct) is not ILocalSymbol local || MapType(local.Type) is not { IsArray: false, Elem: Scalar.Float or Scalar.Double or Scalar.Int } vt)
                return false;
            var values = new List<Expr>();
            foreach (var el in elements)
            {
                var x = vt.Elem == Scalar.Int ? LowerIntExpr(el, "a listed value") : LowerExpr(el);
                if (x is null) return true;
                if (x.Type != vt) x = new IR.Convert(x, vt);
                var held = FreshName("__" + _prefix + local.Name + "_item");
                if (_loopDepth == 0 && _branchDepth == 0) _topLevelLocals.Add(held);
                output.AddRange(_pending);
                _pending.Clear();
                output.Add(new DeclScalar(held, vt, x));
                values.Add(new VarRef(held, vt));
            }
            var counter = FreshName("__" + _prefix + local.Name + "_index");
            var name = FreshName(_prefix + local.Name);
            var k = new VarRef(counter, IrType.Int);
            Expr element = values[values.Count - 1];
            for (int i = values.Count - 2; i >= 0; i--)
                element = new Conditional(new Binary(BinaryOp.Eq, k, new Const(i, IrType.Int), IrType.Bool), values[i], element, vt);
            _vars[local] = new Variable(name, vt, VarKind.Local);
            var body = new List<Stmt> { new DeclScalar(name, vt, element) };
            var frame = EnterLoop();
            LowerBlock(fe.Statement, body);
            ExitLoop();
            var loc = fe.ForEachKeyword.GetLocation();
            var origin = new SourceRef(loc.SourceTree?.FilePath ?? "", loc.SourceSpan, loc.GetLineSpan().Span);
            EmitLoop(new For(counter, new Const(0, IrType.Int), BinaryOp.Lt, new Const(values.Count, IrType.Int), 1, default, origin), null, body, frame, output);
            return true;
        }

        /// <summary>
        /// <c>foreach (var row in x)</c> over the rows of a T[][] (or of a jagged local): <c>for (int k = 0; k &lt; x.Length; k++)</c>
        /// with <c>row</c> a second name for the row <c>x[k]</c>, as a helper's T[] parameter bound to a row is.
        /// </summary>
        private void LowerForEachRow(ForEachStatementSyntax fe, ArrayRef rows, ILocalSymbol local, List<Stmt> output)
        {
            // C# takes each row at the start of its iteration: a row replaced in the body ('h[k] = new double[m]') would be
            // seen through the name, so it is refused
            var source = _model.GetSymbolInfo(fe.Expression, _ct).Symbol;
            if (source is not null && fe.Statement.DescendantNodesAndSelf().OfType<AssignmentExpressionSyntax>().Any(a =>
                a.Left is ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1, Expression: IdentifierNameSyntax target }
                && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(target, _ct).Symbol, source)))
            {
                Report(Descriptors.UnsupportedStatement, fe.Expression, "foreach", $"a row of '{source.Name}' is replaced inside the loop, which the loop variable '{local.Name}' would not see in C#; write a 'for' loop with a counter and index the rows");
                return;
            }
            var counter = FreshName("__" + _prefix + local.Name + "_index");
            Expr kRef = new VarRef(counter, IrType.Int);
            _vars[local] = new Variable(rows.Array, rows.ArrayType, IsParameterName(rows.Array) ? VarKind.Param : VarKind.Local, kRef, fe.Expression.GetLocation());
            var body = new List<Stmt>();
            var frame = EnterLoop();
            LowerBlock(fe.Statement, body);
            ExitLoop();
            var loc = fe.ForEachKeyword.GetLocation();
            var origin = new SourceRef(loc.SourceTree?.FilePath ?? "", loc.SourceSpan, loc.GetLineSpan().Span);
            EmitLoop(new For(counter, new Const(0, IrType.Int), BinaryOp.Lt, Len(rows.Array, rows.ArrayType, null, -1), 1, default, origin), null, body, frame, output);
        }

        /// <summary>
        /// <c>foreach (var (i, j) in pairs)</c> or <c>foreach (var e in pairs)</c> over a <c>(int, int)[]</c> parameter (held as an
        /// <c>int[n, 2]</c>): a counted loop whose body starts with one int local per element (<c>e.I</c> reads them).
        /// </summary>
        private void LowerForEachPairs(SyntaxNode variable, ExpressionSyntax collectionSyntax, StatementSyntax statement, SyntaxToken keyword, List<Stmt> output)
        {
            var collection = LowerExpr(collectionSyntax);
            if (collection is null) return;
            if (collection is not ArrayRef { Row: null } pairs || !_tupleArrays.Contains(pairs.Array))
            {
                Report(Descriptors.UnsupportedStatement, collectionSyntax, "foreach", "deconstruct in a foreach only over a tuple-array parameter ((int, int)[], (int, int, double)[], ...); iterate other arrays with 'foreach (var v in a)' or a counted loop");
                return;
            }
            var counter = FreshName("__" + _prefix + "pair_index");
            Expr kRef = new VarRef(counter, IrType.Int);
            var body = new List<Stmt>();
            int width = RowElementTypes(_model.GetTypeInfo(collectionSyntax, _ct).Type)?.Count ?? 0;
            if (!DeclareTupleLocals(variable, width, (i, t) => TupleRowElement(pairs, kRef, i, t), body, null))
            {
                Report(Descriptors.UnsupportedStatement, variable, "foreach", "deconstruct each element into one local per tuple element ('foreach (var (i, j) in pairs)', 'foreach (var (i, j, w) in edges)')");
                return;
            }
            var frame = EnterLoop();
            LowerBlock(statement, body);
            ExitLoop();
            var loc = keyword.GetLocation();
            var origin = new SourceRef(loc.SourceTree?.FilePath ?? "", loc.SourceSpan, loc.GetLineSpan().Span);
            EmitLoop(new For(counter, new Const(0, IrType.Int), BinaryOp.Lt, Len(pairs.Array, pairs.ArrayType, null, -1), 1, default, origin), null, body, frame, output);
        }

        /// <summary>
        /// <c>foreach</c> over tuples LINQ makes of 1-D arrays: <c>x.Zip(y)</c> (and <c>x.Zip(y, z)</c>), <c>x.Index()</c>, and
        /// <c>x.Select((v, i) =&gt; (v, i))</c> (a tuple of the lambda's parameters), deconstructed (<c>var (a, b)</c>) or as one tuple
        /// local (<c>p.First</c>): a counted loop over the elements (Zip stops at the shorter array), each tuple element read where
        /// it is used when the body writes none of the arrays. False when the collection is not one of these calls.
        /// </summary>
        private bool TryLowerForEachLinq(SyntaxNode variable, ExpressionSyntax collection, StatementSyntax statement, SyntaxToken keyword, List<Stmt> output)
        {
            while (collection is ParenthesizedExpressionSyntax p) collection = p.Expression;
            if (collection is not InvocationExpressionSyntax call || _model.GetSymbolInfo(call, _ct).Symbol is not IMethodSymbol { Name: "Zip" or "Index" or "Select" } m
                || m.ContainingType?.ToDisplayString() != "System.Linq.Enumerable")
                return false;
            var args = call.ArgumentList.Arguments.Select(a => a.Expression).ToList();
            ExpressionSyntax? source = m.ReducedFrom is not null ? (call.Expression as MemberAccessExpressionSyntax)?.Expression : args.FirstOrDefault();
            if (m.ReducedFrom is null && args.Count > 0) args.RemoveAt(0);
            if (source is null) return false;
            // per tuple element: the array it reads (its position in 'sources'), or -1 for the index
            var sources = new List<ExpressionSyntax> { source };
            var picks = new List<int>();
            switch (m.Name)
            {
                case "Zip" when args.Count is 1 or 2 && args.All(a => a is not LambdaExpressionSyntax && _model.GetTypeInfo(a, _ct).Type is not INamedTypeSymbol { TypeKind: TypeKind.Delegate }):
                    sources.AddRange(args);
                    picks.AddRange(Enumerable.Range(0, sources.Count));
                    break;
                case "Index" when args.Count == 0:
                    picks.AddRange(new[] { -1, 0 });
                    break;
                case "Select" when args.Count == 1 && args[0] is ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 2, ExpressionBody: TupleExpressionSyntax tuple } lambda:
                    {
                        var value = _model.GetDeclaredSymbol(lambda.ParameterList.Parameters[0], _ct);
                        var index = _model.GetDeclaredSymbol(lambda.ParameterList.Parameters[1], _ct);
                        foreach (var a in tuple.Arguments)
                        {
                            var sym = a.Expression is IdentifierNameSyntax ? _model.GetSymbolInfo(a.Expression, _ct).Symbol : null;
                            if (SymbolEqualityComparer.Default.Equals(sym, value)) picks.Add(0);
                            else if (SymbolEqualityComparer.Default.Equals(sym, index)) picks.Add(-1);
                            else return false; // another tuple: the plain path reports it
                        }
                        break;
                    }
                default:
                    return false;
            }
            var arrays = new List<ArrayRef>();
            if (TryLowerZipOfRows(variable, sources, picks, statement, keyword, output)) return true;
            foreach (var src in sources)
            {
                var lowered = LowerExpr(src);
                if (lowered is null) return true; // reported
                if (lowered is not ArrayRef { Type.Shape: Shape.Vector } ar || ListCount(src) is not null)
                {
                    Report(Descriptors.UnsupportedStatement, src, "foreach", "x.Zip(y), x.Index() and x.Select((v, i) => (v, i)) are iterated over 1-D arrays (or rows of a jagged array); write a counted loop over the arrays otherwise");
                    return true;
                }
                arrays.Add(ar);
            }
            var counter = FreshName("__" + _prefix + "zip_index");
            Expr kRef = new VarRef(counter, IrType.Int);
            Expr bound = Len(arrays[0].Array, arrays[0].ArrayType, arrays[0].Row, 0);
            foreach (var ar in arrays.Skip(1))
            {
                var len = Len(ar.Array, ar.ArrayType, ar.Row, 0);
                if (!bound.Equals(len)) bound = new Conditional(new Binary(BinaryOp.Lt, bound, len, IrType.Bool), bound, len, IrType.Int); // the shorter
            }
            var elements = picks.Select(p => p < 0 ? kRef : ElementAt(arrays[p], kRef)).ToList();
            var body = new List<Stmt>();
            var declared = new List<(string Name, Expr Value)>();
            (Expr, IrType)? Element(int i, ITypeSymbol t) =>
                MapType(t) is { IsArray: false, Elem: Scalar.Int or Scalar.Float or Scalar.Double } lt ? (elements[i].Type == lt ? elements[i] : new IR.Convert(elements[i], lt), lt) : null;
            if (!DeclareTupleLocals(variable, elements.Count, Element, body, declared))
            {
                Report(Descriptors.UnsupportedStatement, variable, "foreach", "deconstruct each tuple into one float, double or int local per element ('foreach (var (a, b) in x.Zip(y))') or name the tuple ('foreach (var p in x.Zip(y))')");
                return true;
            }
            int head = body.Count;
            var frame = EnterLoop();
            LowerBlock(statement, body);
            ExitLoop();
            // foreach variables are read-only: when the body writes none of the arrays, read the elements where they are used
            var bodyWrites = new HashSet<string>(StringComparer.Ordinal);
            IrQueries.Writes(body.Skip(head), bodyWrites);
            if (arrays.FirstOrDefault(a => a.Row is not null && IrQueries.Descendants(a.Row).Any(x => x is VarRef r && bodyWrites.Contains(r.Name))) is { } moved)
            {
                Report(Descriptors.UnsupportedLoop, collection, $"the row '{moved.Array}[...]' it iterates depends on a value the loop body changes; copy the row index into an int before the loop ('int r = i;')");
                return true;
            }
            if (!arrays.Any(a => bodyWrites.Contains(a.Array)))
            {
                var byName = declared.ToDictionary(d => d.Name, d => d.Value, StringComparer.Ordinal);
                body = body.Skip(head).Select(st => IrRewriter.Map(st, x => x is VarRef r && byName.TryGetValue(r.Name, out var v) ? v : null)).ToList();
            }
            var loc = keyword.GetLocation();
            var origin = new SourceRef(loc.SourceTree?.FilePath ?? "", loc.SourceSpan, loc.GetLineSpan().Span);
            EmitLoop(new For(counter, new Const(0, IrType.Int), BinaryOp.Lt, bound, 1, default, origin), null, body, frame, output);
            return true;
        }

        /// <summary>
        /// <c>foreach (var (x, y) in X.Zip(Y))</c> where some of the zipped collections are the rows of a jagged array (a batch of
        /// inputs and their targets), and <c>foreach (var (i, row) in X.Index())</c> (or <c>X.Select((row, i) =&gt; (row, i))</c>) over
        /// a jagged array's rows: each row variable is a second name for row k, as in <c>foreach (var x in X)</c>; each element of a
        /// 1-D array is a local set at the start of the iteration, and the index is the counter. Zip stops at the shortest.
        /// <paramref name="picks"/>: per tuple element, the collection it comes from (its position in <paramref name="sources"/>),
        /// or -1 for the index. False when no collection is a jagged array's rows (the element path handles it); true when
        /// lowered or reported.
        /// </summary>
        private bool TryLowerZipOfRows(SyntaxNode variable, List<ExpressionSyntax> sources, List<int> picks, StatementSyntax statement, SyntaxToken keyword, List<Stmt> output)
        {
            bool IsRows(ExpressionSyntax e) => _model.GetTypeInfo(e, _ct).Type is IArrayTypeSymbol { Rank: 1, ElementType: IArrayTypeSymbol { Rank: 1 } };
            if (!sources.Any(IsRows)) return false;
            if (variable is not DeclarationExpressionSyntax { Designation: ParenthesizedVariableDesignationSyntax pd } || pd.Variables.Count != picks.Count)
            {
                Report(Descriptors.UnsupportedStatement, variable, "foreach", picks.Contains(-1)
                    ? "deconstruct each (index, row) pair into two locals ('foreach (var (i, row) in X.Index())')"
                    : "deconstruct each pair of rows into one local per collection ('foreach (var (x, y) in X.Zip(Y))')");
                return true;
            }
            var counter = FreshName("__" + _prefix + "zip_index");
            Expr kRef = new VarRef(counter, IrType.Int);
            Expr? bound = null;
            var body = new List<Stmt>();
            var lowered = new List<ArrayRef>();
            for (int i = 0; i < sources.Count; i++)
            {
                var x = LowerExpr(sources[i]);
                if (x is null) return true; // reported
                Expr count;
                if (IsRows(sources[i]))
                {
                    if (x is not ArrayRef { Row: null } rows || rows.ArrayType.Shape != Shape.Jagged && !_rowBuffers.Contains(rows.Array))
                    {
                        Report(Descriptors.UnsupportedStatement, sources[i], "foreach", "iterate the rows of a jagged array variable (a T[][] parameter or local)");
                        return true;
                    }
                    // C# takes each row at the start of its iteration: one replaced in the body would not be seen through the name
                    var source = _model.GetSymbolInfo(sources[i], _ct).Symbol;
                    if (source is not null && statement.DescendantNodesAndSelf().OfType<AssignmentExpressionSyntax>().Any(a =>
                        a.Left is ElementAccessExpressionSyntax { ArgumentList.Arguments.Count: 1, Expression: IdentifierNameSyntax target }
                        && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(target, _ct).Symbol, source)))
                    {
                        Report(Descriptors.UnsupportedStatement, sources[i], "foreach", $"a row of '{source.Name}' is replaced inside the loop, which the loop variable would not see in C#; write a 'for' loop with a counter and index the rows");
                        return true;
                    }
                    lowered.Add(rows);
                    count = Len(rows.Array, rows.ArrayType, null, -1);
                }
                else
                {
                    if (x is not ArrayRef { Type.Shape: Shape.Vector } ar || ListCount(sources[i]) is not null)
                    {
                        Report(Descriptors.UnsupportedStatement, sources[i], "foreach", "x.Zip(y) is iterated over 1-D arrays and the rows of jagged arrays; write a counted loop over the arrays otherwise");
                        return true;
                    }
                    lowered.Add(ar);
                    count = Len(ar.Array, ar.ArrayType, ar.Row, 0);
                }
                bound = bound is null || bound.Equals(count) ? count : new Conditional(new Binary(BinaryOp.Lt, bound, count, IrType.Bool), bound, count, IrType.Int);
            }
            for (int i = 0; i < picks.Count; i++)
            {
                var local = pd.Variables[i] is SingleVariableDesignationSyntax sv ? _model.GetDeclaredSymbol(sv, _ct) as ILocalSymbol : null;
                if (local is null) continue; // a discard
                if (picks[i] < 0)
                {
                    // the index: the counter, read through an int local the body cannot change (foreach variables are read-only)
                    var name = FreshName(_prefix + local.Name);
                    _vars[local] = new Variable(name, IrType.Int, VarKind.Local);
                    body.Add(new DeclScalar(name, IrType.Int, kRef));
                    continue;
                }
                var src = lowered[picks[i]];
                if (IsRows(sources[picks[i]]))
                {
                    _vars[local] = new Variable(src.Array, src.ArrayType, IsParameterName(src.Array) ? VarKind.Param : VarKind.Local, kRef, sources[picks[i]].GetLocation());
                    continue;
                }
                if (MapType(local.Type) is not { IsArray: false, Elem: Scalar.Int or Scalar.Float or Scalar.Double } lt)
                {
                    Report(Descriptors.UnsupportedStatement, pd.Variables[i], "foreach", "an element of a 1-D array goes into a float, double or int local");
                    return true;
                }
                var elemName = FreshName(_prefix + local.Name);
                var element = ElementAt(src, kRef);
                _vars[local] = new Variable(elemName, lt, VarKind.Local);
                body.Add(new DeclScalar(elemName, lt, element.Type == lt ? element : new IR.Convert(element, lt)));
            }
            var frame = EnterLoop();
            LowerBlock(statement, body);
            ExitLoop();
            var loc = keyword.GetLocation();
            var origin = new SourceRef(loc.SourceTree?.FilePath ?? "", loc.SourceSpan, loc.GetLineSpan().Span);
            EmitLoop(new For(counter, new Const(0, IrType.Int), BinaryOp.Lt, bound!, 1, default, origin), null, body, frame, output);
            return true;
        }

        /// <summary>
        /// The iteration variables of a foreach over tuples of width <paramref name="width"/>: a deconstruction's locals (<c>var (i, j)</c>;
        /// nothing for a discard), or one tuple local whose elements are locals (<c>e.A</c>, <c>p.First</c>). <paramref name="element"/>
        /// gives element i with the type of its variable (null: a type it cannot have). Declarations go into <paramref name="body"/>, and
        /// each (local, value) into <paramref name="declared"/>. False when the variable is neither form; the caller reports.
        /// </summary>
        private bool DeclareTupleLocals(SyntaxNode variable, int width, Func<int, ITypeSymbol, (Expr Value, IrType Type)?> element,
            List<Stmt> body, List<(string Name, Expr Value)>? declared)
        {
            var names = new List<(ISymbol Symbol, string Name, ITypeSymbol Type)?>();
            ILocalSymbol? tupleLocal = null;
            if (variable is DeclarationExpressionSyntax { Designation: ParenthesizedVariableDesignationSyntax pd } && pd.Variables.Count == width)
            {
                foreach (var d in pd.Variables)
                    names.Add(d is SingleVariableDesignationSyntax sv && _model.GetDeclaredSymbol(sv, _ct) is ILocalSymbol l ? (l, _prefix + l.Name, l.Type) : null);
            }
            else if (variable is ForEachStatementSyntax whole && _model.GetDeclaredSymbol(whole, _ct) is ILocalSymbol { Type: INamedTypeSymbol { IsTupleType: true } tt } t
                && tt.TupleElements.Length == width)
            {
                tupleLocal = t;
                foreach (var e in tt.TupleElements) names.Add((e, _prefix + t.Name + "_" + e.Name, e.Type));
            }
            else if (variable is ForEachStatementSyntax each && _model.GetDeclaredSymbol(each, _ct) is ILocalSymbol { Type: INamedTypeSymbol { IsTupleType: false } } s
                && StructFields(s.Type) is { } fields && fields.Count == width)
            {
                tupleLocal = s; // foreach (var p in particles): a struct local, one variable per field
                foreach (var f in fields) names.Add((f.Member, _prefix + s.Name + "_" + f.Name, f.Type));
            }
            else return false;
            var vars = new List<Variable>();
            for (int i = 0; i < width; i++)
            {
                if (names[i] is not { } n) continue; // a discard
                if (element(i, n.Type) is not { } e) return false;
                var name = FreshName(n.Name);
                body.Add(new DeclScalar(name, e.Type, e.Value));
                declared?.Add((name, e.Value));
                var v = new Variable(name, e.Type, VarKind.Local);
                if (tupleLocal is null) _vars[n.Symbol] = v;
                vars.Add(v);
            }
            if (tupleLocal is not null) _tupleVars[tupleLocal] = vars;
            return true;
        }

        /// <summary>The operands of <c>a &amp;&amp; b &amp;&amp; c</c>, left to right (one element when it is not a conjunction).</summary>
        private static void AndChain(ExpressionSyntax? e, List<ExpressionSyntax> into)
        {
            while (e is ParenthesizedExpressionSyntax p) e = p.Expression;
            if (e is null) return;
            if (e is BinaryExpressionSyntax b && b.IsKind(SyntaxKind.LogicalAndExpression))
            {
                AndChain(b.Left, into);
                AndChain(b.Right, into);
            }
            else into.Add(e);
        }

        private bool IsCounter(ExpressionSyntax e, ILocalSymbol counter) =>
            e is IdentifierNameSyntax && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(e, _ct).Symbol, counter);

        private static BinaryOp? CmpOf(SyntaxKind k) => k switch
        {
            SyntaxKind.LessThanExpression => BinaryOp.Lt,
            SyntaxKind.LessThanOrEqualExpression => BinaryOp.Le,
            SyntaxKind.GreaterThanExpression => BinaryOp.Gt,
            SyntaxKind.GreaterThanOrEqualExpression => BinaryOp.Ge,
            _ => null,
        };

        private static BinaryOp Mirror(BinaryOp op) => op switch
        {
            BinaryOp.Lt => BinaryOp.Gt,
            BinaryOp.Le => BinaryOp.Ge,
            BinaryOp.Gt => BinaryOp.Lt,
            _ => BinaryOp.Le,
        };

        /// <summary>
        /// <c>n &lt;= 64 ? stackalloc double[n] : new double[n]</c> (small scratch on the stack, large on the heap): both branches
        /// make a zeroed array of the same length, so it is that array (the <c>new</c> branch). The condition must be
        /// plain (no calls, assignments or increments: it is not evaluated). Anything else is returned unchanged.
        /// </summary>
        private static ExpressionSyntax? SpanScratchInit(ExpressionSyntax? init)
        {
            static ExpressionSyntax Strip(ExpressionSyntax e) { while (e is ParenthesizedExpressionSyntax p) e = p.Expression; return e; }
            static ExpressionSyntax? Size(ExpressionSyntax e) => e switch
            {
                ArrayCreationExpressionSyntax { Initializer: null } ac when ac.Type.RankSpecifiers.Count == 1 && ac.Type.RankSpecifiers[0].Sizes.Count == 1 => ac.Type.RankSpecifiers[0].Sizes[0],
                StackAllocArrayCreationExpressionSyntax { Initializer: null, Type: ArrayTypeSyntax st } when st.RankSpecifiers.Count == 1 && st.RankSpecifiers[0].Sizes.Count == 1 => st.RankSpecifiers[0].Sizes[0],
                _ => null,
            };
            if (init is null || Strip(init) is not ConditionalExpressionSyntax c) return init;
            var a = Strip(c.WhenTrue);
            var b = Strip(c.WhenFalse);
            if (Size(a) is not { } sa || Size(b) is not { } sb || !SyntaxFactory.AreEquivalent(sa, sb)) return init;
            if (c.Condition.DescendantNodesAndSelf().Any(n => n is InvocationExpressionSyntax or AssignmentExpressionSyntax
                    || n is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression }
                    || n is PostfixUnaryExpressionSyntax))
                return init;
            if (sa.DescendantNodesAndSelf().Any(n => n is InvocationExpressionSyntax or AssignmentExpressionSyntax or PostfixUnaryExpressionSyntax)) return init;
            return a is ArrayCreationExpressionSyntax ? a : b;
        }

        /// <summary>
        /// An int value read from float values, for an int local ('int b = (int)(v * bins);', 'i0 = (int)pos;'): an int scalar
        /// (Floor/Ceiling/Round/casts have derivative 0). Anything else (a float value assigned to an int) is reported.
        /// </summary>
        private bool IntValue(Expr value, ExpressionSyntax where)
        {
            if (value.Type == IrType.Int) return true;
            Report(Descriptors.UnsupportedExpression, where, where.ToString(), "an int local holds int values; cast the value ('(int)Math.Floor(v)')");
            return false;
        }

        /// <summary>
        /// A bool set from a condition that may read values: <c>b = c</c> → <c>if (c) b = true; else b = false;</c>,
        /// <c>b |= c</c> → <c>if (c) b = true;</c>, <c>b &amp;= c</c> → <c>if (c) { } else b = false;</c>. A bool assigned a constant
        /// under an 'if' on values is kept by the backward pass like any int or bool assigned in a branch.
        /// </summary>
        private static Stmt BoolFromOutcome(VarRef target, Expr cond, SyntaxKind kind)
        {
            var set = new Stmt[] { new Assign(target, AssignOp.Set, new Const(1, IrType.Bool)) }.ToEquatable();
            var clear = new Stmt[] { new Assign(target, AssignOp.Set, new Const(0, IrType.Bool)) }.ToEquatable();
            var none = new Stmt[0].ToEquatable();
            return kind switch
            {
                SyntaxKind.OrAssignmentExpression => new If(cond, set, none),
                SyntaxKind.AndAssignmentExpression => new If(cond, none, clear),
                _ => new If(cond, set, clear),
            };
        }
    }
}
