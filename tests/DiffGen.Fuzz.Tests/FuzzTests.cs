using System;
using System.IO;
using System.Linq;
using DiffGen.Fuzz;
using Xunit;
using Xunit.Abstractions;

namespace DiffGen.Fuzz.Tests
{
    /// <summary>
    /// The random-program differential tester over a fixed seed range (about 3-4 minutes on two cores), with the
    /// constructs of <see cref="KnownBugs"/> left out. A failure shrinks the program and writes the reproducer under
    /// the test's output folder (Found/), and the message lists every reproducer.
    /// </summary>
    public sealed class FuzzTests(ITestOutputHelper output)
    {
        /// <summary>The CI seed range (change only together with a run that shows it green and within the time budget).</summary>
        public const int FirstSeed = 1, Count = 3000;

        [Fact]
        public void Random_programs_pass_every_oracle()
        {
            var found = Path.Combine(AppContext.BaseDirectory, "Found");
            var opts = new FuzzOptions
            {
                Gen = new GenOptions { ExcludeKnownBugs = true },
                Run = new RunOptions { DeviceFraction = 0.03, ExcludeKnownBugs = true },
                FoundDir = found,
            };
            var summary = Fuzzer.Run(FirstSeed, Count, opts, output.WriteLine);
            output.WriteLine(summary.Report());
            output.WriteLine(summary.Line);
            if (summary.Failures.Count == 0) return;
            var message = summary.Line + " (seeds " + FirstSeed + ".." + (FirstSeed + Count - 1) + ")\n" + string.Join("\n\n", summary.Failures.Select(f =>
                $"seed {f.Seed} [{string.Join(", ", f.AllOracles)}]: {f.Detail}\n" + (f.Path is { } p && File.Exists(p) ? File.ReadAllText(p) : "(not shrunk)")));
            Assert.Fail(message);
        }

        /// <summary>Issue 11's aliasing rule: one array passed as a written buffer and as another parameter is refused with an ArgumentException naming both.</summary>
        [Fact]
        public void Aliasing_is_refused()
        {
            foreach (var c in Aliasing.Probe())
            {
                output.WriteLine($"{c.Name}: {(c.Diagnosed ? "diagnosed" : "NOT diagnosed")} ({c.What})");
                Assert.True(c.Diagnosed, $"{c.Name}: {c.What}");
            }
        }
    }
}
