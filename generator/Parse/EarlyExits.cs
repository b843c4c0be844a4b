using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Parse
{
    /// <summary>
    /// Lowers <c>break</c> and a <c>return</c> inside a loop or an if to flags, so Differentiate only sees structured
    /// loops whose exit condition (<see cref="For.While"/>) reads them:
    /// <list type="bullet">
    /// <item><c>break</c> becomes <c>__brk = true</c> (a bool local declared false just before its loop); the statements
    ///   after the statement that may break are guarded by <c>if (!__brk)</c>, and the loop's exit condition gets
    ///   <c>!__brk</c>;</item>
    /// <item>a <c>return e</c> inside a loop or an if becomes <c>__ret = e; __done = true</c> (method-level locals); the
    ///   statements after it are guarded by <c>if (!__done)</c> at every level up to the method's body, every enclosing
    ///   loop gets <c>!__done</c> in its exit condition, and the method ends with <c>return __ret</c>.</item>
    /// </list>
    /// The flags are reassigned bools: the reverse sweep restores them from the bool tape, so every guard it recomputes
    /// sees the value the forward sweep saw. A loop whose exit condition is not its bound stores its counter's exit value
    /// (its trip count) on the int tape; the reverse sweep runs that many iterations backwards. The condition itself
    /// carries no derivative (piecewise: exact almost everywhere, as for if/else).
    /// </summary>
    internal static class EarlyExits
    {
        /// <summary>
        /// Replaces the <see cref="Break"/>s of one statement list (not those of nested loops, lowered with those loops):
        /// <c>Method: false</c> ones set <paramref name="brk"/>, <c>Method: true</c> ones (returns) set <paramref name="done"/>,
        /// and what follows a statement that may set either runs under <c>if (!flag)</c>.
        /// </summary>
        public static List<Stmt> Normalize(IReadOnlyList<Stmt> stmts, string? brk, string? done)
        {
            var result = new List<Stmt>();
            for (int i = 0; i < stmts.Count; i++)
            {
                var s = stmts[i];
                if (s is Break b)
                {
                    var flag = b.Method ? done : brk;
                    if (flag is not null) result.Add(new Assign(new VarRef(flag, IrType.Bool), AssignOp.Set, new Const(1, IrType.Bool)));
                    return result; // what follows is unreachable
                }
                bool breaks = brk is not null && MayBreak(s, method: false);
                bool returns = done is not null && (MayBreak(s, method: true) || Sets(s, done));
                if (s is If f && (breaks || returns))
                    s = f with { Then = Normalize(f.Then, brk, done).ToEquatable(), Else = Normalize(f.Else, brk, done).ToEquatable() };
                result.Add(s);
                if (!breaks && !returns || i == stmts.Count - 1) continue;
                var rest = Normalize(stmts.Skip(i + 1).ToList(), brk, done);
                if (rest.Count > 0)
                    result.Add(new If(NotAny(breaks ? brk : null, returns ? done : null)!, rest.ToEquatable(), EquatableArray<Stmt>.Empty));
                return result;
            }
            return result;
        }

        /// <summary><c>!a &amp;&amp; !b</c> for the flags that are not null; null when both are.</summary>
        public static Expr? NotAny(string? a, string? b)
        {
            Expr? Not(string? f) => f is null ? null : new Unary(UnaryOp.Not, new VarRef(f, IrType.Bool), IrType.Bool);
            var x = Not(a);
            var y = Not(b);
            return x is null ? y : y is null ? x : new Binary(BinaryOp.And, x, y, IrType.Bool);
        }

        /// <summary>Conjunction, skipping nulls.</summary>
        public static Expr? And(params Expr?[] parts)
        {
            Expr? r = null;
            foreach (var p in parts)
                if (p is not null) r = r is null ? p : new Binary(BinaryOp.And, r, p, IrType.Bool);
            return r;
        }

        /// <summary>A <see cref="Break"/> of this kind in the statement, outside nested loops.</summary>
        public static bool MayBreak(Stmt s, bool method) => s switch
        {
            Break b => b.Method == method,
            If i => i.Then.Any(x => MayBreak(x, method)) || i.Else.Any(x => MayBreak(x, method)),
            Block b => b.Body.Any(x => MayBreak(x, method)),
            _ => false,
        };

        /// <summary>Does the statement (deeply, nested loops included) assign the flag?</summary>
        public static bool Sets(Stmt s, string flag)
        {
            var w = new HashSet<string>(System.StringComparer.Ordinal);
            IrQueries.Writes(new[] { s }, w);
            return w.Contains(flag);
        }
    }
}
