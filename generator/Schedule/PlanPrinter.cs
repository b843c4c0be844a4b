using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using DiffGen.Generator.Emit;
using DiffGen.Generator.IR;

namespace DiffGen.Generator.Schedule
{
    /// <summary>
    /// Stable text of an <see cref="ExecutionPlan"/>: per pass, what the CPU runs (GEMMs, loops split over cores with
    /// their variable classes, SIMD loops with their sums, loops left on one core and why), the tile-fusion decision,
    /// and what the GPU runs (kernels, cuBLAS) or why it runs nothing. Snapshot-tested per corpus method.
    /// </summary>
    internal static class PlanPrinter
    {
        public static string Print(ExecutionPlan plan)
        {
            var a = plan.Model;
            var m = a.Method;
            var sb = new StringBuilder();
            sb.Append("plan of ").Append(m.ContainingTypeFullName.Replace("global::", "")).Append('.').Append(m.Name).Append('\n');
            Fusion(sb, a);
            sb.Append("forward pass\n");
            Pass(sb, plan, plan.Forward, m.Body);
            RowBlockCores(sb, a.Tiles?.Body);
            LoopForms(sb, plan.Loops.Forward.All);
            if (plan.Frame.ForwardPooled.Count > 0)
                sb.Append("  cpu, pooled arrays: ").Append(string.Join(", ", plan.Frame.ForwardPooled.Select(d => d.Name))).Append('\n');
            sb.Append("adjoint (forward sweep, then reverse sweep)\n");
            Pass(sb, plan, plan.Adjoint, a.ForwardSweep.Concat(a.ReverseSweep));
            RowBlockCores(sb, a.Tiles is { } t ? t.ForwardSweep.Concat(t.ReverseSweep) : null);
            LoopForms(sb, plan.Loops.Adjoint.All);
            if (plan.Frame.RestoreStacks.Count > 0)
                sb.Append("  cpu, restore stacks: ").Append(string.Join(", ", plan.Frame.RestoreStacks.Select(t => new IrType(t, Shape.Scalar).Keyword))).Append('\n');
            var unused = a.Locals.Where(l => !plan.Frame.AdjointDeclared.Contains(l) && !plan.Frame.AdjointDeadStores.Contains(l.Name)).Select(l => l.Name).ToList();
            if (unused.Count > 0) sb.Append("  cpu, locals not declared (no statement mentions them): ").Append(string.Join(", ", unused)).Append('\n');
            if (plan.Frame.AdjointDeadStores.Count > 0)
                sb.Append("  cpu, locals not declared, their assignments not printed (only loops printed as calls of their workers read them): ")
                  .Append(string.Join(", ", plan.Frame.AdjointDeadStores)).Append('\n');
            if (plan.BackwardPlan is { } own)
            {
                var constants = own.Model.Method.Params.Where(p => p.IsConstant && p.Type.IsReal && !p.IsWrt && !p.IsWritten).Select(p => p.Name).ToList();
                var outputs = own.Model.Method.Params.Where(p => p.IsWritten).Select(p => p.Name).ToList();
                sb.Append("backward: its own adjoint (cpu)");
                if (constants.Count > 0) sb.Append(", no derivative flowing into ").Append(string.Join(", ", constants));
                if (outputs.Count > 0)
                {
                    var kept = outputs.Where(o => own.Model.RestoredOutputs.Contains(o)).ToList();
                    sb.Append(", outputs left holding the forward results");
                    if (kept.Count > 0) sb.Append(" (").Append(string.Join(", ", kept)).Append(" restored where an adjoint reads them, then put back)");
                }
                if (own.Model.UnusedAdjoints.Count > 0) sb.Append(", no adjoint argument for ").Append(string.Join(", ", own.Model.UnusedAdjoints));
                sb.Append('\n');
                foreach (var c in IrQueries.AllStmts(own.Model.ReverseSweep).OfType<ContractAdjoint>().Where(c => c.SkipA || c.SkipB || c.ARowSum is not null).Distinct())
                    sb.Append("  ").Append(AdjointGemm(c)).Append('\n');
            }
            if (a.Method.Jacobian)
                sb.Append(plan.JacobianPlan is not null ? "jacobian: one forward sweep, then one reverse sweep per output element (cpu)\n"
                    : "jacobian: one Backward per output element (" + (a.Jacobian is null ? "the reverse sweep restores values the forward sweep stored" : "the shared sweeps would be tile-fused") + ")\n");
            return sb.ToString();
        }

