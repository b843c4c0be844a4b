using System;
using System.Collections.Concurrent;
using System.Globalization;
using DiffGen.Cpu;
using DiffGen.Tests.Corpus;
using Xunit;
using Xunit.Abstractions;
using static DiffGen.Tests.FloatVsDouble;

namespace DiffGen.Tests
{
    /// <summary>
    /// Float32 gradients against the float64 gradients of the same loss, at the sizes and temperatures of real
    /// contrastive training (B = 4096, D = 128, τ = 0.01, 0.05, 0.5), on the sequential and the multi-core CPU
    /// code: every differentiated input, τ included, within 1e-5 max-norm relative error (issue 15). Both
    /// precisions see the same values (the double inputs are the float inputs widened exactly), so the
    /// difference is the float arithmetic alone. Slow (a few seconds a case): a class of its own, run in CI.
    /// </summary>
    [Collection("Backend selection")]
    public sealed class PrecisionTests(ITestOutputHelper output)
    {
        private const int B = 4096, D = 128;

        private static readonly ConcurrentDictionary<string, (double Loss, double[,] Gi, double[,] Gj, double GTau)> s_reference = new();

        /// <summary>Runs <paramref name="run"/> sequentially (one thread, no split loops) or split over four chunks.</summary>
        private static T On<T>(bool multiCore, Func<T> run)
        {
            long minWork = LoopParallelism.MinWork;
            int threads = Gemm.MaxDegreeOfParallelism;
            try
            {
                LoopParallelism.MinWork = multiCore ? 0 : long.MaxValue;
                Gemm.MaxDegreeOfParallelism = multiCore ? 4 : 1;
                return run();
            }
            finally
            {
                LoopParallelism.MinWork = minWork;
                Gemm.MaxDegreeOfParallelism = threads;
            }
        }

        private void Report(string what, params (string Name, double Error)[] errors) => FloatVsDouble.Report(output, what, errors);

        public static TheoryData<string, double, bool> NtXentCases()
        {
            var data = new TheoryData<string, double, bool>();
            foreach (string form in new[] { "NtXentQuestionF", "NtXentCastF", "NtXentF" })
                foreach (double tau in new[] { 0.01, 0.05, 0.5 })
                    foreach (bool multiCore in new[] { false, true })
                        data.Add(form, tau, multiCore);
            return data;
        }

        /// <summary>The question's NT-Xent (two float ports) and the corpus's float NT-Xent against NtXentCorpus.NtXent in double.</summary>
        [Theory]
        [MemberData(nameof(NtXentCases))]
        public void NtXent_float32_gradients_match_float64(string form, double tau, bool multiCore)
        {
            var rng = new Random(7);
            var (fi, wi) = Uniform(rng, B, D);
            var (fj, wj) = Uniform(rng, B, D);
            var reference = s_reference.GetOrAdd("ntxent" + tau.ToString("R", CultureInfo.InvariantCulture), _ =>
            {
                var gi = new double[B, D];
                var gj = new double[B, D];
                double loss = NtXentCorpus.NtXentBackward(wi, wj, tau, gi, gj, out double gt);
                return (loss, gi, gj, gt);
            });

            var hi = new float[B, D];
            var hj = new float[B, D];
            float ht = 0;
            float loss = On(multiCore, () => form switch
            {
                "NtXentQuestionF" => PrecisionCorpus.NtXentQuestionFBackward(fi, fj, (float)tau, hi, hj, out ht),
                "NtXentCastF" => PrecisionCorpus.NtXentCastFBackward(fi, fj, (float)tau, hi, hj, out ht),
                _ => NtXentCorpus.NtXentFBackward(fi, fj, (float)tau, hi, hj, out ht),
            });
            Report($"{form} B={B} tau={tau} {(multiCore ? "multi-core" : "sequential")}",
                ("loss", Relative(reference.Loss, loss)), ("dzi", MaxNormRelative(reference.Gi, hi)),
                ("dzj", MaxNormRelative(reference.Gj, hj)), ("dtau", Relative(reference.GTau, ht)));
        }

        public static TheoryData<double, bool> TemperatureCases()
        {
            var data = new TheoryData<double, bool>();
            foreach (double tau in new[] { 0.01, 0.05, 0.5 })
                foreach (bool multiCore in new[] { false, true })
                    data.Add(tau, multiCore);
            return data;
        }

