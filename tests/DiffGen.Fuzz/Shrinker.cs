using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Fuzz
{
    /// <summary>
    /// Reduces a failing program to a small one that still fails the same oracle. Each round builds every one-step
    /// reduction (remove a statement, inline a branch, drop an else, simplify a loop header — step 1, forwards,
    /// bound 1 —, replace an expression by 0.5 or by one of its operands, shrink a size to 2), checks them all in one
    /// batch (one compilation), and keeps the smallest that fails the same oracle; it stops when none does.
    /// </summary>
    public static class Shrinker
    {
        private sealed record Site(List<Action> Variants);

        /// <summary>Every reduction site of <paramref name="p"/>, in a fixed order (the same for a clone).</summary>
        private static List<Site> Sites(FuzzProgram p)
        {
            var sites = new List<Site>();
            foreach (var d in p.Sizes.Keys.OrderBy(x => x, StringComparer.Ordinal).ToList())
                sites.Add(new Site(p.Sizes[d] > 2 ? new List<Action> { () => p.Sizes[d] = 2 } : new List<Action>()));
            foreach (var m in p.Methods)
            {
                Block(m.Body, sites);
                if (m.Result is not null)
                {
                    var holder = new[] { m.Result };
                    Slot(holder, 0, sites, () => m.Result = holder[0]);
                    WalkExpr(m.Result, sites);
                }
            }
            return sites;
        }

        private static void Block(List<Stmt> block, List<Site> sites)
        {
            for (int j = 0; j < block.Count; j++)
            {
                var s = block[j];
                int at = j;
                var v = new List<Action>();
                if (!s.Pinned) v.Add(() => block.RemoveAt(at));
                if (s is If iff && !s.Pinned)
                {
                    v.Add(() => { block.RemoveAt(at); block.InsertRange(at, iff.Blocks[0]); });
                    if (iff.Blocks.Length > 1 && iff.Blocks[1].Count > 0)
                    {
                        v.Add(() => { block.RemoveAt(at); block.InsertRange(at, iff.Blocks[1]); });
                        v.Add(() => iff.Blocks = new[] { iff.Blocks[0] });
                    }
                }
                if (s is For f)
                {
                    if (f.Step != 1) v.Add(() => f.Step = 1);
                    if (f.Reverse) v.Add(() => f.Reverse = false);
                    if (f.Inclusive) v.Add(() => f.Inclusive = false);
                    if (f.Hi != "1" && !f.Pinned) v.Add(() => f.Hi = "1");
                }
                sites.Add(new Site(v));
                for (int e = s is Assign ? 1 : 0; e < s.Exprs.Length; e++)
                {
                    Slot(s.Exprs, e, sites, null);
                    WalkExpr(s.Exprs[e], sites);
                }
                foreach (var b in s.Blocks) Block(b, sites);
            }
        }

        private static void WalkExpr(Expr e, List<Site> sites)
        {
            for (int i = 0; i < e.Args.Length; i++)
            {
                Slot(e.Args, i, sites, null);
                WalkExpr(e.Args[i], sites);
            }
        }

        private static void Slot(Expr[] owner, int i, List<Site> sites, Action? commit)
        {
            var e = owner[i];
            var v = new List<Action>();
            if (!(e is Lit l && l.V == 0.5)) v.Add(() => { owner[i] = new Lit(0.5); commit?.Invoke(); });
            foreach (var child in e.Args)
            {
                var c = child;
                if (e is Sel || e is Op || e is LogOf) v.Add(() => { owner[i] = c; commit?.Invoke(); });
            }
            sites.Add(new Site(v));
        }

        /// <summary>Shrinks <paramref name="p"/> while it fails <paramref name="oracle"/>; returns the smallest failing program and its failure.</summary>
        public static (FuzzProgram Program, Failure Failure) Shrink(FuzzProgram p, Failure failure, RunOptions opts, Action<string>? log = null, int maxRounds = 60, double budgetSeconds = 90)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            bool device = failure.Oracle == "device";
            int chunk = device ? 6 : 40;      // candidates per compilation (a device candidate costs a g++ build)
            if (device) budgetSeconds *= 2;
            var current = p;
            var currentFailure = failure;
            var ropts = opts with { DeviceAlways = failure.Oracle == "device", NoDevice = failure.Oracle != "device" };
            for (int round = 0; round < maxRounds; round++)
            {
                var sites = Sites(current);
                var cands = new List<FuzzProgram>();
                int n = 0;
                for (int s = 0; s < sites.Count; s++)
                {
                    for (int v = 0; v < sites[s].Variants.Count; v++)
                    {
                        var c = current.Clone($"{p.Seed}s{round}x{n++}");
                        Sites(c)[s].Variants[v]();
                        cands.Add(c);
                    }
                }
                // smallest first, a chunk per compilation; the first chunk with a failing candidate gives its smallest
                cands = cands.OrderBy(c => c.Size + c.Sizes.Values.Sum()).ToList();
                FuzzProgram? hit = null;
                for (int at = 0; at < cands.Count && hit is null && clock.Elapsed.TotalSeconds < budgetSeconds; at += chunk)
                {
                    var group = cands.Skip(at).Take(chunk).ToList();
                    var outcomes = Batch.Run(group, ropts);
                    hit = group.FirstOrDefault(c => outcomes[c.Id].Failures.Any(f => f.Oracle == failure.Oracle));
                    if (hit is not null) currentFailure = outcomes[hit.Id].Failures.First(f => f.Oracle == failure.Oracle);
                }
                if (hit is null) break;
                current = hit;
                log?.Invoke($"  shrink round {round}: size {current.Size}");
            }
            var result = current.Clone(p.Id);
            return (result, currentFailure);
        }
    }
}
