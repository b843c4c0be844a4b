using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Schedule
{
    /// <summary>
    /// Schedule: decides which innermost loops run as SIMD loops. A loop qualifies when its iterations are
    /// independent: it only reads loop-invariant values and contiguous elements <c>X[.., i]</c>, accumulates into
    /// scalars it never reads (reductions, summed in a different order: results change at rounding level), writes
    /// contiguous elements <c>X[.., i]</c> of arrays it reads only in that column (any invariant rows), and its ifs test the counter against invariants
    /// (masks such as <c>m != k</c>). Running products <c>p = p * c</c> at the end of the body (strength reduction's
    /// powers, c invariant) are induction variables: lane l holds p · c^l, each vector step multiplies by c^Count
    /// (rounding differs from the scalar loop's, as a reordered sum's does). Both sweeps of the backward pass and the
    /// forward pass are scheduled.
    /// </summary>
    internal static class Vectorizer
    {
        /// <summary>Schedules the forward pass and both sweeps of the adjoint.</summary>
        public static Differentiate.AdjointModel Run(Differentiate.AdjointModel a) => a with
        {
            Method = a.Method with { Body = Schedule(a.Method.Body) },
            ForwardSweep = Schedule(a.ForwardSweep),
            ReverseSweep = Schedule(a.ReverseSweep),
        };

        public static EquatableArray<Stmt> Schedule(IEnumerable<Stmt> stmts) => stmts.Select(ScheduleStmt).ToEquatable();

        private static Stmt ScheduleStmt(Stmt s) => s switch
        {
            For f when f.Body.Any(ContainsLoop) => f with { Body = Schedule(f.Body) },
            For f => Analyze(f) is { } elem ? new VectorFor(f, elem) : f,
            If i => i with { Then = Schedule(i.Then), Else = Schedule(i.Else) },
            Block b => b with { Body = Schedule(b.Body) },
            _ => s,
        };

        private static bool ContainsLoop(Stmt s) => s switch
        {
            For => true,
            If i => i.Then.Any(ContainsLoop) || i.Else.Any(ContainsLoop),
            Block b => b.Body.Any(ContainsLoop),
            _ => false,
        };

        /// <summary>The element type of a vectorizable loop, or null.</summary>
        public static Scalar? Analyze(For f)
        {
            if (f.Step is not (1 or -1) || f.While is not null) return null; // SIMD needs the trip count on entry
            var a = new Analysis(f.Var);
            if (!a.Block(f.Body)) return null;
            if (a.Elem is null || a.Assignments == 0) return null;
            // Running products p = p * c: c invariant (reads nothing the loop changes), p written by nothing else, and the
            // statements at the end of the body, so every read of p in an iteration sees that iteration's value.
            var inductions = IrQueries.Inductions(f);
            foreach (var ind in inductions)
            {
                if (a.Reductions.Contains(ind.Name) || a.MaxReductions.Contains(ind.Name) || a.Temps.Contains(ind.Name)) return null;
                foreach (var x in IrQueries.Descendants(ind.Factor))
                {
                    if (x is VarRef v && (v.Name == f.Var || a.Temps.Contains(v.Name) || a.Reductions.Contains(v.Name) || a.MaxReductions.Contains(v.Name)
                        || inductions.Any(o => o.Name == v.Name))) return null;
                    if (x is ElemRef el && (a.Writes.ContainsKey(el.Array) || a.ElementReductions.ContainsKey(el.Array) || a.ElementReads.ContainsKey(el.Array))) return null;
                }
            }
            if (a.Inductions != inductions.Count) return null;
            // Scalars accumulated into must not be read in the loop; arrays written must be read only at the same element.
            foreach (var acc in a.Reductions) if (a.ScalarReads.Contains(acc) || a.MaxReductions.Contains(acc)) return null;
            foreach (var acc in a.MaxReductions) if (a.ScalarReads.Contains(acc)) return null;
            foreach (var kv in a.ElementReductions)
            {
                // the element accumulated into is touched by nothing else in the loop
                if (a.Writes.ContainsKey(kv.Key) || a.ElementReads.ContainsKey(kv.Key) || a.InvariantArrayReads.Contains(kv.Key)) return null;
            }
            foreach (var kv in a.Writes)
            {
                if (a.ElementReads.TryGetValue(kv.Key, out var reads) && reads.Any(r => !SameColumn(r, kv.Value))) return null;
                if (a.InvariantArrayReads.Contains(kv.Key)) return null;
            }
            return a.Elem;
        }

        /// <summary>
        /// Two contiguous accesses of one array with the same last index (rows may differ: an LSTM cell updating rows w
        /// and w + 1 at column i): iteration i then touches only column i of that array, so iterations stay independent.
        /// </summary>
        private static bool SameColumn(EquatableArray<Expr> a, EquatableArray<Expr> b) =>
            a.Count == b.Count && a[a.Count - 1].Equals(b[b.Count - 1]);


        private sealed class Analysis
        {
            public int Inductions;
            private readonly string _counter;
            public Scalar? Elem;
            public int Assignments;
            public readonly HashSet<string> Temps = new(StringComparer.Ordinal);
            public readonly HashSet<string> Reductions = new(StringComparer.Ordinal);
            public readonly HashSet<string> MaxReductions = new(StringComparer.Ordinal);
            public readonly HashSet<string> ScalarReads = new(StringComparer.Ordinal);
            public readonly HashSet<string> InvariantArrayReads = new(StringComparer.Ordinal);
            public readonly Dictionary<string, EquatableArray<Expr>> Writes = new(StringComparer.Ordinal);
            public readonly Dictionary<string, EquatableArray<Expr>> ElementReductions = new(StringComparer.Ordinal);
            public readonly Dictionary<string, List<EquatableArray<Expr>>> ElementReads = new(StringComparer.Ordinal);

            public Analysis(string counter) => _counter = counter;

            public bool Block(IEnumerable<Stmt> stmts) => stmts.All(Statement);

            /// <summary>Is <paramref name="e"/> computed in SIMD lanes exactly as in scalar code (arithmetic, Abs, Max, Min, Sqrt)?</summary>
            private static bool ExactInLanes(Expr e) =>
                !IrQueries.Descendants(e).Any(x => x is Intrinsic { Fn: not (Fn.Abs or Fn.Max or Fn.Min or Fn.Sqrt) });

            private bool Statement(Stmt s)
            {
                switch (s)
                {
                    case Comment: return true;
                    case Block b: return Block(b.Body);
                    case DeclScalar { Init: { } init } d when d.Type.IsReal && !d.Hoisted:
                        if (!Real(init) || !Type(d.Type)) return false;
                        Temps.Add(d.Name);
                        return true;
                    case Assign { Op: AssignOp.Set, Target: VarRef v, Value: Intrinsic { Fn: Fn.Max } f } when v.Type.IsReal && !Temps.Contains(v.Name)
                        && f.Args[0] is VarRef self && self.Name == v.Name && !IrQueries.Mentions(f.Args[1], v.Name):
                        // acc = Max(acc, E): a max-reduction. Its adjoint finds the element that gave the maximum by comparing each
                        // recomputed E with it (Differentiate), so E must come out of the lanes bit for bit as the scalar code
                        // computes it: SIMD Exp, Log, Sin, Cos, Tanh are not (an ulp off, the comparison fails, the gradient is lost)
                        if (!Real(f.Args[1]) || !Type(v.Type) || !ExactInLanes(f.Args[1])) return false;
                        MaxReductions.Add(v.Name);
                        Assignments++;
                        return true;
                    case Assign { Op: AssignOp.Set, Target: VarRef v, Value: Binary { Op: BinaryOp.Mul } m } when v.Type.IsReal && !Temps.Contains(v.Name)
                        && (m.Left is VarRef l && l.Name == v.Name && !IrQueries.Mentions(m.Right, v.Name) || m.Right is VarRef r && r.Name == v.Name && !IrQueries.Mentions(m.Left, v.Name)):
                        // p = p * c: a running product (checked against Inductions by Analyze)
                        if (!Real(m) || !Type(v.Type)) return false;
                        Inductions++;
                        Assignments++;
                        return true;
                    case Assign { Target: VarRef v } a when a.Op != AssignOp.Set && v.Type.IsReal && !Temps.Contains(v.Name):
                        if (!Real(a.Value) || !Type(v.Type)) return false;
                        Reductions.Add(v.Name);
                        Assignments++;
                        return true;
                    case Assign { Target: ElemRef el } a when el.Type.IsReal && a.Op != AssignOp.Set && Invariant(el):
                        {
                            // x[j] += e with j fixed in this loop: a reduction into one element
                            if (!Real(a.Value) || !Type(el.Type)) return false;
                            if (ElementReductions.TryGetValue(el.Array, out var other) && !other.Equals(el.Indices)) return false;
                            ElementReductions[el.Array] = el.Indices;
                            Assignments++;
                            return true;
                        }
                    case Assign { Target: ElemRef el } a when el.Type.IsReal:
                        {
                            if (!Contiguous(el) || !Real(a.Value) || !Type(el.Type)) return false;
                            if (Writes.TryGetValue(el.Array, out var other)) { if (!SameColumn(other, el.Indices)) return false; }
                            else Writes[el.Array] = el.Indices;
                            Assignments++;
                            return true;
                        }
                    case If i: return Mask(i.Condition) && Block(i.Then) && Block(i.Else);
                    default: return false;
                }
            }

            private bool Type(IrType t)
            {
                if (Elem is null) { Elem = t.Elem; return true; }
                return Elem == t.Elem;
            }

            private static EquatableArray<Expr> Prefix(ElemRef el) => el.Indices.Take(el.Indices.Count - 1).ToEquatable();

            /// <summary>X[.., i + c] with the counter (plus or minus invariants) last and invariant indices before it.</summary>
            private bool Contiguous(ElemRef el) =>
                Affine(el.Indices[el.Indices.Count - 1]) && Prefix(el).All(Invariant);

            /// <summary>counter, counter ± invariant, invariant + counter.</summary>
            private bool Affine(Expr e) => e switch
            {
                VarRef v => v.Name == _counter,
                Binary { Op: BinaryOp.Add } b => Affine(b.Left) && Invariant(b.Right) || Invariant(b.Left) && Affine(b.Right),
                Binary { Op: BinaryOp.Sub } b => Affine(b.Left) && Invariant(b.Right),
                _ => false,
            };

            /// <summary>An int expression that does not change inside the loop.</summary>
            private bool Invariant(Expr e) =>
                !IrQueries.Descendants(e).Any(d => d is VarRef v && (v.Name == _counter || Temps.Contains(v.Name)) || d is Pop || d is Invoke);

            private bool Real(Expr e)
            {
                switch (e)
                {
                    case Const c: return c.Type.IsReal;
                    case VarRef v when v.Type.IsReal:
                        ScalarReads.Add(v.Name);
                        return true;
                    case ElemRef el when el.Type.IsReal:
                        if (Invariant(el)) { InvariantArrayReads.Add(el.Array); return true; }
                        if (!Contiguous(el)) return false;
                        if (!ElementReads.TryGetValue(el.Array, out var list)) ElementReads[el.Array] = list = new List<EquatableArray<Expr>>();
                        list.Add(el.Indices);
                        return true;
                    case Unary { Op: UnaryOp.Neg } u: return Real(u.Operand);
                    case Binary { Op: BinaryOp.Add or BinaryOp.Sub or BinaryOp.Mul or BinaryOp.Div } b when b.Type.IsReal: return Real(b.Left) && Real(b.Right);
                    case Intrinsic { Fn: Fn.Exp or Fn.Log or Fn.Sqrt or Fn.Abs or Fn.Max or Fn.Min or Fn.Sin or Fn.Cos or Fn.Tanh or Fn.FusedMultiplyAdd } f when f.Type.IsReal && Type(f.Type):
                        return f.Args.All(Real);
                    case Conditional c when c.Type.IsReal: return (RealCompare(c.Condition) || Mask(c.Condition)) && Real(c.WhenTrue) && Real(c.WhenFalse);
                    case IR.Convert cv when cv.Operand.Type == cv.Type: return Real(cv.Operand);
                    default: return false;
                }
            }

            private bool RealCompare(Expr e) => e is Binary { Op: BinaryOp.Lt or BinaryOp.Le or BinaryOp.Gt or BinaryOp.Ge or BinaryOp.Eq or BinaryOp.Ne } b
                && b.Left.Type.IsReal && b.Right.Type.IsReal && Real(b.Left) && Real(b.Right);

            /// <summary>A lane mask: the counter compared with invariant ints, combined with &&, ||, !.</summary>
            public bool Mask(Expr e)
            {
                switch (e)
                {
                    case Unary { Op: UnaryOp.Not } u: return Mask(u.Operand);
                    case Binary { Op: BinaryOp.And or BinaryOp.Or } b: return Mask(b.Left) && Mask(b.Right);
                    case Binary { Op: BinaryOp.Lt or BinaryOp.Le or BinaryOp.Gt or BinaryOp.Ge or BinaryOp.Eq or BinaryOp.Ne } b
                        when b.Left.Type.Elem == Scalar.Int && b.Right.Type.Elem == Scalar.Int:
                        return (IsCounter(b.Left) && Invariant(b.Right)) || (IsCounter(b.Right) && Invariant(b.Left)) || (Invariant(b.Left) && Invariant(b.Right));
                    default: return e.Type.Elem == Scalar.Bool && Invariant(e) && !IrQueries.ReadsReal(e);
                }
            }

            private bool IsCounter(Expr e) => e is VarRef v && v.Name == _counter;
        }
    }
}
