using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Schedule
{
    /// <summary>
    /// Unroll-and-jam (CPU): a loop whose body is one SIMD loop (<see cref="Vectorizer"/>) that only accumulates
    /// (<c>y[i] += L[base(j) + i] * x[j]</c>, a column of a triangular or dense matrix-vector product, and its adjoint
    /// <c>Lbar[base(j) + i] += ybar[i] * x[j]; xbar[j] += L[base(j) + i] * ybar[i]</c>) runs <see cref="Factor"/> of its
    /// iterations at once: their inner loops share one SIMD pass over the range they have in common, each iteration's
    /// statements in order, and an element every member adds into (<c>y[i]</c>) is loaded once, added to in a register
    /// in member order and stored once (the same sums in the same order as the loop as written, so the values are
    /// identical bit for bit; element reductions such as <c>xbar[j]</c> are split differently between lanes and tail,
    /// as in any SIMD loop). Each member's iterations outside the common range (the corner of a triangle) run as scalar
    /// loops first. gmm's Q·x computed per (point, component) paid the SIMD loop's setup, guards and scalar tail once per
    /// column, and loaded and stored y once per column: most of its time.
    /// <para>
    /// Legal when the members cannot see each other's effects except through sums: the inner loop only declares
    /// temporaries and adds into scalars or elements (no plain stores, no max reductions, no running products), and no
    /// array it adds into is read anywhere in the body or its bounds, except as the target of its own addition. Chosen when
    /// it pays: the body is small (register pressure), some element it reads or adds into is the same for every member
    /// (an element indexed by the inner counter only), which is then loaded once instead of once per member, and the
    /// members add into nothing else but such shared elements and reductions (per-member streams of loads and stores,
    /// the adjoint's <c>Lbar</c>, measured slower jammed). At run time a group whose shared range is shorter than two
    /// vectors is not jammed: it and the iterations after it run one at a time as written (small matrices, the tip of a
    /// triangle).
    /// </para>
    /// </summary>
    internal static class UnrollJam
    {
        /// <summary>How many iterations of the outer loop share one inner pass (4 columns: the gain flattens beyond it on AVX2).</summary>
        public const int Factor = 4;

        /// <summary>Inner-loop assignments at most (each member's vectors stay in registers).</summary>
        private const int MaxAssignments = 3;

        /// <summary>The jammed form of an outer loop.</summary>
        /// <param name="Outer">The loop as scheduled (its body is <see cref="Inner"/>, possibly with comments).</param>
        /// <param name="Inner">The SIMD loop each member runs.</param>
        /// <param name="Shared">Elements every member adds into, held in a register per vector step (C# text, for the plan).</param>
        /// <param name="Id">Number of the plan in its pass (names of the generated locals).</param>
        internal sealed record Plan(For Outer, VectorFor Inner, EquatableArray<string> Shared, string Id)
        {
            /// <summary>Member <paramref name="u"/>'s counter local.</summary>
            public string Member(int u) => $"__uj{Id}_{u.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

            /// <summary>The inner loop with the outer counter replaced by member <paramref name="u"/>'s local.</summary>
            public For InnerOf(int u)
            {
                var name = Outer.Var;
                var member = new VarRef(Member(u), IrType.Int);
                return (For)IrRewriter.Map(Inner.Loop, e => e is VarRef v && v.Name == name ? member : null);
            }
        }

        /// <summary>The jammed form of <paramref name="f"/>, or null.</summary>
        public static Plan? Try(For f, int id)
        {
            if (f.While is not null || f.WideSums.Count > 0 || f.Step is not (1 or -1)) return null;
            bool up = f.Step == 1 && f.Cmp is BinaryOp.Lt or BinaryOp.Le;
            bool down = f.Step == -1 && f.Cmp is BinaryOp.Gt or BinaryOp.Ge;
            if (!up && !down) return null;
            var inner = SoleLoop(f.Body);
            if (inner is null || inner.Inductions.Count > 0) return null;
            var g = inner.Loop;
            if (g.While is not null || g.Step is not (1 or -1) || g.Var == f.Var || g.WideSums.Count > 0) return null;
            // the outer loop's trip count is taken on entry: the body may not change what its bounds read
            var outerReads = IrQueries.Descendants(f.Start).Concat(IrQueries.Descendants(f.Bound)).ToList();
            if (outerReads.Any(x => x is ElemRef or Pop or Invoke)) return null;

            var assigns = new List<Assign>();
            if (!Plain(g.Body, assigns) || assigns.Count == 0 || assigns.Count > MaxAssignments) return null;
            var targets = new HashSet<string>(StringComparer.Ordinal);
            var scalars = new HashSet<string>(StringComparer.Ordinal);
            foreach (var a in assigns)
            {
                if (a.Target is ElemRef el) targets.Add(el.Array);
                else if (a.Target is VarRef v) scalars.Add(v.Name);
            }
            if (outerReads.Any(x => x is VarRef v && (scalars.Contains(v.Name) || v.Name == g.Var))) return null;
            // nothing reads what the members add into, except each addition its own target
            foreach (var e in Reads(g)) 
                foreach (var x in IrQueries.Descendants(e))
                    if (x is ElemRef r && targets.Contains(r.Array) || x is VarRef v && scalars.Contains(v.Name)) return null;

            // profitable: an element indexed by the inner counter alone (the same for every member)
            bool Shared(ElemRef el) => IrQueries.Mentions(el, g.Var) && !IrQueries.Mentions(el, f.Var);
            bool sharedRead = Reads(g).SelectMany(IrQueries.Descendants).OfType<ElemRef>().Any(Shared);
            // an element target every assignment to its array names alike, held in a register across the members
            var held = new List<string>();
            foreach (var grp in assigns.Where(a => a.Target is ElemRef).GroupBy(a => ((ElemRef)a.Target).Array))
            {
                var first = (ElemRef)grp.First().Target;
                if (Shared(first) && grp.All(a => a.Target.Equals(first))) held.Add(ExprPrinter.CSharp.Print(first));
            }
            // members that each load and store a stream of their own (Lbar[base(j) + i] += ...) gain little from sharing a
            // read and pay the corners: jammed only when every element they add into is shared or a reduction
            bool streams = assigns.Any(a => a.Target is ElemRef el && IrQueries.Mentions(el, g.Var) && !held.Contains(ExprPrinter.CSharp.Print(el)));
            if (streams || !sharedRead && held.Count == 0) return null;
            return new Plan(f, inner, held.ToEquatable(), id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        /// <summary>The body's only loop (comments aside; blocks unwrapped), when it is a SIMD loop.</summary>
        private static VectorFor? SoleLoop(IEnumerable<Stmt> body)
        {
            VectorFor? found = null;
            foreach (var s in body)
            {
                switch (s)
                {
                    case Comment: break;
                    case Block b:
                        var inside = SoleLoop(b.Body);
                        if (inside is null || found is not null) return null;
                        found = inside;
                        break;
                    case VectorFor v when found is null: found = v; break;
                    default: return null;
                }
            }
            return found;
        }

        /// <summary>Temporaries, masks and additions only (no plain stores: members would overwrite each other's).</summary>
        private static bool Plain(IEnumerable<Stmt> stmts, List<Assign> assigns)
        {
            foreach (var s in stmts)
            {
                switch (s)
                {
                    case Comment: break;
                    case DeclScalar { Init: not null }: break;
                    case Block b: if (!Plain(b.Body, assigns)) return false; break;
                    case If i: if (!Plain(i.Then, assigns) || !Plain(i.Else, assigns)) return false; break;
                    case Assign { Op: AssignOp.Add or AssignOp.Sub } a when a.Target is VarRef or ElemRef: assigns.Add(a); break;
                    default: return false;
                }
            }
            return true;
        }

        /// <summary>What the inner loop reads: its bounds, conditions, values and indices (not the roots of its targets).</summary>
        private static IEnumerable<Expr> Reads(For g)
        {
            yield return g.Start;
            yield return g.Bound;
            foreach (var s in g.Body)
                foreach (var e in ReadsOf(s)) yield return e;
        }

        private static IEnumerable<Expr> ReadsOf(Stmt s)
        {
            switch (s)
            {
                case Assign a:
                    if (a.Target is ElemRef el) foreach (var x in el.Indices) yield return x;
                    yield return a.Value;
                    break;
                case Block b: foreach (var x in b.Body.SelectMany(ReadsOf)) yield return x; break;
                case If i:
                    yield return i.Condition;
                    foreach (var x in i.Then.Concat(i.Else).SelectMany(ReadsOf)) yield return x;
                    break;
                default:
                    foreach (var x in IrQueries.ExprsOf(s)) yield return x;
                    break;
            }
        }
    }
}
