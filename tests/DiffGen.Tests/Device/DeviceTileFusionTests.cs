using System;
using System.Collections.Generic;
using System.Linq;
using DiffGen.Cpu;
using Xunit;
using Xunit.Abstractions;

namespace DiffGen.Tests.Device
{
    /// <summary>
    /// Tile fusion on the GPU: the device form of Schedule's tile plan (panels of table rows computed by cuBLAS a block
    /// of iterations at a time, the kernels run per block, the adjoint panels flushed into the factors' adjoints by two
    /// GEMMs per block) computes what the CPU computes, on the g++ emulation with strict memory (races reported). The
    /// panels are made tiny (DevicePanelBytes) so that every run crosses many blocks and ends in a partial one.
    /// </summary>
    [Collection("Tiling mode")]
    public sealed class DeviceTileFusionTests(ITestOutputHelper output)
    {
        public static IEnumerable<object[]> Cases() =>
            from c in DeviceCases.All(typeof(DeviceTileFusionTests).Assembly)
            where DeviceCases.Source(c).Contains("// ---- tile-fused forward pass", StringComparison.Ordinal)
            from rows in new[] { 1, 3 }
            select new object[] { c.Name, rows };

        [Fact]
        public void The_corpus_has_device_tiled_methods()
        {
            var names = Cases().Select(x => (string)x[0]).Distinct().ToList();
            output.WriteLine(string.Join(", ", names));
            Assert.Contains("NtXentCorpus.NtXentLeanF", names);
            Assert.Contains("NtXentCorpus.NtXent", names);
        }

        [GxxTheory]
        [MemberData(nameof(Cases))]
        public void Tile_fused_device_code_matches_the_cpu_backend(string method, int rowsPerBlock)
        {
            var c = DeviceCases.All(typeof(DeviceTileFusionTests).Assembly).Single(x => x.Name == method);
            using (new TilingSettings())
            {
                Tiling.Mode = TilingMode.Always;
                // rows per block = panel bytes / row bytes: the inputs' tables have at most 12 columns of 8 bytes
                Tiling.DevicePanelBytes = rowsPerBlock * (c.IsFloat ? 4 : 8) * 12L;
                long before = Tiling.DeviceFusedRuns;
                var device = new EmulatedDevice(threadsPerBlock: 32, strictMemory: true);
                var r = DeviceCases.Run(c, device, seed: 5);
                long fused = Tiling.DeviceFusedRuns - before;
                output.WriteLine($"{r.Name}: inputs {r.Inputs}; {r.Launches} kernel launches; {fused} tile-fused device calls; max relative difference {r.MaxRelativeError:E2} ({r.Worst})");
                foreach (var race in device.Races) output.WriteLine("race: " + race);
                Assert.True(fused >= 2, $"{method}: the device ran the materialised program ({fused} fused calls)");
                Assert.True(device.Races.Count == 0, device.Races.Count == 0 ? "" : $"{r.Name}: data race in the device code: {device.Races[0]}");
                Assert.True(r.MaxRelativeError <= (c.IsFloat ? 1e-4 : 1e-10), $"{r.Name}: {r.Worst} differs by {r.MaxRelativeError:E3} (relative)");
                Assert.Equal(0, device.LiveAllocations);
            }
        }

