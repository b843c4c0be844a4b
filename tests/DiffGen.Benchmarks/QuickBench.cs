using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using DiffGen.Cpu;

namespace DiffGen.Benchmarks
{
    /// <summary>
    /// `quick` mode: for each shape, the managed GEMM and OpenBLAS are timed alternately in the same
    /// process (so machine load hits both alike), each sample long enough to time reliably, and the
    /// median GFLOP/s of each is printed with their ratio. Options:
    /// --threads N (both libraries; default all cores), --samples N (default 7), --min-ms N (default 100),
    /// --filter TEXT (shapes whose label contains TEXT), --shape OP:MxNxK (extra shape, repeatable),
    /// --precision single|double|both (sgemm, dgemm or both; default single),
    /// --blocking KC,MC,NC (override the managed kernel's cache blocking, 0 = default),
    /// --cpu-time (with --threads 1: time by the calling thread's CPU time, not wall time, which
    /// compares per-core efficiency even while other processes load the machine).
    /// </summary>
    public static unsafe partial class QuickBench
    {
        [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "clock_gettime")]
        private static partial int clock_gettime(int clock, long* ts);

        private static bool s_cpuTime;

        private static double ThreadCpuSeconds()
        {
            long* ts = stackalloc long[2];
            clock_gettime(3 /* CLOCK_THREAD_CPUTIME_ID */, ts);
            return ts[0] + ts[1] * 1e-9;
        }

        private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

        /// <summary>Runs the table; returns the process exit code.</summary>
        public static int Run(string[] args)
        {
            int threads = Environment.ProcessorCount;
            int samples = 7;
            double minMs = 100;
            string? filter = null;
            bool[] precisions = { false };
            var shapes = new List<GemmShape>();
            for (int i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException("missing value after " + args[i]);
                switch (args[i])
                {
                    case "--threads": threads = int.Parse(Next(), Inv); break;
                    case "--samples": samples = int.Parse(Next(), Inv); break;
                    case "--min-ms": minMs = double.Parse(Next(), Inv); break;
                    case "--filter": filter = Next(); break;
                    case "--shape": shapes.Add(ParseShape(Next())); break;
                    case "--cpu-time": s_cpuTime = true; break;
                    case "--precision":
                        string pr = Next();
                        precisions = pr == "double" ? new[] { true } : pr == "both" ? new[] { false, true } : new[] { false };
                        break;
                    case "--blocking":
                        // KC,MC,NC for the managed kernel (0 = default), for tuning runs.
                        int[] kmn = Next().Split(',').Select(x => int.Parse(x, Inv)).ToArray();
                        GemmPlans.BlockingOverride = (kmn[0], kmn[1], kmn[2]);
                        break;
                    default:
                        Console.Error.WriteLine("unknown option " + args[i]);
                        return 2;
                }
            }

            if (s_cpuTime && threads != 1)
            {
                Console.Error.WriteLine("--cpu-time needs --threads 1 (other threads' time is not counted)");
                return 2;
            }

            if (shapes.Count == 0) shapes.AddRange(GemmShape.Standard);
            if (filter is not null) shapes = shapes.Where(s => s.ToString().Contains(filter, StringComparison.OrdinalIgnoreCase)).ToList();

            Gemm.Backend = GemmBackend.Managed;
            Gemm.MaxDegreeOfParallelism = threads;
            bool haveBlas = OpenBlas.IsAvailable;
            if (haveBlas) OpenBlas.Threads = threads;

            Console.WriteLine($"date        {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", Inv)} UTC");
            Console.WriteLine($"cpu         {CpuModel()}, {Environment.ProcessorCount} logical cores");
            Console.WriteLine($"runtime     .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
            Console.WriteLine($"managed     {Gemm.KernelDescription}, threads {threads}");
            Console.WriteLine($"openblas    {(haveBlas ? OpenBlas.Describe() + ", threads " + OpenBlas.Threads.ToString(Inv) : OpenBlas.Error)}");
            Console.WriteLine($"loadavg     {LoadAverage()} (before)");
            Console.WriteLine($"method      median of {samples} alternating samples, each >= {minMs.ToString(Inv)} ms of {(s_cpuTime ? "thread CPU time" : "wall time")}");
            Console.WriteLine();
            Console.WriteLine("| shape | op | m | n | k | managed GFLOP/s | OpenBLAS GFLOP/s | managed/OpenBLAS | max rel diff | managed alloc B/call |");
            Console.WriteLine("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|");

            foreach (GemmShape s in shapes)
            {
                foreach (bool dbl in precisions)
                    Measure(s, dbl, samples, minMs, haveBlas);
            }

            Console.WriteLine();
            Console.WriteLine($"loadavg     {LoadAverage()} (after)");
            return 0;
        }

