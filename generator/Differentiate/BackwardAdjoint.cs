using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Differentiate
{
    /// <summary>
    /// Backward's own adjoint. The adjoint method serves two callers: Backward, which returns gradients only for the
    /// parameters named in <c>[Differentiable(...)]</c>, and other differentiated methods that call this one (composition),
    /// which may need the adjoint of any float/double input. Built for the second, the adjoint propagates derivatives into
    /// inputs Backward then discards: the data a loss compares against, a layer's input batch (a whole GEMM), gmm's points.
    /// When Differentiate, rerun with those inputs taken as constants, does at least a tenth less work that grows with the
    /// data (statements inside loops, contraction products), Backward calls that adjoint instead; composition keeps the full
    /// one. Smaller savings, and scalar-only ones, do not pay for the second method's code. Outputs (layers) are the other
    /// case: composition's adjoint leaves them as it found them (stores every overwritten element, restores it, and for
    /// Backward copies the forward results aside and back), while Backward wants the forward results left in them; its own
    /// adjoint stores an output's elements only where an adjoint reads them, and is used when that drops an output's copies.
    /// </summary>
    internal static class BackwardAdjoint
    {
        public static AdjointModel Run(MethodModel m)
        {
            var result = WithOwn(m, Differentiator.Run(m));
            return m.Jacobian ? result with { Jacobian = SharedSweeps(m, result.Backward ?? Own(m)) } : result;
        }

        /// <summary>Backward's form of the adjoint: inputs it returns no gradient for as constants, outputs not restored (CPU only,
        /// so a product's adjoint may also be cut to the row sums it feeds).</summary>
        private static AdjointModel Own(MethodModel m)
        {
            var only = m with { Params = m.Params.Select(p => NotReturned(p) ? p with { IsConstant = true } : p).ToEquatable() };
            return RowSummedAdjoints.Run(Differentiator.Run(only, restoreOutputs: false));
        }

        /// <summary>
        /// <paramref name="a"/> when one forward sweep can serve the reverse sweep of every Jacobian row: its forward sweep stores
        /// nothing (no restore stack to pop twice) and its reverse sweep writes no float/double variable or array of the method
        /// (only adjoints and its own temporaries; ints it writes are loop counters and recomputed sizes, which the Jacobian
        /// method puts back before each row). Null otherwise: each row then runs a Backward of its own.
        /// </summary>
        internal static AdjointModel? SharedSweeps(MethodModel m, AdjointModel a)
        {
            if (IrQueries.AllStmts(a.ForwardSweep).Any(s => s is Push or PushAll)) return null;
            var adjoints = new HashSet<string>(a.Adjoints.Select(x => x.Adjoint), System.StringComparer.Ordinal);
            var primal = m.Params.Where(p => p.Type.IsReal).Select(p => p.Name)
                .Concat(a.Locals.Where(l => l.Type.IsReal && !adjoints.Contains(l.Name)).Select(l => l.Name));
            return primal.Any(n => IrQueries.MayWrite(a.ReverseSweep, n)) ? null : a;
        }

        private static AdjointModel WithOwn(MethodModel m, AdjointModel full)
        {
            if (!m.Params.Any(NotReturned) && full.RestoredOutputs.Count == 0) return full;
            // outputs keep the forward results instead of being stored element by element and restored, then copied aside and put back
            var own = Own(m);
            // a tenth less work, or a skipped product, pays for the second method's code (measured: half the methods that
            // would qualify at any saving save under a tenth, a statement or two in a loop); so does an output no longer
            // stored and copied (measured on ba's reprojection, called per observation: 95 -> 59 ns per adjoint)
            long work = Work(full);
            if (!(work > 0 && Work(own) * 10 <= work * 9 || own.RestoredOutputs.Count < full.RestoredOutputs.Count)) return full;
            var sweeps = own.ForwardSweep.Concat(own.ReverseSweep).ToList();
            var adjointOf = own.Adjoints.ToDictionary(x => x.Primal, x => x.Adjoint);
            var unused = m.Params.Where(p => p.Type.IsReal && !IrQueries.MayMention(sweeps, adjointOf[p.Name])).Select(p => p.Name);
            return full with { Backward = own with { UnusedAdjoints = unused.ToEquatable() } };
        }

        /// <summary>A float/double input Backward returns no gradient for (outputs keep theirs: their adjoints are the upstream seeds).</summary>
        public static bool NotReturned(ParamModel p) => p.Type.IsReal && !p.IsWrt && !p.IsWritten && !p.IsConstant;

        /// <summary>Work that grows with the data: statements inside loops, and each contraction product (weighted as a loop nest).</summary>
        private static long Work(AdjointModel a) => Work(a.ForwardSweep, 0) + Work(a.ReverseSweep, 0);

        private const long Product = 1000;

        private static long Work(IEnumerable<Stmt> stmts, int depth)
        {
            long w = 0;
            foreach (var s in stmts)
            {
                switch (s)
                {
                    case For f: w += Work(f.Body, depth + 1); break;
                    case If i: w += (depth > 0 ? 1 : 0) + Work(i.Then, depth) + Work(i.Else, depth); break;
                    case Block b: w += Work(b.Body, depth); break;
                    case Contract: w += Product; break;
                    case ContractAdjoint c: w += (c.SkipA || c.ARowSum is not null ? 0 : Product) + (c.SkipB ? 0 : Product); break;
                    case Comment: break;
                    default: if (depth > 0) w++; break;
                }
            }
            return w;
        }
    }
}
