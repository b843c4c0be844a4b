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
    /// A tile loop <c>if (Condition) Max = Math.Max(Max, Value)</c> followed by the tile loop
    /// <c>if (Condition) Sum += Math.Exp(Value − Max)</c> over the same columns (the max loop's counter and tiles in
    /// <see cref="Value"/>): one sweep keeps a running maximum per lane and rescales its sum when the maximum grows, so each
    /// tile is computed once instead of twice. Max and Sum end as the two loops leave them (NaN, ±∞ and rows whose
    /// values are all −∞ included: the CUDA writer's comment says how).
    /// </summary>
    internal sealed record OnlineSoftmax(string Max, string Sum, Expr? Condition, Expr Value);

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
            OnlineSums(fused, fused.Loop.Body, fused.Partitions);
            if (fused.Recompute is { } r3) OnlineSums(fused, r3.Body, fused.RecomputedPartitions);
            fused.Uses = KernelUses.Of(fused);
            KernelUses.Locals(p, fused);
            return fused;
        }

        /// <summary>
        /// Pairs of consecutive tile loops of <paramref name="body"/> that are a maximum and a sum of exp(value − maximum)
        /// over the same columns, the same condition and the same value (the second loop's counter renamed to the first's),
        /// each reducing only that scalar over the warp, with no barrier between them: one online sweep
        /// (<see cref="OnlineSoftmax"/>).
        /// </summary>
        private static void OnlineSums(DeviceStep st, EquatableArray<Stmt> body, Dictionary<Stmt, DevicePartition> partitions)
        {
            for (int i = 0; i + 1 < body.Count; i++)
            {
                if (body[i] is not VectorFor { Loop: var max } || body[i + 1] is not VectorFor { Loop: var sum }) continue;
                if (!st.TileLoops.ContainsKey(max) || !st.TileLoops.ContainsKey(sum) || st.BarrierBefore.Contains(sum)) continue;
                if (!partitions.TryGetValue(max, out var pm) || !partitions.TryGetValue(sum, out var ps)) continue;
                if (pm.Reduced.Count != 1 || pm.Reduced[0].Kind != "max" || ps.Reduced.Count != 1 || ps.Reduced[0].Kind != "+") continue;
                string m = pm.Reduced[0].Var, s = ps.Reduced[0].Var;
                if (m == s || max.Step != sum.Step || max.Cmp != sum.Cmp || !Equals(max.Start, sum.Start) || !Equals(max.Bound, sum.Bound)) continue;
                if (Single(max.Body) is not (var c1, Assign { Target: VarRef t1, Op: AssignOp.Set, Value: Intrinsic { Fn: Fn.Max, Args: var ma } })
                    || t1.Name != m || ma.Count != 2 || ma[0] is not VarRef { Name: var m0 } || m0 != m) continue;
                if (Single(sum.Body) is not (var c2, Assign { Target: VarRef t2, Op: AssignOp.Add, Value: Intrinsic { Fn: Fn.Exp, Args: var ea } })
                    || t2.Name != s || ea.Count != 1 || ea[0] is not Binary { Op: BinaryOp.Sub, Right: VarRef { Name: var m1 } } diff || m1 != m) continue;
                var value = ma[1];
                Expr? Rename(Expr e) => e switch
                {
                    VarRef v when v.Name == sum.Var => new VarRef(max.Var, v.Type),
                    TileValue tv => new TileValue(tv.Entry with { Row = IrRewriter.Map(tv.Entry.Row, Rename), Col = IrRewriter.Map(tv.Entry.Col, Rename) }),
                    TableEntry te => te with { Row = IrRewriter.Map(te.Row, Rename), Col = IrRewriter.Map(te.Col, Rename) },
                    _ => null,
                };
                if (!Equals(IrRewriter.Map(diff.Left, Rename), value) || !Equals(c2 is null ? null : IrRewriter.Map(c2, Rename), c1)) continue;
                if (IrQueries.Descendants(value).Concat(c1 is null ? Enumerable.Empty<Expr>() : IrQueries.Descendants(c1))
                    .Any(x => x is VarRef v && (v.Name == m || v.Name == s))) continue;
                st.OnlineSums[max] = new OnlineSoftmax(m, s, c1, value);
                st.MergedSums.Add(sum);
                i++;
            }
        }

        /// <summary>A loop body that is one statement, or one statement under an <c>if</c> without <c>else</c>: (condition or null, statement).</summary>
        private static (Expr? Condition, Stmt Statement)? Single(EquatableArray<Stmt> body) => body.Count != 1 ? null : body[0] switch
        {
            If { Then.Count: 1, Else.Count: 0 } f => (f.Condition, f.Then[0]),
            If => null,
            var x => (null, x),
        };

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
