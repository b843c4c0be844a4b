using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using DiffGen.Cpu;
using DiffGen.Tests.Corpus;

namespace DiffGen.Benchmarks
{
    /// <summary>
    /// `attention [--n N,N..] [--d D] [--runs R]`: the corpus's attention loss (float32, q, k, v of n × d) forward + backward,
    /// materialised (Tiling.Mode = Never) against fused (Always: tile fusion of q·kᵀ, row-block fusion of the
    /// probabilities), medians in ms and the bytes one Backward call allocates on a thread with empty pools. One JSON line
    /// per size and mode, so the two modes of a size come from one process.
    /// </summary>
    public static class AttentionBench
    {
        private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

        public static int Run(string[] args)
        {
            int[] sizes = { 512, 1024, 2048 };
            int d = 64, runs = 5;
            for (int i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException("missing value after " + args[i]);
                switch (args[i])
                {
                    case "--n": sizes = Next().Split(',').Select(x => int.Parse(x, Inv)).ToArray(); break;
                    case "--d": d = int.Parse(Next(), Inv); break;
                    case "--runs": runs = int.Parse(Next(), Inv); break;
                    default: Console.Error.WriteLine("unknown option " + args[i]); return 2;
                }
            }
            var old = Tiling.Mode;
            long oldMinWork = LoopParallelism.MinWork;
            try
            {
                foreach (int n in sizes)
                {
                    var rng = new Random(n);
                    float[,] M(float scale)
                    {
                        var m = new float[n, d];
                        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) m[i, j] = scale * (float)(rng.NextDouble() * 2 - 1);
                        return m;
                    }
                    var (q, k, v, t) = (M(0.5f), M(0.5f), M(1), M(1));
                    var (gq, gk, gv) = (new float[n, d], new float[n, d], new float[n, d]);
                    // fused in order: no loop or row-block split (LoopParallelism.MinWork = max; the GEMMs still use the cores)
                    foreach (var (mode, label, minWork) in new[] { (TilingMode.Never, "materialised", oldMinWork), (TilingMode.Always, "fused, blocks in order", long.MaxValue), (TilingMode.Always, "fused", oldMinWork) })
                    {
                        Tiling.Mode = mode;
                        LoopParallelism.MinWork = minWork;
                        long bytes = 0;
                        var th = new Thread(() =>
                        {
                            long before = GC.GetAllocatedBytesForCurrentThread();
                            Attention.AttentionMseFBackward(q, k, v, t, gq, gk, gv);
                            bytes = GC.GetAllocatedBytesForCurrentThread() - before;
                        }, 16 << 20);
                        th.Start();
                        th.Join();
                        var fwd = new double[runs];
                        var both = new double[runs];
                        float loss = 0;
                        for (int r = 0; r < runs; r++)
                        {
                            var sw = Stopwatch.StartNew();
                            Attention.AttentionMseFForward(q, k, v, t);
                            fwd[r] = sw.Elapsed.TotalMilliseconds;
                            sw.Restart();
                            loss = Attention.AttentionMseFBackward(q, k, v, t, gq, gk, gv);
                            both[r] = sw.Elapsed.TotalMilliseconds;
                        }
                        Console.WriteLine(string.Create(Inv, $"{{\"n\":{n},\"d\":{d},\"mode\":\"{label}\",\"forward_ms\":{Median(fwd):F2},\"backward_ms\":{Median(both):F2},\"peak_bytes\":{bytes},\"loss\":{loss}}}"));
                    }
                }
            }
            finally { Tiling.Mode = old; LoopParallelism.MinWork = oldMinWork; }
            return 0;
        }

        private static double Median(double[] x)
        {
            var s = x.OrderBy(v => v).ToArray();
            return s[s.Length / 2];
        }
    }
}
