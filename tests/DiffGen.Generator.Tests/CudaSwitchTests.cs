using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using DiffGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace DiffGen.Generator.Tests
{
    /// <summary>Issue 10, item 10: &lt;DiffGenCuda&gt;false&lt;/DiffGenCuda&gt; leaves out the CUDA code, keeps the multi-core CPU loops.</summary>
    public class CudaSwitchTests
    {
        private const string Source = """
            using System; using DiffGen;
            namespace T { public static partial class C {
                [Differentiable]
                public static double L(double[,] z, double tau)
                {
                    int n = z.GetLength(0), d = z.GetLength(1);
                    double loss = 0;
                    for (int i = 0; i < n; i++)
                    {
                        double den = 0;
                        for (int j = 0; j < n; j++)
                        {
                            double dot = 0;
                            for (int k = 0; k < d; k++) dot += z[i, k] * z[j, k];
                            den += Math.Exp(dot / tau);
                        }
                        loss += Math.Log(den);
                    }
                    return loss;
                }
            } }
            """;

        private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
        }

        private sealed class Provider(Dictionary<string, string> global) : AnalyzerConfigOptionsProvider
        {
            public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(global);
            public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options(new());
            public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Options(new());
        }

        private static (string Text, ImmutableArray<Diagnostic> Compile) Generate(string? cuda)
        {
            var (files, errors) = GenerateFiles(cuda);
            return (string.Join("\n", files.Select(f => f.Text)), errors);
        }

        /// <summary>The generated files (name, text) and the compile errors of the result.</summary>
        private static (List<(string Name, string Text)> Files, ImmutableArray<Diagnostic> Compile) GenerateFiles(string? cuda)
        {
            var global = new Dictionary<string, string>();
            if (cuda is not null) global["build_property.DiffGenCuda"] = cuda;
            var driver = CSharpGeneratorDriver.Create(new[] { new DifferentiableGenerator().AsSourceGenerator() }, parseOptions: GeneratorHarness.ParseOptions, optionsProvider: new Provider(global));
            driver.RunGeneratorsAndUpdateCompilation(GeneratorHarness.Compile(Source), out var output, out _);
            var files = output.SyntaxTrees.Skip(1).Select(t => (System.IO.Path.GetFileName(t.FilePath), t.ToString())).ToList();
            return (files, output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray());
        }

        /// <summary>Issue 10 (cost): the device code is its own file, C.L.cuda.g.cs; the CPU file C.L.g.cs holds no kernel source.</summary>
        [Fact]
        public void Device_code_is_its_own_file()
        {
            var (on, onErrors) = GenerateFiles(null);
            Assert.Empty(onErrors);
            Assert.Equal(new[] { "T.C.L.cuda.g.cs", "T.C.L.g.cs" }, on.Select(f => f.Name).OrderBy(n => n, System.StringComparer.Ordinal));
            var cpu = on.Single(f => f.Name == "T.C.L.g.cs").Text;
            var device = on.Single(f => f.Name == "T.C.L.cuda.g.cs").Text;
            Assert.DoesNotContain("__global__", cpu);
            Assert.DoesNotContain("CudaSource", cpu);
            Assert.DoesNotContain("DeviceArray<", cpu);
            Assert.Contains("__LCudaSource", device);
            Assert.Contains("__global__", device);
            Assert.DoesNotContain("__LAdjoint(", device); // the CPU code stays in the CPU file

            var (off, offErrors) = GenerateFiles("false");
            Assert.Empty(offErrors);
            Assert.Equal(new[] { "T.C.L.g.cs" }, off.Select(f => f.Name));
        }

        [Fact]
        public void Off_leaves_out_device_code_and_keeps_cpu_loops()
        {
            var (on, onErrors) = Generate(null);
            var (off, offErrors) = Generate("False");
            Assert.Empty(onErrors);
            Assert.Empty(offErrors);
            Assert.Contains("__global__", on);
            Assert.DoesNotContain("__global__", off);
            Assert.DoesNotContain("CudaSource", off);
            Assert.Contains("DiffGenCuda", off); // the CPU-only dispatch line says why there is no device code
            Assert.Contains("LoopParallelism.Run", off); // multi-core loops come from the plan, which is still made
            Assert.True(off.Length < on.Length, $"generated {off.Length} characters without CUDA, {on.Length} with");
        }

        [Fact]
        public void Any_other_value_keeps_device_code() => Assert.Contains("__global__", Generate("true").Text);
    }
}
