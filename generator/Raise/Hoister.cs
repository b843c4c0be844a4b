using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Raise
{
    /// <summary>
    /// Loop-invariant hoisting of costly pure expressions (those with a Math call):
    /// <list type="bullet">
    /// <item>invariant in a loop: computed once before it into a scalar (<c>sqrt(T[k, k])</c> out of the loop over m);</item>
    /// <item>depending only on the counter of an inner loop (a per-row value recomputed for every pair, such as a row
    /// norm <c>sqrt(T[m, m])</c>): computed once for every index into a vector before the whole loop nest.</item>
    /// </list>
    /// Hoisted values are marked so the reverse sweep propagates their adjoint only when it is non-zero: they may be
    /// evaluated where the user's code would not have evaluated them (under a mask), and must not turn 0 into NaN.
    /// </summary>
    internal sealed class Hoister
    {
        private readonly Func<string, string> _fresh;
        private readonly List<string> _explained;
        private readonly Dictionary<string, IrType> _types;

        public Hoister(Func<string, string> fresh, List<string> explained, Dictionary<string, IrType> types)
        {
            _fresh = fresh;
            _explained = explained;
            _types = types;
        }

        /// <summary>Per top-level statement: the vectors to precompute before it, and the rewritten statement.</summary>
        public List<Stmt> HoistTopLevel(Stmt top, HashSet<string> topInts)
        {
            if (top is not For outer) return new List<Stmt> { top };
            var nestWrites = new HashSet<string>(StringComparer.Ordinal);
            IrQueries.Writes(new[] { top }, nestWrites);
            var pre = new List<Stmt>();
            var vectors = new List<(Expr Canonical, Expr Start, BinaryOp Cmp, Expr Bound, string Name)>();
            var body = HoistIn(outer, depth: 0, topInts, nestWrites, pre, vectors);
            var result = new List<Stmt>(pre) { body };
            return result;
        }

        private Stmt HoistIn(For loop, int depth, HashSet<string> topInts, HashSet<string> nestWrites, List<Stmt> pre,
            List<(Expr Canonical, Expr Start, BinaryOp Cmp, Expr Bound, string Name)> vectors)
        {
            // Inner loops first: what they hoist lands in this loop's body, where it may be hoisted further.
            var body = new List<Stmt>();
            foreach (var s in loop.Body)
            {
                switch (s)
                {
                    case For inner:
                        {
                            var before = new List<Stmt>();
                            var rewritten = HoistInner(inner, depth + 1, topInts, nestWrites, pre, vectors, before);
                            body.AddRange(before);
                            body.Add(rewritten);
                            break;
                        }
                    case If i:
                        body.Add(i with
                        {
                            Then = i.Then.SelectMany(x => x is For f ? WrapInner(f, depth + 1, topInts, nestWrites, pre, vectors) : new[] { x }).ToEquatable(),
                            Else = i.Else.SelectMany(x => x is For f ? WrapInner(f, depth + 1, topInts, nestWrites, pre, vectors) : new[] { x }).ToEquatable(),
                        });
                        break;
                    default:
                        body.Add(s);
                        break;
                }
            }
            return loop with { Body = body.ToEquatable() };
        }

        private IEnumerable<Stmt> WrapInner(For f, int depth, HashSet<string> topInts, HashSet<string> nestWrites, List<Stmt> pre,
            List<(Expr, Expr, BinaryOp, Expr, string)> vectors)
        {
            var before = new List<Stmt>();
            var r = HoistInner(f, depth, topInts, nestWrites, pre, vectors, before);
            before.Add(r);
            return before;
        }

        /// <summary>Hoists out of an inner loop: invariants into scalars placed before it, per-index values into vectors before the nest.</summary>
        private Stmt HoistInner(For loop, int depth, HashSet<string> topInts, HashSet<string> nestWrites, List<Stmt> pre,
            List<(Expr Canonical, Expr Start, BinaryOp Cmp, Expr Bound, string Name)> vectors, List<Stmt> before)
        {
            var processed = (For)HoistIn(loop, depth, topInts, nestWrites, pre, vectors);

            // What the loop defines or changes: its counter, locals declared in it, everything written in it.
            var local = new HashSet<string>(StringComparer.Ordinal) { loop.Var };
            IrQueries.Writes(processed.Body, local);
            var declared = new Dictionary<string, IrType>(StringComparer.Ordinal);
            IrQueries.Declarations(processed.Body, declared);
            local.UnionWith(declared.Keys);

            bool boundsFixed = loop.Step == 1 && loop.Cmp is BinaryOp.Lt or BinaryOp.Le && loop.Start is Const { Value: >= 0 }
                && OnlyReads(loop.Bound, v => topInts.Contains(v));

            var scalarTemps = new Dictionary<Expr, string>();
            Expr? Map(Expr e)
            {
                if (!IsCandidate(e)) return null;
                var reads = Reads(e);
                if (!reads.Overlaps(local))
                {
                    // invariant in this loop
                    if (!scalarTemps.TryGetValue(e, out var name))
                    {
                        name = _fresh("__inv");
                        scalarTemps[e] = name;
                        _types[name] = e.Type;
                        before.Add(new DeclScalar(name, e.Type, e, Hoisted: true));
                        _explained.Add($"{ExprPrinter.CSharp.Print(e)} hoisted out of the loop over {loop.Var}");
                    }
                    return new VarRef(name, e.Type);
                }
                if (depth >= 1 && boundsFixed && reads.Contains(loop.Var)
                    && reads.All(r => r == loop.Var || topInts.Contains(r) || (!nestWrites.Contains(r) && !local.Contains(r) && _types.ContainsKey(r) && IsTopLevelValue(r))))
                {
                    // depends on this loop's counter only: one vector for the whole nest
                    var idx = new VarRef("__index", IrType.Int);
                    var canonical = IrRewriter.Map(e, x => x is VarRef v && v.Name == loop.Var ? idx : null);
                    var found = vectors.FirstOrDefault(t => t.Canonical.Equals(canonical) && t.Start.Equals(loop.Start) && t.Cmp == loop.Cmp && t.Bound.Equals(loop.Bound));
                    string name = found.Name;
                    if (name is null)
                    {
                        name = _fresh("__row");
                        vectors.Add((canonical, loop.Start, loop.Cmp, loop.Bound, name));
                        var vt = new IrType(e.Type.Elem, Shape.Vector);
                        _types[name] = vt;
                        var size = loop.Cmp == BinaryOp.Le ? new Binary(BinaryOp.Add, loop.Bound, new Const(1, IrType.Int), IrType.Int) : loop.Bound;
                        var counter = _fresh("__i");
                        pre.Add(new DeclArray(name, vt, new[] { size }.ToEquatable()));
                        var value = IrRewriter.Map(canonical, x => x is VarRef { Name: "__index" } ? new VarRef(counter, IrType.Int) : null);
                        pre.Add(new For(counter, loop.Start, loop.Cmp, loop.Bound, 1,
                            new Stmt[] { new Assign(new ElemRef(name, vt, new Expr[] { new VarRef(counter, IrType.Int) }.ToEquatable()), AssignOp.Set, value, Hoisted: true) }.ToEquatable()));
                        _explained.Add($"{ExprPrinter.CSharp.Print(e)} depends on {loop.Var} only: computed once per index into {name}");
                    }
                    return new ElemRef(name, new IrType(e.Type.Elem, Shape.Vector), new Expr[] { new VarRef(loop.Var, IrType.Int) }.ToEquatable());
                }
                return null;
            }

            // Nested loops were handled by the recursive call; their bodies may still hold expressions invariant here.
            var body = processed.Body.Select(s => IrRewriter.Map(s, Map)).ToEquatable();
            return processed with { Body = body };
        }

        private bool IsTopLevelValue(string name) => _types.TryGetValue(name, out var t) && (t.IsArray || t.Elem is Scalar.Float or Scalar.Double);

        /// <summary>A pure expression worth hoisting: it contains a Math call and reads no restore-stack value or call.</summary>
        private static bool IsCandidate(Expr e) =>
            e.Type.IsReal && !e.Type.IsArray
            && IrQueries.Descendants(e).Any(d => d is Intrinsic)
            && !IrQueries.Descendants(e).Any(d => d is Invoke or Pop);

        private static HashSet<string> Reads(Expr e)
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            foreach (var d in IrQueries.Descendants(e))
            {
                switch (d)
                {
                    case VarRef v: set.Add(v.Name); break;
                    case ElemRef el: set.Add(el.Array); break;
                    case ArrayRef ar: set.Add(ar.Array); break;
                    case LengthOf l: set.Add(l.Array); break;
                }
            }
            return set;
        }

        private static bool OnlyReads(Expr e, Func<string, bool> allowed) => Reads(e).All(allowed);
    }
}