        /// <summary>"gemm Ā, B̄ += from T̄" with what the CPU skips or sums instead (an inactive factor, a row-summed adjoint).</summary>
        private static string AdjointGemm(ContractAdjoint c)
        {
            var sb = new StringBuilder("gemm ");
            sb.Append(c.SkipA ? "" : c.ARowSum?.Array ?? c.AAdj.Array).Append(c.SkipA || c.SkipB ? "" : ", ").Append(c.SkipB ? "" : c.BAdj.Array).Append(" += from ").Append(c.TargetAdj);
            if (c.ARowSum is { } rs)
                sb.Append(" (").Append(c.AAdj.Array).Append(" only summed over rows ").Append(ExprPrinter.CSharp.Print(c.ARowLo!)).Append(" .. ").Append(ExprPrinter.CSharp.Print(c.ARowHi!))
                  .Append(": the summed rows of ").Append(c.TargetAdj).Append(" times ").Append(c.B.Array).Append(" into ").Append(rs.Array).Append(')');
            if (c.SkipA || c.SkipB) sb.Append(" (").Append(c.SkipA ? c.A.Array : c.B.Array).Append(" not active: its product skipped)");
            return sb.ToString();
        }

        /// <summary>Schedule's CPU forms of scalar loops (<see cref="Schedule.LoopForms"/>), in the order they were decided.</summary>
        private static void LoopForms(StringBuilder sb, IReadOnlyList<LoopForm> forms)
        {
            if (forms.Count == 0) return;
            sb.Append("  cpu, loop forms\n");
            foreach (var f in forms)
            {
                sb.Append("    loop ").Append(f.Loop.Var);
                if (f.At.Length > 0) sb.Append(" (in loop ").Append(f.At).Append(')');
                if (f.Place.Length > 0) sb.Append(", ").Append(f.Place);
                sb.Append(": ");
                if (f.Block is { } b)
                    sb.Append(b.Pop ? "pops" : "pushes").Append(" one ").Append(new IrType(b.Elem, Shape.Scalar).Keyword)
                      .Append(" per iteration: one block of the restore stack (").Append(b.Base).Append(')')
                      .Append(b.SimdElem is null ? "" : ", simd lanes")
                      .Append(b.Restored is { } v ? ", restores " + v + " from the block's first slot" : "").Append('\n');
                else if (f.Promoted is { } p)
                    sb.Append("updates ").Append(ExprPrinter.CSharp.Print(p.Element)).Append(" in the local ").Append(p.Local).Append('\n');
                else if (f.Jammed is { } j)
                    sb.Append("unroll-and-jam: ").Append(UnrollJam.Factor).Append(" iterations share one simd pass over ").Append(j.Inner.Loop.Var)
                      .Append(j.Shared.Count == 0 ? "" : "; " + string.Join(", ", j.Shared) + " held in a register per step").Append('\n');
            }
        }

        private static void Fusion(StringBuilder sb, Differentiate.AdjointModel a)
        {
            var tables = a.Method.Body.OfType<Contract>().ToList();
            if (tables.Count == 0) return;
            foreach (var c in tables)
            {
                sb.Append("tile fusion of ").Append(c.Target).Append(": ");
                if (a.Tiles?.Table == c.Target)
                {
                    var panels = a.Tiles.Body.Concat(a.Tiles.ForwardSweep).Concat(a.Tiles.ReverseSweep).SelectMany(Tiled).ToList();
                    sb.Append("fused on the cpu (").Append(panels.Count).Append(" tiled loop").Append(panels.Count == 1 ? "" : "s")
                      .Append(", chosen at run time by the table's size)\n");
                }
                else sb.Append("not fused: ").Append(TileFusion.WhyNotHere(a, c.Target)).Append('\n');
            }
            if (a.Tiles?.RowBlocked is { } p)
                sb.Append("row-block fusion of ").Append(p).Append(": held a block of rows at a time with the tile-fused table (the reverse sweep recomputes each block)\n");
            else if (a.Tiles?.RowBlocksWhyNot is { } why)
                sb.Append("row-block fusion: not applied to ").Append(why).Append('\n');
        }

