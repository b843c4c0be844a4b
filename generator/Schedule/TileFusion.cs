using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.Differentiate;
using DiffGen.Generator.Emit;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Schedule
{
    /// <summary>
    /// The CPU statements of a method whose contraction table is fused (never stored): Schedule's tile-fusion decision,
    /// printed by the C# emitter as the <see cref="TileChoice"/> branch taken when DiffGen.Cpu.Tiling says so.
    /// </summary>
    internal sealed record TilePlan(string Table, EquatableArray<Stmt> Body, EquatableArray<Stmt> ForwardSweep, EquatableArray<Stmt> ReverseSweep)
    {
        /// <summary>The local array held a block of rows at a time by <see cref="RowBlockFusion"/> (null: none).</summary>
        public string? RowBlocked { get; init; }
        /// <summary>Why no row-block fusion applies to the contractions that consume a local array (null: none to consider).</summary>
        public string? RowBlocksWhyNot { get; init; }
    }

    /// <summary>
    /// Schedule: tile fusion on the CPU. A raised contraction <c>T = L·Rᵀ</c> at the top level of the method whose table
    /// is read only
    /// <list type="bullet">
    /// <item>by a loop over rows, at rows <c>i + c</c> of the loop counter i (c invariant in the loop), at any depth
    /// inside it: the loop reads T through a panel that holds a block of rows, computed by one GEMM when the loop
    /// reaches a row it does not hold (<see cref="TiledLoop"/>); in the backward the reverse loop recomputes the block
    /// and accumulates T̄'s block into the factors' adjoints by two GEMMs when it leaves the block; or</item>
    /// <item>at loop depth at most one (diagonals, norms): each such read computes its entry as a dot product of length K
    /// (<see cref="TableEntry"/>), O(trip × K) in all, and its adjoint adds into the factors directly;</item>
    /// </list>
    /// and whose factors are not written after it, gets a fused version of the forward pass and of both sweeps. The
    /// emitter prints both versions behind a run-time choice on the table's size: memory goes from rows × cols to
    /// rows-per-block × cols. Where a condition fails the method keeps the materialised table only, and
    /// <see cref="WhyNot"/> says which condition failed. Only the first fusable contraction of a method is fused.
    /// </summary>
    internal static class TileFusion
    {
        public static AdjointModel Run(AdjointModel a)
        {
            // One table per method: pairwise tables (columns = rows of the second factor, as in z·zᵀ or q·kᵀ, N × N) before
            // products with a weight matrix (columns = its columns, as in x·W), then source order.
            foreach (var c in a.Method.Body.OfType<Contract>().Select((c, i) => (c, i)).OrderBy(x => x.c.TransB ? 1 : 0).ThenBy(x => x.i).Select(x => x.c))
            {
                if (Plan(a, c, out _) is { } plan) return a with { Tiles = plan };
            }
            return a;
        }

        /// <summary>
        /// DIFF0016 remarks on each raised contraction's table, placed where Raise placed its "raised to GEMM" remark:
        /// fused (and when), or which condition failed. Runs Differentiate and the Schedule passes on the raised model
        /// (only for methods with a contraction): the remark path keeps source locations, the code path does not.
        /// </summary>
        public static IEnumerable<DiagnosticInfo> Remarks(Raise.RaiseResult raised)
        {
            var tables = raised.Model.Body.OfType<Contract>().ToList();
            if (tables.Count == 0) yield break;
            var a = Run(WideSums.Run(Vectorizer.Run(Differentiator.Run(raised.Model))));
            foreach (var c in tables)
            {
                var at = raised.Remarks.FirstOrDefault(r => r.Args.Count > 0 && r.Args[0].StartsWith("raised to GEMM", StringComparison.Ordinal)
                    && r.Args[0].Contains(c.Target + "[", StringComparison.Ordinal));
                if (at is null) continue;
                string message = a.Tiles?.Table == c.Target
                    ? $"tile fusion: the table {c.Target} is computed a block of rows at a time and never stored whole when it is large (DiffGen.Cpu.Tiling decides per call)"
                    : $"not tile-fused: {WhyNotHere(a, c.Target)}; the table {c.Target} is stored whole";
                yield return at with { Args = new[] { message }.ToEquatable() };
            }
        }

        /// <summary>Why the table is not fused in this method (null when it is): its own failed condition, or the table fused instead.</summary>
        public static string? WhyNotHere(AdjointModel a, string table)
        {
            if (a.Tiles?.Table == table) return null;
            return WhyNot(a, table) ?? $"it could be, but one table per method is fused and {a.Tiles?.Table} was chosen (pairwise tables first, then source order)";
        }

        /// <summary>Why the contraction writing <paramref name="table"/> is not fused (null when it is), for remarks and tests.</summary>
        public static string? WhyNot(AdjointModel a, string table)
        {
            var c = a.Method.Body.OfType<Contract>().FirstOrDefault(x => x.Target == table);
            if (c is null) return "no raised contraction writes " + table;
            return Plan(a, c, out var why) is null ? why : null;
        }

        private static TilePlan? Plan(AdjointModel a, Contract c, out string why)
        {
            why = "";
            if (c.A.Row is not null || c.B.Row is not null || c.A.ArrayType.Shape != Shape.Matrix || c.B.ArrayType.Shape != Shape.Matrix)
            {
                why = "the factors are not two-dimensional arrays";
                return null;
            }
            var adjOf = a.Adjoints.ToDictionary(x => x.Primal, x => x.Adjoint, StringComparer.Ordinal);
            if (!adjOf.TryGetValue(c.Target, out var tAdj)) tAdj = null;
            var flag = "__fuse_" + c.Target.TrimStart('_');
            var names = new Names();
            var body = Forward(a.Method.Body, c, null, flag, names, out why);
            if (body is null) return null;
            var fwd = Forward(a.ForwardSweep, c, tAdj, flag, names, out why);
            if (fwd is null) return null;
            var rev = Reverse(a.ReverseSweep, c, tAdj, flag, names, out why);
            if (rev is null) return null;
            return new TilePlan(c.Target, body.Value, fwd.Value, rev.Value);
        }

        private sealed class Names
        {
            private int _n;
            public string Panel() => "__tile" + (++_n).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        // ------------------------------------------------------------ forward (the primal body or the forward sweep)

        private static EquatableArray<Stmt>? Forward(EquatableArray<Stmt> list, Contract c, string? tAdj, string flag, Names names, out string why)
        {
            why = "";
            int ic = IndexOf(list, s => s is Contract x && x.Target == c.Target);
            int id = IndexOf(list, s => s is DeclArray d && d.Name == c.Target);
            if (ic < 0 || id < 0 || id > ic) { why = "the table is not declared at the top level before its contraction"; return null; }
            for (int i = id + 1; i < ic; i++)
                if (list[i] is not (DeclArray { } or Comment)) { why = "statements between the table's declaration and its contraction"; return null; }
            var suffix = list.Skip(ic + 1).ToList();
            var written = new HashSet<string>(StringComparer.Ordinal);
            IrQueries.Writes(suffix, written);
            if (written.Contains(c.A.Array) || written.Contains(c.B.Array)) { why = $"'{c.A.Array}' or '{c.B.Array}' is written after the contraction (a fused read would see the new values)"; return null; }
            if (written.Contains(c.Target)) { why = "the table is written after its contraction"; return null; }

            var fused = new List<Stmt> { new Comment($"Tile fusion: {c.Target} ({c.A.Array} x {c.B.Array}) is never stored; its loop reads it a block of rows at a time") };
            for (int i = id + 1; i < ic; i++)
                if (list[i] is DeclArray d && d.Name != tAdj) fused.Add(d);
            foreach (var s in suffix)
            {
                var r = Rewrite(s, c, null, null, names, out why);
                if (r is null) return null;
                fused.Add(r);
            }
            var prefix = list.Take(id).ToList();
            prefix.Add(new TileChoice(flag, RowsOf(c), ColsOf(c), c.A.ArrayType.Elem, fused.ToEquatable(), list.Skip(id).ToEquatable()));
            return prefix.ToEquatable();
        }

        // ------------------------------------------------------------ reverse sweep

        private static EquatableArray<Stmt>? Reverse(EquatableArray<Stmt> list, Contract c, string? tAdj, string flag, Names names, out string why)
        {
            why = "";
            if (tAdj is null) { why = "the table has no adjoint"; return null; }
            int ica = IndexOf(list, s => s is ContractAdjoint { ARowSum: null } x && x.TargetAdj == tAdj);
            if (ica < 0) { why = "the contraction's adjoint is not at the top level of the reverse sweep"; return null; }
            var ca = (ContractAdjoint)list[ica];
            int first = IndexOf(list, s => Mentions(s, tAdj) || Mentions(s, c.Target));
            var fused = new List<Stmt>();
            var before = new HashSet<string>(StringComparer.Ordinal);
            IrQueries.Writes(list.Take(ica), before);
            if (before.Contains(c.A.Array) || before.Contains(c.B.Array)) { why = "the factors are restored before the contraction's adjoint"; return null; }
            for (int i = 0; i < list.Count; i++)
            {
                var s = list[i];
                if (i == ica) continue; // done block by block and entry by entry
                if (i > ica)
                {
                    if (Mentions(s, tAdj) || Mentions(s, c.Target)) { why = "the table is used after its adjoint"; return null; }
                    fused.Add(s);
                    continue;
                }
                if (i >= first && (Mentions(s, ca.AAdj.Array) || Mentions(s, ca.BAdj.Array)))
                {
                    why = $"'{ca.AAdj.Array}' or '{ca.BAdj.Array}' is used while the table's adjoint accumulates (the fused adjoint adds into them early)";
                    return null;
                }
                if (!Mentions(s, tAdj) && !Mentions(s, c.Target)) { fused.Add(s); continue; }
                var r = Rewrite(s, c, tAdj, ca, names, out why);
                if (r is null) return null;
                fused.Add(r);
            }
            return new EquatableArray<Stmt>(new Stmt[] { new TileChoice(flag, null, null, c.A.ArrayType.Elem, fused.ToEquatable(), list) });
        }

        // ------------------------------------------------------------ one top-level statement

        /// <summary>The statement with its table reads (and adjoint writes) fused; null (and why) when it cannot be.</summary>
        private static Stmt? Rewrite(Stmt s, Contract c, string? tAdj, ContractAdjoint? ca, Names names, out string why)
        {
            why = "";
            if (!Mentions(s, c.Target) && (tAdj is null || !Mentions(s, tAdj))) return s;
            var loop = s as For ?? (s as VectorFor)?.Loop;
            // Entry form: every use at loop depth <= 1 (O(trip x K) work).
            if (MaxDepth(s, c.Target, tAdj, 0) <= 1)
            {
                var ctx = new Ctx(c, tAdj, ca, null, names);
                var r = ctx.Stmt(s is VectorFor v ? v.Loop : s, 0); // a dot product per entry does not vectorize
                why = ctx.Why;
                return r;
            }
            if (loop is null || loop.Step is not (1 or -1)) { why = $"{c.Target} is read inside nested loops that are not a loop over its rows"; return null; }
            var inLoop = new HashSet<string>(StringComparer.Ordinal);
            IrQueries.Writes(loop.Body, inLoop);
            var decls = new Dictionary<string, IrType>(StringComparer.Ordinal);
            IrQueries.Declarations(loop.Body, decls);
            inLoop.UnionWith(decls.Keys);
            if (inLoop.Contains(loop.Var)) { why = "the row loop's counter is assigned in its body"; return null; }
            var pctx = new Ctx(c, tAdj, ca, new PanelLoop(loop.Var, inLoop, loop.Step < 0), names);
            var body = pctx.Stmts(loop.Body, 1);
            var start = pctx.Expr(loop.Start, 0);
            var bound = pctx.Expr(loop.Bound, 0);
            if (body is null || start is null || bound is null) { why = pctx.Why; return null; }
            var panels = pctx.Panels.Values.ToList();
            var ensures = panels.Select(p => (Stmt)new TileEnsure(p.Panel.Name, p.Row));
            var tiled = loop with { Start = start, Bound = bound, Body = ensures.Concat(body.Value).ToEquatable() };
            return new TiledLoop(tiled, panels.Select(p => p.Panel).ToEquatable(), s as For);
        }

        private sealed record PanelLoop(string Var, HashSet<string> Variant, bool Descending);

        private sealed class Ctx
        {
            private readonly Contract _c;
            private readonly string? _tAdj;
            private readonly ContractAdjoint? _ca;
            private readonly PanelLoop? _loop;
            private readonly Names _names;
            public readonly Dictionary<string, (TilePanel Panel, Expr Row)> Panels = new(StringComparer.Ordinal);
            public string Why = "";

            public Ctx(Contract c, string? tAdj, ContractAdjoint? ca, PanelLoop? loop, Names names)
            {
                _c = c; _tAdj = tAdj; _ca = ca; _loop = loop; _names = names;
            }

            public EquatableArray<Stmt>? Stmts(EquatableArray<Stmt> list, int depth)
            {
                var r = new List<Stmt>();
                foreach (var s in list)
                {
                    var x = Stmt(s, depth);
                    if (x is null) return null;
                    r.Add(x);
                }
                return r.ToEquatable();
            }

            public Stmt? Stmt(Stmt s, int depth)
            {
                switch (s)
                {
                    case Assign a when _tAdj is not null && a.Target is ElemRef t && t.Array == _tAdj:
                        {
                            if (a.Op != AssignOp.Add) return Fail($"{_tAdj} is assigned, not accumulated into");
                            var value = Expr(a.Value, depth);
                            var row = Expr(t.Indices[0], depth);
                            var col = Expr(t.Indices[1], depth);
                            if (value is null || row is null || col is null) return null;
                            if (PanelOf(t.Indices[0], depth) is { } p)
                                return a with { Target = new ElemRef(p.Name + "_a", t.ArrayType, new EquatableArray<Expr>(new[] { Local(row, p.Name), col })), Value = value };
                            if (depth > 1) return Fail($"{_tAdj}[{ExprPrinter.CSharp.Print(t.Indices[0])}, ..] is accumulated into inside nested loops at a row that is not the row loop's counter");
                            return new TableEntryAdjoint(_c, row, col, value, _ca!.AAdj, _ca.BAdj);
                        }
                    case Assign a:
                        {
                            if (a.Target is ElemRef t && (t.Array == _c.Target || t.Array == _tAdj)) return Fail("the table is written");
                            var target = a.Target is ElemRef el ? Map(el, depth) : a.Target;
                            var value = Expr(a.Value, depth);
                            if (target is null || value is null) return null;
                            return a with { Target = target, Value = value };
                        }
                    case DeclScalar { Init: { } i } d:
                        {
                            var x = Expr(i, depth);
                            return x is null ? null : d with { Init = x };
                        }
                    case DeclArray d:
                        {
                            var sizes = d.Sizes.Select(x => Expr(x, depth)).ToList();
                            return sizes.Any(x => x is null) ? null : d with { Sizes = sizes.Select(x => x!).ToEquatable() };
                        }
                    case For f:
                        {
                            var start = Expr(f.Start, depth);
                            var bound = Expr(f.Bound, depth);
                            var body = Stmts(f.Body, depth + 1);
                            if (start is null || bound is null || body is null) return null;
                            return f with { Start = start, Bound = bound, Body = body.Value };
                        }
                    case VectorFor v:
                        {
                            var inner = Stmt(v.Loop, depth);
                            if (inner is null) return null;
                            // an entry computed per element is a call: the loop stays scalar
                            return ContainsEntry(inner) ? inner : v with { Loop = (For)inner };
                        }
                    case If f:
                        {
                            var cond = Expr(f.Condition, depth);
                            var then = Stmts(f.Then, depth);
                            var els = Stmts(f.Else, depth);
                            if (cond is null || then is null || els is null) return null;
                            return f with { Condition = cond, Then = then.Value, Else = els.Value };
                        }
                    case Block b:
                        {
                            var body = Stmts(b.Body, depth);
                            return body is null ? null : b with { Body = body.Value };
                        }
                    case Return { Value: { } v } r:
                        {
                            var x = Expr(v, depth);
                            return x is null ? null : r with { Value = x };
                        }
                    case Push p:
                        {
                            var x = Expr(p.Value, depth);
                            return x is null ? null : p with { Value = x };
                        }
                    case CallStmt or AdjointCall or PushAll or PopAll or Contract or ContractAdjoint:
                        return Mentions(s, _c.Target) || (_tAdj is not null && Mentions(s, _tAdj)) ? Fail("the table is passed to a call or another contraction") : s;
                    default:
                        return s;
                }
            }

            private Stmt? Fail(string why)
            {
                Why = why;
                return null;
            }

            private ElemRef? Map(ElemRef el, int depth)
            {
                var idx = el.Indices.Select(i => Expr(i, depth)).ToList();
                return idx.Any(i => i is null) ? null : el with { Indices = idx.Select(i => i!).ToEquatable() };
            }

            /// <summary>The expression with its table reads replaced; null when a read cannot be fused.</summary>
            public Expr? Expr(Expr e, int depth)
            {
                bool ok = true;
                var r = IrRewriter.Map(e, x =>
                {
                    if (!ok) return x;
                    if (x is ElemRef el && _tAdj is not null && el.Array == _tAdj) { ok = false; Why = $"{_tAdj} is read"; return x; }
                    if (x is ArrayRef ar && (ar.Array == _c.Target || ar.Array == _tAdj)) { ok = false; Why = "the whole table is passed on"; return x; }
                    if (x is LengthOf l && (l.Array == _c.Target || l.Array == _tAdj)) { ok = false; Why = "the table's length is read"; return x; }
                    if (x is not ElemRef t || t.Array != _c.Target) return null;
                    var row = Expr(t.Indices[0], depth);
                    var col = Expr(t.Indices[1], depth);
                    if (row is null || col is null) { ok = false; return x; }
                    if (PanelOf(t.Indices[0], depth) is { } p)
                        return new ElemRef(p.Name + "_v", t.ArrayType, new EquatableArray<Expr>(new[] { Local(row, p.Name), col }));
                    if (depth > 1) { ok = false; Why = $"{_c.Target}[{ExprPrinter.CSharp.Print(t.Indices[0])}, ..] is read inside nested loops at a row that is not the row loop's counter (plus an invariant)"; return x; }
                    return new TableEntry(_c, row, col);
                });
                return ok ? r : null;
            }

            private static Expr Local(Expr row, string panel) =>
                new Binary(BinaryOp.Sub, row, new VarRef(panel + "_lo", IrType.Int), IrType.Int);

            /// <summary>The panel holding rows <paramref name="row"/> when it is the row loop's counter plus an invariant.</summary>
            private TilePanel? PanelOf(Expr row, int depth)
            {
                if (_loop is null || depth < 1 || !IsCounterPlusInvariant(row)) return null;
                var key = ExprPrinter.CSharp.Print(row);
                if (Panels.TryGetValue(key, out var p)) return p.Panel;
                var panel = new TilePanel(_names.Panel(), _c, row, _ca?.AAdj, _ca?.BAdj);
                Panels[key] = (panel, row);
                return panel;
            }

            private bool IsCounterPlusInvariant(Expr row)
            {
                bool Invariant(Expr e) => IrQueries.Descendants(e).All(x => x is not VarRef v || (v.Name != _loop!.Var && !_loop.Variant.Contains(v.Name)))
                    && !IrQueries.Descendants(e).Any(x => x is ElemRef or Invoke or TableEntry);
                bool IsVar(Expr e) => e is VarRef v && v.Name == _loop!.Var;
                return row switch
                {
                    VarRef => IsVar(row),
                    Binary { Op: BinaryOp.Add } b => IsVar(b.Left) && Invariant(b.Right) || IsVar(b.Right) && Invariant(b.Left),
                    Binary { Op: BinaryOp.Sub } b => IsVar(b.Left) && Invariant(b.Right),
                    _ => false,
                };
            }
        }

        private static bool ContainsEntry(Stmt s)
        {
            bool found = false;
            void Walk(Stmt x)
            {
                if (x is TableEntryAdjoint) { found = true; return; }
                foreach (var e in IrQueries.ExprsOf(x))
                    if (IrQueries.Descendants(e).Any(d => d is TableEntry)) { found = true; return; }
                if (x is VectorFor v) Walk(v.Loop);
            }
            Walk(s);
            return found;
        }

        // ------------------------------------------------------------ queries

        private static int IndexOf(EquatableArray<Stmt> list, Func<Stmt, bool> p)
        {
            for (int i = 0; i < list.Count; i++) if (p(list[i])) return i;
            return -1;
        }

        private static Expr RowsOf(Contract c) => new LengthOf(c.A.Array, c.A.ArrayType, null, c.TransA ? 1 : 0);

        private static Expr ColsOf(Contract c) => new LengthOf(c.B.Array, c.B.ArrayType, null, c.TransB ? 1 : 0);

        /// <summary>Does the statement mention the array anywhere (reads, assignment targets, calls)?</summary>
        internal static bool Mentions(Stmt s, string name)
        {
            switch (s)
            {
                case Assign a when a.Target is ElemRef el && el.Array == name: return true;
                case DeclArray d when d.Name == name: return true;
                case Contract c when c.Target == name || c.A.Array == name || c.B.Array == name: return true;
                case ContractAdjoint c when c.TargetAdj == name || c.A.Array == name || c.B.Array == name || c.AAdj.Array == name || c.BAdj.Array == name || c.ARowSum?.Array == name: return true;
                case AdjointCall ac when ac.Args.Concat(ac.Adjoints).Any(e => IrQueries.Mentions(e, name)): return true;
                case PushAll p when p.Array.Array == name: return true;
                case PopAll p when p.Array.Array == name: return true;
                case Push p when IrQueries.Mentions(p.Value, name): return true;
                case VectorFor v: return Mentions(v.Loop, name);
                case For f: return IrQueries.ExprsOf(f).Any(e => IrQueries.Mentions(e, name)) || f.Body.Any(b => Mentions(b, name));
                case If i: return IrQueries.Mentions(i.Condition, name) || i.Then.Concat(i.Else).Any(b => Mentions(b, name));
                case Block b: return b.Body.Any(x => Mentions(x, name));
            }
            return IrQueries.ExprsOf(s).Any(e => IrQueries.Mentions(e, name));
        }

        /// <summary>The deepest loop nesting (within s; s itself counts when a loop) at which the table or its adjoint is used.</summary>
        private static int MaxDepth(Stmt s, string t, string? tAdj, int depth)
        {
            bool Here(Stmt x) => x switch
            {
                For or VectorFor or If or Block => false,
                _ => Mentions(x, t) || (tAdj is not null && Mentions(x, tAdj)),
            };
            switch (s)
            {
                case For f:
                    {
                        int m = IrQueries.Mentions(f.Start, t) || IrQueries.Mentions(f.Bound, t) ? depth : -1;
                        foreach (var b in f.Body) m = Math.Max(m, MaxDepth(b, t, tAdj, depth + 1));
                        return m;
                    }
                case VectorFor v: return MaxDepth(v.Loop, t, tAdj, depth);
                case If i:
                    {
                        int m = IrQueries.Mentions(i.Condition, t) ? depth : -1;
                        foreach (var b in i.Then.Concat(i.Else)) m = Math.Max(m, MaxDepth(b, t, tAdj, depth));
                        return m;
                    }
                case Block b:
                    {
                        int m = -1;
                        foreach (var x in b.Body) m = Math.Max(m, MaxDepth(x, t, tAdj, depth));
                        return m;
                    }
                default: return Here(s) ? depth : -1;
            }
        }
    }
}
