using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using DiffGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DiffGen.Generator.Tests.Infrastructure
{
    /// <summary>Runs the real generator in-process over source text, the way the compiler does.</summary>
    public static class GeneratorHarness
    {
        private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
        {
            var tpa = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
            var refs = tpa.Where(p => Path.GetFileName(p).StartsWith("System", StringComparison.Ordinal) || Path.GetFileName(p) == "netstandard.dll" || Path.GetFileName(p) == "mscorlib.dll")
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
            refs.Add(MetadataReference.CreateFromFile(typeof(DiffGen.DifferentiableAttribute).Assembly.Location));
            return refs.ToImmutableArray();
        });

        public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

        public static CSharpCompilation Compile(params string[] sources) =>
            CSharpCompilation.Create("Tests",
                sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Input{i}.cs")),
                s_references.Value,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        public static GeneratorDriver Driver() =>
            CSharpGeneratorDriver.Create(new[] { new DifferentiableGenerator().AsSourceGenerator() }, parseOptions: ParseOptions,
                driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

        public sealed record Result(GeneratorDriver Driver, GeneratorDriverRunResult Run, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics, ImmutableArray<Diagnostic> CompileDiagnostics);

        public static Result Run(params string[] sources)
        {
            var compilation = Compile(sources);
            var driver = Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diags);
            var run = driver.GetRunResult();
            var compileDiags = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray();
            return new Result(driver, run, output, diags, compileDiags);
        }

        /// <summary>The outputs of a named pipeline step (models, for IR snapshots).</summary>
        public static IEnumerable<object> StepOutputs(GeneratorDriverRunResult run, string step) =>
            run.Results[0].TrackedSteps.TryGetValue(step, out var steps)
                ? steps.SelectMany(s => s.Outputs.Select(o => o.Value))
                : Enumerable.Empty<object>();
    }
}
