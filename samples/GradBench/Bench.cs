using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace DiffGen.GradBench
{
    /// <summary>
    /// <c>GradBench bench</c>: times the supported evals on gradbench's default sizes, in-process, and
    /// prints a Markdown table on stdout (and nothing else; progress goes to stderr).
    /// <para>
    /// Each evaluation goes through the protocol's own code: the bench writes the evaluate message an
    /// eval would send (<see cref="BenchInputs"/>), hands it to <see cref="ToolHost.Handle"/>, and reads
    /// the reply's "evaluate" timings, exactly what gradbench reports. So the input conversion
    /// ("prepare") and the writing of the output are outside the timed runs, as in the protocol, and a
    /// failed evaluation fails the same way. One <see cref="ToolHost"/> per eval, like one tool process
    /// per gradbench run; a full garbage collection before each evaluate clears the bench's own garbage.
    /// </para>
    /// </summary>
    public static class Bench
    {
        public const string Usage =
            "usage: GradBench bench [--min-runs N] [--min-seconds S] [--only lse,llsq,gmm,ode,det,lstm,ba,ht] [--threads N]\n" +
            "  Times each function on gradbench's default sizes (lse n=2500, 1280000; llsq n=16, 16392 with m=128;\n" +
            "  gmm 2_5_1000, 10_25_1000, 64_100_1000; ode n=1000,s=1 and n=100000,s=100; det ell=5,7,9,10,11;\n" +
            "  lstm l=2,c=1024, l=4,c=4096, l=6,c=8192; ba ba1, ba5; ht small model hand1, simple and complicated)\n" +
            "  through the protocol's evaluate, in-process, and prints a Markdown table on stdout. Progress goes to stderr.\n" +
            "  --min-runs N     runs per evaluation at least (default 1, gradbench's default)\n" +
            "  --min-seconds S  seconds per evaluation at least, summed over the runs (default 1, gradbench's default)\n" +
            "  --only LIST      comma-separated evals to run (default: all eight)\n" +
            "  --threads N      threads for the runtime GEMM (default 1, or $" + ToolOptions.ThreadsVariable + ");\n" +
            "                   the generated loops stay single-threaded";

        public static readonly string[] Evals = { "lse", "llsq", "gmm", "ode", "det", "lstm", "ba", "ht" };

        /// <summary>
        /// The hand-written C++ reference tool (<c>manual</c>, one thread, -O3 -march=native), mean ms per
        /// run, from the shared gradbench notes (/work/shared/gradbench/README.md). None for ode (the notes' ode
        /// figures use the closed-form gradient) and ht (the notes time the big hand model only).
        /// </summary>
        public static readonly IReadOnlyDictionary<(string Module, string Description, string Function), double> CppReferenceMs =
            new Dictionary<(string, string, string), double>
            {
                [("lse", "n=2500", "primal")] = 0.021,
                [("lse", "n=2500", "gradient")] = 0.015,
                [("lse", "n=1280000", "primal")] = 9.7,
                [("lse", "n=1280000", "gradient")] = 8.2,
                [("llsq", "n=16,m=128", "primal")] = 0.0016,
                [("llsq", "n=16,m=128", "gradient")] = 0.0032,
                [("llsq", "n=16392,m=128", "primal")] = 1.63,
                [("llsq", "n=16392,m=128", "gradient")] = 3.28,
                [("gmm", "2_5_1000", "objective")] = 0.087,
                [("gmm", "2_5_1000", "jacobian")] = 0.159,
                [("gmm", "10_25_1000", "objective")] = 1.94,
                [("gmm", "10_25_1000", "jacobian")] = 3.70,
                [("gmm", "64_100_1000", "objective")] = 65,
                [("gmm", "64_100_1000", "jacobian")] = 241,
                // Measured 2026-11-30 (shared notes, "More evals"): one run of each eval, rough.
                [("det", "5", "primal")] = 0.0010,
                [("det", "5", "gradient")] = 0.0051,
                [("det", "7", "primal")] = 0.042,
                [("det", "7", "gradient")] = 0.309,
                [("det", "9", "primal")] = 3.07,
                [("det", "9", "gradient")] = 27.3,
                [("det", "10", "primal")] = 30.1,
                [("det", "10", "gradient")] = 304,
                [("det", "11", "primal")] = 333,
                [("det", "11", "gradient")] = 3660,
                [("lstm", "l=2,c=1024", "objective")] = 1.49,
                [("lstm", "l=2,c=1024", "jacobian")] = 11.1,
                [("lstm", "l=4,c=4096", "objective")] = 12.1,
                [("lstm", "l=4,c=4096", "jacobian")] = 132,
                [("lstm", "l=6,c=8192", "objective")] = 34.1,
                [("lstm", "l=6,c=8192", "jacobian")] = 622,
                [("ba", "ba1_n49_m7776_p31843", "objective")] = 0.89,
                [("ba", "ba1_n49_m7776_p31843", "jacobian")] = 6.36,
                [("ba", "ba5_n257_m65132_p225911", "objective")] = 8.19,
                [("ba", "ba5_n257_m65132_p225911", "jacobian")] = 82.3,
            };

        /// <summary>det's edge sizes: those the shared notes time the C++ reference at.</summary>
        public static readonly int[] DetSizes = { 5, 7, 9, 10, 11 };

        /// <summary>The workloads of one eval: the smallest and the largest of its default sizes (gmm: three), or those the C++ reference was timed at.</summary>
        public static IEnumerable<BenchWorkload> Workloads(string eval) => eval switch
        {
            "lse" => BenchInputs.Lse(new HashSet<int> { 2500, 1280000 }),
            "llsq" => BenchInputs.Llsq(new HashSet<(int, int)> { (16, 128), (16392, 128) }),
            "gmm" => new[] { (2, 5), (10, 25), (64, 100) }.Select(dk => BenchInputs.Gmm(dk.Item1, dk.Item2)),
            "ode" => BenchInputs.Ode(new HashSet<(int, int)> { (1000, 1), (100000, 100) }),
            "det" => DetSizes.Select(BenchInputs.Det),
            "lstm" => new[] { (2, 1024), (4, 4096), (6, 8192) }.Select(lc => BenchInputs.Lstm(lc.Item1, lc.Item2)),
            "ba" => new[] { BenchInputs.Ba("ba1", 49, 7776, 31843), BenchInputs.Ba("ba5", 257, 65132, 225911) },
            "ht" => BenchInputs.Ht(),
            _ => throw new ArgumentException($"unknown eval '{eval}'"),
        };

        private sealed record Row(string Module, string Description, string Function, int Runs, double MeanMs, double MinMs,
            double FirstMs, double CpuMs, double? CppMs, string? Error);

        public static int Run(string[] args, Stream stdout, Func<string, string?> getEnvironmentVariable)
        {
            Options o;
            try
            {
                o = Options.Parse(args, getEnvironmentVariable);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"GradBench bench: {e.Message}");
                Console.Error.WriteLine(Usage);
                return 2;
            }
            if (o.ShowHelp)
            {
                Console.Error.WriteLine(Usage);
                return 0;
            }

            Program.ApplyThreads(o.Threads);
            Console.Error.WriteLine(
                Invariant($"bench: {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} logical processors, ") +
                Invariant($"Vector<double>.Count {System.Numerics.Vector<double>.Count}, GEMM threads {DiffGen.Cpu.Gemm.MaxDegreeOfParallelism}, ") +
                Invariant($"--min-runs {o.MinRuns} --min-seconds {o.MinSeconds}"));

            var rows = new List<Row>();
            int id = 0;
            foreach (string eval in Evals.Where(o.Only.Contains))
            {
                var host = new ToolHost(new ToolOptions());
                host.Handle($"{{\"id\":{id++},\"kind\":\"start\",\"eval\":\"{eval}\"}}");
                host.Handle($"{{\"id\":{id++},\"kind\":\"define\",\"module\":\"{eval}\"}}");
                foreach (var workload in Workloads(eval))
                {
                    foreach (string function in workload.Functions)
                    {
                        string message = EvaluateMessage(id++, workload, function, o.MinRuns, o.MinSeconds);
                        GC.Collect();
                        GC.WaitForPendingFinalizers();
                        GC.Collect();
                        byte[] reply = host.Handle(message);
                        var row = ReadReply(reply, workload, function, host.LastEvaluate);
                        rows.Add(row);
                        Console.Error.WriteLine(row.Error is null
                            ? Invariant($"bench: {eval} {workload.Description} {function}: {row.Runs} runs, mean {Ms(row.MeanMs)} ms, min {Ms(row.MinMs)}, first {Ms(row.FirstMs)}, cpu {Ms(row.CpuMs)} ms/run")
                            : $"bench: {eval} {workload.Description} {function} FAILED: {row.Error}");
                    }
                }
            }

            byte[] table = Encoding.UTF8.GetBytes(Table(rows));
            stdout.Write(table, 0, table.Length);
            stdout.Flush();
            return rows.Any(r => r.Error is not null) ? 1 : 0;
        }

        /// <summary>The evaluate message an eval sends: the input plus <c>min_runs</c> and <c>min_seconds</c>.</summary>
        private static string EvaluateMessage(int id, BenchWorkload workload, string function, int minRuns, double minSeconds)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteNumber("id", id);
                w.WriteString("kind", "evaluate");
                w.WriteString("module", workload.Module);
                w.WriteString("function", function);
                w.WriteStartObject("input");
                workload.WriteInput(w);
                w.WriteNumber("min_runs", minRuns);
                w.WriteNumber("min_seconds", minSeconds);
                w.WriteEndObject();
                w.WriteString("description", workload.Description);
                w.WriteEndObject();
            }
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }

        private static Row ReadReply(byte[] reply, BenchWorkload workload, string function, EvaluateStatistics? statistics)
        {
            double? cpp = CppReferenceMs.TryGetValue((workload.Module, workload.Description, function), out double c) ? c : null;
            using var doc = JsonDocument.Parse(reply);
            var root = doc.RootElement;
            if (!root.TryGetProperty("success", out var success) || success.ValueKind != JsonValueKind.True || statistics is null)
            {
                string error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : "no success in the reply";
                return new Row(workload.Module, workload.Description, function, 0, double.NaN, double.NaN, double.NaN, double.NaN, cpp, error);
            }
            var ns = root.GetProperty("timings").EnumerateArray()
                .Where(t => t.GetProperty("name").GetString() == "evaluate")
                .Select(t => t.GetProperty("nanoseconds").GetInt64() / 1e6)
                .ToArray();
            return new Row(workload.Module, workload.Description, function, ns.Length, ns.Average(), ns.Min(), ns[0],
                statistics.Value.CpuMillisecondsPerRun, cpp, null);
        }

        private static string Table(List<Row> rows)
        {
            var sb = new StringBuilder();
            sb.Append("| workload | function | runs | mean ms | min ms | first ms | CPU ms/run | C++ ms | mean / C++ |\n");
            sb.Append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
            foreach (var r in rows)
            {
                string cpp = r.CppMs is double c ? c.ToString(CultureInfo.InvariantCulture) : "–";
                if (r.Error is not null)
                {
                    sb.Append($"| {r.Module} {r.Description} | {r.Function} | 0 | failed | – | – | – | {cpp} | – |\n");
                    continue;
                }
                string ratio = r.CppMs is double cr ? Ratio(r.MeanMs / cr) : "–";
                sb.Append($"| {r.Module} {r.Description} | {r.Function} | {r.Runs} | {Ms(r.MeanMs)} | {Ms(r.MinMs)} | {Ms(r.FirstMs)} | {Ms(r.CpuMs)} | {cpp} | {ratio} |\n");
            }
            return sb.ToString();
        }

        /// <summary>Three significant digits, thousands separated from 1,000 on: 0.0359, 11.6, 157, 5,187.</summary>
        public static string Ms(double v)
        {
            if (!double.IsFinite(v)) return "–";
            if (v >= 999.5) return v.ToString("N0", CultureInfo.InvariantCulture);
            if (v <= 0) return "0";
            int decimals = Math.Max(0, 2 - (int)Math.Floor(Math.Log10(v)));
            return v.ToString("F" + decimals, CultureInfo.InvariantCulture);
        }

        /// <summary>Two significant digits: 0.85×, 1.7×, 31×, 1,234×.</summary>
        public static string Ratio(double r) =>
            (!double.IsFinite(r) ? "–"
            : r >= 9.95 ? r.ToString("N0", CultureInfo.InvariantCulture)
            : r >= 0.995 ? r.ToString("F1", CultureInfo.InvariantCulture)
            : r.ToString("G2", CultureInfo.InvariantCulture)) + "×";

        private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

        private sealed class Options
        {
            public int MinRuns = 1;
            public double MinSeconds = 1;
            public HashSet<string> Only = new(Evals, StringComparer.Ordinal);
            public int Threads = 1;
            public bool ShowHelp;

            public static Options Parse(string[] args, Func<string, string?> getEnvironmentVariable)
            {
                var o = new Options();
                string? env = getEnvironmentVariable(ToolOptions.ThreadsVariable);
                if (!string.IsNullOrEmpty(env)) o.Threads = ToolOptions.ParseThreads(env, "$" + ToolOptions.ThreadsVariable);
                for (int i = 0; i < args.Length; i++)
                {
                    string a = args[i];
                    string? inline = null;
                    int eq = a.IndexOf('=');
                    if (a.StartsWith("--", StringComparison.Ordinal) && eq > 0)
                    {
                        inline = a.Substring(eq + 1);
                        a = a.Substring(0, eq);
                    }
                    string Value()
                    {
                        if (inline is not null) return inline;
                        if (i + 1 >= args.Length) throw new ArgumentException($"{a} needs a value");
                        return args[++i];
                    }
                    switch (a)
                    {
                        case "--min-runs":
                        {
                            string v = Value();
                            if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out o.MinRuns) || o.MinRuns < 1)
                                throw new ArgumentException($"--min-runs must be a positive integer, not '{v}'");
                            break;
                        }
                        case "--min-seconds":
                        {
                            string v = Value();
                            if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out o.MinSeconds) || !(o.MinSeconds >= 0) || double.IsInfinity(o.MinSeconds))
                                throw new ArgumentException($"--min-seconds must be a non-negative number, not '{v}'");
                            break;
                        }
                        case "--only":
                        {
                            string v = Value();
                            var only = v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                            foreach (string eval in only)
                            {
                                if (!Evals.Contains(eval))
                                    throw new ArgumentException($"--only: unknown eval '{eval}' (the bench has: {string.Join(", ", Evals)})");
                            }
                            if (only.Length == 0) throw new ArgumentException("--only needs at least one eval");
                            o.Only = new HashSet<string>(only, StringComparer.Ordinal);
                            break;
                        }
                        case "--threads":
                        case "-t":
                            o.Threads = ToolOptions.ParseThreads(Value(), "--threads");
                            break;
                        case "--help":
                        case "-h":
                            if (inline is not null) throw new ArgumentException($"unknown argument '{args[i]}'");
                            o.ShowHelp = true;
                            break;
                        default:
                            throw new ArgumentException($"unknown argument '{args[i]}'");
                    }
                }
                return o;
            }
        }
    }
}