        /// <summary>
        /// The fused tile kernels on the inputs that broke float NT-Xent before (τ = 0.01), a NaN input (propagates as on
        /// the CPU), and an empty batch (NaN like the user's loop, zero gradients, nothing thrown), against the CPU.
        /// </summary>
        [GxxFact]
        public void Fused_tile_kernels_at_small_temperature_with_NaN_and_an_empty_batch()
        {
            using (new TilingSettings())
            {
                Tiling.Mode = TilingMode.Always;
                Tiling.DeviceFusedKernels = true;
                Tiling.DevicePanelBytes = 3 * 4 * 10L; // 3 rows of the 10-column table per launch
                var device = new EmulatedDevice(threadsPerBlock: 64, strictMemory: true);
                (float Loss, float[,] Gi, float[,] Gj, float Gt) OnDevice(float[,] zi, float[,] zj, float tau) => LeanOnDevice(device, zi, zj, tau);
                (float Loss, float[,] Gi, float[,] Gj, float Gt) OnCpu(float[,] zi, float[,] zj, float tau) => LeanOnCpu(zi, zj, tau);
                float[,] Inputs(int seed, int rows) => TestData.ToFloat(TestData.Matrix(new Random(seed), rows, 7));
                static double Worst(float[,] a, float[,] b)
                {
                    double scale = 1e-30, diff = 0;
                    foreach (var v in a) scale = Math.Max(scale, Math.Abs(v));
                    for (int i = 0; i < a.GetLength(0); i++)
                        for (int j = 0; j < a.GetLength(1); j++) diff = Math.Max(diff, Math.Abs(a[i, j] - b[i, j]));
                    return diff / scale;
                }
                long before = Tiling.DeviceFusedKernelRuns;

                var (zi, zj) = (Inputs(11, 5), Inputs(12, 5));
                var cpu = OnCpu(zi, zj, 0.01f);
                var dev = OnDevice(zi, zj, 0.01f);
                output.WriteLine($"tau 0.01: loss cpu {cpu.Loss} device {dev.Loss}; dzi {Worst(cpu.Gi, dev.Gi):E2}, dzj {Worst(cpu.Gj, dev.Gj):E2}, dtau {cpu.Gt} / {dev.Gt}");
                Assert.True(float.IsFinite(dev.Loss) && Math.Abs(dev.Loss - cpu.Loss) <= 1e-4 * Math.Max(1, Math.Abs(cpu.Loss)), $"loss {dev.Loss} vs {cpu.Loss}");
                Assert.True(Worst(cpu.Gi, dev.Gi) <= 1e-3 && Worst(cpu.Gj, dev.Gj) <= 1e-3, "gradients differ from the CPU's");
                Assert.True(Math.Abs(dev.Gt - cpu.Gt) <= 1e-3 * Math.Max(1, Math.Abs(cpu.Gt)), $"dtau {dev.Gt} vs {cpu.Gt}");

                zi[2, 3] = float.NaN;
                Assert.True(float.IsNaN(OnCpu(zi, zj, 0.5f).Loss));
                Assert.True(float.IsNaN(OnDevice(zi, zj, 0.5f).Loss));

                var empty = OnDevice(new float[0, 7], new float[0, 7], 0.5f);
                Assert.True(float.IsNaN(empty.Loss) && float.IsNaN(OnCpu(new float[0, 7], new float[0, 7], 0.5f).Loss));
                Assert.Equal(0f, empty.Gt);

                Assert.True(Tiling.DeviceFusedKernelRuns - before >= 3, "the calls did not run the fused tile kernels");
                Assert.True(device.Races.Count == 0, device.Races.Count == 0 ? "" : device.Races[0]);
                Assert.Equal(0, device.LiveAllocations);
            }
        }

        private static (float Loss, float[,] Gi, float[,] Gj, float Gt) LeanOnDevice(EmulatedDevice device, float[,] zi, float[,] zj, float tau)
        {
            using var di = Cuda.Execution.DeviceArray<float>.Upload(device, zi);
            using var dj = Cuda.Execution.DeviceArray<float>.Upload(device, zj);
            using var gi = Cuda.Execution.DeviceArray<float>.Zeros(device, zi.GetLength(0), zi.GetLength(1));
            using var gj = Cuda.Execution.DeviceArray<float>.Zeros(device, zj.GetLength(0), zj.GetLength(1));
            float loss = Corpus.NtXentCorpus.NtXentLeanFBackward(di, dj, tau, gi, gj, out float gt);
            return (loss, gi.ToMatrix(), gj.ToMatrix(), gt);
        }

        private static (float Loss, float[,] Gi, float[,] Gj, float Gt) LeanOnCpu(float[,] zi, float[,] zj, float tau)
        {
            var gi = new float[zi.GetLength(0), zi.GetLength(1)];
            var gj = new float[zj.GetLength(0), zj.GetLength(1)];
            float loss = Corpus.NtXentCorpus.NtXentLeanFBackward(zi, zj, tau, gi, gj, out float gt);
            return (loss, gi, gj, gt);
        }

