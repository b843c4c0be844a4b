using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Generator.IR;
using DiffGen.Generator.Model;

namespace DiffGen.Generator.Raise
{
    /// <summary>
    /// Stable log-sum-exp. A reduction <c>den = 0; for (m ...) [if (mask)] den += exp(E)</c> whose every use is
    /// <c>log(den)</c> or <c>log(x / den)</c> becomes, with the max trick,
    /// <code>
    /// max = -inf; for (m ...) [if (mask)] max = Max(max, E);
    /// den = 0;    for (m ...) [if (mask)] den += exp(E - max);
    /// ... log(den) + max ...   /   ... log(x) - log(den) - max ...
    /// </code>
    /// and <c>log(num)</c> with <c>num = exp(a)</c> becomes <c>a</c>, so nothing overflows (NT-Xent at tau = 0.01 in
    /// float32). <c>max</c> is detached: the result does not depend on it (its total derivative is exactly 0).
    /// </summary>
    internal sealed class LogSumExp
    {
        private readonly Func<string, string> _fresh;
        private readonly List<string> _explained;
        private readonly List<Stmt> _wholeBody;
        private readonly HashSet<string> _forwarded = new(StringComparer.Ordinal);

        private LogSumExp(Func<string, string> fresh, List<string> explained, List<Stmt> body)
        {
            _fresh = fresh;
            _explained = explained;
            _wholeBody = body;
        }

        /// <summary>Stabilizes the reductions inside one top-level loop nest; <paramref name="forwarded"/> collects scalars whose reads were replaced.</summary>
        public static Stmt Run(For top, List<Stmt> wholeBody, Func<string, string> fresh, List<string> explained, HashSet<string> forwarded)
        {
            var l = new LogSumExp(fresh, explained, wholeBody);
            var result = top with { Body = l.Block(top.Body).ToEquatable() };
            forwarded.UnionWith(l._forwarded);
            return result;
        }

        private List<Stmt> Block(IReadOnlyList<Stmt> stmts)
        {
            var block = stmts.Select(s => s switch
            {
                For f => f with { Body = Block(f.Body).ToEquatable() },
                If i => i with { Then = Block(i.Then).ToEquatable(), Else = Block(i.Else).ToEquatable() },
                _ => s,
            }).ToList();

            for (int p = 0; p < block.Count; p++)
            {
                if (block[p] is not For loop || !Match(loop, out var den, out var exp, out var mask)) continue;
                // Already shifted by a max the user computed (ShiftInvariance detached it): stable as written.
                if (exp.Args[0] is Binary { Op: BinaryOp.Sub, Right: VarRef shift } && IsDetached(_wholeBody, shift.Name)) continue;
                int z = block.FindLastIndex(p - 1 < 0 ? 0 : p - 1, p, s => IrQueries.ReadsOrWrites(s, den.Name));
                if (z < 0 || !IrQueries.IsZeroInit(block[z], den.Name)) continue;
                int uses = CountLogUses(den.Name);
                if (uses < 0) continue;
                var original = block.ToList();

                var t = den.Type;
                var max = _fresh("__max");
                var e = exp.Args[0];
                Stmt Wrap(Stmt inner) => mask is null ? inner : new If(mask, new[] { inner }.ToEquatable(), EquatableArray<Stmt>.Empty);
                var maxLoop = loop with { Body = new[] { Wrap(new Assign(new VarRef(max, t), AssignOp.Set, new Intrinsic(Fn.Max, new[] { new VarRef(max, t), e }.ToEquatable(), t))) }.ToEquatable(), Origin = null };
                var sumLoop = loop with { Body = new[] { Wrap(new Assign(den, AssignOp.Add, exp with { Args = new Expr[] { new Binary(BinaryOp.Sub, e, new VarRef(max, t), t) }.ToEquatable() })) }.ToEquatable() };

                // The max loop goes right before the sum loop: E reads exactly what the sum loop reads.
                block[p] = sumLoop;
                block.Insert(p, maxLoop);
                block.Insert(p, new DeclScalar(max, t, new Const(double.NegativeInfinity, t), Detached: true));
                p += 2;

                // Rewrite the uses after the loop, up to the next write of den; all of them must be there.
                _rewritten = 0;
                var forwardedBefore = new HashSet<string>(_forwarded, StringComparer.Ordinal);
                for (int q = p + 1; q < block.Count; q++)
                {
                    var w = new HashSet<string>(StringComparer.Ordinal);
                    IrQueries.Writes(new[] { block[q] }, w);
                    if (w.Contains(den.Name)) break;
                    int qq = q;
                    block[q] = IrRewriter.Map(block[q], x => RewriteUse(x, den.Name, new VarRef(max, t), block, qq));
                }
                if (_rewritten != uses)
                {
                    block.Clear();
                    block.AddRange(original);
                    _forwarded.Clear();
                    _forwarded.UnionWith(forwardedBefore);
                    continue;
                }
                _explained.Add($"log of the sum of exp into {den.Name} made stable with the max trick");
            }
            return block;
        }

