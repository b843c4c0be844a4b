using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace DiffGen.Samples.NtXent
{
    /// <summary>
    /// <c>bench --batch B[,B...] --dim D[,D...] [--runs R] [--warmup W]</c>: times the float32 NT-Xent
    /// (<see cref="Losses.NtXentF"/>) and prints one JSON line per (batch, dim) configuration on stdout, nothing else.
    /// Keys: batch, dim, generated_ms (median of NtXentFBackward = forward + backward),
    /// forward_ms (median of NtXentFForward), loop_ms (median of the loop method NtXentF; null when batch &gt; 1024,
    /// not measured), gflops (6·N²·D with N = 2·batch, divided by generated_ms), runs (timed runs of generated_ms;
    /// forward_runs, loop_runs likewise), peak_bytes (bytes one Backward call allocates on a thread with empty pools: its
    /// scratch), fused (whether it took the tile-fused path: DIFFGEN_TILING=auto|always|never), tau, threads, dotnet.
    /// Without --runs, each measurement runs at least 3 times and stops once ~2 s have been spent (at most 1000 runs);
    /// without --warmup, each measurement is warmed up for ~0.5 s (at least one call).
    /// </summary>
    internal static class Bench
    {
        private const int LoopMaxBatch = 1024;
        private const float Tau = 0.5f;
        private const int Seed = 2020;
        private const int MinRuns = 3;
        private const int MaxRuns = 1000;
        private const double BudgetSeconds = 2.0;
        private const double WarmupSeconds = 0.5;
        private const long MaxElements = 1L << 26; // per B x D input array (256 MiB of float)

        internal const string Usage =
            "usage: dotnet run -c Release --project samples/NtXent -- bench --batch B[,B...] --dim D[,D...] [--runs R] [--warmup W] [--form seed|lean]\n" +
            "  --batch  batch size(s) B, positive integers, comma-separated (N = 2B rows)\n" +
            "  --dim    embedding dimension(s) D, positive integers, comma-separated\n" +
            "  --runs   timed runs per measurement, positive (default: at least 3, until ~2 s)\n" +
            "  --warmup untimed runs before each measurement, >= 0 (default: ~0.5 s, at least 1)\n" +
            "  --form   seed: the question's loops, cosine per pair (default); lean: normalise, one product, cross-entropy\n" +
            "prints one JSON line per (batch, dim) on stdout; loop_ms is null for batch > 1024 (not measured)";

        private sealed class UsageException : Exception
        {
            public UsageException(string message) : base(message) { }
        }

        /// <summary>args: everything after "bench".</summary>
        internal static int Run(string[] args)
        {
            List<int> batches, dims;
            int? runs, warmup;
            bool lean;
            try
            {
                if (Array.IndexOf(args, "--help") >= 0 || Array.IndexOf(args, "-h") >= 0)
                {
                    Console.Error.WriteLine(Usage);
                    return 0;
                }
                Parse(args, out batches, out dims, out runs, out warmup, out lean);
            }
            catch (UsageException e)
            {
                Console.Error.WriteLine("bench: " + e.Message);
                Console.Error.WriteLine(Usage);
                return 2;
            }

            foreach (int batch in batches)
                foreach (int dim in dims)
                    Console.WriteLine(Measure(batch, dim, runs, warmup, lean));
            return 0;
        }

        private static void Parse(string[] args, out List<int> batches, out List<int> dims, out int? runs, out int? warmup, out bool lean)
        {
            List<int>? b = null, d = null;
            int? r = null, w = null;
            string? form = null;
            for (int i = 0; i < args.Length; i++)
            {
                string flag = args[i];
                string? value = null;
                int eq = flag.IndexOf('=');
                if (flag.StartsWith("--", StringComparison.Ordinal) && eq > 0)
                {
                    value = flag.Substring(eq + 1);
                    flag = flag.Substring(0, eq);
                }
                if (flag is not ("--batch" or "--dim" or "--runs" or "--warmup" or "--form"))
                    throw new UsageException(flag.StartsWith("-", StringComparison.Ordinal) ? $"unknown flag '{flag}'" : $"unexpected argument '{flag}'");
                if (value == null)
                {
                    if (i + 1 >= args.Length)
                        throw new UsageException($"{flag} needs a value");
                    value = args[++i];
                }
                switch (flag)
                {
                    case "--batch":
                        if (b != null) throw new UsageException("--batch given twice");
                        b = ParseList(flag, value);
                        break;
                    case "--dim":
                        if (d != null) throw new UsageException("--dim given twice");
                        d = ParseList(flag, value);
                        break;
                    case "--runs":
                        if (r != null) throw new UsageException("--runs given twice");
                        r = ParseInt(flag, value, allowZero: false);
                        break;
                    case "--warmup":
                        if (w != null) throw new UsageException("--warmup given twice");
                        w = ParseInt(flag, value, allowZero: true);
                        break;
                    case "--form":
                        if (form != null) throw new UsageException("--form given twice");
                        form = value.Trim();
                        if (form is not ("seed" or "lean")) throw new UsageException($"--form: '{value}' is not 'seed' or 'lean'");
                        break;
                }
            }
            if (b == null) throw new UsageException("--batch is required");
            if (d == null) throw new UsageException("--dim is required");
            foreach (int batch in b)
                foreach (int dim in d)
                    if ((long)batch * dim > MaxElements)
                        throw new UsageException($"batch x dim = {(long)batch * dim} is too large (at most {MaxElements} per view)");
            batches = b;
            dims = d;
            runs = r;
            warmup = w;
            lean = form == "lean";
        }

        private static List<int> ParseList(string flag, string value)
        {
            var list = new List<int>();
            foreach (string part in value.Split(','))
                list.Add(ParseInt(flag, part, allowZero: false));
            return list;
        }

        private static int ParseInt(string flag, string text, bool allowZero)
        {
            if (!int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v))
                throw new UsageException($"{flag}: '{text}' is not an integer");
            if (v < 0 || (v == 0 && !allowZero))
                throw new UsageException($"{flag}: {v} must be {(allowZero ? "non-negative" : "positive")}");
            return v;
        }

        private static string Measure(int batch, int dim, int? runs, int? warmup, bool lean)
        {
            // --form seed (default): the question's loops (cosine recomputed per pair); lean: normalise, one product, CE
            Func<float[,], float[,], float, float> user = lean ? Losses.NtXentLeanF : Losses.NtXentF;
            Func<float[,], float[,], float, float> forwardOf = lean ? Losses.NtXentLeanFForward : Losses.NtXentFForward;
            BackwardOf backwardOf = lean ? Losses.NtXentLeanFBackward : Losses.NtXentFBackward;
            var rng = new Random(Seed);
            float[,] zi = Normal(rng, batch, dim);
            float[,] zj = Normal(rng, batch, dim);
            var ziGrad = new float[batch, dim];
            var zjGrad = new float[batch, dim];

            // sanity (stderr only; where the loop is measured): the generated forward and backward return the
            // loop's value up to float rounding
            if (batch <= LoopMaxBatch)
            {
                float reference = user(zi, zj, Tau);
                float fwd = forwardOf(zi, zj, Tau);
                float bwd = backwardOf(zi, zj, Tau, ziGrad, zjGrad, out _);
                if (!(Math.Abs(fwd - reference) <= 1e-3f * Math.Max(1f, Math.Abs(reference))) ||
                    !(Math.Abs(bwd - reference) <= 1e-3f * Math.Max(1f, Math.Abs(reference))))
                    Console.Error.WriteLine($"bench: value mismatch at batch {batch}, dim {dim}: loop {reference}, forward {fwd}, backward {bwd}");
            }

            // peak_bytes: what one Backward call allocates on a thread whose pools are empty (every scratch array it
            // needs at once: tables or tile panels, adjoints, tape); fused: whether that call took the tile-fused path
            long fusedBefore = DiffGen.Cpu.Tiling.FusedRuns;
            long peakBytes = 0;
            var cold = new System.Threading.Thread(() =>
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                backwardOf(zi, zj, Tau, ziGrad, zjGrad, out _);
                peakBytes = GC.GetAllocatedBytesForCurrentThread() - before;
            }, 16 << 20);
            cold.Start();
            cold.Join();
            bool fused = DiffGen.Cpu.Tiling.FusedRuns > fusedBefore;

            var generated = Time(() => backwardOf(zi, zj, Tau, ziGrad, zjGrad, out _), runs, warmup, out int generatedRuns);
            var forward = Time(() => forwardOf(zi, zj, Tau), runs, warmup, out int forwardRuns);
            double? loop = null;
            int loopRuns = 0;
            if (batch <= LoopMaxBatch)
                loop = Time(() => user(zi, zj, Tau), runs, warmup, out loopRuns);

            double n = 2.0 * batch;
            double gflops = 6.0 * n * n * dim / (generated * 1e-3) / 1e9;

            var sb = new StringBuilder();
            sb.Append('{');
            sb.Append("\"batch\":").Append(I(batch));
            sb.Append(",\"dim\":").Append(I(dim));
            sb.Append(",\"form\":\"").Append(lean ? "lean" : "seed").Append('"');
            sb.Append(",\"generated_ms\":").Append(D(generated));
            sb.Append(",\"forward_ms\":").Append(D(forward));
            sb.Append(",\"loop_ms\":").Append(loop.HasValue ? D(loop.Value) : "null");
            sb.Append(",\"gflops\":").Append(D(gflops));
            sb.Append(",\"runs\":").Append(I(generatedRuns));
            sb.Append(",\"forward_runs\":").Append(I(forwardRuns));
            sb.Append(",\"loop_runs\":").Append(loop.HasValue ? I(loopRuns) : "null");
            sb.Append(",\"peak_bytes\":").Append(peakBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
            sb.Append(",\"fused\":").Append(fused ? "true" : "false");
            sb.Append(",\"tau\":").Append(D(Tau));
            sb.Append(",\"threads\":").Append(I(Environment.ProcessorCount));
            sb.Append(",\"dotnet\":\"").Append(Escape(RuntimeInformation.FrameworkDescription)).Append('"');
            sb.Append('}');
            return sb.ToString();
        }

        private delegate float BackwardOf(float[,] zi, float[,] zj, float tau, float[,] ziGrad, float[,] zjGrad, out float tauGrad, float seed = 1);

        /// <summary>Median wall time in milliseconds.</summary>
        private static double Time(Func<float> f, int? runs, int? warmup, out int timedRuns)
        {
            float sink = 0;
            long start = Stopwatch.GetTimestamp();
            if (warmup.HasValue)
            {
                for (int i = 0; i < warmup.Value; i++) sink += f();
            }
            else
            {
                do sink += f();
                while (Stopwatch.GetElapsedTime(start).TotalSeconds < WarmupSeconds);
            }

            var times = new List<double>();
            start = Stopwatch.GetTimestamp();
            while (runs.HasValue
                ? times.Count < runs.Value
                : times.Count < MinRuns || (times.Count < MaxRuns && Stopwatch.GetElapsedTime(start).TotalSeconds < BudgetSeconds))
            {
                long t0 = Stopwatch.GetTimestamp();
                sink += f();
                times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            if (float.IsNaN(sink)) Console.Error.WriteLine("bench: the loss was NaN");
            timedRuns = times.Count;
            times.Sort();
            int m = times.Count / 2;
            return times.Count % 2 == 1 ? times[m] : 0.5 * (times[m - 1] + times[m]);
        }

        private static float[,] Normal(Random rng, int rows, int cols)
        {
            var m = new float[rows, cols];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                    m[i, j] = (float)(Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2.0 * Math.PI * rng.NextDouble()));
            return m;
        }

        private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

        private static string D(double v) =>
            double.IsFinite(v) ? v.ToString("0.######", CultureInfo.InvariantCulture) : "null";

        private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"");
    }
}
