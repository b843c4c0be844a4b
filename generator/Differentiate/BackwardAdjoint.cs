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
            var full = Differentiator.Run(m);
            if (!m.Params.Any(NotReturned) && full.RestoredOutputs.Count == 0) return full;
            var only = m with { Params = m.Params.Select(p => NotReturned(p) ? p with { IsConstant = true } : p).ToEquatable() };
            // CPU only, so a product's adjoint may also be cut to the row sums it feeds; outputs keep the forward results
            // instead of being stored element by element and restored, then copied aside and put back
            var own = RowSummedAdjoints.Run(Differentiator.Run(only, restoreOutputs: false));
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
