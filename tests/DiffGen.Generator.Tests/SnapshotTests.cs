using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiffGen.Generator.Differentiate;
using DiffGen.Generator.IR;
using DiffGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>
    /// Clad-style discipline: the generated C# and the IR of each stage are snapshot-tested for the whole
    /// end-to-end corpus (tests/DiffGen.Tests/Corpus) and the inputs here; the end-to-end project then runs
    /// the same code against finite differences.
    /// </summary>
    public class SnapshotTests
    {
        private static readonly Lazy<GeneratorHarness.Result> s_corpus = new(() =>
        {
            var files = Directory.GetFiles(Path.Combine(Repo.Root, "tests", "DiffGen.Tests", "Corpus"), "*.cs")
                .Concat(Directory.GetFiles(Path.Combine(Repo.Root, "tests", "DiffGen.Generator.Tests", "Inputs"), "*.cs"))
                .OrderBy(f => f, StringComparer.Ordinal);
            return GeneratorHarness.Run(files.Select(File.ReadAllText).ToArray());
        });

        public static IEnumerable<object[]> GeneratedFiles() =>
            s_corpus.Value.Run.GeneratedTrees.Select(t => new object[] { Path.GetFileName(t.FilePath) }).OrderBy(x => (string)x[0], StringComparer.Ordinal);

        public static IEnumerable<object[]> Methods() =>
            GeneratorHarness.StepOutputs(s_corpus.Value.Run, DifferentiableGenerator.TrackingNames.Schedule)
                .OfType<DiffGen.Generator.Schedule.ExecutionPlan>().Select(p => p.Model)
                .Select(a => new object[] { a.Method.HintName.Replace(".g.cs", "") })
                .OrderBy(x => (string)x[0], StringComparer.Ordinal);

        [Fact]
        public void CorpusGeneratesWithoutErrorsOrWarnings()
        {
            var r = s_corpus.Value;
            // (two probe-batch methods are kept as written although nothing in them gets a gradient: their DIFF0019 is the point)
            Assert.Empty(r.GeneratorDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id != "DIFF0019"));
            Assert.Equal(new[] { "'Loss'", "'QuadraticBezierLength'" },
                r.GeneratorDiagnostics.Where(d => d.Id == "DIFF0019").Select(d => d.GetMessage().Split(' ')[2]).OrderBy(x => x, System.StringComparer.Ordinal));
            Assert.Empty(r.CompileDiagnostics);
            Assert.True(r.Run.GeneratedTrees.Length >= 12, $"only {r.Run.GeneratedTrees.Length} generated files");
        }

        [Theory]
        [MemberData(nameof(GeneratedFiles))]
        public void GeneratedCSharp(string file)
        {
            var tree = s_corpus.Value.Run.GeneratedTrees.Single(t => Path.GetFileName(t.FilePath) == file);
            Snapshot.Verify(file.Replace(".g.cs", ".cs"), tree.GetText().ToString());
        }

        [Theory]
        [MemberData(nameof(Methods))]
        public void IrOfEachStage(string method)
        {
            var adjoint = GeneratorHarness.StepOutputs(s_corpus.Value.Run, DifferentiableGenerator.TrackingNames.Schedule)
                .OfType<DiffGen.Generator.Schedule.ExecutionPlan>().Select(p => p.Model).Single(a => a.Method.HintName.Replace(".g.cs", "") == method);
            Snapshot.Verify(method + ".ir", IrPrinter.Print(adjoint.Method) + "\n" + IrPrinter.Print(adjoint));
        }

        /// <summary>Schedule's decisions (what runs where and why not), the text the emitters print from.</summary>
        [Theory]
        [MemberData(nameof(Methods))]
        public void ExecutionPlanOfEachMethod(string method)
        {
            var plan = GeneratorHarness.StepOutputs(s_corpus.Value.Run, DifferentiableGenerator.TrackingNames.Schedule)
                .OfType<DiffGen.Generator.Schedule.ExecutionPlan>().Single(p => p.Model.Method.HintName.Replace(".g.cs", "") == method);
            Snapshot.Verify(method + ".plan", plan.ToString());
        }
    }
}
