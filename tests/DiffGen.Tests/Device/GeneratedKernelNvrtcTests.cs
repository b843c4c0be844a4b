using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using DiffGen.Cuda;
using Xunit;
using Xunit.Abstractions;

namespace DiffGen.Tests.Device
{
    /// <summary>
    /// Compiles the CUDA C that the generator wrote for every corpus method with device code, with the installed NVRTC,
    /// for compute_70 (the oldest architecture DiffGen targets) and compute_90 (Hopper; the highest NVRTC supports when
    /// it cannot). Any error or warning fails; every kernel the source declares must be in the PTX.
    /// </summary>
    public sealed class GeneratedKernelNvrtcTests(ITestOutputHelper output)
    {
        public static IEnumerable<object[]> Cases()
        {
            foreach (var c in DeviceCases.All(typeof(GeneratedKernelNvrtcTests).Assembly))
                foreach (var arch in new[] { "compute_70", "compute_90" })
                    yield return new object[] { c.Name, arch };
        }

        [NvrtcTheory]
        [MemberData(nameof(Cases))]
        public void Generated_kernels_compile_without_errors_or_warnings(string method, string requested)
        {
            if (!Nvrtc.IsAvailable) Assert.Fail("CI=true and NVRTC is not installed. " + DeviceRequirements.NvrtcHint + "\n" + Nvrtc.UnavailableReason);
            var c = DeviceCases.All(typeof(GeneratedKernelNvrtcTests).Assembly).Single(x => x.Name == method);
            string source = DeviceCases.Source(c);
            int wanted = int.Parse(requested["compute_".Length..], CultureInfo.InvariantCulture);
            string arch = "compute_" + Nvrtc.ClosestSupportedArchitecture(wanted).ToString(CultureInfo.InvariantCulture);
            if (arch != requested) output.WriteLine($"NOTE: NVRTC {Nvrtc.Version} cannot target {requested}; compiled for {arch}.");

            var ptx = NvrtcCompiler.CompileToPtx(source, method + ".cu", arch);

            output.WriteLine($"{method} for {arch}: {ptx.Ptx.Length} characters of PTX; log: {(ptx.Log.Length == 0 ? "(empty)" : ptx.Log)}");
            Assert.True(ptx.Log.IndexOf("warning", StringComparison.OrdinalIgnoreCase) < 0, $"NVRTC warned on {method}:\n{ptx.Log}");
            Assert.True(ptx.Log.IndexOf("error", StringComparison.OrdinalIgnoreCase) < 0, $"NVRTC reported an error on {method}:\n{ptx.Log}");
            var kernels = Regex.Matches(source, @"extern ""C"" __global__ void (\w+)\(").Select(m => m.Groups[1].Value).ToList();
            Assert.NotEmpty(kernels);
            foreach (var k in kernels) Assert.Matches(new Regex(@"\.visible \.entry " + Regex.Escape(k) + @"\("), ptx.Ptx);
        }

        [Fact]
        public void Most_of_the_corpus_has_device_code()
        {
            // Methods without device code say why in their generated file (jagged arrays, calls, no arrays); the rest must be covered.
            var cases = DeviceCases.All(typeof(GeneratedKernelNvrtcTests).Assembly);
            output.WriteLine(string.Join("\n", cases.Select(c => c.Name)));
            Assert.True(cases.Count >= 35, $"only {cases.Count} corpus methods have device code");
            Assert.Contains(cases, c => c.Name == "NtXentCorpus.NtXentF");
        }
    }
}