        /// <summary>The tile-fused branch's row blocks on the CPU cores (Schedule's <see cref="RowBlockCoresPlanner"/>).</summary>
        private static void RowBlockCores(StringBuilder sb, IEnumerable<Stmt>? stmts)
        {
            if (stmts is null) return;
            var blocks = stmts.SelectMany(s => s is TileChoice c ? c.Fused.AsEnumerable() : new[] { s }).OfType<RowBlocks>().ToList();
            if (blocks.Count == 0) return;
            sb.Append("  cpu, tile-fused\n");
            foreach (var r in blocks)
            {
                sb.Append("    row blocks of ").Append(string.Join(", ", r.Panels.Select(p => p.Name))).Append(r.Descending ? ", last block first" : "").Append(": ");
                if (r.Cores is not { } cores) { sb.Append("one core\n"); continue; }
                if (!cores.Split) { sb.Append("one core: ").Append(cores.WhyNot).Append('\n'); continue; }
                sb.Append("split over cores (a range of blocks per worker, chosen per call by the table's size)");
                sb.Append("; per worker: panels ").Append(string.Join(", ", r.Panels.Select(p => p.Name)));
                if (cores.Tapes.Count > 0) sb.Append(", restore tape").Append(cores.Tapes.Count == 1 ? "" : "s").Append(" of ").Append(string.Join(", ", cores.Tapes.Select(t => t.Keyword)));
                if (cores.Accumulated.Count > 0) sb.Append(", own copies of ").Append(string.Join(", ", cores.Accumulated.Select(x => x.Name))).Append(" (added in worker order)");
                if (cores.Entry.Count > 0) sb.Append("; reset per iteration ").Append(string.Join(", ", cores.Entry.Select(x => x.Name)));
                var locals = cores.Locals.Where(x => x.Type.Elem != Scalar.Int && !cores.Entry.Any(e => e.Name == x.Name)).Select(x => x.Name).ToList();
                if (locals.Count > 0) sb.Append("; private ").Append(string.Join(", ", locals));
                sb.Append('\n');
            }
        }

        private static IEnumerable<TiledLoop> Tiled(Stmt s) => s switch
        {
            TiledLoop t => new[] { t },
            TileChoice c => c.Fused.SelectMany(Tiled),
            RowBlocks r => r.Body.SelectMany(Tiled),
            _ => Array.Empty<TiledLoop>(),
        };

