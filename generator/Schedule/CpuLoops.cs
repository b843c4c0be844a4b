using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;

namespace DiffGen.Generator.Schedule
{
    /// <summary>
    /// One top-level loop the CPU runs split over cores: contiguous ranges of iterations (chunks), each with its own
    /// private scalars; sums come back per chunk and are added in chunk order. A forward/reverse pair (the reverse loop
    /// pops what the forward loop pushed) runs through an indexed tape: forward iteration i stores its
    /// <see cref="Pushes"/> values and its <see cref="Finals"/> at slot i, reverse iteration i reads them back.
    /// </summary>
    internal sealed class CpuLoopPlan
    {
        public DeviceStep Step = null!;
        public int Id;
        /// <summary>Set on the forward half of a pair: its reverse loop.</summary>
        public CpuLoopPlan? ForwardOf;
        /// <summary>Set on the reverse half of a pair: its forward loop.</summary>
        public CpuLoopPlan? ReverseOf;
        /// <summary>Stores per forward iteration (upper bound).</summary>
        public int Pushes;
        /// <summary>Private values of the forward iteration the reverse one starts from.</summary>
        public List<string> Finals = new();
        /// <summary>
        /// The SIMD loop whose trip count measures an iteration's work for the run-time choice of chunks (its bounds read
        /// host ints only); null: an iteration counts as one unit.
        /// </summary>
        public For? RowLoop;
        /// <summary>The tile-fused branch runs a tiled version of the loop (Schedule's TileFusion), split the same way.</summary>
        public bool Tiled;
        /// <summary><see cref="RowLoop"/> of the tiled version.</summary>
        public For? TiledRowLoop;
        /// <summary>
        /// Why the loop stays on one core in the tile-fused branch (null: split there too): a pair is split only when both
        /// halves are tiled there or neither is (the halves must agree on the indexed tape).
        /// </summary>
        public string? NotSplitWhenFused;
    }

    /// <summary>
    /// Schedule for the CPU's cores: of a pass's loop plan (<see cref="DevicePlanner"/> with <see cref="PlanTarget.Cpu"/>,
    /// which analyses independence without the GPU's limits: jagged arrays and methods with calls are planned too), the
    /// loops whose iterations each run an inner loop (a row of work, SIMD or not) run split over cores. They must sum beyond their own row only
    /// into vectors (a copy per chunk) and compute in their body every int they read that the method does not compute
    /// first. Whether a given call is large enough to split is decided at run time (DiffGen.Cpu.LoopParallelism).
    /// </summary>
    internal static class CpuLoops
    {
        /// <param name="notSplit">Filled with the parallel loops that stay on one core, and why.</param>
        public static List<CpuLoopPlan> Select(DeviceProgram? program, Dictionary<Stmt, string>? notSplit = null)
        {
            var result = new List<CpuLoopPlan>();
            notSplit ??= new Dictionary<Stmt, string>(StmtReferenceComparer.Instance);
            if (program is null) return result;
            var taken = new HashSet<Stmt>(StmtReferenceComparer.Instance);
            int id = 0;
            var byLoop = new Dictionary<Stmt, DeviceStep>(StmtReferenceComparer.Instance);
            foreach (var st in program.Steps.Where(s => s.Kind == StepKind.Parallel)) byLoop[st.Loop!] = st;
            foreach (var st in program.Steps.Where(s => s.Kind == StepKind.Parallel && !RowOfWork(s)))
                notSplit[st.Loop!] = $"its iterations are independent, but each is a few operations (no inner loop, under {StraightLineWork} statements): too little to split";
            foreach (var st in program.Steps.Where(s => s.Kind == StepKind.Parallel && RowOfWork(s)))
            {
                if (taken.Contains(st.Loop!)) continue;
                if (st.Tape is not null) { notSplit[st.Loop!] = "its forward/reverse pair stores inside inner loops (the sequential restore tape stays)"; continue; }
                if (Ineligible(program, st) is { } why) { notSplit[st.Loop!] = why; continue; }
                if (st.Recompute is { } f)
                {
                    if (!byLoop.TryGetValue(f, out var fstep)) { notSplit[st.Loop!] = "its forward half is not parallel"; continue; }
                    if (Ineligible(program, fstep) is { } fwhy) { notSplit[st.Loop!] = "its forward half: " + fwhy; continue; }
                    var rev = new CpuLoopPlan { Step = st, Id = id++ };
                    var fwd = new CpuLoopPlan { Step = fstep, Id = id++, ForwardOf = rev };
                    rev.ReverseOf = fwd;
                    fwd.RowLoop = RowLoop(program, fstep.Loop!);
                    fwd.Pushes = st.LocalStack;
                    fwd.Finals = st.Classes.Where(kv => kv.Value == VarClass.Recomputed).Select(kv => kv.Key).OrderBy(x => x, StringComparer.Ordinal).ToList();
                    rev.Pushes = fwd.Pushes;
                    rev.Finals = fwd.Finals;
                    taken.Add(f);
                    taken.Add(st.Loop!);
                    result.Add(fwd);
                    result.Add(rev);
                    continue;
                }
                if (DevicePlanner.Flatten(st.Loop!.Body).Any(x => x is Push)) { notSplit[st.Loop!] = "it stores values for the reverse sweep and its reverse loop is not split"; continue; }
                taken.Add(st.Loop!);
                result.Add(new CpuLoopPlan { Step = st, Id = id++, RowLoop = RowLoop(program, st.Loop!) });
            }
            return result;
        }

