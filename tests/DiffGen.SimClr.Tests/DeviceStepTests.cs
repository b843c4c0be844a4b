using System;
using DiffGen.Cuda;
using DiffGen.Samples.SimClr;
using DiffGen.Tests.Device;
using Xunit;

namespace DiffGen.SimClr.Tests
{
    /// <summary>
    /// The CUDA training step (<see cref="CudaStepRunner"/>: the generated DeviceArray entry points, weights and moments
    /// on the device) run on the g++ emulation of a GPU from tests/DiffGen.Tests/Device, against the CPU step. This
    /// checks the device orchestration of the sample without a GPU; real hardware is not exercised here.
    /// </summary>
    public sealed class DeviceStepTests
    {
        private static readonly string? GxxSkip = EmulatedDevice.Compiler is not null || Environment.GetEnvironmentVariable("CI") == "true"
            ? null
            : "g++ is not on PATH, so the generated kernels are not run under the CPU emulation (apt-get install g++).";

        [SkippableGxxFact]
        public void CudaStepOnEmulatedDeviceMatchesCpuStep()
        {
            const int batch = 4;
            var arch = new Architecture(Hidden: 16, Features: 8, ProjectionHidden: 8, Projection: 4);
            var rng = new Random(3);
            var initial = Parameters.Initialize(arch, rng);
            var adam = new AdamSettings(LearningRate: 1e-2f, WeightDecay: 1e-3f);
            var data = Digits.Load();
            var augment = new Augmenter();
            var views = new float[2 * batch, Digits.Pixels];
            var image = new float[Digits.Pixels];
            var view = new float[Digits.Pixels];

            var device = new EmulatedDevice();
            using (var cpu = new CpuStepRunner(initial, batch, tau: 0.3f, adam))
            using (var gpu = new CudaStepRunner(device, initial, batch, tau: 0.3f, adam))
            {
                Assert.StartsWith("cuda (emulated", gpu.Name);
                for (int t = 1; t <= 3; t++)
                {
                    for (int k = 0; k < batch; k++)
                    {
                        for (int p = 0; p < Digits.Pixels; p++) image[p] = data.Images[t * batch + k, p];
                        augment.View(image, view, rng);
                        for (int p = 0; p < Digits.Pixels; p++) views[k, p] = view[p];
                        augment.View(image, view, rng);
                        for (int p = 0; p < Digits.Pixels; p++) views[k + batch, p] = view[p];
                    }
                    float lossCpu = cpu.Step(views, t, adam.LearningRate);
                    float lossGpu = gpu.Step(views, t, adam.LearningRate);
                    Assert.True(Math.Abs(lossCpu - lossGpu) <= 1e-4f * Math.Abs(lossCpu), $"step {t}: loss cpu {lossCpu}, emulated cuda {lossGpu}");
                }
                Assert.True(device.Launches > 0);

                var a = new Parameters(arch);
                var b = new Parameters(arch);
                cpu.CopyWeightsTo(a);
                gpu.CopyWeightsTo(b);
                for (int i = 0; i < 4; i++)
                {
                    AssertClose(a.Matrices[i], b.Matrices[i], $"W{i + 1}");
                    AssertClose(a.Vectors[i], b.Vectors[i], $"B{i + 1}");
                }
                // The weights moved (three Adam steps of lr 1e-2).
                Assert.NotEqual(initial.W1[0, 0], b.W1[0, 0]);
            }
            Assert.Equal(0, device.LiveAllocations);
        }

        private static void AssertClose(Array expected, Array actual, string name)
        {
            var e = new float[expected.Length];
            var a = new float[actual.Length];
            Buffer.BlockCopy(expected, 0, e, 0, e.Length * sizeof(float));
            Buffer.BlockCopy(actual, 0, a, 0, a.Length * sizeof(float));
            for (int i = 0; i < e.Length; i++)
                Assert.True(Math.Abs(e[i] - a[i]) <= 1e-4f * Math.Max(1f, Math.Abs(e[i])), $"{name}[{i}]: cpu {e[i]}, emulated cuda {a[i]}");
        }

        /// <summary>A fact that needs g++ (skipped without it, except under CI=true).</summary>
        private sealed class SkippableGxxFactAttribute : FactAttribute
        {
            public SkippableGxxFactAttribute()
            {
                if (GxxSkip is { } s) Skip = s;
            }
        }
    }
}
