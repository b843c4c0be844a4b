using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;

namespace DiffGen.Fuzz
{
    /// <summary>A found failure: the program's seed, the oracle, the shrunk reproducer's path and message.</summary>
    public sealed record Found(int Seed, string Oracle, string Detail, string? Path, string[] AllOracles);

    public sealed class Summary
    {
        public int Programs { get; set; }
        public int Rejected { get; set; }
        public int Negative { get; set; }
        public int Float { get; set; }
        public int HasDevice { get; set; }
        public int DeviceChecked { get; set; }
        public int HasWorkers { get; set; }
        /// <summary>Generated calls that took the tile-fused path (DIFFGEN_TILING=always makes every fusable one do so).</summary>
        public long FusedCalls { get; set; }
        public long DeviceFusedCalls { get; set; }
        public double Seconds { get; set; }
        public List<Found> Failures { get; set; } = new();
        public Dictionary<string, int> Features { get; set; } = new();

        public Dictionary<string, int> ByOracle() => Failures.SelectMany(f => f.AllOracles).GroupBy(o => o).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());

        public void Add(Summary o)
        {
            Programs += o.Programs; Rejected += o.Rejected; Negative += o.Negative; Float += o.Float; HasDevice += o.HasDevice;
            DeviceChecked += o.DeviceChecked; HasWorkers += o.HasWorkers; FusedCalls += o.FusedCalls; DeviceFusedCalls += o.DeviceFusedCalls; Seconds = Math.Max(Seconds, o.Seconds);
            Failures.AddRange(o.Failures);
            foreach (var (k, v) in o.Features) Features[k] = Features.GetValueOrDefault(k) + v;
        }

        public string Line => $"programs {Programs}, failures {Failures.Count}";

        public string Report()
        {
            var sb = new StringBuilder();
            sb.AppendLine(CultureInfo.InvariantCulture, $"checked: {Programs - Rejected - Negative} in the subset ({Float} float with double twins), {Negative} outside it (expected diagnostic), {Rejected} rejected (values out of range)");
            sb.AppendLine(CultureInfo.InvariantCulture, $"with multi-core loops: {HasWorkers}; with device code: {HasDevice}, run on the g++ emulation: {DeviceChecked}; tile-fused calls: {FusedCalls} (cpu), {DeviceFusedCalls} (device)");
            sb.AppendLine("features: " + string.Join(", ", Features.OrderByDescending(x => x.Value).Select(x => $"{x.Key} {x.Value}")));
            sb.AppendLine(CultureInfo.InvariantCulture, $"time: {Seconds:F1} s, {1000 * Seconds / Math.Max(1, Programs):F0} ms per program");
            foreach (var f in Failures.OrderBy(f => f.Seed)) sb.AppendLine($"FAIL seed {f.Seed} [{string.Join(", ", f.AllOracles)}] {f.Path ?? "(not shrunk)"}: {FirstLine(f.Detail)}");
            return sb.ToString();
        }

