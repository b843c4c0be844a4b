using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// InfoNCE (<see cref="Contrastive"/>): queries and keys are different matrices, more keys than queries, positives
    /// anywhere in the keys. Forward equals the user's method, gradients of q, k and τ against central differences in
    /// double, the seed scales them, the inputs are left as they were, and float32 follows float64 at τ = 0.07.
    /// (Tiled against materialised: TileFusionTests; GPU emulation: DeviceTileFusionTests.)
    /// </summary>
    public class ContrastiveTests
    {
        private const double Seed = -1.75;

        [Theory]
        [InlineData(1, 1, 0.5)]
        [InlineData(5, 9, 0.5)]
        [InlineData(6, 13, 0.1)]
        public void InfoNce_matches_finite_differences(int n, int m, double tau)
        {
            var rng = new Random(300 + n * 31 + m);
            var q = TestData.Matrix(rng, n, 4);
            var k = TestData.Matrix(rng, m, 4);
            var positive = Enumerable.Range(0, n).Select(i => (i * 5 + 2) % m).ToArray();
            var (q0, k0, p0) = ((double[,])q.Clone(), (double[,])k.Clone(), (int[])positive.Clone());

            double reference = Contrastive.InfoNce(q, k, positive, tau);
            Check.Forward(reference, Contrastive.InfoNceForward(q, k, positive, tau), "InfoNceForward");
            var gq = TestData.Garbage(q);
            var gk = TestData.Garbage(k);
            Check.Forward(reference, Contrastive.InfoNceBackward(q, k, positive, tau, gq, gk, out double gtau), "InfoNceBackward value");
            Assert.Equal(q0, q);
            Assert.Equal(k0, k);
            Assert.Equal(p0, positive);
            Check.Gradient(FiniteDiff.Gradient(() => Contrastive.InfoNce(q, k, positive, tau), q), gq, "InfoNce dq");
            Check.Gradient(FiniteDiff.Gradient(() => Contrastive.InfoNce(q, k, positive, tau), k), gk, "InfoNce dk");
            Check.Gradient(FiniteDiff.Derivative(t => Contrastive.InfoNce(q, k, positive, t), tau), gtau, "InfoNce dtau");

            var sq = TestData.Garbage(q);
            var sk = TestData.Garbage(k);
            Contrastive.InfoNceBackward(q, k, positive, tau, sq, sk, out double stau, Seed);
            Check.Scaled(gq, sq, Seed, "InfoNce dq");
            Check.Scaled(gk, sk, Seed, "InfoNce dk");
            Check.Scaled(gtau, stau, Seed, "InfoNce dtau");
        }

        [Fact]
        public void InfoNce_float32_follows_float64_at_a_small_temperature()
        {
            var rng = new Random(311);
            var q = TestData.Matrix(rng, 7, 8);
            var k = TestData.Matrix(rng, 16, 8);
            var positive = Enumerable.Range(0, 7).Select(i => (3 * i + 1) % 16).ToArray();
            const double tau = 0.07;
            var gq = new double[7, 8];
            var gk = new double[16, 8];
            double value = Contrastive.InfoNceBackward(q, k, positive, tau, gq, gk, out double gtau);
            var fq = TestData.ToFloat(q);
            var fk = TestData.ToFloat(k);
            var hq = new float[7, 8];
            var hk = new float[16, 8];
            float fvalue = Contrastive.InfoNceFBackward(fq, fk, positive, (float)tau, hq, hk, out float htau);
            Assert.True(float.IsFinite(fvalue) && Math.Abs(fvalue - value) <= 1e-4 * Math.Max(1, Math.Abs(value)), $"float loss {fvalue} vs double {value}");
            Check.Gradient(gq, hq, "InfoNceF dq vs float64");
            Check.Gradient(gk, hk, "InfoNceF dk vs float64");
            Check.Near(gtau, htau, 1e-3 * Math.Max(1, Math.Abs(gtau)), "InfoNceF dtau vs float64");
        }
    }
}
