using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Schedule
{
    /// <summary>
    /// Schedule: the CPU cores of row-block fusion (<see cref="RowBlockFusion"/>). The blocks of a <see cref="RowBlocks"/>
    /// run on several workers, a contiguous range of blocks each, when a block depends on no other block:
    /// <list type="bullet">
    /// <item>every scalar the body writes is the block's own: private to an iteration of a forward loop (checked by
    /// <see cref="RowBlockFusion"/>), or, in the reverse loops, private to an iteration, reset to a constant at the end of
    /// every iteration (the worker holding the first block starts from the caller's value, the others from the constant),
    /// or a sum nothing reads; and none of them is read after the blocks (outside them the pass only declares or resets them);</item>
    /// <item>arrays other than the panels are only added into (never read in the body): each worker adds into its own
    /// zeroed copy, the first worker into the array itself, the copies are added in worker order afterwards (a fixed order:
    /// the same result for a given number of workers); the contraction's rows a block writes (<see cref="ContractRows"/>,
    /// the adjoint rows <see cref="ContractRowsAdjoint"/> clears) are that block's alone;</item>
    /// <item>the body declares no arrays and calls nothing but the kernels above; restore tapes are per worker (a block
    /// pops what it pushed).</item>
    /// </list>
    /// Otherwise the blocks run in order on one core and <see cref="RowBlockCores.WhyNot"/> says why.
    /// </summary>
    internal static class RowBlockCoresPlanner
    {
        /// <summary>Every RowBlocks of the list (inside the tile-fused branches) with its decision; <paramref name="context"/>: the whole pass.</summary>
        /// <paramref name="liveOut"/>: names whose value leaves the method (parameters, their adjoints, the seed and the result):
        /// a worker's copy of one would be lost.
        /// <paramref name="hoisted"/>: the scalars the pass declares at the method's top (its statements assign them).
        public static EquatableArray<Stmt> Run(EquatableArray<Stmt> list, IReadOnlyList<Stmt> context, ISet<string> liveOut, ISet<string> hoisted) =>
            list.Select(s => s switch
            {
                TileChoice c => c with { Fused = Run(c.Fused, context, liveOut, hoisted) },
                RowBlocks r => r with { Cores = Decide(r, context, liveOut, hoisted) },
                _ => s,
            }).ToEquatable();

        /// <summary>The statements of a pass as the fused branch runs them: tile choices' fused statements, row blocks left out.</summary>
        public static List<Stmt> Context(IEnumerable<Stmt> pass)
        {
            var list = new List<Stmt>();
            foreach (var s in pass)
            {
                if (s is TileChoice c) list.AddRange(Context(c.Fused));
                else if (s is not RowBlocks) list.Add(s);
            }
            return list;
        }

        private sealed class Names
        {
            public readonly SortedDictionary<string, IrType> Arrays = new(StringComparer.Ordinal);
            public readonly SortedDictionary<string, IrType> Read = new(StringComparer.Ordinal);
            public readonly SortedDictionary<string, IrType> Written = new(StringComparer.Ordinal);
            public readonly SortedDictionary<string, IrType> Accumulated = new(StringComparer.Ordinal);
            public readonly HashSet<string> RowsOwned = new(StringComparer.Ordinal);   // contraction rows a block writes or clears
            public readonly HashSet<string> BlockLocal = new(StringComparer.Ordinal);  // names the printed block declares (panels' views, bounds)
            public readonly SortedSet<Scalar> Tapes = new();
            public string? Unsupported;
        }

        private static RowBlockCores Decide(RowBlocks r, IReadOnlyList<Stmt> context, ISet<string> liveOut, ISet<string> hoisted)
        {
            var n = new Names();
            n.BlockLocal.Add(r.Name);
            n.BlockLocal.Add(r.Name + "_lo");
            n.BlockLocal.Add(r.Name + "_hi");
            foreach (var p in r.Panels) n.BlockLocal.Add(p.Name);
            Expr(r.Rows, n);
            Expr(r.Cols, n);
            foreach (var p in r.Panels) foreach (var x in p.Sizes) Expr(x, n);
            foreach (var s in r.Body) Walk(s, n);

            string? why = n.Unsupported;
            var panels = new HashSet<string>(r.Panels.Select(p => p.Name), StringComparer.Ordinal);
            foreach (var a in n.Accumulated.Keys)
            {
                if (why is not null) break;
                if (panels.Contains(a) || n.BlockLocal.Contains(a)) continue;
                if (n.Accumulated[a].Shape is not (Shape.Vector or Shape.Matrix)) why = $"{a}, added into by every block, is not a T[] or T[,] (no per-worker copy)";
                else if (r.Body.Any(s => ReadsArray(s, a))) why = $"{a} is added into and read in the blocks";
            }
            foreach (var a in n.RowsOwned)
            {
                if (why is not null) break;
                if (r.Body.Any(s => s is not ContractRows and not ContractRowsAdjoint && Uses(s, a))) why = $"{a}, whose rows a block writes, is used by the loops of the blocks";
            }

            // Scalars: the forward loops' are private (RowBlockFusion checked); the reverse loops' are classified here.
            var entry = new List<RowBlockName>();
            int ca = IndexOf(r.Body, s => s is ContractRowsAdjoint);
            if (why is null && r.Descending && ca >= 0)
            {
                var fwd = r.Body.Take(ca).ToList();
                var rev = r.Body.Skip(ca + 1).ToList();
                var fwdWrites = new HashSet<string>(StringComparer.Ordinal);
                foreach (var s in fwd) ScalarWrites(s, fwdWrites);
                var revWrites = new SortedSet<string>(StringComparer.Ordinal);
                foreach (var s in rev) ScalarWrites(s, revWrites);
                foreach (var x in revWrites)
                {
                    if (fwdWrites.Contains(x)) continue; // the block's forward iterations set it before its reverse ones read it
                    if (fwd.Any(s => Uses(s, x))) { why = $"'{x}' is written by the reverse loops and read by the recomputed forward loops (a value carried from one block to the next)"; break; }
                    var loops = rev.Where(s => Uses(s, x)).ToList();
                    if (loops.All(l => LoopOf(l) is { } f && f.Var == x)) continue;
                    if (loops.All(l => LoopOf(l) is { } f && PrivateTo(f.Body, x))) continue;
                    if (rev.All(s => OnlySummed(s, x))) continue; // a sum nothing in the blocks reads (not read after them either, below)
                    double? reset = null;
                    bool resets = loops.All(l =>
                    {
                        if (LoopOf(l) is not { } f || f.While is not null) return false;
                        if (SkipsRest(f.Body)) return false; // a continue could skip the reset
                        var last = Flat(f.Body).LastOrDefault(s => Uses(s, x));
                        if (last is not Assign { Target: VarRef v, Op: AssignOp.Set, Value: Const c } || v.Name != x) return false;
                        if (reset is { } had && had != c.Value) return false;
                        reset = c.Value;
                        return true;
                    });
                    if (!resets || reset is null) { why = $"'{x}' carries a value from one iteration of the reverse loops to the next (from one block to the next)"; break; }
                    entry.Add(new RowBlockName(x, n.Written[x], reset.Value));
                }
            }

            if (why is null && n.Written.Keys.FirstOrDefault(liveOut.Contains) is { } leaves)
                why = $"'{leaves}', written in the blocks, leaves the method (a parameter, its adjoint, the seed or the result)";
            if (why is null)
                foreach (var x in n.Written.Keys)
                {
                    var user = context.FirstOrDefault(s => ReadAfter(s, x));
                    if (user is not null) { why = $"'{x}', written in the blocks, is read outside them (the last block's value)"; break; }
                }

            var inputs = new List<RowBlockName>();
            foreach (var kv in n.Arrays)
                if (!panels.Contains(kv.Key) && !n.BlockLocal.Contains(kv.Key)) inputs.Add(new RowBlockName(kv.Key, kv.Value));
            foreach (var kv in n.Read)
                if (!n.Written.ContainsKey(kv.Key) && !n.BlockLocal.Contains(kv.Key)) inputs.Add(new RowBlockName(kv.Key, kv.Value));
            var locals = n.Written.Select(kv => new RowBlockName(kv.Key, kv.Value)).ToList();
            var accumulated = n.Accumulated.Where(kv => !panels.Contains(kv.Key) && !n.BlockLocal.Contains(kv.Key)).Select(kv => new RowBlockName(kv.Key, kv.Value)).ToList();
            // A worker declares at its top what the blocks assign without declaring, and what the pass hoists (printed as
            // assignments there); a local the blocks declare themselves stays theirs.
            var declaredInBlocks = new HashSet<string>(StringComparer.Ordinal);
            void Declares(IEnumerable<Stmt> body)
            {
                foreach (var s in DevicePlanner.Flatten(body))
                    switch (s)
                    {
                        case DeclScalar d: declaredInBlocks.Add(d.Name); break;
                        case For f: declaredInBlocks.Add(f.Var); break;
                        case VectorFor v: declaredInBlocks.Add(v.Loop.Var); break; // Flatten enters its body, not the loop
                        case TiledLoop t: Declares(new Stmt[] { t.Loop }); break;
                    }
            }
            Declares(r.Body);
            var declared = locals.Where(x => hoisted.Contains(x.Name) || !declaredInBlocks.Contains(x.Name)).ToList();
            return new RowBlockCores(why, inputs.ToEquatable(), locals.ToEquatable(), accumulated.ToEquatable(), entry.ToEquatable(), n.Tapes.Select(t => new IrType(t, Shape.Scalar)).ToList().ToEquatable(),
                declared.ToEquatable());
        }

        // ------------------------------------------------------------ what the body names

        private static void Walk(Stmt s, Names n)
        {
            switch (s)
            {
                case Assign a:
                    if (a.Target is VarRef v) { n.Written[v.Name] = v.Type; if (a.Op != AssignOp.Set) n.Read[v.Name] = v.Type; }
                    else if (a.Target is ElemRef el)
                    {
                        n.Arrays[el.Array] = el.ArrayType;
                        if (a.Op != AssignOp.Set) n.Accumulated[el.Array] = el.ArrayType;
                        foreach (var i in el.Indices) Expr(i, n);
                    }
                    Expr(a.Value, n);
                    break;
                case DeclScalar d:
                    n.Written[d.Name] = d.Type;
                    if (d.Init is not null) Expr(d.Init, n);
                    break;
                case For f:
                    n.Written[f.Var] = IrType.Int;
                    Expr(f.Start, n);
                    Expr(f.Bound, n);
                    if (f.While is not null) Expr(f.While, n);
                    foreach (var x in f.Body) Walk(x, n);
                    break;
                case VectorFor vf: Walk(vf.Loop, n); break;
                case TiledLoop t:
                    foreach (var p in t.Panels)
                    {
                        n.BlockLocal.Add(p.Name);
                        n.BlockLocal.Add(p.Name + "_v");
                        n.BlockLocal.Add(p.Name + "_a");
                        n.BlockLocal.Add(p.Name + "_lo");
                        Array(p.Source.A, n);
                        Array(p.Source.B, n);
                        Expr(p.Source.K, n);
                        Expr(p.RowOffset, n);
                        if (p.AAdj is not null) { Array(p.AAdj, n); n.Accumulated[p.AAdj.Array] = p.AAdj.ArrayType; }
                        if (p.BAdj is not null) { Array(p.BAdj, n); n.Accumulated[p.BAdj.Array] = p.BAdj.ArrayType; }
                    }
                    Walk(t.Loop, n);
                    break;
                case TileEnsure e:
                    n.BlockLocal.Add(e.Panel + "_lo");
                    Expr(e.Row, n);
                    break;
                case TableEntryAdjoint e:
                    Array(e.Source.A, n);
                    Array(e.Source.B, n);
                    Array(e.AAdj, n);
                    Array(e.BAdj, n);
                    n.Accumulated[e.AAdj.Array] = e.AAdj.ArrayType;
                    n.Accumulated[e.BAdj.Array] = e.BAdj.ArrayType;
                    Expr(e.Row, n);
                    Expr(e.Col, n);
                    Expr(e.Value, n);
                    break;
                case If i:
                    Expr(i.Condition, n);
                    foreach (var x in i.Then.Concat(i.Else)) Walk(x, n);
                    break;
                case Block b:
                    foreach (var x in b.Body) Walk(x, n);
                    break;
                case Push p:
                    n.Tapes.Add(p.Value.Type.Elem);
                    Expr(p.Value, n);
                    break;
                case ContractRows c:
                    Array(c.Source.A, n);
                    Array(c.Source.B, n);
                    Expr(c.Source.K, n);
                    n.Arrays[c.Source.Target] = c.Source.A.ArrayType;
                    n.RowsOwned.Add(c.Source.Target);
                    break;
                case ContractRowsAdjoint c:
                    Array(c.Source.A, n);
                    Array(c.Source.B, n);
                    Array(c.Source.AAdj, n);
                    Array(c.Source.BAdj, n);
                    Expr(c.Source.K, n);
                    n.Arrays[c.Source.TargetAdj] = c.Source.A.ArrayType;
                    n.RowsOwned.Add(c.Source.TargetAdj);
                    n.Accumulated[c.Source.AAdj.Array] = c.Source.AAdj.ArrayType;
                    n.Accumulated[c.Source.BAdj.Array] = c.Source.BAdj.ArrayType;
                    break;
                case Comment or Continue:
                    break;
                case DeclArray d:
                    n.Unsupported ??= $"the blocks declare the array {d.Name} (pooled for the whole call)";
                    break;
                default:
                    n.Unsupported ??= $"the blocks contain a {s.GetType().Name} statement";
                    break;
            }
        }

        private static void Array(ArrayRef a, Names n)
        {
            n.Arrays[a.Array] = a.ArrayType;
            if (a.Row is not null) Expr(a.Row, n);
        }

        private static void Expr(Expr e, Names n)
        {
            foreach (var d in IrQueries.Descendants(e))
                switch (d)
                {
                    case VarRef v: n.Read[v.Name] = v.Type; break;
                    case ElemRef el: n.Arrays[el.Array] = el.ArrayType; break;
                    case ArrayRef ar: n.Arrays[ar.Array] = ar.ArrayType; break;
                    case LengthOf l: n.Arrays[l.Array] = l.ArrayType; break;
                    case TableEntry t: n.Arrays[t.Source.A.Array] = t.Source.A.ArrayType; n.Arrays[t.Source.B.Array] = t.Source.B.ArrayType; break;
                    case Pop p: n.Tapes.Add(p.Type.Elem); break;
                    case Invoke: n.Unsupported ??= "the blocks call a method"; break;
                }
        }

        // ------------------------------------------------------------ queries

        /// <summary>Does the statement (outside the blocks) read the scalar's value as the blocks left it?</summary>
        private static bool ReadAfter(Stmt s, string x)
        {
            if (LoopOf(s) is { } f)
            {
                if (Reads(f.Start, x) || Reads(f.Bound, x)) return true;
                if (f.Var == x) return false;                     // the loop sets it first
                if (f.While is null && PrivateTo(f.Body, x)) return false; // each iteration sets it before reading it
            }
            return s switch
            {
                DeclScalar d => d.Name != x && d.Init is not null && Reads(d.Init, x),
                Assign { Target: VarRef v, Op: AssignOp.Set } a when v.Name == x => Reads(a.Value, x),
                Block b => b.Body.Any(y => ReadAfter(y, x)),
                _ => Uses(s, x),
            };
        }

        /// <summary>Every occurrence of the scalar in the statement is <c>x += e</c> or <c>x -= e</c> with e not reading x.</summary>
        private static bool OnlySummed(Stmt s, string x) => s switch
        {
            Assign { Target: VarRef v, Op: AssignOp.Add or AssignOp.Sub } a when v.Name == x => !Reads(a.Value, x),
            For f => !Reads(f.Start, x) && !Reads(f.Bound, x) && (f.While is null || !Reads(f.While, x)) && f.Var != x && f.Body.All(y => OnlySummed(y, x)),
            VectorFor v => OnlySummed(v.Loop, x),
            TiledLoop t => OnlySummed(t.Loop, x),
            If i => !Reads(i.Condition, x) && i.Then.Concat(i.Else).All(y => OnlySummed(y, x)),
            Block b => b.Body.All(y => OnlySummed(y, x)),
            _ => !Uses(s, x),
        };

        /// <summary>Is the scalar written before it is read in every iteration (pushes aside)?</summary>
        private static bool PrivateTo(EquatableArray<Stmt> body, string x)
        {
            foreach (var s in Flat(body))
            {
                if (s is Push) continue;
                if (LoopOf(s) is { } f && f.Var == x) return !Reads(f.Start, x) && !Reads(f.Bound, x); // the loop sets its counter first
                if (s is DeclScalar d && d.Name == x) return d.Init is null || !Reads(d.Init, x);
                if (s is Assign { Target: VarRef v, Op: AssignOp.Set } a && v.Name == x) return !Reads(a.Value, x);
                if (!Uses(s, x)) continue;
                // private to each iteration of an inner loop (or to the branch that uses it): no value in from before it;
                // a later read in this body is still a read of an older value (that returns false below)
                if (LoopOf(s) is { } inner && inner.While is null && !Reads(inner.Start, x) && !Reads(inner.Bound, x) && PrivateTo(inner.Body, x)) continue;
                if (s is If i && !Reads(i.Condition, x) && PrivateTo(i.Then, x) && PrivateTo(i.Else, x)) continue;
                return false;
            }
            return true;
        }

        /// <summary>Does a continue of this loop (outside inner loops) appear in the body?</summary>
        private static bool SkipsRest(IEnumerable<Stmt> body) => body.Any(s => s switch
        {
            Continue => true,
            Block b => SkipsRest(b.Body),
            If i => SkipsRest(i.Then) || SkipsRest(i.Else),
            _ => false,
        });

        /// <summary>The statements with top-level blocks opened.</summary>
        private static IEnumerable<Stmt> Flat(IEnumerable<Stmt> list)
        {
            foreach (var s in list)
            {
                if (s is Block b) { foreach (var x in Flat(b.Body)) yield return x; }
                else yield return s;
            }
        }

        private static bool Uses(Stmt s, string name) => s switch
        {
            TiledLoop t => Uses(t.Loop, name) || t.Panels.Any(p => p.Source.A.Array == name || p.Source.B.Array == name || p.AAdj?.Array == name || p.BAdj?.Array == name || Reads(p.Source.K, name)),
            For f => f.Var == name || Reads(f.Start, name) || Reads(f.Bound, name) || (f.While is not null && Reads(f.While, name)) || f.Body.Any(x => Uses(x, name)),
            VectorFor v => Uses(v.Loop, name),
            If i => Reads(i.Condition, name) || i.Then.Concat(i.Else).Any(x => Uses(x, name)),
            Block b => b.Body.Any(x => Uses(x, name)),
            TileEnsure e => Reads(e.Row, name),
            TableEntryAdjoint e => e.AAdj.Array == name || e.BAdj.Array == name || e.Source.A.Array == name || e.Source.B.Array == name || Reads(e.Row, name) || Reads(e.Col, name) || Reads(e.Value, name),
            Assign a => (a.Target is VarRef v && v.Name == name) || Reads(a.Target, name) || Reads(a.Value, name),
            DeclScalar d => d.Name == name || (d.Init is not null && Reads(d.Init, name)),
            DeclArray d => d.Name == name || d.Sizes.Any(x => Reads(x, name)),
            Push p => Reads(p.Value, name),
            ContractRows c => c.Source.Target == name || c.Source.A.Array == name || c.Source.B.Array == name || Reads(c.Source.K, name),
            ContractRowsAdjoint c => c.Source.TargetAdj == name || c.Source.A.Array == name || c.Source.B.Array == name || c.Source.AAdj.Array == name || c.Source.BAdj.Array == name || Reads(c.Source.K, name),
            RowBlocks r => Reads(r.Rows, name) || Reads(r.Cols, name) || r.Body.Any(x => Uses(x, name)),
            TileChoice c => (c.Rows is not null && Reads(c.Rows, name)) || c.Fused.Any(x => Uses(x, name)),
            _ => TileFusion.Mentions(s, name),
        };

        /// <summary>Does the statement read elements of the array (outside the kernels that add into it)?</summary>
        private static bool ReadsArray(Stmt s, string array) => s switch
        {
            For f => f.Body.Any(x => ReadsArray(x, array)) || Reads(f.Start, array) || Reads(f.Bound, array),
            TiledLoop t => ReadsArray(t.Loop, array) || t.Panels.Any(p => p.Source.A.Array == array || p.Source.B.Array == array),
            VectorFor v => ReadsArray(v.Loop, array),
            If i => Reads(i.Condition, array) || i.Then.Concat(i.Else).Any(x => ReadsArray(x, array)),
            Block b => b.Body.Any(x => ReadsArray(x, array)),
            Assign a => Reads(a.Value, array) || (a.Target is ElemRef el && el.Indices.Any(x => Reads(x, array))),
            TableEntryAdjoint e => e.Source.A.Array == array || e.Source.B.Array == array || Reads(e.Row, array) || Reads(e.Col, array) || Reads(e.Value, array),
            ContractRows c => c.Source.A.Array == array || c.Source.B.Array == array,
            ContractRowsAdjoint c => c.Source.A.Array == array || c.Source.B.Array == array,
            _ => IrQueries.ExprsOf(s).Any(e => Reads(e, array)),
        };

        private static bool Reads(Expr e, string name) => RowBlockFusion.Reads(e, name);

        private static For? LoopOf(Stmt s) => s switch
        {
            For f => f,
            TiledLoop t => t.Loop,
            VectorFor v => v.Loop,
            _ => null,
        };

        private static void ScalarWrites(Stmt s, ISet<string> into)
        {
            switch (s)
            {
                case Assign { Target: VarRef v }: into.Add(v.Name); break;
                case DeclScalar d: into.Add(d.Name); break;
                case For f: into.Add(f.Var); foreach (var x in f.Body) ScalarWrites(x, into); break;
                case TiledLoop t: ScalarWrites(t.Loop, into); break;
                case VectorFor v: ScalarWrites(v.Loop, into); break;
                case If i: foreach (var x in i.Then.Concat(i.Else)) ScalarWrites(x, into); break;
                case Block b: foreach (var x in b.Body) ScalarWrites(x, into); break;
            }
        }

        private static int IndexOf(EquatableArray<Stmt> list, Func<Stmt, bool> pred)
        {
            for (int i = 0; i < list.Count; i++) if (pred(list[i])) return i;
            return -1;
        }
    }
}