        /// <summary>
        /// The one-sweep maximum and exp-sum of the fused kernels (online maximum, rescaled sums) where the values reach
        /// infinities: τ = 1e-40 (subnormal) and τ = 0 turn every similarity into ±∞ (a row whose values are all −∞, a row with +∞, NaN from 0/0
        /// on a zero row), τ = 1e-30 into ±1e30. The loss and the gradients are NaN, ±∞ or finite exactly where the CPU's two
        /// loops make them so; the loss agrees where finite, and so do the gradients at τ = 0.5.
        /// </summary>
        [GxxFact]
        public void Online_sweep_gives_the_two_loops_results_at_infinities()
        {
            using (new TilingSettings())
            {
                Tiling.Mode = TilingMode.Always;
                Tiling.DeviceFusedKernels = true;
                var device = new EmulatedDevice(threadsPerBlock: 64, strictMemory: true);
                long before = Tiling.DeviceFusedKernelRuns;
                var cases = new (string Name, float[,] Zi, float[,] Zj)[]
                {
                    ("opposite pair: row values all -inf", new float[,] { { 1, 0 } }, new float[,] { { -1, 0 } }),
                    ("equal pair: +inf", new float[,] { { 1, 0 } }, new float[,] { { 1, 0 } }),
                    ("simplex: all off-diagonal values negative", new float[,] { { 1, 0 }, { -0.5f, 0.8660254f } }, new float[,] { { -0.5f, -0.8660254f }, { 0.9f, 0.1f } }),
                    ("zero row: 0/0", new float[,] { { 0, 0 }, { 1, 2 } }, new float[,] { { 3, 1 }, { -1, 0.5f } }),
                };
                static string Kind(float x) => float.IsNaN(x) ? "NaN" : float.IsPositiveInfinity(x) ? "+inf" : float.IsNegativeInfinity(x) ? "-inf" : "finite";
                foreach (var (name, zi, zj) in cases)
                    foreach (float tau in new[] { 1e-30f, 1e-40f, 0f, 0.5f })
                    {
                        var cpu = LeanOnCpu(zi, zj, tau);
                        var dev = LeanOnDevice(device, zi, zj, tau);
                        output.WriteLine($"{name}, tau {tau}: loss cpu {cpu.Loss} device {dev.Loss}; dtau {cpu.Gt} / {dev.Gt}");
                        Assert.Equal(Kind(cpu.Loss), Kind(dev.Loss));
                        Assert.Equal(Kind(cpu.Gt), Kind(dev.Gt));
                        if (float.IsFinite(cpu.Loss)) Assert.True(Math.Abs(cpu.Loss - dev.Loss) <= 1e-4 * Math.Max(1, Math.Abs(cpu.Loss)), $"{name}, tau {tau}: loss {dev.Loss} vs {cpu.Loss}");
                        foreach (var (c, d) in new[] { (cpu.Gi, dev.Gi), (cpu.Gj, dev.Gj) })
                            for (int i = 0; i < c.GetLength(0); i++)
                                for (int j = 0; j < c.GetLength(1); j++)
                                {
                                    Assert.Equal(Kind(c[i, j]), Kind(d[i, j]));
                                    // at tiny tau a finite gradient is a difference of ~1e30 values: only its kind is meaningful
                                    if (float.IsFinite(c[i, j]) && tau == 0.5f) Assert.True(Math.Abs(c[i, j] - d[i, j]) <= 1e-3 * Math.Max(1, Math.Abs(c[i, j])), $"{name}, tau {tau}: gradient {d[i, j]} vs {c[i, j]}");
                                }
                    }
                Assert.True(Tiling.DeviceFusedKernelRuns - before >= 12, "the calls did not run the fused tile kernels");
                Assert.True(device.Races.Count == 0, device.Races.Count == 0 ? "" : device.Races[0]);
                Assert.Equal(0, device.LiveAllocations);
            }
        }

        /// <summary>Puts the tiling knobs a test changes back as they were.</summary>
        private sealed class TilingSettings : IDisposable
        {
            private readonly TilingMode _mode = Tiling.Mode;
            private readonly long _panelBytes = Tiling.DevicePanelBytes;
            private readonly bool _kernels = Tiling.DeviceFusedKernels;

            public void Dispose()
            {
                Tiling.Mode = _mode;
                Tiling.DevicePanelBytes = _panelBytes;
                Tiling.DeviceFusedKernels = _kernels;
            }
        }

        public static IEnumerable<object[]> FusedCases() =>
            from c in DeviceCases.All(typeof(DeviceTileFusionTests).Assembly)
            where DeviceCases.Source(c).Contains("_fused(const __dg_args", StringComparison.Ordinal)
            from threads in new[] { 32, 64 }
            select new object[] { c.Name, threads };

        [Fact]
        public void The_corpus_has_fused_tile_kernels()
        {
            var names = FusedCases().Select(x => (string)x[0]).Distinct().ToList();
            output.WriteLine(string.Join(", ", names));
            Assert.Contains("NtXentCorpus.NtXentLeanF", names);
            Assert.Contains("NtXentCorpus.NtXent", names);
            Assert.Contains("Classification.ClipLoss", names);
            Assert.Contains("Attention.AttentionMseF", names);
        }

