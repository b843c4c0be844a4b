using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Fuzz
{
    /// <summary>What the generator may produce.</summary>
    public sealed record GenOptions
    {
        /// <summary>Leave out the constructs listed in <see cref="KnownBugs"/> (the CI seed range must pass).</summary>
        public bool ExcludeKnownBugs { get; init; }

        /// <summary>Fraction of programs deliberately outside the subset (expected diagnostic).</summary>
        public double NegativeFraction { get; init; } = 0.05;

        /// <summary>Fraction of programs in float (each also checked through its double twin).</summary>
        public double FloatFraction { get; init; } = 0.3;

        /// <summary>Sizes n, m, k are drawn from [MinSize, MaxSize] (2..5 by default; --large: 48..96).</summary>
        public int MinSize { get; init; } = 2;

        /// <inheritdoc cref="MinSize"/>
        public int MaxSize { get; init; } = 5;
    }

    /// <summary>
    /// Writes random [Differentiable] methods inside the documented subset (README "The language subset"), deterministic
    /// from a seed. Weighted toward what breaks AD tools: loop nests with bounds from shapes, constants and outer counters
    /// (triangular), steps 2 and reverse loops; in-place overwrites of local arrays and outputs; accumulation at computed
    /// indices; branches on values and indices, ?:, continue; guarded intrinsics (see <see cref="Op"/>); int locals;
    /// jagged, 1-D and 2-D arrays; void layers; calls between generated methods; GEMM-shaped contractions; log-sum-exp;
    /// natural idioms (scratch rows declared in a loop, int counters, while/break, bool masks).
    /// </summary>
    /// <remarks>
    /// In bounds by construction: every size n, m, k is at least 2 and every loop counter ranges inside one size; an index
    /// for size d is a counter of d (<c>i</c>, <c>d - 1 - i</c>, <c>(i + 1) % d</c>, <c>i - 1</c> when the counter starts
    /// at 1), any counter modulo d, an int local of d, <c>0</c> or <c>d - 1</c>, or a label <c>lab[...]</c> whose values
    /// lie in d. Every differentiated input is also added, scaled, to the result ("touch" term), so no parameter has an
    /// always-zero derivative (which would be a correct DIFF0014 warning). Outputs are initialised first (pinned) so no
    /// program reads an output before writing it.
    /// </remarks>
    public sealed class ProgramGenerator
    {
        private readonly Random _r;
        private readonly GenOptions _o;
        private readonly FuzzProgram _p;
        private int _names;

        private ProgramGenerator(int seed, GenOptions o)
        {
            _r = new Random(seed);
            _o = o;
            _p = new FuzzProgram { Seed = seed, Id = seed.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }

        public static FuzzProgram Generate(int seed, GenOptions o) => new ProgramGenerator(seed, o).Build();

        // ------------------------------------------------------------ scope

        private sealed record Arr(string Name, PKind Kind, string[] Dims, bool Writable);
        private sealed record Counter(string Name, string Dim, bool MinOne);

        private sealed class Scope
        {
            public List<string> Scalars = new();       // readable float scalars
            public List<string> Writable = new();      // assignable float scalars (locals)
            public List<Arr> Arrays = new();
            public List<Counter> Counters = new();
            public List<(string Name, string Dim)> Ints = new();
            public List<(string Name, string[] Dims)> Labels = new();   // int[] params: Dims = [rows, values]
            public List<Helper> Helpers = new();
            public int Depth;
            public bool InValueIf;
            /// <summary>Inside a while loop whose counter update ends the body: a continue would skip it.</summary>
            public bool NoContinue;
            public bool InLoop => Counters.Count > 0;

            public Scope Child() => new()
            {
                Scalars = Scalars.ToList(), Writable = Writable.ToList(), Arrays = Arrays, Counters = Counters.ToList(),
                Ints = Ints.ToList(), Labels = Labels, Helpers = Helpers, Depth = Depth, InValueIf = InValueIf, NoContinue = NoContinue,
            };
        }

        private sealed record Helper(string Name, int ArrayArgs, int ScalarArgs, bool Void);

        private bool P(double p) => _r.NextDouble() < p;
        private T Pick<T>(IReadOnlyList<T> xs) => xs[_r.Next(xs.Count)];
        private string Fresh(string prefix) => prefix + _names++;

        private T Weighted<T>(params (double W, T V)[] xs)
        {
            double t = xs.Sum(x => x.W), u = _r.NextDouble() * t;
            foreach (var x in xs) { u -= x.W; if (u <= 0) return x.V; }
            return xs[^1].V;
        }

        private void Feature(string f) { if (!_p.Features.Contains(f)) _p.Features.Add(f); }

        // ------------------------------------------------------------ program

        private FuzzProgram Build()
        {
            _p.Prec = P(_o.FloatFraction) ? Prec.Float : Prec.Double;
            foreach (var d in new[] { "n", "m", "k" }) _p.Sizes[d] = _o.MinSize + _r.Next(_o.MaxSize - _o.MinSize + 1);   // 2..5 unless --large
            var helpers = new List<Helper>();
            int nh = Weighted((0.6, 0), (0.3, 1), (0.1, 2));
            for (int h = 0; h < nh; h++) helpers.Add(BuildHelper(h));
            _p.Methods.Add(BuildMain(helpers));
            if (P(_o.NegativeFraction)) Negative.Inject(_p, _r);
            return _p;
        }

        /// <summary>A helper: scalar H(a, b), vector V(u, w) (a reduction over u.Length), or void layer L(u, y).</summary>
        private Helper BuildHelper(int index)
        {
            int kind = _r.Next(3);
            var m = new Method();
            var s = new Scope { Helpers = new List<Helper>() };
            if (kind == 0)
            {
                m.Name = "H" + index;
                m.Params.Add(new Param("a", PKind.Scalar, Array.Empty<string>(), false));
                m.Params.Add(new Param("b", PKind.Scalar, Array.Empty<string>(), false));
                s.Scalars.AddRange(new[] { "a", "b" });
                m.Result = new Op("+", RandExpr(s, 2), new Op("*", new Lit(0.0625), new Op("+", new Ref("a"), new Ref("b"))));
                _p.Methods.Add(m);
                return new Helper(m.Name, 0, 2, false);
            }
            // both vector kinds read u[i], w[i] over the length of u (callers pass arrays of one size)
            m.Name = (kind == 1 ? "V" : "L") + index;
            m.Params.Add(new Param("u", PKind.Vec, new[] { "n" }, false));
            m.Params.Add(new Param(kind == 1 ? "w" : "y", PKind.Vec, new[] { "n" }, kind == 2));
            s.Arrays.Add(new Arr("u", PKind.Vec, new[] { "n" }, false));
            if (kind == 1) s.Arrays.Add(new Arr("w", PKind.Vec, new[] { "n" }, false));
            var loop = new For("i", "0", "n", 1, false, false);
            s.Counters.Add(new Counter("i", "n", false));
            s.Depth = 1;
            if (kind == 1)
            {
                m.Scalars.Add(("s", 0));
                s.Scalars.Add("s");
                loop.Blocks = new[] { new List<Stmt> { new Assign(new Ref("s"), "+=", RandExpr(s, 2)) } };
                m.Result = new Op("+", new Ref("s"), new Op("*", new Lit(0.0625), new Op("+", new Elem("u", new[] { "0" }, false), new Elem("w", new[] { "0" }, false))));
            }
            else
            {
                m.Returns = false;
                loop.Blocks = new[] { new List<Stmt> { new Assign(new Elem("y", new[] { "i" }, false), "=", new Op("+", RandExpr(s, 2), new Op("*", new Lit(0.0625), new Elem("u", new[] { "i" }, false)))) } };
            }
            m.Body.Add(loop);
            _p.Methods.Add(m);
            return new Helper(m.Name, 2, 0, kind == 2);
        }

        private Method BuildMain(List<Helper> helpers)
        {
            var m = new Method { Name = "F" };
            var s = new Scope { Helpers = helpers };
            string[] dims = { "n", "m", "k" };
            int nArrays = 1 + _r.Next(3);
            bool gemmShape = P(0.3);
            var inputs = new List<Param>();
            if (gemmShape)
            {
                // A[n,k] and B[m,k] (or W[k,m], or jagged rows): a contraction Raise turns into a GEMM
                inputs.Add(new Param("x0", P(0.2) ? PKind.Jag : PKind.Mat, new[] { "n", "k" }, false));
                inputs.Add(P(0.5) ? new Param("x1", PKind.Mat, new[] { "m", "k" }, false) : new Param("x1", PKind.Mat, new[] { "k", "m" }, false));
                nArrays = Math.Max(0, nArrays - 2);
            }
            for (int a = 0; a < nArrays; a++)
            {
                string name = "x" + (inputs.Count);
                var kind = Weighted((0.45, PKind.Vec), (0.4, PKind.Mat), (0.15, PKind.Jag));
                inputs.Add(kind == PKind.Vec ? new Param(name, kind, new[] { Pick(dims) }, false) : new Param(name, kind, new[] { Pick(dims), Pick(dims) }, false));
            }
            m.Params.AddRange(inputs);
            int nScalars = Weighted((0.4, 0), (0.4, 1), (0.2, 2));
            for (int i = 0; i < nScalars; i++) m.Params.Add(new Param("a" + i, PKind.Scalar, Array.Empty<string>(), false));
            if (P(0.15))
            {
                var rows = inputs.SelectMany(p => p.Dims).Distinct().ToList();
                m.Params.Add(new Param("lab", PKind.Labels, new[] { Pick(rows), Pick(dims) }, false));
                Feature("labels");
            }
            // outputs: a layer writes them (void, or with a value too)
            int nOut = Weighted((0.65, 0), (0.3, 1), (0.05, 2));
            for (int i = 0; i < nOut; i++)
            {
                var known = m.Params.Where(p => p.Kind is PKind.Vec or PKind.Mat or PKind.Jag).SelectMany(p => p.Dims).Distinct().ToList();
                m.Params.Add(P(0.5) ? new Param("y" + i, PKind.Vec, new[] { Pick(known) }, true) : new Param("y" + i, PKind.Mat, new[] { Pick(known), Pick(known) }, true));
            }
            m.Returns = nOut == 0 || P(0.4);
            if (nOut > 0) Feature(m.Returns ? "outputs+value" : "void layer");
            if (_p.Prec == Prec.Float) Feature("float");

            // dims the labels' value range uses must be derivable from an array parameter
            var derivable = m.Params.Where(p => p.Kind is PKind.Vec or PKind.Mat or PKind.Jag).SelectMany(p => p.Dims).ToHashSet();
            foreach (var p in m.Params.Where(p => p.Kind == PKind.Labels).ToList())
            {
                if (!derivable.Contains(p.Dims[1]) || !derivable.Contains(p.Dims[0])) m.Params.Remove(p);
            }
            var have = derivable.ToList();

            // scope
            foreach (var p in m.Params)
            {
                if (p.Kind == PKind.Scalar) s.Scalars.Add(p.Name);
                else if (p.Kind == PKind.Labels) s.Labels.Add((p.Name, p.Dims));
                else s.Arrays.Add(new Arr(p.Name, p.Kind, p.Dims, p.IsOutput));
            }
            int nLocals = 1 + _r.Next(3);
            for (int i = 0; i < nLocals; i++)
            {
                string name = "s" + i;
                m.Scalars.Add((name, P(0.8) ? 0 : 1));
                s.Scalars.Add(name);
                s.Writable.Add(name);
            }
            int nLocalArrays = Weighted((0.35, 0), (0.45, 1), (0.2, 2));
            for (int i = 0; i < nLocalArrays; i++)
            {
                var la = P(0.5) ? new LocalArray("t" + i, new[] { Pick(have) }) : new LocalArray("t" + i, new[] { Pick(have), Pick(have) });
                m.Arrays.Add(la);
                s.Arrays.Add(new Arr(la.Name, la.Dims.Length == 1 ? PKind.Vec : PKind.Mat, la.Dims, true));
                Feature("local array");
            }

            // outputs first: an initialising loop nest (pinned)
            foreach (var o in m.Params.Where(p => p.IsOutput)) m.Body.Add(InitNest(s, o));

            // templates and random statements
            int nTop = 2 + _r.Next(5);
            for (int i = 0; i < nTop; i++)
            {
                double gemm = gemmShape ? 0.5 : 0.05;
                int t = Weighted((gemm, 0), (0.12, 1), (0.06, 2), (1.0, 3), (0.12, 4), (0.1, 5), (0.1, 6), (0.08, 7));
                if (t == 0 && TryGemm(m, s) is { } g) { m.Body.AddRange(g); continue; }
                if (t == 4) { m.Body.Add(ScratchRow(s)); continue; }
                if (t == 5) { m.Body.AddRange(CountedSum(s)); continue; }
                if (t == 6) { m.Body.AddRange(WhileBreak(s)); continue; }
                if (t == 7) { m.Body.AddRange(BoolMask(s)); continue; }
                if (t == 1 && TryLse(m, s) is { } l) { m.Body.Add(l); continue; }
                if (t == 2 && TryRowParallel(s) is { } rp) { m.Body.Add(rp); continue; }
                m.Body.Add(RandStmt(s, topLevel: true));
            }
            // local arrays flow into the result
            foreach (var la in m.Arrays)
            {
                if (P(0.7)) m.Body.Add(Reduce(s, la));
            }

            // result and touch terms
            var touch = m.Params.Where(p => p.IsFloatInput).Select(p => (Expr)(p.Kind switch
            {
                PKind.Scalar => new Ref(p.Name),
                PKind.Vec => new Elem(p.Name, new[] { "0" }, false),
                PKind.Mat => new Elem(p.Name, new[] { "0", "0" }, false),
                _ => new Elem(p.Name, new[] { "0", "0" }, true),
            })).ToList();
            Expr touchSum = touch.Aggregate((a, b) => new Op("+", a, b));
            if (m.Returns)
            {
                Expr res = new Ref("s0");
                foreach (var (name, _) in m.Scalars.Skip(1)) if (P(0.7)) res = new Op("+", res, new Op("*", new Lit(0.5), new Ref(name)));
                m.Result = new Op("+", res, new Op("*", new Lit(0.0625), touchSum));
            }
            else
            {
                var o = m.Params.First(p => p.IsOutput);
                var target = new Elem(o.Name, o.Dims.Select(_ => "0").ToArray(), false);
                Expr sum = new Ref("s0");
                m.Body.Add(new Assign(target, "+=", new Op("+", new Op("*", new Lit(0.0625), touchSum), new Op("*", new Lit(0.25), sum))));
            }
            return m;
        }

        // ------------------------------------------------------------ templates

        private static string[] Vars(int count, Func<string> fresh) => Enumerable.Range(0, count).Select(_ => fresh()).ToArray();

        /// <summary>Writes every entry of an output (from the inputs), so nothing reads it before writing.</summary>
        private Stmt InitNest(Scope s, Param o)
        {
            var inner = s.Child();
            var loops = new List<For>();
            var idx = new List<string>();
            foreach (var d in o.Dims)
            {
                string v = Fresh("i");
                var f = new For(v, "0", d, 1, P(0.15), false);
                inner.Counters.Add(new Counter(v, d, false));
                inner.Depth++;
                loops.Add(f);
                idx.Add(v);
            }
            Expr e = RandExpr(inner, 2, noOutputs: true);
            var body = new List<Stmt> { new Assign(new Elem(o.Name, idx.ToArray(), false), "=", e) };
            for (int i = loops.Count - 1; i >= 0; i--)
            {
                loops[i].Blocks = new[] { body };
                body = new List<Stmt> { loops[i] };
            }
            Pin(body[0]);
            return body[0];
        }

        private static void Pin(Stmt s)
        {
            s.Pinned = true;
            foreach (var b in s.Blocks) foreach (var x in b) Pin(x);
        }

        /// <summary>for i, j: acc = 0; for d: acc += A[i, d] * B[j, d]; then a use of acc (or C[i, j] += ... directly).</summary>
        private List<Stmt>? TryGemm(Method m, Scope s)
        {
            var mats = s.Arrays.Where(a => !a.Writable && a.Kind is PKind.Mat or PKind.Jag).ToList();
            // pairs sharing a contraction size: A[., d] with B[., d] or B[d, .] (not jagged)
            var pairs = new List<(Arr A, Arr B, bool BT)>();
            foreach (var a in mats)
                foreach (var b in mats)
                {
                    if (a.Dims[1] == b.Dims[1]) pairs.Add((a, b, false));
                    if (b.Kind == PKind.Mat && a.Dims[1] == b.Dims[0]) pairs.Add((a, b, true));
                }
            if (pairs.Count == 0) return null;
            var (A, B, bt) = Pick(pairs);
            string di = A.Dims[0], dj = bt ? B.Dims[1] : B.Dims[0], dk = A.Dims[1];
            string i = Fresh("i"), j = Fresh("i"), d = Fresh("i");
            Expr ea = new Elem(A.Name, new[] { i, d }, A.Kind == PKind.Jag);
            Expr eb = new Elem(B.Name, bt ? new[] { d, j } : new[] { j, d }, B.Kind == PKind.Jag);
            var inner = s.Child();
            inner.Counters.Add(new Counter(i, di, false));
            inner.Counters.Add(new Counter(j, dj, false));
            inner.Depth += 2;
            var body = new List<Stmt>();
            bool triangular = di == dj && P(0.25);
            // target: a local 2-D array [di, dj] if one exists, else a scalar accumulator used at once
            var table = s.Arrays.FirstOrDefault(a => a.Writable && a.Kind == PKind.Mat && a.Dims[0] == di && a.Dims[1] == dj);
            var dl = new For(d, "0", dk, 1, false, false);
            if (table is not null && P(0.5))
            {
                var cij = new Elem(table.Name, new[] { i, j }, false);
                body.Add(new Assign(cij, "=", P(0.5) ? new Lit(0) : RandExpr(inner, 1, noOutputs: true)));
                dl.Blocks = new[] { new List<Stmt> { new Assign(cij.Clone(), "+=", new Op("*", ea, eb)) } };
                body.Add(dl);
                Feature("gemm into array");
            }
            else
            {
                string acc = Fresh("g");
                body.Add(new Decl(acc, null) { Exprs = new Expr[] { new Lit(0) } });
                dl.Blocks = new[] { new List<Stmt> { new Assign(new Ref(acc), "+=", new Op("*", ea, eb)) } };
                body.Add(dl);
                inner.Scalars.Add(acc);
                var use = table is not null
                    ? new Assign(new Elem(table.Name, new[] { i, j }, false), "=", new Op(Pick(new[] { "tanh", "sin", "sq" }), new Ref(acc)))
                    : new Assign(new Ref(Pick(s.Writable)), "+=", Weighted<Expr>(
                        (1, new Op("sq", new Ref(acc))),
                        (1, new Op("exp", new Op("*", new Lit(0.5), new Ref(acc)))),
                        (1, new Op("*", new Ref(acc), RandExpr(inner, 1)))));
                body.Add(use);
                Feature("gemm");
            }
            var lj = triangular ? new For(j, P(0.5) ? i : i + " + 1", dj, 1, false, false) : new For(j, "0", dj, 1, false, false);
            lj.Blocks = new[] { body };
            var li = new For(i, "0", di, 1, false, false) { Blocks = new[] { new List<Stmt> { lj } } };
            if (triangular) Feature("gemm triangular");
            return new List<Stmt> { li };
        }

        /// <summary>for i: den = 0; for j: den += Exp(e(i, j)); acc += Log(den) (or Log(Exp(a) / den)).</summary>
        private Stmt? TryLse(Method m, Scope s)
        {
            var arrays = s.Arrays.Where(a => !a.Writable).ToList();
            if (arrays.Count == 0) return null;
            var A = Pick(arrays);
            string di = A.Dims[0], dj = A.Dims.Length > 1 ? A.Dims[1] : Pick(A.Dims);
            string i = Fresh("i"), j = Fresh("i"), den = Fresh("den");
            var inner = s.Child();
            inner.Counters.Add(new Counter(i, di, false));
            inner.Depth++;
            var jScope = inner.Child();
            jScope.Counters.Add(new Counter(j, dj, false));
            jScope.Depth++;
            Expr logit = A.Dims.Length > 1 ? new Elem(A.Name, new[] { i, j }, A.Kind == PKind.Jag) : new Elem(A.Name, new[] { j }, false);
            if (P(0.5)) logit = new Op("*", logit, RandExpr(jScope, 1));
            if (P(0.3) && s.Scalars.Any(x => x.StartsWith('a'))) logit = new Op("divt", logit, new Ref(s.Scalars.First(x => x.StartsWith('a'))));
            var lj = new For(j, "0", dj, 1, false, false);
            var jBody = new List<Stmt>();
            if (di == dj && P(0.4)) jBody.Add(new If(new Cond { IndexText = $"{j} == {i}" }) { Blocks = new[] { new List<Stmt> { new Continue() } } });
            jBody.Add(new Assign(new Ref(den), "+=", new Op("exp", logit)));
            lj.Blocks = new[] { jBody };
            string target = Pick(s.Writable);
            Expr pos = new Elem(A.Name, A.Dims.Length > 1 ? new[] { i, "0" } : new[] { "0" }, A.Kind == PKind.Jag);
            Expr use = P(0.5) ? new Op("neg", new LogOf(new Ref(den))) : new Op("neg", new LogOf(new Op("/", new Op("exp", pos), new Ref(den))));
            var li = new For(i, "0", di, 1, false, false)
            {
                Blocks = new[] { new List<Stmt> { new Decl(den, null) { Exprs = new Expr[] { new Lit(0) } }, lj, new Assign(new Ref(target), "+=", use) } },
            };
            Feature("log-sum-exp");
            return li;
        }

        /// <summary>A top-level loop with independent iterations and a row of SIMD work each (what the multi-core and device planners split).</summary>
        // ------------------------------------------------------------ natural idioms (issue 10)

        /// <summary>A size some array of the scope has.</summary>
        private string AnyDim(Scope s) => Pick(new[] { "n", "m", "k" }.Where(x => s.Arrays.Any(a => a.Dims.Contains(x))).ToList());

        /// <summary>
        /// A scratch row declared inside the loop, as softmax and MLP rows are written:
        /// <c>for (i) { T[] r = new T[e]; for (j) r[j] = ...; ...random statements...; for (j) s += f(r[j]); }</c>.
        /// </summary>
        private Stmt ScratchRow(Scope s)
        {
            string d = AnyDim(s);
            string i = Fresh("i"), r = Fresh("r");
            // the row's length: another size, or the counter's (causal attention's new T[i + 1])
            bool causal = P(0.3);
            string e = causal ? d : AnyDim(s), len = causal ? i + " + 1" : e;
            var inner = s.Child();
            inner.Depth++;
            inner.NoContinue = false;
            inner.Arrays = s.Arrays.ToList(); // the row is visible inside this loop only
            inner.Counters.Add(new Counter(i, d, false));
            inner.Arrays.Add(new Arr(r, PKind.Vec, new[] { e }, true));
            if (causal) inner.Arrays.RemoveAt(inner.Arrays.Count - 1); // only the loops below index it (j <= i)
            var body = new List<Stmt> { new Raw($"{{T}}[] {r} = new {{T}}[{len}];") { Pinned = true } };
            string j = Fresh("i");
            var fill = inner.Child();
            fill.Counters.Add(new Counter(j, e, false));
            body.Add(new For(j, "0", len, 1, false, false) { Blocks = new[] { new List<Stmt> { new Assign(new Elem(r, new[] { j }, false), "=", RandExpr(fill, 2)) } } });
            body.AddRange(RandBlock(inner, _r.Next(3)));
            string j2 = Fresh("i");
            var use = inner.Child();
            use.Counters.Add(new Counter(j2, e, false));
            body.Add(new For(j2, "0", len, 1, false, false)
            {
                Blocks = new[] { new List<Stmt> { new Assign(new Ref(Pick(s.Writable)), "+=", new Op("*", new Lit(0.5), new Op(Pick(new[] { "tanh", "sq", "sin", "softplus" }), new Elem(r, new[] { j2 }, false)))) } },
            });
            Feature(causal ? "scratch row of the counter's length" : "scratch row in a loop");
            return new For(i, "0", d, 1, P(0.2), false) { Blocks = new[] { body } };
        }

        /// <summary>
        /// A masked mean's counter: <c>int c = 0; for (i) if (a &gt; b) { s += ...; c++; } t += u * c;</c> (an int local
        /// reassigned under a value branch).
        /// </summary>
        private List<Stmt> CountedSum(Scope s)
        {
            string d = AnyDim(s);
            string c = Fresh("c"), i = Fresh("i");
            var inner = s.Child();
            inner.Depth++;
            inner.NoContinue = false;
            inner.Counters.Add(new Counter(i, d, false));
            var cond = new If(RandCond(inner, out var args)) { Exprs = args };
            var then = new List<Stmt> { ScalarUpdate(inner, new Ref(Pick(s.Writable))), new Raw(P(0.7) ? $"{c}++;" : $"{c} += 2;") };
            var els = P(0.3) ? new List<Stmt> { new Raw($"{c}--;") } : new List<Stmt>();
            cond.Blocks = new[] { then, els };
            Feature("int counter");
            return new List<Stmt>
            {
                new Raw($"int {c} = 0;") { Pinned = true },
                new For(i, "0", d, 1, P(0.2), false) { Blocks = new[] { new List<Stmt> { cond } } },
                new Assign(new Ref(Pick(s.Writable)), "+=", new Op("*", new IntVal(c, 0.25), RandExpr(s, 1))),
            };
        }

        /// <summary>
        /// A mask of booleans set from values and read later:
        /// <c>bool[] keep = new bool[d]; for (i) keep[i] = a &gt; b; for (i) if (keep[i]) s += ...;</c>
        /// </summary>
        private List<Stmt> BoolMask(Scope s)
        {
            string d = AnyDim(s);
            string k = Fresh("keep"), i = Fresh("i"), i2 = Fresh("i");
            var set = s.Child();
            set.Depth++;
            set.NoContinue = false;
            set.Counters.Add(new Counter(i, d, false));
            var cond = RandCond(set, out var args);
            var read = s.Child();
            read.Depth++;
            read.NoContinue = false;
            read.Counters.Add(new Counter(i2, d, false));
            var upd = new Headed($"if ({(P(0.5) ? "" : "!")}{k}[{i2}])") { Blocks = new[] { new List<Stmt> { ScalarUpdate(read, new Ref(Pick(s.Writable))) } } };
            Feature("bool mask");
            return new List<Stmt>
            {
                new Raw($"bool[] {k} = new bool[{d}];") { Pinned = true },
                new For(i, "0", d, 1, P(0.2), false) { Blocks = new[] { new List<Stmt> { new BoolSet($"{k}[{i}]", cond) { Exprs = args } } } },
                new For(i2, "0", d, 1, false, false) { Blocks = new[] { new List<Stmt> { upd } } },
            };
        }

        /// <summary>
        /// A while loop with an exit on a value: <c>int w = 0; while (w &lt; n) { ...; if (a &gt; b) break; w++; }</c>.
        /// </summary>
        private List<Stmt> WhileBreak(Scope s)
        {
            string d = AnyDim(s);
            string w = Fresh("w");
            var inner = s.Child();
            inner.Depth++;
            inner.NoContinue = true; // the update below ends the body
            inner.Counters.Add(new Counter(w, d, false));
            var body = RandBlock(inner, 1 + _r.Next(2));
            var exit = new If(RandCond(inner, out var args)) { Exprs = args, Blocks = new[] { new List<Stmt> { new Raw("break;") } } };
            body.Add(exit);
            body.Add(new Raw($"{w}++;") { Pinned = true });
            Feature("while with break");
            return new List<Stmt>
            {
                new Raw($"int {w} = 0;") { Pinned = true },
                new Headed($"while ({w} < {d})") { Blocks = new[] { body } },
            };
        }

        private Stmt? TryRowParallel(Scope s)
        {
            var targets = s.Arrays.Where(a => a.Writable && a.Kind == PKind.Mat).ToList();
            var sources = s.Arrays.Where(a => !a.Writable && a.Kind == PKind.Mat).ToList();
            if (targets.Count == 0) return null;
            var T = Pick(targets);
            string i = Fresh("i"), j = Fresh("i");
            var inner = s.Child();
            inner.Counters.Add(new Counter(i, T.Dims[0], false));
            inner.Counters.Add(new Counter(j, T.Dims[1], false));
            inner.Depth += 2;
            var same = sources.Where(x => x.Dims.SequenceEqual(T.Dims)).ToList();
            Expr e = same.Count > 0 ? new Op(Pick(new[] { "tanh", "exp", "sq", "sin" }), new Elem(Pick(same).Name, new[] { i, j }, false)) : RandExpr(inner, 2);
            if (P(0.5)) e = new Op("*", e, RandExpr(inner, 1));
            var lj = new For(j, "0", T.Dims[1], 1, false, false) { Blocks = new[] { new List<Stmt> { new Assign(new Elem(T.Name, new[] { i, j }, false), Pick(new[] { "=", "+=", "*=" }), e) } } };
            Feature("row-parallel");
            return new For(i, "0", T.Dims[0], 1, false, false) { Blocks = new[] { new List<Stmt> { lj } } };
        }

        /// <summary>s += f(t[...]) over a local array.</summary>
        private Stmt Reduce(Scope s, LocalArray la)
        {
            var inner = s.Child();
            var loops = new List<For>();
            var idx = new List<string>();
            foreach (var d in la.Dims)
            {
                string v = Fresh("i");
                loops.Add(new For(v, "0", d, 1, false, false));
                inner.Counters.Add(new Counter(v, d, false));
                idx.Add(v);
            }
            Expr e = new Elem(la.Name, idx.ToArray(), false);
            e = Weighted<Expr>((1, e), (1, new Op("sq", e)), (1, new Op("*", e, RandExpr(inner, 1))), (0.5, new Op("sin", e)));
            List<Stmt> body = new() { new Assign(new Ref(Pick(s.Writable)), "+=", e) };
            for (int i = loops.Count - 1; i >= 0; i--)
            {
                loops[i].Blocks = new[] { body };
                body = new List<Stmt> { loops[i] };
            }
            return body[0];
        }

        // ------------------------------------------------------------ random statements

        private Stmt RandStmt(Scope s, bool topLevel)
        {
            double loopW = s.Depth < 3 ? (topLevel ? 3.0 : 1.2) : 0;
            int kind = Weighted(
                (loopW, 0),
                (2.0, 1),                               // scalar update
                (s.Arrays.Any(a => a.Writable) ? 2.0 : 0, 2), // element write
                (1.0, 3),                               // if / else
                (s.InLoop && !s.NoContinue ? 0.5 : 0, 4), // if (...) continue;
                (s.Helpers.Any(h => h.Void) ? 0.3 : 0, 5)); // void layer call
            switch (kind)
            {
                case 0: return RandLoop(s);
                case 1:
                {
                    string t = Pick(s.Writable);
                    return ScalarUpdate(s, new Ref(t));
                }
                case 2:
                {
                    var a = Pick(s.Arrays.Where(x => x.Writable).ToList());
                    var target = new Elem(a.Name, a.Dims.Select(d => Index(s, d)).ToArray(), false);
                    if (a.Name.StartsWith('y')) Feature("output overwrite");
                    else Feature("local array overwrite");
                    return ScalarUpdate(s, target);
                }
                case 3:
                {
                    var st = new If(RandCond(s, out var args)) { Exprs = args };
                    Scope Inner()
                    {
                        var c = s.Child();
                        if (st.C.IndexText is null) c.InValueIf = true;
                        return c;
                    }
                    var then = RandBlock(Inner(), 1 + _r.Next(2));
                    var els = P(0.5) ? RandBlock(Inner(), 1 + _r.Next(2)) : new List<Stmt>();
                    st.Blocks = new[] { then, els };
                    Feature(st.C.IndexText is null ? "if on value" : "if on index");
                    return st;
                }
                case 4:
                {
                    Feature("continue");
                    return new If(RandCond(s, out var args)) { Exprs = args, Blocks = new[] { new List<Stmt> { new Continue() } } };
                }
                default:
                {
                    var h = Pick(s.Helpers.Where(x => x.Void).ToList());
                    var locals = s.Arrays.Where(a => a.Writable && a.Kind == PKind.Vec && !a.Name.StartsWith('y')).ToList();
                    var srcs = s.Arrays.Where(a => !a.Writable && a.Kind == PKind.Vec).ToList();
                    if (locals.Count == 0 || srcs.Count == 0) return ScalarUpdate(s, new Ref(Pick(s.Writable)));
                    var dst = Pick(locals);
                    var src = srcs.Where(x => x.Dims[0] == dst.Dims[0]).ToList();
                    if (src.Count == 0) return ScalarUpdate(s, new Ref(Pick(s.Writable)));
                    Feature("void call");
                    return new CallStmt(h.Name, new[] { Pick(src).Name, dst.Name });
                }
            }
        }

        private List<Stmt> RandBlock(Scope s, int count)
        {
            var list = new List<Stmt>();
            for (int i = 0; i < count; i++)
            {
                if (s.InLoop && P(0.15))
                {
                    // an int local (single assignment, from ints): an index for the rest of the block
                    var c = Pick(s.Counters);
                    string name = Fresh("q");
                    string text = Weighted(
                        (1, $"({c.Name} + 1) % {c.Dim}"),
                        (1, $"{c.Dim} - 1 - {c.Name}"),
                        (1, $"({c.Name} * 2 + 1) % {c.Dim}"));
                    list.Add(new Decl(name, text));
                    s.Ints.Add((name, c.Dim));
                    Feature("int local");
                    continue;
                }
                if (s.InLoop && P(0.1))
                {
                    string name = Fresh("u");
                    list.Add(new Decl(name, null) { Exprs = new[] { RandExpr(s, 2) } });
                    s.Scalars.Add(name);
                    s.Writable.Add(name);
                    continue;
                }
                list.Add(RandStmt(s, topLevel: false));
            }
            return list;
        }

        private Stmt ScalarUpdate(Scope s, Expr target)
        {
            string op = Weighted((1.0, "="), (3.0, "+="), (1.0, "-="), (0.7, "*="), (0.5, "/="));
            Expr e = RandExpr(s, 1 + _r.Next(3));
            // keep products and quotients bounded: a factor in [0.5, 1.5], a denominator >= 0.5
            if (op == "*=") e = new Op("+", new Lit(1), new Op("*", new Lit(0.5), new Op(P(0.5) ? "tanh" : "sin", e)));
            if (op == "/=") e = P(0.5) ? new Op("sqrt", e) : new Op("+", new Lit(1.5), new Op("tanh", e));
            return new Assign(target, op, e);
        }

        private Stmt RandLoop(Scope s)
        {
            var inner = s.Child();
            inner.Depth++;
            inner.NoContinue = false; // a continue in this for continues this for
            string v = Fresh("i");
            For f;
            bool triangular = s.Counters.Count > 0 && P(0.35);
            if (triangular)
            {
                var outer = Pick(s.Counters);
                string d = outer.Dim;
                int form = _r.Next(5);
                f = form switch
                {
                    0 => new For(v, "0", outer.Name, 1, P(0.3), false),            // j < i
                    1 => new For(v, "0", outer.Name + " + 1", 1, P(0.3), false),   // j <= i
                    2 => new For(v, outer.Name, d, 1, P(0.3), false),              // j = i; j < n
                    3 => new For(v, outer.Name + " + 1", d, 1, P(0.3), false),     // j = i + 1; j < n
                    _ => new For(v, "0", outer.Name, 2, false, false),              // j < i, step 2
                };
                inner.Counters.Add(new Counter(v, d, form is 3));
                Feature("triangular loop");
            }
            else
            {
                string d = Pick(new[] { "n", "m", "k" }.Where(x => s.Arrays.Any(a => a.Dims.Contains(x))).ToList());
                int form = Weighted((4, 0), (1, 1), (1, 2), (1, 3), (0.7, 4), (0.6, 5), (0.6, 6), (0.5, 7));
                f = form switch
                {
                    0 => new For(v, "0", d, 1, false, false),
                    1 => new For(v, "1", d, 1, false, false),
                    2 => new For(v, "0", d, 2, false, false),
                    3 => new For(v, "0", d, 1, true, false),
                    4 => new For(v, "0", d, 2, true, false),
                    5 => new For(v, "0", d, 1, false, true),
                    6 => new For(v, "0", "2", 1, false, false),      // constant bound (every size >= 2)
                    _ => new For(v, "0", d, 1, true, true),
                };
                inner.Counters.Add(new Counter(v, d, form == 1));
                if (f.Reverse) Feature("reverse loop");
                if (f.Step != 1) Feature("step 2");
            }
            f.Blocks = new[] { RandBlock(inner, 1 + _r.Next(3)) };
            return f;
        }


        private Cond RandCond(Scope s, out Expr[] args, bool indexOnly = false)
        {
            if (s.Counters.Count > 0 && (indexOnly || P(0.5)))
            {
                var c = Pick(s.Counters);
                var o = Pick(s.Counters);
                args = Array.Empty<Expr>();
                string text = Weighted(
                    (1.0, c.Name == o.Name ? $"{c.Name} == 0" : $"{c.Name} != {o.Name}"),
                    (1.0, c.Name == o.Name ? $"{c.Name} > 0" : $"{c.Name} < {o.Name}"),
                    (1.0, $"{c.Name} % 2 == 0"),
                    (0.5, $"{c.Name} == {c.Dim} - 1"),
                    (0.5, $"{c.Name} > 0 && {c.Name} % 2 == 1"));
                return new Cond { IndexText = text };
            }
            args = new[] { RandExpr(s, 2), P(0.5) ? new Lit(Pick(new[] { 0.0, 0.25, -0.25 })) : RandExpr(s, 1) };
            return new Cond { Cmp = Pick(new[] { ">", "<", ">=", "<=" }) };
        }

        // ------------------------------------------------------------ expressions

        private string Index(Scope s, string dim)
        {
            var opts = new List<(double, string)>();
            foreach (var c in s.Counters)
            {
                if (c.Dim == dim)
                {
                    opts.Add((5, c.Name));
                    opts.Add((1, $"{dim} - 1 - {c.Name}"));
                    opts.Add((1, $"({c.Name} + 1) % {dim}"));
                    if (c.MinOne) opts.Add((1, $"{c.Name} - 1"));
                }
                else opts.Add((0.7, $"{c.Name} % {dim}"));
            }
            if (s.Counters.Count >= 2)
            {
                var a = s.Counters[^1];
                var b = s.Counters[^2];
                opts.Add((0.8, $"({a.Name} + {b.Name}) % {dim}"));
            }
            foreach (var (name, d) in s.Ints) if (d == dim) opts.Add((2, name));
            foreach (var (name, dims) in s.Labels)
            {
                if (dims[1] != dim) continue;
                var rows = s.Counters.Where(c => c.Dim == dims[0]).ToList();
                opts.Add((1.5, $"{name}[{(rows.Count > 0 ? Pick(rows).Name : "0")}]"));
            }
            opts.Add((s.Counters.Count == 0 ? 3 : 0.4, "0"));
            opts.Add((s.Counters.Count == 0 ? 2 : 0.3, $"{dim} - 1"));
            string r = Weighted(opts.ToArray());
            if (r.Contains('%') || r.Contains("lab[")) Feature("computed index");
            return r;
        }

        private Expr Leaf(Scope s, bool noOutputs)
        {
            var arrays = s.Arrays.Where(a => !noOutputs || !a.Name.StartsWith('y')).ToList();
            int k = Weighted(
                (arrays.Count > 0 ? 5.0 : 0, 0),
                (s.Scalars.Count > 0 ? 2.5 : 0, 1),
                (1.0, 2),
                (s.Counters.Count > 0 ? 0.5 : 0, 3));
            switch (k)
            {
                case 0:
                {
                    var a = Pick(arrays);
                    return new Elem(a.Name, a.Dims.Select(d => Index(s, d)).ToArray(), a.Kind == PKind.Jag);
                }
                case 1: return new Ref(Pick(s.Scalars));
                case 2: return new Lit(Pick(new[] { 0.5, 0.25, 1.5, 2.0, 0.75, -0.5 }));
                default: return new IntVal(Pick(s.Counters).Name, Pick(new[] { 0.25, 0.125, 0.5 }));
            }
        }

        private Expr RandExpr(Scope s, int depth, bool noOutputs = false)
        {
            if (depth <= 0 || P(0.25)) return Leaf(s, noOutputs);
            int k = Weighted((4.0, 0), (3.0, 1), (0.6, 2), (s.Helpers.Any(h => !h.Void) ? 0.6 : 0, 3));
            switch (k)
            {
                case 0:
                {
                    string op = Weighted((3.0, "+"), (2.0, "-"), (3.0, "*"), (0.7, "div"), (0.5, "divt"), (0.6, "max"), (0.6, "min"), (0.4, "pow"));
                    if (op is "max" or "min") Feature("max/min");
                    if (op == "pow") Feature("pow");
                    var a = RandExpr(s, depth - 1, noOutputs);
                    var b = RandExpr(s, depth - 1, noOutputs);
                    return new Op(op, a, b);
                }
                case 1:
                {
                    string op = Weighted((1.0, "neg"), (1.2, "exp"), (1.0, "sin"), (0.8, "cos"), (1.2, "tanh"), (0.6, "abs"), (1.0, "log"), (0.4, "logabs"), (0.6, "softplus"), (1.0, "sqrt"), (0.4, "pow2"), (0.3, "pow3"), (0.8, "sq"));
                    return new Op(op, RandExpr(s, depth - 1, noOutputs));
                }
                case 2:
                {
                    Feature("?:");
                    var c = RandCond(s, out var cargs);
                    return new Sel(c) { Args = cargs.Concat(new[] { RandExpr(s, depth - 1, noOutputs), RandExpr(s, depth - 1, noOutputs) }).ToArray() };
                }
                default:
                {
                    var h = Pick(s.Helpers.Where(x => !x.Void).ToList());
                    if (h.ArrayArgs == 0)
                    {
                        Feature("call");
                        return new Call(h.Name, Array.Empty<string>()) { Args = new[] { RandExpr(s, depth - 1, noOutputs), RandExpr(s, depth - 1, noOutputs) } };
                    }
                    // two 1-D arrays of one size: parameters, local arrays, or jagged rows z[i]
                    var cands = new List<(string Text, string Dim)>();
                    foreach (var a in s.Arrays.Where(a => !noOutputs || !a.Name.StartsWith('y')))
                    {
                        if (a.Kind == PKind.Vec) cands.Add((a.Name, a.Dims[0]));
                        if (a.Kind == PKind.Jag) cands.Add(($"{a.Name}[{Index(s, a.Dims[0])}]", a.Dims[1]));
                    }
                    if (cands.Count == 0) return Leaf(s, noOutputs);
                    var first = Pick(cands);
                    var second = Pick(cands.Where(x => x.Dim == first.Dim).ToList());
                    Feature("call with arrays");
                    if (first.Text.Contains('[') || second.Text.Contains('[')) Feature("jagged row call");
                    return new Call(h.Name, new[] { first.Text, second.Text });
                }
            }
        }
    }

    /// <summary><c>Log(x)</c> for an argument positive by construction (a sum of exponentials, or exp/sum); only the log-sum-exp template uses it.</summary>
    public sealed class LogOf : Expr
    {
        public LogOf(Expr a) => Args = new[] { a };
        public override Expr Shallow() => new LogOf(null!);
        public override void Render(System.Text.StringBuilder sb, Ctx c) => sb.Append(c.M).Append(".Log(").Append(Args[0].Text(c)).Append(')');
    }
}
