using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.Differentiate;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Schedule
{
    /// <summary>
    /// What the CPU methods hold around their statements, decided once per method: the forward pass's local arrays
    /// rented from the pool (declared above its try, returned in finally), the adjoint's hoisted locals it declares
    /// (those some printed statement mentions: a local the log-sum-exp rewrite left unused is not declared), and the
    /// restore stacks the adjoint rents (one per element type it pushes).
    /// </summary>
    internal sealed class CpuFrame
    {
        private CpuFrame(EquatableArray<DeclArray> pooled, EquatableArray<HoistedLocal> declared, IReadOnlyList<Scalar> stacks)
        {
            ForwardPooled = pooled;
            AdjointDeclared = declared;
            RestoreStacks = stacks;
        }

        /// <summary>No frame (a writer that prints no method body).</summary>
        public static CpuFrame None { get; } = new(EquatableArray<DeclArray>.Empty, EquatableArray<HoistedLocal>.Empty, Array.Empty<Scalar>());

        /// <summary>The forward pass's local arrays (top level, or the top of a tile-fusion branch; first declaration of a name), pooled.</summary>
        public EquatableArray<DeclArray> ForwardPooled { get; }

        /// <summary>The adjoint's hoisted locals it declares, in the order of <see cref="AdjointModel.Locals"/>.</summary>
        public EquatableArray<HoistedLocal> AdjointDeclared { get; }

        /// <summary>Element types of the restore stacks the adjoint rents (ordered).</summary>
        public IReadOnlyList<Scalar> RestoreStacks { get; }

        public static CpuFrame Plan(AdjointModel a)
        {
            var mentioned = Mentioned(a.ForwardSweep.Concat(a.ReverseSweep)
                .Concat(a.Tiles is { } tp ? tp.ForwardSweep.Concat(tp.ReverseSweep) : Enumerable.Empty<Stmt>()));
            return new CpuFrame(
                TopLevelArrays(a.Tiles?.Body ?? a.Method.Body).ToEquatable(),
                a.Locals.Where(l => mentioned.Contains(l.Name)).ToEquatable(),
                TapesUsed(a));
        }

        private static List<DeclArray> TopLevelArrays(IEnumerable<Stmt> body)
        {
            var list = new List<DeclArray>();
            foreach (var s in body)
            {
                if (s is DeclArray d) list.Add(d);
                else if (s is TileChoice c) list.AddRange(TopLevelArrays(c.Fused).Concat(TopLevelArrays(c.Materialised)));
            }
            return list.GroupBy(d => d.Name).Select(g => g.First()).ToList();
        }

        /// <summary>Every variable and array name the statements declare, assign or read (tile-fusion branches included).</summary>
        private static HashSet<string> Mentioned(IEnumerable<Stmt> stmts)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            void Expr(Expr e)
            {
                foreach (var d in IrQueries.Descendants(e))
                    switch (d)
                    {
                        case VarRef v: names.Add(v.Name); break;
                        case ElemRef el: names.Add(el.Array); break;
                        case ArrayRef ar: names.Add(ar.Array); break;
                        case LengthOf lo: names.Add(lo.Array); break;
                        case TableEntry te: names.Add(te.Source.A.Array); names.Add(te.Source.B.Array); Expr(te.Source.K); break;
                    }
            }
            void Walk(IEnumerable<Stmt> list)
            {
                foreach (var s in list)
                {
                    switch (s)
                    {
                        case DeclScalar d: names.Add(d.Name); break;
                        case DeclArray d: names.Add(d.Name); break;
                        case Assign { Target: VarRef v }: names.Add(v.Name); break;
                        case Assign { Target: ElemRef el }: names.Add(el.Array); break;
                        case For f: names.Add(f.Var); Walk(f.Body); break;
                        case VectorFor v: Walk(new Stmt[] { v.Loop }); break;
                        case If i: Walk(i.Then); Walk(i.Else); break;
                        case Block b: Walk(b.Body); break;
                        case TiledLoop t: Walk(new Stmt[] { t.Loop }); break;
                        case TileChoice c: names.Add(c.Flag); Walk(c.Fused); Walk(c.Materialised); break;
                        case RowBlocks r: Expr(r.Rows); Expr(r.Cols); Walk(r.Panels); Walk(r.Body); break;
                        case ContractRows c: names.Add(c.Source.Target); names.Add(c.Source.A.Array); names.Add(c.Source.B.Array); Expr(c.Source.K); break;
                        case ContractRowsAdjoint c: Walk(new Stmt[] { c.Source }); Expr(c.Source.K); break;
                        case Contract c: names.Add(c.Target); names.Add(c.A.Array); names.Add(c.B.Array); break;
                        case ContractAdjoint c: names.Add(c.TargetAdj); names.Add(c.AAdj.Array); names.Add(c.BAdj.Array); if (c.ARowSum is { } rs) names.Add(rs.Array); break;
                        case TableEntryAdjoint e: names.Add(e.AAdj.Array); names.Add(e.BAdj.Array); Expr(e.Row); Expr(e.Col); Expr(e.Value); break;
                        case Push p: Expr(p.Value); break;
                        case AdjointCall ac: foreach (var x in ac.Args.Concat(ac.Adjoints)) Expr(x); if (ac.Seed is { } sd) Expr(sd); break;
                        case PushAll pa: names.Add(pa.Array.Array); break;
                        case PopAll pa: names.Add(pa.Array.Array); break;
                    }
                    foreach (var e in IrQueries.ExprsOf(s)) Expr(e);
                }
            }
            Walk(stmts);
            return names;
        }

        /// <summary>
        /// The element types the sweeps push (a replayed loop stores within each iteration of the reverse sweep). The
        /// untiled sweeps: tile fusion's tiled loops push what the loops they replace push.
        /// </summary>
        private static List<Scalar> TapesUsed(AdjointModel a)
        {
            var set = new SortedSet<Scalar>();
            void Walk(IEnumerable<Stmt> stmts)
            {
                foreach (var s in stmts)
                {
                    switch (s)
                    {
                        case Push p: set.Add(p.Value.Type.Elem); break;
                        case PushAll p: set.Add(p.Array.ArrayType.Elem); break;
                        case For f: Walk(f.Body); break;
                        case VectorFor v: Walk(v.Loop.Body); break;
                        case If f: Walk(f.Then); Walk(f.Else); break;
                        case Block b: Walk(b.Body); break;
                    }
                }
            }
            Walk(a.ForwardSweep);
            Walk(a.ReverseSweep);
            return set.ToList();
        }
    }
}
