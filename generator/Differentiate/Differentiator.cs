using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Differentiate
{
    /// <summary>
    /// Reverse mode on the loop IR. The adjoint method runs a forward sweep, then a reverse sweep in which
    /// every statement is replaced by its adjoint in reverse order and loops run backwards:
    /// <list type="bullet">
    /// <item>a reduction <c>s += f(i)</c> has the adjoint loop <c>f̄(i) += s̄</c>, which is parallel over i;</item>
    /// <item>a value overwritten in the forward sweep is pushed on a restore stack just before the overwrite
    ///   and popped back in the reverse sweep, but only when the reverse sweep will read it (to-be-recorded
    ///   analysis: <see cref="Analyze"/>); everything else, int counters and sizes included, is recomputed;</item>
    /// <item>a call to another [Differentiable] method calls its adjoint, which re-runs the callee's forward
    ///   (recompute at call boundaries instead of a global tape);</item>
    /// <item>a loop with an exit condition (while, do/while, break, return in a loop: <see cref="For.While"/>) stores its
    ///   counter's exit value on the int tape; its reverse runs that many iterations backwards, never the condition
    ///   (which carries no derivative: the trip count is piecewise constant in the inputs).</item>
    /// </list>
    /// </summary>
    internal sealed class Differentiator
    {
        private readonly MethodModel _m;
        private readonly Dictionary<string, IrType> _types = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _adj = new(StringComparer.Ordinal);
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);
        private readonly List<HoistedLocal> _hoisted = new();
        private readonly HashSet<Stmt> _pushed = new(StmtReferenceComparer.Instance);
        private readonly Dictionary<Stmt, HashSet<string>> _pushedArrays = new(StmtReferenceComparer.Instance);
        private readonly HashSet<Stmt> _pushedBranch = new(StmtReferenceComparer.Instance);
        private readonly string _seed;
        private readonly string _result;
        private int _temps;

        /// <summary>Whether loops recompute running recurrences (<see cref="RecurrenceReplay"/>) and per-iteration scratch
        /// (<see cref="ScratchReplay"/>) in the reverse sweep: the CPU form.</summary>
        private readonly bool _cpuReplays;

        /// <summary>Whether the adjoint leaves output arrays as it found them (composition's contract). Backward's own adjoint
        /// does not: Backward wants the forward results left in them, so it stores an output's old elements only where an
        /// adjoint reads them.</summary>
        private readonly bool _restoreOutputs;

        private Differentiator(MethodModel m, bool cpuReplays, bool restoreOutputs)
        {
            _m = m;
            _cpuReplays = cpuReplays;
            _restoreOutputs = restoreOutputs;
            foreach (var p in m.Params) { _types[p.Name] = p.Type; _names.Add(p.Name); }
            CollectNames(m.Body);
            _seed = Fresh("__seed");
            _result = Fresh("__result");
        }

        /// <param name="m">The raised method.</param>
        /// <param name="cpuReplays">Recompute running recurrences and per-iteration scratch in the reverse sweep instead of
        /// storing their values (the CPU's form; the GPU planner pairs forward and reverse loops by what they store, so the
        /// device plans are made from the stored form: see Schedule.Scheduler).</param>
        /// <param name="restoreOutputs">Leave output arrays as the adjoint found them (see <see cref="_restoreOutputs"/>).</param>
        public static AdjointModel Run(MethodModel m, bool cpuReplays = true, bool restoreOutputs = true)
        {
            // The CPU form runs Raise's CPU loop order (point blocks); the device form the user's, kept beside it.
            if (cpuReplays && m.CpuBody.Count > 0)
            {
                try
                {
                    return new Differentiator(m with { Body = m.CpuBody, CpuBody = default }, true, restoreOutputs).Build() with { DeviceBody = m.Body };
                }
                catch (ContractNotRefilled)
                {
                    // Raise's batched products in a form the reverse sweep cannot refill: the CPU runs the user's order too.
                }
            }
            var d = new Differentiator(m with { CpuBody = default }, cpuReplays, restoreOutputs);
            return d.Build();
        }

        /// <summary>
        /// Activity: real variables whose value depends on a real parameter (flow-insensitive fixpoint). Only they
        /// carry adjoints; a local computed from counters and constants alone gets none (no wasted work, and no
        /// 0 × ∞ from the partials of a constant).
        /// </summary>
        private readonly HashSet<string> _varied = new(StringComparer.Ordinal);

        private void ComputeVaried()
        {
            // [Constant] parameters are inputs like int labels: no derivative flows from them.
            foreach (var p in _m.Params) if (p.Type.IsReal && !p.IsConstant) _varied.Add(p.Name);
            var detached = new HashSet<string>(StringComparer.Ordinal);
            CollectDetached(_m.Body, detached);
            bool changed = true;
            while (changed)
            {
                changed = false;
                Visit(_m.Body);
            }

            void Mark(string name)
            {
                if (!detached.Contains(name) && _varied.Add(name)) changed = true;
            }
            bool ReadsVaried(Expr e) => IrQueries.Descendants(e).Any(d =>
                d is VarRef v && _varied.Contains(v.Name) || d is ElemRef el && _varied.Contains(el.Array) || d is ArrayRef ar && _varied.Contains(ar.Array) || d is Invoke inv && inv.Args.Any(ReadsVaried));
            void Visit(IEnumerable<Stmt> stmts)
            {
                foreach (var s in stmts)
                {
                    switch (s)
                    {
                        case DeclScalar { Init: { } i } d when d.Type.IsReal && ReadsVaried(i): Mark(d.Name); break;
                        case Assign { Target: VarRef v } a when v.Type.IsReal && ReadsVaried(a.Value): Mark(v.Name); break;
                        case Assign { Target: ElemRef el } a when el.Type.IsReal && ReadsVaried(a.Value): Mark(el.Array); break;
                        case Contract c when _varied.Contains(c.A.Array) || _varied.Contains(c.B.Array): Mark(c.Target); break;
                        case CallStmt c when c.Call.Args.Any(ReadsVaried):
                            for (int k = 0; k < c.Call.Args.Count; k++)
                                if (c.Call.Method.Params[k].IsWritten && c.Call.Args[k] is ArrayRef ar) Mark(ar.Array);
                            break;
                        case For f: Visit(f.Body); break;
                        case If f: Visit(f.Then); Visit(f.Else); break;
                        case Block b: Visit(b.Body); break;
                    }
                }
            }
        }

        /// <summary>
        /// Variables that may hold an infinity the method itself wrote (a <c>double.PositiveInfinity</c> border, a
        /// <c>MaxValue</c> sentinel) or a value computed from one (flow-insensitive fixpoint). Only quotients that read
        /// them get the zero-adjoint guard of <see cref="PropagateIntrinsic"/>'s exp: elsewhere the guard is a branch
        /// that can never help.
        /// </summary>
        private readonly HashSet<string> _mayBeInfinite = new(StringComparer.Ordinal);

        private void ComputeMayBeInfinite()
        {
            // A running max/min starts at ∓∞ and is finite once it has seen a finite value: its seed is not a source.
            var extrema = new HashSet<string>(StringComparer.Ordinal);
            var otherwise = new HashSet<string>(StringComparer.Ordinal);
            foreach (var st in IrQueries.AllStmts(_m.Body))
                if (st is Assign { Target: VarRef v } a && !IsInfiniteConst(a.Value))
                    (a.Op == AssignOp.Set && a.Value is Intrinsic { Fn: Fn.Max or Fn.Min } mm && mm.Args.Count == 2
                        && mm.Args[0] is VarRef a0 && a0.Name == v.Name ? extrema : otherwise).Add(v.Name);
            extrema.ExceptWith(otherwise);
            bool changed = true;
            while (changed)
            {
                changed = false;
                Visit(_m.Body);
            }

            bool Reads(Expr e) => IrQueries.Descendants(e).Any(d =>
                IsInfiniteConst(d)
                || d is VarRef v && _mayBeInfinite.Contains(v.Name) || d is ElemRef el && _mayBeInfinite.Contains(el.Array));
            void Mark(string name)
            {
                if (_mayBeInfinite.Add(name)) changed = true;
            }
            void Visit(IEnumerable<Stmt> stmts)
            {
                foreach (var s in stmts)
                {
                    switch (s)
                    {
                        case DeclScalar { Init: { } i } d when d.Type.IsReal && !(extrema.Contains(d.Name) && IsInfiniteConst(i)) && Reads(i): Mark(d.Name); break;
                        case Assign { Target: VarRef v } a when v.Type.IsReal && !(extrema.Contains(v.Name) && IsInfiniteConst(a.Value)) && Reads(a.Value): Mark(v.Name); break;
                        case Assign { Target: ElemRef el } a when el.Type.IsReal && Reads(a.Value): Mark(el.Array); break;
                        case For f: Visit(f.Body); break;
                        case If f: Visit(f.Then); Visit(f.Else); break;
                        case Block b: Visit(b.Body); break;
                    }
                }
            }
        }

        private static bool IsInfiniteConst(Expr e) => e is Const c && (double.IsInfinity(c.Value) || Math.Abs(c.Value) >= (c.Type.Elem == Scalar.Float ? 1e38 : 1e300))
            || e is Unary { Op: UnaryOp.Neg, Operand: var o } && IsInfiniteConst(o);

        /// <summary>
        /// Does <paramref name="x"/> (an exponent) divide a value that may be infinite by a varied denominator? Then
        /// exp(x) is 0 where the numerator is +∞ (soft-DTW's border cells), and the quotient rule's second term
        /// multiplies that zero adjoint by numerator / denominator² = ∞: NaN unless guarded.
        /// </summary>
        private bool DividesMaybeInfinite(Expr x) => _mayBeInfinite.Count > 0 && IrQueries.Descendants(x).Any(d =>
            d is Binary { Op: BinaryOp.Div } q && IrQueries.ReadsReal(q.Right) && IsVaried(q.Right)
            && IrQueries.Descendants(q.Left).Any(n => n is VarRef v && _mayBeInfinite.Contains(v.Name) || n is ElemRef el && _mayBeInfinite.Contains(el.Array)));

        private static void CollectDetached(IEnumerable<Stmt> stmts, HashSet<string> into)
        {
            foreach (var s in stmts)
            {
                switch (s)
                {
                    case DeclScalar { Detached: true } d: into.Add(d.Name); break;
                    case For f: CollectDetached(f.Body, into); break;
                    case If i: CollectDetached(i.Then, into); CollectDetached(i.Else, into); break;
                }
            }
        }

        private bool IsVaried(Expr e) => IrQueries.Descendants(e).Any(d =>
            d is VarRef v && _varied.Contains(v.Name) || d is ElemRef el && _varied.Contains(el.Array) || d is Invoke);

        /// <summary>Does <see cref="Propagate"/> emit anything for <paramref name="e"/> (a real value depending on a varied one)?</summary>
        private bool Propagates(Expr e) => e.Type.IsReal && IrQueries.ReadsReal(e) && IsVaried(e);

        private static string RootOf(Expr target) => target is VarRef v ? v.Name : ((ElemRef)target).Array;

        /// <summary>
        /// Int and bool state the reverse sweep restores instead of recomputing (<see cref="IrQueries.MutableInts"/>, plus
        /// int locals inside loops or ifs computed from it): every overwrite of it inside a loop or if stores the old
        /// value, and the reverse sweep puts it back where it undoes that statement, so every adjoint and every
        /// recomputed condition or index sees the value the forward sweep saw at that point.
        /// </summary>
        private HashSet<string> _restoredInts = new(StringComparer.Ordinal);

        /// <summary>The stores of restored int state (<see cref="ComputeRestoredInts"/>): decided once, kept by every re-analysis of a loop.</summary>
        private readonly HashSet<Stmt> _intPushes = new(StmtReferenceComparer.Instance);

        /// <summary>
        /// Forgets the real-value stores of <paramref name="stmts"/> before a loop is analysed again (a replay, a scratch refill);
        /// the stores of restored ints stay, since <see cref="Analyze"/> decides only real ones (dropping them left an int index
        /// such as 'int j = idx[a]' neither stored nor recomputed in the reverse sweep: a wrong gradient).
        /// </summary>
        private void Unpush(IEnumerable<Stmt> stmts)
        {
            foreach (var st in stmts)
                if (!_intPushes.Contains(st)) _pushed.Remove(st);
        }

        private void ComputeRestoredInts()
        {
            _restoredInts = IrQueries.MutableInts(_m.Body);
            if (_restoredInts.Count == 0) return;
            bool changed = true;
            while (changed)
            {
                changed = false;
                Closure(_m.Body, nested: false);
            }
            Mark(_m.Body, nested: false);

            void Closure(IEnumerable<Stmt> stmts, bool nested)
            {
                foreach (var st in stmts)
                {
                    switch (st)
                    {
                        case DeclScalar { Init: { } init } d when nested && !d.Type.IsReal && !_restoredInts.Contains(d.Name)
                            && IrQueries.Descendants(init).Any(x => x is VarRef v && _restoredInts.Contains(v.Name) || x is ElemRef el && _restoredInts.Contains(el.Array)):
                            _restoredInts.Add(d.Name);
                            changed = true;
                            break;
                        case For f: Closure(f.Body, true); break;
                        case If i: Closure(i.Then, true); Closure(i.Else, true); break;
                    }
                }
            }
            void Mark(IEnumerable<Stmt> stmts, bool nested)
            {
                foreach (var st in stmts)
                {
                    switch (st)
                    {
                        case DeclScalar { Init: not null } d when nested && !d.Type.IsReal && _restoredInts.Contains(d.Name): _pushed.Add(st); _intPushes.Add(st); break;
                        // at the top level too: 'int k = ...; s = x * k; k = k + 1;' must give s's adjoint the first k
                        case Assign { Target.Type.IsReal: false } a when _restoredInts.Contains(RootOf(a.Target)): _pushed.Add(st); _intPushes.Add(st); break;
                        case For f: Mark(f.Body, true); break;
                        case If i: Mark(i.Then, true); Mark(i.Else, true); break;
                    }
                }
            }
        }

        /// <summary>A contraction inside a loop whose reverse would not refill it (see <see cref="ScratchReplay"/>).</summary>
        private sealed class ContractNotRefilled : Exception { }

        /// <summary>Every contraction inside a loop sits in the prefix its loop's reverse refills (nothing stores its table).</summary>
        private void CheckContractsRefilled(IEnumerable<Stmt> stmts, For? loop)
        {
            int i = 0;
            foreach (var st in stmts)
            {
                switch (st)
                {
                    case Contract when loop is not null && !(_scratch.TryGetValue(loop, out var prefix) && i < prefix):
                        throw new ContractNotRefilled();
                    case For f: CheckContractsRefilled(f.Body, f); break;
                    case If c when loop is not null && IrQueries.AllStmts(c.Then.Concat(c.Else)).Any(x => x is Contract): throw new ContractNotRefilled();
                    case Block b when loop is not null && IrQueries.AllStmts(b.Body).Any(x => x is Contract): throw new ContractNotRefilled();
                }
                i++;
            }
        }

        private AdjointModel Build()
        {
            ComputeVaried();
            ComputeMayBeInfinite();
            ComputeRestoredInts();
            foreach (var d in _m.Body.OfType<DeclArray>())
                if (d.Type.Shape == Shape.Vector && d.Sizes.Count == 1) _sizes[d.Name] = d.Sizes[0];
                else if (d.Type.Shape == Shape.Matrix && d.Sizes.Count == 2) _matrixSizes[d.Name] = (d.Sizes[0], d.Sizes[1]);
            // Declarations hoisted to the top of the adjoint method: the reverse sweep reads them outside their C# scopes.
            HoistDeclarations(_m.Body);
            foreach (var p in _m.Params)
                if (p.Type.IsReal) _adj[p.Name] = Fresh(p.Name + "_adj");
            foreach (var h in _hoisted.ToList())
                if (h.Type.IsReal)
                {
                    _adj[h.Name] = Fresh(h.Name + "_adj");
                    _hoisted.Add(new HoistedLocal(_adj[h.Name], h.Type));
                }
            if (_m.Return.Elem != Scalar.Void) _hoisted.Add(new HoistedLocal(_result, _m.Return));

            // Output arrays are restored completely (the adjoint leaves every array as it found it, which is
            // what a caller's own reverse sweep relies on), so they start in the to-be-recorded set.
            var req = new HashSet<string>(_m.Params.Where(p => p.IsWritten && _restoreOutputs).Select(p => p.Name), StringComparer.Ordinal);
            Analyze(_m.Body, req, top: true);
            CheckContractsRefilled(_m.Body, null);

            var (forward, reverse) = ForwardValues.Reuse(Forward(_m.Body).ToEquatable(), Reverse(_m.Body, topLevel: true).ToEquatable());
            return new AdjointModel(_m, _hoisted.ToEquatable(),
                _adj.Select(kv => new AdjointName(kv.Key, kv.Value, _types[kv.Key])).OrderBy(a => a.Primal, StringComparer.Ordinal).ToEquatable(),
                forward, reverse, _seed, _result, _pushed.Count + _pushedArrays.Count + _pushedBranch.Count + _extrema.Count)
            {
                CpuReplays = _recurrences.Count + _scratch.Count,
                RestoredOutputs = _m.Params.Where(p => p.IsWritten && IrQueries.MayWrite(reverse, p.Name)).Select(p => p.Name).ToEquatable(),
            };
        }

        // ------------------------------------------------------------ names

        private void CollectNames(IEnumerable<Stmt> stmts)
        {
            IrQueries.Declarations(stmts, _types);
            _names.UnionWith(_types.Keys);
        }

        private string Fresh(string name)
        {
            if (_names.Add(name)) return name;
            for (int i = 2; ; i++)
                if (_names.Add(name + i)) return name + i;
        }

        private void HoistDeclarations(IEnumerable<Stmt> stmts)
        {
            foreach (var s in stmts)
            {
                switch (s)
                {
                    case DeclScalar d: AddHoisted(d.Name, d.Type); break;
                    case DeclArray a: AddHoisted(a.Name, a.Type); break;
                    case For f: AddHoisted(f.Var, IrType.Int); HoistDeclarations(f.Body); break;
                    case If i: HoistDeclarations(i.Then); HoistDeclarations(i.Else); break;
                }
            }
        }

        private void AddHoisted(string name, IrType type)
        {
            if (!_hoisted.Any(h => h.Name == name)) _hoisted.Add(new HoistedLocal(name, type));
        }

        private string NewTemp() => Fresh("__t" + (++_temps).ToString(System.Globalization.CultureInfo.InvariantCulture));

        // ------------------------------------------------------------ to-be-recorded analysis

        /// <summary>
        /// Forward data flow over the set of variables whose current value some adjoint (of a statement already
        /// executed) will read. Overwriting such a variable requires a push. Scalars leave the set when overwritten.
        /// Arrays are tracked as wholes in <paramref name="req"/>, refined at element level in two ways:
        /// <list type="bullet">
        /// <item><paramref name="clean"/>: elements written since the last read of their array by an adjoint, with
        ///   indices that have not changed since (a must-fact: intersected where branches meet, dropped at a loop whose
        ///   body reads the array or changes the indices). Overwriting such an element stores nothing, since no adjoint
        ///   has read its current value: <c>b[k] = a; for (..) b[k] -= e;</c> stores only before the first write.</item>
        /// <item>rows private to an iteration (<see cref="IterationRows"/>): when every access to an array in a loop's
        ///   body has the loop's counter at the same index position, iteration i touches only row i, so what earlier
        ///   iterations' adjoints read is not carried round the loop: <c>for (i ..) { t[i] = ..; s += f(t[i]); }</c>
        ///   stores nothing, while the same loop after a statement whose adjoint reads t still stores.</item>
        /// </list>
        /// Loops iterate to a fixpoint.
        /// </summary>
        private HashSet<string> Analyze(IEnumerable<Stmt> stmts, HashSet<string> req, HashSet<ElemRef>? clean = null, bool top = false)
        {
            clean ??= new HashSet<ElemRef>();
            var before = new List<Stmt>();
            foreach (var s in stmts)
            {
                switch (s)
                {
                    case DeclScalar { Init: { } init } d when d.Type.IsReal:
                        if (_varied.Contains(d.Name)) Read(init);
                        if (req.Remove(d.Name)) _pushed.Add(s);
                        break;
                    case DeclScalar d:
                        KillIndex(d.Name);
                        break;
                    case Assign a when a.Target.Type.IsReal:
                        if (_varied.Contains(RootOf(a.Target))) Read(a.Value);
                        if (a.Target is VarRef v) { if (req.Remove(v.Name)) _pushed.Add(s); }
                        else
                        {
                            var el = (ElemRef)a.Target;
                            if (req.Contains(el.Array) && !clean.Contains(el)) _pushed.Add(s);
                            // Its new value has not been read by any adjoint yet (indices reading int arrays are not tracked).
                            if (!el.Indices.Any(i => IrQueries.Descendants(i).Any(x => x is ElemRef || x is VarRef { Type.IsReal: true }))) clean.Add(el);
                        }
                        break;
                    case Assign a:
                        KillIndex(RootOf(a.Target));
                        break;
                    case If f:
                        {
                            if (NeedsBranchPush(f)) _pushedBranch.Add(f);
                            else
                            {
                                var cond = new HashSet<string>(StringComparer.Ordinal);
                                IrQueries.RealReads(f.Condition, cond);
                                KillArrays(cond);
                                req.UnionWith(cond);
                            }
                            var ct = new HashSet<ElemRef>(clean);
                            var ce = new HashSet<ElemRef>(clean);
                            var t = Analyze(f.Then, new HashSet<string>(req, req.Comparer), ct);
                            var e = Analyze(f.Else, new HashSet<string>(req, req.Comparer), ce);
                            req.Clear(); req.UnionWith(t); req.UnionWith(e);
                            ct.IntersectWith(ce);
                            clean.Clear(); clean.UnionWith(ct);
                            break;
                        }
                    // Top-level loops only: inside a loop over rows (a softmax's max per row) the per-iteration tape keeps the row
                    // loop's forward/reverse pair parallel on the GPU (an indexed tape), which the rewrite's carried scan would not.
                    case For f when top && IsRunningExtremum(f, out var accName, out _, out var ext) && _varied.Contains(accName):
                        {
                            // Stores the initial value once (the forward loop itself stores nothing); the reverse reads the
                            // final value and e's operands.
                            _extrema.Add(f);
                            var reads = new HashSet<string>(StringComparer.Ordinal);
                            IrQueries.RealReads(ext, reads);
                            KillArrays(reads);
                            req.UnionWith(reads);
                            req.Add(accName);
                            break;
                        }
                    case For f:
                        {
                            // Facts that hold through any number of iterations: the body neither reads the array nor
                            // changes an index.
                            var bodyReads = new HashSet<string>(StringComparer.Ordinal);
                            var bodyInts = new HashSet<string>(StringComparer.Ordinal) { f.Var };
                            BodyReadsAndInts(f.Body, bodyReads, bodyInts);
                            clean.RemoveWhere(el => bodyReads.Contains(el.Array) || el.Indices.Any(i => bodyInts.Any(v => IrQueries.Mentions(i, v))));
                            var rows = f.While is null ? IterationRows(f) : new HashSet<string>(StringComparer.Ordinal);
                            var entry = new HashSet<string>(req, req.Comparer);
                            var result = LoopFixpoint(f, entry, clean, rows);
                            if (top && ReplaySplit(f, entry) is { } split)
                            {
                                // Try the replay (see ReplaySplit); keep it only if its conditions on what the suffix
                                // stores hold and the cost model prefers it, else analyse the loop again as before.
                                var inner = new List<Stmt>();
                                StatementsIn(f.Body, inner);
                                var stored = inner.Where(_pushed.Contains).ToList();
                                double storeCost = StoreCost(f.Body.Take(split.Prefix), 1);
                                Unpush(inner);
                                var scratchBefore = new Dictionary<Stmt, int>(_scratch, StmtReferenceComparer.Instance);
                                var replayed = LoopFixpoint(f, entry, clean, new HashSet<string>(rows.Concat(split.Written), StringComparer.Ordinal));
                                double replayCost = WorkCost(f.Body.Take(split.Prefix), 1) + NearStore * StoreCost(f.Body.Take(split.Prefix), 1) / FarStore;
                                // the second analysis may give a loop of the suffix a scratch refill (ScratchReplay) that reads
                                // what the prefix writes; then the suffix's reverse would read the prefix's next iteration
                                var suffixReads = new HashSet<string>(StringComparer.Ordinal);
                                AdjointReads(f.Body.Skip(split.Prefix), suffixReads);
                                if (SuffixRestores(f, split) && replayCost < storeCost && !split.Written.Overlaps(suffixReads))
                                {
                                    _replayed[f] = split.Prefix;
                                    result = replayed;
                                }
                                else
                                {
                                    Unpush(inner);
                                    foreach (var st in stored) _pushed.Add(st);
                                    _scratch.Clear();
                                    foreach (var kv in scratchBefore) _scratch[kv.Key] = kv.Value;
                                }
                            }
                            // Per-iteration scratch in a nested loop (see ScratchReplay): the reverse sweep refills it for each
                            // iteration instead of the forward sweep storing it before each refill. Top-level loops keep
                            // ReplaySplit and Schedule's parallel forward/reverse pairs, which recompute private values already.
                            _scratch.Remove(f);
                            if (!top && ScratchReplay(f, entry, clean, rows) is { } scratch) result = scratch;
                            req.Clear(); req.UnionWith(result);
                            // Running recurrences (p = p * c) whose only stores are their own values: the reverse sweep
                            // recomputes them from the entry value (see RecurrenceReplay), which then reads c's operands.
                            _recurrences.Remove(f);
                            if (RecurrenceReplay(f, before) is { } rec)
                            {
                                _recurrences[f] = rec;
                                var recReads = new HashSet<string>(StringComparer.Ordinal);
                                foreach (var r in rec) IrQueries.RealReads(r.Step.Value, recReads);
                                foreach (var r in rec) recReads.Remove(r.Name);
                                KillArrays(recReads);
                                req.UnionWith(recReads);
                            }
                            // A loop that overwrites every element of a vector (whose old elements it pushed where
                            // needed) leaves values no earlier adjoint reads: the vector leaves the set, so the
                            // accumulations that follow (x[i] += ...) store nothing until an adjoint reads it again.
                            // Unless the loop's own adjoints read the values it wrote (for (..) { b[j] = ..; s += exp(b[j]); }):
                            // then a later overwrite must still store them.
                            if (OverwritesWholeVector(f) is { } whole)
                            {
                                var loopReads = new HashSet<string>(StringComparer.Ordinal);
                                AdjointReads(f.Body, loopReads);
                                if (!loopReads.Contains(whole)) req.Remove(whole);
                            }
                            break;
                        }
                    case CallStmt c:
                        {
                            var reads = new HashSet<string>(StringComparer.Ordinal);
                            foreach (var arg in c.Call.Args) IrQueries.RealReads(arg, reads);
                            KillArrays(reads);
                            req.UnionWith(reads);
                            for (int k = 0; k < c.Call.Args.Count; k++)
                            {
                                if (!c.Call.Method.Params[k].IsWritten || c.Call.Args[k] is not ArrayRef ar || !req.Contains(ar.Array)) continue;
                                if (!_pushedArrays.TryGetValue(s, out var set)) _pushedArrays[s] = set = new HashSet<string>(StringComparer.Ordinal);
                                set.Add(ar.Array);
                            }
                            break;
                        }
                    case Return { Value: { } r }:
                        Read(r);
                        break;
                    case Contract c:
                        // The adjoint GEMMs read both operands; the target is a fresh table.
                        req.Add(c.A.Array);
                        req.Add(c.B.Array);
                        KillArrays(new[] { c.A.Array, c.B.Array, c.Target });
                        break;
                }
                before.Add(s);
            }
            return req;

            void Read(Expr value)
            {
                var reads = new HashSet<string>(StringComparer.Ordinal);
                Needed(value, reads);
                KillArrays(reads);
                req.UnionWith(reads);
            }
            void KillArrays(IEnumerable<string> names)
            {
                var set = new HashSet<string>(names, StringComparer.Ordinal);
                if (set.Count > 0) clean.RemoveWhere(el => set.Contains(el.Array));
            }
            void KillIndex(string name) => clean.RemoveWhere(el => el.Array == name || el.Indices.Any(i => IrQueries.Mentions(i, name)));
        }

        /// <summary>Real variables and arrays a loop body may read (values, conditions, call arguments), and the ints it may change.</summary>
        /// <param name="stmts">The statements.</param>
        /// <param name="reads">Receives the real names read.</param>
        /// <param name="ints">Receives the ints changed.</param>
        /// <param name="forward">Count x += e as reading x (what the forward sweep reads; an adjoint does not read it).</param>
        private static void BodyReadsAndInts(IEnumerable<Stmt> stmts, HashSet<string> reads, HashSet<string> ints, bool forward = false)
        {
            foreach (var s in stmts)
            {
                switch (s)
                {
                    case DeclScalar d:
                        if (!d.Type.IsReal) ints.Add(d.Name);
                        if (d.Init is { } i) IrQueries.RealReads(i, reads);
                        break;
                    case Assign a:
                        if (!a.Target.Type.IsReal) ints.Add(RootOf(a.Target));
                        IrQueries.RealReads(a.Value, reads);
                        if (a.Op != AssignOp.Set && (forward || IrQueries.Mentions(a.Value, RootOf(a.Target)))) reads.Add(RootOf(a.Target));
                        break;
                    case For f:
                        ints.Add(f.Var);
                        if (f.While is { } w) IrQueries.RealReads(w, reads);
                        BodyReadsAndInts(f.Body, reads, ints, forward);
                        break;
                    case If f:
                        IrQueries.RealReads(f.Condition, reads);
                        BodyReadsAndInts(f.Then, reads, ints, forward);
                        BodyReadsAndInts(f.Else, reads, ints, forward);
                        break;
                    case Block b: BodyReadsAndInts(b.Body, reads, ints, forward); break;
                    default:
                        foreach (var e in IrQueries.ExprsOf(s)) IrQueries.RealReads(e, reads);
                        if (s is Contract c) reads.Add(c.Target);
                        break;
                }
            }
        }

        /// <summary>
        /// Arrays that every access in the loop's body (read or write, nested statements included) indexes by the loop's
        /// counter at the same position (a[i, j], a[i, j_2] in loop i): iteration i touches only its own row, so no adjoint
        /// of an earlier iteration reads what iteration i overwrites.
        /// </summary>
        private static HashSet<string> IterationRows(For f)
        {
            // per array: the positions where every access so far has exactly the counter
            var positions = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
            var bad = new HashSet<string>(StringComparer.Ordinal);
            void See(Expr e)
            {
                foreach (var d in IrQueries.Descendants(e))
                {
                    if (d is ArrayRef ar) bad.Add(ar.Array);
                    else if (d is ElemRef el)
                    {
                        var here = new HashSet<int>(Enumerable.Range(0, el.Indices.Count).Where(p => el.Indices[p] is VarRef v && v.Name == f.Var));
                        if (positions.TryGetValue(el.Array, out var have)) have.IntersectWith(here);
                        else positions[el.Array] = here;
                    }
                }
            }
            void Walk(IEnumerable<Stmt> stmts)
            {
                foreach (var s in stmts)
                {
                    switch (s)
                    {
                        case Assign a: See(a.Target); See(a.Value); break;
                        case For g: See(g.Start); See(g.Bound); if (g.While is { } w) See(w); Walk(g.Body); break;
                        case If i: See(i.Condition); Walk(i.Then); Walk(i.Else); break;
                        case Block b: Walk(b.Body); break;
                        case Contract c: bad.Add(c.Target); bad.Add(c.A.Array); bad.Add(c.B.Array); break;
                        case DeclArray d: bad.Add(d.Name); foreach (var x in d.Sizes) See(x); break;
                        default: foreach (var e in IrQueries.ExprsOf(s)) See(e); break;
                    }
                }
            }
            Walk(f.Body);
            var rows = new HashSet<string>(StringComparer.Ordinal);
            foreach (var kv in positions)
                if (!bad.Contains(kv.Key) && kv.Value.Count > 0) rows.Add(kv.Key);
            return rows;
        }

        private HashSet<string> LoopFixpoint(For f, HashSet<string> entry, HashSet<ElemRef> clean, HashSet<string> notCarried)
        {
            var head = new HashSet<string>(entry, entry.Comparer);
            HashSet<string> end;
            while (true)
            {
                end = Analyze(f.Body, new HashSet<string>(head, head.Comparer), new HashSet<ElemRef>(clean));
                var next = new HashSet<string>(end.Where(x => !notCarried.Contains(x)), entry.Comparer);
                next.UnionWith(entry);
                if (next.SetEquals(head)) break;
                head = next;
            }
            head.UnionWith(end);
            return head;
        }

        // ------------------------------------------------------------ running recurrences: recompute instead of store

        /// <summary>Loops whose stored values are those of running recurrences, recomputed in the reverse sweep: loop -> recurrences.</summary>
        private readonly Dictionary<Stmt, List<Recurrence>> _recurrences = new(StmtReferenceComparer.Instance);

        /// <summary>
        /// A running recurrence of a loop: the body's statement <paramref name="Step"/> <c>p = e(p, ...)</c>. <paramref name="Entry"/> is
        /// p's value on entry when one of the constant settings just before the loop sets it (strength reduction's <c>p = 1</c>),
        /// else null (the forward sweep stores that one value before the loop).
        /// </summary>
        internal sealed record Recurrence(string Name, IrType Type, Assign Step, Expr? Entry);

        /// <summary>
        /// Recompute instead of store, for a counted loop at any depth whose only stored values are those of running recurrences:
        /// statements <c>p = e</c> at the top of the body, with p a real scalar that e reads, that no other statement of the body
        /// writes or declares, and e reading nothing else the body writes or changes, not the counter either, and calling nothing
        /// (strength reduction's <c>p = p * a</c>, a running sum <c>p = p + a</c> with a invariant). The plain scheme stores p once per iteration
        /// (llsq: m values per point, 2·10⁶ doubles that outgrow the caches). Instead the forward sweep runs the loop storing nothing
        /// (only p's entry value, once, unless the statements just before the loop set p to a constant), and the reverse sweep first
        /// replays the recurrences alone, from the entry value, storing their values on the stack (one loop's worth, in cache),
        /// which the loop's adjoint then takes back as before. Sound because e's operands hold, at that point of the reverse sweep,
        /// the values the forward loop saw: the body does not write them, and after the loop they count as read by the reverse
        /// sweep (so a later overwrite stores them). The body may not leave early, store a branch, an array or an int, or contain
        /// a loop that is itself replayed, and the cost model (<see cref="FarStore"/>) must prefer recomputing: a recurrence
        /// of a few multiplications and additions qualifies, one that calls Math.Sin or Math.Max per iteration does not;
        /// otherwise the loop keeps the plain scheme.
        /// </summary>
        private List<Recurrence>? RecurrenceReplay(For f, List<Stmt> before)
        {
            if (!_cpuReplays || f.While is not null || f.Body.Count == 0) return null;
            var all = new List<Stmt>();
            StatementsIn(f.Body, all);
            var steps = new List<Assign>();
            foreach (var st in all)
            {
                if (st is For { While: not null } || _pushedBranch.Contains(st) || _pushedArrays.ContainsKey(st) || _extrema.Contains(st)
                    || _replayed.ContainsKey(st) || _recurrences.ContainsKey(st) || st is Push or PushAll or Return) return null;
                if (!_pushed.Contains(st)) continue;
                if (st is not Assign { Op: AssignOp.Set, Target: VarRef { Type.IsReal: true } p } a || !f.Body.Contains(st, StmtReferenceComparer.Instance)
                    || !IrQueries.Mentions(a.Value, p.Name)) return null;
                steps.Add(a);
            }
            if (steps.Count == 0) return null;
            // Cost model (see FarStore): replaying a value costs its recurrence's operations and a store taken back within the
            // iteration of the reverse sweep; storing it costs a far store. A sine per iteration is cheaper to keep.
            if (steps.Sum(a => WorkCost(new Stmt[] { a }, 1) + NearStore) >= FarStore * steps.Count) return null;
            var written = new HashSet<string>(StringComparer.Ordinal);
            IrQueries.Writes(f.Body, written);
            var ints = new HashSet<string>(StringComparer.Ordinal);
            BodyReadsAndInts(f.Body, new HashSet<string>(StringComparer.Ordinal), ints);
            ints.Remove(f.Var);
            var names = new HashSet<string>(steps.Select(a => ((VarRef)a.Target).Name), StringComparer.Ordinal);
            // the trip count is the forward loop's: the bounds read nothing the body changes
            foreach (var x in IrQueries.Descendants(f.Start).Concat(IrQueries.Descendants(f.Bound)))
                if (x is VarRef bv && (bv.Name == f.Var || ints.Contains(bv.Name) || written.Contains(bv.Name)) || x is ElemRef or Pop or Invoke) return null;
            var result = new List<Recurrence>();
            foreach (var a in steps)
            {
                var p = (VarRef)a.Target;
                // p is set by this statement only
                foreach (var st in all)
                    if (!ReferenceEquals(st, a) && (st is DeclScalar d && d.Name == p.Name || st is Assign o && RootOf(o.Target) == p.Name)) return null;
                // the step's other operands do not change with the counter either: a geometric or arithmetic recurrence
                // (p = p * c, p = p + c), whose replay is one multiplication per iteration on SIMD lanes. A factor that
                // varies per iteration (det's gathered matrix entries) costs its loads again in the replay, and with short
                // trip counts the extra loop outweighs the stores it saves (measured: det's gradient 20-30% slower).
                if (IrQueries.Mentions(a.Value, f.Var)) return null;
                foreach (var x in IrQueries.Descendants(a.Value))
                {
                    if (x is Pop or Invoke) return null;
                    if (x is VarRef v && v.Name != p.Name && (written.Contains(v.Name) || ints.Contains(v.Name))) return null;
                    if (x is ElemRef el && (written.Contains(el.Array) || ints.Contains(el.Array))) return null;
                    if (x is VarRef v2 && v2.Name != p.Name && names.Contains(v2.Name)) return null;
                }
                // the entry value is a constant when p is set to one among the constant settings just before the loop
                Expr? entry = null;
                for (int k = before.Count - 1; k >= 0 && entry is null; k--)
                {
                    var (name, value) = before[k] switch
                    {
                        DeclScalar { Init: Const c } d => (d.Name, c),
                        Assign { Op: AssignOp.Set, Target: VarRef t, Value: Const c } => (t.Name, c),
                        _ => (null, null),
                    };
                    if (name is null) break;
                    if (name == p.Name) entry = value;
                }
                result.Add(new Recurrence(p.Name, p.Type, a, entry));
            }
            return result;
        }

        /// <summary>The reverse sweep's replay of a loop's recurrences (see <see cref="RecurrenceReplay"/>), before its adjoint loop.</summary>
        private void ReplayRecurrences(For f, List<Recurrence> rec, List<Stmt> output)
        {
            output.Add(new Comment("recurrence " + string.Join(", ", rec.Select(r => r.Name)) + ": recomputed from its entry value instead of stored per iteration"));
            for (int i = rec.Count - 1; i >= 0; i--)
                if (rec[i].Entry is null) output.Add(new Assign(new VarRef(rec[i].Name, rec[i].Type), AssignOp.Set, new Pop(rec[i].Type)));
            foreach (var r in rec)
                if (r.Entry is { } e) output.Add(new Assign(new VarRef(r.Name, r.Type), AssignOp.Set, e));
            var body = new List<Stmt>();
            foreach (var r in rec)
            {
                body.Add(new Push(new VarRef(r.Name, r.Type)));
                body.Add(r.Step);
            }
            output.Add(f with { Body = body.ToEquatable() });
        }

        // ------------------------------------------------------------ recompute instead of store (replay)

        /// <summary>Top-level loops whose body's first statements are replayed in the reverse sweep: loop -> their number.</summary>
        private readonly Dictionary<Stmt, int> _replayed = new(StmtReferenceComparer.Instance);

        /// <summary>
        /// Cost model, in units of one arithmetic operation: a value kept on the restore tape across the whole sweep
        /// costs <see cref="FarStore"/> (a push and a pop, and the tape's memory traffic once it outgrows the caches); one
        /// stored and taken back within one iteration of the reverse sweep costs <see cref="NearStore"/> (in cache, but a
        /// push and a pop all the same);
        /// recomputing costs the real operations (+, -, *: 1; / : 2; a Math call: 16; loads and index arithmetic free). A statement nested in k
        /// loops counts 16^k times. A loop body's prefix is replayed when its work plus its in-iteration stores costs
        /// less than the values the plain scheme keeps for the whole sweep.
        /// </summary>
        private const double FarStore = 8, NearStore = 4;

        internal readonly record struct Split(int Prefix, HashSet<string> Written);

        /// <summary>
        /// Recompute instead of store, for a top-level counted loop: its body is a prefix A (statements 0 .. m-1) and a
        /// suffix C. The forward sweep runs A storing nothing, and C as usual. Each iteration of the reverse sweep runs C's
        /// adjoint, which restores what C overwrote (so the variables A reads hold their values at the iteration's start),
        /// then A again with its stores, then A's adjoint. Sound when: A writes nothing an earlier adjoint reads (not in
        /// <paramref name="entry"/>) and nothing C writes; every array A writes is written whole (element 0 .. its size)
        /// before A reads it, and every outer scalar A writes is set before A reads it, so replaying A gives the values of
        /// the first run; C's adjoints read nothing A writes; and C stores every value A reads that C overwrites
        /// (<see cref="SuffixRestores"/>). The body may not call, contract, allocate, return, exit early, or change ints.
        /// The largest prefix that qualifies is taken. Returns null when none does.
        /// </summary>
        private Split? ReplaySplit(For f, HashSet<string> entry)
        {
            if (f.While is not null || f.Body.Count == 0) return null;
            var all = new List<Stmt>();
            StatementsIn(f.Body, all);
            if (!all.All(Replayable)) return null;
            var declaredInBody = new HashSet<string>(StringComparer.Ordinal);
            foreach (var st in all)
                if (st is DeclScalar d) declaredInBody.Add(d.Name);
            for (int m = f.Body.Count; m >= 1; m--)
            {
                var a = f.Body.Take(m).ToList();
                var c = f.Body.Skip(m).ToList();
                if (PrefixWrites(a, c, entry) is not { } wa) continue;
                var cReads = new HashSet<string>(StringComparer.Ordinal);
                AdjointReads(c, cReads);
                if (wa.Overlaps(cReads)) continue;
                if (!DefinedBeforeUse(a, wa, declaredInBody)) continue;
                return new Split(m, wa);
            }
            return null;
        }

        // ------------------------------------------------------------ per-iteration scratch: recompute instead of store

        /// <summary>Loops whose body's first statements refill per-iteration scratch, run again at the start of each iteration
        /// of the reverse sweep: loop -> their number (<see cref="ScratchReplay"/>).</summary>
        private readonly Dictionary<Stmt, int> _scratch = new(StmtReferenceComparer.Instance);

        /// <summary>
        /// Recompute instead of store, for a counted loop at any depth whose body starts with statements A that fill scratch for
        /// the iteration: gmm's <c>for (ik ..) { for (j ..) xc[j] = x[ix, j] - mu[ik, j]; ..uses of xc.. }</c> inside the loop over
        /// points. The plain scheme pushes the scratch before each refill (d values per pair, kept for the whole sweep: 100,000
        /// pairs of 64 values are 51 MB of restore stack, whose first use costs page faults). Instead the forward sweep runs A as
        /// it is, and each iteration of the reverse sweep first runs A again, so that the rest of the body C and A itself find this
        /// iteration's scratch when their adjoints run: A, then C's adjoint, then A's adjoint. Unlike <see cref="ReplaySplit"/>
        /// (C's adjoint, A again, A's adjoint), C's adjoints may read what A writes.
        /// <para>Sound when: A writes real variables only, each set whole by A on every run (a vector from 0 to its size, a scalar
        /// not under an if) and before A reads it (<see cref="DefinedBeforeUse"/>),
        /// none of them read by an adjoint outside the loop (not in <paramref name="entry"/>) or written by C; C writes nothing A
        /// reads, ints included (so the replay, at the start of the iteration's reverse, reads what the forward run read: later
        /// iterations write only A's scratch, and the reverse of what follows the loop has restored anything else, since A's
        /// reads join the requirement after the loop); A stores nothing once its scratch is not carried from iteration to
        /// iteration (its replay runs between C's stores and their pops on the one stack); and A calls, allocates, contracts,
        /// returns, leaves early and changes ints nowhere.</para>
        /// <para>Cost model (<see cref="FarStore"/>): the prefix whose stores in the plain scheme cost most above its work is
        /// taken; none when no prefix costs less to recompute than to store. A scratch vector of differences qualifies; one filled
        /// by a d x d product (gmm's Q·xc) costs more to recompute than its far stores, and stays stored.</para>
        /// Returns the requirement set after the loop, or null when the plain scheme stands.
        /// </summary>
        private HashSet<string>? ScratchReplay(For f, HashSet<string> entry, HashSet<ElemRef> clean, HashSet<string> rows)
        {
            if (!_cpuReplays || f.While is not null || f.Body.Count < 2) return null;
            var all = new List<Stmt>();
            StatementsIn(f.Body, all);
            var declaredInBody = new HashSet<string>(all.OfType<DeclScalar>().Select(d => d.Name), StringComparer.Ordinal);
            (int Prefix, HashSet<string> Written, HashSet<string> Reads, double Saving)? best = null;
            for (int m = f.Body.Count - 1; m >= 1; m--)
            {
                var a = f.Body.Take(m).ToList();
                var c = f.Body.Skip(m).ToList();
                var aAll = new List<Stmt>();
                StatementsIn(a, aAll);
                if (!aAll.All(st => Replayable(st) && !_pushedArrays.ContainsKey(st) && !_recurrences.ContainsKey(st) && !_replayed.ContainsKey(st) && !_scratch.ContainsKey(st))) continue;
                if (PrefixWrites(a, c, entry) is not { } wa) continue;
                var wc = new HashSet<string>(StringComparer.Ordinal);
                IrQueries.Writes(c, wc);
                var aReads = new HashSet<string>(StringComparer.Ordinal);
                BodyReadsAndInts(a, aReads, new HashSet<string>(StringComparer.Ordinal), forward: true);
                aReads.ExceptWith(wa);
                if (aReads.Overlaps(wc)) continue;
                // ints C changes, other than the counters of C's own loops (set before every use), are not read by A
                var cInts = new HashSet<string>(StringComparer.Ordinal);
                BodyReadsAndInts(c, new HashSet<string>(StringComparer.Ordinal), cInts);
                foreach (var st in c) if (st is For g) cInts.Remove(g.Var);
                if (cInts.Count > 0 && aAll.Any(st => IrQueries.ExprsOf(st).Any(e => cInts.Any(n => IrQueries.Mentions(e, n))))) continue;
                // everything A writes is set whole on every run of A: C may read any of it, and must find this iteration's values
                var setWhole = new HashSet<string>(StringComparer.Ordinal);
                if (!DefinedBeforeUse(a, wa, declaredInBody, setWhole) || !wa.IsSubsetOf(setWhole)) continue;
                // a contraction in the loop must be refilled (nothing stores its table): any prefix holding it wins
                double saving = aAll.Any(st => st is Contract) ? double.PositiveInfinity : StoreCost(a, 1) - WorkCost(a, 1);
                if (saving > 0 && (best is null || saving > best.Value.Saving)) best = (m, wa, aReads, saving);
            }
            if (best is not { } chosen) return null;

            Unpush(all);
            var replayed = LoopFixpoint(f, entry, clean, new HashSet<string>(rows.Concat(chosen.Written), StringComparer.Ordinal));
            var prefixAll = new List<Stmt>();
            StatementsIn(f.Body.Take(chosen.Prefix), prefixAll);
            if (prefixAll.Any(st => _pushed.Contains(st) || _pushedBranch.Contains(st) || _pushedArrays.ContainsKey(st)))
            {
                // A would still store: analyse the loop again as before (nested loops' decisions included).
                Unpush(all);
                return LoopFixpoint(f, entry, clean, rows);
            }
            _scratch[f] = chosen.Prefix;
            // After the loop nothing needs the scratch (the reverse refills it); what A reads must hold when the reverse gets here.
            replayed.ExceptWith(chosen.Written);
            replayed.UnionWith(chosen.Reads);
            return replayed;
        }

        /// <summary>One iteration of a scratch-replaying loop's reverse: A again (storing nothing), C's adjoint, A's adjoint.</summary>
        private List<Stmt> ScratchBody(For f, int prefix)
        {
            var output = new List<Stmt>();
            foreach (var s in f.Body)
                if (s is DeclScalar { Init: { } init } d && !d.Type.IsReal && !_restoredInts.Contains(d.Name))
                    output.Add(new Assign(new VarRef(d.Name, d.Type), AssignOp.Set, init));
            output.Add(new Comment("scratch: refill this iteration's scratch instead of storing it before each refill"));
            output.AddRange(Forward(f.Body.Take(prefix), noPush: true));
            for (int i = f.Body.Count - 1; i >= 0; i--) ReverseStmt(f.Body[i], output);
            return output;
        }

        /// <summary>A statement a replay may run again: no call, allocation, return, store, exit condition, stored branch,
        /// running extremum or change of int state (a contraction may: it overwrites its table whole from its operands).</summary>
        private bool Replayable(Stmt st) =>
            st is not (CallStmt or Return or DeclArray or Push or PushAll or For { While: not null } or Assign { Target.Type.IsReal: false })
            && !(st is If && _pushedBranch.Contains(st)) && !_extrema.Contains(st)
            && !(st is DeclScalar { Type.IsReal: false } d && _restoredInts.Contains(d.Name));

        /// <summary>The real variables a replayed prefix <paramref name="a"/> writes, or null when it writes none, writes one an adjoint
        /// outside the loop reads (<paramref name="entry"/>), or one the rest of the body <paramref name="c"/> writes too.</summary>
        private HashSet<string>? PrefixWrites(List<Stmt> a, List<Stmt> c, HashSet<string> entry)
        {
            var wa = new HashSet<string>(StringComparer.Ordinal);
            IrQueries.Writes(a, wa);
            wa.RemoveWhere(x => !_types.TryGetValue(x, out var t) || !t.IsReal);
            if (wa.Count == 0 || wa.Overlaps(entry)) return null;
            var wc = new HashSet<string>(StringComparer.Ordinal);
            IrQueries.Writes(c, wc);
            return wa.Overlaps(wc) ? null : wa;
        }

        /// <summary>What the reverse sweep of the statements reads: their adjoints' operands and the conditions recomputed.</summary>
        private void AdjointReads(IEnumerable<Stmt> stmts, HashSet<string> into)
        {
            foreach (var st in stmts)
            {
                switch (st)
                {
                    case DeclScalar { Init: { } i } d when d.Type.IsReal && _varied.Contains(d.Name): Needed(i, into); break;
                    case Assign a when a.Target.Type.IsReal && _varied.Contains(RootOf(a.Target)): Needed(a.Value, into); break;
                    case For g:
                        // a loop whose reverse refills its scratch first (ScratchReplay) runs those statements again there
                        if (_scratch.TryGetValue(g, out var refilled))
                            BodyReadsAndInts(g.Body.Take(refilled).ToList(), into, new HashSet<string>(StringComparer.Ordinal), forward: true);
                        AdjointReads(g.Body, into);
                        break;
                    case If i: IrQueries.RealReads(i.Condition, into); AdjointReads(i.Then, into); AdjointReads(i.Else, into); break;
                    case Block b: AdjointReads(b.Body, into); break;
                    case DeclScalar or Assign: break;
                    default: foreach (var e in IrQueries.ExprsOf(st)) IrQueries.RealReads(e, into); break;
                }
            }
        }

        /// <summary>
        /// <c>for (r = s; r &lt; e; r++) for (c = 0; c &lt; cols; c++) m[r, c] = v</c> (or <c>m[r - s, c]</c>), v not reading m, cols the
        /// matrix's column count: the matrix and the rows it sets, [s, e) (or [0, e - s)); else null.
        /// </summary>
        private (string Name, Expr From, Expr To)? MatrixRows(Stmt st)
        {
            if (st is not For { While: null, Step: 1, Cmp: BinaryOp.Lt, Body.Count: 1 } r || r.Body[0] is not For { While: null, Step: 1, Cmp: BinaryOp.Lt, Start: Const { Value: 0 }, Body.Count: 1 } c)
                return null;
            if (c.Body[0] is not Assign { Op: AssignOp.Set, Target: ElemRef { Indices.Count: 2 } el } a || IrQueries.Mentions(a.Value, el.Array)) return null;
            if (!_matrixSizes.TryGetValue(el.Array, out var size) || !size.Cols.Equals(c.Bound) || el.Indices[1] is not VarRef cv || cv.Name != c.Var) return null;
            if (IrQueries.Mentions(r.Start, r.Var) || IrQueries.Mentions(r.Bound, r.Var)) return null;
            return el.Indices[0] switch
            {
                VarRef v when v.Name == r.Var => (el.Array, r.Start, r.Bound),
                Binary { Op: BinaryOp.Sub, Left: VarRef v, Right: var off } when v.Name == r.Var && off.Equals(r.Start) =>
                    (el.Array, new Const(0, IrType.Int), new Binary(BinaryOp.Sub, r.Bound, r.Start, IrType.Int)),
                _ => null,
            };
        }

        /// <summary>In order through the prefix: every read of a name the prefix writes comes after the prefix has set it whole.</summary>
        /// <param name="setWhole">Receives the names the prefix sets whole on every run: vectors written from 0 to their size,
        /// scalars assigned or declared with a value by a statement of the prefix itself (not under an if).</param>
        private bool DefinedBeforeUse(List<Stmt> prefix, HashSet<string> written, HashSet<string> declaredInBody, HashSet<string>? setWhole = null)
        {
            var whole = setWhole ?? new HashSet<string>(StringComparer.Ordinal);
            var consts = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
            var rowsSet = new Dictionary<string, Expr>(StringComparer.Ordinal); // matrix -> rows [0, end) set so far
            foreach (var st in prefix)
            {
                var reads = new HashSet<string>(StringComparer.Ordinal);
                var ints = new HashSet<string>(StringComparer.Ordinal);
                if (st is Contract ct) { reads.Add(ct.A.Array); reads.Add(ct.B.Array); } // its table is written, not read
                else BodyReadsAndInts(new[] { st }, reads, ints, forward: true);
                foreach (var r in reads)
                    if (written.Contains(r) && !declaredInBody.Contains(r) && !whole.Contains(r)) return false;
                if (MatrixRows(st) is { } fill)
                {
                    // rows [from, to) of a matrix, every column: whole once the ranges chain from 0 to its row count
                    var have = rowsSet.TryGetValue(fill.Name, out var e) ? e : new Const(0, IrType.Int);
                    if (have.Equals(fill.From)) rowsSet[fill.Name] = fill.To;
                    if (rowsSet.TryGetValue(fill.Name, out var end) && end.Equals(_matrixSizes[fill.Name].Rows)) whole.Add(fill.Name);
                }
                switch (st)
                {
                    case Contract raised: whole.Add(raised.Target); break;
                    case Assign { Op: AssignOp.Set, Target: VarRef v }: whole.Add(v.Name); break;
                    case DeclScalar { Init: not null } d: whole.Add(d.Name); break;
                    case Assign { Op: AssignOp.Set, Target: ElemRef { ArrayType.Shape: Shape.Vector, Indices: var ix } el } a
                        when ix[0] is Const { Value: var cv } && cv >= 0 && cv == Math.Floor(cv) && !IrQueries.Mentions(a.Value, el.Array):
                        if (!consts.TryGetValue(el.Array, out var set)) consts[el.Array] = set = new HashSet<int>();
                        set.Add((int)cv);
                        break;
                    case For g when g.While is null && g.Start is Const { Value: var lo } && g.Step == 1 && g.Cmp == BinaryOp.Lt:
                        foreach (var b in g.Body)
                        {
                            if (b is not Assign { Op: AssignOp.Set, Target: ElemRef { ArrayType.Shape: Shape.Vector } el } a) continue;
                            if (el.Indices[0] is not VarRef iv || iv.Name != g.Var || IrQueries.Mentions(a.Value, el.Array)) continue;
                            bool toEnd = g.Bound is LengthOf { Dim: -1, Row: null } len && len.Array == el.Array
                                || _sizes.TryGetValue(el.Array, out var size) && size.Equals(g.Bound);
                            if (!toEnd) continue;
                            consts.TryGetValue(el.Array, out var have);
                            bool prefixCovered = true;
                            for (int k = 0; k < (int)lo; k++) if (have is null || !have.Contains(k)) prefixCovered = false;
                            if (prefixCovered) whole.Add(el.Array);
                        }
                        break;
                }
            }
            return true;
        }

        /// <summary>After the replayed analysis: C stores, before each of its writes, every value A reads that C overwrites.</summary>
        private bool SuffixRestores(For f, Split split)
        {
            var aReads = new HashSet<string>(StringComparer.Ordinal);
            BodyReadsAndInts(f.Body.Take(split.Prefix), aReads, new HashSet<string>(StringComparer.Ordinal), forward: true);
            var c = new List<Stmt>();
            StatementsIn(f.Body.Skip(split.Prefix), c);
            foreach (var st in c)
            {
                if (st is Assign { Target.Type.IsReal: true } a && aReads.Contains(RootOf(a.Target)) && !_pushed.Contains(st)) return false;
                if (st is DeclScalar d && aReads.Contains(d.Name) && !_pushed.Contains(st)) return false;
            }
            return true;
        }

        private static void StatementsIn(IEnumerable<Stmt> stmts, List<Stmt> into)
        {
            foreach (var st in stmts)
            {
                into.Add(st);
                switch (st)
                {
                    case For g: StatementsIn(g.Body, into); break;
                    case If i: StatementsIn(i.Then, into); StatementsIn(i.Else, into); break;
                    case Block b: StatementsIn(b.Body, into); break;
                }
            }
        }

        /// <summary>Far-store cost of what the (current) analysis stores in these statements, nesting weighted.</summary>
        private double StoreCost(IEnumerable<Stmt> stmts, double weight)
        {
            double cost = 0;
            foreach (var st in stmts)
            {
                if (_pushed.Contains(st)) cost += FarStore * weight;
                switch (st)
                {
                    case For g: cost += StoreCost(g.Body, weight * 16); break;
                    case If i: cost += StoreCost(i.Then, weight) + StoreCost(i.Else, weight); break;
                }
            }
            return cost;
        }

        /// <summary>Operations the statements evaluate, nesting weighted (see <see cref="FarStore"/>).</summary>
        private static double WorkCost(IEnumerable<Stmt> stmts, double weight)
        {
            double cost = 0;
            foreach (var st in stmts)
            {
                switch (st)
                {
                    case For g: cost += WorkCost(g.Body, weight * 16); break;
                    case If i: cost += weight * Ops(i.Condition) + WorkCost(i.Then, weight) + WorkCost(i.Else, weight); break;
                    case Contract: cost += weight * 2 * 16 * 16 * 16; break; // a GEMM: a nest of depth three
                    default:
                        foreach (var e in IrQueries.ExprsOf(st)) cost += weight * Ops(e);
                        if (st is Assign { Op: not AssignOp.Set }) cost += weight;
                        break;
                }
            }
            return cost;

            static double Ops(Expr e) => IrQueries.Descendants(e).Sum(d => d switch
            {
                Binary { Op: BinaryOp.Div, Type.IsReal: true } => 2.0,
                Binary { Type.IsReal: true } or Unary { Type.IsReal: true } => 1.0,
                Intrinsic or Invoke => 16.0,
                _ => 0.0,
            });
        }

        /// <summary>
        /// <c>for (i = 0; i &lt; size; i++) { x[i] = e; ... }</c> where size is x's length (its allocation size or x.Length),
        /// the assignment is unconditional at the top of the body and e does not read x: the name of x, else null.
        /// </summary>
        private string? OverwritesWholeVector(For f)
        {
            if (f.Start is not Const { Value: 0 } || f.Step != 1 || f.Cmp != BinaryOp.Lt || f.While is not null) return null;
            foreach (var s in f.Body)
            {
                if (s is not Assign { Op: AssignOp.Set, Target: ElemRef { ArrayType.Shape: Shape.Vector } el } a) continue;
                if (el.Indices[0] is not VarRef v || v.Name != f.Var || IrQueries.Mentions(a.Value, el.Array)) continue;
                bool fullRange = f.Bound is LengthOf { Dim: -1, Row: null } len && len.Array == el.Array
                    || _sizes.TryGetValue(el.Array, out var size) && size.Equals(f.Bound);
                if (fullRange) return el.Array;
            }
            return null;
        }

        /// <summary>
        /// Running extrema <c>for (..) a = Math.Max(a, e(i));</c> (or Min) whose reverse recomputes instead of storing: the
        /// forward sweep stores a once before the loop (not once per iteration), and the reverse finds the iteration whose e
        /// was selected by scanning e again: the first i with e(i) equal to the final a, unless the initial a was already the
        /// extremum (ties keep a, as Max's derivative does everywhere here). Cost model: a scan re-evaluates e (a load, or
        /// an expression without calls) per iteration where storing costs a push and a pop, and it keeps the forward loop
        /// free of stores so that it runs on vector lanes like the primal's.
        /// </summary>
        private readonly HashSet<Stmt> _extrema = new(StmtReferenceComparer.Instance);

        private static bool IsRunningExtremum(For f, out string acc, out Fn fn, out Expr e)
        {
            acc = ""; fn = Fn.Max; e = null!;
            if (f.While is not null || f.Body.Count != 1) return false;
            if (f.Body[0] is not Assign { Op: AssignOp.Set, Target: VarRef { Type.IsReal: true } v, Value: Intrinsic { Fn: Fn.Max or Fn.Min } m }
                || m.Args.Count != 2 || m.Args[0] is not VarRef a0 || a0.Name != v.Name || IrQueries.Mentions(m.Args[1], v.Name)
                || IrQueries.Descendants(m.Args[1]).Any(x => x is Invoke)) return false;
            acc = v.Name; fn = m.Fn; e = m.Args[1];
            return true;
        }

        /// <summary>Allocation size of each local vector (top-level declarations only; ints there never change).</summary>
        private readonly Dictionary<string, Expr> _sizes = new(StringComparer.Ordinal);

        /// <summary>Rows and columns of each local matrix (top-level declarations only).</summary>
        private readonly Dictionary<string, (Expr Rows, Expr Cols)> _matrixSizes = new(StringComparer.Ordinal);

        /// <summary>The reverse sweep needs the branch taken; recompute it unless a branch overwrites what the condition reads.</summary>
        private bool NeedsBranchPush(If f)
        {
            var reads = new HashSet<string>(StringComparer.Ordinal);
            IrQueries.RealReads(f.Condition, reads);
            foreach (var d in IrQueries.Descendants(f.Condition))
                if (d is VarRef v && _restoredInts.Contains(v.Name) || d is ElemRef el && _restoredInts.Contains(el.Array))
                    reads.Add(d is VarRef vv ? vv.Name : ((ElemRef)d).Array);
            if (reads.Count == 0) return false;
            var writes = new HashSet<string>(StringComparer.Ordinal);
            IrQueries.Writes(f.Then, writes);
            IrQueries.Writes(f.Else, writes);
            return reads.Overlaps(writes);
        }

        /// <summary>
        /// Variables whose values the adjoint of <paramref name="e"/> reads, mirroring <see cref="Propagate"/>: a subexpression
        /// that depends on no differentiated input gets no adjoint (nothing read); linear leaves need none; a product needs
        /// only the factor that multiplies a varied one (h * k[i] with h inactive reads h, never k), a quotient a / b its
        /// divisor, and its dividend only when b is varied.
        /// </summary>
        private void Needed(Expr e, HashSet<string> into)
        {
            if (!Propagates(e)) return;
            switch (e)
            {
                case Unary { Op: UnaryOp.Neg } u: Needed(u.Operand, into); return;
                case IR.Convert c: Needed(c.Operand, into); return;
                case Binary { Op: BinaryOp.Add or BinaryOp.Sub, Type.IsReal: true } b: Needed(b.Left, into); Needed(b.Right, into); return;
                case Binary { Op: BinaryOp.Mul, Type.IsReal: true } b:
                    if (Propagates(b.Left)) { IrQueries.RealReads(b.Right, into); Needed(b.Left, into); }
                    if (Propagates(b.Right)) { IrQueries.RealReads(b.Left, into); Needed(b.Right, into); }
                    return;
                case Binary { Op: BinaryOp.Div, Type.IsReal: true } b:
                    IrQueries.RealReads(b.Right, into);
                    Needed(b.Left, into);
                    if (Propagates(b.Right)) { IrQueries.RealReads(b.Left, into); Needed(b.Right, into); }
                    return;
                case Binary { Type.IsReal: true } b: IrQueries.RealReads(b, into); return;
                case Intrinsic { Fn: Fn.FusedMultiplyAdd } fma:
                    // a·b + c: as the sum of a product (acc = Fma(x, y, acc) reads x and y, never acc)
                    if (Propagates(fma.Args[0])) { IrQueries.RealReads(fma.Args[1], into); Needed(fma.Args[0], into); }
                    if (Propagates(fma.Args[1])) { IrQueries.RealReads(fma.Args[0], into); Needed(fma.Args[1], into); }
                    Needed(fma.Args[2], into);
                    return;
                case Intrinsic or Invoke: IrQueries.RealReads(e, into); return;
                case Conditional c:
                    IrQueries.RealReads(c.Condition, into);
                    Needed(c.WhenTrue, into);
                    Needed(c.WhenFalse, into);
                    return;
            }
        }

        // ------------------------------------------------------------ forward sweep

        /// <param name="stmts">The statements.</param>
        /// <param name="noPush">A replayed prefix's first run (<see cref="ReplaySplit"/>): store nothing.</param>
        private List<Stmt> Forward(IEnumerable<Stmt> stmts, bool noPush = false)
        {
            var output = new List<Stmt>();
            foreach (var s in stmts)
            {
                switch (s)
                {
                    case DeclScalar d:
                        if (d.Init is null) break;
                        if (_pushed.Contains(s) && !noPush) output.Add(new Push(new VarRef(d.Name, d.Type)));
                        output.Add(new Assign(new VarRef(d.Name, d.Type), AssignOp.Set, d.Init));
                        break;
                    case DeclArray a:
                        output.Add(a);
                        if (a.Type.IsReal) output.Add(new DeclArray(_adj[a.Name], a.Type, a.Sizes));
                        break;
                    case Assign a:
                        if (_pushed.Contains(s) && !noPush) output.Add(new Push(a.Target));
                        output.Add(a);
                        break;
                    case For f when _extrema.Contains(s) && IsRunningExtremum(f, out var accName, out _, out _):
                        output.Add(new Push(new VarRef(accName, _types[accName])));
                        output.Add(f);
                        break;
                    case For f when _recurrences.TryGetValue(s, out var rec):
                        // the recurrences' values are recomputed in the reverse sweep: only their entry values are stored
                        if (!noPush)
                            foreach (var r in rec)
                                if (r.Entry is null) output.Add(new Push(new VarRef(r.Name, r.Type)));
                        output.Add(f with { Body = Forward(f.Body, noPush: true).ToEquatable() });
                        break;
                    case For f when _replayed.TryGetValue(s, out var prefix):
                        {
                            var body = Forward(f.Body.Take(prefix), noPush: true);
                            body.AddRange(Forward(f.Body.Skip(prefix), noPush));
                            output.Add(f with { Body = body.ToEquatable() });
                            break;
                        }
                    case For f:
                        output.Add(f with { Body = Forward(f.Body, noPush).ToEquatable() });
                        // A loop that leaves on a condition: its counter's exit value (the trip count) for the reverse sweep.
                        if (f.While is not null) output.Add(new Push(new VarRef(f.Var, IrType.Int)));
                        break;
                    case If f:
                        {
                            var then = Forward(f.Then, noPush);
                            var els = Forward(f.Else, noPush);
                            if (_pushedBranch.Contains(s))
                            {
                                // The branch taken is stored after the branch ran, so that the reverse sweep finds it on top
                                // of the stack before it pops what the branch stored (a nested pushed branch, an overwrite).
                                // Pushing the condition before the branch made an outer if pop its inner if's flag.
                                then.Add(new Push(new Const(1, IrType.Bool)));
                                els.Add(new Push(new Const(0, IrType.Bool)));
                            }
                            output.Add(new If(f.Condition, then.ToEquatable(), els.ToEquatable()));
                            break;
                        }
                    case CallStmt c:
                        if (_pushedArrays.TryGetValue(s, out var arrays))
                            foreach (var name in arrays.OrderBy(x => x, StringComparer.Ordinal))
                                output.Add(new PushAll(new ArrayRef(name, _types[name], null)));
                        output.Add(c);
                        break;
                    case Return { Value: { } r }:
                        output.Add(new Assign(new VarRef(_result, _m.Return), AssignOp.Set, r));
                        break;
                    case Contract or Comment or Throw:
                        output.Add(s); // a throw has no reverse: the reverse sweep runs only after a forward sweep that did not throw
                        break;
                }
            }
            return output;
        }

        // ------------------------------------------------------------ reverse sweep

        private List<Stmt> Reverse(IReadOnlyList<Stmt> stmts, bool topLevel)
        {
            var output = new List<Stmt>();
            // Ints of this block are recomputed first: they depend only on counters and enclosing ints.
            if (!topLevel)
                foreach (var s in stmts)
                    if (s is DeclScalar { Init: { } init } d && !d.Type.IsReal && !_restoredInts.Contains(d.Name))
                        output.Add(new Assign(new VarRef(d.Name, d.Type), AssignOp.Set, init));
            for (int i = stmts.Count - 1; i >= 0; i--)
                ReverseStmt(stmts[i], output);
            return output;
        }

        private void ReverseStmt(Stmt s, List<Stmt> output)
        {
            switch (s)
            {
                case DeclScalar { Init: { } init } d when d.Type.IsReal:
                    ReverseAssign(s, new VarRef(d.Name, d.Type), AssignOp.Set, init, output, d.Hoisted);
                    break;
                case Assign a when a.Target.Type.IsReal:
                    ReverseAssign(s, a.Target, a.Op, a.Value, output, a.Hoisted);
                    break;
                case DeclScalar d when _pushed.Contains(s):
                    // int or bool state: put back the value it had before this statement
                    output.Add(new Block(new Stmt[] { new Assign(new VarRef(d.Name, d.Type), AssignOp.Set, new Pop(d.Type)) }.ToEquatable()));
                    break;
                case Assign a when _pushed.Contains(s):
                    output.Add(new Block(new Stmt[] { new Assign(a.Target, AssignOp.Set, new Pop(a.Target.Type)) }.ToEquatable()));
                    break;
                case For { While: not null } f:
                    ReverseExitLoop(f, output);
                    break;
                case For f when _extrema.Contains(s) && IsRunningExtremum(f, out var accName, out var fn, out var ext):
                    ReverseExtremum(f, accName, fn, ext, output);
                    break;
                case For f when _recurrences.TryGetValue(s, out var rec):
                    ReplayRecurrences(f, rec, output);
                    output.Add(ReverseLoop(f));
                    break;
                case For f:
                    {
                        // A loop whose statements have no adjoint (only inactive values, nothing restored) has no reverse.
                        var reversed = _replayed.TryGetValue(s, out var prefix) ? ReverseLoop(f, ReplayedBody(f, prefix))
                            : _scratch.TryGetValue(s, out var scratch) ? ReverseLoop(f, ScratchBody(f, scratch))
                            : ReverseLoop(f);
                        if (reversed is For rf && rf.Body.Any(x => x is not Assign { Target: VarRef { Type.IsReal: false } }))
                            output.Add(reversed);
                        break;
                    }
                case If f:
                    {
                        var cond = _pushedBranch.Contains(s) ? new Pop(IrType.Bool) : f.Condition;
                        var then = Reverse(f.Then, false);
                        var els = Reverse(f.Else, false);
                        if (then.Count > 0 || els.Count > 0 || cond is Pop)
                            output.Add(new If(cond, then.ToEquatable(), els.ToEquatable()));
                        break;
                    }
                case CallStmt c:
                    if (_pushedArrays.TryGetValue(s, out var arrays))
                        foreach (var name in arrays.OrderByDescending(x => x, StringComparer.Ordinal))
                            output.Add(new PopAll(new ArrayRef(name, _types[name], null)));
                    EmitAdjointCall(c.Call, null, output);
                    break;
                case Contract c:
                    // T = A·Bᵀ  =>  Ā += T̄·B, B̄ += T̄ᵀ·A (two GEMMs), T̄ = 0.
                    output.Add(new ContractAdjoint(_adj[c.Target], c.A, c.B, c.K,
                        new ArrayRef(_adj[c.A.Array], c.A.ArrayType, null), new ArrayRef(_adj[c.B.Array], c.B.ArrayType, null), c.TransA, c.TransB, c.Triangle,
                        // a factor no derivative flows into (data, [Constant]): its adjoint product is skipped, not computed and discarded
                        SkipA: !_varied.Contains(c.A.Array), SkipB: !_varied.Contains(c.B.Array)));
                    break;
                case Return { Value: { } r }:
                    output.Add(new Comment("d(result) = seed"));
                    Propagate(r, new VarRef(_seed, _m.Return), output);
                    break;
            }
        }

        private void ReverseAssign(Stmt s, Expr target, AssignOp op, Expr value, List<Stmt> output, bool hoisted = false)
        {
            var block = new List<Stmt>();
            if (_pushed.Contains(s)) block.Add(new Assign(target, AssignOp.Set, new Pop(target.Type)));
            string root = RootOf(target);
            if (!_varied.Contains(root))
            {
                // Inactive: its value does not depend on any input, no adjoint flows through it.
                if (block.Count > 0) output.Add(new Block(block.ToEquatable()));
                return;
            }
            var adjTarget = AdjointOf(target);
            if (op != AssignOp.Set && IrQueries.Mentions(value, root))
            {
                value = new Binary(op == AssignOp.Add ? BinaryOp.Add : BinaryOp.Sub, target, value, target.Type);
                op = AssignOp.Set;
            }
            if (op == AssignOp.Set && !IrQueries.ReadsReal(value))
            {
                // x = constant: the old adjoint of x is simply discarded.
                block.Add(new Assign(adjTarget, AssignOp.Set, new Const(0, target.Type)));
            }
            else if (op == AssignOp.Set)
            {
                // x = e: the adjoint of x flows into e, and the old x had no influence on the new one.
                var g = NewTemp();
                block.Add(new DeclScalar(g, target.Type, adjTarget));
                block.Add(new Assign(adjTarget, AssignOp.Set, new Const(0, target.Type)));
                if (hoisted)
                {
                    // Raise evaluated this value unconditionally; where the user's code never used it its adjoint is 0,
                    // and 0 × (a partial that is infinite there, e.g. sqrt at 0) must stay 0, not NaN.
                    var guarded = new List<Stmt>();
                    Propagate(value, new VarRef(g, target.Type), guarded);
                    block.Add(new If(new Binary(BinaryOp.Ne, new VarRef(g, target.Type), new Const(0, target.Type), IrType.Bool), guarded.ToEquatable(), EquatableArray<Stmt>.Empty));
                }
                else Propagate(value, new VarRef(g, target.Type), block);
            }
            else
            {
                // x += e: e receives x̄ unchanged (x -= e: -x̄); x̄ itself is untouched.
                Propagate(value, op == AssignOp.Add ? adjTarget : new Unary(UnaryOp.Neg, adjTarget, target.Type), block);
            }
            if (block.Count > 0) output.Add(new Block(block.ToEquatable()));
        }

        /// <summary>
        /// Reverse of a loop that left on a condition (while, do/while, break, return): the forward sweep stored the counter's
        /// exit value; the reverse runs the iterations that ran, last first. The condition is not evaluated again: it
        /// carries no derivative (the trip count is piecewise constant in the inputs, so this is exact almost everywhere).
        /// </summary>
        private void ReverseExitLoop(For f, List<Stmt> output)
        {
            var body = Reverse(f.Body, false);
            var end = Fresh("__exit");
            AddHoisted(end, IrType.Int);
            Expr e = new VarRef(end, IrType.Int);
            Expr one = new Const(1, IrType.Int);
            output.Add(new Assign(e, AssignOp.Set, new Pop(IrType.Int)));
            if (!body.Any(x => x is not Assign { Target: VarRef { Type.IsReal: false } })) return; // nothing to undo: the count is dropped
            if (f.Step == 1)
                output.Add(new For(f.Var, new Binary(BinaryOp.Sub, e, one, IrType.Int), BinaryOp.Ge, f.Start, -1, body.ToEquatable()));
            else if (f.Step == -1)
                output.Add(new For(f.Var, new Binary(BinaryOp.Add, e, one, IrType.Int), BinaryOp.Le, f.Start, 1, body.ToEquatable()));
            else
            {
                // the iterations that ran: i = start + t * step for t < (end - start) / step
                var t = Fresh("__trip");
                AddHoisted(t, IrType.Int);
                var trips = new Binary(BinaryOp.Div, new Binary(BinaryOp.Sub, e, f.Start, IrType.Int), new Const(f.Step, IrType.Int), IrType.Int);
                var recompute = new Assign(new VarRef(f.Var, IrType.Int), AssignOp.Set,
                    new Binary(BinaryOp.Add, f.Start, new Binary(BinaryOp.Mul, new VarRef(t, IrType.Int), new Const(f.Step, IrType.Int), IrType.Int), IrType.Int));
                var inner = new List<Stmt> { recompute };
                inner.AddRange(body);
                output.Add(new For(t, new Binary(BinaryOp.Sub, trips, one, IrType.Int), BinaryOp.Ge, new Const(0, IrType.Int), -1, inner.ToEquatable()));
            }
        }

        /// <summary>One iteration of a replayed loop's reverse: C's adjoint, A again (storing), A's adjoint.</summary>
        private List<Stmt> ReplayedBody(For f, int prefix)
        {
            var output = new List<Stmt>();
            foreach (var s in f.Body)
                if (s is DeclScalar { Init: { } init } d && !d.Type.IsReal && !_restoredInts.Contains(d.Name))
                    output.Add(new Assign(new VarRef(d.Name, d.Type), AssignOp.Set, init));
            for (int i = f.Body.Count - 1; i >= prefix; i--) ReverseStmt(f.Body[i], output);
            output.Add(new Comment("replay: recompute the iteration's first statements instead of storing their values"));
            output.AddRange(Forward(f.Body.Take(prefix)));
            for (int i = prefix - 1; i >= 0; i--) ReverseStmt(f.Body[i], output);
            return output;
        }

        /// <summary>
        /// Reverse of a running extremum (<see cref="_extrema"/>): no per-iteration tape. The initial value keeps the
        /// adjoint when it is the extremum (ties keep it, as Max(a, e)'s derivative does); otherwise one scan in the
        /// forward order hands it to the first iteration whose e equals the final value. Only real state is carried, so
        /// the scan is an ordinary loop for every back end.
        /// </summary>
        private void ReverseExtremum(For f, string acc, Fn fn, Expr e, List<Stmt> output)
        {
            var type = _types[acc];
            var final = Fresh("__ext");
            AddHoisted(final, type);
            var accRef = new VarRef(acc, type);
            var finalRef = new VarRef(final, type);
            output.Add(new Assign(finalRef, AssignOp.Set, accRef));
            output.Add(new Assign(accRef, AssignOp.Set, new Pop(type)));
            if (!_varied.Contains(acc) || !Propagates(e)) return;
            var pending = Fresh("__sel");
            AddHoisted(pending, type);
            var pendingRef = new VarRef(pending, type);
            var zero = new Const(0, type);
            var keepsInitial = new Binary(fn == Fn.Max ? BinaryOp.Ge : BinaryOp.Le, accRef, finalRef, IrType.Bool);
            output.Add(new If(keepsInitial,
                new EquatableArray<Stmt>(new Stmt[] { new Assign(pendingRef, AssignOp.Set, zero) }),
                new EquatableArray<Stmt>(new Stmt[] { new Assign(pendingRef, AssignOp.Set, AdjointOf(accRef)), new Assign(AdjointOf(accRef), AssignOp.Set, zero) })));
            var toE = new List<Stmt>();
            Propagate(e, pendingRef, toE);
            toE.Add(new Assign(pendingRef, AssignOp.Set, zero));
            var hit = new Binary(BinaryOp.And, new Binary(BinaryOp.Eq, e, finalRef, IrType.Bool), new Binary(BinaryOp.Ne, pendingRef, zero, IrType.Bool), IrType.Bool);
            output.Add(f with { Body = new EquatableArray<Stmt>(new Stmt[] { new If(hit, toE.ToEquatable(), EquatableArray<Stmt>.Empty) }) });
        }

        private Stmt ReverseLoop(For f, List<Stmt>? bodyOverride = null)
        {
            var body = bodyOverride ?? Reverse(f.Body, false);
            Expr one = new Const(1, IrType.Int);
            if (f.Step == 1 || f.Step == -1)
            {
                // for (i = lo; i < hi; i++)  ->  for (i = hi - 1; i >= lo; i--)
                return (f.Step, f.Cmp) switch
                {
                    (1, BinaryOp.Lt) => new For(f.Var, new Binary(BinaryOp.Sub, f.Bound, one, IrType.Int), BinaryOp.Ge, f.Start, -1, body.ToEquatable()),
                    (1, _) => new For(f.Var, f.Bound, BinaryOp.Ge, f.Start, -1, body.ToEquatable()),
                    (-1, BinaryOp.Gt) => new For(f.Var, new Binary(BinaryOp.Add, f.Bound, one, IrType.Int), BinaryOp.Le, f.Start, 1, body.ToEquatable()),
                    _ => new For(f.Var, f.Bound, BinaryOp.Le, f.Start, 1, body.ToEquatable()),
                };
            }
            // General constant step: iterate the trip index t backwards and recompute i = start + t * step.
            int s = Math.Abs(f.Step);
            Expr sc = new Const(s, IrType.Int);
            Expr span = f.Step > 0 ? new Binary(BinaryOp.Sub, f.Bound, f.Start, IrType.Int) : new Binary(BinaryOp.Sub, f.Start, f.Bound, IrType.Int);
            bool inclusive = f.Cmp is BinaryOp.Le or BinaryOp.Ge;
            Expr trips = new Binary(BinaryOp.Div, new Binary(BinaryOp.Add, span, new Const(inclusive ? s : s - 1, IrType.Int), IrType.Int), sc, IrType.Int);
            Expr enters = new Binary(f.Cmp, f.Start, f.Bound, IrType.Bool);
            Expr count = new Conditional(enters, trips, new Const(0, IrType.Int), IrType.Int);
            var t = Fresh("__trip");
            AddHoisted(t, IrType.Int);
            var recompute = new Assign(new VarRef(f.Var, IrType.Int), AssignOp.Set,
                new Binary(BinaryOp.Add, f.Start, new Binary(BinaryOp.Mul, new VarRef(t, IrType.Int), new Const(f.Step, IrType.Int), IrType.Int), IrType.Int));
            var inner = new List<Stmt> { recompute };
            inner.AddRange(body);
            return new For(t, new Binary(BinaryOp.Sub, count, one, IrType.Int), BinaryOp.Ge, new Const(0, IrType.Int), -1, inner.ToEquatable());
        }

        private Expr AdjointOf(Expr target) => target switch
        {
            VarRef v => new VarRef(_adj[v.Name], v.Type),
            ElemRef el => new ElemRef(_adj[el.Array], el.ArrayType, el.Indices),
            _ => throw new InvalidOperationException("not an assignable target: " + target),
        };

        /// <summary>Emit statements adding <paramref name="g"/> × ∂e/∂(each real leaf of e) into the leaves' adjoints.</summary>
        private void Propagate(Expr e, Expr g, List<Stmt> output)
        {
            if (!e.Type.IsReal || !IrQueries.ReadsReal(e) || !IsVaried(e)) return;
            var t = e.Type;
            switch (e)
            {
                case VarRef:
                case ElemRef:
                    output.Add(new Assign(AdjointOf(e), AssignOp.Add, g));
                    return;
                case IR.Convert c:
                    if (c.Operand.Type.IsReal) Propagate(c.Operand, c.Operand.Type == t ? g : new IR.Convert(g, c.Operand.Type), output);
                    return;
                case Unary { Op: UnaryOp.Neg } u:
                    Propagate(u.Operand, Negate(g), output);
                    return;
                case Binary b:
                    {
                        g = Bind(g, output);
                        switch (b.Op)
                        {
                            case BinaryOp.Add: Propagate(b.Left, g, output); Propagate(b.Right, g, output); return;
                            case BinaryOp.Sub: Propagate(b.Left, g, output); Propagate(b.Right, Negate(g), output); return;
                            case BinaryOp.Mul when Square(b) is var (leaf, c):
                                // x·x or (c·x)·x, c a constant: one accumulation of 2c·x·g instead of g·x added twice (half the
                                // adjoint's loads and stores in a squared norm's loop)
                                Propagate(leaf, Mul(g, Mul(new Const(2 * c, t), leaf)), output);
                                return;
                            case BinaryOp.Mul:
                                Propagate(b.Left, Mul(g, b.Right), output);
                                Propagate(b.Right, Mul(b.Left, g), output);
                                return;
                            case BinaryOp.Div:
                                {
                                    // d(a/b) = da/b − (g/b)·(a/b) db. Never g·a/(b·b): b² overflows float32 once b passes
                                    // 1.8e19 (a sum of exp(s/τ) at small τ), and the adjoint silently becomes 0.
                                    var gOverB = new Binary(BinaryOp.Div, g, b.Right, t);
                                    if (!(IrQueries.ReadsReal(b.Right) && IsVaried(b.Right)))
                                    {
                                        Propagate(b.Left, gOverB, output);
                                        return;
                                    }
                                    var shared = Bind(gOverB, output);
                                    Propagate(b.Left, shared, output);
                                    Propagate(b.Right, Negate(Mul(shared, new Binary(BinaryOp.Div, b.Left, b.Right, t))), output);
                                    return;
                                }
                        }
                        return;
                    }
                case Intrinsic f:
                    PropagateIntrinsic(f, Bind(g, output), output);
                    return;
                case Conditional c:
                    {
                        g = Bind(g, output);
                        var a = new List<Stmt>();
                        var b = new List<Stmt>();
                        Propagate(c.WhenTrue, g, a);
                        Propagate(c.WhenFalse, g, b);
                        if (a.Count > 0 || b.Count > 0) output.Add(new If(c.Condition, a.ToEquatable(), b.ToEquatable()));
                        return;
                    }
                case Invoke inv:
                    EmitAdjointCall(inv, Bind(g, output), output);
                    return;
            }
        }

        private void PropagateIntrinsic(Intrinsic f, Expr g, List<Stmt> output)
        {
            var t = f.Type;
            var x = f.Args[0];
            Expr Call(Fn fn, params Expr[] args) => new Intrinsic(fn, args.ToEquatable(), t);
            Expr C(double v) => new Const(v, t);
            switch (f.Fn)
            {
                case Fn.Exp:
                    {
                        var e = Bind(f, output);
                        if (!DividesMaybeInfinite(x))
                        {
                            Propagate(x, Mul(g, e), output);
                            return;
                        }
                        // Where exp underflowed to 0 its adjoint is 0: skip the partials (∞ · 0 = NaN), which is exact.
                        var inner = new List<Stmt>();
                        Propagate(x, Mul(g, e), inner);
                        if (inner.Count > 0)
                            output.Add(new If(new Binary(BinaryOp.Ne, e, C(0), IrType.Bool), inner.ToEquatable(), EquatableArray<Stmt>.Empty));
                        return;
                    }
                case Fn.Log: Propagate(x, new Binary(BinaryOp.Div, g, x, t), output); return;
                case Fn.Sqrt:
                    // d sqrt(x) = 1 / (2 sqrt(x)) for x > 0; 0 at x = 0 (where it is infinite), so that the norm of a
                    // zero vector gives a zero gradient instead of 0 × ∞ = NaN (JAX's "safe" convention).
                    Propagate(x, new Conditional(new Binary(BinaryOp.Gt, x, C(0), IrType.Bool),
                        new Binary(BinaryOp.Div, g, Mul(C(2), f), t), C(0), t), output);
                    return;
                case Fn.Pow:
                    {
                        var y = f.Args[1];
                        if (IrQueries.ReadsReal(x) && IsVaried(x))
                            Propagate(x, Mul(Mul(g, y), Call(Fn.Pow, x, new Binary(BinaryOp.Sub, y, C(1), t))), output);
                        if (IrQueries.ReadsReal(y) && IsVaried(y))
                        {
                            // d x^y / dy = x^y ln x, and 0 where x^y is 0 (x = 0, y > 0: its limit) instead of 0 · (−∞) = NaN
                            // (batch 29's Phong highlight, Pow(Max(0, r·v), shininess) facing away)
                            var e = Bind(f, output);
                            Propagate(y, new Conditional(new Binary(BinaryOp.Ne, e, C(0), IrType.Bool), Mul(Mul(g, e), Call(Fn.Log, x)), C(0), t), output);
                        }
                        return;
                    }
                case Fn.Abs:
                    // d|x| = sign(x), 0 at x = 0.
                    Propagate(x, new Conditional(new Binary(BinaryOp.Gt, x, C(0), IrType.Bool), g,
                        new Conditional(new Binary(BinaryOp.Lt, x, C(0), IrType.Bool), Negate(g), C(0), t), t), output);
                    return;
                case Fn.Max:
                case Fn.Min:
                    {
                        // The derivative follows the argument that was selected (the first on ties).
                        var y = f.Args[1];
                        if (x.Equals(y))
                        {
                            // Max(a, a) is a: no comparison of a value with itself in the generated code (CS1718).
                            Propagate(x, g, output);
                            return;
                        }
                        var a = new List<Stmt>();
                        var b = new List<Stmt>();
                        Propagate(x, g, a);
                        Propagate(y, g, b);
                        if (a.Count > 0 || b.Count > 0)
                            output.Add(new If(new Binary(f.Fn == Fn.Max ? BinaryOp.Ge : BinaryOp.Le, x, y, IrType.Bool), a.ToEquatable(), b.ToEquatable()));
                        return;
                    }
                case Fn.Tanh:
                    {
                        var th = Bind(f, output);
                        Propagate(x, Mul(g, new Binary(BinaryOp.Sub, C(1), Mul(th, th), t)), output);
                        return;
                    }
                case Fn.Sin: Propagate(x, Mul(g, Call(Fn.Cos, x)), output); return;
                case Fn.Cos: Propagate(x, Negate(Mul(g, Call(Fn.Sin, x))), output); return;
                case Fn.Tan:
                    {
                        var c = Call(Fn.Cos, x);
                        Propagate(x, new Binary(BinaryOp.Div, g, Mul(c, c), t), output);
                        return;
                    }
                case Fn.Atan: Propagate(x, new Binary(BinaryOp.Div, g, new Binary(BinaryOp.Add, C(1), Mul(x, x), t), t), output); return;
                case Fn.Asin:
                case Fn.Acos:
                    {
                        // d asin = 1 / sqrt(1 - x²), d acos = -1 / sqrt(1 - x²) (infinite at |x| = 1, like the functions' slopes)
                        var d = new Binary(BinaryOp.Div, g, Call(Fn.Sqrt, new Binary(BinaryOp.Sub, C(1), Mul(x, x), t)), t);
                        Propagate(x, f.Fn == Fn.Asin ? d : Negate(d), output);
                        return;
                    }
                case Fn.Sinh: Propagate(x, Mul(g, Call(Fn.Cosh, x)), output); return;
                case Fn.Cosh: Propagate(x, Mul(g, Call(Fn.Sinh, x)), output); return;
                case Fn.Log2: Propagate(x, new Binary(BinaryOp.Div, g, Mul(x, C(Math.Log(2))), t), output); return;
                case Fn.Log10: Propagate(x, new Binary(BinaryOp.Div, g, Mul(x, C(Math.Log(10))), t), output); return;
                case Fn.Cbrt:
                    {
                        // d cbrt(x) = 1 / (3 cbrt(x)²); 0 at x = 0 (infinite there), as Sqrt
                        Propagate(x, new Conditional(new Binary(BinaryOp.Ne, x, C(0), IrType.Bool),
                            new Binary(BinaryOp.Div, g, Mul(C(3), Mul(f, f)), t), C(0), t), output);
                        return;
                    }
                case Fn.Atan2:
                    {
                        // atan2(y, x): d/dy = x / (x² + y²), d/dx = -y / (x² + y²)
                        var y = x;
                        var xx = f.Args[1];
                        var r2 = new Binary(BinaryOp.Add, Mul(xx, xx), Mul(y, y), t);
                        var gr = Bind(new Binary(BinaryOp.Div, g, r2, t), output);
                        if (IrQueries.ReadsReal(y) && IsVaried(y)) Propagate(y, Mul(gr, xx), output);
                        if (IrQueries.ReadsReal(xx) && IsVaried(xx)) Propagate(xx, Negate(Mul(gr, y)), output);
                        return;
                    }
                case Fn.FusedMultiplyAdd:
                    {
                        // a·b + c rounded once: the derivative is that of a·b + c
                        var b = f.Args[1];
                        var c = f.Args[2];
                        if (IrQueries.ReadsReal(x) && IsVaried(x)) Propagate(x, Mul(g, b), output);
                        if (IrQueries.ReadsReal(b) && IsVaried(b)) Propagate(b, Mul(g, x), output);
                        if (IrQueries.ReadsReal(c) && IsVaried(c)) Propagate(c, g, output);
                        return;
                    }
                case Fn.Hypot:
                    {
                        // hypot(x, y) = h: d/dx = x / h, d/dy = y / h; 0 at h = 0 (where it has no derivative), as Sqrt
                        var y = f.Args[1];
                        var gh = Bind(new Conditional(new Binary(BinaryOp.Gt, f, C(0), IrType.Bool), new Binary(BinaryOp.Div, g, f, t), C(0), t), output);
                        if (IrQueries.ReadsReal(x) && IsVaried(x)) Propagate(x, Mul(gh, x), output);
                        if (IrQueries.ReadsReal(y) && IsVaried(y)) Propagate(y, Mul(gh, y), output);
                        return;
                    }
                case Fn.Clamp:
                    {
                        // Clamp(x, lo, hi) = Min(Max(x, lo), hi): the derivative follows the selected argument (x on ties)
                        var lo = f.Args[1];
                        var hi = f.Args[2];
                        var toX = new List<Stmt>();
                        var toLo = new List<Stmt>();
                        var toHi = new List<Stmt>();
                        Propagate(x, g, toX);
                        Propagate(lo, g, toLo);
                        Propagate(hi, g, toHi);
                        if (toX.Count + toLo.Count + toHi.Count == 0) return;
                        var inner = new If(new Binary(BinaryOp.Gt, x, hi, IrType.Bool), toHi.ToEquatable(), toX.ToEquatable());
                        output.Add(new If(new Binary(BinaryOp.Lt, x, lo, IrType.Bool), toLo.ToEquatable(), new EquatableArray<Stmt>(new Stmt[] { inner })));
                        return;
                    }
                case Fn.Floor:
                case Fn.Ceiling:
                case Fn.Round:
                case Fn.Truncate:
                case Fn.Sign:
                    return; // piecewise constant: derivative 0 (almost everywhere)
            }
        }

        /// <summary>
        /// Adjoint of a call: the callee's adjoint re-runs its forward on the current (restored) arguments and
        /// accumulates into the adjoints we pass: arrays directly, scalars through temporaries that are then
        /// propagated into the argument expressions.
        /// </summary>
        private void EmitAdjointCall(Invoke call, Expr? seed, List<Stmt> output)
        {
            var adjoints = new List<Expr>();
            var scalarTemps = new List<(Expr Arg, string Temp, IrType Type)>();
            for (int k = 0; k < call.Args.Count; k++)
            {
                var p = call.Method.Params[k];
                if (!p.Type.IsReal) continue;
                var arg = call.Args[k];
                if (arg is ArrayRef ar)
                    adjoints.Add(new ArrayRef(_adj[ar.Array], ar.ArrayType, ar.Row));
                else
                {
                    var temp = NewTemp();
                    output.Add(new DeclScalar(temp, p.Type, new Const(0, p.Type)));
                    adjoints.Add(new VarRef(temp, p.Type));
                    scalarTemps.Add((arg, temp, p.Type));
                }
            }
            output.Add(new AdjointCall(call.Method, call.Args, adjoints.ToEquatable(), seed));
            foreach (var (arg, temp, type) in scalarTemps)
                Propagate(arg, arg.Type == type ? new VarRef(temp, type) : new IR.Convert(new VarRef(temp, type), arg.Type), output);
        }

        private Expr Bind(Expr g, List<Stmt> output)
        {
            if (g is VarRef or Const) return g;
            var name = NewTemp();
            output.Add(new DeclScalar(name, g.Type, g));
            return new VarRef(name, g.Type);
        }

        private static Expr Negate(Expr g) => g is Unary { Op: UnaryOp.Neg } u ? u.Operand : new Unary(UnaryOp.Neg, g, g.Type);

        /// <summary><c>x·x</c>, <c>(c·x)·x</c> or <c>(x·c)·x</c> with x a variable or an element and c a constant: x and c.</summary>
        private static (Expr Leaf, double C)? Square(Binary b)
        {
            if (b.Right is not (VarRef or ElemRef)) return null;
            if (b.Left.Equals(b.Right)) return (b.Right, 1);
            if (b.Left is Binary { Op: BinaryOp.Mul } l)
            {
                if (l.Left is Const k1 && l.Right.Equals(b.Right)) return (b.Right, k1.Value);
                if (l.Right is Const k2 && l.Left.Equals(b.Right)) return (b.Right, k2.Value);
            }
            return null;
        }

        private static Expr Mul(Expr a, Expr b)
        {
            if (a is Const { Value: 1 }) return b;
            if (b is Const { Value: 1 }) return a;
            return new Binary(BinaryOp.Mul, a, b, a.Type.IsReal ? a.Type : b.Type);
        }
    }
}
