using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

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
        /// <summary>
        /// Set when <see cref="Tiled"/>: the plan of the tiled version (a worker class and pair flag of its own, numbered
        /// <see cref="Id"/> + <see cref="CpuLoops.TiledIds"/>; its <see cref="RowLoop"/> and <see cref="Worker"/> are the
        /// tiled loop's).
        /// </summary>
        public CpuLoopPlan? TiledVersion;
        /// <summary>Set on a tiled version: the tiled loop it runs.</summary>
        public TiledLoop? TiledForm;
        /// <summary>
        /// Why the loop stays on one core in the tile-fused branch (null: split there too): a pair is split only when both
        /// halves are tiled there or neither is (the halves must agree on the indexed tape).
        /// </summary>
        public string? NotSplitWhenFused;
        /// <summary>What a worker of the loop takes and declares (<see cref="CpuLoops.Worker"/>).</summary>
        public CpuWorker Worker = null!;
        /// <summary>
        /// Private scalars declared outside the loop that the last iteration writes back to the caller (alphabetical):
        /// none for the halves of a pair (after a pair the slots hold what they held before it).
        /// </summary>
        public List<string> WrittenBack = new();
        /// <summary>Values per iteration in a pair's indexed tape (stores, then the forward iteration's private values).</summary>
        public int Width => Pushes + Finals.Count;
        /// <summary>
        /// Why the one-core branch prints the loop a second time; null: it calls the worker's range method (the loop's
        /// body printed once, <see cref="CpuLoops.Share"/>).
        /// </summary>
        public string? OwnSequentialCopy = "not decided";
    }

    /// <summary>How a worker field is set: an array or a value from the caller, or a carried scalar's value on entry.</summary>
    internal enum CpuFieldKind { Array, Value, Entry }

    /// <summary>One input of a worker: what the caller copies into it before the chunks run.</summary>
    internal sealed record CpuField(string Name, IrType Type, CpuFieldKind Kind);

    /// <summary>A scalar a worker declares once per chunk (the body assigns it).</summary>
    internal sealed record CpuLocal(string Name, IrType Type);

    /// <summary>
    /// The worker of a split loop (or of its tiled version): its inputs (<see cref="Fields"/>: arrays alphabetically,
    /// then scalars), the locals it declares per chunk (alphabetically), and the low end of the loop's range (the
    /// indexed tape's first row), the body it runs per iteration (a pair's halves: pushes and pops through the
    /// iteration's row of the indexed tape, <see cref="CpuLoops.IndexedTape"/>), and the arrays its chunks sum into
    /// beyond their own rows (<see cref="ChunkCopies"/>: a copy per chunk after the first, added in chunk order; a tiled
    /// loop's panels add into the factors' adjoints too), alphabetically.
    /// </summary>
    internal sealed record CpuWorker(EquatableArray<CpuField> Fields, EquatableArray<CpuLocal> Locals, Expr Lo, EquatableArray<Stmt> Body, EquatableArray<string> ChunkCopies);

    /// <summary>
    /// Schedule for the CPU's cores: of a pass's loop plan (<see cref="DevicePlanner"/> with <see cref="PlanTarget.Cpu"/>,
    /// which analyses independence without the GPU's limits: jagged arrays and methods with calls are planned too), the
    /// loops whose iterations each run an inner loop (a row of work, SIMD or not) run split over cores. They must sum beyond their own row only
    /// into vectors (a copy per chunk) and compute in their body every int they read that the method does not compute
    /// first. Whether a given call is large enough to split is decided at run time (DiffGen.Cpu.LoopParallelism).
    /// </summary>
    internal static class CpuLoops
    {
        /// <summary>The tiled version of loop l is numbered l's <see cref="CpuLoopPlan.Id"/> + TiledIds.</summary>
        public const int TiledIds = 1000;

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
                    rev.Worker = Worker(program, st, st.Loop!, null, pair: true);
                    fwd.Worker = Worker(program, fstep, fstep.Loop!, null, pair: true);
                    taken.Add(f);
                    taken.Add(st.Loop!);
                    result.Add(fwd);
                    result.Add(rev);
                    continue;
                }
                if (DevicePlanner.Flatten(st.Loop!.Body).Any(x => x is Push)) { notSplit[st.Loop!] = "it stores values for the reverse sweep and its reverse loop is not split"; continue; }
                taken.Add(st.Loop!);
                result.Add(new CpuLoopPlan { Step = st, Id = id++, RowLoop = RowLoop(program, st.Loop!), Worker = Worker(program, st, st.Loop!, null, pair: false), WrittenBack = st.WriteBackPrivates ? Privates(st) : new List<string>() });
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
                    l.TiledVersion = new CpuLoopPlan
                    {
                        Step = l.Step, Id = l.Id + TiledIds, TiledForm = t, RowLoop = RowLoop(program, t.Loop), Pushes = l.Pushes, Finals = l.Finals,
                        ForwardOf = l.ForwardOf, WrittenBack = l.WrittenBack,
                        Worker = Worker(program, l.Step, t.Loop, t, pair: l.ForwardOf is not null || l.ReverseOf is not null),
                    };
                }
            // a tiled reverse half follows its forward half's tiled version (the halves of a split pair are both tiled there)
            foreach (var l in loops)
                if (l.TiledVersion is { } v && l.ReverseOf is { } f) v.ReverseOf = f.TiledVersion ?? f;
            foreach (var l in loops)
                if ((l.ForwardOf ?? l.ReverseOf) is { } partner && partner.Tiled != l.Tiled)
                {
                    var half = l.ForwardOf is not null ? "reverse" : "forward";
                    l.NotSplitWhenFused = "in the tile-fused branch, one core: " + (l.Tiled ? $"it is tiled there and its {half} half is not" : $"its {half} half is tiled there and it is not");
                }
        }

        /// <summary>
        /// Whether the one-core branch of each split loop calls the worker's range method (iterations [first, end) with the
        /// caller's arrays and scalars; sums and the values written back by reference) instead of printing the loop again:
        /// the same code once instead of twice, when running all iterations through the worker's body is what the one-core
        /// loop does. Decided after the loop forms (<paramref name="forms"/>): a loop with a CPU form of its own keeps it.
        /// </summary>
        public static void Share(IEnumerable<CpuLoopPlan> loops, LoopScope forms)
        {
            var own = loops.ToDictionary(l => l, l => OwnCopy(l, forms));
            // a pair's halves agree (both through the indexed tape, or both with the restore stack on one core)
            foreach (var kv in own)
                kv.Key.OwnSequentialCopy = kv.Value ?? ((kv.Key.ForwardOf ?? kv.Key.ReverseOf) is { } partner && own[partner] is { } why
                    ? (kv.Key.ForwardOf is not null ? "its reverse half: " : "its forward half: ") + why
                    : null);
        }

        private static string? OwnCopy(CpuLoopPlan l, LoopScope forms)
        {
            var loop = l.Step.Loop!;
            if (loop.While is not null) return "it has an exit condition";
            if (loop.WideSums.Count > 0) return "its float sums accumulate in double over the whole nest (wide sums)";
            if (forms.Of(loop) is { } form)
                return "on one core it runs " + (form.Block is not null ? "with a block of the restore stack" : form.Promoted is not null ? "with an element in a local" : "unrolled and jammed");
            var flat = DevicePlanner.Flatten(loop.Body).ToList();
            if (flat.Any(s => s is DeclArray)) return "it declares an array (the method's pooled one on one core)";
            // a pair's stores and loads are its indexed tape's
            bool pair = l.ForwardOf is not null || l.ReverseOf is not null;
            if (flat.Any(s => (!pair && s is Push) || s is PushAll or PopAll or Return || !pair && IrQueries.ExprsOf(s).Any(e => IrQueries.Descendants(e).Any(d => d is Pop))))
                return "it uses the restore stack or returns";
            return null;
        }

        /// <summary>Private scalars declared outside the loop (their value after the loop is the last iteration's).</summary>
        private static List<string> Privates(DeviceStep st)
        {
            var declared = new HashSet<string>(DevicePlanner.Flatten(st.Loop!.Body).OfType<DeclScalar>().Select(d => d.Name), StringComparer.Ordinal);
            return st.Classes.Where(kv => kv.Value == VarClass.Private && !declared.Contains(kv.Key)).Select(kv => kv.Key).OrderBy(x => x, StringComparer.Ordinal).ToList();
        }

        /// <summary>
        /// What a worker running <paramref name="loop"/> (the step's loop, or its tiled version <paramref name="tiled"/>)
        /// needs from the caller (arrays, host ints, invariant scalars, entry values of carried scalars; a tiled loop's
        /// panels are the chunk's own, their factors and K come from the caller) and the scalars it declares.
        /// </summary>
        private static CpuWorker Worker(DeviceProgram p, DeviceStep st, For loop, TiledLoop? tiled, bool pair)
        {
            var arrays = new SortedSet<string>(StringComparer.Ordinal);
            var scalars = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var s in DevicePlanner.Flatten(loop.Body))
            {
                if (s is TileEnsure te)
                    foreach (var d in IrQueries.Descendants(te.Row)) if (d is VarRef v) scalars.Add(v.Name);
                if (s is TableEntryAdjoint ta)
                    foreach (var e in new[] { ta.Row, ta.Col, ta.Value })
                        foreach (var d in IrQueries.Descendants(e)) if (d is VarRef v) scalars.Add(v.Name); else if (d is ElemRef er) arrays.Add(er.Array);
                if (s is Assign { Target: ElemRef el }) arrays.Add(el.Array);
                var exprs = s is VectorFor vf ? new[] { vf.Loop.Start, vf.Loop.Bound } : IrQueries.ExprsOf(s);
                foreach (var e in exprs)
                    foreach (var d in IrQueries.Descendants(e))
                    {
                        if (d is ElemRef er) arrays.Add(er.Array);
                        else if (d is LengthOf lo) arrays.Add(lo.Array);
                        else if (d is VarRef v) scalars.Add(v.Name);
                    }
            }
            foreach (var e in new[] { loop.Start, loop.Bound })
                foreach (var d in IrQueries.Descendants(e))
                    if (d is VarRef v) scalars.Add(v.Name);
                    else if (d is LengthOf lo) arrays.Add(lo.Array);
            if (tiled is not null)
            {
                foreach (var pn in tiled.Panels)
                {
                    arrays.Remove(pn.Name + "_v");
                    arrays.Remove(pn.Name + "_a");
                    arrays.Add(pn.Source.A.Array);
                    arrays.Add(pn.Source.B.Array);
                    if (pn.AAdj is not null) { arrays.Add(pn.AAdj.Array); arrays.Add(pn.BAdj!.Array); }
                    foreach (var d in IrQueries.Descendants(pn.Source.K)) if (d is VarRef v) scalars.Add(v.Name);
                }
                foreach (var pn in tiled.Panels) scalars.Remove(pn.Name + "_lo");
            }
            var fields = new List<CpuField>();
            foreach (var a in arrays) fields.Add(new CpuField(a, p.Arrays[a].Type, CpuFieldKind.Array));
            foreach (var v in scalars)
            {
                if (p.HostInts.Contains(v)) fields.Add(new CpuField(v, p.Scalars[v], CpuFieldKind.Value));
                else if (st.Classes.TryGetValue(v, out var c))
                {
                    if (c == VarClass.Invariant) fields.Add(new CpuField(v, p.Scalars[v], CpuFieldKind.Value));
                    else if (c == VarClass.Carried) fields.Add(new CpuField(v, p.Scalars[v], CpuFieldKind.Entry));
                }
            }
            // private scalars and ints of the body, declared once per chunk (the body assigns them)
            var decls = new Dictionary<string, IrType>(StringComparer.Ordinal);
            IrQueries.Declarations(loop.Body, decls);
            var locals = new SortedDictionary<string, IrType>(StringComparer.Ordinal);
            foreach (var kv in st.Classes.Where(kv => kv.Value is VarClass.Private or VarClass.Recomputed or VarClass.Carried or VarClass.Reduction))
                locals[kv.Key] = p.Scalars[kv.Key];
            foreach (var kv in decls.Where(kv => !kv.Value.IsArray && !kv.Value.IsReal)) locals[kv.Key] = kv.Value;
            foreach (var s in DevicePlanner.Flatten(loop.Body))
                if (s is Assign { Target: VarRef v } && !p.HostInts.Contains(v.Name) && !v.Type.IsReal) locals[v.Name] = v.Type;
            var forVars = new HashSet<string>(DevicePlanner.Flatten(loop.Body).Select(s => s is For f ? f.Var : s is VectorFor vf ? vf.Loop.Var : null).Where(x => x is not null)!, StringComparer.Ordinal);
            var declared = locals.Where(kv => !forVars.Contains(kv.Key) && kv.Key != loop.Var).Select(kv => new CpuLocal(kv.Key, kv.Value));
            var copies = new SortedSet<string>(st.AtomicArrays, StringComparer.Ordinal);
            if (tiled is not null)
                foreach (var pn in tiled.Panels.Where(x => x.AAdj is not null)) { copies.Add(pn.AAdj!.Array); copies.Add(pn.BAdj!.Array); }
            return new CpuWorker(fields.ToEquatable(), declared.ToEquatable(), DevicePlanner.Range(loop).Lo, (pair ? IndexedTape(loop.Body) : loop.Body).ToEquatable(), copies.ToEquatable());
        }

        /// <summary>A pair's body with its pushes and pops on the indexed tape: slot __base + __sp of the iteration's row.</summary>
        private static IEnumerable<Stmt> IndexedTape(IEnumerable<Stmt> body)
        {
            Expr MapPop(Expr e) => IrRewriter.Map(e, x => x switch
            {
                Pop pop when pop.Type.Elem == Scalar.Bool => new Binary(BinaryOp.Ne, new VarRef("__it[__base + --__sp]", IrType.Double), new Const(0, IrType.Double), IrType.Bool),
                Pop pop when pop.Type.Elem == Scalar.Double => new VarRef("__it[__base + --__sp]", IrType.Double),
                Pop pop => new IR.Convert(new VarRef("__it[__base + --__sp]", IrType.Double), pop.Type),
                _ => null,
            });
            Stmt Map(Stmt s) => s switch
            {
                Push push => new Assign(new VarRef("__it[__base + __sp++]", IrType.Double), AssignOp.Set,
                    push.Value.Type.Elem == Scalar.Bool ? new Conditional(push.Value, new Const(1, IrType.Double), new Const(0, IrType.Double), IrType.Double)
                    : push.Value.Type.Elem == Scalar.Double ? push.Value : new IR.Convert(push.Value, IrType.Double)),
                For f => f with { Body = f.Body.Select(Map).ToEquatable() },
                VectorFor v => v with { Loop = v.Loop with { Body = v.Loop.Body.Select(Map).ToEquatable() } },
                If i => i with { Condition = MapPop(i.Condition), Then = i.Then.Select(Map).ToEquatable(), Else = i.Else.Select(Map).ToEquatable() },
                Block b => b with { Body = b.Body.Select(Map).ToEquatable() },
                _ => IrRewriter.Map(s, x => x is Pop ? MapPop(x) : null),
            };
            return body.Select(Map).ToList();
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
