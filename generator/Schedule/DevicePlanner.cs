using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Cuda.Execution;
using DiffGen.Generator.Differentiate;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Schedule
{
    /// <summary>What one top-level statement (or run of statements) of a sweep becomes on the GPU.</summary>
    internal enum StepKind
    {
        /// <summary>Statements that depend on each other: one kernel launched as a single thread.</summary>
        Serial,
        /// <summary>A loop whose iterations are independent: one block (or one thread) per iteration.</summary>
        Parallel,
        /// <summary>A raised contraction: cuBLAS.</summary>
        Gemm,
    }

    /// <summary>How a method-level scalar behaves inside a parallel loop.</summary>
    internal enum VarClass
    {
        /// <summary>Read only: loaded from its slot.</summary>
        Invariant,
        /// <summary>Written before it is read in every iteration: a register per iteration.</summary>
        Private,
        /// <summary>Only accumulated (<c>+=</c>, <c>-=</c>): per-thread partial sums, one atomic add per block.</summary>
        Reduction,
        /// <summary>Ends every iteration reset to a constant (reverse-sweep adjoints): the first iteration starts from the slot.</summary>
        Carried,
        /// <summary>A private value of the paired forward loop, recomputed in the reverse kernel.</summary>
        Recomputed,
    }

    internal sealed class DeviceStep
    {
        public StepKind Kind;
        public string Kernel = "";
        public List<Stmt> Body = new();
        public For? Loop;
        /// <summary>The paired forward loop whose iteration the reverse kernel recomputes before its own (restore stack in registers).</summary>
        public For? Recompute;
        public bool BlockPerIteration;
        /// <summary>Block mode: the split SIMD loops (their <see cref="VectorFor.Loop"/>) that must start with a barrier (<see cref="DevicePlanner.MarkBarriers"/>).</summary>
        public HashSet<Stmt> BarrierBefore = new(StmtReferenceComparer.Instance);
        public Dictionary<string, VarClass> Classes = new(StringComparer.Ordinal);
        public Dictionary<string, Const> CarriedReset = new(StringComparer.Ordinal);
        public HashSet<string> AtomicArrays = new(StringComparer.Ordinal);
        public HashSet<string> RecomputeReductions = new(StringComparer.Ordinal);
        public int LocalStack;
        public bool WriteBackPrivates = true;
        /// <summary>A forward/reverse pair on the GPU through an indexed tape (when recomputation is impossible: the forward loop writes arrays).</summary>
        public TapeInfo? Tape;
        public Stmt? Gemm;
        public List<string> Comments = new();
        /// <summary>A tiled loop (device tile fusion): the host runs the kernel a block of iterations at a time.</summary>
        public DeviceTiledLoop? Tiled;
        /// <summary>The panels the kernel reads (its own loop's and those of the forward iteration it recomputes).</summary>
        public List<DevicePanel> Panels = new();
        /// <summary>Device row-block fusion: the step runs once per block of this row block (consecutive steps of one block form its body).</summary>
        public DeviceRowBlock? RowBlock;
        /// <summary>A serial kernel pushes to or pops from the sequential restore tape.</summary>
        public bool UsesTape;
        /// <summary>Block mode: the SIMD loops of the loop's body split over the block's threads, by their <see cref="VectorFor.Loop"/>.</summary>
        public Dictionary<Stmt, DevicePartition> Partitions = new(StmtReferenceComparer.Instance);
        /// <summary>Block mode: the same for the SIMD loops of the forward iteration it recomputes (<see cref="Recompute"/>).</summary>
        public Dictionary<Stmt, DevicePartition> RecomputedPartitions = new(StmtReferenceComparer.Instance);
        /// <summary>A tiled step: [lo, hi) of the whole loop, which the host walks a block of iterations at a time.</summary>
        public (Expr Lo, Expr Hi) TiledRange;
        /// <summary>A tiled step: the adjoint panels its kernel writes, flushed into the factors' adjoints after each block.</summary>
        public List<DevicePanel> FlushedPanels = new();
        /// <summary>What the step's kernel binds and declares (<see cref="KernelUses"/>); empty for a GEMM.</summary>
        public KernelUses Uses = new();
        /// <summary>A serial kernel: the float/double scalars it reads and assigns, stored back into their slots at its end (ordered).</summary>
        public List<string> SlotsWrittenBack = new();
        /// <summary>A serial kernel: the float/double scalars it loads from their slots at its start (ordered).</summary>
        public List<string> SlotsRead = new();
        /// <summary>The int and bool locals the kernel declares, zero-initialised (ordered; <see cref="KernelUses.Locals"/>).</summary>
        public List<(string Name, IrType Type)> LocalInts = new();
        /// <summary>A tiled step: its fused tile kernel (<see cref="FusedTileKernels"/>), or null with <see cref="NotFused"/> saying why.</summary>
        public DeviceStep? Fused;
        public string? NotFused;
        /// <summary>A fused tile kernel: one warp per iteration (the block's warps share the table's tiles).</summary>
        public bool WarpPerIteration;
        /// <summary>A fused tile kernel: its split SIMD loops that walk table rows 32 columns at a time, and the tile entries each reads.</summary>
        public Dictionary<Stmt, EquatableArray<TileValue>> TileLoops = new(StmtReferenceComparer.Instance);
        /// <summary>
        /// A fused tile kernel: tile loops taking a maximum that run in one sweep with the next tile loop, which sums exp(the
        /// same value − that maximum) (an online maximum with rescaled sums, <see cref="OnlineSoftmax"/>), by the max loop.
        /// </summary>
        public Dictionary<Stmt, OnlineSoftmax> OnlineSums = new(StmtReferenceComparer.Instance);
        /// <summary>A fused tile kernel: the sum loops of <see cref="OnlineSums"/>, which print nothing of their own.</summary>
        public HashSet<Stmt> MergedSums = new(StmtReferenceComparer.Instance);
    }

    /// <summary>
    /// A SIMD loop of a block-per-iteration kernel split over the block's threads: [<see cref="Lo"/>, <see cref="Hi"/>)
    /// of its counter, and the scalars it reduces over the threads (partials per thread, then a block reduction).
    /// </summary>
    internal sealed record DevicePartition(Expr Lo, Expr Hi, EquatableArray<DeviceReduction> Reduced);

    /// <summary>A scalar a split SIMD loop reduces over the block's threads: <see cref="Kind"/> is "+", "max" or "min".</summary>
    internal sealed record DeviceReduction(string Var, string Kind);

    /// <summary>
    /// The per-iteration tape of an indexed pair: iteration i of the forward loop stores its pushes (at most
    /// <see cref="Pushes"/>), then its private values (<see cref="Finals"/>), then how many it pushed, in row i
    /// (<see cref="Width"/> values); the reverse iteration i starts from those values and pops from that row.
    /// </summary>
    internal sealed class TapeInfo
    {
        public int Id;
        public bool IsForward;
        public Expr Pushes = null!;
        public Expr Width = null!;
        public Expr Lo = null!;
        public List<string> Finals = new();
        public string Array => "__tape" + Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>What a loop plan is for: the GPU (kernels, cuBLAS) or the CPU's multi-core loops.</summary>
    internal enum PlanTarget { Cuda, Cpu }

    internal sealed record DeviceArrayInfo(string Name, IrType Type, int Pointer, int Dim0, int Dim1);

    /// <summary>
    /// A method's forward pass or adjoint as GPU work: host-side int statements and array allocations, then steps.
    /// Every float/double scalar lives in a double slot on the device; ints computed from sizes are computed by the
    /// host and passed to every kernel; arrays are device buffers bound to address slots.
    /// </summary>
    internal sealed class DeviceProgram
    {
        /// <summary>Cuda: kernels for the GPU; Cpu: the same analysis for the multi-core CPU loops, without the device's limits.</summary>
        public PlanTarget Target;
        public string Prefix = "";
        public Dictionary<string, IrType> Scalars = new(StringComparer.Ordinal);
        public HashSet<string> HostInts = new(StringComparer.Ordinal);
        /// <summary>Int state that changes after it is set (reassigned int locals, written local int arrays): restored by the reverse sweep, never split.</summary>
        public HashSet<string> ChangingInts = new(StringComparer.Ordinal);
        /// <summary>Host ints the host sets per block of a tiled loop or row block (not once per call with the others).</summary>
        public HashSet<string> TileInts = new(StringComparer.Ordinal);
        public List<Stmt> HostStatements = new();
        public Dictionary<string, int> Slots = new(StringComparer.Ordinal);
        public Dictionary<string, int> IntSlots = new(StringComparer.Ordinal);
        public Dictionary<string, DeviceArrayInfo> Arrays = new(StringComparer.Ordinal);
        public List<DeviceStep> Steps = new();
        public int SlotCount => Slots.Count;
        /// <summary>The tile-fused program's panels (none for the materialised program).</summary>
        public Dictionary<string, DevicePanel> Panels = new(StringComparer.Ordinal);
        /// <summary>The row blocks of a row-block fused program (device row-block fusion), by name; none otherwise.</summary>
        public Dictionary<string, DeviceRowBlock> RowBlocks = new(StringComparer.Ordinal);

        /// <summary>A loop runs in a single-thread kernel: correct, but slower than the CPU for large inputs.</summary>
        public bool HasSerialLoops => Steps.Any(s => s.Kind == StepKind.Serial && DevicePlanner.Flatten(s.Body).Any(x => x is For or VectorFor));
    }

    /// <summary>
    /// Schedule for the GPU: splits a sweep into GEMMs, parallel loops and serial runs. A top-level loop runs in
    /// parallel when its iterations are independent: every scalar it writes is private to an iteration, a pure sum
    /// (atomics), or reset to a constant at the end of each iteration (adjoints of private values); every array
    /// element it sets belongs to the iteration (first index <c>i + c</c> for offsets that cannot collide); other
    /// array updates are sums (atomics) into arrays it does not read. A loop with SIMD loops inside runs one block
    /// per iteration and splits those loops over the block's threads (block reductions); otherwise one thread per
    /// iteration. A reverse loop that pops what its forward loop pushed recomputes that forward iteration first,
    /// keeping the pushed values in registers, so neither loop needs the sequential restore tape.
    /// </summary>
    internal static class DevicePlanner
    {
        public static DeviceProgram? PlanForward(MethodModel m, PlanTarget target, out string? failure)
        {
            var (scalars, arrays, body) = ForwardVariables(m, m.Body);
            return Plan(m, target, "f", scalars, arrays, body, new List<Stmt>(), out failure);
        }

        public static DeviceProgram? PlanAdjoint(AdjointModel a, PlanTarget target, out string? failure)
        {
            var (scalars, arrays) = AdjointVariables(a, unusedLocals: null);
            return Plan(a.Method, target, "b", scalars, arrays, a.ForwardSweep.ToList(), a.ReverseSweep.ToList(), out failure);
        }

        /// <summary>
        /// The tile-fused forward pass on the GPU (Schedule's <see cref="TilePlan"/> lowered by <see cref="DeviceTiles"/>);
        /// null with the reason when the fused statements do not all run in parallel on the device.
        /// </summary>
        public static DeviceProgram? PlanTiledForward(AdjointModel a, out string? failure)
        {
            failure = "no tile plan";
            if (a.Tiles is not { } plan) return null;
            var tiles = new DeviceTiles();
            var lowered = tiles.Lower(plan.Body);
            if (tiles.Failure is not null) { failure = tiles.Failure; return null; }
            var (scalars, arrays, body) = ForwardVariables(a.Method, lowered);
            return Plan(a.Method, PlanTarget.Cuda, "ft", scalars, arrays, body, new List<Stmt>(), out failure, tiles);
        }

        /// <summary>The tile-fused adjoint on the GPU; see <see cref="PlanTiledForward"/>.</summary>
        public static DeviceProgram? PlanTiledAdjoint(AdjointModel a, out string? failure)
        {
            failure = "no tile plan";
            if (a.Tiles is not { } plan) return null;
            var tiles = new DeviceTiles();
            var forward = tiles.Lower(plan.ForwardSweep);
            var reverse = tiles.Lower(plan.ReverseSweep);
            if (tiles.Failure is not null) { failure = tiles.Failure; return null; }
            // the fused form never allocates the materialised table or its adjoint
            var unused = new HashSet<string>(StringComparer.Ordinal) { plan.Table };
            if (a.Adjoints.FirstOrDefault(x => x.Primal == plan.Table) is { } tAdj) unused.Add(tAdj.Adjoint);
            var (scalars, arrays) = AdjointVariables(a, unused);
            return Plan(a.Method, PlanTarget.Cuda, "bt", scalars, arrays, forward, reverse, out failure, tiles);
        }

        /// <summary>A forward program's scalars and arrays (parameters and the body's declarations), and the body with its return stored in <see cref="ResultVar"/>.</summary>
        private static (Dictionary<string, IrType> Scalars, List<(string Name, IrType Type)> Arrays, List<Stmt> Body) ForwardVariables(MethodModel m, IEnumerable<Stmt> body)
        {
            var stmts = body.ToList();
            var scalars = new Dictionary<string, IrType>(StringComparer.Ordinal);
            var decls = new Dictionary<string, IrType>(StringComparer.Ordinal);
            IrQueries.Declarations(stmts, decls);
            foreach (var p in m.Params.Where(p => !p.Type.IsArray)) scalars[p.Name] = p.Type;
            foreach (var kv in decls.Where(kv => !kv.Value.IsArray)) scalars[kv.Key] = kv.Value;
            var arrays = m.Params.Where(p => p.Type.IsArray).Select(p => (p.Name, p.Type)).ToList();
            arrays.AddRange(decls.Where(kv => kv.Value.IsArray).Select(kv => (kv.Key, kv.Value)));
            if (m.Return.IsReal) scalars[ResultVar] = m.Return;
            return (scalars, arrays, stmts.Select(s => s is Return { Value: { } v } ? new Assign(new VarRef(ResultVar, m.Return), AssignOp.Set, v) : s).ToList());
        }

        /// <summary>An adjoint program's scalars and arrays: parameters, their adjoints, the adjoint's hoisted locals (but <paramref name="unusedLocals"/>), the seed.</summary>
        private static (Dictionary<string, IrType> Scalars, List<(string Name, IrType Type)> Arrays) AdjointVariables(AdjointModel a, HashSet<string>? unusedLocals)
        {
            var m = a.Method;
            var scalars = new Dictionary<string, IrType>(StringComparer.Ordinal);
            foreach (var p in m.Params.Where(p => !p.Type.IsArray)) scalars[p.Name] = p.Type;
            foreach (var l in a.Locals.Where(l => !l.Type.IsArray)) scalars[l.Name] = l.Type;
            var adjOf = a.Adjoints.ToDictionary(x => x.Primal, x => x);
            var arrays = m.Params.Where(p => p.Type.IsArray).Select(p => (p.Name, p.Type)).ToList();
            foreach (var p in m.Params.Where(p => p.Type.IsReal))
            {
                var adj = adjOf[p.Name];
                if (p.Type.IsArray) arrays.Add((adj.Adjoint, p.Type));
                else scalars[adj.Adjoint] = p.Type;
            }
            arrays.AddRange(a.Locals.Where(l => l.Type.IsArray && unusedLocals?.Contains(l.Name) != true).Select(l => (l.Name, l.Type)));
            if (m.Return.IsReal) scalars[a.SeedName] = m.Return;
            return (scalars, arrays);
        }

        /// <summary>The variable a Forward program stores its return value in.</summary>
        public const string ResultVar = "__result";

        private static DeviceProgram? Plan(MethodModel m, PlanTarget target, string tag, Dictionary<string, IrType> scalars, List<(string Name, IrType Type)> arrays,
            List<Stmt> forward, List<Stmt> reverse, out string? failure, DeviceTiles? tiles = null)
        {
            bool cuda = target == PlanTarget.Cuda;
            failure = Unsupported(m, forward.Concat(reverse), arrays, target);
            if (failure is not null) return null;

            var p = new DeviceProgram { Target = target, Prefix = KernelPrefix(m) + "_" + tag, ChangingInts = IrQueries.MutableInts(m.Body) };
            foreach (var kv in scalars) p.Scalars[kv.Key] = kv.Value;
            var all = forward.Concat(reverse).ToList();

            // Host ints: int/bool parameters and int/bool locals assigned only at the top level.
            foreach (var prm in m.Params.Where(x => !x.Type.IsArray && !x.Type.IsReal)) p.HostInts.Add(prm.Name);
            var nestedIntWrites = new HashSet<string>(StringComparer.Ordinal);
            foreach (var s in all) if (s is For or If or Block) CollectScalarWrites(new[] { s }, nestedIntWrites);
            foreach (var s in all)
            {
                if (s is DeclScalar { Type.IsReal: false } d && !nestedIntWrites.Contains(d.Name)) { p.HostInts.Add(d.Name); p.HostStatements.Add(s); }
                else if (s is Assign { Target: VarRef { Type.IsReal: false } v } && !nestedIntWrites.Contains(v.Name)) { p.HostInts.Add(v.Name); p.HostStatements.Add(s); }
                else if (s is DeclArray) p.HostStatements.Add(s);
            }

            if (tiles is not null)
            {
                // block range and each panel's first row: set by the host before each block's launch
                foreach (var h in new[] { DeviceTiles.BlockLo, DeviceTiles.BlockHi }.Concat(tiles.Panels.Keys.Select(k => k + "_lo")))
                {
                    p.HostInts.Add(h);
                    p.TileInts.Add(h);
                    p.Scalars[h] = IrType.Int;
                }
                // row blocks: rows per block (set once), the block's range (set per block)
                foreach (var rb in tiles.RowBlocks.Values)
                {
                    foreach (var h in new[] { rb.Name, rb.Lo, rb.Hi })
                    {
                        p.HostInts.Add(h);
                        if (h != rb.Name) p.TileInts.Add(h);
                        p.Scalars[h] = IrType.Int;
                    }
                    p.RowBlocks[rb.Name] = rb;
                }
                foreach (var panel in tiles.Panels.Values)
                {
                    var type = new IrType(panel.Source.A.ArrayType.Elem, Shape.Matrix);
                    arrays.Add((panel.Name + "_v", type));
                    if (panel.Adjoint) arrays.Add((panel.Name + "_a", type));
                    p.Panels[panel.Name] = panel;
                }
            }
            int pointer = KernelAbi.FirstArrayPointer, ints = KernelAbi.FirstHostInt;
            foreach (var h in p.HostInts) p.IntSlots[h] = ints++;
            foreach (var (name, type) in arrays)
            {
                if (p.Arrays.ContainsKey(name)) continue;
                int d0 = ints++, d1 = type.Shape == Shape.Matrix ? ints++ : -1;
                p.Arrays[name] = new DeviceArrayInfo(name, type, pointer++, d0, d1);
            }
            if (cuda && pointer > KernelAbi.PointerSlots) { failure = $"it uses {pointer - KernelAbi.FirstArrayPointer} arrays; device code passes at most {KernelAbi.MaxArrays}"; return null; }
            if (cuda && ints > KernelAbi.FlagsInt) { failure = "it has too many sizes and ints for one kernel argument block"; return null; }
            foreach (var kv in p.Scalars.Where(kv => kv.Value.IsReal).OrderBy(kv => kv.Key, StringComparer.Ordinal)) p.Slots[kv.Key] = p.Slots.Count;

            // Pair reverse loops that pop with the forward loops that pushed, last pushed first (a stack: a row block of
            // the reverse sweep recomputes its forward loops, which push, before its reverse loops pop).
            var (pushing, popping) = PushPopLoops(all);
            if (pushing.Count == 0)
            {
                pushing = forward.OfType<For>().Where(f => Contains(f, s => s is Push)).ToList();
                popping = reverse.OfType<For>().Where(f => ContainsExpr(f, e => e is Pop)).ToList();
            }
            var pairs = new Dictionary<Stmt, For>(StmtReferenceComparer.Instance);
            var fusedForward = new HashSet<Stmt>(StmtReferenceComparer.Instance);
            var pairReasons = new Dictionary<Stmt, string>(StmtReferenceComparer.Instance);
            var indexed = new Dictionary<Stmt, DeviceStep>(StmtReferenceComparer.Instance);
            var pairedSteps = new Dictionary<Stmt, DeviceStep>(StmtReferenceComparer.Instance); // inner pairs decided so far
            if (pushing.Count == popping.Count)
            {
                for (int i = 0; i < popping.Count; i++)
                {
                    var f = pushing[pushing.Count - 1 - i];
                    var r = popping[i];
                    var why = new List<string>();
                    if (!CanFuse(p, f, r, all, pairedSteps, out bool tapeOnly)) why.Add("its private values are needed between the forward and the reverse loop");
                    else if (tapeOnly) why.Add("a value is private only to the iterations of an inner loop (only an indexed tape could run the pair, and it does not apply here)");
                    DeviceStep? rStep = null, fStep = null;
                    if (why.Count == 0 && (rStep = AnalyzeLoop(p, r, f, why)) is not null && (fStep = AnalyzeLoop(p, f, null, why, dropPushes: true)) is not null)
                    {
                        pairs[r] = f;
                        fusedForward.Add(f);
                        pairedSteps[r] = rStep;
                        pairedSteps[f] = fStep;
                    }
                    else if (why.Count > 0 && why[0] != "its private values are needed between the forward and the reverse loop"
                        && IndexedPair(p, f, r, indexed.Count, tiles is not null && tiles.Loops.TryGetValue(f, out var tf) ? Range(tf.Original) : null) is { } ip)
                    {
                        indexed[f] = ip.Forward;
                        indexed[r] = ip.Reverse;
                        pairedSteps[f] = ip.Forward;
                        pairedSteps[r] = ip.Reverse;
                    }
                    else
                    {
                        pairReasons[f] = why.Count > 0 ? why[0] : "";
                        pairReasons[r] = pairReasons[f];
                    }
                }
            }
            // Each indexed pair's tape is a local array of the program, allocated with the others.
            foreach (var st in indexed.Values.Where(x => x.Tape!.IsForward))
            {
                var t = st.Tape!;
                // a tiled loop's tape covers its whole range (each block's kernels use their own rows of it)
                var range = tiles is not null && tiles.Loops.TryGetValue(st.Loop!, out var tl) ? Range(tl.Original) : Range(st.Loop!);
                Expr count = new Intrinsic(Fn.Max, new Expr[] { new Const(0, IrType.Int), new Binary(BinaryOp.Sub, range.Hi, range.Lo, IrType.Int) }.ToEquatable(), IrType.Int);
                // a loop over a row block's rows: the tape holds one block (each block's pair writes and reads it in turn)
                if (p.RowBlocks.Values.FirstOrDefault(b => range.Lo is VarRef lv && lv.Name == b.Lo && range.Hi is VarRef hv && hv.Name == b.Hi) is { } tapeBlock)
                    count = new VarRef(tapeBlock.Name, IrType.Int);
                var type = new IrType(Scalar.Double, Shape.Vector);
                p.Scalars.Remove(t.Array);
                p.HostStatements.Add(new DeclArray(t.Array, type, new Expr[] { new Binary(BinaryOp.Mul, count, t.Width, IrType.Int) }.ToEquatable()));
                if (cuda && (pointer >= KernelAbi.PointerSlots || ints >= KernelAbi.IntSlots)) { failure = "it uses too many arrays for one kernel argument block"; return null; }
                p.Arrays[t.Array] = new DeviceArrayInfo(t.Array, type, pointer++, ints++, -1);
            }

            var serial = new List<Stmt>();
            // Comments of the statements in the serial run so far, and comments written after its last statement: those
            // belong to whatever comes next (a "Raised ..." comment to its GEMM, not to the serial kernel before it).
            var comments = new List<string>();
            var pending = new List<string>();
            void AddSerial(Stmt s)
            {
                comments.AddRange(pending);
                pending.Clear();
                serial.Add(s);
            }
            void FlushSerial()
            {
                if (serial.Count == 0) return;
                var st = new DeviceStep { Kind = StepKind.Serial, Body = serial.ToList(), Comments = comments.ToList() };
                st.UsesTape = Flatten(serial).Any(x => x is Push || IrQueries.ExprsOf(x).Any(e => IrQueries.Descendants(e).Any(d => d is Pop)));
                comments.Clear();
                p.Steps.Add(st);
                serial.Clear();
            }

            DeviceRowBlock? rowBlock = null;
            int firstOfBlock = 0;
            foreach (var s in all)
            {
                switch (s)
                {
                    case RowBlocksBegin rb:
                        FlushSerial();
                        if (rowBlock is not null) { failure = "row blocks inside row blocks"; return null; }
                        rowBlock = rb.Block;
                        firstOfBlock = p.Steps.Count;
                        continue;
                    case RowBlocksEnd:
                        FlushSerial();
                        for (int k = firstOfBlock; k < p.Steps.Count; k++) p.Steps[k].RowBlock = rowBlock;
                        rowBlock = null;
                        continue;
                    case Comment c:
                        pending.Add(c.Text);
                        continue;
                    case DeclArray:
                        continue; // allocated (zero-filled) by the host before the first step
                    case DeclScalar d when p.HostInts.Contains(d.Name):
                    case Assign { Target: VarRef v } when p.HostInts.Contains(v.Name):
                        continue;
                    case Contract or ContractAdjoint or ContractRows or ContractRowsAdjoint:
                        FlushSerial();
                        p.Steps.Add(new DeviceStep { Kind = StepKind.Gemm, Gemm = s, Comments = pending.ToList() });
                        pending.Clear();
                        continue;
                    case For f:
                        {
                            DeviceStep? step = null;
                            var why = new List<string>();
                            if (indexed.TryGetValue(f, out var ist)) step = ist;
                            else if (pairs.TryGetValue(f, out var fwd)) step = AnalyzeLoop(p, f, fwd, why) ?? throw new InvalidOperationException("paired loop no longer parallel");
                            else if (fusedForward.Contains(f)) step = AnalyzeLoop(p, f, null, why, dropPushes: true);
                            else if (Contains(f, x => x is Push) || ContainsExpr(f, e => e is Pop))
                                why.Add("it stores values for the reverse sweep (restore tape), and its forward/reverse pair cannot run as a parallel recomputation"
                                    + (pairReasons.TryGetValue(f, out var pr) && pr.Length > 0 ? ": " + pr : ""));
                            else step = AnalyzeLoop(p, f, null, why);
                            if (step is null)
                            {
                                pending.Add($"loop over {f.Var} runs on one thread: {(why.Count > 0 ? why[0] : "its iterations depend on each other")}");
                                AddSerial(s);
                                continue;
                            }
                            FlushSerial();
                            step.Comments.AddRange(pending);
                            pending.Clear();
                            p.Steps.Add(step);
                            continue;
                        }
                    default:
                        AddSerial(s);
                        continue;
                }
            }
            comments.AddRange(pending); // trailing comments stay with the last serial run
            pending.Clear();
            FlushSerial();
            for (int i = 0; i < p.Steps.Count; i++) p.Steps[i].Kernel = p.Prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (tiles is not null && (failure = MarkTiled(p, tiles)) is not null) return null;

            // A non-host int read by a kernel must be computed in that kernel (on the CPU the sequential code reads it, and
            // a loop that reads one stays on one core: see CpuLoops).
            foreach (var st in p.Steps.Where(x => cuda && x.Kind != StepKind.Gemm))
            {
                var stmts = KernelStatements(st);
                var written = new HashSet<string>(StringComparer.Ordinal);
                CollectScalarWrites(stmts, written);
                if (st.Loop is { } l) written.Add(l.Var);
                foreach (var x in Flatten(stmts))
                    if (x is For ff) written.Add(ff.Var);
                    else if (x is VectorFor vf) written.Add(vf.Loop.Var);
                foreach (var s in stmts)
                    foreach (var e in IrQueries.ExprsOf(s))
                        foreach (var d in IrQueries.Descendants(e))
                            if (d is VarRef { Type.IsReal: false } v && !p.HostInts.Contains(v.Name) && !written.Contains(v.Name))
                            {
                                failure = $"the int '{v.Name}' is computed in one loop and read in another";
                                return null;
                            }
            }
            foreach (var st in p.Steps.Where(x => cuda && x.Kind != StepKind.Gemm))
            {
                st.Uses = KernelUses.Of(st);
                KernelUses.Locals(p, st);
                if (st.Kind != StepKind.Serial) continue;
                var assigned = new HashSet<string>(StringComparer.Ordinal);
                foreach (var s in Flatten(st.Body))
                    if (s is DeclScalar d) assigned.Add(d.Name);
                    else if (s is Assign { Target: VarRef v }) assigned.Add(v.Name);
                st.SlotsWrittenBack = st.Uses.Scalars.Where(n => !p.HostInts.Contains(n) && p.Scalars.TryGetValue(n, out var t) && t.IsReal && assigned.Contains(n))
                    .OrderBy(x => x, StringComparer.Ordinal).ToList();
            }
            foreach (var st in p.Steps.Where(x => x.Kind == StepKind.Parallel && x.BlockPerIteration))
            {
                if (st.Recompute is { } rf) Partitions(st, rf.Body, recompute: true, st.RecomputedPartitions);
                Partitions(st, st.Loop!.Body, recompute: false, st.Partitions);
            }
            if (cuda && tiles is not null) FusedTileKernels.Plan(p);
            return p;
        }

        /// <summary>Binds each tiled loop to its parallel step; the reason when one does not run in parallel.</summary>
        private static string? MarkTiled(DeviceProgram p, DeviceTiles tiles)
        {
            var placed = new HashSet<Stmt>(StmtReferenceComparer.Instance);
            foreach (var st in p.Steps.Where(x => x.Kind == StepKind.Parallel))
            {
                if (!tiles.Loops.TryGetValue(st.Loop!, out var t)) continue;
                st.Tiled = t;
                st.TiledRange = Range(t.Original);
                st.Panels.AddRange(t.Panels);
                if (st.Recompute is { } f && tiles.Loops.TryGetValue(f, out var ft))
                    foreach (var panel in ft.Panels.Where(x => st.Panels.All(y => y.Name != x.Name))) st.Panels.Add(panel);
                var written = new HashSet<string>(Flatten(st.Loop!.Body).OfType<Assign>().Select(a => a.Target).OfType<ElemRef>().Select(e => e.Array), StringComparer.Ordinal);
                st.FlushedPanels.AddRange(st.Panels.Where(x => x.Adjoint && written.Contains(x.Name + "_a")));
                placed.Add(st.Loop!);
            }
            foreach (var st in p.Steps)
                if (st.Recompute is { } f && !tiles.Loops.ContainsKey(f) && st.Tiled is not null) return "a tiled reverse loop recomputes a loop that is not tiled";
            foreach (var kv in tiles.Loops)
            {
                if (placed.Contains(kv.Key)) continue;
                var why = p.Steps.Where(x => x.Kind == StepKind.Serial && x.Body.Any(b => ReferenceEquals(b, kv.Key)))
                    .SelectMany(x => x.Comments).FirstOrDefault(c => c.Contains(" runs on one thread: "));
                return $"the tiled loop over {((For)kv.Key).Var} does not run in parallel on the device" + (why is null ? "" : " (" + why + ")");
            }
            return null;
        }

        private static IEnumerable<Stmt> KernelStatements(DeviceStep st)
        {
            if (st.Kind == StepKind.Serial) return st.Body;
            var list = new List<Stmt>();
            if (st.Recompute is { } f) list.AddRange(f.Body);
            list.AddRange(st.Loop!.Body);
            return list;
        }

        private static string? Unsupported(MethodModel m, IEnumerable<Stmt> stmts, List<(string Name, IrType Type)> arrays, PlanTarget target)
        {
            if (!m.Params.Any(p => p.Type.IsArray)) return "it has no array parameter (nothing to gain from a GPU)";
            if (target == PlanTarget.Cpu) return null; // jagged arrays and calls: the CPU runs them (loops with calls stay on one core)
            foreach (var (name, type) in arrays)
                if (type.Shape == Shape.Jagged) return $"'{name}' is a jagged array (device code handles T[] and T[,])";
            foreach (var (name, type) in arrays)
                if (!type.IsReal && !m.Params.Any(x => x.Name == name)) return $"'{name}' is a local int array (device code allocates float/double local arrays)";
            if (m.Body.Any(IrQueries.HasEarlyExit))
                return "a loop leaves on a condition (while, do/while, break or return in a loop; device code runs counted loops only)";
            foreach (var name in IrQueries.MutableInts(m.Body).OrderBy(x => x, StringComparer.Ordinal))
                return $"the int '{name}' is reassigned (device code computes ints from sizes and counters only)";
            foreach (var s in Flatten(stmts))
            {
                switch (s)
                {
                    case CallStmt or AdjointCall: return "it calls another [Differentiable] method (device code does not inline calls yet)";
                    case PushAll or PopAll: return "it overwrites arrays through calls";
                    case Throw: return "it throws an exception between computations (a kernel cannot raise one)";
                }
                foreach (var e in IrQueries.ExprsOf(s))
                    foreach (var d in IrQueries.Descendants(e))
                        if (d is Invoke) return "it calls another [Differentiable] method (device code does not inline calls yet)";
            }
            return null;
        }

        /// <summary>A reason when the loop reads or writes int state that changes (its iterations run in order), or restores ints.</summary>
        private static string? ChangesInts(DeviceProgram p, Stmt loop)
        {
            foreach (var s in Flatten(new[] { loop }))
            {
                if (s is Push { Value.Type.Elem: Scalar.Int }) return "it stores int values for the reverse sweep";
                if (s is Assign { Target: VarRef v } && p.ChangingInts.Contains(v.Name) || s is DeclScalar d && p.ChangingInts.Contains(d.Name))
                    return $"it changes the int '{(s is Assign a ? ((VarRef)a.Target).Name : ((DeclScalar)s).Name)}', which carries from one iteration to the next";
                if (s is Assign { Target: ElemRef { Type.IsReal: false } el }) return $"it writes the int array '{el.Array}'";
                foreach (var e in ReadExprs(s))
                    foreach (var x in IrQueries.Descendants(e))
                        if (x is VarRef rv && p.ChangingInts.Contains(rv.Name) || x is ElemRef re && p.ChangingInts.Contains(re.Array))
                            return $"it reads '{(x is VarRef r2 ? r2.Name : ((ElemRef)x).Array)}', int state that other statements change";
            }
            return null;
        }

        /// <summary>
        /// A reason when the loop calls another method (what the callee writes is not analysed) or stores whole arrays. A throw
        /// does not keep a loop on one core: the first failing chunk's exception is rethrown, the first failing iteration's
        /// (DiffGen.Cpu.LoopParallelism.Run).
        /// </summary>
        private static string? CallsOrWholeArrayStores(Stmt loop)
        {
            foreach (var s in Flatten(new[] { loop }))
            {
                if (s is CallStmt or AdjointCall) return "it calls another [Differentiable] method (what the callee writes is not analysed)";
                if (s is PushAll or PopAll) return "it stores whole arrays for the reverse sweep";
                foreach (var e in IrQueries.ExprsOf(s))
                    foreach (var d in IrQueries.Descendants(e))
                        if (d is Invoke) return "it calls another [Differentiable] method (what the callee writes is not analysed)";
            }
            return null;
        }

        private static string KernelPrefix(MethodModel m)
        {
            var sb = new System.Text.StringBuilder();
            foreach (char c in m.Name) sb.Append(char.IsLetterOrDigit(c) && c < 128 ? c : '_');
            return sb.ToString();
        }

        // ------------------------------------------------------------ loop analysis

        private static DeviceStep? AnalyzeLoop(DeviceProgram p, For loop, For? forwardPair, List<string>? why, bool dropPushes = false,
            TapeInfo? tape = null)
        {
            if (IrQueries.HasEarlyExit(loop) || forwardPair is not null && IrQueries.HasEarlyExit(forwardPair))
                return Why(why, "it (or a loop inside it) leaves on a condition (while, break or return): its trip count is known only as it runs");
            if (!IsHostExpr(p, loop.Start) || !IsHostExpr(p, loop.Bound)) return Why(why, "its bounds are not computed from sizes");
            if (!(loop.Step > 0 && loop.Cmp is BinaryOp.Lt or BinaryOp.Le || loop.Step < 0 && loop.Cmp is BinaryOp.Gt or BinaryOp.Ge)) return Why(why, "its condition does not match its step");
            if ((ChangesInts(p, loop) ?? (forwardPair is null ? null : ChangesInts(p, forwardPair))) is { } ints) return Why(why, ints);
            if (p.Target == PlanTarget.Cpu && CallsOrWholeArrayStores(loop) is { } call) return Why(why, call);
            if (forwardPair is not null && p.Target == PlanTarget.Cpu && CallsOrWholeArrayStores(forwardPair) is { } fcall) return Why(why, fcall);
            var range = Range(loop);
            var step = new DeviceStep { Kind = StepKind.Parallel, Loop = loop, Recompute = forwardPair, WriteBackPrivates = !dropPushes && forwardPair is null, Tape = tape };

            var recomputed = new HashSet<string>(StringComparer.Ordinal);
            if (tape is { IsForward: false }) recomputed.UnionWith(tape.Finals); // loaded from the tape at the start of each iteration
            if (forwardPair is not null)
            {
                // The forward iteration: private values (recomputed here) and sums (skipped: the forward sweep did them).
                var fClasses = ClassifyScalars(p, forwardPair.Body, ignorePushes: true);
                if (fClasses is null) return Why(why, "a scalar of the forward loop is neither private to an iteration nor a sum");
                foreach (var kv in fClasses)
                {
                    if (kv.Value == VarClass.Invariant)
                    {
                        if (WrittenIn(loop.Body, kv.Key)) return Why(why, "the reverse loop writes a value the forward iteration reads"); // the recomputation would see the reverse iteration's value
                        step.Classes[kv.Key] = VarClass.Invariant;
                    }
                    else if (kv.Value == VarClass.Private) recomputed.Add(kv.Key);
                    else if (kv.Value == VarClass.Reduction) step.RecomputeReductions.Add(kv.Key);
                    else if (kv.Value != VarClass.Invariant) return Why(why, "a scalar of the forward loop carries a value between iterations");
                }
                if (ArrayWrites(forwardPair.Body).Any()) return Why(why, "the forward loop writes arrays that the reverse loop restores");
                step.LocalStack = CountPushes(forwardPair.Body);
                if (step.LocalStack < 0) return Why(why, "the forward loop stores values inside an inner loop (their number varies per iteration)");
            }

            var body = loop.Body;
            // an indexed pair's loops (GPU) may have values private to (or reset at the end of) an inner loop's iterations
            bool nested = tape is not null && p.Target == PlanTarget.Cuda;
            var classes = ClassifyScalars(p, body, ignorePushes: dropPushes || tape is { IsForward: true }, recomputed, nested);
            if (classes is null) return Why(why, "a scalar carries a value from one iteration to the next");
            foreach (var kv in classes)
            {
                if (step.Classes.TryGetValue(kv.Key, out var fc) && fc != kv.Value) return Why(why, "a scalar is used differently by the forward and the reverse loop");
                if (kv.Value == VarClass.Carried) step.CarriedReset[kv.Key] = LastReset(body, kv.Key, nested)!;
                step.Classes[kv.Key] = kv.Value;
            }
            foreach (var r in recomputed) step.Classes[r] = VarClass.Recomputed;
            // A reverse kernel may not read the forward loop's sums (their per-iteration values are gone).
            foreach (var r in step.RecomputeReductions)
                if (classes.ContainsKey(r)) return Why(why, "the reverse loop reads a sum of the forward loop");
            // Pops only of recomputed values.
            if (forwardPair is null && tape is not { IsForward: false } && ContainsExpr(loop, e => e is Pop)) return Why(why, "it restores values stored by another loop");
            if (!dropPushes && forwardPair is null && tape is not { IsForward: true } && Contains(loop, s => s is Push)) return Why(why, "it stores values for the reverse sweep");
            // A reverse loop that stores values itself (the recurrences it recomputes, Differentiator.RecurrenceReplay) would
            // outgrow the stack a paired iteration has (its forward iteration's stores, or its row of an indexed tape).
            if ((forwardPair is not null || tape is { IsForward: false }) && Contains(loop, s => s is Push))
                return Why(why, "its reverse iteration stores values of its own (recurrences it recomputes), which a paired iteration has no room for");

            // Arrays: owned rows or atomic sums.
            var writes = ArrayWrites(body).ToList();
            var offsets = new Dictionary<string, List<Expr>>(StringComparer.Ordinal);
            var atomic = new HashSet<string>(StringComparer.Ordinal);
            foreach (var w in writes)
            {
                var target = (ElemRef)w.Target;
                var off = Offset(p, target.Indices[0], loop.Var);
                if (off is null)
                {
                    if (w.Op == AssignOp.Set) return Why(why, "it sets array elements that other iterations may also set");
                    atomic.Add(target.Array);
                    continue;
                }
                if (!offsets.TryGetValue(target.Array, out var list)) offsets[target.Array] = list = new List<Expr>();
                if (!list.Contains(off)) list.Add(off);
            }
            foreach (var a in atomic)
            {
                if (offsets.ContainsKey(a))
                {
                    // mixed: some writes owned, some not: every write must then be a sum
                    if (writes.Any(w => ((ElemRef)w.Target).Array == a && w.Op == AssignOp.Set)) return Why(why, "it both sets and sums into an array's elements outside its own row");
                    offsets.Remove(a);
                }
            }
            foreach (var kv in offsets)
                if (!Separated(kv.Value, range)) return Why(why, "the rows it writes may overlap between iterations");
            // Reads of written arrays: only the iteration's own rows; atomically summed arrays are not read.
            foreach (var s in Flatten(body))
            {
                foreach (var e in ReadExprs(s))
                    foreach (var d in IrQueries.Descendants(e))
                    {
                        if (d is not ElemRef el) continue;
                        if (atomic.Contains(el.Array)) return Why(why, "it reads an array that iterations sum into");
                        if (offsets.TryGetValue(el.Array, out var own))
                        {
                            var off = Offset(p, el.Indices[0], loop.Var);
                            if (off is null || !own.Contains(off)) return Why(why, "it reads rows of an array that other iterations write");
                        }
                    }
            }
            step.AtomicArrays = atomic;

            // One block per iteration when SIMD loops can be split over its threads.
            var simd = Flatten(body).OfType<VectorFor>().ToList();
            if (forwardPair is not null) simd.AddRange(Flatten(forwardPair.Body).OfType<VectorFor>());
            step.BlockPerIteration = simd.Count > 0 && simd.All(v => Partitionable(v, step))
                && BlockSafe(body, step, offsets.Keys) && (forwardPair is null || BlockSafe(forwardPair.Body, step, offsets.Keys));
            if (step.BlockPerIteration)
            {
                var pending = new Unordered();
                if (forwardPair is not null) MarkBarriers(forwardPair.Body, pending, step.BarrierBefore);
                MarkBarriers(body, pending, step.BarrierBefore);
            }

            // A fused pair: the forward loop's private values must not be needed between the two loops.
            return step;
        }

        private static DeviceStep? Why(List<string>? why, string reason)
        {
            why?.Add(reason);
            return null;
        }

        /// <summary>
        /// A pair that cannot be recomputed (the forward loop writes arrays) runs through an indexed tape: both loops
        /// parallel, each forward iteration storing into its own row. Needs a bound on the stores per iteration that
        /// the host can compute (stores inside inner loops with bounds computed from sizes count once per trip).
        /// </summary>
        /// <param name="whole">A tiled loop's whole range (the loops themselves cover one block): the tape's rows start at its low end.</param>
        private static (DeviceStep Forward, DeviceStep Reverse)? IndexedPair(DeviceProgram p, For f, For r, int taken, (Expr Lo, Expr Hi)? whole = null)
        {
            if (f.Var != r.Var || !Range(f).Equals(Range(r))) return null;
            if (Contains(f, s => s is Continue) || Contains(r, s => s is Continue)) return null;
            var pushes = PushBound(p, f.Body);
            if (pushes is null) return null;
            int id = taken / 2;
            var ft = new TapeInfo { Id = id, IsForward = true, Pushes = pushes, Lo = (whole ?? Range(f)).Lo };
            if (!IsHostExpr(p, ft.Lo)) return null;
            var fs = AnalyzeLoop(p, f, null, null, tape: ft);
            if (fs is null) return null;
            // Nothing between the two loops reads the forward loop's private values (CanFuse), and after the reverse
            // loop they must be what they were before the forward loop (later reverse code may pop into them): so
            // the forward loop leaves their slots alone, exactly as the sequential restore would.
            fs.WriteBackPrivates = false;
            ft.Finals = fs.Classes.Where(kv => kv.Value == VarClass.Private).Select(kv => kv.Key).OrderBy(x => x, StringComparer.Ordinal).ToList();
            ft.Width = new Binary(BinaryOp.Add, pushes, new Const(ft.Finals.Count + 1, IrType.Int), IrType.Int);
            var rt = new TapeInfo { Id = id, IsForward = false, Pushes = pushes, Lo = ft.Lo, Finals = ft.Finals, Width = ft.Width };
            var rs = AnalyzeLoop(p, r, null, null, tape: rt);
            if (rs is null) return null;
            rs.WriteBackPrivates = false; // after the pair the slots hold what they held before it, as after a sequential restore
            // the reverse loop may not read the forward loop's sums
            foreach (var kv in fs.Classes.Where(kv => kv.Value == VarClass.Reduction))
                if (rs.Classes.ContainsKey(kv.Key)) return null;
            return (fs, rs);
        }

        /// <summary>Upper bound of the stores one iteration of the body makes, as a host expression; null when unknown.</summary>
        private static Expr? PushBound(DeviceProgram p, IEnumerable<Stmt> body)
        {
            Expr total = new Const(0, IrType.Int);
            foreach (var s in body)
            {
                Expr? n = s switch
                {
                    Push => new Const(1, IrType.Int),
                    Block b => PushBound(p, b.Body),
                    If i => PushBound(p, i.Then) is { } t && PushBound(p, i.Else) is { } e ? new Binary(BinaryOp.Add, t, e, IrType.Int) : null,
                    VectorFor v => Contains(v, x => x is Push) ? null : new Const(0, IrType.Int),
                    For g when !Contains(g, x => x is Push) => new Const(0, IrType.Int),
                    For g when IsHostExpr(p, g.Start) && IsHostExpr(p, g.Bound) && PushBound(p, g.Body) is { } inner =>
                        new Binary(BinaryOp.Mul, Trip(g), inner, IrType.Int),
                    For => null,
                    _ => new Const(0, IrType.Int),
                };
                if (n is null) return null;
                if (n is not Const { Value: 0 }) total = total is Const { Value: 0 } ? n : new Binary(BinaryOp.Add, total, n, IrType.Int);
            }
            return total;
        }

        /// <summary>Trip count of a loop as an expression (at least 0; the step divides the span, rounded up).</summary>
        private static Expr Trip(For g)
        {
            var (lo, hi) = Range(g);
            Expr span = new Binary(BinaryOp.Sub, hi, lo, IrType.Int);
            int st = Math.Abs(g.Step);
            if (st != 1) span = new Binary(BinaryOp.Div, new Binary(BinaryOp.Add, span, new Const(st - 1, IrType.Int), IrType.Int), new Const(st, IrType.Int), IrType.Int);
            return new Intrinsic(Fn.Max, new Expr[] { new Const(0, IrType.Int), span }.ToEquatable(), IrType.Int);
        }

        /// <summary>[lo, hi) of the counter's values, as expressions.</summary>
        internal static (Expr Lo, Expr Hi) Range(For f)
        {
            static Expr Plus1(Expr e) => e is Binary { Op: BinaryOp.Sub, Right: Const { Value: 1 } } b ? b.Left : new Binary(BinaryOp.Add, e, new Const(1, IrType.Int), IrType.Int);
            if (f.Step > 0) return (f.Start, f.Cmp == BinaryOp.Le ? Plus1(f.Bound) : f.Bound);
            return (f.Cmp == BinaryOp.Gt ? Plus1(f.Bound) : f.Bound, Plus1(f.Start));
        }

        private static bool Separated(List<Expr> offsets, (Expr Lo, Expr Hi) range)
        {
            if (offsets.Count == 1) return true;
            if (offsets.Count != 2 || range.Lo is not Const { Value: 0 }) return false;
            var zero = offsets.FirstOrDefault(o => o is Const { Value: 0 });
            var other = offsets.FirstOrDefault(o => o is not Const { Value: 0 });
            return zero is not null && other is not null && other.Equals(range.Hi);
        }

        /// <summary>c when the index is <c>var</c>, <c>var + c</c> or <c>c + var</c> with c computed by the host; else null.</summary>
        private static Expr? Offset(DeviceProgram p, Expr index, string var)
        {
            if (index is VarRef v && v.Name == var) return new Const(0, IrType.Int);
            if (index is Binary { Op: BinaryOp.Add } b)
            {
                if (b.Left is VarRef l && l.Name == var && IsHostExpr(p, b.Right)) return b.Right;
                if (b.Right is VarRef r && r.Name == var && IsHostExpr(p, b.Left)) return b.Left;
            }
            // a tiled loop's panel row: (var + c) - the panel's first row
            if (index is Binary { Op: BinaryOp.Sub } s && IsHostExpr(p, s.Right) && Offset(p, s.Left, var) is { } inner)
                return new Binary(BinaryOp.Sub, inner, s.Right, IrType.Int);
            return null;
        }

        private static bool IsHostExpr(DeviceProgram p, Expr e)
        {
            foreach (var d in IrQueries.Descendants(e))
            {
                switch (d)
                {
                    case VarRef v when !p.HostInts.Contains(v.Name): return false;
                    case ElemRef or Pop or Invoke: return false;
                    case Const c when c.Type.IsReal: return false;
                }
            }
            return true;
        }

        /// <summary>Classes of the method-level scalars a loop body mentions, or null when one fits none.</summary>
        /// <param name="nested">
        /// Also private: a value first mentioned by an inner loop (plain For) in which it is private, and not mentioned after
        /// that loop; also carried: a value last mentioned by an inner loop whose iterations end with it reset to a constant.
        /// (With zero inner trips the value is never read and the iteration leaves it as it was.) For indexed pairs, which
        /// never write private values back to their slots.
        /// </param>
        private static Dictionary<string, VarClass>? ClassifyScalars(DeviceProgram p, IReadOnlyList<Stmt> body, bool ignorePushes, HashSet<string>? recomputed = null, bool nested = false)
        {
            var result = new Dictionary<string, VarClass>(StringComparer.Ordinal);
            var mentioned = new HashSet<string>(StringComparer.Ordinal);
            foreach (var s in Flatten(body))
            {
                if (s is DeclScalar d) mentioned.Add(d.Name);
                if (s is Assign { Target: VarRef tv }) mentioned.Add(tv.Name);
                if (s is Push && ignorePushes) continue;
                foreach (var e in IrQueries.ExprsOf(s))
                    foreach (var x in IrQueries.Descendants(e))
                        if (x is VarRef v) mentioned.Add(v.Name);
            }
            var top = FlattenBlocks(body).ToList();
            foreach (var name in mentioned)
            {
                if (!p.Scalars.TryGetValue(name, out var type) || !type.IsReal) continue; // ints: host or computed in the loop
                if (recomputed is not null && recomputed.Contains(name)) continue;
                if (!WrittenIn(body, name)) { result[name] = VarClass.Invariant; continue; }
                if (IsReduction(body, name)) { result[name] = VarClass.Reduction; continue; }
                if (FirstMentionIsSet(top, name, ignorePushes, nested)) { result[name] = VarClass.Private; continue; }
                if (LastReset(body, name, nested) is not null) { result[name] = VarClass.Carried; continue; }
                return null;
            }
            return result;
        }

        private static bool WrittenIn(IReadOnlyList<Stmt> body, string name)
        {
            var w = new HashSet<string>(StringComparer.Ordinal);
            CollectScalarWrites(body, w);
            return w.Contains(name);
        }

        private static void CollectScalarWrites(IEnumerable<Stmt> stmts, HashSet<string> into)
        {
            foreach (var s in Flatten(stmts))
            {
                if (s is DeclScalar d) into.Add(d.Name);
                else if (s is Assign { Target: VarRef v }) into.Add(v.Name);
            }
        }

        /// <summary>Every mention is <c>name += e</c> or <c>name -= e</c> with e free of name.</summary>
        private static bool IsReduction(IReadOnlyList<Stmt> body, string name)
        {
            foreach (var s in Flatten(body))
            {
                if (s is Assign { Target: VarRef v } a && v.Name == name)
                {
                    if (a.Op == AssignOp.Set || IrQueries.Mentions(a.Value, name)) return false;
                    continue;
                }
                if (s is DeclScalar d && d.Name == name) return false;
                if (s is For or If or VectorFor or Block) continue; // their contents are visited by Flatten; headers below
                if (ReadExprs(s).Any(e => IrQueries.Mentions(e, name))) return false;
            }
            foreach (var s in Flatten(body))
            {
                if (s is For f && (IrQueries.Mentions(f.Start, name) || IrQueries.Mentions(f.Bound, name))) return false;
                if (s is If i && IrQueries.Mentions(i.Condition, name)) return false;
            }
            return true;
        }

        /// <summary>The first top-level statement that mentions name is an unconditional set that does not read it.</summary>
        private static bool FirstMentionIsSet(List<Stmt> top, string name, bool ignorePushes, bool nested = false)
        {
            for (int k = 0; k < top.Count; k++)
            {
                var s = top[k];
                if (ignorePushes && s is Push) continue;
                if (nested && s is For inner && inner.While is null && !IrQueries.Mentions(inner.Start, name) && !IrQueries.Mentions(inner.Bound, name) && inner.Var != name
                    && FirstMentionIsSet(FlattenBlocks(inner.Body).ToList(), name, ignorePushes, nested)
                    && !top.Skip(k + 1).Any(x => MentionsDeep(x, name)))
                    return true;
                switch (s)
                {
                    case DeclScalar { Init: null } d when d.Name == name: continue;
                    case DeclScalar d when d.Name == name: return !IrQueries.Mentions(d.Init!, name);
                    case Assign { Target: VarRef v, Op: AssignOp.Set } a when v.Name == name: return !IrQueries.Mentions(a.Value, name);
                }
                if (MentionsDeep(s, name)) return false;
            }
            return false;
        }

        /// <summary>The constant the body's last top-level mention of name sets it to, when that is all that mentions it last.</summary>
        private static Const? LastReset(IReadOnlyList<Stmt> body, string name, bool nested = false)
        {
            var top = FlattenBlocks(body).ToList();
            for (int i = top.Count - 1; i >= 0; i--)
            {
                var s = top[i];
                if (s is Assign { Target: VarRef v, Op: AssignOp.Set, Value: Const c } && v.Name == name) return c;
                if (nested && s is For inner && inner.While is null && inner.Var != name && !IrQueries.Mentions(inner.Start, name) && !IrQueries.Mentions(inner.Bound, name) && MentionsDeep(s, name))
                    return LastReset(inner.Body, name, nested);
                if (MentionsDeep(s, name)) return null;
            }
            return null;
        }

        private static bool MentionsDeep(Stmt s, string name)
        {
            foreach (var x in Flatten(new[] { s }))
            {
                if (x is DeclScalar d && d.Name == name) return true;
                if (x is Assign { Target: VarRef v } && v.Name == name) return true;
                if (x is For f && f.Var == name) return true;
                if (ReadExprs(x).Any(e => IrQueries.Mentions(e, name))) return true;
            }
            return false;
        }

        /// <summary>The expressions a statement itself evaluates (not those of nested statements).</summary>
        internal static IEnumerable<Expr> ReadExprs(Stmt s)
        {
            switch (s)
            {
                case DeclScalar { Init: { } i }: yield return i; break;
                case Assign a:
                    if (a.Target is ElemRef el) foreach (var x in el.Indices) yield return x;
                    yield return a.Value;
                    break;
                case For f: yield return f.Start; yield return f.Bound; break;
                case VectorFor v: yield return v.Loop.Start; yield return v.Loop.Bound; break;
                case If i: yield return i.Condition; break;
                case Push p: yield return p.Value; break;
                case Return { Value: { } r }: yield return r; break;
            }
        }

        private static IEnumerable<Assign> ArrayWrites(IEnumerable<Stmt> body) =>
            Flatten(body).OfType<Assign>().Where(a => a.Target is ElemRef);

        private static int CountPushes(IReadOnlyList<Stmt> body)
        {
            int n = 0;
            foreach (var s in FlattenBlocks(body))
            {
                if (s is Push) n++;
                else if (s is If i)
                {
                    if (Contains(i, x => x is For or VectorFor) && Contains(i, x => x is Push)) return -1;
                    n += Flatten(new[] { s }).Count(x => x is Push);
                }
                else if (Contains(s, x => x is Push)) return -1;
            }
            return n;
        }

        /// <summary>Can this SIMD loop's iterations be spread over a block's threads? Its scalar updates must be sums or max/min.</summary>
        private static bool Partitionable(VectorFor v, DeviceStep step)
        {
            var f = v.Loop;
            if (f.Step is not (1 or -1)) return false;
            var inner = new HashSet<string>(StringComparer.Ordinal);
            foreach (var s in Flatten(f.Body)) if (s is DeclScalar d) inner.Add(d.Name);
            foreach (var s in Flatten(f.Body))
            {
                if (s is For or VectorFor or Push) return false;
                if (s is Assign { Target: ElemRef el } && !el.Indices.Any(i => IrQueries.Mentions(i, f.Var))) return false;
                if (s is Assign { Target: VarRef t } a && !inner.Contains(t.Name))
                {
                    if (ReductionKind(a, t.Name) is null) return false;
                }
            }
            // a scalar reduced here is read nowhere else in the loop
            foreach (var s in Flatten(f.Body))
                if (s is Assign { Target: VarRef t } a && !inner.Contains(t.Name))
                    foreach (var o in Flatten(f.Body))
                        if (!ReferenceEquals(o, s) && ReadExprs(o).Any(e => IrQueries.Mentions(e, t.Name)) && !(o is Assign { Target: VarRef ot } && ot.Name == t.Name))
                            return false;
            return true;
        }

        /// <summary>
        /// The block-mode split of each SIMD loop of <paramref name="body"/>: its range and the scalars it reduces over the
        /// threads (not the step's own sums, which are per-thread already, nor, in the recomputed forward iteration, the
        /// sums the forward sweep made).
        /// </summary>
        internal static void Partitions(DeviceStep step, IEnumerable<Stmt> body, bool recompute, Dictionary<Stmt, DevicePartition> into)
        {
            foreach (var v in Flatten(body).OfType<VectorFor>())
            {
                var f = v.Loop;
                var inner = new HashSet<string>(StringComparer.Ordinal);
                foreach (var s in Flatten(f.Body)) if (s is DeclScalar d) inner.Add(d.Name);
                var reduced = new List<DeviceReduction>();
                foreach (var s in Flatten(f.Body))
                {
                    if (s is not Assign { Target: VarRef t } a || inner.Contains(t.Name)) continue;
                    if (step.Classes.TryGetValue(t.Name, out var cls) && cls == VarClass.Reduction) continue;
                    if (recompute && step.RecomputeReductions.Contains(t.Name)) continue;
                    if (reduced.Any(r => r.Var == t.Name)) continue;
                    reduced.Add(new DeviceReduction(t.Name, ReductionKind(a, t.Name) ?? throw new InvalidOperationException("not a reduction: " + t.Name)));
                }
                var one = new Const(1, IrType.Int);
                var lo = f.Step > 0 ? f.Start : (f.Cmp == BinaryOp.Gt ? new Binary(BinaryOp.Add, f.Bound, one, IrType.Int) : f.Bound);
                var hi = f.Step > 0 ? (f.Cmp == BinaryOp.Le ? new Binary(BinaryOp.Add, f.Bound, one, IrType.Int) : f.Bound) : new Binary(BinaryOp.Add, f.Start, one, IrType.Int);
                into[f] = new DevicePartition(lo, hi, reduced.ToEquatable());
            }
        }

        /// <summary>"+" for <c>s += e</c> / <c>s -= e</c>, "max" / "min" for <c>s = Max(s, e)</c>; null otherwise.</summary>
        public static string? ReductionKind(Assign a, string name)
        {
            if (a.Op != AssignOp.Set) return IrQueries.Mentions(a.Value, name) ? null : "+";
            if (a.Value is Intrinsic { Fn: Fn.Max or Fn.Min } f && f.Args[0] is VarRef v && v.Name == name && !IrQueries.Mentions(f.Args[1], name))
                return f.Fn == Fn.Max ? "max" : "min";
            return null;
        }

        /// <summary>Arrays accessed since the last barrier of a block-mode iteration by its code outside split loops (thread 0 writes; every thread reads).</summary>
        internal sealed class Unordered
        {
            public readonly HashSet<string> Writes = new(StringComparer.Ordinal);
            public readonly HashSet<string> Reads = new(StringComparer.Ordinal);

            public Unordered Copy()
            {
                var c = new Unordered();
                c.Writes.UnionWith(Writes);
                c.Reads.UnionWith(Reads);
                return c;
            }

            public void Add(Unordered o)
            {
                Writes.UnionWith(o.Writes);
                Reads.UnionWith(o.Reads);
            }

            public void Clear()
            {
                Writes.Clear();
                Reads.Clear();
            }

            public bool SameAs(Unordered o) => Writes.SetEquals(o.Writes) && Reads.SetEquals(o.Reads);
        }

        /// <summary>
        /// Block mode: which split loops must start with <c>__syncthreads()</c>. Between two barriers the threads of a
        /// block run in any order. Every split loop ends with a barrier (so does every iteration), but the code between
        /// the previous barrier and a split loop is unordered with it: thread 0's update of an element that the split
        /// loop also updates is lost when the two interleave (a <c>+=</c> on both sides, each reading the other's old
        /// value: issue 15, where thread 0's <c>-loss_adj</c> on the diagonal of <c>logits_adj</c> in ClipLoss was
        /// lost whenever the thread owning that column in the split loop ran at the same time), and an element that
        /// every thread reads may be overwritten by the split loop before a slower thread has read it. Walks the body
        /// in order with the arrays accessed since the last barrier (<paramref name="pending"/>); an inner serial loop
        /// is walked until what reaches its next trip stops growing.
        /// </summary>
        internal static void MarkBarriers(IEnumerable<Stmt> body, Unordered pending, HashSet<Stmt> marks)
        {
            foreach (var s in body)
            {
                switch (s)
                {
                    case VectorFor v:
                        {
                            var split = new Unordered();
                            Accesses(new[] { v.Loop }, split, deep: true);
                            if (split.Writes.Overlaps(pending.Writes) || split.Reads.Overlaps(pending.Writes) || split.Writes.Overlaps(pending.Reads))
                                marks.Add(v.Loop);
                            pending.Clear(); // the split loop ends with a barrier
                            break;
                        }
                    case For f:
                        {
                            Accesses(new[] { s }, pending, deep: false);
                            var entry = pending.Copy();
                            for (int pass = 0; ; pass++) // the sets only grow, over the method's arrays: it ends
                            {
                                var start = entry.Copy();
                                if (pass > 0) start.Add(pending); // what the previous trip left reaches the next one
                                var trip = start.Copy();
                                MarkBarriers(f.Body, trip, marks);
                                bool stable = pass > 0 && trip.SameAs(pending);
                                pending.Clear();
                                pending.Add(trip);
                                if (stable) break;
                            }
                            pending.Add(entry); // zero trips
                            break;
                        }
                    case If i:
                        {
                            Accesses(new[] { s }, pending, deep: false);
                            var other = pending.Copy();
                            MarkBarriers(i.Then, pending, marks);
                            MarkBarriers(i.Else, other, marks);
                            pending.Add(other);
                            break;
                        }
                    case Block b:
                        MarkBarriers(b.Body, pending, marks);
                        break;
                    default:
                        Accesses(new[] { s }, pending, deep: false);
                        break;
                }
            }
        }

        /// <summary>Arrays the statements write and read (a compound update counts as both); nested statements too when <paramref name="deep"/>.</summary>
        private static void Accesses(IEnumerable<Stmt> stmts, Unordered into, bool deep)
        {
            foreach (var s in deep ? Flatten(stmts) : stmts)
            {
                if (s is Assign { Target: ElemRef el } a)
                {
                    into.Writes.Add(el.Array);
                    if (a.Op != AssignOp.Set) into.Reads.Add(el.Array);
                }
                foreach (var e in ReadExprs(s))
                    foreach (var d in IrQueries.Descendants(e))
                        if (d is ElemRef r) into.Reads.Add(r.Array);
            }
        }

        /// <summary>Block mode runs scalar code redundantly in every thread and lets thread 0 alone write memory: safe when nothing reads back what thread 0 wrote.</summary>
        private static bool BlockSafe(IReadOnlyList<Stmt> body, DeviceStep step, IEnumerable<string> ownedArrays)
        {
            var guardedArrays = new HashSet<string>(StringComparer.Ordinal);
            void Walk(IEnumerable<Stmt> stmts)
            {
                foreach (var s in stmts)
                {
                    switch (s)
                    {
                        case VectorFor: break;
                        case Assign { Target: ElemRef el }: guardedArrays.Add(el.Array); break;
                        case For f: Walk(f.Body); break;
                        case If i: Walk(i.Then); Walk(i.Else); break;
                        case Block b: Walk(b.Body); break;
                    }
                }
            }
            Walk(body);
            foreach (var s in Flatten(body))
                foreach (var e in ReadExprs(s))
                    foreach (var d in IrQueries.Descendants(e))
                        if (d is ElemRef el && guardedArrays.Contains(el.Array)) return false;
            return true;
        }

        /// <summary>
        /// The top-level loops that push (the restore tape) and those that pop, matched as a stack: the i-th popping loop
        /// pairs with the (Count - 1 - i)-th pushing loop. Empty lists when a loop does both or the two do not match.
        /// </summary>
        private static (List<For> Pushing, List<For> Popping) PushPopLoops(List<Stmt> all)
        {
            var stack = new List<For>();
            var pushing = new List<For>();
            var popping = new List<For>();
            var none = (new List<For>(), new List<For>());
            foreach (var f in all.OfType<For>())
            {
                bool push = Contains(f, s => s is Push), pop = ContainsExpr(f, e => e is Pop);
                if (push && pop) return none;
                if (push) stack.Add(f);
                else if (pop)
                {
                    if (stack.Count == 0) return none;
                    pushing.Insert(0, stack[stack.Count - 1]);
                    stack.RemoveAt(stack.Count - 1);
                    popping.Add(f);
                }
            }
            if (stack.Count > 0) return none;
            return (pushing, popping);
        }

        /// <param name="tapeOnly">
        /// Set when the forward loop's values are private only counting those private to an iteration of an inner loop
        /// (<see cref="ClassifyScalars"/> with nested): the pair can run through an indexed tape, not as a recomputation.
        /// </param>
        private static bool CanFuse(DeviceProgram p, For f, For r, List<Stmt> all, Dictionary<Stmt, DeviceStep>? paired, out bool tapeOnly)
        {
            tapeOnly = false;
            if (f.Var != r.Var || !Range(f).Equals(Range(r))) return false;
            if (Contains(f, s => s is Continue) || Contains(r, s => s is Continue)) return false;
            // The forward loop's private values must not be read between the two loops (they stay registers).
            var priv = ClassifyScalars(p, f.Body, ignorePushes: true);
            if (priv is null && p.Target == PlanTarget.Cuda && (priv = ClassifyScalars(p, f.Body, ignorePushes: true, nested: true)) is not null) tapeOnly = true;
            if (priv is null) return false;
            int fi = all.FindIndex(s => ReferenceEquals(s, f)), ri = all.FindIndex(s => ReferenceEquals(s, r));
            var between = all.Skip(fi + 1).Take(ri - fi - 1);
            // A loop of an inner pair that has the value as its own private one (or recomputes it) neither reads
            // nor changes what the slot holds, so it does not count.
            bool Harmless(Stmt s, string v) =>
                paired is not null && paired.TryGetValue(s, out var st) && st.Classes.TryGetValue(v, out var c) && c is VarClass.Private or VarClass.Recomputed;
            foreach (var kv in priv.Where(kv => kv.Value == VarClass.Private))
                if (between.Any(s => MentionsDeep(s, kv.Key) && !Harmless(s, kv.Key))) return false;
            return true;
        }

        // ------------------------------------------------------------ walks

        /// <summary>Every statement, nested ones included (blocks, loops, ifs, SIMD loops), pre-order.</summary>
        public static IEnumerable<Stmt> Flatten(IEnumerable<Stmt> stmts)
        {
            foreach (var s in stmts)
            {
                yield return s;
                IEnumerable<Stmt> inner = s switch
                {
                    For f => f.Body,
                    VectorFor v => v.Loop.Body,
                    If i => i.Then.Concat(i.Else),
                    Block b => b.Body,
                    _ => Array.Empty<Stmt>(),
                };
                foreach (var x in Flatten(inner)) yield return x;
            }
        }

        /// <summary>Top-level statements with blocks opened (blocks only scope temporaries).</summary>
        public static IEnumerable<Stmt> FlattenBlocks(IEnumerable<Stmt> stmts)
        {
            foreach (var s in stmts)
            {
                if (s is Block b) { foreach (var x in FlattenBlocks(b.Body)) yield return x; }
                else yield return s;
            }
        }

        private static bool Contains(Stmt s, Func<Stmt, bool> pred) => Flatten(new[] { s }).Any(pred);

        private static bool ContainsExpr(Stmt s, Func<Expr, bool> pred) =>
            Flatten(new[] { s }).Any(x => ReadExprs(x).Any(e => IrQueries.Descendants(e).Any(pred)));
    }
}