        private static void Pass(StringBuilder sb, ExecutionPlan plan, PassPlan pass, IEnumerable<Stmt> stmts)
        {
            sb.Append("  cpu\n");
            var split = pass.CpuParallel.ToDictionary(l => l.Step.Loop!, l => l, StmtReferenceComparer.Instance);
            int serial = 0;
            void Flush()
            {
                if (serial == 0) return;
                sb.Append("    ").Append(serial).Append(serial == 1 ? " statement" : " statements").Append(" in order\n");
                serial = 0;
            }
            foreach (var s in stmts)
            {
                switch (s)
                {
                    case Comment:
                        continue;
                    case Contract c:
                        Flush();
                        sb.Append("    gemm ").Append(c.Target).Append(" = ").Append(Gemm(c.A, c.TransA, c.B, c.TransB)).Append(" (k: ").Append(ExprPrinter.CSharp.Print(c.K)).Append(c.Triangle == Triangle.None ? "" : ", " + c.Triangle.ToString().ToLowerInvariant() + " triangle of " + c.B.Array + " only").Append(")\n");
                        continue;
                    case ContractAdjoint c:
                        Flush();
                        sb.Append("    ").Append(AdjointGemm(c)).Append('\n');
                        continue;
                    case For f:
                        Flush();
                        sb.Append("    loop ").Append(f.Var).Append(": ");
                        if (split.TryGetValue(f, out var l))
                        {
                            sb.Append("split over cores");
                            if (l.RowLoop is { } row) sb.Append(" (work per iteration: the trip of loop ").Append(row.Var).Append(')');
                            if (l.ForwardOf is not null) sb.Append(", forward half of a pair (indexed tape: ").Append(l.Pushes).Append(" stores + ").Append(l.Finals.Count).Append(" values per iteration)");
                            if (l.ReverseOf is not null) sb.Append(", reverse half of a pair");
                            sb.Append(Classes(l.Step));
                            if (l.NotSplitWhenFused is { } fusedWhy) sb.Append("; ").Append(fusedWhy);
                            sb.Append('\n');
                            Worker(sb, "worker", l.Worker, l.WrittenBack);
                            sb.Append("      one core: ").Append(l.OwnSequentialCopy is { } own ? "the loop printed again (" + own + ")" : "the worker's range method over all iterations").Append('\n');
                            if (l.TiledVersion is { } tv) Worker(sb, "tiled worker", tv.Worker, tv.WrittenBack);
                            Simd(sb, f);
                            continue;
                        }
                        else if (pass.CpuNotSplit.TryGetValue(f, out var why)) sb.Append("one core: ").Append(why);
                        else sb.Append("one core: ").Append(SerialReason(pass.Cpu, f));
                        sb.Append('\n');
                        Simd(sb, f);
                        continue;
                    case VectorFor v:
                        Flush();
                        sb.Append("    simd loop ").Append(v.Loop.Var).Append(Sums(v)).Append('\n');
                        continue;
                    default:
                        serial++;
                        continue;
                }
            }
            Flush();

            if (!plan.HasCuda)
            {
                sb.Append("  cuda: none: ").Append(plan.CudaFailure).Append('\n');
                return;
            }
            sb.Append("  cuda\n");
            CudaSteps(sb, pass.Cuda!);
            if (plan.Model.Tiles is null) return;
            if (pass.CudaTiled is { } tiled)
            {
                sb.Append("  cuda, tile-fused (chosen per call by the table's size)\n");
                if (tiled.RowBlocks.Count == 0 && plan.CudaRowBlocksFailure is { } rbWhy) sb.Append("    row-block fusion: not on the device: ").Append(rbWhy).Append('\n');
                CudaSteps(sb, tiled);
            }
            else sb.Append("  cuda, tile-fused: none: ").Append(plan.CudaTilingFailure).Append('\n');
        }

        /// <summary>A split loop's worker (<see cref="CpuWorker"/>): its inputs, its locals, the privates it writes back.</summary>
        private static void Worker(StringBuilder sb, string what, CpuWorker w, List<string> writtenBack)
        {
            sb.Append("      ").Append(what).Append(": inputs ").Append(w.Fields.Count == 0 ? "none" : string.Join(", ", w.Fields.Select(x => x.Kind == CpuFieldKind.Entry ? x.Name + " (entry value)" : x.Name)));
            if (w.Locals.Count > 0) sb.Append("; locals ").Append(string.Join(", ", w.Locals.Select(x => x.Name)));
            if (writtenBack.Count > 0) sb.Append("; privates written back: ").Append(string.Join(", ", writtenBack));
            if (w.ChunkCopies.Count > 0) sb.Append("; a copy per chunk of ").Append(string.Join(", ", w.ChunkCopies));
            sb.Append('\n');
        }

