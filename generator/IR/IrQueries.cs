using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Generator.IR
{
    /// <summary>Read-only walks over the IR shared by the analyses.</summary>
    internal static class IrQueries
    {
        /// <summary>The trailing statements of the body of the form <c>p = p * c</c> (or <c>c * p</c>), p a real scalar c does not mention.</summary>
        public static List<Induction> Inductions(For f)
        {
            var list = new List<Induction>();
            for (int k = f.Body.Count - 1; k >= 0; k--)
            {
                if (f.Body[k] is not Assign { Op: AssignOp.Set, Target: VarRef { Type.IsReal: true } p, Value: Binary { Op: BinaryOp.Mul } m } a) break;
                Expr? factor = m.Left is VarRef l && l.Name == p.Name ? m.Right : m.Right is VarRef r && r.Name == p.Name ? m.Left : null;
                if (factor is null || IrQueries.Mentions(factor, p.Name) || list.Any(o => o.Name == p.Name)) break;
                list.Insert(0, new Induction(p.Name, p.Type, factor, a));
            }
            // p is written by nothing else in the body
            foreach (var ind in list.ToList())
            {
                var others = f.Body.Where(st => !ReferenceEquals(st, ind.Step)).ToList();
                var w = new HashSet<string>(StringComparer.Ordinal);
                IrQueries.Writes(others, w);
                if (w.Contains(ind.Name)) list.Remove(ind);
            }
            return list;
        }

        /// <summary>The expression and all its sub-expressions, pre-order.</summary>
        public static IEnumerable<Expr> Descendants(Expr e)
        {
            yield return e;
            foreach (var c in Children(e))
                foreach (var d in Descendants(c))
                    yield return d;
        }

        public static IEnumerable<Expr> Children(Expr e)
        {
            switch (e)
            {
                case ElemRef el: foreach (var i in el.Indices) yield return i; break;
                case ArrayRef { Row: { } r }: yield return r; break;
                case LengthOf { Row: { } r }: yield return r; break;
                case Unary u: yield return u.Operand; break;
                case Binary b: yield return b.Left; yield return b.Right; break;
                case Intrinsic f: foreach (var a in f.Args) yield return a; break;
                case Conditional c: yield return c.Condition; yield return c.WhenTrue; yield return c.WhenFalse; break;
                case Convert cv: yield return cv.Operand; break;
                case Invoke inv: foreach (var a in inv.Args) yield return a; break;
                case TableEntry t: yield return t.Row; yield return t.Col; break;
            }
        }

        /// <summary>Does the expression read a float/double value (a real variable, element or call result)?</summary>
        public static bool ReadsReal(Expr e)
        {
            foreach (var d in Descendants(e))
                if (d is VarRef { Type.IsReal: true } or ElemRef { Type.IsReal: true } or Invoke or ArrayRef { ArrayType.IsReal: true })
                    return true;
            return false;
        }

        /// <summary>Names of the real variables and arrays the expression reads (index expressions are ints and excluded).</summary>
        public static void RealReads(Expr e, HashSet<string> into)
        {
            foreach (var d in Descendants(e))
            {
                switch (d)
                {
                    case VarRef { Type.IsReal: true } v: into.Add(v.Name); break;
                    case ElemRef { Type.IsReal: true } el: into.Add(el.Array); break;
                    case ArrayRef { ArrayType.IsReal: true } ar: into.Add(ar.Array); break;
                }
            }
        }

        /// <summary>Names of real variables and arrays a statement list may write (syntactically, including nested loops and calls).</summary>
        public static void Writes(IEnumerable<Stmt> stmts, HashSet<string> into)
        {
            foreach (var s in stmts)
            {
                switch (s)
                {
                    case Assign a when a.Target is VarRef v: into.Add(v.Name); break;
                    case Assign a when a.Target is ElemRef el: into.Add(el.Array); break;
                    case DeclScalar d: into.Add(d.Name); break;
                    case Contract c: into.Add(c.Target); break;
                    case For f: Writes(f.Body, into); break;
                    case If i: Writes(i.Then, into); Writes(i.Else, into); break;
                    case Block b: Writes(b.Body, into); break;
                    case CallStmt c:
                        for (int k = 0; k < c.Call.Args.Count; k++)
                            if (c.Call.Method.Params[k].IsWritten && c.Call.Args[k] is ArrayRef ar) into.Add(ar.Array);
                        break;
                }
            }
        }

        /// <summary>Every expression a statement evaluates (not assignment targets' roots, but their indices).</summary>
        public static IEnumerable<Expr> ExprsOf(Stmt s)
        {
            switch (s)
            {
                case DeclScalar { Init: { } i }: yield return i; break;
                case DeclArray a: foreach (var x in a.Sizes) yield return x; break;
                case Assign a:
                    if (a.Target is ElemRef el) foreach (var x in el.Indices) yield return x;
                    if (a.Op != AssignOp.Set) yield return a.Target;
                    yield return a.Value;
                    break;
                case For f:
                    yield return f.Start; yield return f.Bound;
                    if (f.While is { } w) yield return w;
                    foreach (var b in f.Body) foreach (var x in ExprsOf(b)) yield return x;
                    break;
                case If f:
                    yield return f.Condition;
                    foreach (var b in f.Then) foreach (var x in ExprsOf(b)) yield return x;
                    foreach (var b in f.Else) foreach (var x in ExprsOf(b)) yield return x;
                    break;
                case Return { Value: { } v }: yield return v; break;
                case CallStmt c: yield return c.Call; break;
                case Contract c: yield return c.A; yield return c.B; yield return c.K; break;
                case Block b: foreach (var st in b.Body) foreach (var x in ExprsOf(st)) yield return x; break;
                case Throw t: foreach (var x in t.Holes) yield return x; break;
            }
        }

        /// <summary>Does the statement (deeply) read the scalar variable?</summary>
        public static bool ReadsVar(Stmt s, string name)
        {
            foreach (var e in ExprsOf(s))
                foreach (var d in Descendants(e))
                    if (d is VarRef v && v.Name == name) return true;
            return false;
        }

        /// <summary>Every variable declared in the statements (locals, local arrays, loop counters) with its type.</summary>
        public static void Declarations(IEnumerable<Stmt> stmts, IDictionary<string, IrType> into)
        {
            foreach (var s in stmts)
            {
                switch (s)
                {
                    case DeclScalar d: into[d.Name] = d.Type; break;
                    case DeclArray a: into[a.Name] = a.Type; break;
                    case For f: into[f.Var] = IrType.Int; Declarations(f.Body, into); break;
                    case If i: Declarations(i.Then, into); Declarations(i.Else, into); break;
                    case Block b: Declarations(b.Body, into); break;
                }
            }
        }

        /// <summary>Does the statement read or write the scalar variable (deeply)?</summary>
        public static bool ReadsOrWrites(Stmt s, string name)
        {
            var w = new HashSet<string>(System.StringComparer.Ordinal);
            Writes(new[] { s }, w);
            return w.Contains(name) || ReadsVar(s, name);
        }

        /// <summary><c>name = 0</c> or a declaration initialised to 0.</summary>
        public static bool IsZeroInit(Stmt s, string name) => s switch
        {
            Assign { Op: AssignOp.Set, Target: VarRef v, Value: Const { Value: 0 } } => v.Name == name,
            DeclScalar { Init: Const { Value: 0 } } d => d.Name == name,
            _ => false,
        };

        /// <summary>
        /// Int and bool state that changes after it is first set: locals assigned after their declaration and elements of
        /// local int arrays that are written. The reverse sweep restores it from the restore tape instead of recomputing it.
        /// </summary>
        /// <summary>Every statement, nested ones included, in order (loop, branch and block bodies after their heads).</summary>
        public static IEnumerable<Stmt> AllStmts(IEnumerable<Stmt> stmts)
        {
            foreach (var s in stmts)
            {
                yield return s;
                var inner = s switch
                {
                    For f => (IEnumerable<Stmt>)f.Body,
                    If i => i.Then.Concat(i.Else),
                    Block b => b.Body,
                    _ => System.Array.Empty<Stmt>(),
                };
                foreach (var n in AllStmts(inner)) yield return n;
            }
        }

        public static HashSet<string> MutableInts(IEnumerable<Stmt> stmts)
        {
            var set = new HashSet<string>(System.StringComparer.Ordinal);
            void Walk(IEnumerable<Stmt> list)
            {
                foreach (var s in list)
                {
                    switch (s)
                    {
                        case Assign { Target: VarRef { Type.IsReal: false } v }: set.Add(v.Name); break;
                        case Assign { Target: ElemRef { Type.IsReal: false } el }: set.Add(el.Array); break;
                        case For f: Walk(f.Body); break;
                        case If i: Walk(i.Then); Walk(i.Else); break;
                        case Block b: Walk(b.Body); break;
                    }
                }
            }
            Walk(stmts);
            return set;
        }

        /// <summary>Is the statement, or a statement inside it, a loop with an exit condition (while, do/while, break, return in a loop)?</summary>
        public static bool HasEarlyExit(Stmt s) => s switch
        {
            For f => f.While is not null || f.Body.Any(HasEarlyExit),
            If i => i.Then.Any(HasEarlyExit) || i.Else.Any(HasEarlyExit),
            Block b => b.Body.Any(HasEarlyExit),
            VectorFor v => HasEarlyExit(v.Loop),
            _ => false,
        };

        /// <summary>Does the expression mention the variable or array (as a value)?</summary>
        /// <summary>
        /// The value of a condition built from literals only (a C# constant expression, as a fuzzed or hand-written
        /// <c>(0.25 >= 0.25) ? a : b</c> gives), else null: the emitter prints only the branch taken, since C# flags the
        /// other as unreachable (CS0162).
        /// </summary>
        public static bool? ConstantCondition(Expr e) => ConstantValue(e) is { } v ? v != 0 : null;

        private static double? ConstantValue(Expr e)
        {
            switch (e)
            {
                case Const c: return c.Type.Elem == Scalar.Float ? (float)c.Value : c.Value;
                case Convert { Operand: var o } cv:
                    {
                        if (ConstantValue(o) is not { } v) return null;
                        return cv.Type.Elem switch { Scalar.Float => (float)v, Scalar.Int => (long)v, Scalar.Bool => v != 0 ? 1 : 0, _ => v };
                    }
                case Unary u when ConstantValue(u.Operand) is { } v:
                    return u.Op == UnaryOp.Not ? (v != 0 ? 0 : 1) : -v;
                case Binary b when b.Op is BinaryOp.Lt or BinaryOp.Le or BinaryOp.Gt or BinaryOp.Ge or BinaryOp.Eq or BinaryOp.Ne or BinaryOp.And or BinaryOp.Or:
                    {
                        if (ConstantValue(b.Left) is not { } l || ConstantValue(b.Right) is not { } r) return null;
                        bool t = b.Op switch
                        {
                            BinaryOp.Lt => l < r, BinaryOp.Le => l <= r, BinaryOp.Gt => l > r, BinaryOp.Ge => l >= r,
                            BinaryOp.Eq => l == r, BinaryOp.Ne => l != r, BinaryOp.And => l != 0 && r != 0, _ => l != 0 || r != 0,
                        };
                        return t ? 1 : 0;
                    }
                default: return null; // arithmetic is left alone: only conditions decide reachability
            }
        }

        /// <summary>
        /// Whether the statements may write the variable or array <paramref name="name"/>: an assignment to it or an element, a
        /// restore of it, a product into it, or a call or callee adjoint passed it (any argument that mentions it: the callee
        /// may write it). Kinds that write only adjoints, stores and control flow do not; any other kind counts as a write.
        /// </summary>
        public static bool MayWrite(IEnumerable<Stmt> stmts, string name) => AllStmts(stmts).Any(s => s switch
        {
            Assign { Target: VarRef v } => v.Name == name,
            Assign { Target: ElemRef el } => el.Array == name,
            Assign => true,
            PopAll p => p.Array.Array == name,
            Contract c => c.Target == name,
            ContractAdjoint c => c.TargetAdj == name || c.AAdj.Array == name || c.BAdj.Array == name || c.ARowSum?.Array == name,
            CallStmt c => Mentions(c.Call, name),
            AdjointCall c => c.Args.Concat(c.Adjoints).Any(e => Mentions(e, name)),
            Push or PushAll or DeclScalar or DeclArray or For or If or Block or Comment or Continue or Break or Return or Throw => false,
            _ => true,
        });

        /// <summary>
        /// Whether any of the statements (nested ones included) may mention the variable or array <paramref name="name"/>, read
        /// or written. Kinds this query does not know count as mentioning it.
        /// </summary>
        public static bool MayMention(IEnumerable<Stmt> stmts, string name) => AllStmts(stmts).Any(s => s switch
        {
            Assign a => Mentions(a.Target, name) || Mentions(a.Value, name),
            DeclScalar d => d.Name == name || d.Init is { } i && Mentions(i, name),
            DeclArray d => d.Name == name || d.Sizes.Any(x => Mentions(x, name)),
            For f => f.Var == name || Mentions(f.Start, name) || Mentions(f.Bound, name) || f.While is { } w && Mentions(w, name),
            If i => Mentions(i.Condition, name),
            Block or Comment or Continue or Break => false,
            Return r => r.Value is { } v && Mentions(v, name),
            Throw t => t.Holes.Any(x => Mentions(x, name)),
            CallStmt c => Mentions(c.Call, name),
            Contract c => c.Target == name || Mentions(c.A, name) || Mentions(c.B, name) || Mentions(c.K, name),
            ContractAdjoint c => c.TargetAdj == name || new Expr?[] { c.A, c.B, c.K, c.AAdj, c.BAdj, c.ARowSum, c.ARowLo, c.ARowHi }.Any(x => x is not null && Mentions(x, name)),
            Push p => Mentions(p.Value, name),
            PushAll p => p.Array.Array == name,
            PopAll p => p.Array.Array == name,
            AdjointCall c => c.Args.Concat(c.Adjoints).Any(x => Mentions(x, name)) || c.Seed is { } sd && Mentions(sd, name),
            _ => true,
        });

        public static bool Mentions(Expr e, string name)
        {
            foreach (var d in Descendants(e))
                if (d is VarRef v && v.Name == name || d is ElemRef el && el.Array == name || d is ArrayRef ar && ar.Array == name)
                    return true;
            return false;
        }
    }
}
