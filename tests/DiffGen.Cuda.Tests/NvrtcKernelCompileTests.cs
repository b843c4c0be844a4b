using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using DiffGen.Cuda.Tests.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace DiffGen.Cuda.Tests
{
    /// <summary>
    /// Compiles every hand-written kernel source of tests/DiffGen.Cuda.Tests/Kernels with the installed NVRTC, for compute_70 (Volta, the
    /// oldest architecture DiffGen targets) and compute_90 (Hopper). When NVRTC cannot target compute_90 the test
    /// compiles for the highest architecture it supports and says so in its name and output. Any error OR warning
    /// in NVRTC's log fails the test.
    /// </summary>
    public sealed class NvrtcKernelCompileTests(ITestOutputHelper output)
    {
        private static readonly string[] RequestedArchitectures = ["compute_70", "compute_90"];

        /// <summary>(kernel source name, requested architecture, architecture actually compiled for).</summary>
        public static IEnumerable<object[]> Cases()
        {
            foreach (KernelSource source in KernelSources.All)
                foreach (string requested in RequestedArchitectures)
                    yield return [source.Name, requested, EffectiveArchitecture(requested)];
        }

        /// <summary>The requested architecture if NVRTC lists it, else the highest it supports below it.</summary>
        private static string EffectiveArchitecture(string requested)
        {
            int wanted = int.Parse(requested["compute_".Length..], CultureInfo.InvariantCulture);
            if (!Nvrtc.IsAvailable || Nvrtc.SupportedArchitectures.Count == 0) return requested;
            return "compute_" + Nvrtc.ClosestSupportedArchitecture(wanted).ToString(CultureInfo.InvariantCulture);
        }

        [NvrtcTheory]
        [MemberData(nameof(Cases))]
        public void Kernel_source_compiles_without_errors_or_warnings(string kernelSource, string requestedArchitecture, string compiledArchitecture)
        {
            Requirements.RequireNvrtc();
            KernelSource source = KernelSources.All.Single(s => s.Name == kernelSource);
            output.WriteLine($"NVRTC {Nvrtc.Version} from {Nvrtc.LibraryFileName}; supports {string.Join(", ", Nvrtc.SupportedArchitectures.Select(a => "compute_" + a))}");
            if (compiledArchitecture != requestedArchitecture)
                output.WriteLine($"NOTE: this NVRTC cannot target {requestedArchitecture}; compiled for {compiledArchitecture}, the highest it supports.");

            PtxCompilation ptx = NvrtcCompiler.CompileToPtx(source.Source, source.Name, compiledArchitecture);

            output.WriteLine($"{source.Name} for {compiledArchitecture}: {ptx.Ptx.Length} characters of PTX; log: {(ptx.Log.Length == 0 ? "(empty)" : ptx.Log)}");
            Assert.True(ptx.Log.IndexOf("warning", StringComparison.OrdinalIgnoreCase) < 0, $"NVRTC warned on {source.Name}:\n{ptx.Log}");
            Assert.True(ptx.Log.IndexOf("error", StringComparison.OrdinalIgnoreCase) < 0, $"NVRTC reported an error on {source.Name}:\n{ptx.Log}");
            string sm = "sm_" + compiledArchitecture["compute_".Length..];
            Assert.Contains(".target " + sm, ptx.Ptx);
            foreach (string entry in source.EntryPoints)
                Assert.Matches(new Regex(@"\.visible \.entry " + Regex.Escape(entry) + @"\("), ptx.Ptx);
        }

        [NvrtcFact]
        public void Compute_90_is_reported_or_replaced_by_the_highest_supported_architecture()
        {
            Requirements.RequireNvrtc();
            IReadOnlyList<int> archs = Nvrtc.SupportedArchitectures;
            output.WriteLine($"NVRTC {Nvrtc.Version}: {string.Join(", ", archs)}");
            Assert.NotEmpty(archs); // every NVRTC DiffGen loads is 11.2+, which has nvrtcGetSupportedArchs
            Assert.Contains(70, archs);
            int chosen = Nvrtc.ClosestSupportedArchitecture(90);
            Assert.True(chosen <= 90 && archs.Contains(chosen));
            Assert.Equal(archs.Where(a => a <= 90).Max(), chosen);
        }

        [NvrtcFact]
        public void A_compile_error_throws_CudaException_with_the_NVRTC_log()
        {
            Requirements.RequireNvrtc();
            const string broken = "extern \"C\" __global__ void broken(float* x) { x[0] = undefined_name; }";
            CudaException e = Assert.Throws<CudaException>(() => NvrtcCompiler.CompileToPtx(broken, "broken.cu", "compute_70"));
            output.WriteLine(e.Message);
            Assert.Equal(CudaLibrary.Nvrtc, e.Library);
            Assert.Equal("nvrtcCompileProgram", e.Call);
            Assert.Equal("NVRTC_ERROR_COMPILATION", e.ErrorName);
            Assert.Equal(6, e.Status);
            Assert.NotNull(e.Log);
            Assert.Contains("undefined_name", e.Log);
            Assert.Contains("broken.cu", e.Message);
            Assert.Contains("compute_70", e.Message);
            Assert.Contains("undefined_name", e.Message);
        }

        [NvrtcFact]
        public void A_warning_appears_in_the_log_of_a_successful_compile()
        {
            // Proves the warning check above can fire: NVRTC warns on an unused variable and still succeeds.
            Requirements.RequireNvrtc();
            const string warns = "extern \"C\" __global__ void warns(float* x) { int unused = 3; x[0] = 1.0f; }";
            PtxCompilation ptx = NvrtcCompiler.CompileToPtx(warns, "warns.cu", "compute_70");
            output.WriteLine(ptx.Log);
            Assert.Contains("warning", ptx.Log, StringComparison.OrdinalIgnoreCase);
            Assert.Contains(".entry warns", ptx.Ptx);
        }

        [NvrtcFact]
        public void An_architecture_NVRTC_does_not_support_is_an_invalid_option()
        {
            Requirements.RequireNvrtc();
            CudaException e = Assert.Throws<CudaException>(() => NvrtcCompiler.CompileToPtx(ElementwiseKernels.Source, "elementwise.cu", "compute_10"));
            output.WriteLine(e.Message);
            Assert.Equal("NVRTC_ERROR_INVALID_OPTION", e.ErrorName);
        }

        [Theory]
        [InlineData("70")]
        [InlineData("compute70")]
        [InlineData("compute_")]
        [InlineData("-arch=compute_70")]
        [InlineData("")]
        public void A_malformed_architecture_is_an_ArgumentException_naming_arch(string arch)
        {
            // Checked before NVRTC is needed, so this runs everywhere.
            ArgumentException e = Assert.Throws<ArgumentException>(() => NvrtcCompiler.CompileToPtx("", "x.cu", arch));
            Assert.Equal("arch", e.ParamName);
        }

        [Fact]
        public void Every_kernel_constant_is_registered_with_its_entry_points()
        {
            // The registry above is what the compile test iterates; a kernel source missing from it would go untested.
            var registered = KernelSources.All.Select(s => s.Source).ToHashSet(StringComparer.Ordinal);
            var constants = typeof(KernelSources).Assembly.GetTypes()
                .Where(t => t.Namespace == "DiffGen.Cuda.Tests.Kernels")
                .SelectMany(t => t.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
                .Where(f => f.IsLiteral && f.FieldType == typeof(string))
                .Select(f => (Field: f.DeclaringType!.Name + "." + f.Name, Value: (string)f.GetRawConstantValue()!))
                .Where(c => c.Value.Contains("__global__", StringComparison.Ordinal))
                .ToList();
            Assert.NotEmpty(constants);
            foreach (var (field, value) in constants)
                Assert.True(registered.Contains(value), $"{field} defines kernels but is not in KernelSources.All");

            foreach (KernelSource source in KernelSources.All)
            {
                var declared = Regex.Matches(source.Source, @"extern ""C"" __global__ void (\w+)\(").Select(m => m.Groups[1].Value).ToList();
                Assert.Equal(declared.OrderBy(x => x), source.EntryPoints.OrderBy(x => x));
                Assert.DoesNotContain("#include", source.Source);
            }
        }
    }
}
