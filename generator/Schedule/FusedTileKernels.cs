using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Schedule
{
    /// <summary>
    /// An entry of the 32-column tile a fused tile kernel computes for one of its tile loops: lane l of the warp whose
    /// iteration reads <c>Entry</c> gets (Entry.Row, c0 + l), the loop's counter being c0 + l. The CUDA writer prints the
    /// register the kernel's shared-memory tile product left it in.
    /// </summary>
    internal sealed record TileValue(TableEntry Entry) : Expr(Entry.Type);

    /// <summary>
    /// Schedule's fused form of each tiled loop on the GPU (issue 9, item 6): instead of a cuBLAS GEMM into a panel of
    /// table rows and a kernel that reads the panel (one block per iteration), one kernel runs each iteration on one warp,
    /// and the block's warps share the table's entries: every top-level split SIMD loop over a table row (the counter is
    /// the entry's column, the row does not change inside the loop, the range is the same for every iteration) walks
    /// the columns 32 at a time, and each 32-column tile of the block's rows is computed in shared memory
    /// (<c>__dg_tile</c>), so no part of the table is ever stored. Entries read anywhere else are dot products where they
    /// are read (<see cref="TableEntry"/>). The table's adjoint panels stay (flushed by two GEMMs per block). Which form
    /// runs is the caller's choice at run time (<c>Tiling.DeviceFusedKernels</c>), step by step: a step without a fused
    /// kernel keeps its panels (the plan says why), a step that reads no table entry needs none.
    /// </summary>
    internal static class FusedTileKernels
    {
        public static void Plan(DeviceProgram p)
        {
            foreach (var st in p.Steps.Where(x => x.Tiled is not null))
                st.Fused = ReadsPanels(st) ? Build(p, st, out st.NotFused) : null; // a step that only writes the table's adjoint needs no value panel
        }

        /// <summary>The step's kernel reads entries of the table (a value panel), not only its adjoint.</summary>
        public static bool ReadsPanels(DeviceStep st) => st.Panels.Any(x => st.Uses.Arrays.Contains(x.Name + "_v"));

        /// <summary>
        /// A value panel that every step reading it can do without (each has a fused tile kernel): with the fused kernels
        /// on, it is not allocated.
        /// </summary>
        public static bool FusedAway(DeviceProgram p, DevicePanel panel) =>
            p.Steps.Any(x => x.Fused is not null) && p.Steps.All(x => x.Tiled is null || x.Fused is not null || !x.Uses.Arrays.Contains(panel.Name + "_v"));

        private static DeviceStep? Build(DeviceProgram p, DeviceStep st, out string? why)
        {
            why = null;
            if (!st.BlockPerIteration) { why = "its kernel runs a thread per iteration (no SIMD loop to split over a warp)"; return null; }
            var panels = st.Panels.ToDictionary(x => x.Name + "_v", x => x, StringComparer.Ordinal);
            if (EndsEarly(st.Loop!.Body) || (st.Recompute is { } rf0 && EndsEarly(rf0.Body)))
            {
                why = "an iteration may end early (continue): the warps of a block must reach every tile together";
                return null;
            }

            // Panel reads become table entries: panel row r of the block is table row r + first row.
            Expr? Entry(Expr e)
            {
                if (e is not ElemRef el || !panels.TryGetValue(el.Array, out var panel)) return null;
                var lo = new VarRef(panel.Name + "_lo", IrType.Int);
                var r = IrRewriter.Map(el.Indices[0], Entry);
                var row = r is Binary { Op: BinaryOp.Sub } b && Equals(b.Right, lo) ? b.Left : new Binary(BinaryOp.Add, r, lo, IrType.Int);
                return new TableEntry(panel.Source, row, IrRewriter.Map(el.Indices[1], Entry));
            }
            var tileLoops = new Dictionary<Stmt, EquatableArray<TileValue>>(StmtReferenceComparer.Instance);
            List<Stmt> Rewrite(IEnumerable<Stmt> body)
            {
                var list = new List<Stmt>();
                foreach (var s in body)
                {
                    var mapped = MapAll(s, Entry);
                    if (mapped is VectorFor v && Uniform(v.Loop, st, p))
                    {
                        var assigned = new HashSet<string>(StringComparer.Ordinal) { v.Loop.Var };
                        foreach (var x in DevicePlanner.Flatten(v.Loop.Body))
                            if (x is DeclScalar d) assigned.Add(d.Name);
                            else if (x is Assign { Target: VarRef t }) assigned.Add(t.Name);
                            else if (x is For f) assigned.Add(f.Var);
                        var values = new List<TileValue>();
                        Expr? Tile(Expr e)
                        {
                            if (e is not TableEntry t || t.Col is not VarRef c || c.Name != v.Loop.Var) return null;
                            if (IrQueries.Descendants(t.Row).Any(x => x is VarRef r && assigned.Contains(r.Name) || x is TableEntry or Pop)) return null;
                            var tv = new TileValue(t);
                            if (!values.Contains(tv)) values.Add(tv);
                            return tv;
                        }
                        var loop = (For)MapAll(v.Loop, Tile);
                        mapped = v with { Loop = loop };
                        if (values.Count > 0) tileLoops[loop] = values.ToEquatable();
                    }
                    list.Add(mapped);
                }
                return list;
            }

            var fused = new DeviceStep
            {
                Kind = StepKind.Parallel,
                Kernel = st.Kernel + "_fused",
                WarpPerIteration = true,
                BlockPerIteration = true,
                Recompute = st.Recompute is { } rf ? rf with { Body = Rewrite(rf.Body).ToEquatable() } : null,
                Loop = st.Loop with { Body = Rewrite(st.Loop.Body).ToEquatable() },
                Classes = new Dictionary<string, VarClass>(st.Classes, StringComparer.Ordinal),
                CarriedReset = new Dictionary<string, Const>(st.CarriedReset, StringComparer.Ordinal),
                AtomicArrays = new HashSet<string>(st.AtomicArrays, StringComparer.Ordinal),
                RecomputeReductions = new HashSet<string>(st.RecomputeReductions, StringComparer.Ordinal),
                LocalStack = st.LocalStack,
                WriteBackPrivates = st.WriteBackPrivates,
                Tape = st.Tape,
                Comments = new List<string> { "Fused tile kernel (Tiling.DeviceFusedKernels): " + string.Join(", ", st.Panels.Select(x => x.Name)) + " computed where read, 32 columns at a time for the block's warps" },
                Tiled = st.Tiled,
                TiledRange = st.TiledRange,
                FlushedPanels = st.FlushedPanels,
                TileLoops = tileLoops,
            };
            if (tileLoops.Count == 0) { why = "no split SIMD loop walks a table row by its column with the same range in every iteration"; return null; }
            var pending = new DevicePlanner.Unordered();
            if (fused.Recompute is { } r) DevicePlanner.MarkBarriers(r.Body, pending, fused.BarrierBefore);
            DevicePlanner.MarkBarriers(fused.Loop.Body, pending, fused.BarrierBefore);
            if (fused.Recompute is { } r2) DevicePlanner.Partitions(fused, r2.Body, recompute: true, fused.RecomputedPartitions);
            DevicePlanner.Partitions(fused, fused.Loop.Body, recompute: false, fused.Partitions);
            fused.Uses = KernelUses.Of(fused);
            KernelUses.Locals(p, fused);
            return fused;
        }

        /// <summary>A statement with <paramref name="map"/> applied to every expression, inside split SIMD loops too.</summary>
        private static Stmt MapAll(Stmt s, Func<Expr, Expr?> map) => s switch
        {
            VectorFor v => v with { Loop = (For)MapAll(v.Loop, map) },
            For f => f with { Start = IrRewriter.Map(f.Start, map), Bound = IrRewriter.Map(f.Bound, map), While = f.While is null ? null : IrRewriter.Map(f.While, map), Body = f.Body.Select(b => MapAll(b, map)).ToEquatable() },
            If i => i with { Condition = IrRewriter.Map(i.Condition, map), Then = i.Then.Select(b => MapAll(b, map)).ToEquatable(), Else = i.Else.Select(b => MapAll(b, map)).ToEquatable() },
            Block b => b with { Body = b.Body.Select(x => MapAll(x, map)).ToEquatable() },
            _ => IrRewriter.Map(s, map),
        };

        /// <summary>The loop's range is the same for every iteration of the kernel: host ints, invariant scalars, sizes, constants.</summary>
        private static bool Uniform(For f, DeviceStep st, DeviceProgram p) =>
            f.While is null && new[] { f.Start, f.Bound }.SelectMany(IrQueries.Descendants).All(x => x switch
            {
                VarRef v => p.HostInts.Contains(v.Name) || st.Classes.TryGetValue(v.Name, out var c) && c == VarClass.Invariant,
                ElemRef or TableEntry or Pop or Invoke => false,
                _ => true,
            });

        /// <summary>A <c>continue</c> of the iteration itself (not of an inner loop).</summary>
        private static bool EndsEarly(IEnumerable<Stmt> body) => body.Any(s => s switch
        {
            Continue => true,
            If i => EndsEarly(i.Then) || EndsEarly(i.Else),
            Block b => EndsEarly(b.Body),
            _ => false,
        });
    }
}
