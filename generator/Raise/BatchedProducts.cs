using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Raise
{
    /// <summary>
    /// A per-component linear map applied to every point of a block becomes one GEMM (CPU, after
    /// <see cref="LoopInterchange"/>): inside the loop over a block's points, for one component k,
    /// <code>
    /// for (j = 0; j &lt; size(x); j++) x[j] = e(point, k, j);      // S: the point's input vector
    /// T: y[i] (= | += | -=) c(k, i, j) * x[j], in loops            // y = M_k x, M_k built from k's data only
    /// R: reads y (and x)                                           // the rest of the pair
    /// </code>
    /// is <c>Y = X · M_kᵀ</c> for the block's X (points x size(x)): gmm's <c>qx = Q_k (x_i - mu_k)</c> with Q_k lower
    /// triangular from packed parameters, a mixture's dense <c>proj = W_k diff</c>. The pair becomes, per component:
    /// M_k zeroed and filled by T's own loops (each <c>y[i] op c * x[j]</c> adds ±c to M[i, j]), X filled by S for the
    /// block's points (rows past the block's end zeroed), one <see cref="Contract"/> Y = X·M_kᵀ on the packed GEMM
    /// micro-kernels, and R per point reading rows of X and Y. The adjoint is the contraction's (two GEMMs) and T's
    /// loops reversed, which scatter M_k's adjoint back into the parameters. M is stored transposed when T's innermost
    /// loop runs along y (gmm's column-by-column triangle), so that its build and its adjoint walk memory in order.
    /// <para>
    /// Legal when: S is the pair's first statement and sets x whole; T is the run of statements after it made only of
    /// counted loops and assignments to y, y set once whole by the first of them (a loop from 0 to y's size, every
    /// later assignment adding), every coefficient c and every loop bound and index reading nothing the point's body
    /// writes (so M_k is the same for every point); R writes neither x nor y. Chosen when T holds a loop nest of depth
    /// two (a matrix-vector product: O(size²) per pair).
    /// </para>
    /// </summary>
    internal static class BatchedProducts
    {
        /// <summary>The rewritten pair loop for one component, with the tables to declare before the blocks.</summary>
        internal sealed record Batched(List<DeclArray> Tables, List<Stmt> Body, string Explained);

        /// <param name="pair">The pair's statements (component loop's body, user's names).</param>
        /// <param name="point">The loop over points' counter.</param>
        /// <param name="pointWritten">Names the point's body writes, and the point itself: what M may not read.</param>
        /// <param name="scratch">Per-pair scratch vectors (LoopInterchange's).</param>
        /// <param name="locals">Method-local array declarations.</param>
        /// <param name="lo">First point of the block.</param>
        /// <param name="hi">End of the block's points.</param>
        /// <param name="rest">The pair's rest R over the block's points, slots already renamed (LoopInterchange's rename).</param>
        /// <param name="fresh">Fresh names.</param>
        public static Batched? Try(IReadOnlyList<Stmt> pair, string point, HashSet<string> pointWritten, HashSet<string> scratch,
            Dictionary<string, DeclArray> locals, VarRef lo, VarRef hi, Func<IEnumerable<Stmt>, List<Stmt>> rest, Func<string, string> fresh)
        {
            var stmts = pair.Where(s => s is not Comment).ToList();
            if (stmts.Count < 3 || stmts[0] is not For fill || !IsWholeSet(fill, locals, out var x, out var xValue)) return null;
            if (!scratch.Contains(x)) return null;

            // T: counted loops and assignments to one vector y
            string? y = null;
            int t = 1;
            for (; t < stmts.Count; t++)
            {
                var ys = new HashSet<string>(StringComparer.Ordinal);
                if (!LinearShape(stmts[t], x, ys) || ys.Count != 1 || y is not null && !ys.Contains(y)) break;
                y ??= ys.First();
            }
            if (y is null || !scratch.Contains(y) || y == x || t == 1 || t == stmts.Count) return null;
            var map = stmts.Skip(1).Take(t - 1).ToList();
            var after = stmts.Skip(t).ToList();

            // y set once whole by T's first statement, every later assignment adds
            if (map[0] is not For first || !IsSetLoop(first, y, locals)) return null;
            int sets = map.SelectMany(s => IrQueries.AllStmts(new[] { s })).Count(s => s is Assign { Op: AssignOp.Set });
            if (sets != 1) return null;

            // M is the same for every point: T's coefficients, bounds and indices read nothing the point's body writes
            var loopVars = new HashSet<string>(map.SelectMany(s => IrQueries.AllStmts(new[] { s })).OfType<For>().Select(g => g.Var), StringComparer.Ordinal);
            foreach (var s in IrQueries.AllStmts(map))
            {
                IEnumerable<Expr> exprs = s switch
                {
                    For g => new[] { g.Start, g.Bound },
                    Assign a => ((ElemRef)a.Target).Indices.Concat(new[] { Coefficient(a.Value, x)! }).Concat(XIndex(a.Value, x)),
                    _ => Array.Empty<Expr>(),
                };
                foreach (var e in exprs)
                    foreach (var d in IrQueries.Descendants(e))
                        if (d is VarRef v && !loopVars.Contains(v.Name) && pointWritten.Contains(v.Name) || d is ElemRef el && pointWritten.Contains(el.Array)
                            || d is Invoke or Pop or ArrayRef || d is LengthOf lo2 && (lo2.Array == x || lo2.Array == y)) return null;
            }
            // the rest reads x and y but writes neither; S reads nothing else the pair writes
            var restWrites = new HashSet<string>(StringComparer.Ordinal);
            IrQueries.Writes(after, restWrites);
            if (restWrites.Contains(x) || restWrites.Contains(y)) return null;
            if (IrQueries.Descendants(xValue).Any(d => d is VarRef v && v.Name != point && pointWritten.Contains(v.Name) || d is ElemRef el && pointWritten.Contains(el.Array))) return null;

            // profitable: a matrix-vector product (a nest of depth two)
            if (!map.Any(s => s is For g && g.Body.Any(b => b is For))) return null;

            // transposed M when the deepest loop runs along y
            var innermost = Innermost(map);
            bool transposed = innermost is { } inner && inner.Body.OfType<Assign>().All(a =>
                ((ElemRef)a.Target).Indices.Any(i => IrQueries.Mentions(i, inner.Var)) && !XIndex(a.Value, x).Any(i => IrQueries.Mentions(i, inner.Var)));

            var xDecl = locals[x];
            var yDecl = locals[y];
            var elem = xDecl.Type.Elem;
            var matrix = new IrType(elem, Shape.Matrix);
            var xSize = xDecl.Sizes[0];
            var ySize = yDecl.Sizes[0];
            var block = new Const(LoopInterchange.PointsPerBlock, IrType.Int);
            string mName = fresh(y + "_map"), xName = fresh(x + "_block"), yName = fresh(y + "_block");
            var tables = new List<DeclArray>
            {
                new DeclArray(mName, matrix, (transposed ? new[] { xSize, ySize } : new[] { ySize, xSize }).ToEquatable()),
                new DeclArray(xName, matrix, new Expr[] { block, xSize }.ToEquatable()),
                new DeclArray(yName, matrix, new Expr[] { block, ySize }.ToEquatable()),
            };
            ElemRef M(Expr i, Expr j) => new ElemRef(mName, matrix, (transposed ? new[] { j, i } : new[] { i, j }).ToEquatable());

            var body = new List<Stmt>();
            // M_k = 0, then T's loops add each coefficient at its place
            string za = fresh("__ma"), zb = fresh("__mb");
            var zRows = transposed ? xSize : ySize;
            var zCols = transposed ? ySize : xSize;
            body.Add(new For(za, new Const(0, IrType.Int), BinaryOp.Lt, zRows, 1, new Stmt[]
            {
                new For(zb, new Const(0, IrType.Int), BinaryOp.Lt, zCols, 1, new Stmt[]
                {
                    new Assign(new ElemRef(mName, matrix, new Expr[] { new VarRef(za, IrType.Int), new VarRef(zb, IrType.Int) }.ToEquatable()), AssignOp.Set, new Const(0, new IrType(elem, Shape.Scalar))),
                }.ToEquatable()),
            }.ToEquatable()));
            body.AddRange(map.Select(s => ToMatrix(s, x, M)).OfType<Stmt>());

            // X: the block's points, rows past the block's end zeroed (the GEMM runs over every row)
            var pointV = new VarRef(point, IrType.Int);
            var row = new Binary(BinaryOp.Sub, pointV, lo, IrType.Int);
            body.Add(new For(point, lo, BinaryOp.Lt, hi, 1, new Stmt[]
            {
                fill with { Body = new Stmt[] { new Assign(new ElemRef(xName, matrix, new Expr[] { row, new VarRef(fill.Var, IrType.Int) }.ToEquatable()), AssignOp.Set, xValue) }.ToEquatable() },
            }.ToEquatable()));
            string tr = fresh("__tr"), tc = fresh("__tc");
            body.Add(new For(tr, new Binary(BinaryOp.Sub, hi, lo, IrType.Int), BinaryOp.Lt, block, 1, new Stmt[]
            {
                new For(tc, new Const(0, IrType.Int), BinaryOp.Lt, xSize, 1, new Stmt[]
                {
                    new Assign(new ElemRef(xName, matrix, new Expr[] { new VarRef(tr, IrType.Int), new VarRef(tc, IrType.Int) }.ToEquatable()), AssignOp.Set, new Const(0, new IrType(elem, Shape.Scalar))),
                }.ToEquatable()),
            }.ToEquatable()));
            // Y = X · M_kᵀ
            var triangle = xSize.Equals(ySize) ? TriangleOf(map, x) : Triangle.None;
            body.Add(new Contract(yName, new ArrayRef(xName, matrix, null), new ArrayRef(mName, matrix, null), xSize, TransB: transposed, Triangle: triangle));
            // R per point, reading rows of X and Y
            Expr Rows(Expr e) => IrRewriter.Map(e, d => d is ElemRef el && (el.Array == x || el.Array == y)
                ? new ElemRef(el.Array == x ? xName : yName, matrix, new Expr[] { row, Rows(el.Indices[0]) }.ToEquatable()) : null);
            var perPoint = rest(after).Select(s => IrRewriter.Map(s, Rows)).ToList();
            body.Add(new For(point, lo, BinaryOp.Lt, hi, 1, perPoint.ToEquatable()));

            string explained = $"{y} = M·{x} for every {point} of a block is one product per component ({yName} = {xName}·{mName}{(transposed ? "" : "ᵀ")}, {mName} built from the component's data{(triangle == Triangle.None ? "" : ", " + triangle.ToString().ToLowerInvariant() + " triangular: the zero half skipped")})";
            return new Batched(tables, body, explained);
        }

        /// <summary><c>for (j = 0; j &lt; size(x); j++) x[j] = e</c> with e not reading x.</summary>
        private static bool IsWholeSet(For f, Dictionary<string, DeclArray> locals, out string x, out Expr value)
        {
            x = ""; value = null!;
            if (f.While is not null || f.Step != 1 || f.Cmp != BinaryOp.Lt || f.Start is not Const { Value: 0 } || f.Body.Count != 1) return false;
            if (f.Body[0] is not Assign { Op: AssignOp.Set, Target: ElemRef { Indices.Count: 1 } el } a || el.Indices[0] is not VarRef iv || iv.Name != f.Var) return false;
            if (!locals.TryGetValue(el.Array, out var decl) || decl.Type.Shape != Shape.Vector || !decl.Sizes[0].Equals(f.Bound) || IrQueries.Mentions(a.Value, el.Array)) return false;
            x = el.Array;
            value = a.Value;
            return true;
        }

        /// <summary>T's first statement: a loop from 0 to y's size whose body's first assignment to y sets <c>y[j]</c>, the rest touching y at [j] only.</summary>
        private static bool IsSetLoop(For f, string y, Dictionary<string, DeclArray> locals)
        {
            if (f.While is not null || f.Step != 1 || f.Cmp != BinaryOp.Lt || f.Start is not Const { Value: 0 } || !locals[y].Sizes[0].Equals(f.Bound)) return false;
            var all = IrQueries.AllStmts(f.Body).OfType<Assign>().ToList();
            if (all.Count == 0 || all[0] is not { Op: AssignOp.Set, Target: ElemRef el } || el.Indices[0] is not VarRef v || v.Name != f.Var) return false;
            return all.All(a => a.Target is ElemRef t && t.Indices[0] is VarRef tv && tv.Name == f.Var);
        }

        /// <summary>A statement of T: counted loops (no exits) whose leaves assign <c>y[i] op c * x[j]</c> (or <c>y[i] = 0</c>).</summary>
        private static bool LinearShape(Stmt s, string x, HashSet<string> ys)
        {
            switch (s)
            {
                case Comment: return true;
                case For g when g.While is null && g.Step == 1 && g.Cmp == BinaryOp.Lt:
                    return g.Body.Count > 0 && g.Body.All(b => LinearShape(b, x, ys));
                case Assign { Target: ElemRef { Indices.Count: 1 } el } a when el.Type.IsReal && el.Array != x && !IrQueries.Mentions(a.Value, el.Array):
                    if (a.Op == AssignOp.Set && a.Value is Const { Value: 0 }) { ys.Add(el.Array); return true; }
                    if (Coefficient(a.Value, x) is null) return false;
                    ys.Add(el.Array);
                    return true;
                default: return false;
            }
        }

        /// <summary>c in <c>c * x[j]</c> or <c>x[j] * c</c> (c not reading x), 0 for the constant 0, else null.</summary>
        private static Expr? Coefficient(Expr value, string x)
        {
            if (value is Const { Value: 0 } zero) return zero;
            if (value is not Binary { Op: BinaryOp.Mul } m) return null;
            if (m.Right is ElemRef r && r.Array == x && r.Indices.Count == 1 && !IrQueries.Mentions(m.Left, x)) return m.Left;
            if (m.Left is ElemRef l && l.Array == x && l.Indices.Count == 1 && !IrQueries.Mentions(m.Right, x)) return m.Right;
            return null;
        }

        private static IEnumerable<Expr> XIndex(Expr value, string x) =>
            value is Binary { Op: BinaryOp.Mul } m ? new[] { m.Left, m.Right }.OfType<ElemRef>().Where(e => e.Array == x).Select(e => e.Indices[0]) : Array.Empty<Expr>();

        /// <summary>
        /// Lower when every assignment of T adds at <c>y[i] ... x[j]</c> with j ≤ i for every iteration (the same index, or loop
        /// headers such as <c>for (i = j + 1; ..)</c> or <c>for (j = 0; j &lt; i; ..)</c>), Upper when j ≥ i, else None.
        /// </summary>
        private static Triangle TriangleOf(List<Stmt> map, string x)
        {
            bool lower = true, upper = true;
            void Walk(IEnumerable<Stmt> stmts, List<For> loops)
            {
                foreach (var s in stmts)
                {
                    if (s is For g) { Walk(g.Body, loops.Append(g).ToList()); continue; }
                    if (s is not Assign { Target: ElemRef el } a || Coefficient(a.Value, x) is Const { Value: 0 }) continue;
                    var i = el.Indices[0];
                    var j = XIndex(a.Value, x).First();
                    if (i.Equals(j)) continue;
                    bool jBelow = Bounds(i, j, loops, below: false) || Bounds(j, i, loops, below: true); // j ≤ i
                    bool jAbove = Bounds(i, j, loops, below: true) || Bounds(j, i, loops, below: false); // j ≥ i
                    lower &= jBelow;
                    upper &= jAbove;
                }
            }
            Walk(map, new List<For>());
            return lower ? Triangle.Lower : upper ? Triangle.Upper : Triangle.None;
        }

        /// <summary>Is the counter <paramref name="v"/> of one of the loops at most (below) or at least (not below) <paramref name="w"/>
        /// on every iteration, by its loop's header: start w + c (c ≥ 0) for at least, bound w or w + 1 (exclusive) for at most.</summary>
        private static bool Bounds(Expr v, Expr w, List<For> loops, bool below)
        {
            if (v is not VarRef vv || w is not VarRef wv || loops.FirstOrDefault(l => l.Var == vv.Name) is not { Step: 1, Cmp: BinaryOp.Lt } loop) return false;
            if (loops.IndexOf(loops.First(l => l.Var == vv.Name)) < loops.FindIndex(l => l.Var == wv.Name)) return false; // w must be fixed within v's loop
            if (!below)
                return loop.Start is VarRef s && s.Name == wv.Name
                    || loop.Start is Binary { Op: BinaryOp.Add, Left: VarRef s2, Right: Const { Value: >= 0 } } && s2.Name == wv.Name;
            return loop.Bound is VarRef b && b.Name == wv.Name
                || loop.Bound is Binary { Op: BinaryOp.Add, Left: VarRef b2, Right: Const { Value: 1 } } && b2.Name == wv.Name;
        }

        /// <summary>The loop of T nested deepest (the first one at that depth).</summary>
        private static For? Innermost(IEnumerable<Stmt> stmts)
        {
            For? best = null;
            int bestDepth = -1;
            void Walk(IEnumerable<Stmt> ss, int depth)
            {
                foreach (var s in ss)
                {
                    if (s is not For g) continue;
                    if (depth > bestDepth) { best = g; bestDepth = depth; }
                    Walk(g.Body, depth + 1);
                }
            }
            Walk(stmts, 0);
            return best;
        }

        /// <summary>T's statement with <c>y[i] op c * x[j]</c> as <c>M[i, j] += ±c</c> (a zero set adds nothing).</summary>
        private static Stmt? ToMatrix(Stmt s, string x, Func<Expr, Expr, ElemRef> m)
        {
            switch (s)
            {
                case For g:
                    {
                        var body = g.Body.Select(b => ToMatrix(b, x, m)).OfType<Stmt>().ToEquatable();
                        return body.Count == 0 ? null : g with { Body = body };
                    }
                case Assign { Target: ElemRef el } a:
                    {
                        var c = Coefficient(a.Value, x)!;
                        if (c is Const { Value: 0 }) return null;
                        var j = XIndex(a.Value, x).First();
                        return new Assign(m(el.Indices[0], j), a.Op == AssignOp.Sub ? AssignOp.Sub : AssignOp.Add, c);
                    }
                default: return null; // comments
            }
        }
    }
}