        private static void Measure(GemmShape s, bool dbl, int samples, double minMs, bool haveBlas)
        {
            Action managed, blas;
            Func<double> maxRelDiff;
            if (dbl)
            {
                var (af, bf, cf) = s.Allocate();
                double[] a = Array.ConvertAll(af, v => (double)v), b = Array.ConvertAll(bf, v => (double)v);
                double[] c = new double[cf.Length], c2 = new double[cf.Length];
                managed = () => Gemm.Multiply(s.TransA, s.TransB, s.M, s.N, s.K, 1d, a, s.Lda, b, s.Ldb, 0d, c, s.Ldc);
                blas = () => OpenBlas.Dgemm(s.TransA, s.TransB, s.M, s.N, s.K, 1d, a, s.Lda, b, s.Ldb, 0d, c2, s.Ldc);
                maxRelDiff = () => MaxRelDiff(c, c2);
            }
            else
            {
                var (a, b, c) = s.Allocate();
                float[] c2 = new float[c.Length];
                managed = () => Gemm.Multiply(s.TransA, s.TransB, s.M, s.N, s.K, 1f, a, s.Lda, b, s.Ldb, 0f, c, s.Ldc);
                blas = () => OpenBlas.Sgemm(s.TransA, s.TransB, s.M, s.N, s.K, 1f, a, s.Lda, b, s.Ldb, 0f, c2, s.Ldc);
                maxRelDiff = () => MaxRelDiff(Array.ConvertAll(c, v => (double)v), Array.ConvertAll(c2, v => (double)v));
            }

            int repsM = Calibrate(managed, minMs);
            int repsB = haveBlas ? Calibrate(blas, minMs) : 0;

            // Allocation per managed call, measured on its own (all threads).
            long before = GC.GetTotalAllocatedBytes(true);
            for (int r = 0; r < 4; r++) managed();
            long allocPerCall = (GC.GetTotalAllocatedBytes(true) - before) / 4;

            var gm = new List<double>();
            var gb = new List<double>();
            for (int r = 0; r < samples; r++)
            {
                gm.Add(s.Flops * repsM / Time(managed, repsM) / 1e9);
                if (haveBlas) gb.Add(s.Flops * repsB / Time(blas, repsB) / 1e9);
            }

            double m = Median(gm);
            string bText = "n/a", ratio = "n/a", diff = "n/a";
            if (haveBlas)
            {
                double bm = Median(gb);
                bText = bm.ToString("F1", Inv);
                ratio = (m / bm * 100).ToString("F0", Inv) + " %";
                diff = maxRelDiff().ToString("E1", Inv);
            }

            Console.WriteLine($"| {s.Name} | {(dbl ? "d" : "s")}gemm {s.Op} | {s.M} | {s.N} | {s.K} | {m.ToString("F1", Inv)} | {bText} | {ratio} | {diff} | {allocPerCall} |");
        }

        private static GemmShape ParseShape(string text)
        {
            // OP:MxNxK, e.g. NT:1000x1000x64
            string[] parts = text.Split(':');
            string op = parts.Length == 2 ? parts[0].ToUpperInvariant() : "NN";
            int[] d = parts[^1].Split('x').Select(x => int.Parse(x, Inv)).ToArray();
            return new GemmShape("custom", op[0] == 'T', op[1] == 'T', d[0], d[1], d[2]);
        }

        private static int Calibrate(Action f, double minMs)
        {
            f();
            f();
            double ms = Math.Max(Time(f, 1) * 1000, 1e-3);
            return (int)Math.Clamp(Math.Ceiling(minMs / ms), 1, 100000);
        }

        private static double Time(Action f, int reps)
        {
            if (s_cpuTime)
            {
                double t0 = ThreadCpuSeconds();
                for (int i = 0; i < reps; i++) f();
                return ThreadCpuSeconds() - t0;
            }

            var sw = Stopwatch.StartNew();
            for (int i = 0; i < reps; i++) f();
            return sw.Elapsed.TotalSeconds;
        }

        private static double Median(List<double> x)
        {
            var s = x.OrderBy(v => v).ToList();
            return s.Count % 2 == 1 ? s[s.Count / 2] : 0.5 * (s[s.Count / 2 - 1] + s[s.Count / 2]);
        }

        private static double MaxRelDiff(double[] x, double[] y)
        {
            double scale = 0, diff = 0;
            for (int i = 0; i < x.Length; i++)
            {
                scale = Math.Max(scale, Math.Abs(y[i]));
                diff = Math.Max(diff, Math.Abs(x[i] - y[i]));
            }

            return scale == 0 ? diff : diff / scale;
        }

        private static string CpuModel()
        {
            try
            {
                string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                return line is null ? "unknown" : line.Substring(line.IndexOf(':') + 1).Trim();
            }
            catch (IOException)
            {
                return "unknown";
            }
            catch (UnauthorizedAccessException)
            {
                return "unknown";
            }
        }

        private static string LoadAverage()
        {
            try
            {
                return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
            }
            catch (IOException)
            {
                return "n/a";
            }
            catch (UnauthorizedAccessException)
            {
                return "n/a";
            }
        }
    }
}
