using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Raise
{
    /// <summary>
    /// Point blocks with the components outside (CPU): a loop over points whose body first runs a loop over components
    /// that fills one slot per component (<c>beta[k]</c>) from per-point scratch and large per-component data, then
    /// reduces the slots (<c>logsumexp(beta)</c>), is run a block of points at a time, components outside and the block's
    /// points inside, the slots kept per point of the block (<c>beta</c> becomes a Block x K table): gmm's
    /// <c>for (i) { for (k) { xc = x_i - mu_k; qx = Q_k xc; beta[k] = ... } lse(beta) }</c> read Q_k's d(d+1)/2 packed
    /// entries once per (point, component), from L2 or L3 since the K matrices do not fit in L1; with the components
    /// outside, Q_k is read once per block from L1. The forward sweep and the adjoint both run the new order (the
    /// transformation is made before differentiation, on the CPU's form only: the GPU plans keep the user's order).
    /// <para>
    /// Legal when, per (point, component) pair, the inner body is independent of every other pair: it assigns only scalars
    /// it declares, slots <c>s[k]</c> of method-local vectors (set before read in the pair, accessed at <c>[k]</c> only, every
    /// slot set: the loop over components runs from 0 to the vector's size) and
    /// method-local scratch vectors it sets whole (a loop from 0 to the vector's size) before reading them; the rest of the
    /// point's body reads none of the scratch, writes nothing the inner body reads, and touches the slot vectors by element
    /// only; nothing after the loop reads a slot or scratch vector; no calls, early exits or whole-array uses inside.
    /// Chosen when it pays: the inner body reads per-component data inside a loop nest of depth two (O(d²) per pair) and
    /// per-point data only at depth one.
    /// </para>
    /// </summary>
    internal static class LoopInterchange
    {
        /// <summary>Points per block: the slot table is Block x K, and a component's data is reused Block times from L1.</summary>
        public const int PointsPerBlock = 128;

        /// <summary>The body with every qualifying loop blocked and interchanged, or null when none qualifies.</summary>
        public static List<Stmt>? Run(IReadOnlyList<Stmt> body, Func<string, string> fresh, List<string> explained)
        {
            var locals = new Dictionary<string, DeclArray>(StringComparer.Ordinal);
            foreach (var d in body.OfType<DeclArray>()) locals[d.Name] = d;
            var output = new List<Stmt>();
            bool changed = false;
            for (int p = 0; p < body.Count; p++)
            {
                if (body[p] is For f && Try(f, body.Skip(p + 1).ToList(), locals, fresh, explained) is { } blocked)
                {
                    output.AddRange(blocked);
                    changed = true;
                }
                else output.Add(body[p]);
            }
            if (!changed) return null;
            // the user's slot and scratch vectors the blocks replaced by tables are allocated no more
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var s in IrQueries.AllStmts(output))
            {
                foreach (var e in IrQueries.ExprsOf(s).SelectMany(IrQueries.Descendants))
                    if (e is ElemRef el) used.Add(el.Array); else if (e is ArrayRef ar) used.Add(ar.Array); else if (e is LengthOf lo) used.Add(lo.Array);
                if (s is Assign { Target: ElemRef t }) used.Add(t.Array);
                if (s is Contract c) used.Add(c.Target);
            }
            return output.Where(s => s is not DeclArray d || used.Contains(d.Name) || !locals.ContainsKey(d.Name)).ToList();
        }

        private static List<Stmt>? Try(For f, List<Stmt> after, Dictionary<string, DeclArray> locals, Func<string, string> fresh, List<string> explained)
        {
            if (f.While is not null || f.Step != 1 || f.Cmp != BinaryOp.Lt || IrQueries.HasEarlyExit(f)) return null;
            var stmts = f.Body.Where(s => s is not Comment).ToList();
            if (stmts.Count < 2 || stmts[0] is not For inner) return null;
            if (inner.While is not null || inner.Step != 1 || inner.Cmp != BinaryOp.Lt) return null;
            var rest = stmts.Skip(1).ToList();
            string point = f.Var, comp = inner.Var;
            var written = new HashSet<string>(StringComparer.Ordinal);
            IrQueries.Writes(f.Body, written);
            written.Add(point);
            foreach (var e in new[] { inner.Start, inner.Bound, f.Start, f.Bound })
                if (IrQueries.Descendants(e).Any(x => x is VarRef v && written.Contains(v.Name) || x is ElemRef or Invoke or Pop)) return null;

            // the pair's body: plain statements only
            var all = new List<Stmt>();
            if (!Plain(inner.Body, all)) return null;
            var declared = new HashSet<string>(StringComparer.Ordinal);
            foreach (var s in all)
            {
                if (s is DeclScalar d) declared.Add(d.Name);
                if (s is For g) declared.Add(g.Var);
            }
            var slots = new HashSet<string>(StringComparer.Ordinal);
            var scratch = new HashSet<string>(StringComparer.Ordinal);
            foreach (var s in all.OfType<Assign>())
            {
                switch (s.Target)
                {
                    case VarRef v when !declared.Contains(v.Name): return null; // carried across pairs
                    case ElemRef el:
                        if (!locals.TryGetValue(el.Array, out var decl) || decl.Type.Shape != Shape.Vector) return null;
                        if (el.Indices.Count == 1 && el.Indices[0] is VarRef k && k.Name == comp) slots.Add(el.Array);
                        else scratch.Add(el.Array);
                        break;
                }
            }
            if (slots.Overlaps(scratch) || slots.Count == 0) return null;
            // the pairs set every slot of a point (the rest of the body may read any): the loop over components covers the vector
            if (inner.Start is not Const { Value: 0 } || slots.Any(x => !locals[x].Sizes[0].Equals(inner.Bound))) return null;
            // slots: accessed at [k] only in the pair, set before read
            var pairExprs = all.SelectMany(ExprsAndTargets).ToList();
            foreach (var x in pairExprs.SelectMany(IrQueries.Descendants))
            {
                if (x is ArrayRef ar && (slots.Contains(ar.Array) || scratch.Contains(ar.Array))) return null;
                if (x is LengthOf lo && (slots.Contains(lo.Array) || scratch.Contains(lo.Array))) return null;
                if (x is ElemRef el && slots.Contains(el.Array) && !(el.Indices.Count == 1 && el.Indices[0] is VarRef k && k.Name == comp)) return null;
            }
            if (!SetBeforeRead(inner.Body, slots, scratch, locals)) return null;

            // the rest of the point's body: no scratch, nothing the pair reads, slots by element
            var pairReads = new HashSet<string>(StringComparer.Ordinal);
            foreach (var x in pairExprs.SelectMany(IrQueries.Descendants))
            {
                if (x is VarRef v) pairReads.Add(v.Name);
                if (x is ElemRef el) pairReads.Add(el.Array);
            }
            var restWrites = new HashSet<string>(StringComparer.Ordinal);
            IrQueries.Writes(rest, restWrites);
            restWrites.ExceptWith(slots);
            if (restWrites.Overlaps(pairReads) || restWrites.Contains(point)) return null;
            var restAll = new List<Stmt>();
            if (!Plain(rest, restAll)) return null;
            foreach (var x in restAll.SelectMany(ExprsAndTargets).SelectMany(IrQueries.Descendants))
            {
                if (x is ElemRef el && scratch.Contains(el.Array) || x is ArrayRef ar && (scratch.Contains(ar.Array) || slots.Contains(ar.Array))) return null;
                if (x is LengthOf lo && scratch.Contains(lo.Array)) return null;
            }
            // nothing after the loop reads the slots or the scratch (their final values differ, or would be the last block's)
            var tail = after.SelectMany(IrQueries.ExprsOf).SelectMany(IrQueries.Descendants);
            if (tail.Any(x => x is ElemRef el && (slots.Contains(el.Array) || scratch.Contains(el.Array))
                || x is ArrayRef ar && (slots.Contains(ar.Array) || scratch.Contains(ar.Array))
                || x is LengthOf lo && (slots.Contains(lo.Array) || scratch.Contains(lo.Array)))) return null;

            // profitable: per-component data read in a nest of depth two, per-point data at depth one at most
            int compDepth = 0, pointDepth = 0;
            Depths(inner.Body, 0, point, comp, ref compDepth, ref pointDepth);
            if (compDepth < 2 || pointDepth >= 2) return null;

            // the blocked, interchanged form
            string lo0 = fresh("__pb"), hi0 = fresh("__pe");
            var loV = new VarRef(lo0, IrType.Int);
            var hiV = new VarRef(hi0, IrType.Int);
            var pointV = new VarRef(point, IrType.Int);
            var row = new Binary(BinaryOp.Sub, pointV, loV, IrType.Int);
            var tables = new Dictionary<string, (string Name, IrType Type)>(StringComparer.Ordinal);
            var output = new List<Stmt>();
            foreach (var s in slots.OrderBy(x => x, StringComparer.Ordinal))
            {
                var decl = locals[s];
                var type = new IrType(decl.Type.Elem, Shape.Matrix);
                var name = fresh(s + "_block");
                tables[s] = (name, type);
                output.Add(new DeclArray(name, type, new Expr[] { new Const(PointsPerBlock, IrType.Int), decl.Sizes[0] }.ToEquatable()));
            }
            Expr Slot(Expr e) => IrRewriter.Map(e, x => x is ElemRef el && tables.TryGetValue(el.Array, out var t)
                ? new ElemRef(t.Name, t.Type, new Expr[] { row, Slot(el.Indices[0]) }.ToEquatable()) : null);
            Stmt Rename(Stmt s) => s switch
            {
                Assign { Target: ElemRef el } a when tables.TryGetValue(el.Array, out var t) =>
                    new Assign(new ElemRef(t.Name, t.Type, new Expr[] { row, Slot(el.Indices[0]) }.ToEquatable()), a.Op, Slot(a.Value), a.Hoisted),
                For g => g with { Start = Slot(g.Start), Bound = Slot(g.Bound), Body = g.Body.Select(Rename).ToEquatable() },
                If i => i with { Condition = Slot(i.Condition), Then = i.Then.Select(Rename).ToEquatable(), Else = i.Else.Select(Rename).ToEquatable() },
                Block b => b with { Body = b.Body.Select(Rename).ToEquatable() },
                _ => IrRewriter.Map(s, x => x is ElemRef el && tables.ContainsKey(el.Array) ? Slot(el) : null),
            };
            var blockEnd = new Binary(BinaryOp.Add, loV, new Const(PointsPerBlock, IrType.Int), IrType.Int);
            var end = new Conditional(new Binary(BinaryOp.Lt, blockEnd, f.Bound, IrType.Bool), blockEnd, f.Bound, IrType.Int);
            var points = new For(point, loV, BinaryOp.Lt, hiV, 1, inner.Body.Select(Rename).ToEquatable());
            var comps = inner with { Body = new Stmt[] { points }.ToEquatable() };
            // a per-component matrix-vector product over the block's points: one GEMM per component (BatchedProducts)
            var batched = BatchedProducts.Try(inner.Body, point, written, scratch, locals, loV, hiV, r => r.Select(Rename).ToList(), fresh);
            if (batched is not null)
            {
                output.AddRange(batched.Tables);
                comps = inner with { Body = batched.Body.ToEquatable() };
            }
            var restLoop = new For(point, loV, BinaryOp.Lt, hiV, 1, rest.Select(Rename).ToEquatable());
            output.Add(new For(lo0, f.Start, BinaryOp.Lt, f.Bound, PointsPerBlock, new Stmt[] { new DeclScalar(hi0, IrType.Int, end), comps, restLoop }.ToEquatable(), f.Origin));
            explained.Add($"the loop over {point} runs {PointsPerBlock} {point} at a time with the loop over {comp} outside them ({string.Join(", ", slots.OrderBy(x => x, StringComparer.Ordinal))} kept per {point} of the block)");
            if (batched is not null) explained.Add(batched.Explained);
            return output;
        }

        /// <summary>Assignments, declarations, loops and ifs only (collected, nested ones included).</summary>
        private static bool Plain(IEnumerable<Stmt> stmts, List<Stmt> all)
        {
            foreach (var s in stmts)
            {
                all.Add(s);
                bool ok = s switch
                {
                    Comment or DeclScalar or Assign => true,
                    For g => g.While is null && Plain(g.Body, all),
                    If i => Plain(i.Then, all) && Plain(i.Else, all),
                    Block b => Plain(b.Body, all),
                    _ => false,
                };
                if (!ok) return false;
                if (IrQueries.ExprsOf(s).SelectMany(IrQueries.Descendants).Any(x => x is Invoke or Pop)) return false;
            }
            return true;
        }

        /// <summary>What a statement reads, its assignment target included (a slot read by +=, a scratch element set).</summary>
        private static IEnumerable<Expr> ExprsAndTargets(Stmt s)
        {
            if (s is Assign a) yield return a.Target;
            else if (s is For g) { yield return g.Start; yield return g.Bound; yield break; }
            else if (s is If i) { yield return i.Condition; yield break; }
            else if (s is Block) yield break;
            foreach (var e in IrQueries.ExprsOf(s)) yield return e;
        }

        /// <summary>
        /// Walks the pair's top-level statements in order: a slot is set by <c>s[k] = e</c> (e not reading it), a scratch
        /// vector by a loop from 0 to its declared size whose body sets <c>v[j] = e</c> (e not reading it) and reads v after
        /// that only at <c>[j]</c> (<c>proj[a] = 0; for (b ..) proj[a] += ...</c>); nothing reads either before it is set.
        /// </summary>
        private static bool SetBeforeRead(IEnumerable<Stmt> body, HashSet<string> slots, HashSet<string> scratch, Dictionary<string, DeclArray> locals)
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            foreach (var st in body)
            {
                var covered = new HashSet<string>(StringComparer.Ordinal);
                switch (st)
                {
                    case Assign { Op: AssignOp.Set, Target: ElemRef el } a when slots.Contains(el.Array) && !IrQueries.Mentions(a.Value, el.Array):
                        covered.Add(el.Array);
                        break;
                    case For g when g.Start is Const { Value: 0 } && g.Step == 1 && g.Cmp == BinaryOp.Lt && g.While is null:
                        for (int p = 0; p < g.Body.Count; p++)
                        {
                            if (g.Body[p] is not Assign { Op: AssignOp.Set, Target: ElemRef el } a || !scratch.Contains(el.Array)) continue;
                            if (el.Indices[0] is not VarRef iv || iv.Name != g.Var || IrQueries.Mentions(a.Value, el.Array)) continue;
                            if (!locals[el.Array].Sizes[0].Equals(g.Bound)) continue;
                            var name = el.Array;
                            bool before = g.Body.Take(p).Any(x => Elements(x).Any(e => e.Array == name));
                            bool elsewhere = g.Body.Skip(p + 1).Any(x => Elements(x).Any(e => e.Array == name && !e.Indices.Equals(el.Indices)));
                            if (!before && !elsewhere) covered.Add(name);
                        }
                        break;
                }
                foreach (var e in Elements(st))
                    if ((slots.Contains(e.Array) || scratch.Contains(e.Array)) && !set.Contains(e.Array) && !covered.Contains(e.Array)) return false;
                set.UnionWith(covered);
            }
            return true;
        }

        /// <summary>Every element a statement reads or writes (nested statements included).</summary>
        private static IEnumerable<ElemRef> Elements(Stmt s)
        {
            var all = new List<Stmt>();
            Plain(new[] { s }, all);
            foreach (var x in all)
            {
                if (x is Assign { Target: ElemRef t }) yield return t;
                if (x is For or If or Block) { foreach (var e in ExprsAndTargets(x).SelectMany(IrQueries.Descendants).OfType<ElemRef>()) yield return e; continue; }
                foreach (var e in IrQueries.ExprsOf(x).SelectMany(IrQueries.Descendants).OfType<ElemRef>()) yield return e;
            }
        }

        /// <summary>The deepest loop nesting (inside the pair) of a read indexed by the component, and of one indexed by the point.</summary>
        private static void Depths(IEnumerable<Stmt> stmts, int depth, string point, string comp, ref int compDepth, ref int pointDepth)
        {
            foreach (var s in stmts)
            {
                switch (s)
                {
                    case For g: Depths(g.Body, depth + 1, point, comp, ref compDepth, ref pointDepth); break;
                    case If i:
                        Depths(i.Then, depth, point, comp, ref compDepth, ref pointDepth);
                        Depths(i.Else, depth, point, comp, ref compDepth, ref pointDepth);
                        break;
                    case Block b: Depths(b.Body, depth, point, comp, ref compDepth, ref pointDepth); break;
                }
                if (s is For or If or Block) continue;
                foreach (var x in IrQueries.ExprsOf(s).SelectMany(IrQueries.Descendants))
                {
                    if (x is not ElemRef el) continue;
                    bool byComp = el.Indices.Any(i => IrQueries.Mentions(i, comp)), byPoint = el.Indices.Any(i => IrQueries.Mentions(i, point));
                    if (byComp && !byPoint) compDepth = Math.Max(compDepth, depth);
                    if (byPoint) pointDepth = Math.Max(pointDepth, depth);
                }
            }
        }
    }
}