        /// <summary>CLIP's symmetric loss with logit scale 1/τ (CLIP learns it: its gradient is checked too).</summary>
        [Theory]
        [MemberData(nameof(TemperatureCases))]
        public void ClipLoss_float32_gradients_match_float64(double tau, bool multiCore)
        {
            var rng = new Random(11);
            var (fi, wi) = Uniform(rng, B, D);
            var (ft, wt) = Uniform(rng, B, D);
            float logScale = (float)Math.Log(1 / tau);
            var gi = new double[B, D];
            var gt = new double[B, D];
            double loss64 = Classification.ClipLossBackward(wi, wt, logScale, gi, gt, out double gs);
            var hi = new float[B, D];
            var ht = new float[B, D];
            float hs = 0;
            float loss32 = On(multiCore, () => PrecisionCorpus.ClipLossFBackward(fi, ft, logScale, hi, ht, out hs));
            Report($"ClipLossF B={B} tau={tau} {(multiCore ? "multi-core" : "sequential")}",
                ("loss", Relative(loss64, loss32)), ("dimg", MaxNormRelative(gi, hi)),
                ("dtxt", MaxNormRelative(gt, ht)), ("dlogScale", Relative(gs, hs)));
        }

        /// <summary>
        /// Softmax cross-entropy, 4096 rows, 1000 classes, logits as large as NT-Xent's at the same τ: x is scaled so
        /// that |x_i|·|w_j| ≈ 1/τ (the bound of s/τ for a cosine s), giving logits of standard deviation ≈ 0.09/τ like
        /// the similarities of random 128-d rows. (Logits four times larger than that lose float32 digits in the
        /// 128-term dot products themselves: 1.8e-5 at τ = 0.01, the same in any float32 implementation.)
        /// </summary>
        [Theory]
        [MemberData(nameof(TemperatureCases))]
        public void SoftmaxCrossEntropy_float32_gradients_match_float64(double tau, bool multiCore)
        {
            const int classes = 1000;
            var rng = new Random(13);
            var (fx, wx) = Uniform(rng, B, D, 3.0 / (D * tau));
            var (fw, ww) = Uniform(rng, D, classes);
            var labels = new int[B];
            for (int i = 0; i < B; i++) labels[i] = rng.Next(classes);
            var gx = new double[B, D];
            var gw = new double[D, classes];
            double loss64 = Classification.SoftmaxCrossEntropyBackward(wx, ww, labels, gx, gw);
            var hx = new float[B, D];
            var hw = new float[D, classes];
            float loss32 = On(multiCore, () => PrecisionCorpus.SoftmaxCrossEntropyFBackward(fx, fw, labels, hx, hw));
            Report($"SoftmaxCrossEntropyF B={B} tau={tau} {(multiCore ? "multi-core" : "sequential")}",
                ("loss", Relative(loss64, loss32)), ("dx", MaxNormRelative(gx, hx)), ("dw", MaxNormRelative(gw, hw)));
        }

        /// <summary>
        /// A quotient whose denominator squared overflows float32 (den ≈ 1e20): the gradient is the softmax Jacobian
        /// row p·(δ − p), not the silent zero that <c>g·a / (b·b)</c> gave for the denominator's share.
        /// </summary>
        [Fact]
        public void Quotient_adjoint_does_not_overflow_in_float32()
        {
            var x = new float[64];
            var rng = new Random(3);
            for (int i = 0; i < x.Length; i++) x[i] = 40f + (float)rng.NextDouble() * 6f;
            const int label = 5;
            double den = 0;
            foreach (float v in x) den += Math.Exp(v);
            Assert.True(den * den > float.MaxValue, "the case must overflow den² in float32");
            double p = Math.Exp(x[label]) / den;
            var g = new float[x.Length];
            float value = PrecisionCorpus.SoftmaxProbabilityFBackward(x, label, g);
            Assert.True(Relative(p, value) < 1e-5, $"value {value} vs {p}");
            var expected = new double[1, x.Length];
            var actual = new float[1, x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                expected[0, i] = p * ((i == label ? 1 : 0) - Math.Exp(x[i]) / den);
                actual[0, i] = g[i];
            }
            Report("SoftmaxProbabilityF", ("dx", MaxNormRelative(expected, actual)));
        }
    }
}