        private static string FirstLine(string s) { int i = s.IndexOf('\n'); return i < 0 ? s : s[..i]; }
    }

    public sealed record FuzzOptions
    {
        public GenOptions Gen { get; init; } = new();
        public RunOptions Run { get; init; } = new();
        public int BatchSize { get; init; } = 100;
        public bool Shrink { get; init; } = true;

        /// <summary>Shrink at most this many failures per oracle in a run (the rest are listed unshrunk: usually the same bug).</summary>
        public int ShrinkPerOracle { get; init; } = 3;
        public string FoundDir { get; init; } = DefaultFoundDir();

        private static string DefaultFoundDir([CallerFilePath] string file = "") => Path.Combine(Path.GetDirectoryName(file)!, "Found");
    }

    /// <summary>Runs a seed range in batches, shrinks what fails and writes reproducers.</summary>
    public static class Fuzzer
    {
        /// <summary>Oracles in the order a program's failure is reported and shrunk.</summary>
        private static readonly string[] Priority = { "harness", "diagnostic", "diagnostic-negative", "compile", "determinism", "crash", "forward", "backward-value", "backward-outputs", "inputs", "gradient", "gradient-float", "repeat", "seed", "parallel", "device" };

        public static Summary Run(int seed, int count, FuzzOptions opts, Action<string>? log = null)
        {
            var sw = Stopwatch.StartNew();
            var summary = new Summary();
            var shrunk = new Dictionary<string, int>();
            for (int start = seed; start < seed + count; start += opts.BatchSize)
            {
                int n = Math.Min(opts.BatchSize, seed + count - start);
                var programs = Enumerable.Range(start, n).Select(s => ProgramGenerator.Generate(s, opts.Gen)).ToList();
                var outcomes = Batch.Run(programs, opts.Run);
                foreach (var p in programs)
                {
                    var o = outcomes[p.Id];
                    summary.Programs++;
                    if (p.ExpectedDiagnostic is not null) summary.Negative++;
                    if (p.Prec == Prec.Float) summary.Float++;
                    if (o.Rejected is not null && o.Failures.Count == 0) summary.Rejected++;
                    if (o.HasDevice) summary.HasDevice++;
                    if (o.DeviceChecked) summary.DeviceChecked++;
                    if (o.HasWorkers) summary.HasWorkers++;
                    foreach (var f in p.Features) summary.Features[f] = summary.Features.GetValueOrDefault(f) + 1;
                    if (o.Failures.Count == 0) continue;
                    var first = o.Failures.OrderBy(f => Array.IndexOf(Priority, f.Oracle) is var i && i < 0 ? 99 : i).First();
                    log?.Invoke($"seed {p.Seed}: {string.Join(", ", o.Failures.Select(f => f.Oracle))}: {first.Detail.Split('\n')[0]}");
                    string? path = null;
                    string detail = first.Detail;
                    shrunk[first.Oracle] = shrunk.GetValueOrDefault(first.Oracle) + 1;
                    if (opts.Shrink && first.Oracle != "harness" && shrunk[first.Oracle] <= opts.ShrinkPerOracle)
                    {
                        try
                        {
                            var (small, failure) = Shrinker.Shrink(p, first, opts.Run, log);
                            path = Write(opts.FoundDir, p, small, failure);
                            detail = failure.Detail;
                            log?.Invoke($"  -> {path} (size {p.Size} -> {small.Size})");
                        }
                        catch (Exception ex)
                        {
                            log?.Invoke("  shrinking failed: " + ex.Message);
                        }
                    }
                    summary.Failures.Add(new Found(p.Seed, first.Oracle, detail, path, o.Failures.Select(f => f.Oracle).ToArray()));
                }
                log?.Invoke($"[{start}..{start + n - 1}] {summary.Programs} programs, {summary.Failures.Count} failures, {sw.Elapsed.TotalSeconds:F0} s");
            }
            summary.Seconds = sw.Elapsed.TotalSeconds;
            summary.FusedCalls = DiffGen.Cpu.Tiling.FusedRuns;
            summary.DeviceFusedCalls = DiffGen.Cpu.Tiling.DeviceFusedRuns;
            return summary;
        }

        /// <summary>Writes tests/DiffGen.Fuzz/Found/&lt;oracle&gt;-&lt;seed&gt;.cs: the shrunk program (and its double twin) with its seed and failure.</summary>
        public static string Write(string dir, FuzzProgram original, FuzzProgram small, Failure failure)
        {
            Directory.CreateDirectory(dir);
            string path = Path.Combine(dir, $"{failure.Oracle}-{original.Seed}.cs");
            var sb = new StringBuilder();
            sb.AppendLine("// DiffGen.Fuzz reproducer (shrunk automatically; not compiled by the fuzz project)");
            sb.AppendLine(CultureInfo.InvariantCulture, $"// oracle: {failure.Oracle}   seed: {original.Seed}   program size {original.Size} -> {small.Size}");
            sb.AppendLine(CultureInfo.InvariantCulture, $"// rerun the original: dotnet run -c Release --project tests/DiffGen.Fuzz -- --count 1 --seed {original.Seed}");
            sb.AppendLine("// sizes: " + string.Join(", ", small.Sizes.OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => $"{x.Key} = {x.Value}")) +
                          "; inputs: Oracles.MakeInputs (arrays and scalars uniform in [-1, 1] from the seed)" + (small.ExpectedDiagnostic is { } d ? "; expected diagnostic " + d : ""));
            sb.AppendLine("// features of the original: " + string.Join(", ", original.Features));
            foreach (var line in failure.Detail.Split('\n').Take(12)) sb.AppendLine("// failure: " + line.TrimEnd());
            sb.AppendLine();
            sb.Append(small.Render(small.Prec));
            if (small.Prec == Prec.Float)
            {
                sb.AppendLine();
                sb.AppendLine("// the double twin (finite-difference reference of the float program)");
                sb.Append(small.Render(Prec.Double));
            }
            File.WriteAllText(path, sb.ToString());
            return path;
        }
    }
}