        private static bool IsDetached(IEnumerable<Stmt> stmts, string name) => stmts.Any(s => s switch
        {
            DeclScalar { Detached: true } d => d.Name == name,
            For f => IsDetached(f.Body, name),
            If i => IsDetached(i.Then, name) || IsDetached(i.Else, name),
            Block b => IsDetached(b.Body, name),
            _ => false,
        });

        /// <summary><c>for (...) [if (mask)] den += exp(E)</c>, nothing else in the body.</summary>
        private static bool Match(For loop, out VarRef den, out Intrinsic exp, out Expr? mask)
        {
            den = null!; exp = null!; mask = null;
            var body = loop.Body;
            if (body.Count != 1) return false;
            var s = body[0];
            if (s is If { Else.Count: 0, Then.Count: 1 } i && !IrQueries.ReadsReal(i.Condition))
            {
                mask = i.Condition;
                s = i.Then[0];
            }
            else if (s is If { Then.Count: 0, Else.Count: 1 } e && !IrQueries.ReadsReal(e.Condition))
            {
                // 'if (m == k) continue; den += ...' after continue removal
                mask = new Unary(UnaryOp.Not, e.Condition, IrType.Bool);
                s = e.Else[0];
            }
            if (s is not Assign { Op: AssignOp.Add, Target: VarRef v, Value: Intrinsic { Fn: Fn.Exp } f } || !v.Type.IsReal) return false;
            if (IrQueries.Mentions(f, v.Name)) return false;
            den = v;
            exp = f;
            return true;
        }

        private int _rewritten;

        /// <summary>
        /// How many log(den) / log(x / den) reads the method has, or -1 when den is read any other way or written
        /// other than by zero-initialisations and one accumulation (a second accumulation would mix scales).
        /// </summary>
        private int CountLogUses(string den)
        {
            bool ok = true;
            int uses = 0, accumulations = 0;
            void Check(Expr e, bool allowed)
            {
                if (!ok) return;
                switch (e)
                {
                    case VarRef v when v.Name == den:
                        if (!allowed) ok = false;
                        return;
                    case Intrinsic { Fn: Fn.Log } f when f.Args[0] is VarRef v2 && v2.Name == den:
                        uses++;
                        return;
                    case Intrinsic { Fn: Fn.Log } f when f.Args[0] is Binary { Op: BinaryOp.Div, Right: VarRef v3 } b && v3.Name == den:
                        uses++;
                        Check(b.Left, false);
                        return;
                }
                foreach (var c in IrQueries.Children(e)) Check(c, false);
            }
            void Walk(IEnumerable<Stmt> stmts)
            {
                foreach (var s in stmts)
                {
                    switch (s)
                    {
                        case For f: Check(f.Start, false); Check(f.Bound, false); Walk(f.Body); break;
                        case If i: Check(i.Condition, false); Walk(i.Then); Walk(i.Else); break;
                        case Assign { Target: VarRef v, Op: AssignOp.Add } a when v.Name == den: accumulations++; Check(a.Value, false); break;
                        case Assign { Target: VarRef v } a when v.Name == den && !IrQueries.IsZeroInit(a, den): ok = false; break;
                        case DeclScalar d when d.Name == den && d.Init is not null && !IrQueries.IsZeroInit(d, den): ok = false; break;
                        default: foreach (var e in IrQueries.ExprsOf(s)) Check(e, false); break;
                    }
                }
            }
            Walk(_wholeBody);
            return ok && accumulations == 1 ? uses : -1;
        }