        /// <summary>The loop's first SIMD loop when its bounds read only host ints (see <see cref="CpuLoopPlan.RowLoop"/>).</summary>
        private static For? RowLoop(DeviceProgram p, For loop)
        {
            bool Host(Expr e) => IrQueries.Descendants(e).All(d => d is not VarRef v || p.HostInts.Contains(v.Name)) && !IrQueries.Descendants(e).Any(d => d is ElemRef);
            var inner = DevicePlanner.Flatten(loop.Body).OfType<VectorFor>().FirstOrDefault()?.Loop;
            return inner is not null && Host(inner.Start) && Host(inner.Bound) ? inner : null;
        }

        /// <summary>
        /// The loops of <paramref name="loops"/> the tile-fused branches run tiled (<paramref name="fused"/>: the pass's
        /// tile-fused statements), and the pairs whose halves disagree there.
        /// </summary>
        public static void Tile(DeviceProgram? program, List<CpuLoopPlan> loops, IEnumerable<Stmt>? fused)
        {
            if (fused is null || program is null) return;
            var tiled = new Dictionary<Stmt, TiledLoop>(StmtReferenceComparer.Instance);
            foreach (var c in fused.OfType<TileChoice>())
                foreach (var t in c.Fused.OfType<TiledLoop>())
                    if (t.Original is not null) tiled[t.Original] = t;
            foreach (var l in loops)
                if (tiled.TryGetValue(l.Step.Loop!, out var t))
                {
                    l.Tiled = true;
                    l.TiledRowLoop = RowLoop(program, t.Loop);
                }
            foreach (var l in loops)
                if ((l.ForwardOf ?? l.ReverseOf) is { } partner && partner.Tiled != l.Tiled)
                {
                    var half = l.ForwardOf is not null ? "reverse" : "forward";
                    l.NotSplitWhenFused = "in the tile-fused branch, one core: " + (l.Tiled ? $"it is tiled there and its {half} half is not" : $"its {half} half is tiled there and it is not");
                }
        }

        /// <summary>
        /// Statements of straight-line code that count as a row of work: a body Raise unrolled (a 3 × 3 product over
        /// scalars) does as much per iteration as the short inner loops it came from.
        /// </summary>
        private const int StraightLineWork = 12;

        /// <summary>An iteration runs an inner loop or a long straight-line body (a row of work): worth a chunk of its own on a large input.</summary>
        private static bool RowOfWork(DeviceStep st)
        {
            var flat = DevicePlanner.Flatten(st.Loop!.Body);
            return flat.Any(x => x is For or VectorFor) || flat.Count(x => x is Assign or DeclScalar) >= StraightLineWork;
        }

        /// <summary>Null when the loop sums into other rows only of vectors (a copy per chunk) and computes the ints it reads; else why not.</summary>
        private static string? Ineligible(DeviceProgram p, DeviceStep st)
        {
            foreach (var a in st.AtomicArrays)
                if (p.Arrays[a].Type.Shape != Shape.Vector) return $"its iterations sum into rows of '{a}' other than their own (a copy per chunk is made only of vectors)";
            var written = new HashSet<string>(StringComparer.Ordinal) { st.Loop!.Var };
            foreach (var s in DevicePlanner.Flatten(st.Loop.Body))
            {
                if (s is DeclScalar d) written.Add(d.Name);
                else if (s is Assign { Target: VarRef v }) written.Add(v.Name);
                else if (s is For f) written.Add(f.Var);
                else if (s is VectorFor vf) written.Add(vf.Loop.Var);
            }
            foreach (var s in DevicePlanner.Flatten(st.Loop.Body))
                foreach (var e in s is VectorFor vf ? new[] { vf.Loop.Start, vf.Loop.Bound } : IrQueries.ExprsOf(s))
                    foreach (var x in IrQueries.Descendants(e))
                        if (x is VarRef { Type.IsReal: false } v && !p.HostInts.Contains(v.Name) && !written.Contains(v.Name))
                            return $"it reads the int '{v.Name}', which an earlier loop computes";
            return null;
        }
    }
}
