using System;
using System.Diagnostics;
using DiffGen.Cuda.Execution;
using DiffGen.Tests.Corpus;
using Xunit;
using Xunit.Abstractions;
using static DiffGen.Tests.FloatVsDouble;

namespace DiffGen.Tests.Device
{
    /// <summary>
    /// The float32 device code (run on the g++ emulation of the GPU, several iterations per block and many blocks)
    /// against the float64 CPU gradient of the same loss, at small temperatures: every differentiated input, τ and
    /// the logit scale included, within 1e-5 max-norm relative error (issue 15). The CPU paths are checked at
    /// B = 4096 in <see cref="PrecisionTests"/>; the emulation runs one std::thread per CUDA thread, so B = 512 here.
    /// </summary>
    public sealed class DevicePrecisionTests(ITestOutputHelper output)
    {
        private const int B = 512, D = 64;

        private void Report(string what, params (string Name, double Error)[] errors) => FloatVsDouble.Report(output, what, errors);

        [GxxTheory]
        [InlineData(0.01)]
        [InlineData(0.05)]
        public void NtXent_float32_device_gradients_match_float64(double tau)
        {
            var rng = new Random(7);
            var (fi, wi) = Uniform(rng, B, D);
            var (fj, wj) = Uniform(rng, B, D);
            var gi = new double[B, D];
            var gj = new double[B, D];
            double loss64 = NtXentCorpus.NtXentBackward(wi, wj, tau, gi, gj, out double gt);

            var dev = new EmulatedDevice(threadsPerBlock: 32, maxGrid: 64); // 512 anchors on 64 blocks: 8 per block
            var sw = Stopwatch.StartNew();
            using var dzi = DeviceArray<float>.Upload(dev, fi);
            using var dzj = DeviceArray<float>.Upload(dev, fj);
            using var hzi = DeviceArray<float>.Zeros(dev, B, D);
            using var hzj = DeviceArray<float>.Zeros(dev, B, D);
            float loss32 = NtXentCorpus.NtXentFBackward(dzi, dzj, (float)tau, hzi, hzj, out float ht, device: dev);
            var hi = new float[B, D];
            var hj = new float[B, D];
            hzi.CopyTo(hi);
            hzj.CopyTo(hj);
            output.WriteLine($"{dev.Launches} launches, {sw.ElapsedMilliseconds} ms");
            Report($"NtXentF on the emulated device, B={B} tau={tau}", ("loss", Relative(loss64, loss32)),
                ("dzi", MaxNormRelative(gi, hi)), ("dzj", MaxNormRelative(gj, hj)), ("dtau", Relative(gt, ht)));
        }

        [GxxTheory]
        [InlineData(0.01)]
        [InlineData(0.05)]
        public void ClipLoss_float32_device_gradients_match_float64(double tau)
        {
            var rng = new Random(11);
            var (fi, wi) = Uniform(rng, B, D);
            var (ft, wt) = Uniform(rng, B, D);
            float logScale = (float)Math.Log(1 / tau);
            var gi = new double[B, D];
            var gt = new double[B, D];
            double loss64 = Classification.ClipLossBackward(wi, wt, logScale, gi, gt, out double gs);

            var dev = new EmulatedDevice(threadsPerBlock: 32, maxGrid: 64);
            using var dimg = DeviceArray<float>.Upload(dev, fi);
            using var dtxt = DeviceArray<float>.Upload(dev, ft);
            using var himg = DeviceArray<float>.Zeros(dev, B, D);
            using var htxt = DeviceArray<float>.Zeros(dev, B, D);
            float loss32 = PrecisionCorpus.ClipLossFBackward(dimg, dtxt, logScale, himg, htxt, out float hs, device: dev);
            var hi = new float[B, D];
            var ht = new float[B, D];
            himg.CopyTo(hi);
            htxt.CopyTo(ht);
            Report($"ClipLossF on the emulated device, B={B} tau={tau}", ("loss", Relative(loss64, loss32)),
                ("dimg", MaxNormRelative(gi, hi)), ("dtxt", MaxNormRelative(gt, ht)), ("dlogScale", Relative(gs, hs)));
        }
    }
}
