using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;

namespace DiffGen.Fuzz
{
    /// <summary>
    /// dotnet run -c Release --project tests/DiffGen.Fuzz -- --count N --seed S [--jobs J] [--ci] [--device-fraction F]
    ///     [--no-device] [--no-shrink] [--batch B] [--quiet]
    /// Runs programs S .. S+N-1 and ends with `programs N, failures F` then the failures by oracle; exit code 0 only when F = 0.
    /// --jobs J runs J worker processes on interleaved seed blocks (each process owns its global knobs such as
    /// LoopParallelism.MinWork). --ci leaves out the constructs listed in KnownBugs.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            int count = 100, seed = 1, jobs = 1, batch = 100;
            bool worker = false, quiet = false;
            var opts = new FuzzOptions();
            for (int i = 0; i < args.Length; i++)
            {
                string Next() => args[++i];
                switch (args[i])
                {
                    case "--count": count = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--seed": seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--jobs": jobs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--batch": batch = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--ci": opts = opts with { Gen = opts.Gen with { ExcludeKnownBugs = true }, Run = opts.Run with { ExcludeKnownBugs = true } }; break;
                    case "--device-fraction": opts = opts with { Run = opts.Run with { DeviceFraction = double.Parse(Next(), CultureInfo.InvariantCulture) } }; break;
                    case "--no-device": opts = opts with { Run = opts.Run with { NoDevice = true } }; break;
                    case "--no-shrink": opts = opts with { Shrink = false }; break;
                    case "--large":
                        // float programs at sizes 48..96, float gradients against the double twin's (issue 15)
                        opts = opts with { Gen = opts.Gen with { MinSize = 48, MaxSize = 96, FloatFraction = 1.0 }, Run = opts.Run with { Large = true, NoDevice = true } };
                        break;
                    case "--quiet": quiet = true; break;
                    case "--worker": worker = true; break;
                    default: Console.Error.WriteLine("unknown argument " + args[i]); return 2;
                }
            }
            opts = opts with { BatchSize = batch };
            Action<string>? log = quiet ? null : s => Console.Error.WriteLine(s);

            Summary summary;
            if (worker)
            {
                // seeds seed, seed + jobs·batch, ...: blocks of `batch` interleaved over the workers
                summary = Fuzzer.Run(seed, count, opts, log);
                Console.WriteLine("@summary " + JsonSerializer.Serialize(summary));
                return 0;
            }
            if (jobs <= 1)
            {
                summary = Fuzzer.Run(seed, count, opts, log);
            }
            else
            {
                summary = RunWorkers(seed, count, jobs, args, log);
            }

            foreach (var c in Aliasing.Probe())
                Console.WriteLine($"aliasing: {c.Name}: {(c.Diagnosed ? "diagnosed" : "NOT diagnosed")} ({c.What})");
            Console.Write(summary.Report());
            Console.WriteLine(summary.Line);
            foreach (var (oracle, n) in summary.ByOracle()) Console.WriteLine($"  {oracle}: {n}");
            return summary.Failures.Count == 0 ? 0 : 1;
        }

        /// <summary>Splits [seed, seed + count) into `jobs` contiguous ranges, one worker process each, and merges their summaries.</summary>
        private static Summary RunWorkers(int seed, int count, int jobs, string[] args, Action<string>? log)
        {
            var rest = new List<string>();
            for (int i = 0; i < args.Length; i++)
            {
                if (args[i] is "--count" or "--seed" or "--jobs") { i++; continue; }
                rest.Add(args[i]);
            }
            var total = new Summary();
            var tasks = new List<Task<Summary>>();
            for (int j = 0; j < jobs; j++)
            {
                int from = seed + (int)((long)count * j / jobs), to = seed + (int)((long)count * (j + 1) / jobs);
                if (to <= from) continue;
                var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
                if (Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal) || Environment.ProcessPath.EndsWith("dotnet.exe", StringComparison.Ordinal))
                    psi.ArgumentList.Add(typeof(Program).Assembly.Location);
                foreach (var a in new[] { "--worker", "--count", (to - from).ToString(CultureInfo.InvariantCulture), "--seed", from.ToString(CultureInfo.InvariantCulture) }.Concat(rest)) psi.ArgumentList.Add(a);
                tasks.Add(Task.Run(() =>
                {
                    using var p = Process.Start(psi)!;
                    p.ErrorDataReceived += (_, e) => { if (e.Data is not null) log?.Invoke(e.Data); };
                    p.BeginErrorReadLine();
                    Summary? s = null;
                    string? line;
                    while ((line = p.StandardOutput.ReadLine()) is not null)
                        if (line.StartsWith("@summary ", StringComparison.Ordinal)) s = JsonSerializer.Deserialize<Summary>(line["@summary ".Length..]);
                    p.WaitForExit();
                    return s ?? throw new InvalidOperationException($"worker for seeds {from}..{to - 1} exited with {p.ExitCode} without a summary");
                }));
            }
            foreach (var t in tasks) total.Add(t.Result);
            return total;
        }
    }
}
