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

        /// <summary>
        /// The float fused tile kernels carry the TF32 tensor-core tile (mma.sync m16n8k8, cvt.rna.tf32) where the target
        /// has tensor cores for TF32 (compute_80 and later) and not below (compute_70 compiles the FP32 tile only); double
        /// kernels never do.
        /// </summary>
        [NvrtcFact]
        public void Float_fused_tile_kernels_use_tf32_mma_from_compute_80()
        {
            if (!Nvrtc.IsAvailable) Assert.Fail("CI=true and NVRTC is not installed. " + DeviceRequirements.NvrtcHint + "\n" + Nvrtc.UnavailableReason);
            int best = Nvrtc.ClosestSupportedArchitecture(90);
            Assert.True(best >= 80, $"NVRTC {Nvrtc.Version} cannot target compute_80 or later (best {best})");
            string high = "compute_" + best.ToString(CultureInfo.InvariantCulture);
            foreach (var (method, tf32) in new[] { ("NtXentCorpus.NtXentLeanF", true), ("Attention.AttentionMseF", true), ("NtXentCorpus.NtXent", false) })
            {
                var c = DeviceCases.All(typeof(GeneratedKernelNvrtcTests).Assembly).Single(x => x.Name == method);
                string source = DeviceCases.Source(c);
                Assert.Contains("_fused(const __dg_args", source);
                var atHigh = NvrtcCompiler.CompileToPtx(source, method + ".cu", high).Ptx;
                var at70 = NvrtcCompiler.CompileToPtx(source, method + ".cu", "compute_70").Ptx;
                int mma = Regex.Matches(atHigh, @"mma\.sync\.aligned\.m16n8k8\.row\.col\.f32\.tf32\.tf32\.f32").Count;
                output.WriteLine($"{method}: {mma} mma.sync at {high}, {Regex.Matches(atHigh, @"cvt\.rna\.tf32\.f32").Count} cvt.rna.tf32; compute_70: {Regex.Matches(at70, "mma\\.sync").Count}");
                if (tf32) Assert.True(mma > 0, $"{method}: no TF32 mma.sync in the PTX for {high}");
                else Assert.Equal(0, mma);
                Assert.DoesNotContain("mma.sync", at70);
            }
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
