using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Raise
{
    /// <summary>
    /// Scalar replacement of small local arrays: a local <c>T[]</c> of constant length (at most
    /// <see cref="MaxElements"/>) whose every element access has an index that is constant once the short counted
    /// loops around it are unrolled (a 3-vector <c>xo[i]</c> in <c>for (i = 0; i &lt; 3; i++)</c>) becomes that many
    /// scalar locals, and those loops are unrolled. Why: such arrays (points, rotations, a 2-D projection) are
    /// natural in per-observation code called millions of times, and each one costs a pooled rent and return per
    /// call in Forward and two (value and adjoint) in Backward, plus index checks; as scalars they live in
    /// registers, the restore tape stores single values, and the reverse sweep needs no adjoint arrays.
    /// Runs first in Raise, so later stages see plain scalar code. The values are the same as the array's
    /// (zero-initialised where it was declared), so derivatives are unchanged.
    /// </summary>
    internal static class ScalarReplacement
    {
        /// <summary>Arrays up to this many elements are held in locals.</summary>
        public const int MaxElements = 16;

        /// <summary>Loops up to this many iterations are unrolled to reach them.</summary>
        public const int MaxTrip = 16;

        /// <summary>And only while the unrolled copies stay small (statements, counted deeply).</summary>
        private const int MaxUnrolledStatements = 256;

        /// <param name="fresh">Claims a local name: the one asked for when it is free, else a numbered variant.</param>
        public static List<Stmt> Run(IReadOnlyList<Stmt> body, Func<string, string> fresh, List<string> explained)
        {
            var candidates = Candidates(body);
            if (candidates.Count == 0) return body.ToList();

            // The loops to unroll: the counters an index of a candidate reads. A candidate indexed by anything else stays an array.
            var loops = new Dictionary<string, For>(StringComparer.Ordinal);
            CollectLoops(body, loops);
            var unroll = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in candidates.Keys.ToList())
            {
                var counters = new HashSet<string>(StringComparer.Ordinal);
                bool ok = true;
                foreach (var index in IndicesOf(body, name))
                {
                    foreach (var d in IrQueries.Descendants(index))
                    {
                        if (d is Const or Binary { Op: BinaryOp.Add or BinaryOp.Sub or BinaryOp.Mul }) continue;
                        if (d is VarRef v && loops.TryGetValue(v.Name, out var loop) && TripCount(loop) is { } trip
                            && Unrollable(loop) && trip * Size(loop.Body) <= MaxUnrolledStatements)
                        {
                            counters.Add(v.Name);
                            continue;
                        }
                        ok = false;
                    }
                }
                if (ok) unroll.UnionWith(counters);
                else candidates.Remove(name);
            }
            if (candidates.Count == 0) return body.ToList();

            var unrolled = Unroll(body, unroll, fresh, explained);

            // After unrolling: every access of a replaced array (and of its copies in unrolled loops) is at a constant index.
            var replaced = Candidates(unrolled);
            foreach (var name in replaced.Keys.ToList())
            {
                foreach (var index in IndicesOf(unrolled, name))
                    if (index is not Const c || c.Value < 0 || c.Value >= replaced[name].Length) { replaced.Remove(name); break; }
            }
            if (replaced.Count == 0) return unrolled;

            var scalars = new Dictionary<string, string[]>(StringComparer.Ordinal);
            foreach (var kv in replaced)
                scalars[kv.Key] = Enumerable.Range(0, kv.Value.Length).Select(k => fresh($"{kv.Key}_{k}")).ToArray();
            explained.Add("held in scalar locals: " + string.Join(", ", replaced.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => $"{kv.Key} ({kv.Value.Length} elements)")));
            var output = Replace(unrolled, scalars);

            // An element written and never read (a slot the user's code fills but never uses) is dropped: as a local it would
            // only be dead stores (and C#'s warning about a variable assigned but never used).
            return DeadScalars.Eliminate(output, scalars.Values.SelectMany(n => n));
        }

        /// <summary>Local <c>T[]</c> declarations of constant length, declared once, read and written only element by element.</summary>
        private static Dictionary<string, (IrType Type, int Length)> Candidates(IReadOnlyList<Stmt> body)
        {
            var found = new Dictionary<string, (IrType, int)>(StringComparer.Ordinal);
            var declaredTwice = new HashSet<string>(StringComparer.Ordinal);
            var escaped = new HashSet<string>(StringComparer.Ordinal);
            void Walk(IEnumerable<Stmt> list)
            {
                foreach (var s in list)
                {
                    if (s is DeclArray { Type.Shape: Shape.Vector, Type.Elem: not Scalar.Bool } a && a.Sizes.Count == 1 && a.Sizes[0] is Const { Value: var n }
                        && n >= 1 && n <= MaxElements && n == Math.Floor(n))
                    {
                        if (found.ContainsKey(a.Name)) declaredTwice.Add(a.Name);
                        found[a.Name] = (a.Type, (int)n);
                    }
                    else if (s is not (DeclScalar or DeclArray or Assign or For or If or Block or Return or CallStmt or Comment))
                    {
                        // A statement this pass does not know (Raise's own, which come later): leave every array alone.
                        foreach (var e in IrQueries.ExprsOf(s)) Escapes(e, escaped);
                        escaped.Add("*");
                    }
                    foreach (var e in IrQueries.ExprsOf(s)) Escapes(e, escaped);
                    switch (s)
                    {
                        case For f: Walk(f.Body); break;
                        case If i: Walk(i.Then); Walk(i.Else); break;
                        case Block b: Walk(b.Body); break;
                    }
                }
            }
            Walk(body);
            if (escaped.Contains("*")) return new Dictionary<string, (IrType, int)>(StringComparer.Ordinal);
            foreach (var n in declaredTwice.Concat(escaped)) found.Remove(n);
            return found;
        }

        /// <summary>Arrays used whole (passed to a call, returned) or measured: those keep their storage.</summary>
        private static void Escapes(Expr e, HashSet<string> into)
        {
            foreach (var d in IrQueries.Descendants(e))
            {
                switch (d)
                {
                    case ArrayRef ar: into.Add(ar.Array); break;
                    case LengthOf l: into.Add(l.Array); break;
                }
            }
        }

        /// <summary>Every index expression of an element access of the array, in reads and in assignment targets.</summary>
        private static IEnumerable<Expr> IndicesOf(IEnumerable<Stmt> body, string name)
        {
            foreach (var s in body)
            {
                if (s is Assign { Target: ElemRef t } && t.Array == name)
                    foreach (var i in t.Indices) yield return i;
                foreach (var e in IrQueries.ExprsOf(s))
                    foreach (var d in IrQueries.Descendants(e))
                        if (d is ElemRef el && el.Array == name)
                            foreach (var i in el.Indices) yield return i;
                // ExprsOf already descends into loop bodies and branches, but not into their assignment targets.
                switch (s)
                {
                    case For f: foreach (var i in TargetsOnly(f.Body, name)) yield return i; break;
                    case If f: foreach (var i in TargetsOnly(f.Then.Concat(f.Else), name)) yield return i; break;
                    case Block b: foreach (var i in TargetsOnly(b.Body, name)) yield return i; break;
                }
            }
        }

        private static IEnumerable<Expr> TargetsOnly(IEnumerable<Stmt> body, string name)
        {
            foreach (var s in body)
            {
                if (s is Assign { Target: ElemRef t } && t.Array == name)
                    foreach (var i in t.Indices) yield return i;
                switch (s)
                {
                    case For f: foreach (var i in TargetsOnly(f.Body, name)) yield return i; break;
                    case If f: foreach (var i in TargetsOnly(f.Then.Concat(f.Else), name)) yield return i; break;
                    case Block b: foreach (var i in TargetsOnly(b.Body, name)) yield return i; break;
                }
            }
        }

        private static void CollectLoops(IEnumerable<Stmt> body, Dictionary<string, For> into)
        {
            foreach (var s in body)
            {
                switch (s)
                {
                    case For f: into[f.Var] = f; CollectLoops(f.Body, into); break;
                    case If i: CollectLoops(i.Then, into); CollectLoops(i.Else, into); break;
                    case Block b: CollectLoops(b.Body, into); break;
                }
            }
        }

        /// <summary>The trip count of a counted loop with constant start and bound, if it is at most <see cref="MaxTrip"/>.</summary>
        private static int? TripCount(For f)
        {
            if (f.While is not null || Fold(f.Start) is not Const { Value: var start } || Fold(f.Bound) is not Const { Value: var bound }) return null;
            int trip = 0;
            for (long v = (long)start; Holds(f.Cmp, v, (long)bound); v += f.Step)
                if (++trip > MaxTrip) return null;
            return trip;
        }

        private static bool Holds(BinaryOp cmp, long v, long bound) => cmp switch
        {
            BinaryOp.Lt => v < bound,
            BinaryOp.Le => v <= bound,
            BinaryOp.Gt => v > bound,
            BinaryOp.Ge => v >= bound,
            BinaryOp.Ne => v != bound,
            _ => false,
        };

        /// <summary>Straight-line copies need a body without jumps; the counter is read, never written (a counted loop).</summary>
        private static bool Unrollable(For f)
        {
            if (f.Body.Any(IrQueries.HasEarlyExit) || ContainsJump(f.Body)) return false;
            var written = new HashSet<string>(StringComparer.Ordinal);
            IrQueries.Writes(f.Body, written);
            return !written.Contains(f.Var);
        }

        private static bool ContainsJump(IEnumerable<Stmt> body) => body.Any(s => s switch
        {
            Continue or Break or Return => true,
            For f => ContainsJump(f.Body),
            If i => ContainsJump(i.Then) || ContainsJump(i.Else),
            Block b => ContainsJump(b.Body),
            _ => false,
        });

        private static int Size(IEnumerable<Stmt> body) => body.Sum(s => s switch
        {
            For f => 1 + Size(f.Body) * Math.Max(1, TripCount(f) ?? 4),
            If i => 1 + Size(i.Then) + Size(i.Else),
            Block b => Size(b.Body),
            _ => 1,
        });

        // ------------------------------------------------------------ unrolling

        private static List<Stmt> Unroll(IReadOnlyList<Stmt> body, HashSet<string> vars, Func<string, string> fresh, List<string> explained)
        {
            var output = new List<Stmt>();
            foreach (var s in body)
            {
                switch (s)
                {
                    case For f when vars.Contains(f.Var) && TripCount(f) is { } trip:
                        {
                            long start = (long)((Const)Fold(f.Start)).Value;
                            var inner = Unroll(f.Body, vars, fresh, explained);
                            for (int k = 0; k < trip; k++)
                            {
                                // Each copy declares its own locals: the later stages give every local one name.
                                var renames = new Dictionary<string, string>(StringComparer.Ordinal);
                                var declared = new Dictionary<string, IrType>(StringComparer.Ordinal);
                                IrQueries.Declarations(inner, declared);
                                foreach (var name in declared.Keys) renames[name] = fresh($"{name}_u{k}");
                                var value = new Const(start + (long)k * f.Step, IrType.Int);
                                foreach (var c in inner) output.AddRange(FoldStmt(Rename(c, renames, f.Var, value)));
                            }
                            explained.Add($"loop over {f.Var} unrolled ({trip} iterations)");
                            break;
                        }
                    case For f: output.Add(f with { Body = Unroll(f.Body, vars, fresh, explained).ToEquatable() }); break;
                    case If i: output.Add(i with { Then = Unroll(i.Then, vars, fresh, explained).ToEquatable(), Else = Unroll(i.Else, vars, fresh, explained).ToEquatable() }); break;
                    case Block b: output.Add(b with { Body = Unroll(b.Body, vars, fresh, explained).ToEquatable() }); break;
                    default: output.Add(s); break;
                }
            }
            return output;
        }

        /// <summary>Renames declared names (and every use) and substitutes the counter's value.</summary>
        private static Stmt Rename(Stmt s, Dictionary<string, string> renames, string counter, Const value)
        {
            Expr? Map(Expr e) => e switch
            {
                VarRef v when v.Name == counter => value,
                VarRef v when renames.TryGetValue(v.Name, out var n) => v with { Name = n },
                ElemRef el when renames.TryGetValue(el.Array, out var n) => el with { Array = n, Indices = el.Indices.Select(i => IrRewriter.Map(i, Map)).ToEquatable() },
                ArrayRef ar when renames.TryGetValue(ar.Array, out var n) => ar with { Array = n, Row = ar.Row is null ? null : IrRewriter.Map(ar.Row, Map) },
                LengthOf l when renames.TryGetValue(l.Array, out var n) => l with { Array = n, Row = l.Row is null ? null : IrRewriter.Map(l.Row, Map) },
                _ => null,
            };
            string R(string name) => renames.TryGetValue(name, out var n) ? n : name;
            var mapped = IrRewriter.Map(s, Map);
            return RenameDeclarations(mapped, R, Map);
        }

        /// <summary>IrRewriter maps what statements read; declarations and assignment roots are renamed here.</summary>
        private static Stmt RenameDeclarations(Stmt s, Func<string, string> r, Func<Expr, Expr?> map) => s switch
        {
            DeclScalar d => d with { Name = r(d.Name) },
            DeclArray a => a with { Name = r(a.Name) },
            Assign { Target: VarRef v } a => a with { Target = v with { Name = r(v.Name) } },
            Assign { Target: ElemRef el } a => a with { Target = el with { Array = r(el.Array) } },
            For f => f with { Var = r(f.Var), Body = f.Body.Select(b => RenameDeclarations(b, r, map)).ToEquatable() },
            If i => i with { Then = i.Then.Select(b => RenameDeclarations(b, r, map)).ToEquatable(), Else = i.Else.Select(b => RenameDeclarations(b, r, map)).ToEquatable() },
            Block b => b with { Body = b.Body.Select(x => RenameDeclarations(x, r, map)).ToEquatable() },
            _ => s,
        };

        // ------------------------------------------------------------ constant folding (int index arithmetic)

        /// <summary>
        /// Folds the counter's value into the copy: index arithmetic, and conditions on the counter (<c>i == j ? 1 : 0</c>,
        /// <c>if (i == 0)</c>), of which only the branch taken is kept.
        /// </summary>
        private static IEnumerable<Stmt> FoldStmt(Stmt s)
        {
            var folded = IrRewriter.Map(s, e => e is Binary or Conditional ? Fold(e) : null);
            switch (folded)
            {
                case If i when IrQueries.ConstantCondition(i.Condition) is { } taken:
                    return (taken ? i.Then : i.Else).SelectMany(FoldStmt);
                case Assign { Target: ElemRef el } a: return new[] { a with { Target = el with { Indices = el.Indices.Select(Fold).ToEquatable() } } };
                case For f: return new[] { f with { Body = f.Body.SelectMany(FoldStmt).ToEquatable() } };
                case If i: return new[] { i with { Then = i.Then.SelectMany(FoldStmt).ToEquatable(), Else = i.Else.SelectMany(FoldStmt).ToEquatable() } };
                case Block b: return new[] { b with { Body = b.Body.SelectMany(FoldStmt).ToEquatable() } };
                default: return new[] { folded };
            }
        }

        /// <summary>Folds int +, -, * (and / and % with C#'s truncation) of constants; everything else is kept.</summary>
        private static Expr Fold(Expr e)
        {
            if (e is Conditional choice)
            {
                var cond = Fold(choice.Condition);
                if (IrQueries.ConstantCondition(cond) is { } taken) return Fold(taken ? choice.WhenTrue : choice.WhenFalse);
                return choice with { Condition = cond, WhenTrue = Fold(choice.WhenTrue), WhenFalse = Fold(choice.WhenFalse) };
            }
            if (e is not Binary b) return e is ElemRef el ? el with { Indices = el.Indices.Select(Fold).ToEquatable() } : e;
            var l = Fold(b.Left);
            var r = Fold(b.Right);
            if (b.Type == IrType.Int && l is Const { Value: var x } && r is Const { Value: var y })
            {
                long a = (long)x, c = (long)y;
                long? v = b.Op switch
                {
                    BinaryOp.Add => a + c,
                    BinaryOp.Sub => a - c,
                    BinaryOp.Mul => a * c,
                    BinaryOp.Div when c != 0 => a / c,
                    BinaryOp.Mod when c != 0 => a % c,
                    BinaryOp.Shl when c >= 0 && c < 31 => (long)((int)a << (int)c),
                    BinaryOp.Shr when c >= 0 && c < 31 => (long)((int)a >> (int)c),
                    BinaryOp.BitAnd => (long)((int)a & (int)c),
                    BinaryOp.BitOr => (long)((int)a | (int)c),
                    BinaryOp.BitXor => (long)((int)a ^ (int)c),
                    _ => null,
                };
                if (v is { } k && k >= int.MinValue && k <= int.MaxValue) return new Const(k, IrType.Int);
            }
            return ReferenceEquals(l, b.Left) && ReferenceEquals(r, b.Right) ? b : b with { Left = l, Right = r };
        }

        // ------------------------------------------------------------ replacement

        private static List<Stmt> Replace(IReadOnlyList<Stmt> body, Dictionary<string, string[]> scalars)
        {
            Expr? Map(Expr e) => e is ElemRef el && scalars.TryGetValue(el.Array, out var names)
                ? new VarRef(names[(int)((Const)el.Indices[0]).Value], el.Type)
                : null;
            var output = new List<Stmt>();
            foreach (var s in body)
            {
                switch (s)
                {
                    case DeclArray a when scalars.TryGetValue(a.Name, out var names):
                        var elem = a.Type.ElementType;
                        foreach (var n in names) output.Add(new DeclScalar(n, elem, new Const(0, elem)));
                        break;
                    case For f:
                        output.Add(f with
                        {
                            Start = IrRewriter.Map(f.Start, Map),
                            Bound = IrRewriter.Map(f.Bound, Map),
                            While = f.While is null ? null : IrRewriter.Map(f.While, Map),
                            Body = Replace(f.Body, scalars).ToEquatable(),
                        });
                        break;
                    case If i:
                        output.Add(i with { Condition = IrRewriter.Map(i.Condition, Map), Then = Replace(i.Then, scalars).ToEquatable(), Else = Replace(i.Else, scalars).ToEquatable() });
                        break;
                    case Block b:
                        output.Add(b with { Body = Replace(b.Body, scalars).ToEquatable() });
                        break;
                    case Assign { Target: ElemRef el } a when scalars.TryGetValue(el.Array, out var names):
                        output.Add(IrRewriter.Map(a with { Target = new VarRef(names[(int)((Const)el.Indices[0]).Value], el.Type) }, Map));
                        break;
                    default:
                        output.Add(IrRewriter.Map(s, Map));
                        break;
                }
            }
            return output;
        }
    }
}
