using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.Differentiate;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Schedule
{
    /// <summary>
    /// Schedule: row-block fusion, the FlashAttention pattern on the CPU. After <see cref="TileFusion"/> no raised table is
    /// stored, but a method may still fill a table of its own row by row and hand it to a second contraction:
    /// attention's <c>p[i, j] = softmax_j(q·kᵀ)[i, j]</c> followed by <c>out = p·v</c>. When, in the tile-fused statements,
    /// <list type="bullet">
    /// <item>a top-level run of loops over rows <c>i = 0 .. n</c> is followed by a raised contraction <c>U = P·op(V)</c> whose
    /// left factor P is a local <c>T[n, m]</c> array,</item>
    /// <item>the loops touch P (and its adjoint) only at row i, the contraction is its only other use,</item>
    /// <item>each scalar a loop writes is private to an iteration of that loop (written before it is read) and used by no
    /// other loop of the run and by nothing outside it, and other arrays are only accumulated into (never read),</item>
    /// </list>
    /// the run becomes a loop over blocks of rows (<see cref="RowBlocks"/>): for each block the loops run over its rows and
    /// <c>U</c>'s rows for the block come from one GEMM (<see cref="ContractRows"/>); P holds one block. The reverse sweep
    /// does the same block by block, backwards: it recomputes the block's forward iterations (their restore tape is the
    /// block's only), accumulates the block's share of the contraction's adjoint (<see cref="ContractRowsAdjoint"/>), then
    /// runs the block's reverse iterations. Memory for P and P̄: rows-per-block × m instead of n × m each, and the tape
    /// O(block) instead of O(n·m). Cost: the forward iterations of the run once more in the backward.
    /// </summary>
    internal static class RowBlockFusion
    {
        public static AdjointModel Run(AdjointModel a)
        {
            if (a.Tiles is not { } tiles) return a;
            var choice = tiles.Body.OfType<TileChoice>().FirstOrDefault(c => c.Rows is not null);
            if (choice is null) return a;
            string? why = null;
            foreach (var u in choice.Fused.OfType<Contract>())
            {
                if (u.Target == tiles.Table) continue;
                var plan = Plan(a, tiles, u, out var w);
                if (plan is not null) return a with { Tiles = Cores(plan, LiveOut(a), new HashSet<string>(a.Locals.Select(l => l.Name), StringComparer.Ordinal)) };
                why ??= $"{u.A.Array} ({u.Target} = {u.A.Array}·{u.B.Array}): {w}";
            }
            return why is null ? a : a with { Tiles = tiles with { RowBlocksWhyNot = why } };
        }

        /// <summary>Each row block's CPU cores decision (<see cref="RowBlockCoresPlanner"/>), in the context of its pass.</summary>
        /// <paramref name="adjointLocals"/>: the adjoint's hoisted locals (its method declares them at the top; the forward pass hoists no scalars).
        private static TilePlan Cores(TilePlan plan, ISet<string> liveOut, ISet<string> adjointLocals)
        {
            var sweeps = RowBlockCoresPlanner.Context(plan.ForwardSweep.Concat(plan.ReverseSweep));
            var none = new HashSet<string>(StringComparer.Ordinal);
            return plan with
            {
                Body = RowBlockCoresPlanner.Run(plan.Body, RowBlockCoresPlanner.Context(plan.Body), liveOut, none),
                ForwardSweep = RowBlockCoresPlanner.Run(plan.ForwardSweep, sweeps, liveOut, adjointLocals),
                ReverseSweep = RowBlockCoresPlanner.Run(plan.ReverseSweep, sweeps, liveOut, adjointLocals),
            };
        }

        /// <summary>Names whose value leaves the method: parameters, the parameters' adjoints, the seed and the result.</summary>
        private static ISet<string> LiveOut(AdjointModel a)
        {
            var set = new HashSet<string>(StringComparer.Ordinal) { a.SeedName, a.ResultName };
            foreach (var p in a.Method.Params) set.Add(p.Name);
            foreach (var x in a.Adjoints) if (a.Method.Params.Any(p => p.Name == x.Primal)) set.Add(x.Adjoint);
            return set;
        }

        private static TilePlan? Plan(AdjointModel a, TilePlan tiles, Contract u, out string why)
        {
            why = "";
            if (u.TransA || u.A.Row is not null || u.A.ArrayType.Shape != Shape.Matrix) { why = "its left factor is not a T[,] read by rows"; return null; }
            // RowBlocks.Product multiplies a panel of rows by a T[,]: a matrix-vector product (p·v into a T[]) stays whole
            if (u.B.Row is not null || u.B.ArrayType.Shape != Shape.Matrix) { why = "its right factor is not a T[,] (a matrix-vector product)"; return null; }
            var p = u.A.Array;
            if (u.B.Array == p) { why = "both factors are the same array"; return null; }
            var adjOf = a.Adjoints.ToDictionary(x => x.Primal, x => x.Adjoint, StringComparer.Ordinal);
            adjOf.TryGetValue(p, out var pAdj);
            adjOf.TryGetValue(u.Target, out var uAdj);
            var panels = new HashSet<string>(StringComparer.Ordinal) { p };
            if (pAdj is not null) panels.Add(pAdj);

            var body = Forward(tiles.Body, u, panels, stripPushes: false, out var bodyLoops, out why);
            if (body is null) return null;
            var fwd = Forward(tiles.ForwardSweep, u, panels, stripPushes: true, out var fwdLoops, out why);
            if (fwd is null) return null;
            if (pAdj is null || uAdj is null) { why = "the table has no adjoint"; return null; }
            var rev = Reverse(tiles.ReverseSweep, u, uAdj, p, pAdj, panels, fwdLoops!, out why);
            if (rev is null) return null;
            return tiles with { Body = body.Value, ForwardSweep = fwd.Value, ReverseSweep = rev.Value, RowBlocked = p };
        }

        /// <summary>The loops of the run and what a block needs to know about them.</summary>
        private sealed record RowRun(List<Stmt> Loops, Expr Rows, DeclArray Panel);

        // ------------------------------------------------------------ the primal body and the forward sweep

        private static EquatableArray<Stmt>? Forward(EquatableArray<Stmt> list, Contract u, HashSet<string> panels, bool stripPushes, out RowRun? run, out string why)
        {
            why = "";
            run = null;
            int t = IndexOf(list, s => s is TileChoice c && c.Rows is not null);
            if (t < 0) { why = "no tile-fused statements"; return null; }
            var choice = (TileChoice)list[t];
            var p = u.A.Array;

            // P's declaration (and its adjoint's) move into the two branches: the fused one holds a block only.
            var prefix = list.Take(t).ToList();
            var moved = prefix.Where(s => s is DeclArray d && panels.Contains(d.Name)).Cast<DeclArray>().ToList();
            var fused = choice.Fused.ToList();
            var declP = moved.FirstOrDefault(d => d.Name == p) ?? fused.OfType<DeclArray>().FirstOrDefault(d => d.Name == p);
            if (declP is null || declP.Sizes.Count != 2) { why = $"{p} is not a local T[n, m] array"; return null; }
            foreach (var d in moved)
            {
                int at = prefix.IndexOf(d);
                if (prefix.Skip(at + 1).Any(s => !moved.Contains(s) && panels.Any(x => Uses(s, x)))) { why = $"{d.Name} is used before the tile-fused statements"; return null; }
            }
            prefix.RemoveAll(s => moved.Contains(s));
            fused.RemoveAll(s => s is DeclArray d && panels.Contains(d.Name));

            int iu = IndexOf(fused.ToEquatable(), s => s is Contract c && c.Target == u.Target);
            if (iu < 0) { why = "the contraction is not at the top level"; return null; }
            // The run: the loops right before the contraction (declarations of other arrays may sit between them).
            var loops = new List<Stmt>();
            var decls = new List<Stmt>();
            int start = iu;
            for (int k = iu - 1; k >= 0; k--)
            {
                var s = fused[k];
                if (s is DeclArray d && !panels.Contains(d.Name) && d.Sizes.All(x => !Reads(RowsOf(x, p, new Const(0, IrType.Int)), p) || x is LengthOf { Dim: 1 })) { decls.Insert(0, d); start = k; continue; } // sizes may read P's shape
                if (s is Comment) { decls.Insert(0, s); start = k; continue; }
                // a scalar set to a constant (as 'double loss = 0;' written before the product) moves before the blocks
                if (s is DeclScalar { Init: null or Const } or Assign { Target: VarRef, Op: AssignOp.Set, Value: Const }) { decls.Insert(0, s); start = k; continue; }
                if (LoopOf(s) is not null && panels.Any(x => Uses(s, x))) { loops.Insert(0, s); start = k; continue; }
                break;
            }
            if (loops.Count == 0) { why = $"no loop over rows fills {p} right before the contraction"; return null; }
            foreach (var x in decls)
            {
                var v = x switch { DeclScalar ds => ds.Name, Assign { Target: VarRef r } => r.Name, _ => null };
                if (v is not null && loops.Any(l => Uses(l, v))) { why = $"'{v}' is set between the loops and the contraction and used in the loops"; return null; }
            }
            for (int k = 0; k < fused.Count; k++)
                if ((k < start || k > iu) && panels.Any(x => Uses(fused[k], x))) { why = $"{p} is used outside the loops that fill it and the contraction"; return null; }

            var rows = declP.Sizes[0];
            var checkedLoops = Check(loops, rows, panels, ascending: true, out why);
            if (checkedLoops is null) return null;
            var blockLoops = new List<Stmt>();
            foreach (var l in checkedLoops)
            {
                var r = Restrict(stripPushes ? StripPushes(l) : l, p, ascending: true, panels, out why);
                if (r is null) return null;
                blockLoops.Add(r);
            }
            var name = Name(p);
            blockLoops.Add(new ContractRows(u, name + "_lo", name + "_hi"));
            var hoisted = decls.Select(s => s is DeclArray d ? d with { Sizes = d.Sizes.Select(x => RowsOf(x, p, rows)).ToEquatable() } : s);
            var block = new RowBlocks(name, rows, declP.Sizes[1], u.A.ArrayType.Elem, false, new[] { declP }.ToEquatable(), blockLoops.ToEquatable());
            var newFused = fused.Take(start).Concat(new Stmt[] { new Comment($"Row-block fusion: {p} holds a block of rows at a time, never whole; {u.Target} = {p}·{u.B.Array} block by block") })
                .Concat(hoisted).Concat(new Stmt[] { block }).Concat(fused.Skip(iu + 1)).ToEquatable();
            var materialised = moved.Cast<Stmt>().Concat(choice.Materialised).ToEquatable();
            prefix.Add(choice with { Fused = newFused, Materialised = materialised });
            run = new RowRun(checkedLoops, rows, declP);
            return prefix.ToEquatable();
        }

        // ------------------------------------------------------------ the reverse sweep

        private static EquatableArray<Stmt>? Reverse(EquatableArray<Stmt> list, Contract u, string uAdj, string p, string pAdj, HashSet<string> panels, RowRun fwd, out string why)
        {
            why = "";
            if (list.Count != 1 || list[0] is not TileChoice choice) { why = "the reverse sweep is not one tile choice"; return null; }
            var g = choice.Fused.ToList();
            int ica = IndexOf(choice.Fused, s => s is ContractAdjoint { ARowSum: null } c && c.TargetAdj == uAdj && c.A.Array == p);
            if (ica < 0) { why = "the contraction's adjoint is not at the top level of the reverse sweep"; return null; }
            var ca = (ContractAdjoint)g[ica];
            int n = fwd.Loops.Count;
            // The reverse loops follow the contraction's adjoint; resets of scalars to constants between them move before the blocks.
            var revLoops = new List<Stmt>();
            var resets = new List<Stmt>();
            int end = ica;
            for (int k = ica + 1; k < g.Count && revLoops.Count < n; k++)
            {
                end = k;
                if (LoopOf(g[k]) is not null) revLoops.Add(g[k]);
                else if (IsReset(g[k])) resets.Add(g[k]);
                else break;
            }
            if (revLoops.Count != n) { why = "the reverse loops do not follow the contraction's adjoint"; return null; }
            foreach (var r in resets)
            {
                var w = new HashSet<string>(StringComparer.Ordinal);
                ScalarWrites(r, w);
                if (w.Any(x => revLoops.Concat(fwd.Loops).Any(l => Uses(l, x)))) { why = "a scalar reset between the reverse loops is used in them"; return null; }
            }
            for (int k = 0; k < n; k++)
                if (LoopOf(revLoops[k])?.Var != LoopOf(fwd.Loops[n - 1 - k])!.Var) { why = "the reverse loops are not the forward loops in reverse order"; return null; }
            for (int k = 0; k < g.Count; k++)
                if ((k < ica || k > end) && panels.Any(x => Uses(g[k], x))) { why = $"{p} or {pAdj} is used in the reverse sweep outside the run"; return null; }

            var checkedRev = Check(revLoops, fwd.Rows, panels, ascending: false, out why);
            if (checkedRev is null) return null;
            // A scalar a forward loop writes is private to it: the reverse loops may only reuse it in their own pair.
            var body = new List<Stmt>();
            foreach (var l in fwd.Loops)
            {
                var r = Restrict(l, p, ascending: true, panels, out why);
                if (r is null) return null;
                body.Add(r);
            }
            var name = Name(p);
            body.Add(new ContractRowsAdjoint(ca, name + "_lo", name + "_hi"));
            foreach (var l in checkedRev)
            {
                var r = Restrict(l, p, ascending: false, panels, out why);
                if (r is null) return null;
                body.Add(r);
            }
            // Scalars of the run outside it: only declarations and resets to constants (as the adjoint's final zeroing).
            var inside = new HashSet<string>(StringComparer.Ordinal);
            foreach (var l in fwd.Loops.Concat(revLoops)) ScalarWrites(l, inside);
            for (int k = 0; k < g.Count; k++)
            {
                if (k >= ica && k <= end) continue;
                if (inside.FirstOrDefault(x => UsesOtherThanReset(g[k], x)) is { } used) { why = $"'{used}', written in the loops over {p}'s rows, is used elsewhere in the reverse sweep"; return null; }
            }
            var adjDecl = new DeclArray(pAdj, fwd.Panel.Type, fwd.Panel.Sizes);
            var block = new RowBlocks(name, fwd.Rows, fwd.Panel.Sizes[1], u.A.ArrayType.Elem, true, new[] { fwd.Panel, adjDecl }.ToEquatable(), body.ToEquatable());
            var fused = g.Take(ica).Concat(resets).Concat(new Stmt[] { new Comment($"Row-block fusion, backwards: each block of {p}'s rows is recomputed, then its adjoint runs"), block }).Concat(g.Skip(end + 1)).ToEquatable();
            return new EquatableArray<Stmt>(new Stmt[] { choice with { Fused = fused } });
        }

        // ------------------------------------------------------------ conditions

        /// <summary>The loops, checked: full range over the rows, counters not assigned, scalars private and not shared.</summary>
        private static List<Stmt>? Check(List<Stmt> loops, Expr rows, HashSet<string> panels, bool ascending, out string why)
        {
            why = "";
            var writes = new List<HashSet<string>>();
            foreach (var s in loops)
            {
                var f = LoopOf(s)!;
                bool full = ascending
                    ? f.Step == 1 && f.Cmp == BinaryOp.Lt && f.Start is Const { Value: 0 } && Equals(f.Bound, rows)
                    : f.Step == -1 && f.Cmp == BinaryOp.Ge && f.Bound is Const { Value: 0 } && f.Start is Binary { Op: BinaryOp.Sub, Right: Const { Value: 1 } } b && Equals(b.Left, rows);
                if (!full || f.While is not null) { why = $"the loop over {f.Var} does not run over all rows 0 .. {ExprPrinter.CSharp.Print(rows)} in order"; return null; }
                var w = new HashSet<string>(StringComparer.Ordinal);
                ScalarWrites(s, w);
                if (w.Contains(f.Var)) { why = $"the loop counter {f.Var} is assigned in its body"; return null; }
                if (ascending)
                    foreach (var x in w)
                        if (!PrivateTo(f.Body, x)) { why = $"'{x}' carries a value from one iteration of the loop over {f.Var} to the next"; return null; }
                var arrays = new List<(string Array, bool Accumulated)>();
                var local = new HashSet<string>(StringComparer.Ordinal);
                ArrayWrites(s, arrays, local);
                foreach (var (arr, acc) in arrays)
                {
                    if (panels.Contains(arr) || local.Contains(arr)) continue; // scratch arrays declared in the loop are the iteration's own
                    if (!acc) { why = $"the loop over {f.Var} assigns elements of {arr} (only {string.Join(" and ", panels)} may be written, other arrays only added into)"; return null; }
                    if (loops.Any(l => ReadsArray(l, arr))) { why = $"{arr} is added into and read in the loops over rows"; return null; }
                }
                writes.Add(w);
            }
            for (int k = 0; k < loops.Count; k++)
                foreach (var x in writes[k])
                    for (int m = 0; m < loops.Count; m++)
                        if (m != k && Uses(loops[m], x)) { why = $"'{x}' is shared by two loops over rows (a block order would change what the second reads)"; return null; }
            return loops;
        }

        /// <summary>Is the scalar written before it is read in every iteration (pushes, which save it for the reverse sweep, aside)?</summary>
        private static bool PrivateTo(EquatableArray<Stmt> body, string x)
        {
            foreach (var s in body)
            {
                if (s is Push) continue;
                if (s is DeclScalar d && d.Name == x) return d.Init is null || !IrQueries.Mentions(d.Init, x);
                if (s is Assign { Target: VarRef v, Op: AssignOp.Set } a && v.Name == x) return !IrQueries.Mentions(a.Value, x);
                if (Uses(s, x)) return false;
            }
            return true;
        }

        /// <summary>Scalars set to constants (the adjoint's resets), alone or in a block.</summary>
        private static bool IsReset(Stmt s) => s switch
        {
            Assign { Target: VarRef, Op: AssignOp.Set, Value: Const } => true,
            Block b => b.Body.All(IsReset),
            _ => false,
        };

        private static bool UsesOtherThanReset(Stmt s, string x) => s switch
        {
            DeclScalar d => d.Name != x && d.Init is not null && IrQueries.Mentions(d.Init, x),
            Assign { Target: VarRef v, Value: Const } when v.Name == x => false,
            Block b => b.Body.Any(y => UsesOtherThanReset(y, x)),
            _ => Uses(s, x),
        };

        // ------------------------------------------------------------ rewriting a loop for one block

        /// <summary>The loop over rows lo .. hi of the block (downwards for a reverse loop), panel rows at <c>i - lo</c>.</summary>
        private static Stmt? Restrict(Stmt s, string p, bool ascending, HashSet<string> panels, out string why)
        {
            why = "";
            var name = Name(p);
            var lo = new VarRef(name + "_lo", IrType.Int);
            var hi = new VarRef(name + "_hi", IrType.Int);
            var f = LoopOf(s)!;
            string? fail = null;
            Expr MapExpr(Expr e) => IrRewriter.Map(e, x =>
            {
                if (x is ElemRef el && panels.Contains(el.Array))
                {
                    if (el.Indices[0] is not VarRef { } r || r.Name != f.Var) { fail ??= $"{el.Array} is indexed at a row other than the loop's counter {f.Var}"; return x; }
                    var rest = el.Indices.Skip(1).Select(MapExpr);
                    return el with { Indices = new[] { (Expr)new Binary(BinaryOp.Sub, r, lo, IrType.Int) }.Concat(rest).ToEquatable() };
                }
                if (x is ArrayRef ar && panels.Contains(ar.Array)) { fail ??= $"{ar.Array} is passed on whole"; return x; }
                if (x is LengthOf l && panels.Contains(l.Array) && l.Dim == 0) { fail ??= $"{l.Array}.GetLength(0) is read"; return x; }
                return null;
            });
            Stmt? MapStmt(Stmt x)
            {
                switch (x)
                {
                    case Assign a:
                        {
                            var target = a.Target is ElemRef el ? MapExpr(el) : a.Target;
                            return a with { Target = target, Value = MapExpr(a.Value) };
                        }
                    case DeclScalar d: return d.Init is null ? d : d with { Init = MapExpr(d.Init) };
                    case DeclArray d: return d with { Sizes = d.Sizes.Select(MapExpr).ToEquatable() };
                    case For l:
                        {
                            var b = MapStmts(l.Body);
                            return b is null ? null : l with { Start = MapExpr(l.Start), Bound = MapExpr(l.Bound), While = l.While is null ? null : MapExpr(l.While), Body = b.Value };
                        }
                    case VectorFor v: return MapStmt(v.Loop) is For inner ? v with { Loop = inner } : null;
                    case TiledLoop t: return MapStmt(t.Loop) is For tl ? t with { Loop = tl, Original = null } : null;
                    case TileEnsure e: return e with { Row = MapExpr(e.Row) };
                    case TableEntryAdjoint e: return e with { Row = MapExpr(e.Row), Col = MapExpr(e.Col), Value = MapExpr(e.Value) };
                    case If i:
                        {
                            var th = MapStmts(i.Then);
                            var el = MapStmts(i.Else);
                            return th is null || el is null ? null : i with { Condition = MapExpr(i.Condition), Then = th.Value, Else = el.Value };
                        }
                    case Block b: return MapStmts(b.Body) is { } bb ? b with { Body = bb } : null;
                    case Push push: return push with { Value = MapExpr(push.Value) };
                    case Comment or Continue: return x;
                    default:
                        fail ??= $"the loop over {f.Var} contains a {x.GetType().Name} statement";
                        return null;
                }
            }
            EquatableArray<Stmt>? MapStmts(EquatableArray<Stmt> list)
            {
                var r = new List<Stmt>();
                foreach (var x in list)
                {
                    var m = MapStmt(x);
                    if (m is null) return null;
                    r.Add(m);
                }
                return r.ToEquatable();
            }

            var loopBody = MapStmts(f.Body);
            if (loopBody is null || fail is not null) { why = fail ?? "unsupported statement"; return null; }
            var restricted = ascending
                ? f with { Start = lo, Bound = hi, Body = loopBody.Value }
                : f with { Start = new Binary(BinaryOp.Sub, hi, new Const(1, IrType.Int), IrType.Int), Bound = lo, Body = loopBody.Value };
            return s switch
            {
                TiledLoop t => t with { Loop = restricted, Original = null },
                VectorFor v => v with { Loop = restricted },
                _ => restricted,
            };
        }

        private static Stmt StripPushes(Stmt s) => s switch
        {
            For f => f with { Body = f.Body.Where(x => x is not Push).Select(StripPushes).ToEquatable() },
            TiledLoop t => t with { Loop = (For)StripPushes(t.Loop) },
            VectorFor v => v with { Loop = (For)StripPushes(v.Loop) },
            If i => i with { Then = i.Then.Where(x => x is not Push).Select(StripPushes).ToEquatable(), Else = i.Else.Where(x => x is not Push).Select(StripPushes).ToEquatable() },
            Block b => b with { Body = b.Body.Where(x => x is not Push).Select(StripPushes).ToEquatable() },
            _ => s,
        };

        // ------------------------------------------------------------ queries

        /// <summary>Does the statement mention the name anywhere (tiled loops, panels' rows and lengths included)?</summary>
        private static bool Uses(Stmt s, string name) => s switch
        {
            TiledLoop t => Uses(t.Loop, name),
            For f => Reads(f.Start, name) || Reads(f.Bound, name) || (f.While is not null && Reads(f.While, name)) || f.Body.Any(x => Uses(x, name)),
            VectorFor v => Uses(v.Loop, name),
            If i => Reads(i.Condition, name) || i.Then.Concat(i.Else).Any(x => Uses(x, name)),
            Block b => b.Body.Any(x => Uses(x, name)),
            TileEnsure e => Reads(e.Row, name),
            TableEntryAdjoint e => e.AAdj.Array == name || e.BAdj.Array == name || Reads(e.Row, name) || Reads(e.Col, name) || Reads(e.Value, name),
            Assign a => (a.Target is VarRef v && v.Name == name) || Reads(a.Target, name) || Reads(a.Value, name),
            DeclScalar d => d.Name == name || (d.Init is not null && Reads(d.Init, name)),
            DeclArray d => d.Name == name || d.Sizes.Any(x => Reads(x, name)),
            Push p => Reads(p.Value, name),
            _ => TileFusion.Mentions(s, name),
        };

        /// <summary>Does the expression read the variable or array (a table entry reads its factors)?</summary>
        internal static bool Reads(Expr e, string name) => IrQueries.Descendants(e).Any(d => d switch
        {
            VarRef v => v.Name == name,
            ElemRef el => el.Array == name,
            ArrayRef ar => ar.Array == name,
            LengthOf l => l.Array == name,
            TableEntry t => t.Source.A.Array == name || t.Source.B.Array == name,
            _ => false,
        });

        private static string Name(string p) => "__rb_" + p.TrimStart('_');

        private static For? LoopOf(Stmt s) => s switch
        {
            For f => f,
            TiledLoop t => t.Loop,
            VectorFor v => v.Loop,
            _ => null,
        };

        private static Expr RowsOf(Expr e, string p, Expr rows) =>
            IrRewriter.Map(e, x => x is LengthOf { Dim: 0, Row: null } l && l.Array == p ? rows : null);

        private static int IndexOf(EquatableArray<Stmt> list, Func<Stmt, bool> pred)
        {
            for (int i = 0; i < list.Count; i++) if (pred(list[i])) return i;
            return -1;
        }

        private static void ScalarWrites(Stmt s, HashSet<string> into)
        {
            switch (s)
            {
                case Assign { Target: VarRef v }: into.Add(v.Name); break;
                case DeclScalar d: into.Add(d.Name); break;
                case For f: foreach (var x in f.Body) ScalarWrites(x, into); break;
                case TiledLoop t: ScalarWrites(t.Loop, into); break;
                case VectorFor v: ScalarWrites(v.Loop, into); break;
                case If i: foreach (var x in i.Then.Concat(i.Else)) ScalarWrites(x, into); break;
                case Block b: foreach (var x in b.Body) ScalarWrites(x, into); break;
            }
        }

        private static void ArrayWrites(Stmt s, List<(string, bool)> into, HashSet<string> declared)
        {
            switch (s)
            {
                case Assign { Target: ElemRef el } a: into.Add((el.Array, a.Op != AssignOp.Set)); break;
                case For f: foreach (var x in f.Body) ArrayWrites(x, into, declared); break;
                case TiledLoop t: ArrayWrites(t.Loop, into, declared); break;
                case VectorFor v: ArrayWrites(v.Loop, into, declared); break;
                case If i: foreach (var x in i.Then.Concat(i.Else)) ArrayWrites(x, into, declared); break;
                case Block b: foreach (var x in b.Body) ArrayWrites(x, into, declared); break;
                case DeclArray d: declared.Add(d.Name); break;
            }
        }

        /// <summary>Does the statement read elements of the array (assignment targets' roots aside)?</summary>
        private static bool ReadsArray(Stmt s, string array) => s switch
        {
            For f => f.Body.Any(x => ReadsArray(x, array)) || IrQueries.Mentions(f.Start, array) || IrQueries.Mentions(f.Bound, array),
            TiledLoop t => ReadsArray(t.Loop, array),
            VectorFor v => ReadsArray(v.Loop, array),
            If i => IrQueries.Mentions(i.Condition, array) || i.Then.Concat(i.Else).Any(x => ReadsArray(x, array)),
            Block b => b.Body.Any(x => ReadsArray(x, array)),
            Assign a => IrQueries.Mentions(a.Value, array) || (a.Target is ElemRef el && el.Indices.Any(x => IrQueries.Mentions(x, array))),
            _ => IrQueries.ExprsOf(s).Any(e => IrQueries.Mentions(e, array)),
        };
    }
}
