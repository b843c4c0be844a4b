using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Raise
{
    /// <summary>
    /// A log-sum-exp the user stabilised by hand: <c>a = max; s = 0; s += exp(E − a); … log(s) + a …</c>. The value
    /// <c>log Σ exp(E − a) + a</c> does not depend on the shift a (its total derivative is exactly 0), so a is
    /// detached: no adjoint flows into it, the reverse sweep neither restores it nor looks for the argmax, and the
    /// gradient is the exact softmax instead of softmax plus a rounding error routed to the argmax. Raise's own
    /// stabilisation (<see cref="LogSumExp"/>) detaches the max it adds the same way.
    /// <para>Sound when every read of a is (1) in its own running max <c>a = Max(a, E)</c>, (2) in an <c>if</c>
    /// condition (conditions carry no derivative), (3) in <c>s += exp(E − a)</c> or (4) in <c>log(s) + a</c>, where each
    /// such sum s is zeroed, accumulated only by (3) and read only by (4), all within one stretch of statements after its
    /// zeroing in which a does not change from the first accumulation on (so the sum and the correction use the same a).</para>
    /// </summary>
    internal static class ShiftInvariance
    {
        public static List<Stmt> Run(List<Stmt> body, List<string> explained)
        {
            var declared = new Dictionary<string, IrType>(StringComparer.Ordinal);
            CollectDeclScalars(body, declared);
            var detach = new HashSet<string>(StringComparer.Ordinal);
            foreach (var kv in declared.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (!kv.Value.IsReal) continue;
                if (Detachable(body, kv.Key, out var sums))
                {
                    detach.Add(kv.Key);
                    explained.Add($"log(Σ exp(· − {kv.Key})) + {kv.Key} does not depend on {kv.Key} (sum{(sums.Count > 1 ? "s" : "")} {string.Join(", ", sums)}): {kv.Key} is detached");
                }
            }
            if (detach.Count == 0) return body;
            var maxed = new SortedSet<string>(StringComparer.Ordinal);
            var output = Mark(body, detach, maxed);
            if (maxed.Count > 0)
                explained.Add($"the running max{(maxed.Count > 1 ? "es" : "")} {string.Join(", ", maxed)} written with if (x > max) max = x {(maxed.Count > 1 ? "are" : "is")} Math.Max (any shift gives the same result; NaN, ±∞ too), so the loop runs on SIMD lanes");
            return output;
        }

        private static void CollectDeclScalars(IEnumerable<Stmt> stmts, Dictionary<string, IrType> into)
        {
            foreach (var s in stmts)
            {
                switch (s)
                {
                    case DeclScalar { Detached: false } d: into[d.Name] = d.Type; break;
                    case For f: CollectDeclScalars(f.Body, into); break;
                    case If i: CollectDeclScalars(i.Then, into); CollectDeclScalars(i.Else, into); break;
                    case Block b: CollectDeclScalars(b.Body, into); break;
                }
            }
        }

        /// <summary>
        /// Marks the detached shifts, and rewrites their running maxima written as <c>if (E > a) a = E</c> (or <c>a &lt; E</c>,
        /// <c>>=</c>) into <c>a = Max(a, E)</c>: the result does not depend on which value a holds, and where the two differ
        /// (a NaN E, which the if skips and Max keeps) the sum is NaN either way, through exp(E − a). The Max form is a
        /// reduction Schedule runs on SIMD lanes and splits over a GPU block.
        /// </summary>
        private static List<Stmt> Mark(IReadOnlyList<Stmt> stmts, HashSet<string> detach, SortedSet<string> maxed) => stmts.Select(s => s switch
        {
            DeclScalar d when detach.Contains(d.Name) => d with { Detached = true },
            If { Then.Count: 1, Else.Count: 0 } i when i.Then[0] is Assign { Op: AssignOp.Set, Target: VarRef t, Value: var e }
                && detach.Contains(t.Name) && Exceeds(i.Condition, t.Name) is { } c && Equals(c, e) && !IrQueries.Mentions(e, t.Name)
                => RunningMax(t, e, maxed),
            For f => f with { Body = Mark(f.Body, detach, maxed).ToEquatable() },
            If i => i with { Then = Mark(i.Then, detach, maxed).ToEquatable(), Else = Mark(i.Else, detach, maxed).ToEquatable() },
            Block b => b with { Body = Mark(b.Body, detach, maxed).ToEquatable() },
            _ => s,
        }).ToList();

        private static Stmt RunningMax(VarRef a, Expr e, SortedSet<string> maxed)
        {
            maxed.Add(a.Name);
            return new Assign(a, AssignOp.Set, new Intrinsic(Fn.Max, new Expr[] { a, e }.ToEquatable(), a.Type));
        }

        /// <summary>E when <paramref name="condition"/> is <c>E > a</c>, <c>E >= a</c>, <c>a &lt; E</c> or <c>a &lt;= E</c>.</summary>
        private static Expr? Exceeds(Expr condition, string a) => condition switch
        {
            Binary { Op: BinaryOp.Gt or BinaryOp.Ge, Right: VarRef r } b when r.Name == a => b.Left,
            Binary { Op: BinaryOp.Lt or BinaryOp.Le, Left: VarRef l } b when l.Name == a => b.Right,
            _ => null,
        };

        /// <summary>Every read of <paramref name="a"/> is one of the four forms, and every sum it shifts lives where a is fixed.</summary>
        private static bool Detachable(List<Stmt> body, string a, out List<string> sums)
        {
            var found = new HashSet<string>(StringComparer.Ordinal);
            bool ok = true;
            bool any = false;
            void Expr(Expr e)
            {
                if (!ok) return;
                switch (e)
                {
                    case VarRef v when v.Name == a: ok = false; return; // a read of any other form
                    case Binary { Op: BinaryOp.Add } b when LogPlusShift(b, a) is { } s: found.Add(s); any = true; return;
                    case Intrinsic { Fn: Fn.Exp } x when x.Args[0] is Binary { Op: BinaryOp.Sub, Right: VarRef r } && r.Name == a:
                        ok = false; return; // exp(E − a) outside an accumulation: its value depends on a
                }
                foreach (var c in IrQueries.Children(e)) Expr(c);
            }
            void Walk(IEnumerable<Stmt> stmts)
            {
                foreach (var s in stmts)
                {
                    if (!ok) return;
                    switch (s)
                    {
                        case Assign { Op: AssignOp.Set, Target: VarRef t, Value: Intrinsic { Fn: Fn.Max } m } when t.Name == a && m.Args.Count(x => x is VarRef v && v.Name == a) == 1:
                            foreach (var x in m.Args) if (!(x is VarRef v && v.Name == a)) Expr(x);
                            break;
                        case Assign { Op: AssignOp.Add, Target: VarRef t, Value: Intrinsic { Fn: Fn.Exp } x }
                            when x.Args[0] is Binary { Op: BinaryOp.Sub, Right: VarRef r } d && r.Name == a && !IrQueries.Mentions(d.Left, a):
                            found.Add(t.Name);
                            any = true;
                            if (t.Name == a) ok = false;
                            break;
                        case If i:
                            // the condition may compare with a: conditions carry no derivative
                            Walk(i.Then);
                            Walk(i.Else);
                            break;
                        case For f: Expr(f.Start); Expr(f.Bound); if (f.While is { } w) Expr(w); Walk(f.Body); break;
                        case Block b: Walk(b.Body); break;
                        case Assign x:
                            if (x.Target is ElemRef el) foreach (var ix in el.Indices) Expr(ix);
                            if (x.Op != AssignOp.Set && x.Target is VarRef tv && tv.Name == a) { ok = false; break; }
                            Expr(x.Value);
                            break;
                        default:
                            foreach (var e in IrQueries.ExprsOf(s)) Expr(e);
                            break;
                    }
                }
            }
            Walk(body);
            sums = found.OrderBy(x => x, StringComparer.Ordinal).ToList();
            if (!ok || !any || found.Contains(a)) return false;
            foreach (var s in sums)
                if (!SumLivesWhereShiftIsFixed(body, s, a)) return false;
            return true;
        }

        /// <summary><c>log(s) + a</c> or <c>a + log(s)</c>: the sum's name.</summary>
        private static string? LogPlusShift(Binary b, string a)
        {
            static string? LogOf(Expr e) => e is Intrinsic { Fn: Fn.Log } l && l.Args[0] is VarRef s ? s.Name : null;
            if (b.Right is VarRef r && r.Name == a && LogOf(b.Left) is { } s1) return s1;
            if (b.Left is VarRef l && l.Name == a && LogOf(b.Right) is { } s2) return s2;
            return null;
        }

        /// <summary>
        /// s is read only inside <c>log(s) + a</c> and written only by zeroings and <c>s += exp(E − a)</c>; some statement
        /// list zeroes it at position z and every mention that is not a zeroing lies in that list after z, where nothing
        /// writes a. So each value of s read was summed from zero with the a it is corrected with.
        /// </summary>
        private static bool SumLivesWhereShiftIsFixed(List<Stmt> body, string s, string a)
        {
            if (!OnlyShiftedUses(body, s, a)) return false;
            int total = NonZeroingMentions(body, s);
            bool Found(IReadOnlyList<Stmt> list)
            {
                for (int z = 0; z < list.Count; z++)
                {
                    if (!IsZeroing(list[z], s)) continue;
                    var after = list.Skip(z + 1).ToList();
                    if (NonZeroingMentions(after, s) != total) continue;
                    // a may still change while s is 0 (a max loop between the zeroing and the first accumulation)
                    int first = after.FindIndex(x => NonZeroingMentions(new[] { x }, s) > 0);
                    var writes = new HashSet<string>(StringComparer.Ordinal);
                    IrQueries.Writes(after.Skip(first), writes);
                    if (!writes.Contains(a)) return true;
                }
                foreach (var st in list)
                {
                    switch (st)
                    {
                        case For f when Found(f.Body): return true;
                        case If i when Found(i.Then) || Found(i.Else): return true;
                        case Block b when Found(b.Body): return true;
                    }
                }
                return false;
            }
            return total > 0 && Found(body);
        }

        private static bool IsZeroing(Stmt st, string s) => st switch
        {
            DeclScalar d when d.Name == s => d.Init is null or Const { Value: 0 },
            Assign { Op: AssignOp.Set, Target: VarRef v, Value: Const { Value: 0 } } when v.Name == s => true,
            _ => false,
        };

        /// <summary>Statements (and loop bounds, conditions) that mention s, zeroings not counted.</summary>
        private static int NonZeroingMentions(IEnumerable<Stmt> stmts, string s)
        {
            int n = 0;
            foreach (var st in stmts)
            {
                if (IsZeroing(st, s)) continue;
                switch (st)
                {
                    case For f:
                        if (IrQueries.Mentions(f.Start, s) || IrQueries.Mentions(f.Bound, s) || f.While is { } w && IrQueries.Mentions(w, s)) n++;
                        n += NonZeroingMentions(f.Body, s);
                        break;
                    case If i:
                        if (IrQueries.Mentions(i.Condition, s)) n++;
                        n += NonZeroingMentions(i.Then, s) + NonZeroingMentions(i.Else, s);
                        break;
                    case Block b: n += NonZeroingMentions(b.Body, s); break;
                    default: if (IrQueries.ReadsOrWrites(st, s)) n++; break;
                }
            }
            return n;
        }

        /// <summary>Writes of s are zeroings or <c>s += exp(E − a)</c>; reads are inside <c>log(s) + a</c> only.</summary>
        private static bool OnlyShiftedUses(IEnumerable<Stmt> stmts, string s, string a)
        {
            bool ok = true;
            void Expr(Expr e)
            {
                if (!ok) return;
                if (e is VarRef v && v.Name == s) { ok = false; return; }
                if (e is Binary { Op: BinaryOp.Add } b && LogPlusShift(b, a) == s) return;
                foreach (var c in IrQueries.Children(e)) Expr(c);
            }
            void Walk(IEnumerable<Stmt> list)
            {
                foreach (var st in list)
                {
                    if (!ok) return;
                    if (IsZeroing(st, s)) continue;
                    switch (st)
                    {
                        case Assign { Op: AssignOp.Add, Target: VarRef t, Value: Intrinsic { Fn: Fn.Exp } x } when t.Name == s:
                            if (!(x.Args[0] is Binary { Op: BinaryOp.Sub, Right: VarRef r } d && r.Name == a)) ok = false;
                            else Expr(d.Left);
                            break;
                        case Assign { Target: VarRef t } when t.Name == s: ok = false; break;
                        case DeclScalar decl when decl.Name == s: ok = false; break;
                        case For f: Expr(f.Start); Expr(f.Bound); if (f.While is { } w) Expr(w); Walk(f.Body); break;
                        case If i: Expr(i.Condition); Walk(i.Then); Walk(i.Else); break;
                        case Block b: Walk(b.Body); break;
                        default: foreach (var e in IrQueries.ExprsOf(st)) Expr(e); break;
                    }
                }
            }
            Walk(stmts);
            return ok;
        }
    }
}
