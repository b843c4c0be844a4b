using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using DiffGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DiffGen.Fuzz
{
    /// <summary>One oracle that failed on one program.</summary>
    public sealed record Failure(string Oracle, string Detail);

    /// <summary>What happened to one program: failures, or why it was not checked (rejected: outside numeric range).</summary>
    public sealed class Outcome
    {
        public List<Failure> Failures = new();
        public string? Rejected;
        public bool DeviceChecked, HasDevice, HasWorkers;

        public void Fail(string oracle, string detail)
        {
            if (!Failures.Any(f => f.Oracle == oracle)) Failures.Add(new Failure(oracle, detail));
        }
    }

    /// <summary>
    /// Compiles many programs in one Roslyn compilation (each class in its own syntax tree, so diagnostics map back to
    /// programs), runs the real generator in-process twice (determinism), drops programs whose generated code does
    /// not compile, emits one assembly, loads it into a collectible <see cref="AssemblyLoadContext"/> and runs the
    /// oracles on every program by reflection.
    /// </summary>
    public static class Batch
    {
        private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
        {
            var tpa = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
            var refs = tpa.Where(p => Path.GetFileName(p).StartsWith("System", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
            refs.Add(MetadataReference.CreateFromFile(typeof(DifferentiableAttribute).Assembly.Location));
            return refs.ToImmutableArray();
        });

        private static readonly CSharpParseOptions s_parse = new(LanguageVersion.Latest);
        private static int s_batches;

        private static GeneratorDriver Driver() =>
            CSharpGeneratorDriver.Create(new[] { new DifferentiableGenerator().AsSourceGenerator() }, parseOptions: s_parse);

        /// <summary>The class name a syntax tree path belongs to (user trees "C12.cs"; generated "...Fz.C12.F.g.cs").</summary>
        private static string? ClassOf(string? path)
        {
            if (string.IsNullOrEmpty(path)) return null;
            string file = Path.GetFileName(path);
            if (file.StartsWith("Fz.", StringComparison.Ordinal)) return file.Split('.')[1];
            return file.EndsWith(".cs", StringComparison.Ordinal) ? file[..^3] : null;
        }

        /// <summary>Compiles one hand-written source with the generator and loads it (collectible); throws on any error.</summary>
        public static (Assembly Assembly, AssemblyLoadContext Context) CompileAndLoad(string source, string name)
        {
            var compilation = CSharpCompilation.Create(name + System.Threading.Interlocked.Increment(ref s_batches), new[] { CSharpSyntaxTree.ParseText(source, s_parse, path: name + ".cs") }, s_references.Value,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, optimizationLevel: OptimizationLevel.Release, allowUnsafe: true));
            Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diags);
            using var pe = new MemoryStream();
            var emit = output.Emit(pe);
            if (!emit.Success || diags.Any(d => d.Severity == DiagnosticSeverity.Error))
                throw new InvalidOperationException(string.Join("\n", diags.Concat(emit.Diagnostics).Where(d => d.Severity == DiagnosticSeverity.Error)));
            pe.Position = 0;
            var alc = new AssemblyLoadContext(name, isCollectible: true);
            return (alc.LoadFromStream(pe), alc);
        }

        public static Dictionary<string, Outcome> Run(IReadOnlyList<FuzzProgram> programs, RunOptions opts)
        {
            var outcomes = programs.ToDictionary(p => p.Id, _ => new Outcome());
            var byClass = new Dictionary<string, FuzzProgram>(StringComparer.Ordinal);
            var trees = new List<SyntaxTree>();
            foreach (var p in programs)
            {
                foreach (var prec in p.Prec == Prec.Float ? new[] { Prec.Float, Prec.Double } : new[] { Prec.Double })
                {
                    string cls = p.ClassName(prec);
                    byClass[cls] = p;
                    trees.Add(CSharpSyntaxTree.ParseText(p.Render(prec), s_parse, path: cls + ".cs"));
                    // DIFFGEN_FUZZ_DUMP=dir: every program's source as compiled, to read what the generator writes
                    if (Environment.GetEnvironmentVariable("DIFFGEN_FUZZ_DUMP") is { Length: > 0 } dump)
                    {
                        System.IO.Directory.CreateDirectory(dump);
                        System.IO.File.WriteAllText(System.IO.Path.Combine(dump, cls + ".cs"), p.Render(prec));
                    }
                    if (p.ExpectedDiagnostic is null)
                    {
                        byClass[p.MonitorName(prec)] = p;
                        trees.Add(CSharpSyntaxTree.ParseText(p.Render(prec, monitor: true), s_parse, path: p.MonitorName(prec) + ".cs"));
                    }
                }
            }
            var compilation = CSharpCompilation.Create("FuzzBatch" + System.Threading.Interlocked.Increment(ref s_batches), trees, s_references.Value,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable,
                    optimizationLevel: OptimizationLevel.Release, allowUnsafe: true));

            Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var genDiags);

            // determinism: a second, independent generator run gives the same text for every file
            Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output2, out _);
            var first = output.SyntaxTrees.Skip(trees.Count).ToDictionary(t => t.FilePath, t => t.ToString());
            var second = output2.SyntaxTrees.Skip(trees.Count).ToDictionary(t => t.FilePath, t => t.ToString());
            foreach (var path in first.Keys.Union(second.Keys))
            {
                if (first.TryGetValue(path, out var a) && second.TryGetValue(path, out var b) && a == b) continue;
                if (ClassOf(path) is { } c && byClass.TryGetValue(c, out var prog))
                    outcomes[prog.Id].Fail("determinism", $"generated {Path.GetFileName(path)} differs between two generator runs");
            }

            // generator diagnostics
            var drop = new HashSet<string>(StringComparer.Ordinal);
            foreach (var g in genDiags.GroupBy(d => ClassOf(d.Location.GetLineSpan().Path) ?? ""))
            {
                if (!byClass.TryGetValue(g.Key, out var prog))
                {
                    foreach (var o in outcomes.Values) o.Fail("diagnostic", "diagnostic without a program location: " + string.Join("; ", g.Select(d => d.ToString())));
                    continue;
                }
                var bad = g.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
                if (prog.ExpectedDiagnostic is null && bad.Count > 0)
                {
                    outcomes[prog.Id].Fail("diagnostic", string.Join("\n", bad.Select(d => d.ToString())));
                }
                if (bad.Any(d => d.Severity == DiagnosticSeverity.Error)) drop.Add(prog.Id);
            }
            foreach (var p in programs.Where(p => p.ExpectedDiagnostic is not null))
            {
                var ids = genDiags.Where(d => ClassOf(d.Location.GetLineSpan().Path) is { } c && byClass.TryGetValue(c, out var q) && q == p).Select(d => d.Id).ToList();
                if (!ids.Contains(p.ExpectedDiagnostic!))
                    outcomes[p.Id].Fail("diagnostic-negative", $"expected {p.ExpectedDiagnostic}, got [{string.Join(", ", ids.Distinct())}]");
                drop.Add(p.Id);
            }

            // the output compilation: generated code must compile without warnings; user code must compile (else harness bug)
            var compileDiags = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
            // a warning the user's own code has (CS1718 for `a > a`, say) is not the generator's when the generated code repeats it
            var userWarnings = compileDiags.Where(d => !Path.GetFileName(d.Location.SourceTree?.FilePath ?? "").StartsWith("Fz.", StringComparison.Ordinal))
                .Select(d => (ClassOf(d.Location.SourceTree?.FilePath), d.Id)).ToHashSet();
            compileDiags.RemoveAll(d => d.Severity == DiagnosticSeverity.Warning && Path.GetFileName(d.Location.SourceTree?.FilePath ?? "").StartsWith("Fz.", StringComparison.Ordinal)
                && userWarnings.Contains((ClassOf(d.Location.SourceTree?.FilePath), d.Id)));
            foreach (var d in compileDiags)
            {
                string path = d.Location.SourceTree?.FilePath ?? "";
                var cls = ClassOf(path);
                if (cls is null || !byClass.TryGetValue(cls, out var prog))
                {
                    if (d.Severity == DiagnosticSeverity.Error) foreach (var p in programs) { outcomes[p.Id].Fail("harness", "compilation error without a program: " + d); drop.Add(p.Id); }
                    continue;
                }
                bool generated = Path.GetFileName(path).StartsWith("Fz.", StringComparison.Ordinal);
                if (generated) outcomes[prog.Id].Fail("compile", $"{Path.GetFileName(path)}: {d}");
                else if (d.Severity == DiagnosticSeverity.Error && prog.ExpectedDiagnostic is null) outcomes[prog.Id].Fail("harness", "user code does not compile: " + d);
                if (d.Severity == DiagnosticSeverity.Error) drop.Add(prog.Id);
            }

            var keep = programs.Where(p => !drop.Contains(p.Id)).ToList();
            if (keep.Count == 0) return outcomes;
            Execute(output, byClass, keep, outcomes, opts);
            return outcomes;
        }

        /// <summary>
        /// Emits the kept programs (with their generated code) and runs the oracles. When the programs' string literals
        /// (the generated CUDA sources) exceed what one assembly may hold (CS8103), the group is split in halves.
        /// </summary>
        private static void Execute(Compilation output, Dictionary<string, FuzzProgram> byClass, List<FuzzProgram> keep, Dictionary<string, Outcome> outcomes, RunOptions opts)
        {
            var keepClasses = new HashSet<string>(keep.SelectMany(p => (p.Prec == Prec.Float ? new[] { Prec.Float, Prec.Double } : new[] { Prec.Double }).SelectMany(q => new[] { p.ClassName(q), p.MonitorName(q) })), StringComparer.Ordinal);
            var removed = output.SyntaxTrees.Where(t => ClassOf(t.FilePath) is { } c && byClass.ContainsKey(c) && !keepClasses.Contains(c)).ToList();
            var final = output.RemoveSyntaxTrees(removed);
            using var pe = new MemoryStream();
            var emit = final.Emit(pe);
            if (!emit.Success)
            {
                if (keep.Count > 1 && emit.Diagnostics.Any(d => d.Id == "CS8103"))
                {
                    Execute(output, byClass, keep.Take(keep.Count / 2).ToList(), outcomes, opts);
                    Execute(output, byClass, keep.Skip(keep.Count / 2).ToList(), outcomes, opts);
                    return;
                }
                foreach (var p in keep) outcomes[p.Id].Fail("harness", "emit failed: " + string.Join("; ", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(3)));
                return;
            }
            pe.Position = 0;
            var alc = new AssemblyLoadContext("fuzz", isCollectible: true);
            try
            {
                var asm = alc.LoadFromStream(pe);
                foreach (var p in keep)
                {
                    var o = outcomes[p.Id];
                    try
                    {
                        var t = asm.GetType("Fz." + p.ClassName(p.Prec), throwOnError: true)!;
                        var twin = p.Prec == Prec.Float ? asm.GetType("Fz." + p.ClassName(Prec.Double), throwOnError: true) : null;
                        var monitors = (p.Prec == Prec.Float ? new[] { Prec.Float, Prec.Double } : new[] { Prec.Double }).Select(q => asm.GetType("Fz." + p.MonitorName(q), throwOnError: true)!).ToArray();
                        Oracles.Check(p, t, twin, monitors, o, opts);
                    }
                    catch (Exception ex)
                    {
                        o.Fail("crash", (ex is TargetInvocationException { InnerException: { } inner } ? inner : ex).ToString());
                    }
                }
            }
            finally
            {
                alc.Unload();
            }
        }
    }
}
