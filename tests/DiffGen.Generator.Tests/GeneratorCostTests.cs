using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using DiffGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;
using Xunit.Abstractions;

namespace DiffGen.Generator.Tests
{
    /// <summary>
    /// Issue 10 (cost): where the generator's time goes over the snapshot corpus, per pipeline step (the tracked steps'
    /// ElapsedTime), cold (first run in the process, JIT included) and warm (a fresh compilation, same process).
    /// Prints a table (docs/generator-cost.md); asserts only that every step was timed. Skipped unless DIFFGEN_COST=1
    /// (it runs the generator over the corpus several times); run it alone:
    /// <c>DIFFGEN_COST=1 dotnet test tests/DiffGen.Generator.Tests -c Release --filter GeneratorCostTests --logger "console;verbosity=detailed"</c>.
    /// </summary>
    public class GeneratorCostTests(ITestOutputHelper output)
    {
        private static readonly string[] Steps =
        {
            DifferentiableGenerator.TrackingNames.Parse, DifferentiableGenerator.TrackingNames.Diagnostics, DifferentiableGenerator.TrackingNames.Model,
            DifferentiableGenerator.TrackingNames.Remarks, DifferentiableGenerator.TrackingNames.Unlocated, DifferentiableGenerator.TrackingNames.Raise,
            DifferentiableGenerator.TrackingNames.Differentiate, DifferentiableGenerator.TrackingNames.Schedule, DifferentiableGenerator.TrackingNames.Emit,
        };

        private static string[] Sources() => Directory.GetFiles(Path.Combine(Repo.Root, "tests", "DiffGen.Tests", "Corpus"), "*.cs")
                .Concat(Directory.GetFiles(Path.Combine(Repo.Root, "tests", "DiffGen.Generator.Tests", "Inputs"), "*.cs"))
                .OrderBy(f => f, StringComparer.Ordinal).Select(File.ReadAllText).ToArray();

        /// <summary>Schedule and Emit split into their parts, on the Differentiate step's outputs (warm: best of 3).</summary>
        /// <summary>A fact that runs only when DIFFGEN_COST=1.</summary>
        public sealed class CostFactAttribute : FactAttribute
        {
            public CostFactAttribute()
            {
                if (Environment.GetEnvironmentVariable("DIFFGEN_COST") != "1") Skip = "timing only: set DIFFGEN_COST=1";
            }
        }

        [CostFact]
        public void Time_inside_schedule_and_emit()
        {
            var run = GeneratorHarness.Driver().RunGenerators(GeneratorHarness.Compile(Sources())).GetRunResult();
            var models = GeneratorHarness.StepOutputs(run, DifferentiableGenerator.TrackingNames.Differentiate).OfType<DiffGen.Generator.Differentiate.AdjointModel>().ToList();
            var parts = new (string Name, Action<DiffGen.Generator.Differentiate.AdjointModel> Body)[]
            {
                ("Vectorizer+WideSums+TileFusion", a => DiffGen.Generator.Schedule.TileFusion.Run(DiffGen.Generator.Schedule.WideSums.Run(DiffGen.Generator.Schedule.Vectorizer.Run(a)))),
                ("Scheduler (no CUDA)", a => DiffGen.Generator.Schedule.Scheduler.Run(a, false)),
                ("Scheduler (CUDA)", a => DiffGen.Generator.Schedule.Scheduler.Run(a, true)),
                ("Scheduler+Emit (no CUDA)", a => DiffGen.Generator.Emit.DifferentiableEmitter.Emit(DiffGen.Generator.Schedule.Scheduler.Run(a, false))),
                ("Scheduler+Emit (CUDA)", a => DiffGen.Generator.Emit.DifferentiableEmitter.Emit(DiffGen.Generator.Schedule.Scheduler.Run(a, true))),
            };
            foreach (var (name, body) in parts)
            {
                double best = double.MaxValue;
                for (int rep = 0; rep < 3; rep++)
                {
                    var sw = Stopwatch.StartNew();
                    foreach (var a in models) body(a);
                    best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
                }
                output.WriteLine($"{name,-32} {best,8:F0} ms  {best / models.Count,6:F2} ms/method");
            }
        }

        [CostFact]
        public void Time_per_step_over_the_corpus()
        {
            var sources = Sources();
            for (int run = 0; run < 3; run++)
            {
                var compilation = GeneratorHarness.Compile(sources);
                var sw = Stopwatch.StartNew();
                var driver = GeneratorHarness.Driver().RunGenerators(compilation);
                sw.Stop();
                var result = driver.GetRunResult();
                var steps = result.Results[0].TrackedSteps;
                int methods = steps[DifferentiableGenerator.TrackingNames.Emit].Length;
                long lines = result.GeneratedTrees.Sum(t => (long)t.GetText().Lines.Count);
                double total = driver.GetTimingInfo().ElapsedTime.TotalMilliseconds;
                output.WriteLine($"run {run} ({(run == 0 ? "cold" : "warm")}): {methods} methods, {result.GeneratedTrees.Length} files, {lines} lines; " +
                    $"generator {total:F0} ms ({total / methods:F1} ms/method), RunGenerators {sw.Elapsed.TotalMilliseconds:F0} ms");
                foreach (var name in Steps)
                {
                    Assert.True(steps.ContainsKey(name), name);
                    double ms = steps[name].Sum(s => s.ElapsedTime.TotalMilliseconds);
                    output.WriteLine($"  {name,-14} {ms,8:F0} ms  {ms / methods,6:F2} ms/method");
                }
            }
        }
    }
}
