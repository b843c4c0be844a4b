using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Parse
{
    /// <summary>
    /// The user's dead code, removed before anything else sees it: an <c>if</c> on a condition of literals only
    /// (<c>if (1.5 &lt; 0.25)</c>) keeps only the branch taken, and a scalar local that nothing reads any more loses its
    /// declaration and its assignments of plain values. Generated code then has no unreachable statements (C# would warn
    /// CS0162) and no locals assigned for nothing (CS0219), without suppressing either warning.
    /// </summary>
    internal static class DeadCode
    {
        public static List<Stmt> Remove(List<Stmt> body)
        {
            var list = Fold(body);
            while (true)
            {
                var read = new HashSet<string>(StringComparer.Ordinal);
                Reads(list, read);
                var dead = new HashSet<string>(StringComparer.Ordinal);
                Declared(list, dead);
                dead.ExceptWith(read);
                // a variable is dropped only with all its writes: one that holds a call's result keeps them all
                dead.ExceptWith(ImpureWrites(list));
                if (dead.Count == 0) return list;
                var next = Drop(list, dead);
                if (Count(next) == Count(list)) return list;
                list = next;
            }
        }

        private static List<Stmt> Fold(IEnumerable<Stmt> list)
        {
            var r = new List<Stmt>();
            foreach (var s in list)
            {
                switch (s)
                {
                    case If i when IrQueries.ConstantCondition(i.Condition) is { } taken:
                        {
                            // spliced in place: Parse gives every local a unique name, so no scope is needed
                            r.AddRange(Fold(taken ? i.Then : i.Else));
                            break;
                        }
                    case If i: r.Add(i with { Then = Fold(i.Then).ToEquatable(), Else = Fold(i.Else).ToEquatable() }); break;
                    case For f: r.Add(f with { Body = Fold(f.Body).ToEquatable() }); break;
                    case Block b: r.Add(b with { Body = Fold(b.Body).ToEquatable() }); break;
                    default: r.Add(s); break;
                }
            }
            return r;
        }

        /// <summary>Scalar locals declared anywhere in the body.</summary>
        private static void Declared(IEnumerable<Stmt> list, HashSet<string> into)
        {
            foreach (var s in list)
            {
                switch (s)
                {
                    case DeclScalar d: into.Add(d.Name); break;
                    case For f: Declared(f.Body, into); break;
                    case If i: Declared(i.Then, into); Declared(i.Else, into); break;
                    case Block b: Declared(b.Body, into); break;
                }
            }
        }

        /// <summary>Every scalar an expression of the body reads (ExprsOf covers nested bodies, compound targets, exit conditions).</summary>
        private static void Reads(IEnumerable<Stmt> list, HashSet<string> into)
        {
            foreach (var s in list)
                foreach (var e in IrQueries.ExprsOf(s))
                    foreach (var d in IrQueries.Descendants(e))
                        if (d is VarRef v) into.Add(v.Name);
        }

        private static List<Stmt> Drop(IEnumerable<Stmt> list, HashSet<string> dead)
        {
            var r = new List<Stmt>();
            foreach (var s in list)
            {
                switch (s)
                {
                    case DeclScalar d when dead.Contains(d.Name) && (d.Init is null || Pure(d.Init)): break;
                    case Assign { Target: VarRef v } a when dead.Contains(v.Name) && Pure(a.Value): break;
                    case For f: r.Add(f with { Body = Drop(f.Body, dead).ToEquatable() }); break;
                    case If i: r.Add(i with { Then = Drop(i.Then, dead).ToEquatable(), Else = Drop(i.Else, dead).ToEquatable() }); break;
                    case Block b: r.Add(b with { Body = Drop(b.Body, dead).ToEquatable() }); break;
                    default: r.Add(s); break;
                }
            }
            return r;
        }

        /// <summary>Scalars some declaration or assignment sets from a call.</summary>
        private static HashSet<string> ImpureWrites(IEnumerable<Stmt> list)
        {
            var into = new HashSet<string>(StringComparer.Ordinal);
            void Walk(IEnumerable<Stmt> stmts)
            {
                foreach (var s in stmts)
                {
                    switch (s)
                    {
                        case DeclScalar { Init: { } i } d when !Pure(i): into.Add(d.Name); break;
                        case Assign { Target: VarRef v } a when !Pure(a.Value): into.Add(v.Name); break;
                        case For f: Walk(f.Body); break;
                        case If i: Walk(i.Then); Walk(i.Else); break;
                        case Block b: Walk(b.Body); break;
                    }
                }
            }
            Walk(list);
            return into;
        }

        /// <summary>No call (a callee may throw: its statement stays, as the user wrote it).</summary>
        private static bool Pure(Expr e) => !IrQueries.Descendants(e).Any(x => x is Invoke);

        private static int Count(IEnumerable<Stmt> list) => list.Sum(s => 1 + s switch
        {
            For f => Count(f.Body),
            If i => Count(i.Then) + Count(i.Else),
            Block b => Count(b.Body),
            _ => 0,
        });
    }
}
