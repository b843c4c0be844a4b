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
        private CpuFrame(EquatableArray<DeclArray> pooled, EquatableArray<HoistedLocal> declared, IReadOnlyList<Scalar> stacks, IReadOnlyCollection<string> dead)
        {
            ForwardPooled = pooled;
            AdjointDeclared = declared;
            RestoreStacks = stacks;
            AdjointDeadStores = dead;
        }

        /// <summary>No frame (a writer that prints no method body).</summary>
        public static CpuFrame None { get; } = new(EquatableArray<DeclArray>.Empty, EquatableArray<HoistedLocal>.Empty, Array.Empty<Scalar>(), Array.Empty<string>());

        /// <summary>
        /// Scalars the adjoint's statements only assign once their loops' bodies print as calls of workers (the loop read
        /// them; its worker has its own): neither declared nor assigned (C# flags a local only ever given constants, CS0219).
        /// </summary>
        public IReadOnlyCollection<string> AdjointDeadStores { get; }

        /// <summary>The forward pass's local arrays (top level, or the top of a tile-fusion branch; first declaration of a name), pooled.</summary>
        public EquatableArray<DeclArray> ForwardPooled { get; }

        /// <summary>The adjoint's hoisted locals it declares, in the order of <see cref="AdjointModel.Locals"/>.</summary>
        public EquatableArray<HoistedLocal> AdjointDeclared { get; }

        /// <summary>Element types of the restore stacks the adjoint rents (ordered).</summary>
        public IReadOnlyList<Scalar> RestoreStacks { get; }

        /// <param name="split">The adjoint's loops split over cores: a loop whose one-core branch calls its worker's range
        /// method (<see cref="CpuLoopPlan.OwnSequentialCopy"/>) mentions its inputs only, its body's scalars are the worker's.</param>
        public static CpuFrame Plan(AdjointModel a, IEnumerable<CpuLoopPlan> split)
        {
            var shared = new Dictionary<Stmt, CpuLoopPlan>(StmtReferenceComparer.Instance);
            foreach (var l in split) if (l.OwnSequentialCopy is null && l.NotSplitWhenFused is null) shared[l.Step.Loop!] = l;
            var read = new HashSet<string>(StringComparer.Ordinal);
            var mentioned = Mentioned(a.ForwardSweep.Concat(a.ReverseSweep)
                .Concat(a.Tiles is { } tp ? tp.ForwardSweep.Concat(tp.ReverseSweep) : Enumerable.Empty<Stmt>()), shared, read);
            // what only the shared loops' bodies read, the rest of the method only assigns (the result is read by the return)
            var inShared = Mentioned(shared.Keys.OfType<For>().SelectMany(f => f.Body), new Dictionary<Stmt, CpuLoopPlan>(), new HashSet<string>(StringComparer.Ordinal));
            // an assignment whose value pops the restore stack or calls a method stays (and with it the local)
            // (outside the shared loops, whose bodies print in their workers)
            var impure = new HashSet<string>(StringComparer.Ordinal);
            void Impure(IEnumerable<Stmt> stmts)
            {
                foreach (var s in stmts)
                    switch (s)
                    {
                        case Assign { Target: VarRef v } asg when IrQueries.Descendants(asg.Value).Any(d => d is Pop or Invoke): impure.Add(v.Name); break;
                        case DeclScalar { Init: { } init } d when IrQueries.Descendants(init).Any(x => x is Pop or Invoke): impure.Add(d.Name); break;
                        case For f when shared.ContainsKey(f): break;
                        case For f: Impure(f.Body); break;
                        case VectorFor vf: Impure(vf.Loop.Body); break;
                        case If i: Impure(i.Then); Impure(i.Else); break;
                        case Block b: Impure(b.Body); break;
                        case TiledLoop t: Impure(new Stmt[] { t.Loop }); break;
                        case TileChoice c: Impure(c.Fused); Impure(c.Materialised); break;
                        case RowBlocks r: Impure(r.Body); break;
                    }
            }
            Impure(a.ForwardSweep.Concat(a.ReverseSweep).Concat(a.Tiles is { } tt ? tt.ForwardSweep.Concat(tt.ReverseSweep) : Enumerable.Empty<Stmt>()));
            var dead = new SortedSet<string>(a.Locals.Where(l => !l.Type.IsArray && mentioned.Contains(l.Name) && !read.Contains(l.Name) && inShared.Contains(l.Name)
                && !impure.Contains(l.Name) && l.Name != a.ResultName).Select(l => l.Name), StringComparer.Ordinal);
            return new CpuFrame(
                TopLevelArrays(a.Tiles?.Body ?? a.Method.Body).ToEquatable(),
                a.Locals.Where(l => mentioned.Contains(l.Name) && !dead.Contains(l.Name)).ToEquatable(),
                TapesUsed(a, shared),
                dead);
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

        /// <summary>
        /// Every variable and array name the statements declare, assign or read (tile-fusion branches included); of a loop
        /// printed as a call of its worker's range method, the names the call passes. The scalars read go into <paramref name="read"/>.
        /// </summary>
        private static HashSet<string> Mentioned(IEnumerable<Stmt> stmts, Dictionary<Stmt, CpuLoopPlan> shared, HashSet<string> read)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            void Expr(Expr e)
            {
                foreach (var d in IrQueries.Descendants(e))
                    switch (d)
                    {
                        case VarRef v: names.Add(v.Name); read.Add(v.Name); break;
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
                        case For f when shared.TryGetValue(f, out var l):
                            var passed = l.Worker.Fields.Select(x => x.Name).Concat(l.WrittenBack)
                                .Concat(l.Step.Classes.Where(kv => kv.Value == VarClass.Reduction).Select(kv => kv.Key)).ToList();
                            names.UnionWith(passed);
                            read.UnionWith(passed);
                            Expr(f.Start);
                            Expr(f.Bound);
                            continue; // not the body's expressions

                        case For f: names.Add(f.Var); read.Add(f.Var); Walk(f.Body); break;
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
        /// untiled sweeps: tile fusion's tiled loops push what the loops they replace push. A pair printed as calls of its
        /// workers' range methods pushes nothing there.
        /// </summary>
        private static List<Scalar> TapesUsed(AdjointModel a, Dictionary<Stmt, CpuLoopPlan> shared)
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
                        // a pair whose one-core branch calls its worker stores into its indexed tape (its tiled version, if
                        // any, into the restore stack on one core)
                        case For f when shared.TryGetValue(f, out var l) && l.TiledVersion is null: break;
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