        /// <summary>
        /// The fused tile kernels (a warp per iteration, the table's entries computed 32 columns at a time in shared
        /// memory, no value panel) compute what the CPU computes: one warp per block, and two (a block's warps share
        /// tiles; with an odd number of rows per launch the last block's second warp only helps compute tiles).
        /// </summary>
        [GxxTheory]
        [MemberData(nameof(FusedCases))]
        public void Fused_tile_kernels_match_the_cpu_backend(string method, int threadsPerBlock)
        {
            var c = DeviceCases.All(typeof(DeviceTileFusionTests).Assembly).Single(x => x.Name == method);
            using (new TilingSettings())
            {
                Tiling.Mode = TilingMode.Always;
                Tiling.DeviceFusedKernels = true;
                Tiling.DevicePanelBytes = 3 * (c.IsFloat ? 4 : 8) * 12L; // 3 rows per launch: blocks of warps end part-full
                long before = Tiling.DeviceFusedKernelRuns;
                var device = new EmulatedDevice(threadsPerBlock: threadsPerBlock, strictMemory: true);
                var r = DeviceCases.Run(c, device, seed: 7);
                long fused = Tiling.DeviceFusedKernelRuns - before;
                output.WriteLine($"{r.Name}: inputs {r.Inputs}; {r.Launches} kernel launches; {fused} calls with fused kernels; max relative difference {r.MaxRelativeError:E2} ({r.Worst})");
                foreach (var race in device.Races) output.WriteLine("race: " + race);
                Assert.True(fused >= 1, $"{method}: no call ran the fused tile kernels");
                Assert.True(device.Races.Count == 0, device.Races.Count == 0 ? "" : $"{r.Name}: data race in the device code: {device.Races[0]}");
                Assert.True(r.MaxRelativeError <= (c.IsFloat ? 1e-4 : 1e-10), $"{r.Name}: {r.Worst} differs by {r.MaxRelativeError:E3} (relative)");
                Assert.Equal(0, device.LiveAllocations);
            }
        }

        public static IEnumerable<object[]> FloatFusedCases() =>
            from c in DeviceCases.All(typeof(DeviceTileFusionTests).Assembly)
            where c.IsFloat && DeviceCases.Source(c).Contains("_fused(const __dg_args", StringComparison.Ordinal)
            select new object[] { c.Name };

        /// <summary>
        /// With TF32 allowed (<c>IKernelDevice.AllowTf32</c>) the float fused tile kernels compute their tiles on the
        /// emulated tensor cores (mma.sync m16n8k8, inputs rounded to TF32): within the TF32 bound of the GPU check (3e-3
        /// relative) of the CPU, and not equal to the FP32 kernels' results (the tensor-core path ran).
        /// </summary>
        [GxxTheory]
        [MemberData(nameof(FloatFusedCases))]
        public void Fused_tile_kernels_with_tf32_stay_within_the_tf32_bound(string method)
        {
            var c = DeviceCases.All(typeof(DeviceTileFusionTests).Assembly).Single(x => x.Name == method);
            using (new TilingSettings())
            {
                Tiling.Mode = TilingMode.Always;
                Tiling.DeviceFusedKernels = true;
                Tiling.DevicePanelBytes = 3 * 4 * 12L;
                var fp32 = DeviceCases.Run(c, new EmulatedDevice(threadsPerBlock: 64), seed: 7);
                var device = new EmulatedDevice(threadsPerBlock: 64, strictMemory: true) { AllowTf32 = true };
                var tf32 = DeviceCases.Run(c, device, seed: 7);
                output.WriteLine($"{c.Name}: FP32 kernels {fp32.MaxRelativeError:E2} ({fp32.Worst}); TF32 tiles {tf32.MaxRelativeError:E2} ({tf32.Worst})");
                Assert.True(device.Races.Count == 0, device.Races.Count == 0 ? "" : $"{c.Name}: data race in the device code: {device.Races[0]}");
                Assert.True(tf32.MaxRelativeError <= 3e-3, $"{c.Name}: {tf32.Worst} differs by {tf32.MaxRelativeError:E3} (relative) with TF32 tiles");
                Assert.True(tf32.MaxRelativeError != fp32.MaxRelativeError, $"{c.Name}: the TF32 run computed what the FP32 run did; were the tiles on tensor cores?");
                Assert.Equal(0, device.LiveAllocations);
            }
        }
    }
}
