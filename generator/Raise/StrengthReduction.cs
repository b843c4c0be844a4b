using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Raise
{
    /// <summary>
    /// Induction-variable strength reduction: <c>Math.Pow(a, j)</c> with j the counter of a loop that starts at 0
    /// and steps by 1, and a invariant in that loop, becomes a running product (<c>p = 1</c> before the loop,
    /// <c>p = p * a</c> at the end of each iteration). One multiplication instead of a pow per iteration; the
    /// derivative follows the recurrence exactly (it is the same function, computed in another order).
    /// </summary>
    internal static class StrengthReduction
    {
        public static List<Stmt> Run(IReadOnlyList<Stmt> stmts, Func<string, string> fresh, List<string> explained)
        {
            var output = new List<Stmt>();
            foreach (var s in stmts)
            {
                switch (s)
                {
                    case For f:
                        {
                            var body = Run(f.Body, fresh, explained);
                            var loop = f with { Body = body.ToEquatable() };
                            output.AddRange(Reduce(loop, fresh, explained));
                            break;
                        }
                    case If i:
                        output.Add(i with { Then = Run(i.Then, fresh, explained).ToEquatable(), Else = Run(i.Else, fresh, explained).ToEquatable() });
                        break;
                    default:
                        output.Add(s);
                        break;
                }
            }
            return output;
        }

        private static IEnumerable<Stmt> Reduce(For loop, Func<string, string> fresh, List<string> explained)
        {
            if (loop.Start is not Const { Value: 0 } || loop.Step != 1 || loop.Cmp is not (BinaryOp.Lt or BinaryOp.Le))
                return new[] { loop };

            // What the loop changes: its counter, what it writes, what it declares.
            var changed = new Dictionary<string, IrType>(StringComparer.Ordinal);
            IrQueries.Declarations(loop.Body, changed);
            var written = new HashSet<string>(changed.Keys, StringComparer.Ordinal) { loop.Var };
            IrQueries.Writes(loop.Body, written);

            var candidates = new List<Intrinsic>();
            foreach (var e in loop.Body.SelectMany(IrQueries.ExprsOf).SelectMany(IrQueries.Descendants))
            {
                if (e is not Intrinsic { Fn: Fn.Pow } pow || !IsCounter(pow.Args[1], loop.Var)) continue;
                var reads = IrQueries.Descendants(pow.Args[0]).Select(d => d switch
                {
                    VarRef v => v.Name,
                    ElemRef el => el.Array,
                    _ => null,
                }).Where(n => n is not null);
                if (reads.Any(n => written.Contains(n!)) || IrQueries.Descendants(pow.Args[0]).Any(d => d is Invoke or Pop)) continue;
                if (!candidates.Contains(pow)) candidates.Add(pow);
            }
            if (candidates.Count == 0) return new[] { loop };

            var before = new List<Stmt>();
            var after = new List<Stmt>();
            var names = new Dictionary<Intrinsic, string>();
            foreach (var pow in candidates)
            {
                var name = fresh("__pow");
                names[pow] = name;
                before.Add(new DeclScalar(name, pow.Type, new Const(1, pow.Type)));
                after.Add(new Assign(new VarRef(name, pow.Type), AssignOp.Set, new Binary(BinaryOp.Mul, new VarRef(name, pow.Type), pow.Args[0], pow.Type)));
                explained.Add($"{ExprPrinter.CSharp.Print(pow)} computed as a running product over {loop.Var}");
            }
            var body = loop.Body.Select(st => IrRewriter.Map(st, x => x is Intrinsic p && names.TryGetValue(p, out var n) ? new VarRef(n, p.Type) : null)).ToList();
            body.AddRange(after);
            before.Add(loop with { Body = body.ToEquatable() });
            return before;
        }

        /// <summary>The loop counter, possibly converted to float/double.</summary>
        private static bool IsCounter(Expr e, string counter) => e switch
        {
            VarRef v => v.Name == counter,
            IR.Convert { Operand: VarRef v } => v.Name == counter,
            _ => false,
        };
    }
}