        private static void CudaSteps(StringBuilder sb, DeviceProgram program)
        {
            DeviceRowBlock? open = null;
            foreach (var st in program.Steps)
            {
                if (!ReferenceEquals(st.RowBlock, open))
                {
                    open = st.RowBlock;
                    if (open is not null)
                        sb.Append("    row-block fusion of ").Append(string.Join(", ", open.PanelArrays)).Append(": per block of ").Append(open.Name)
                          .Append(" rows (rows per block × ").Append(ExprPrinter.CSharp.Print(open.Cols)).Append(" elements on the device, not ")
                          .Append(ExprPrinter.CSharp.Print(open.Rows)).Append(" × ").Append(ExprPrinter.CSharp.Print(open.Cols)).Append(")")
                          .Append(open.Descending ? ", last block first, its forward iterations recomputed" : "").Append(":\n");
                }
                sb.Append(open is null ? "    " : "      ");
                switch (st.Kind)
                {
                    case StepKind.Gemm:
                        sb.Append("cublas ").Append(st.Gemm switch
                        {
                            Contract c => "gemm " + c.Target,
                            ContractAdjoint ca => "gemm " + ca.AAdj.Array + ", " + ca.BAdj.Array + " += from " + ca.TargetAdj,
                            ContractRows r => "gemm rows [lo, hi) of " + r.Source.Target + " = " + r.Source.A.Array + " block·" + r.Source.B.Array + (r.Source.TransB ? "" : "ᵀ"),
                            ContractRowsAdjoint r => "gemm " + r.Source.AAdj.Array + " block, " + r.Source.BAdj.Array + " += from rows [lo, hi) of " + r.Source.TargetAdj,
                            _ => "gemm",
                        });
                        break;
                    case StepKind.Serial:
                        sb.Append("kernel ").Append(st.Kernel).Append(": one thread, ").Append(st.Body.Count(x => x is not Comment)).Append(" statements");
                        foreach (var why in st.Comments.Where(x => x.Contains(" runs on one thread: "))) sb.Append("; ").Append(why);
                        break;
                    default:
                        sb.Append("kernel ").Append(st.Kernel).Append(": loop ").Append(st.Tiled?.Original.Var ?? st.Loop!.Var).Append(st.BlockPerIteration ? ", a block per iteration" : ", a thread per iteration");
                        if (st.Tiled is not null) sb.Append(", a block of iterations per launch after cublas gemms into ").Append(string.Join(", ", st.Panels.Select(x => x.Name)));
                        if (st.Recompute is not null) sb.Append(", recomputes its forward iteration");
                        if (st.Tape is not null) sb.Append(st.Tape.IsForward ? ", stores an indexed tape" : ", reads an indexed tape");
                        sb.Append(Classes(st));
                        if (st.AtomicArrays.Count > 0) sb.Append("; atomic sums into ").Append(string.Join(", ", st.AtomicArrays.OrderBy(x => x, StringComparer.Ordinal)));
                        break;
                }
                sb.Append('\n');
                var detail = open is null ? "      " : "        ";
                if (st.UsesTape) sb.Append(detail).Append("pushes to or pops from the sequential restore tape\n");
                if (st.SlotsWrittenBack.Count > 0) sb.Append(detail).Append("stores back into their slots: ").Append(string.Join(", ", st.SlotsWrittenBack)).Append('\n');
                foreach (var (what, loop, part) in st.RecomputedPartitions.Select(kv => ("recomputed ", kv.Key, kv.Value)).Concat(st.Partitions.Select(kv => ("", kv.Key, kv.Value))))
                {
                    sb.Append(detail).Append(what).Append("simd loop ").Append(((For)loop).Var).Append(" over the block's threads [")
                      .Append(ExprPrinter.CSharp.Print(part.Lo)).Append(", ").Append(ExprPrinter.CSharp.Print(part.Hi)).Append(')');
                    if (part.Reduced.Count > 0) sb.Append(", block reductions: ").Append(string.Join(", ", part.Reduced.Select(r => r.Var + " (" + r.Kind + ")")));
                    sb.Append('\n');
                }
                if (st.Fused is { } fk)
                {
                    sb.Append(detail).Append("fused tile kernel ").Append(fk.Kernel).Append(" (Tiling.DeviceFusedKernels): a warp per iteration; tile loops ")
                      .Append(string.Join(", ", fk.TileLoops.Select(kv => ((For)kv.Key).Var + " reads " + string.Join(", ", kv.Value.Select(t => t.Entry.Source.Target + "[" + ExprPrinter.CSharp.Print(t.Entry.Row) + ", " + ((For)kv.Key).Var + "]")))));
                    int direct = DevicePlanner.Flatten(fk.Recompute is { } fr ? fr.Body.Concat(fk.Loop!.Body) : fk.Loop!.Body)
                        .SelectMany(IrQueries.ExprsOf).SelectMany(IrQueries.Descendants).Count(x => x is TableEntry);
                    if (direct > 0) sb.Append("; ").Append(direct).Append(" entr").Append(direct == 1 ? "y" : "ies").Append(" read as dot products");
                    if (fk.OnlineSums.Count > 0)
                        sb.Append("; one sweep (online maximum, rescaled sums) for ").Append(string.Join(", ", fk.OnlineSums.Values.Select(o => o.Max + " with " + o.Sum)));
                    sb.Append('\n');
                }
                else if (st.NotFused is { } nf) sb.Append(detail).Append("no fused tile kernel: ").Append(nf).Append('\n');
                else if (st.Tiled is not null && !FusedTileKernels.ReadsPanels(st)) sb.Append(detail).Append("reads no table entry: no panel gemm, no fused tile kernel needed\n");
                if (st.FlushedPanels.Count > 0)
                    sb.Append(detail).Append("after each block of ").Append(ExprPrinter.CSharp.Print(st.TiledRange.Lo)).Append(" .. ").Append(ExprPrinter.CSharp.Print(st.TiledRange.Hi))
                      .Append(": flushes panel adjoint").Append(st.FlushedPanels.Count == 1 ? " " : "s ").Append(string.Join(", ", st.FlushedPanels.Select(x => x.Name + "_a"))).Append('\n');
            }
        }

