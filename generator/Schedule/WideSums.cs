using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Schedule
{
    /// <summary>
    /// Schedule: which float sums run in a double accumulator on the CPU. A float scalar that a loop only adds into
    /// (<c>s += e</c> / <c>s -= e</c>, never read, set or declared inside the loop) is a reduction over every iteration
    /// of the nest; summed in float32 one term at a time its error grows with the number of terms, and the scalar
    /// adjoints of shared parameters (a temperature, a logit scale: N² terms that largely cancel) lost three to
    /// five digits at B = 4096. The outermost such loop is marked; the C# writer prints a double accumulator before
    /// it and adds the total into the float once after it. SIMD loops keep their vector lanes (a lane sums at most
    /// N / Count terms) and add each lane total into the double. The CUDA code already sums in double per thread.
    /// </summary>
    internal static class WideSums
    {
        public static Differentiate.AdjointModel Run(Differentiate.AdjointModel a) => a with
        {
            Method = a.Method with { Body = Mark(a.Method.Body, new HashSet<string>(StringComparer.Ordinal)) },
            ForwardSweep = Mark(a.ForwardSweep, new HashSet<string>(StringComparer.Ordinal)),
            ReverseSweep = Mark(a.ReverseSweep, new HashSet<string>(StringComparer.Ordinal)),
        };

        /// <param name="widened">scalars an enclosing loop already sums in double (not marked again inside).</param>
        private static EquatableArray<Stmt> Mark(IEnumerable<Stmt> stmts, HashSet<string> widened)
            => stmts.Select(s => MarkStmt(s, widened)).ToEquatable();

        private static Stmt MarkStmt(Stmt s, HashSet<string> widened)
        {
            switch (s)
            {
                case For f:
                    {
                        var sums = PureFloatSums(f).Where(v => !widened.Contains(v)).OrderBy(v => v, StringComparer.Ordinal).ToList();
                        var inner = new HashSet<string>(widened, StringComparer.Ordinal);
                        inner.UnionWith(sums);
                        return f with { Body = Mark(f.Body, inner), WideSums = sums.ToEquatable() };
                    }
                case If i: return i with { Then = Mark(i.Then, widened), Else = Mark(i.Else, widened) };
                case Block b: return b with { Body = Mark(b.Body, widened) };
                default: return s; // a VectorFor keeps its lanes
            }
        }

        /// <summary>Float scalars that the loop (deeply) only adds into.</summary>
        private static IEnumerable<string> PureFloatSums(For loop)
        {
            var sums = new HashSet<string>(StringComparer.Ordinal);
            var other = new HashSet<string>(StringComparer.Ordinal);
            if (loop.While is not null) return Array.Empty<string>(); // it leaves on a condition: its inner loops may sum in double
            if (!Visit(loop.Body, sums, other)) return Array.Empty<string>();
            sums.ExceptWith(other);
            return sums;
        }

        /// <summary>Sorts every scalar mention into sums (targets of += / -=) and other uses; false for a statement it does not know.</summary>
        private static bool Visit(IEnumerable<Stmt> stmts, HashSet<string> sums, HashSet<string> other)
        {
            foreach (var s in stmts)
            {
                switch (s)
                {
                    case Assign { Target: VarRef v, Op: AssignOp.Add or AssignOp.Sub } a when v.Type == IrType.Float:
                        sums.Add(v.Name);
                        Reads(a.Value, other);
                        break;
                    case Assign a:
                        if (a.Target is VarRef t) other.Add(t.Name); else Reads(a.Target, other);
                        Reads(a.Value, other);
                        break;
                    case DeclScalar d:
                        other.Add(d.Name);
                        if (d.Init is not null) Reads(d.Init, other);
                        break;
                    case DeclArray d: foreach (var x in d.Sizes) Reads(x, other); break;
                    case For f:
                        other.Add(f.Var);
                        Reads(f.Start, other); Reads(f.Bound, other);
                        if (f.While is not null) Reads(f.While, other);
                        if (!Visit(f.Body, sums, other)) return false;
                        break;
                    case VectorFor v:
                        Reads(v.Loop.Start, other); Reads(v.Loop.Bound, other);
                        if (!Visit(v.Loop.Body, sums, other)) return false;
                        break;
                    case If i:
                        Reads(i.Condition, other);
                        if (!Visit(i.Then, sums, other) || !Visit(i.Else, sums, other)) return false;
                        break;
                    case Block b:
                        if (!Visit(b.Body, sums, other)) return false;
                        break;
                    case Push p: Reads(p.Value, other); break;
                    case PushAll or PopAll or Comment or Continue or Contract or ContractAdjoint: break;
                    case CallStmt c: Reads(c.Call, other); break;
                    case AdjointCall c:
                        foreach (var x in c.Args) Reads(x, other);
                        foreach (var x in c.Adjoints) Reads(x, other);
                        if (c.Seed is not null) Reads(c.Seed, other);
                        break;
                    case Return r:
                        if (r.Value is not null) Reads(r.Value, other);
                        break;
                    default:
                        return false;
                }
            }
            return true;
        }

        private static void Reads(Expr e, HashSet<string> into)
        {
            foreach (var d in IrQueries.Descendants(e))
                if (d is VarRef v) into.Add(v.Name);
        }

        /// <summary>The double accumulator's name for <paramref name="sum"/>.</summary>
        public static string AccumulatorOf(string sum) => "__wide_" + sum;

        /// <summary>The loop body with every <c>sum += e</c> of the marked scalars retargeted to their double accumulators.</summary>
        public static EquatableArray<Stmt> Retarget(For loop)
        {
            var names = new HashSet<string>(loop.WideSums, StringComparer.Ordinal);
            return loop.Body.Select(s => Retarget(s, names)).ToEquatable();
        }

        private static Stmt Retarget(Stmt s, HashSet<string> names) => s switch
        {
            Assign { Target: VarRef v } a when names.Contains(v.Name) => a with { Target = new VarRef(AccumulatorOf(v.Name), IrType.Double) },
            For f => f with { Body = f.Body.Select(x => Retarget(x, names)).ToEquatable() },
            VectorFor v => v with { Loop = v.Loop with { Body = v.Loop.Body.Select(x => Retarget(x, names)).ToEquatable() } },
            If i => i with { Then = i.Then.Select(x => Retarget(x, names)).ToEquatable(), Else = i.Else.Select(x => Retarget(x, names)).ToEquatable() },
            Block b => b with { Body = b.Body.Select(x => Retarget(x, names)).ToEquatable() },
            _ => s,
        };
    }
}
