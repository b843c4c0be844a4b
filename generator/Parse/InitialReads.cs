using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Parse
{
    /// <summary>
    /// Which outputs the method reads before it writes them: a float/double array parameter the method writes, some read of
    /// which may see the value the caller passed in (<c>x[i] = x[i] * x[i]</c> in place, <c>y[i] += v</c> into the caller's
    /// buffer). The gradient with respect to those entry values is what the reverse sweep leaves in the output's adjoint;
    /// Backward hands it back through the output's gradient buffer, which is then in and out
    /// (<see cref="ParamModel.ReadsInitial"/>). Without this, that part of the gradient would be dropped silently.
    /// <para>
    /// Conservative by construction (a wrong "no" loses a gradient, a wrong "yes" only makes Backward write zeros back): a read
    /// is of an entry value unless a write of the same element certainly came before it, that is
    /// </para>
    /// <list type="bullet">
    /// <item>an unconditional <c>a[e1, e2] = ...</c> earlier in the same or an enclosing body, with the same index expressions
    ///   and no variable they read assigned since; or</item>
    /// <item>a loop <c>for (i = 0; i &lt; B; i++)</c> whose body writes <c>a[..., i, ...]</c> unconditionally (no exit from the
    ///   body): it covers the range <c>[0, B)</c>, which a later read <c>a[..., j, ...]</c> uses when j counts inside
    ///   <c>[0, B)</c> (or when B is that dimension's length: every index).</item>
    /// </list>
    /// Branches keep what both sides write. A call that writes the array adds nothing; passing the whole array (or a row) counts
    /// as reading it unless every element is covered.
    /// </summary>
    internal static class InitialReads
    {
        /// <summary>The parameters with <see cref="ParamModel.ReadsInitial"/> set where the body may read an entry value.</summary>
        /// <param name="madeByEntryPoints">Outputs the entry points allocate themselves (a returned array, an <c>out</c> result, a
        /// tuple element): their entry values are not the caller's, so they keep a read-only upstream gradient.</param>
        public static EquatableArray<ParamModel> Mark(EquatableArray<ParamModel> ps, IReadOnlyList<Stmt> body, ICollection<string> madeByEntryPoints)
        {
            bool Candidate(ParamModel p) => p.IsWritten && p.Type.IsReal && p.Type.IsArray && !madeByEntryPoints.Contains(p.Name);
            if (!ps.Any(Candidate)) return ps;
            return ps.Select(p => Candidate(p) && new Walker(p.Name).ReadsEntry(body) ? p with { ReadsInitial = true } : p).ToEquatable();
        }

        private enum Kind { Exact, Range, Whole }

        /// <summary>One index position of a covered set: one index (its C# text), the counters 0..Bound, or the whole dimension.</summary>
        private sealed record Comp(Kind Kind, string Key);

        /// <summary>Elements certainly written: the cross product of the components; Vars: what the index and bound expressions read.</summary>
        private sealed class Fact
        {
            public Fact(Comp[] comps, HashSet<string> vars)
            {
                Comps = comps;
                Vars = vars;
                Key = string.Join(" | ", comps.Select(c => c.Kind + ":" + c.Key));
            }

            public Comp[] Comps { get; }
            public HashSet<string> Vars { get; }
            public string Key { get; }
        }

        private sealed class Walker
        {
            private readonly string _array;
            private readonly List<For> _loops = new();
            private bool _found;

            public Walker(string array) => _array = array;

            public bool ReadsEntry(IReadOnlyList<Stmt> body)
            {
                Walk(body, new List<Fact>());
                return _found;
            }

            private static string Print(Expr e) => ExprPrinter.CSharp.Print(e);

            private static void Names(Expr e, HashSet<string> into)
            {
                foreach (var d in IrQueries.Descendants(e))
                {
                    if (d is VarRef v) into.Add(v.Name);
                    else if (d is ElemRef el) into.Add(el.Array);
                    else if (d is ArrayRef ar) into.Add(ar.Array);
                }
            }

            private static void Kill(List<Fact> facts, string name) => facts.RemoveAll(f => f.Vars.Contains(name));

            private void Walk(IReadOnlyList<Stmt> stmts, List<Fact> facts)
            {
                foreach (var s in stmts)
                {
                    if (_found) return;
                    switch (s)
                    {
                        case DeclScalar d:
                            if (d.Init is { } init) Check(init, facts);
                            Kill(facts, d.Name);
                            break;
                        case DeclArray da:
                            foreach (var z in da.Sizes) Check(z, facts);
                            Kill(facts, da.Name);
                            break;
                        case Assign a:
                            if (a.Target is ElemRef t) foreach (var ix in t.Indices) Check(ix, facts);
                            if (a.Op != AssignOp.Set) Check(a.Target, facts);
                            Check(a.Value, facts);
                            if (a.Target is VarRef v) Kill(facts, v.Name);
                            else if (a.Target is ElemRef el && el.Array != _array) Kill(facts, el.Array); // an int index array changed
                            else if (a.Target is ElemRef w && a.Op == AssignOp.Set)
                            {
                                var vars = new HashSet<string>(System.StringComparer.Ordinal);
                                foreach (var ix in w.Indices) Names(ix, vars);
                                var fact = new Fact(w.Indices.Select(ix => new Comp(Kind.Exact, Print(ix))).ToArray(), vars);
                                if (!facts.Any(f => f.Key == fact.Key)) facts.Add(fact);
                            }
                            break;
                        case For f:
                            WalkFor(f, facts);
                            break;
                        case If i:
                            {
                                Check(i.Condition, facts);
                                var then = new List<Fact>(facts);
                                Walk(i.Then, then);
                                var other = new List<Fact>(facts);
                                Walk(i.Else, other);
                                var both = new HashSet<string>(other.Select(f => f.Key), System.StringComparer.Ordinal);
                                facts.Clear();
                                facts.AddRange(then.Where(f => both.Contains(f.Key)));
                                break;
                            }
                        case Block b:
                            Walk(b.Body, facts);
                            break;
                        case Comment or Continue or Break:
                            break;
                        default:
                            // a call statement, a return, and anything a later stage adds: every expression it evaluates is a read;
                            // what it writes adds no coverage, and the ints it may change drop the facts that read them
                            foreach (var e in IrQueries.ExprsOf(s)) Check(e, facts);
                            var written = new HashSet<string>(System.StringComparer.Ordinal);
                            IrQueries.Writes(new[] { s }, written);
                            foreach (var n in written) if (n != _array) Kill(facts, n);
                            break;
                    }
                }
            }

            private void WalkFor(For f, List<Fact> facts)
            {
                Check(f.Start, facts);
                Check(f.Bound, facts);
                // what the body changes (and the counter) may differ from one iteration to the next
                var written = new HashSet<string>(System.StringComparer.Ordinal) { f.Var };
                IrQueries.Writes(f.Body, written);
                foreach (var n in written) if (n != _array) Kill(facts, n);
                if (f.While is { } cond) Check(cond, facts);

                var body = new List<Fact>(facts);
                _loops.Add(f);
                Walk(f.Body, body);
                _loops.RemoveAt(_loops.Count - 1);
                if (_found) return;

                // A counted loop from 0 by 1 that writes a[..., i, ...] on every iteration covers [0, Bound) at that position.
                bool counted = f.Start is Const { Value: 0 } && f.Step == 1 && f.Cmp == BinaryOp.Lt && f.While is null && !f.Body.Any(Exits);
                if (!counted) return;
                var boundVars = new HashSet<string>(System.StringComparer.Ordinal);
                Names(f.Bound, boundVars);
                if (boundVars.Overlaps(written)) return;
                var before = new HashSet<string>(facts.Select(x => x.Key), System.StringComparer.Ordinal);
                foreach (var fact in body)
                {
                    if (before.Contains(fact.Key)) continue;
                    int at = -1;
                    bool ok = true;
                    for (int k = 0; k < fact.Comps.Length && ok; k++)
                    {
                        var c = fact.Comps[k];
                        if (c.Kind == Kind.Exact && c.Key == f.Var) { if (at >= 0) ok = false; else at = k; }
                        else if (c.Kind == Kind.Exact && MentionsVar(c.Key, fact, f.Var)) ok = false;
                    }
                    if (!ok || at < 0) continue;
                    // the other positions must be the same on every iteration
                    var others = new HashSet<string>(fact.Vars, System.StringComparer.Ordinal);
                    others.Remove(f.Var);
                    if (others.Overlaps(written)) continue;
                    var comps = (Comp[])fact.Comps.Clone();
                    comps[at] = IsWholeDim(f.Bound, at, comps) ? new Comp(Kind.Whole, "") : new Comp(Kind.Range, Print(f.Bound));
                    others.UnionWith(boundVars);
                    var promoted = new Fact(comps, others);
                    if (!facts.Any(x => x.Key == promoted.Key)) facts.Add(promoted);
                }
            }

            // The counter appears inside another index expression (a[i, i + 1]): not a plain range.
            private static bool MentionsVar(string key, Fact fact, string var) => fact.Vars.Contains(var) && key != var && key.Contains(var);

            private static bool Exits(Stmt s) => s switch
            {
                Break or Continue or Return => true,
                If i => i.Then.Any(Exits) || i.Else.Any(Exits),
                Block b => b.Body.Any(Exits),
                _ => false, // a nested loop's own exits stay inside it
            };

            /// <summary>Is <paramref name="bound"/> the length of the array along index position <paramref name="at"/>?</summary>
            private bool IsWholeDim(Expr bound, int at, Comp[] comps)
            {
                if (bound is not LengthOf l || l.Array != _array) return false;
                switch (l.ArrayType.Shape)
                {
                    case Shape.Vector: return at == 0 && l.Row is null && l.Dim <= 0;
                    case Shape.Matrix: return l.Row is null && l.Dim == at;
                    case Shape.Jagged:
                        if (at == 0) return l.Row is null && l.Dim <= 0;
                        return l.Row is { } row && comps[0].Kind == Kind.Exact && comps[0].Key == Print(row);
                    default: return false;
                }
            }

            private void Check(Expr e, List<Fact> facts)
            {
                foreach (var d in IrQueries.Descendants(e))
                {
                    if (_found) return;
                    if (d is ElemRef el && el.Array == _array && !Covered(el.Indices, facts)) _found = true;
                    else if (d is ArrayRef ar && ar.Array == _array && !WholeCovered(ar.Row, facts)) _found = true;
                }
            }

            private bool Covered(EquatableArray<Expr> indices, List<Fact> facts)
            {
                foreach (var f in facts)
                {
                    if (f.Comps.Length != indices.Count) continue;
                    bool all = true;
                    for (int k = 0; k < indices.Count && all; k++) all = Matches(f.Comps[k], indices[k]);
                    if (all) return true;
                }
                return false;
            }

            private bool WholeCovered(Expr? row, List<Fact> facts) => facts.Any(f =>
                row is null ? f.Comps.All(c => c.Kind == Kind.Whole)
                    : f.Comps.Length == 2 && Matches(f.Comps[0], row) && f.Comps[1].Kind == Kind.Whole);

            private bool Matches(Comp c, Expr index)
            {
                switch (c.Kind)
                {
                    case Kind.Whole: return true; // C# checks the index against the length: every element it can reach is covered
                    case Kind.Exact: return Print(index) == c.Key;
                    default:
                        // a counter of an enclosing loop that stays inside [0, Bound), or that counter minus a constant it starts at or above
                        double shift = 0;
                        if (index is Binary { Op: BinaryOp.Sub, Left: VarRef, Right: Const { Value: > 0 } sc }) { shift = sc.Value; index = ((Binary)index).Left; }
                        if (index is not VarRef v) return false;
                        var loop = _loops.LastOrDefault(l => l.Var == v.Name);
                        if (loop is null) return false;
                        if (loop.Step > 0)
                            return loop.Start is Const st0 && st0.Value >= shift && loop.Cmp == BinaryOp.Lt && Print(loop.Bound) == c.Key;
                        if (shift != 0) return false;
                        // for (i = B - 1; i >= 0; i--)
                        return loop.Cmp == BinaryOp.Ge && loop.Bound is Const { Value: >= 0 }
                            && loop.Start is Binary { Op: BinaryOp.Sub, Right: Const { Value: 1 } } st && Print(st.Left) == c.Key;
                }
            }
        }
    }
}
