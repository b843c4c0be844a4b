using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// NT-Xent written as the question wrote it overflows in float32 at tau = 0.01 (exp(1 / 0.01) = e^100 is
    /// beyond float's range): the user's own loop returns NaN or infinity. Raise turns log(num / Σ exp) into a
    /// stable log-sum-exp, so the generated Forward and Backward stay finite and agree with the double loop.
    /// </summary>
    public class StableLogSumExpTests
    {
        [Theory]
        [InlineData(6, 5, 0.01)]
        [InlineData(17, 8, 0.01)]
        [InlineData(9, 4, 0.05)]
        public void FloatNtXentAtSmallTemperatureIsFiniteAndMatchesDouble(int batch, int dim, double tau)
        {
            var rng = new Random(batch * 31 + dim);
            var zi = TestData.Matrix(rng, batch, dim);
            var zj = TestData.Matrix(rng, batch, dim);
            var fi = new float[batch, dim];
            var fj = new float[batch, dim];
            for (int i = 0; i < batch; i++)
                for (int d = 0; d < dim; d++) { fi[i, d] = (float)zi[i, d]; fj[i, d] = (float)zj[i, d]; }
            // The double reference from the same (float-rounded) inputs.
            var di = TestData.ToDouble(fi);
            var dj = TestData.ToDouble(fj);
            double reference = NtXentCorpus.NtXent(di, dj, tau);
            Assert.True(double.IsFinite(reference));

            float literal = NtXentCorpus.NtXentF(fi, fj, (float)tau);
            if (tau <= 0.01) Assert.False(float.IsFinite(literal), "the user's float loop was expected to overflow here");

            float forward = NtXentCorpus.NtXentFForward(fi, fj, (float)tau);
            Assert.True(float.IsFinite(forward), $"forward {forward}");
            Assert.True(Math.Abs(forward - reference) <= 1e-4 * Math.Max(1, Math.Abs(reference)), $"forward {forward} vs double {reference}");

            var gi = new float[batch, dim];
            var gj = new float[batch, dim];
            float value = NtXentCorpus.NtXentFBackward(fi, fj, (float)tau, gi, gj, out float gtau);
            Assert.True(float.IsFinite(value) && float.IsFinite(gtau));
            var ri = new double[batch, dim];
            var rj = new double[batch, dim];
            NtXentCorpus.NtXentBackward(di, dj, tau, ri, rj, out double rtau);
            double scale = 1;
            foreach (var x in ri) scale = Math.Max(scale, Math.Abs(x));
            for (int i = 0; i < batch; i++)
                for (int d = 0; d < dim; d++)
                {
                    Assert.True(float.IsFinite(gi[i, d]) && float.IsFinite(gj[i, d]), $"non-finite gradient at [{i},{d}]");
                    Assert.True(Math.Abs(gi[i, d] - ri[i, d]) <= 2e-3 * scale, $"dzi[{i},{d}] {gi[i, d]} vs {ri[i, d]}");
                    Assert.True(Math.Abs(gj[i, d] - rj[i, d]) <= 2e-3 * scale, $"dzj[{i},{d}] {gj[i, d]} vs {rj[i, d]}");
                }
            Assert.True(Math.Abs(gtau - rtau) <= 2e-3 * Math.Max(1, Math.Abs(rtau)), $"dtau {gtau} vs {rtau}");
        }
    }
}
