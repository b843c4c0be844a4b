using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.Diagnostics;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Raise
{
    /// <summary>The raised method and the remarks (DIFF0016) saying which loops became what, and why others did not.</summary>
    internal sealed record RaiseResult(MethodModel Model, EquatableArray<DiagnosticInfo> Remarks);

    /// <summary>
    /// Raise: recognises what loops mean and replaces them with array operations, before differentiation
    /// (array operations then get their own adjoint rules, as Enzyme does for BLAS).
    /// <para>Contractions: inside a loop nest, an innermost loop <c>for (d = 0; d &lt; K; d++) acc += A[r1, d] * B[r2, d]</c>
    /// (either factor may also be a column <c>B[d, r2]</c>, as in logits = X·W; the rows of jagged arrays <c>A[r1][d]</c> too)
    /// (acc zeroed just before) computes one entry of <c>A·Bᵀ</c>. The whole table is computed once before the
    /// nest as one GEMM and the loop becomes <c>acc = T[r1, r2]</c>; values recomputed per pair that depend on
    /// one index only (row norms, <c>A[r, d]·A[r, d]</c>) are read off the same table's diagonal. Reads of acc
    /// are then forwarded to the table entry, so the scalar is no longer overwritten per pair.</para>
    /// </summary>
    internal sealed class Raiser
    {
        private readonly MethodModel _m;
        private readonly List<DiagnosticInfo> _remarks = new();
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);
        private readonly HashSet<string> _substituted = new(StringComparer.Ordinal);
        private readonly HashSet<Stmt> _raised = new(StmtReferenceComparer.Instance);

        private Raiser(MethodModel m)
        {
            _m = m;
            foreach (var p in m.Params) _names.Add(p.Name);
            CollectNames(m.Body);
        }

        public static RaiseResult Run(MethodModel m)
        {
            var r = new Raiser(m);
            var body = r.RaiseTopLevel(r.NarrowAll(r.ScalarReplace(m.Body)));
            body = r.EliminateDeadAccumulators(body);
            body = r.HoistAll(body);
            body = r.ReduceStrength(body);
            body = r.DetachShifts(body); // before stabilising: a sum the user shifted by its max is stable already
            body = r.StabilizeAll(body);
            var cpu = r.Interchange(body); // the CPU's loop order (the GPU plans keep the user's)
            return new RaiseResult(m with { Body = body.ToEquatable(), CpuBody = cpu?.ToEquatable() ?? default }, r._remarks.ToEquatable());
        }

        private readonly Dictionary<string, IrType> _types = new(StringComparer.Ordinal);

        private List<Stmt> ReduceStrength(List<Stmt> body)
        {
            var output = new List<Stmt>();
            foreach (var s in body)
            {
                if (s is For f && !IrQueries.HasEarlyExit(f)) // a loop nest that leaves on a condition runs as written
                {
                    var explained = new List<string>();
                    output.AddRange(StrengthReduction.Run(new[] { s }, n => Fresh(n), explained));
                    if (explained.Count > 0) Remark(f.Origin, "strength reduction: " + string.Join("; ", explained));
                }
                else output.Add(s);
            }
            return output;
        }

        private List<Stmt>? Interchange(List<Stmt> body)
        {
            var explained = new List<string>();
            var output = LoopInterchange.Run(body, n => Fresh(n), explained);
            if (explained.Count > 0) Remark(FirstOrigin(body), "point blocks (CPU): " + string.Join("; ", explained));
            return output;
        }

        private List<Stmt> ScalarReplace(IReadOnlyList<Stmt> body)
        {
            var explained = new List<string>();
            var output = ScalarReplacement.Run(body, Claim, explained);
            if (explained.Count > 0) Remark(FirstOrigin(body), "scalar replacement: " + string.Join("; ", explained));
            return output;
        }

        private List<Stmt> DetachShifts(List<Stmt> body)
        {
            var explained = new List<string>();
            var output = ShiftInvariance.Run(body, explained);
            if (explained.Count > 0) Remark(FirstOrigin(body), "shift-invariant log-sum-exp: " + string.Join("; ", explained));
            return output;
        }

        /// <summary>The first loop's place in the source (where a remark about the whole body goes).</summary>
        private static SourceRef? FirstOrigin(IEnumerable<Stmt> body) => body.OfType<For>().Select(f => f.Origin).FirstOrDefault(o => o is not null);

        private List<Stmt> NarrowAll(IEnumerable<Stmt> body)
        {
            var output = new List<Stmt>();
            foreach (var s in body)
            {
                var explained = new List<string>();
                output.AddRange(Precision.NarrowMathCalls(new[] { s }, explained));
                if (explained.Count > 0 && s is For { Origin: { } at }) Remark(at, "float math: " + string.Join("; ", explained));
            }
            return output;
        }

        private List<Stmt> StabilizeAll(List<Stmt> body)
        {
            var forwarded = new HashSet<string>(StringComparer.Ordinal);
            var output = new List<Stmt>();
            foreach (var s in body)
            {
                if (s is For f && !IrQueries.HasEarlyExit(f)) // a loop nest that leaves on a condition runs as written
                {
                    var explained = new List<string>();
                    output.Add(LogSumExp.Run(f, body, n => Fresh(n), explained, forwarded));
                    if (explained.Count > 0) Remark(f.Origin, "stable log-sum-exp: " + string.Join("; ", explained));
                }
                else output.Add(s);
            }
            return DeadScalars.Eliminate(output, forwarded);
        }

        private List<Stmt> HoistAll(List<Stmt> body)
        {
            foreach (var p in _m.Params) _types[p.Name] = p.Type;
            var output = new List<Stmt>();
            var topInts = new HashSet<string>(_m.Params.Where(p => p.Type == IrType.Int).Select(p => p.Name), StringComparer.Ordinal);
            var reassigned = IrQueries.MutableInts(body); // ints that change are not fixed sizes
            foreach (var s in body)
            {
                if (s is For f && !IrQueries.HasEarlyExit(f)) // a loop nest that leaves on a condition runs as written
                {
                    var explained = new List<string>();
                    var hoister = new Hoister(n => Fresh(n), explained, _types);
                    output.AddRange(hoister.HoistTopLevel(s, topInts));
                    if (explained.Count > 0) Remark(f.Origin, "hoisted: " + string.Join("; ", explained));
                }
                else
                {
                    if (s is DeclScalar { Type.Elem: Scalar.Int } d && !reassigned.Contains(d.Name)) topInts.Add(d.Name);
                    output.Add(s);
                }
            }
            return output;
        }

        private void CollectNames(IEnumerable<Stmt> stmts)
        {
            IrQueries.Declarations(stmts, _types);
            _names.UnionWith(_types.Keys);
        }

        /// <summary>The name asked for when no local has it, else a numbered variant.</summary>
        private string Claim(string name) => _names.Add(name) ? name : Fresh(name + "_");

        private string Fresh(string name)
        {
            for (int i = 1; ; i++)
                if (_names.Add(name + i)) return name + i;
        }

        private void Remark(SourceRef? at, string message)
        {
            _remarks.Add(new DiagnosticInfo(Descriptors.Remark.Id, at?.Path ?? "", at?.Span ?? default, at?.LineSpan ?? default, new[] { message }.ToEquatable()));
        }

        // ------------------------------------------------------------ per top-level loop nest

        /// <summary>State of one top-level statement being raised: the tables it needs, computed just before it.</summary>
        private sealed class Nest
        {
            public readonly HashSet<string> Written = new(StringComparer.Ordinal);
            public readonly HashSet<string> TopInts = new(StringComparer.Ordinal);
            public readonly List<(string Name, ArrayRef A, bool TransA, ArrayRef B, bool TransB, Expr K)> Tables = new();
            public readonly List<string> Explained = new();
        }

        private List<Stmt> RaiseTopLevel(IReadOnlyList<Stmt> body)
        {
            var output = new List<Stmt>();
            var topInts = new HashSet<string>(_m.Params.Where(p => p.Type == IrType.Int).Select(p => p.Name), StringComparer.Ordinal);
            var reassigned = IrQueries.MutableInts(body); // ints that change are not fixed sizes
            foreach (var s in body)
            {
                if (s is For f && !IrQueries.HasEarlyExit(f)) // a loop nest that leaves on a condition runs as written
                {
                    var nest = new Nest();
                    nest.TopInts.UnionWith(topInts);
                    IrQueries.Writes(new[] { s }, nest.Written);
                    _enclosing.Add(f.Var);
                    _intDefs.Clear();
                    IntDefinitions(f.Body);
                    var raised = f with { Body = RaiseBlock(f.Body, 1, nest).ToEquatable() };
                    _enclosing.Remove(f.Var);
                    foreach (var t in nest.Tables)
                    {
                        Expr Rows(ArrayRef x, bool trans) => x.ArrayType.Shape == Shape.Vector ? new Const(1, IrType.Int) : new LengthOf(x.Array, x.ArrayType, null, trans ? 1 : 0);
                        output.Add(new DeclArray(t.Name, new IrType(t.A.ArrayType.Elem, Shape.Matrix),
                            new Expr[] { Rows(t.A, t.TransA), Rows(t.B, t.TransB) }.ToEquatable()));
                        string l = t.TransA ? $"{t.A.Array}[d, i]" : t.A.ArrayType.Shape == Shape.Jagged ? $"{t.A.Array}[i][d]" : t.A.ArrayType.Shape == Shape.Vector ? $"{t.A.Array}[d]" : $"{t.A.Array}[i, d]";
                        string r = t.TransB ? $"{t.B.Array}[d, j]" : t.B.ArrayType.Shape == Shape.Jagged ? $"{t.B.Array}[j][d]" : t.B.ArrayType.Shape == Shape.Vector ? $"{t.B.Array}[d]" : $"{t.B.Array}[j, d]";
                        bool gemv = t.A.ArrayType.Shape == Shape.Vector || t.B.ArrayType.Shape == Shape.Vector;
                        string gemm = $"{t.A.Array}{(t.TransA ? "^T" : "")} x {t.B.Array}{(t.TransB ? "" : "^T")}" + (gemv ? ", a matrix-vector product" : "");
                        string cell = t.B.ArrayType.Shape == Shape.Vector ? "[i, 0]" : t.A.ArrayType.Shape == Shape.Vector ? "[0, j]" : "[i, j]";
                        output.Add(new Comment($"Raised: {t.Name}{cell} = sum over d < {CSharpText(t.K)} of {l} * {r}, one GEMM ({gemm})"));
                        output.Add(new Contract(t.Name, t.A, t.B, t.K, t.TransA, t.TransB));
                    }
                    output.Add(raised);
                    if (nest.Tables.Count > 0)
                        Remark(f.Origin, $"raised to GEMM: {string.Join("; ", nest.Explained)}");
                    else if (HasNestedLoop(f))
                        Remark(f.Origin, "not vectorized: no contraction (a sum over a trailing index d of A[i, d] * B[j, d], zeroed before the d-loop, inside an outer loop) was found in this loop nest; it runs as scalar loops");
                }
                else
                {
                    if (s is DeclScalar { Type.Elem: Scalar.Int } d && !reassigned.Contains(d.Name)) topInts.Add(d.Name);
                    output.Add(s);
                }
            }
            return output;
        }

        private static bool HasNestedLoop(For f) => f.Body.Any(s => s is For || s is If i && (i.Then.Any(x => x is For) || i.Else.Any(x => x is For)));

        private static string CSharpText(Expr e) => ExprPrinter.CSharp.Print(e);

        private List<Stmt> RaiseBlock(IReadOnlyList<Stmt> stmts, int depth, Nest nest)
        {
            var result = new List<Stmt>();
            foreach (var st in stmts)
            {
                switch (st)
                {
                    case For f when TryRaiseContraction(f, depth, nest, result):
                        break;
                    case For f:
                        _enclosing.Add(f.Var);
                        result.Add(f with { Body = RaiseBlock(f.Body, depth + 1, nest).ToEquatable() });
                        _enclosing.Remove(f.Var);
                        break;
                    case If i:
                        result.Add(i with { Then = RaiseBlock(i.Then, depth, nest).ToEquatable(), Else = RaiseBlock(i.Else, depth, nest).ToEquatable() });
                        break;
                    default:
                        result.Add(st);
                        break;
                }
            }
            ForwardSubstitute(result);
            return result;
        }

        /// <summary>Recognises an accumulation loop over a trailing index and replaces it by table reads.</summary>
        private bool TryRaiseContraction(For f, int depth, Nest nest, List<Stmt> result)
        {
            if (f.Start is not Const { Value: 0 } || f.Cmp != BinaryOp.Lt || f.Step != 1 || f.Body.Count == 0) return false;
            // Every statement: target += A[..] * B[..] with the counter in one index of each factor; the target is a
            // scalar or an element that does not move with the counter (C[i, j] += X[i, d] * W[d, j]).
            var terms = new List<(Expr Target, ElemRef A, ElemRef B)>();
            foreach (var s in f.Body)
            {
                if (s is not Assign { Op: AssignOp.Add, Value: Binary { Op: BinaryOp.Mul, Left: ElemRef a, Right: ElemRef b } } asg
                    || asg.Target is not (VarRef or ElemRef) || !asg.Target.Type.IsReal || IrQueries.Mentions(asg.Target, f.Var)
                    || Side(a, f.Var) is null || Side(b, f.Var) is null || a.Type != asg.Target.Type || b.Type != asg.Target.Type)
                    return false; // not a contraction loop: stays as it is (no remark, most loops are not)
                terms.Add((asg.Target, a, b));
            }

            // From here on it has the shape of a contraction; say why when it cannot be raised.
            string? reason = null;
            if (depth < 1) reason = "it is not inside another loop, so there is no table of pairs to compute at once";
            else if (IrQueries.Descendants(f.Bound).Any(e => e is VarRef v && !nest.TopInts.Contains(v.Name)))
                reason = "its bound depends on values computed inside the loop nest";
            else if (terms.Any(t => nest.Written.Contains(t.A.Array) || nest.Written.Contains(t.B.Array)))
                reason = "an array it reads is written inside the same loop nest";
            else if (terms.Any(t => (t.A.ArrayType.Shape == Shape.Jagged) != (t.B.ArrayType.Shape == Shape.Jagged)))
                reason = "it multiplies rows of a jagged array with a vector or a two-dimensional array (raised: jagged by jagged, 2-D by 2-D, 2-D rows by a vector)";
            else if (terms.Any(t => t.A.ArrayType.Shape == Shape.Vector && t.B.ArrayType.Shape == Shape.Vector))
                reason = "it is a dot product of two vectors inside a loop (it stays a SIMD loop)";
            else if (terms.Any(t => (t.A.ArrayType.Shape == Shape.Vector || t.B.ArrayType.Shape == Shape.Vector) && (Side(t.A, f.Var) == true || Side(t.B, f.Var) == true)))
                reason = "it multiplies a vector with columns of a matrix (raised: rows by a vector)";
            else if (terms.Select(t => CSharpText(t.Target)).Distinct().Count() != terms.Count)
                reason = "the same accumulator receives several products";
            else if (terms.All(t => IsDiagonal(t.A, t.B, f.Var)) && !terms.Any(t => nest.Tables.Any(x => x.A.Array == t.A.Array && x.B.Array == t.A.Array)))
                reason = "it only sums squares of one row (a table of all pairs would cost more than the loop); it stays a SIMD loop";
            // u[us[k], d] * v[vs[k], d] (matrix factorisation, skip-gram), a[row][d] * b[c][d]: rows of two matrices picked by an
            // index read from an array, or fixed for the whole nest; a table of all pairs would compute (and store) far more than is
            // read (a matrix times a vector computes each row once: kept)
            else if (terms.Any(t => t.A.ArrayType.Shape != Shape.Vector && t.B.ArrayType.Shape != Shape.Vector && (Gathered(t.A, f.Var) || Gathered(t.B, f.Var))) && !terms.All(t => nest.Tables.Any(x => x.A.Array == t.A.Array && x.B.Array == t.B.Array || x.A.Array == t.B.Array && x.B.Array == t.A.Array)))
                reason = "the rows it multiplies are picked by an index read from an array, or are fixed for the loop nest (a table of all pairs would compute far more than is read); it stays a SIMD loop";
            if (reason is not null)
            {
                Remark(f.Origin, "not raised to GEMM: " + reason + (reason.EndsWith("SIMD loop", StringComparison.Ordinal) ? "" : "; it runs as a loop"));
                return false;
            }

            // Replace: a scalar zeroed just before becomes the table read (and later reads are forwarded to the
            // table); anything else receives the table entry with +=; the loop disappears.
            foreach (var t in terms)
            {
                var entry = TableEntry(t.A, t.B, f.Bound, nest, f.Var);
                int k = t.Target is VarRef acc ? result.FindLastIndex(s => IrQueries.ReadsOrWrites(s, acc.Name)) : -1;
                if (t.Target is VarRef v && k >= 0 && IrQueries.IsZeroInit(result[k], v.Name))
                {
                    Stmt read = result[k] is DeclScalar d ? d with { Init = entry } : new Assign(v, AssignOp.Set, entry);
                    _raised.Add(read);
                    _substituted.Add(v.Name);
                    result[k] = read;
                }
                else result.Add(new Assign(t.Target, AssignOp.Add, entry));
                nest.Explained.Add($"{CSharpText(t.Target)} += {CSharpText(t.A)} * {CSharpText(t.B)} is {CSharpText(entry)}");
            }
            return true;
        }

        /// <summary>
        /// How a factor of a contraction over the counter d is laid out: false for a row <c>A[i, d]</c> (d last), true for a
        /// column <c>A[d, j]</c> (d first); null when it is neither (then the loop is not a contraction).
        /// </summary>
        private static bool? Side(ElemRef e, string counter)
        {
            if (!e.ArrayType.IsReal) return null;
            bool IsCounter(Expr x) => x is VarRef v && v.Name == counter;
            // a vector v[d] is a single row (a GEMV: the table has one column, or one row)
            if (e.ArrayType.Shape == Shape.Vector) return IsCounter(e.Indices[0]) ? false : null;
            if (e.ArrayType.Shape is not (Shape.Matrix or Shape.Jagged)) return null;
            // rows of a jagged array: only a[i][d] (a column a[d][j] would cross rows of different lengths)
            if (e.ArrayType.Shape == Shape.Jagged)
                return IsCounter(e.Indices[1]) && !IrQueries.Mentions(e.Indices[0], counter) ? false : null;
            if (IsCounter(e.Indices[1]) && !IrQueries.Mentions(e.Indices[0], counter)) return false;
            if (IsCounter(e.Indices[0]) && !IrQueries.Mentions(e.Indices[1], counter)) return true;
            return null;
        }

        private static Expr Free(ElemRef e, bool trans) =>
            e.ArrayType.Shape == Shape.Vector ? new Const(0, IrType.Int) : trans ? e.Indices[1] : e.Indices[0];

        /// <summary>A[r, d] * A[r, d]: an entry on the diagonal of A·Aᵀ only.</summary>
        /// <summary>Counters of the loops around the statement being raised.</summary>
        private readonly HashSet<string> _enclosing = new(StringComparer.Ordinal);

        /// <summary>The values each int local of the loop nest being raised is given (an index computed from a counter, or read from an array).</summary>
        private readonly Dictionary<string, List<Expr>> _intDefs = new(StringComparer.Ordinal);

        private void IntDefinitions(IEnumerable<Stmt> stmts)
        {
            foreach (var st in stmts)
            {
                switch (st)
                {
                    case DeclScalar { Type.Elem: Scalar.Int, Init: { } init } d: Add(d.Name, init); break;
                    case Assign { Target: VarRef { Type.Elem: Scalar.Int } v } a: Add(v.Name, a.Value); break;
                    case For f: IntDefinitions(f.Body); break;
                    case If i: IntDefinitions(i.Then); IntDefinitions(i.Else); break;
                }
            }
            void Add(string name, Expr value)
            {
                if (!_intDefs.TryGetValue(name, out var list)) _intDefs[name] = list = new List<Expr>();
                list.Add(value);
            }
        }

        /// <summary>
        /// Is the row of <paramref name="e"/> (a matrix or jagged factor) read from an array (also through an int local given
        /// such a value), or the same for every iteration of the loops around (no counter, no int the nest computes)?
        /// </summary>
        private bool Gathered(ElemRef e, string counter)
        {
            if (e.ArrayType.Shape == Shape.Vector || Side(e, counter) is not { } side) return false;
            bool reads = false, varies = false;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            void Visit(Expr x)
            {
                foreach (var d in IrQueries.Descendants(x))
                {
                    if (d is ElemRef) reads = true;
                    else if (d is VarRef v && _enclosing.Contains(v.Name)) varies = true;
                    else if (d is VarRef w && _intDefs.TryGetValue(w.Name, out var defs) && seen.Add(w.Name))
                    {
                        varies = true;
                        foreach (var def in defs) Visit(def);
                    }
                }
            }
            var row = Free(e, side);
            Visit(row);
            return reads || !varies && row is not Const; // a constant row: a loop of a few rows unrolled (all of them read)
        }

        private static bool IsDiagonal(ElemRef a, ElemRef b, string counter) =>
            a.Array == b.Array && Side(a, counter) == Side(b, counter) && a.Indices.Equals(b.Indices);

        /// <summary>The table entry for A[r1, :]·B[r2, :], creating the table (or reusing the transposed one).</summary>
        private Expr TableEntry(ElemRef a, ElemRef b, Expr k, Nest nest, string counter)
        {
            bool ta = Side(a, counter)!.Value, tb = Side(b, counter)!.Value;
            var type = new IrType(a.Type.Elem, Shape.Matrix);
            foreach (var t in nest.Tables)
            {
                if (!t.K.Equals(k)) continue;
                if (t.A.Array == a.Array && t.TransA == ta && t.B.Array == b.Array && t.TransB == tb)
                    return new ElemRef(t.Name, type, new[] { Free(a, ta), Free(b, tb) }.ToEquatable());
                if (t.A.Array == b.Array && t.TransA == tb && t.B.Array == a.Array && t.TransB == ta)
                    return new ElemRef(t.Name, type, new[] { Free(b, tb), Free(a, ta) }.ToEquatable());
            }
            var name = Fresh("__prod");
            _types[name] = type;
            nest.Tables.Add((name, new ArrayRef(a.Array, a.ArrayType, null), ta, new ArrayRef(b.Array, b.ArrayType, null), tb, k));
            return new ElemRef(name, type, new[] { Free(a, ta), Free(b, tb) }.ToEquatable());
        }

        /// <summary>
        /// After <c>acc = T[r1, r2]</c>, later statements of the same block read T[r1, r2] directly, up to the next
        /// statement that writes acc (T is written only by its GEMM; r1, r2 are ints that do not change in the block).
        /// </summary>
        private void ForwardSubstitute(List<Stmt> block)
        {
            for (int p = 0; p < block.Count; p++)
            {
                if (!_raised.Contains(block[p])) continue;
                var (acc, entry) = block[p] switch
                {
                    Assign { Target: VarRef v } a => (v.Name, a.Value),
                    DeclScalar d => (d.Name, d.Init!),
                    _ => (null, null),
                };
                if (acc is null || entry is null) continue;
                for (int q = p + 1; q < block.Count; q++)
                {
                    var w = new HashSet<string>(StringComparer.Ordinal);
                    IrQueries.Writes(new[] { block[q] }, w);
                    if (w.Contains(acc)) break;
                    var replaced = IrRewriter.Map(block[q], e => e is VarRef v && v.Name == acc ? entry : null);
                    if (_raised.Contains(block[q])) _raised.Add(replaced);
                    block[q] = replaced;
                }
            }
        }

        /// <summary>Accumulators whose every read was forwarded to the table are not needed any more.</summary>
        private List<Stmt> EliminateDeadAccumulators(List<Stmt> body) => DeadScalars.Eliminate(body, _substituted);
    }
}
