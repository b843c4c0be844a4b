using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Differentiate
{
    /// <summary>
    /// The reverse sweep reads what the forward sweep kept instead of computing it again. The derivative rules recompute
    /// the partials of an intrinsic from its argument (<c>d sin(t) = cos(t) dt</c>, <c>d √s = ds / (2√s)</c>,
    /// <c>d tanh(u) = (1 − tanh²u) du</c>); when the forward sweep already holds that value in a local
    /// (<c>costheta = Math.Cos(theta)</c>, <c>theta = Math.Sqrt(sqtheta)</c>), the reverse sweep reads the local.
    /// Why: in per-observation code (bundle adjustment's rotation, a cell) these calls are most of a reverse sweep.
    /// Sound when the local's value at the reverse read equals the intrinsic's there: the local is assigned once (its
    /// definition, outside any loop), nothing its argument reads is assigned between the definition and the read (an
    /// assignment anywhere in a loop around the read counts), the arrays it reads are never written, the definition's
    /// enclosing ifs enclose the read with the same conditions (whose variables do not change either), and no call or
    /// whole-array store lies between. Anything else keeps the recomputation.
    /// </summary>
    internal static class ForwardValues
    {
        private sealed record Def(string Local, Expr Value, int At, EquatableArray<(Expr Condition, bool Then, int At)> Path);

        public static (EquatableArray<Stmt> Forward, EquatableArray<Stmt> Reverse) Reuse(EquatableArray<Stmt> forward, EquatableArray<Stmt> reverse)
        {
            var facts = new Facts();
            int next = 0;
            facts.Collect(forward, ref next, new List<(Expr, bool, int)>(), inLoop: false, defs: true);
            int at = next; // the reverse sweep is numbered after the forward sweep
            facts.Collect(reverse, ref next, new List<(Expr, bool, int)>(), inLoop: false, defs: false);
            var defs = facts.Defs.Where(facts.Stable).ToList();
            if (defs.Count == 0) return (forward, reverse);

            var rewritten = facts.Rewrite(reverse, ref at, new List<(Expr, bool)>(), -1, defs);
            return (forward, rewritten);
        }

        private sealed class Facts
        {
            public readonly List<Def> Defs = new();
            /// <summary>Where each scalar is assigned (statement numbers, both sweeps).</summary>
            private readonly Dictionary<string, List<int>> _assigned = new(StringComparer.Ordinal);
            private readonly HashSet<string> _writtenArrays = new(StringComparer.Ordinal);
            /// <summary>Statements nothing is known about (calls, whole-array stores): no reuse across them.</summary>
            private readonly List<int> _barriers = new();
            /// <summary>A return or method exit seen in the forward sweep.</summary>
            private bool _exited;
            /// <summary>Last statement number inside each loop, by the loop's own number.</summary>
            private readonly Dictionary<int, int> _loopEnd = new();

            public void Collect(IEnumerable<Stmt> stmts, ref int next, List<(Expr, bool, int)> path, bool inLoop, bool defs)
            {
                foreach (var s in stmts)
                {
                    int at = next++;
                    switch (s)
                    {
                        case Assign a:
                            if (a.Target is VarRef v) Assigned(v.Name, at);
                            else if (a.Target is ElemRef el) _writtenArrays.Add(el.Array);
                            else _barriers.Add(at);
                            if (defs && !inLoop && !_exited && a.Op == AssignOp.Set && a.Target is VarRef t && t.Type.IsReal && a.Value is Intrinsic)
                                Defs.Add(new Def(t.Name, a.Value, at, path.ToEquatable()));
                            break;
                        case DeclScalar d:
                            Assigned(d.Name, at);
                            if (defs && !inLoop && !_exited && d.Type.IsReal && d.Init is Intrinsic)
                                Defs.Add(new Def(d.Name, d.Init, at, path.ToEquatable()));
                            break;
                        case For f:
                            Assigned(f.Var, at);
                            Collect(f.Body, ref next, path, inLoop: true, defs);
                            _loopEnd[at] = next - 1;
                            break;
                        case If i:
                            path.Add((i.Condition, true, at));
                            Collect(i.Then, ref next, path, inLoop, defs);
                            path[path.Count - 1] = (i.Condition, false, at);
                            Collect(i.Else, ref next, path, inLoop, defs);
                            path.RemoveAt(path.Count - 1);
                            break;
                        case Block b: Collect(b.Body, ref next, path, inLoop, defs); break;
                        case Return or Break { Method: true }:
                            _exited = true; // an exit of the method may skip what follows: no definition after it is certain
                            break;
                        case Push or Comment or Continue or Break: break;
                        default: _barriers.Add(at); break;
                    }
                }
            }

            private void Assigned(string name, int at)
            {
                if (!_assigned.TryGetValue(name, out var list)) _assigned[name] = list = new List<int>();
                list.Add(at);
            }

            /// <summary>The local is assigned only by its definition; the value reads no call, pop or written array.</summary>
            public bool Stable(Def d) =>
                _assigned.TryGetValue(d.Local, out var list) && list.Count == 1 && list[0] == d.At
                && IrQueries.Descendants(d.Value).All(x => x switch
                {
                    Pop or Invoke or TableEntry => false,
                    ElemRef el => !_writtenArrays.Contains(el.Array),
                    ArrayRef or LengthOf => false,
                    _ => true,
                })
                && d.Path.All(p => !IrQueries.Descendants(p.Condition).Any(x => x is Pop or Invoke or TableEntry || x is ElemRef e && _writtenArrays.Contains(e.Array)));

            /// <summary>Nothing <paramref name="e"/> reads is assigned in (after, upTo], and no barrier lies there.</summary>
            private bool Unchanged(Expr e, int after, int upTo)
            {
                if (_barriers.Any(b => b > after && b <= upTo)) return false;
                foreach (var x in IrQueries.Descendants(e))
                    if (x is VarRef v && _assigned.TryGetValue(v.Name, out var list) && list.Any(p => p > after && p <= upTo)) return false;
                return true;
            }

            /// <param name="loopEnd">The last statement number of the outermost loop around these statements (-1: none): a
            /// read inside a loop sees the assignments of the whole loop (later iterations come after earlier ones).</param>
            public EquatableArray<Stmt> Rewrite(IEnumerable<Stmt> stmts, ref int next, List<(Expr Condition, bool Then)> path, int loopEnd, List<Def> defs)
            {
                var output = new List<Stmt>();
                foreach (var s in stmts)
                {
                    int at = next++;
                    int upTo = loopEnd >= 0 ? loopEnd : at;
                    switch (s)
                    {
                        case For f:
                            {
                                int end = loopEnd >= 0 ? loopEnd : _loopEnd[at];
                                // the bound and the while condition are evaluated on every iteration: after the body's assignments too
                                var bounds = Reads(f with { Body = EquatableArray<Stmt>.Empty }, end, path, defs);
                                var body = Rewrite(f.Body, ref next, path, end, defs);
                                output.Add(((For)bounds) with { Body = body });
                                break;
                            }
                        case If i:
                            {
                                var cond = Map(i.Condition, upTo, path, defs);
                                path.Add((i.Condition, true));
                                var then = Rewrite(i.Then, ref next, path, loopEnd, defs);
                                path[path.Count - 1] = (i.Condition, false);
                                var @else = Rewrite(i.Else, ref next, path, loopEnd, defs);
                                path.RemoveAt(path.Count - 1);
                                output.Add(i with { Condition = cond, Then = then, Else = @else });
                                break;
                            }
                        case Block b:
                            output.Add(b with { Body = Rewrite(b.Body, ref next, path, loopEnd, defs) });
                            break;
                        default:
                            output.Add(Reads(s, upTo, path, defs));
                            break;
                    }
                }
                return output.ToEquatable();
            }

            private Stmt Reads(Stmt s, int upTo, List<(Expr Condition, bool Then)> path, List<Def> defs) =>
                IrRewriter.Map(s, e => Kept(e, upTo, path, defs));

            private Expr Map(Expr e, int upTo, List<(Expr Condition, bool Then)> path, List<Def> defs) =>
                IrRewriter.Map(e, x => Kept(x, upTo, path, defs));

            /// <summary>The local holding <paramref name="e"/> at a read numbered up to <paramref name="upTo"/>, or null.</summary>
            private Expr? Kept(Expr e, int upTo, List<(Expr Condition, bool Then)> path, List<Def> defs)
            {
                if (e is not Intrinsic) return null;
                foreach (var d in defs)
                {
                    if (!d.Value.Equals(e)) continue;
                    // every if around the definition is also around the read (same condition, same branch), and what
                    // the condition reads has not changed since the forward sweep evaluated it: the definition ran
                    bool enclosed = true;
                    foreach (var (condition, then, ifAt) in d.Path)
                        enclosed &= path.Any(p => p.Condition.Equals(condition) && p.Then == then) && Unchanged(condition, ifAt, upTo);
                    if (enclosed && Unchanged(d.Value, d.At, upTo)) return new VarRef(d.Local, e.Type);
                }
                return null;
            }
        }
    }
}
