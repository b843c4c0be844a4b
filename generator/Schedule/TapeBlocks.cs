using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Schedule
{
    /// <summary>
    /// Restore-stack stores and loads of a whole loop at once (CPU). An innermost counted loop whose every iteration
    /// pushes exactly one value of a type (step +1), or pops exactly one (step -1, the mirror of such a loop), takes
    /// the loop's block of the stack before it starts (<c>PushBlock</c>/<c>PopBlock</c>: one capacity check), and
    /// iteration <c>i</c> addresses slot <c>base + (i - lo)</c> of the stack's buffer. Iteration t of a pop loop
    /// running from hi down to lo reads the t-th value from the top: slot base + (hi - lo) - t = base + (i - lo), so
    /// the slots are those of the scalar pushes and pops, in any order. The loop is then an ordinary loop over
    /// contiguous elements, which <see cref="Vectorizer"/> may run on SIMD lanes (gmm's per-point rows, ode's steps).
    /// Decided by <see cref="LoopForms"/> after the CPU and GPU loop plans, so the device plans keep the scalar tape.
    /// </summary>
    internal static class TapeBlocks
    {
        /// <summary>A loop rewritten to address its block of the stack.</summary>
        /// <param name="Restored">A scalar the pop loop restores (<c>v = Pop()</c>): the loop reads a per-iteration copy
        /// instead, and <c>v</c> gets the last popped value (slot <c>base</c>) after the loop.</param>
        internal sealed record Plan(For Loop, Scalar Elem, bool Pop, string Base, string Buffer, string Lo, string Hi, Scalar? SimdElem, string? Restored = null)
        {
            /// <summary>The loop on SIMD lanes (with its running products), when <see cref="SimdElem"/> is set.</summary>
            public VectorFor? Simd { get; } = SimdElem is { } e ? new VectorFor(Loop, e) : null;
        }

        /// <summary>The block form of <paramref name="f"/>, or null when the loop does not push or pop one value per iteration.</summary>
        public static Plan? Try(For f, int id)
        {
            if (f.While is not null || f.WideSums.Count > 0) return null;
            if (f.Body.Any(ContainsLoop)) return null;
            // the trip count is taken on entry: the body may not change what the bounds read
            foreach (var x in IrQueries.Descendants(f.Start).Concat(IrQueries.Descendants(f.Bound)))
                if (x is VarRef bv && (bv.Name == f.Var || f.Body.Any(st => Assigns(st, bv.Name)))) return null;
                else if (x is ElemRef or Pop or Invoke) return null;
            bool up = f.Step == 1 && f.Cmp is BinaryOp.Lt or BinaryOp.Le;
            bool down = f.Step == -1 && f.Cmp is BinaryOp.Gt or BinaryOp.Ge;
            if (!up && !down) return null;

            // exactly one stack operation in the body, unconditional, of a real type
            var ops = new List<(Scalar Elem, bool Pop, bool TopLevel)>();
            foreach (var s in f.Body) Collect(s, true, ops);
            if (ops.Count != 1) return null;
            var op = ops[0];
            if (!op.TopLevel || op.Elem is not (Scalar.Double or Scalar.Float)) return null;
            if (op.Pop != down) return null; // pushes in ascending loops, pops in their mirrors

            string n = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string baseName = "__tb" + n, buf = "__tbuf" + n, lo = "__tlo" + n, hi = "__thi" + n;
            var arrayType = new IrType(op.Elem, Shape.Vector);
            var index = new Binary(BinaryOp.Add, new VarRef(baseName, IrType.Int),
                new Binary(BinaryOp.Sub, new VarRef(f.Var, IrType.Int), new VarRef(lo, IrType.Int), IrType.Int), IrType.Int);
            var slot = new ElemRef(buf, arrayType, new Expr[] { index }.ToEquatable());
            var body = f.Body.Select(s => Rewrite(s, op.Elem, slot)).ToList();
            string? restored = null;
            if (op.Pop && RestoredScalar(body, slot, "__tv" + n) is { } r) { body = r.Body; restored = r.Name; }
            var loop = f with { Body = body.ToEquatable() };
            var simd = Vectorizer.Analyze(loop);
            return new Plan(loop, op.Elem, op.Pop, baseName, buf, lo, hi, simd == op.Elem ? simd : null, restored);
        }

        /// <summary>
        /// <c>v = slot</c> as the body's first mention of the scalar v, and v not assigned again: the body reads a local
        /// copy declared there (an iteration-private value, which SIMD lanes can hold). Null when the pattern is absent.
        /// </summary>
        private static (List<Stmt> Body, string Name)? RestoredScalar(List<Stmt> body, ElemRef slot, string copy)
        {
            // flatten top-level blocks (the differentiator wraps each adjoint in one)
            var flat = new List<Stmt>();
            foreach (var s in body) { if (s is Block b) flat.AddRange(b.Body); else flat.Add(s); }
            int at = flat.FindIndex(s => s is Assign { Op: AssignOp.Set, Target: VarRef, Value: ElemRef e } && e.Equals(slot));
            if (at < 0) return null;
            var v = (VarRef)((Assign)flat[at]).Target;
            if (!v.Type.IsReal) return null;
            for (int k = 0; k < at; k++) if (Mentions(flat[k], v.Name)) return null;
            for (int k = at + 1; k < flat.Count; k++) if (Assigns(flat[k], v.Name)) return null;
            var local = new VarRef(copy, v.Type);
            var result = new List<Stmt>(flat.Take(at)) { new DeclScalar(copy, v.Type, slot) };
            foreach (var s in flat.Skip(at + 1)) result.Add(IrRewriter.Map(s, x => x is VarRef r && r.Name == v.Name ? local : null));
            return (result, v.Name);
        }

        private static bool Mentions(Stmt s, string name) =>
            Assigns(s, name) || IrQueries.ExprsOf(s).Any(e => IrQueries.Mentions(e, name));

        private static bool Assigns(Stmt s, string name) => s switch
        {
            Assign { Target: VarRef t } => t.Name == name,
            DeclScalar d => d.Name == name,
            Block b => b.Body.Any(x => Assigns(x, name)),
            If i => i.Then.Any(x => Assigns(x, name)) || i.Else.Any(x => Assigns(x, name)),
            For g => g.Var == name || g.Body.Any(x => Assigns(x, name)),
            _ => false,
        };

        private static bool ContainsLoop(Stmt s) => s switch
        {
            For or VectorFor => true,
            If i => i.Then.Any(ContainsLoop) || i.Else.Any(ContainsLoop),
            Block b => b.Body.Any(ContainsLoop),
            _ => false,
        };

        private static void Collect(Stmt s, bool top, List<(Scalar, bool, bool)> ops)
        {
            switch (s)
            {
                case Push p:
                    ops.Add((p.Value.Type.Elem, false, top));
                    Pops(p.Value, top, ops);
                    break;
                case PushAll or PopAll or AdjointCall or CallStmt:
                    ops.Add((Scalar.Void, false, false)); // whole-array or callee stores: not blocked
                    break;
                case Block b: foreach (var x in b.Body) Collect(x, top, ops); break;
                case If i:
                    Pops(i.Condition, top, ops);
                    foreach (var x in i.Then) Collect(x, false, ops);
                    foreach (var x in i.Else) Collect(x, false, ops);
                    break;
                default:
                    foreach (var e in IrQueries.ExprsOf(s)) Pops(e, top, ops);
                    break;
            }
        }

        private static void Pops(Expr e, bool top, List<(Scalar, bool, bool)> ops)
        {
            foreach (var x in IrQueries.Descendants(e))
            {
                if (x is Pop p) ops.Add((p.Type.Elem, true, top));
                else if (x is Invoke) ops.Add((Scalar.Void, false, false));
            }
        }

        private static Stmt Rewrite(Stmt s, Scalar elem, ElemRef slot) => s switch
        {
            Push p when p.Value.Type.Elem == elem => new Assign(slot, AssignOp.Set, p.Value),
            Block b => b with { Body = b.Body.Select(x => Rewrite(x, elem, slot)).ToEquatable() },
            _ => IrRewriter.Map(s, x => x is Pop pop && pop.Type.Elem == elem ? slot : null),
        };
    }
}