        private Expr? RewriteUse(Expr x, string den, VarRef max, List<Stmt> block, int at)
        {
            var t = max.Type;
            if (x is Intrinsic { Fn: Fn.Log } f && f.Args[0] is VarRef v && v.Name == den)
            {
                _rewritten++;
                return new Binary(BinaryOp.Add, x, max, t);
            }
            if (x is Intrinsic { Fn: Fn.Log } g && g.Args[0] is Binary { Op: BinaryOp.Div, Right: VarRef d } b && d.Name == den)
            {
                _rewritten++;
                var logNum = LogOf(b.Left, block, at);
                var logDen = new Intrinsic(Fn.Log, new Expr[] { d }.ToEquatable(), t);
                return new Binary(BinaryOp.Sub, new Binary(BinaryOp.Sub, logNum, logDen, t), max, t);
            }
            return null;
        }

        /// <summary>log(num), forwarding num = exp(a) defined earlier in the block to just a (it may overflow; a does not).</summary>
        private Expr LogOf(Expr num, List<Stmt> block, int at)
        {
            var t = num.Type;
            if (num is Intrinsic { Fn: Fn.Exp } e) return e.Args[0];
            if (num is VarRef v)
            {
                for (int k = at - 1; k >= 0; k--)
                {
                    var s = block[k];
                    var writes = new HashSet<string>(StringComparer.Ordinal);
                    IrQueries.Writes(new[] { s }, writes);
                    if (!writes.Contains(v.Name)) continue;
                    Expr? def = s switch
                    {
                        Assign { Op: AssignOp.Set, Target: VarRef tv, Value: Intrinsic { Fn: Fn.Exp } ex } when tv.Name == v.Name => ex.Args[0],
                        DeclScalar { Init: Intrinsic { Fn: Fn.Exp } ex } => ex.Args[0],
                        _ => null,
                    };
                    if (def is null) break;
                    var reads = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var d in IrQueries.Descendants(def))
                        if (d is VarRef r) reads.Add(r.Name);
                        else if (d is ElemRef el) reads.Add(el.Array);
                    var between = new HashSet<string>(StringComparer.Ordinal);
                    IrQueries.Writes(block.Skip(k + 1).Take(at - k - 1), between);
                    if (reads.Overlaps(between)) break;
                    _forwarded.Add(v.Name);
                    return def;
                }
            }
            return new Intrinsic(Fn.Log, new[] { num }.ToEquatable(), t);
        }
    }

    /// <summary>Removes every assignment to scalars that nothing reads any more (their adjoints would only add 0 × something).</summary>
    internal static class DeadScalars
    {
        public static List<Stmt> Eliminate(List<Stmt> body, IEnumerable<string> candidates)
        {
            var dead = new HashSet<string>(candidates.Where(c => !body.Any(s => IrQueries.ReadsVar(s, c))), StringComparer.Ordinal);
            return dead.Count == 0 ? body : Filter(body, dead);
        }

        private static List<Stmt> Filter(IEnumerable<Stmt> stmts, HashSet<string> dead)
        {
            var output = new List<Stmt>();
            foreach (var s in stmts)
            {
                switch (s)
                {
                    case DeclScalar d when dead.Contains(d.Name): break;
                    case Assign { Target: VarRef v } when dead.Contains(v.Name): break;
                    case For f: output.Add(f with { Body = Filter(f.Body, dead).ToEquatable() }); break;
                    case If i: output.Add(i with { Then = Filter(i.Then, dead).ToEquatable(), Else = Filter(i.Else, dead).ToEquatable() }); break;
                    case Block b: output.Add(b with { Body = Filter(b.Body, dead).ToEquatable() }); break;
                    default: output.Add(s); break;
                }
            }
            return output;
        }
    }
}
