using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Differentiate
{
    /// <summary>
    /// The adjoint of a product's left factor that is only summed over its rows. When the table <c>X</c> of a raised product
    /// <c>Y = X·R</c> is built from an input that is not differentiated minus a differentiated row (gmm's <c>x_i − μ_k</c> for a
    /// block of points), the reverse sweep computes <c>X̄ = Ȳ·Rᵀ</c> (a matrix product) and then only adds its rows into one
    /// vector (<c>μ̄_k −= Σ_i X̄[i, :]</c>). The sum of the rows of a product is the product of the summed rows: the rewrite
    /// sums <c>Ȳ</c>'s rows first and multiplies one vector (<c>Contraction.*AdjointRowSum</c>), and the loop that read
    /// <c>X̄</c> reads that vector. Only for the CPU (Backward's own adjoint): the device programs keep the product.
    /// </summary>
    /// <remarks>
    /// Conditions, all checked on the IR: nothing but the contraction adjoint, the summing loop and loops that only zero
    /// rows of <c>X̄</c> touch <c>X̄</c> anywhere (so it is zero whenever the contraction adjoint starts); the summing loop is a
    /// loop over rows <c>r</c> holding only a loop over columns <c>c</c> whose body is <c>t = X̄[r − o, c]; X̄[r − o, c] = 0;
    /// E(c) ±= t</c> (or <c>−t</c>) with E not depending on r; the contraction's left factor is not transposed.
    /// </remarks>
    internal static class RowSummedAdjoints
    {
        public static AdjointModel Run(AdjointModel a)
        {
            var all = a.ForwardSweep.Concat(a.ReverseSweep).ToList();
            var sums = new List<(string Table, string Sum, IrType Type)>();
            if (Rewrite(a.ReverseSweep, all, sums) is not { } reverse || sums.Count == 0) return a;
            // each sum vector is declared (pooled, zeroed) beside its table's adjoint, with the table's column count
            var forward = new List<Stmt>();
            foreach (var s in a.ForwardSweep)
            {
                forward.Add(s);
                if (s is DeclArray d)
                    foreach (var (table, sum, type) in sums.Where(x => x.Table == d.Name))
                        forward.Add(new DeclArray(sum, type, new[] { d.Sizes[1] }.ToEquatable()));
            }
            if (forward.Count != a.ForwardSweep.Count + sums.Count) return a; // a table declared inside a loop: leave it
            return a with
            {
                ForwardSweep = forward.ToEquatable(),
                ReverseSweep = reverse,
                Locals = a.Locals.Concat(sums.Select(x => new HoistedLocal(x.Sum, x.Type))).ToEquatable(),
            };
        }

        /// <summary>The list with each matched adjoint and summing loop rewritten; null when nothing changed.</summary>
        private static EquatableArray<Stmt>? Rewrite(EquatableArray<Stmt> list, List<Stmt> all, List<(string, string, IrType)> sums)
        {
            var output = new List<Stmt>();
            bool changed = false;
            for (int i = 0; i < list.Count; i++)
            {
                var s = list[i];
                if (s is ContractAdjoint { ARowSum: null, SkipA: false, TransA: false } ca && ca.AAdj.ArrayType.Shape == Shape.Matrix
                    && Match(list, i, ca, all) is { } m)
                {
                    string sum = "__" + ca.AAdj.Array + "_rowsum"; // generated names start with __: no user local has it
                    var type = new IrType(ca.AAdj.ArrayType.Elem, Shape.Vector);
                    var sumRef = new ArrayRef(sum, type, null);
                    output.Add(ca with { ARowSum = sumRef, ARowLo = m.RowLo, ARowHi = m.RowHi });
                    for (int j = i + 1; j < m.LoopAt; j++) output.Add(list[j]);
                    output.Add(ReadSum(m.Columns, ca.AAdj.Array, sum, type));
                    sums.Add((ca.AAdj.Array, sum, type));
                    i = m.LoopAt;
                    changed = true;
                    continue;
                }
                var r = s switch
                {
                    For f when Rewrite(f.Body, all, sums) is { } b => f with { Body = b },
                    If f when (Rewrite(f.Then, all, sums), Rewrite(f.Else, all, sums)) is var (t, e) && (t is not null || e is not null) => f with { Then = t ?? f.Then, Else = e ?? f.Else },
                    Block b when Rewrite(b.Body, all, sums) is { } bb => b with { Body = bb },
                    _ => s,
                };
                changed |= !ReferenceEquals(r, s);
                output.Add(r);
            }
            return changed ? output.ToEquatable() : (EquatableArray<Stmt>?)null;
        }

        private sealed record Found(int LoopAt, Expr RowLo, Expr RowHi, For Columns);

        /// <summary>The summing loop after <paramref name="ca"/> in the same list, and the rows it reads, or null.</summary>
        private static Found? Match(EquatableArray<Stmt> list, int at, ContractAdjoint ca, List<Stmt> all)
        {
            string table = ca.AAdj.Array;
            // between the adjoint and the summing loop: statements that do not touch the table, or loops zeroing rows of it
            // that the summing loop does not read (checked below)
            var zeroing = new List<For>();
            int j = at + 1;
            for (; j < list.Count; j++)
            {
                if (SumLoop(list[j], table) is not null) break;
                if (!Touches(list[j], table)) continue;
                if (list[j] is For z && ZeroesRows(z, table)) zeroing.Add(z);
                else return null;
            }
            if (j == list.Count) return null;
            var (rows, columns, offset) = SumLoop(list[j], table)!.Value;
            if (Range(rows) is not { } range) return null;
            Expr lo = offset is null ? range.Lo : new Binary(BinaryOp.Sub, range.Lo, offset, IrType.Int);
            Expr hi = offset is null ? range.Hi : new Binary(BinaryOp.Sub, range.Hi, offset, IrType.Int);
            // a row zeroed between the two was overwritten in the primal after the rows the loop reads were set: no
            // derivative reaches the sum through it, so the zeroed rows must lie outside the summed ones
            foreach (var z in zeroing)
                if (!Disjoint(z, table, lo, hi)) return null;
            // and together they cover every row: a row neither summed nor zeroed would keep this adjoint's contribution for
            // a later summing loop to read (a table whose rows are written over several iterations)
            if (!Covers(all, table, lo, hi, columns, zeroing)) return null;
            // nothing else anywhere touches the table but zeroing stores: it holds the adjoint's contribution alone
            var inLoop = new HashSet<Stmt>(IrQueries.AllStmts(new[] { list[j] }), StmtReferenceComparer.Instance);
            foreach (var s in IrQueries.AllStmts(all))
            {
                switch (s)
                {
                    case For f when IrQueries.Mentions(f.Start, table) || IrQueries.Mentions(f.Bound, table) || f.While is { } w && IrQueries.Mentions(w, table):
                    case If i when IrQueries.Mentions(i.Condition, table):
                        return null;
                    case For or If or Block:
                        continue;
                }
                if (ReferenceEquals(s, ca) || inLoop.Contains(s) || !Touches(s, table) || ZeroesRows(s, table)) continue;
                if (s is DeclArray d && d.Name == table && !d.Sizes.Any(x => IrQueries.Mentions(x, table))) continue; // allocated zeroed
                return null;
            }
            return new Found(j, lo, hi, columns);
        }

        /// <summary>Do the rows a zeroing loop nest clears (its outer counter, as the row index) lie outside [lo, hi)?</summary>
        private static bool Disjoint(For z, string table, Expr lo, Expr hi)
        {
            if (Range(z) is not { } zr) return false;
            // every store's row index is the outer counter itself
            foreach (var st in IrQueries.AllStmts(z.Body).OfType<Assign>())
                if (st.Target is not ElemRef el || el.Indices.Count == 0 || el.Indices[0] is not VarRef r || r.Name != z.Var) return false;
            // [zLo, zHi) after [lo, hi): zLo − hi ≥ 0, or before it: lo − zHi ≥ 0, as constant differences of linear forms
            return Linear.Difference(zr.Lo, hi) is >= 0 || Linear.Difference(lo, zr.Hi) is >= 0;
        }

        /// <summary>[lo, hi) and the zeroing loops' rows make up [0, rows of the table's declaration), whole rows each, provably (linear forms).</summary>
        private static bool Covers(List<Stmt> all, string table, Expr lo, Expr hi, For columns, List<For> zeroing)
        {
            var decls = IrQueries.AllStmts(all).OfType<DeclArray>().Where(d => d.Name == table).ToList();
            if (decls.Count != 1 || decls[0].Sizes.Count != 2) return false;
            var rows = decls[0].Sizes[0];
            var cols = decls[0].Sizes[1];
            // whole rows: the summing loop and each zeroing loop run over every column
            bool AllColumns(For c) => Range(c) is { } r && Linear.Difference(r.Lo, new Const(0, IrType.Int)) == 0 && Linear.Difference(r.Hi, cols) == 0;
            if (!AllColumns(columns)) return false;
            var parts = new List<(Expr Lo, Expr Hi)> { (lo, hi) };
            foreach (var z in zeroing)
            {
                var inner = Unblock(z.Body);
                if (Range(z) is not { } r || inner.Count != 1 || inner[0] is not For c || !AllColumns(c)) return false;
                parts.Add(r);
            }
            // chain the intervals from 0: each next one starts where the last ended
            Expr at = new Const(0, IrType.Int);
            while (parts.Count > 0)
            {
                int i = parts.FindIndex(p => Linear.Difference(p.Lo, at) == 0);
                if (i < 0) return false;
                at = parts[i].Hi;
                parts.RemoveAt(i);
            }
            return Linear.Difference(at, rows) == 0;
        }

        /// <summary>Expressions as Σ coefficient·variable + constant (ints only), to compare loop bounds.</summary>
        private static class Linear
        {
            /// <summary>a − b when it is a constant, else null.</summary>
            public static long? Difference(Expr a, Expr b)
            {
                var terms = new Dictionary<string, long>(StringComparer.Ordinal);
                long c = 0;
                if (!Add(a, 1, terms, ref c) || !Add(b, -1, terms, ref c)) return null;
                return terms.Values.All(v => v == 0) ? c : null;
            }

            private static bool Add(Expr e, long sign, Dictionary<string, long> terms, ref long c)
            {
                switch (e)
                {
                    case Const k when k.Value == Math.Floor(k.Value): c += sign * (long)k.Value; return true;
                    case VarRef v: terms[v.Name] = (terms.TryGetValue(v.Name, out var t) ? t : 0) + sign; return true;
                    case Binary { Op: BinaryOp.Add } b: return Add(b.Left, sign, terms, ref c) && Add(b.Right, sign, terms, ref c);
                    case Binary { Op: BinaryOp.Sub } b: return Add(b.Left, sign, terms, ref c) && Add(b.Right, -sign, terms, ref c);
                    default:
                        // another form: the same text on both sides cancels
                        var key = "(" + ExprPrinter.CSharp.Print(e) + ")";
                        terms[key] = (terms.TryGetValue(key, out var u) ? u : 0) + sign;
                        return true;
                }
            }
        }

        /// <summary><c>for r { for c { t = X[r − o, c]; X[r − o, c] = 0; E(c) ±= (−)t } }</c> (bodies may sit in blocks).</summary>
        private static (For Rows, For Columns, Expr? Offset)? SumLoop(Stmt s, string table)
        {
            if (s is not For { While: null } rows) return null;
            var outer = Unblock(rows.Body);
            if (outer.Count != 1 || outer[0] is not For { While: null } cols) return null;
            var inner = Unblock(cols.Body);
            if (inner.Count != 3) return null;
            var read = inner[0];
            if (inner[1] is not Assign { Op: AssignOp.Set, Target: ElemRef zero, Value: Const { Value: 0 } }) return null;
            if (inner[2] is not Assign { Op: AssignOp.Add or AssignOp.Sub } add) return null;
            var target = add.Target;
            string? t = read switch
            {
                DeclScalar { Init: ElemRef e } d when e.Array == table => d.Name,
                Assign { Op: AssignOp.Set, Target: VarRef v, Value: ElemRef e } when e.Array == table => v.Name,
                _ => null,
            };
            if (t is null) return null;
            var el = read is DeclScalar ds ? (ElemRef)ds.Init! : (ElemRef)((Assign)read).Value;
            if (zero.Array != table || !el.Equals(zero) || el.Indices.Count != 2) return null;
            if (el.Indices[1] is not VarRef { } c || c.Name != cols.Var) return null;
            Expr? offset;
            if (el.Indices[0] is VarRef r0 && r0.Name == rows.Var) offset = null;
            else if (el.Indices[0] is Binary { Op: BinaryOp.Sub, Left: VarRef r1, Right: var o } && r1.Name == rows.Var
                && !IrQueries.Mentions(o, rows.Var) && !IrQueries.Mentions(o, cols.Var)) offset = o;
            else return null;
            // E(c) ±= t or E(c) ±= −t: the value is the element read, nothing else
            bool plain = add.Value is VarRef v1 && v1.Name == t || add.Value is Unary { Op: UnaryOp.Neg, Operand: VarRef v2 } && v2.Name == t;
            if (!plain) return null;
            // the sum's target does not move with the row, and is not the table
            if (IrQueries.Mentions(target, rows.Var) || IrQueries.Mentions(target, table) || IrQueries.Mentions(target, t)) return null;
            if (target is ElemRef te && te.Indices.Any(x => IrQueries.Mentions(x, table))) return null;
            // the column loop's bounds do not move with the row
            if (IrQueries.Mentions(cols.Start, rows.Var) || IrQueries.Mentions(cols.Bound, rows.Var)) return null;
            return (rows, cols, offset);
        }

        /// <summary>A loop nest that only sets elements of the table to zero.</summary>
        private static bool ZeroesRows(Stmt s, string table) => s switch
        {
            For { While: null } f => f.Body.All(b => ZeroesRows(b, table)),
            Block b => b.Body.All(x => ZeroesRows(x, table)),
            Assign { Op: AssignOp.Set, Target: ElemRef e, Value: Const { Value: 0 } } => e.Array == table && e.Indices.All(x => !IrQueries.Mentions(x, table)),
            Comment => true,
            _ => false,
        };

        private static IReadOnlyList<Stmt> Unblock(IEnumerable<Stmt> body)
        {
            var list = body.Where(x => x is not Comment).ToList();
            return list.Count == 1 && list[0] is Block b ? Unblock(b.Body) : list;
        }

        /// <summary>[Lo, Hi) of a unit-step loop.</summary>
        private static (Expr Lo, Expr Hi)? Range(For f)
        {
            var one = new Const(1, IrType.Int);
            return (f.Step, f.Cmp) switch
            {
                (1, BinaryOp.Lt) => (f.Start, f.Bound),
                (1, BinaryOp.Le) => (f.Start, new Binary(BinaryOp.Add, f.Bound, one, IrType.Int)),
                (-1, BinaryOp.Ge) => (f.Bound, new Binary(BinaryOp.Add, f.Start, one, IrType.Int)),
                (-1, BinaryOp.Gt) => (new Binary(BinaryOp.Add, f.Bound, one, IrType.Int), new Binary(BinaryOp.Add, f.Start, one, IrType.Int)),
                _ => null,
            };
        }

        /// <summary>The summing loop's column loop, reading the sum vector instead of the table's rows.</summary>
        private static For ReadSum(For columns, string table, string sum, IrType type)
        {
            var body = Unblock(columns.Body);
            var read = body[0];
            var c = new VarRef(columns.Var, IrType.Int);
            var at = new ElemRef(sum, type, new Expr[] { c }.ToEquatable());
            var newRead = read switch
            {
                DeclScalar d => (Stmt)(d with { Init = at }),
                Assign a => a with { Value = at },
                _ => throw new InvalidOperationException("unexpected read"),
            };
            var zero = new Assign(at, AssignOp.Set, new Const(0, type.ElementType));
            return columns with { Body = new[] { newRead, zero, body[2] }.ToEquatable() };
        }

        /// <summary>Does the statement (deeply) read or write the array?</summary>
        private static bool Touches(Stmt s, string name)
        {
            switch (s)
            {
                case Comment: return false;
                case ContractAdjoint c:
                    return c.TargetAdj == name || c.A.Array == name || c.B.Array == name || c.AAdj.Array == name || c.BAdj.Array == name || c.ARowSum?.Array == name;
                case Contract c: return c.Target == name || c.A.Array == name || c.B.Array == name;
                case Assign a: return a.Target is ElemRef el && el.Array == name || a.Target is VarRef v && v.Name == name || IrQueries.ExprsOf(a).Any(e => IrQueries.Mentions(e, name));
                case DeclArray d: return d.Name == name || d.Sizes.Any(e => IrQueries.Mentions(e, name));
                case For f: return IrQueries.Mentions(f.Start, name) || IrQueries.Mentions(f.Bound, name) || f.While is { } w && IrQueries.Mentions(w, name) || f.Body.Any(b => Touches(b, name));
                case If i: return IrQueries.Mentions(i.Condition, name) || i.Then.Concat(i.Else).Any(b => Touches(b, name));
                case Block b: return b.Body.Any(x => Touches(x, name));
                case DeclScalar or Return or CallStmt or Throw: return IrQueries.ExprsOf(s).Any(e => IrQueries.Mentions(e, name));
                case Push p: return IrQueries.Mentions(p.Value, name);
                case PushAll p: return p.Array.Array == name;
                case PopAll p: return p.Array.Array == name;
                case AdjointCall c: return c.Args.Concat(c.Adjoints).Any(e => IrQueries.Mentions(e, name)) || c.Seed is { } sd && IrQueries.Mentions(sd, name);
                default: return true; // a form this pass does not know: assume it does
            }
        }
    }
}
