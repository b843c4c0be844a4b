using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Schedule
{
    /// <summary>
    /// Register promotion of loop-invariant elements (CPU, scalar loops): an element <c>r[i]</c> that a loop updates
    /// (<c>r[i] -= x[j] * p</c>) at an index the loop does not change, of a method-local array the loop touches at that
    /// element only, is read into a local before the loop, updated there, and written back after it. The JIT keeps
    /// array elements in memory (another array could alias them), so each update otherwise waits for the previous
    /// store: llsq's inner loop ran at the store-to-load latency. Local arrays (rented by the method) alias nothing.
    /// </summary>
    internal static class ElementPromotion
    {
        /// <summary>A loop whose updates of <see cref="Element"/> go to the local <see cref="Local"/>.</summary>
        /// <param name="Runs">The flag that the loop runs at least once (the element is read before it and written after it only then).</param>
        internal sealed record Plan(For Loop, ElemRef Element, string Local, string Runs);

        /// <summary>The promoted form of <paramref name="f"/>, or null.</summary>
        /// <param name="localArrays">Arrays the method declares (nothing else can alias them).</param>
        public static Plan? Try(For f, ISet<string> localArrays, int id)
        {
            if (localArrays.Count == 0) return null;
            if (!f.Body.All(Plain)) return null;
            var assigned = new HashSet<string>(StringComparer.Ordinal) { f.Var };
            foreach (var s in Walk(f.Body))
            {
                if (s is DeclScalar d) assigned.Add(d.Name);
                else if (s is Assign { Target: VarRef v }) assigned.Add(v.Name);
                else if (s is For g) assigned.Add(g.Var);
            }
            // the first element updated with += / -= at an invariant index, of a local array touched nowhere else
            foreach (var s in Walk(f.Body))
            {
                if (s is not Assign { Op: not AssignOp.Set, Target: ElemRef el }) continue;
                if (!el.Type.IsReal || !localArrays.Contains(el.Array)) continue;
                if (el.Indices.Any(i => IrQueries.Descendants(i).Any(x => x is VarRef v && assigned.Contains(v.Name) || x is Pop || x is Invoke || x is ElemRef))) continue;
                if (!OnlyAt(f, el)) continue;
                var n = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var local = "__sp" + n;
                var repl = new VarRef(local, el.Type);
                var body = f.Body.Select(x => Replace(x, el, repl)).ToEquatable();
                return new Plan(f with { Body = body }, el, local, "__spr" + n);
            }
            return null;
        }

        /// <summary>Statements with no calls, whole-array stores or early exits (their effects on the array are unknown).</summary>
        private static bool Plain(Stmt s) => s switch
        {
            Comment or DeclScalar or Assign or Push => true,
            Block b => b.Body.All(Plain),
            If i => i.Then.All(Plain) && i.Else.All(Plain),
            For g => g.While is null && g.Body.All(Plain),
            _ => false,
        } && IrQueries.ExprsOf(s).All(e => !IrQueries.Descendants(e).Any(x => x is Invoke));

        private static IEnumerable<Stmt> Walk(IEnumerable<Stmt> body)
        {
            foreach (var s in body)
            {
                yield return s;
                IEnumerable<Stmt> inner = s switch
                {
                    Block b => b.Body,
                    If i => i.Then.Concat(i.Else),
                    For g => g.Body,
                    _ => Array.Empty<Stmt>(),
                };
                foreach (var x in Walk(inner)) yield return x;
            }
        }

        /// <summary>Every mention of the array in the loop is this element (targets and reads).</summary>
        private static bool OnlyAt(For f, ElemRef el)
        {
            if (IrQueries.Mentions(f.Start, el.Array) || IrQueries.Mentions(f.Bound, el.Array)) return false;
            foreach (var s in Walk(f.Body))
            {
                if (s is Assign { Target: ElemRef t } && t.Array == el.Array && !t.Equals(el)) return false;
                var exprs = s switch
                {
                    Assign a => new[] { a.Value }.Concat(a.Target is ElemRef te ? te.Indices : Enumerable.Empty<Expr>()),
                    DeclScalar { Init: { } i } => new[] { i },
                    Push p => new[] { p.Value },
                    If i => new[] { i.Condition },
                    For g => new[] { g.Start, g.Bound },
                    _ => Array.Empty<Expr>(),
                };
                foreach (var e in exprs)
                    foreach (var x in IrQueries.Descendants(e))
                        if (x is ElemRef r && r.Array == el.Array && !r.Equals(el) || x is ArrayRef ar && ar.Array == el.Array || x is LengthOf) return false;
            }
            return true;
        }

        private static Stmt Replace(Stmt s, ElemRef el, VarRef local)
        {
            Expr? Map(Expr e) => e.Equals(el) ? local : null;
            switch (s)
            {
                case Assign a when a.Target.Equals(el): return a with { Target = local, Value = IrRewriter.Map(a.Value, Map) };
                case Push p: return p with { Value = IrRewriter.Map(p.Value, Map) };
                case Block b: return b with { Body = b.Body.Select(x => Replace(x, el, local)).ToEquatable() };
                case If i: return i with { Condition = IrRewriter.Map(i.Condition, Map), Then = i.Then.Select(x => Replace(x, el, local)).ToEquatable(), Else = i.Else.Select(x => Replace(x, el, local)).ToEquatable() };
                case For g: return g with { Start = IrRewriter.Map(g.Start, Map), Bound = IrRewriter.Map(g.Bound, Map), Body = g.Body.Select(x => Replace(x, el, local)).ToEquatable() };
                default: return IrRewriter.Map(s, Map);
            }
        }
    }
}