        private static string Gemm(ArrayRef a, bool transA, ArrayRef b, bool transB) =>
            a.Array + (transA ? "ᵀ" : "") + "·" + b.Array + (transB ? "" : "ᵀ");

        private static string Classes(DeviceStep st)
        {
            var sb = new StringBuilder();
            foreach (var g in st.Classes.Where(kv => kv.Value != VarClass.Invariant).GroupBy(kv => kv.Value).OrderBy(g => g.Key))
            {
                sb.Append("; ").Append(g.Key switch
                {
                    VarClass.Private => "private",
                    VarClass.Reduction => "sums",
                    VarClass.Carried => "carried",
                    _ => "recomputed",
                }).Append(' ').Append(string.Join(", ", g.Select(kv => kv.Key).OrderBy(x => x, StringComparer.Ordinal)));
            }
            return sb.ToString();
        }

        private static void Simd(StringBuilder sb, For f)
        {
            foreach (var v in DevicePlanner.Flatten(f.Body).OfType<VectorFor>())
                sb.Append("      simd loop ").Append(v.Loop.Var).Append(Sums(v)).Append('\n');
        }

        private static string Sums(VectorFor v)
        {
            var sums = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var s in DevicePlanner.Flatten(v.Loop.Body))
                if (s is Assign { Target: VarRef t, Op: AssignOp.Add or AssignOp.Sub }) sums.Add(t.Name);
            return sums.Count == 0 ? "" : " (sums " + string.Join(", ", sums) + ")";
        }

        private static string SerialReason(DeviceProgram? cpu, For f)
        {
            if (cpu is null) return "the method has no array parameter";
            foreach (var st in cpu.Steps.Where(s => s.Kind == StepKind.Serial && s.Body.Any(b => ReferenceEquals(b, f))))
                foreach (var c in st.Comments)
                {
                    var at = c.IndexOf(" runs on one thread: ", StringComparison.Ordinal);
                    if (c.StartsWith("loop over " + f.Var + " ", StringComparison.Ordinal) && at >= 0) return c.Substring(at + " runs on one thread: ".Length);
                }
            return "its iterations depend on each other";
        }
    }
}
