using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.Differentiate;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Schedule
{
    /// <summary>One loop's CPU form chosen by <see cref="LoopForms"/> (exactly one of the three plans is set).</summary>
    /// <param name="Place">Where the loop is printed: "" (the pass), the branch of a tile choice, or a row block's workers.</param>
    /// <param name="At">The enclosing loops' counters, outermost first.</param>
    internal sealed record LoopForm(For Loop, string Place, string At, TapeBlocks.Plan? Block, ElementPromotion.Plan? Promoted, UnrollJam.Plan? Jammed = null);

    /// <summary>
    /// The CPU forms of scalar loops, decided once per method in one walk of the statements the C# emitter prints: a loop
    /// that pushes or pops one restore-stack value per iteration takes its block of the stack once (<see cref="TapeBlocks"/>),
    /// else an element of a method-local array it updates at one index lives in a local (<see cref="ElementPromotion"/>),
    /// else a loop around one accumulating SIMD loop runs several iterations per inner pass (<see cref="UnrollJam"/>).
    /// Decided after the CPU and GPU loop plans, which keep the scalar tape: nothing here rewrites the IR, the decisions
    /// sit beside it, keyed by the loop (its reference) within its place.
    /// <para>
    /// Places, each with decisions (and generated names) of its own: the forward pass, the adjoint (forward sweep, then
    /// reverse sweep), each branch of a tile choice (the fused one first: tile fusion shares the loops it leaves alone
    /// between them), and the worker form of a row block split over cores (its body printed again in a worker class),
    /// walked after the pass. Names are numbered in that walk order across the method. A loop printed elsewhere again
    /// (a loop split over cores, in its worker class) prints the decision of its first place.
    /// </para>
    /// </summary>
    internal sealed class LoopForms
    {
        private LoopForms()
        {
            Forward = new LoopScope("");
            Adjoint = new LoopScope("");
        }

        /// <summary>No decisions (a writer that prints no method body).</summary>
        public static LoopForms None { get; } = new();

        /// <summary>The forward pass's loops.</summary>
        public LoopScope Forward { get; }

        /// <summary>The adjoint's loops (forward sweep, then reverse sweep).</summary>
        public LoopScope Adjoint { get; }

        /// <summary>The forms of the scheduled method's loops (the statements the emitters print).</summary>
        public static LoopForms Plan(AdjointModel a)
        {
            var forward = a.Tiles?.Body ?? a.Method.Body;
            var adjoint = (a.Tiles?.ForwardSweep ?? a.ForwardSweep).Concat(a.Tiles?.ReverseSweep ?? a.ReverseSweep).ToList();
            var arrays = new SortedSet<string>(StringComparer.Ordinal);
            Declared(forward.Concat(adjoint), arrays);
            var forms = new LoopForms();
            var walk = new Walker(arrays);
            walk.Run(forward, forms.Forward);
            walk.Run(adjoint, forms.Adjoint);
            return forms;
        }

        /// <summary>The arrays the statements declare, nested ones included (tile choices: both branches; row blocks: the body).</summary>
        private static void Declared(IEnumerable<Stmt> stmts, SortedSet<string> arrays)
        {
            foreach (var s in DevicePlanner.Flatten(stmts))
                switch (s)
                {
                    case DeclArray d: arrays.Add(d.Name); break;
                    case TiledLoop t: Declared(new Stmt[] { t.Loop }, arrays); break;
                    case TileChoice c: Declared(c.Fused, arrays); Declared(c.Materialised, arrays); break;
                    case RowBlocks r: Declared(r.Body, arrays); break;
                }
        }

        /// <summary>The walk: the statements in the order the C# emitter prints them, each loop decided once per place.</summary>
        private sealed class Walker
        {
            private readonly SortedSet<string> _localArrays;
            private readonly List<string> _at = new();
            private LoopScope _scope = null!;
            private int _blocks, _promoted, _jammed;

            public Walker(SortedSet<string> localArrays) => _localArrays = localArrays;

            public void Run(IEnumerable<Stmt> stmts, LoopScope pass)
            {
                _scope = pass;
                Statements(stmts);
                // the row blocks' worker forms, printed after the pass
                for (int k = 0; k < pass.Pass.WorkerForms.Count; k++)
                {
                    _scope = pass.Pass.WorkerForms[k].Workers;
                    Statements(pass.Pass.WorkerForms[k].Blocks.Body);
                }
            }

            private void Statements(IEnumerable<Stmt> stmts)
            {
                foreach (var s in stmts) Statement(s);
            }

            private void Statement(Stmt s)
            {
                switch (s)
                {
                    case For f when f.While is not null: Nested(f.Var, f.Body); break;
                    case For f when f.WideSums.Count > 0: Nested(f.Var, _scope.Pass.AddWideBody(f)); break;
                    case For f: Loop(f); break;
                    case VectorFor v: Nested(v.Loop.Var, v.Loop.Body); break;
                    case If i when IrQueries.ConstantCondition(i.Condition) is { } taken: Statements(taken ? i.Then : i.Else); break;
                    case If i: Statements(i.Then); Statements(i.Else); break;
                    case Block b: Statements(b.Body); break;
                    case TiledLoop t: Statement(t.Loop); break;
                    case TileChoice c:
                        {
                            var outer = _scope;
                            _scope = outer.Pass.Add(c, PassLoops.Fused, "tile-fused branch of " + c.Flag);
                            Statements(c.Fused);
                            _scope = outer.Pass.Add(c, PassLoops.Materialised, "materialised branch of " + c.Flag);
                            Statements(c.Materialised);
                            _scope = outer;
                            break;
                        }
                    case RowBlocks r:
                        if (r.Cores is { Split: true }) _scope.Pass.Add(r, PassLoops.Workers, "workers of the row blocks " + r.Name);
                        Statements(r.Body);
                        break;
                }
            }

            private void Nested(string var, IEnumerable<Stmt> body)
            {
                _at.Add(var);
                Statements(body);
                _at.RemoveAt(_at.Count - 1);
            }

            private void Loop(For f)
            {
                if (_scope.Has(f)) return; // the same loop again in this place (the same decision)
                if (TapeBlocks.Try(f, _blocks + 1) is { } block)
                {
                    _blocks++;
                    _scope.Add(new LoopForm(f, _scope.Place, string.Join(", ", _at), block, null));
                    // SIMD lanes print the block loop's body (no loops inside); else it prints as a loop of its own
                    if (block.SimdElem is null) Loop(block.Loop);
                    else Nested(f.Var, block.Loop.Body);
                }
                else if (ElementPromotion.Try(f, _localArrays, _promoted + 1) is { } promoted)
                {
                    _promoted++;
                    _scope.Add(new LoopForm(f, _scope.Place, string.Join(", ", _at), null, promoted));
                    Loop(promoted.Loop);
                }
                else if (UnrollJam.Try(f, _jammed + 1) is { } jammed)
                {
                    _jammed++;
                    _scope.Add(new LoopForm(f, _scope.Place, string.Join(", ", _at), null, null, jammed));
                    Nested(f.Var, f.Body);
                }
                else Nested(f.Var, f.Body);
            }
        }
    }

    /// <summary>
    /// The loop forms of one place (see <see cref="LoopForms"/>): what the writer looks up for the loop it prints.
    /// </summary>
    internal sealed class LoopScope
    {
        private readonly Dictionary<Stmt, LoopForm> _forms = new(StmtReferenceComparer.Instance);

        internal LoopScope(string place, PassLoops? pass = null)
        {
            Place = place;
            Pass = pass ?? new PassLoops();
        }

        /// <summary>"" for the pass itself, else the branch or the workers (for the plan text).</summary>
        public string Place { get; }

        /// <summary>What the places of one pass share.</summary>
        internal PassLoops Pass { get; }

        /// <summary>The decisions of the pass, every place, in walk order (for the plan text).</summary>
        public IReadOnlyList<LoopForm> All => Pass.All;

        /// <summary>
        /// The form Schedule chose for this loop here; a loop decided in another place of the pass only (a loop split
        /// over cores printed again in its worker class) has that decision. Null: an ordinary loop.
        /// </summary>
        public LoopForm? Of(For f) => _forms.TryGetValue(f, out var form) ? form : Pass.First(f);

        /// <summary>
        /// The body a loop with wide sums prints (<see cref="WideSums.Retarget"/>: the float sums go to their double
        /// accumulators); the loops inside it are the ones <see cref="Of"/> knows.
        /// </summary>
        public EquatableArray<Stmt> WideBody(For f) => Pass.WideBody(f);

        /// <summary>A branch of a tile choice of this pass.</summary>
        public LoopScope Branch(TileChoice c, bool fused) => Pass.Scope(c, fused ? PassLoops.Fused : PassLoops.Materialised);

        /// <summary>The worker form of a row block split over cores (its worker class).</summary>
        public LoopScope Workers(RowBlocks r) => Pass.Scope(r, PassLoops.Workers);

        internal bool Has(For f) => _forms.ContainsKey(f);

        internal void Add(LoopForm form)
        {
            _forms[form.Loop] = form;
            Pass.Add(form);
        }
    }

    /// <summary>The places of one pass, its decisions in walk order and the wide-sum bodies.</summary>
    internal sealed class PassLoops
    {
        private readonly Dictionary<(Stmt, int), LoopScope> _scopes = new(new PlaceComparer());
        private readonly Dictionary<Stmt, LoopForm> _first = new(StmtReferenceComparer.Instance);
        private readonly Dictionary<Stmt, EquatableArray<Stmt>> _wideBodies = new(StmtReferenceComparer.Instance);
        private readonly List<LoopForm> _all = new();

        /// <summary>Row blocks split over cores, in walk order, with their worker places.</summary>
        internal List<(RowBlocks Blocks, LoopScope Workers)> WorkerForms { get; } = new();

        public IReadOnlyList<LoopForm> All => _all;

        internal LoopForm? First(For f) => _first.TryGetValue(f, out var form) ? form : null;

        // the kinds of places inside a pass (with the statement that owns them)
        internal const int Fused = 0, Materialised = 1, Workers = 2;

        /// <summary>A wide-sum loop's retargeted body (the one decided; a loop the walk did not see gets a fresh one).</summary>
        internal EquatableArray<Stmt> WideBody(For f) => _wideBodies.TryGetValue(f, out var body) ? body : WideSums.Retarget(f);

        internal EquatableArray<Stmt> AddWideBody(For f)
        {
            if (!_wideBodies.TryGetValue(f, out var body)) _wideBodies[f] = body = WideSums.Retarget(f);
            return body;
        }

        /// <summary>The place; one the walk did not make is empty (its loops print their first decision, if any).</summary>
        internal LoopScope Scope(Stmt owner, int kind) =>
            _scopes.TryGetValue((owner, kind), out var scope) ? scope : new LoopScope("", this);

        /// <summary>Makes the place (the walk; the plan is read-only once made).</summary>
        internal LoopScope Add(Stmt owner, int kind, string place)
        {
            if (_scopes.TryGetValue((owner, kind), out var scope)) return scope;
            _scopes[(owner, kind)] = scope = new LoopScope(place, this);
            if (kind == Workers) WorkerForms.Add(((RowBlocks)owner, scope));
            return scope;
        }

        internal void Add(LoopForm form)
        {
            if (!_first.ContainsKey(form.Loop)) _first[form.Loop] = form;
            _all.Add(form);
        }

        private sealed class PlaceComparer : IEqualityComparer<(Stmt, int)>
        {
            public bool Equals((Stmt, int) x, (Stmt, int) y) => ReferenceEquals(x.Item1, y.Item1) && x.Item2 == y.Item2;
            public int GetHashCode((Stmt, int) obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Item1) * 3 + obj.Item2;
        }
    }
}
