using System;
using Xunit;

namespace DiffGen.Cpu.Tests
{
    /// <summary>Dot and Gemv against naive loops.</summary>
    public sealed class GemvDotTests
    {
        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(17)]
        [InlineData(1000)]
        public void Dot(int n)
        {
            double[] x = Reference.Random(n, 1), y = Reference.Random(n, 2);
            double expected = 0, mag = 0;
            for (int i = 0; i < n; i++)
            {
                expected += x[i] * y[i];
                mag += Math.Abs(x[i] * y[i]);
            }

            Assert.True(Math.Abs(Gemm.Dot(x, y) - expected) <= (n + 1) * 1e-16 * mag + 1e-300);
            float[] xf = Reference.ToFloat(x), yf = Reference.ToFloat(y);
            double ef = 0;
            for (int i = 0; i < n; i++) ef += (double)xf[i] * yf[i];
            Assert.True(Math.Abs(Gemm.Dot(xf, yf) - ef) <= (n + 1) * 1.2e-7 * mag + 1e-30);
        }

        [Theory]
        [InlineData(false, 1, 1)]
        [InlineData(false, 7, 33)]
        [InlineData(true, 7, 33)]
        [InlineData(false, 100, 3)]
        [InlineData(true, 100, 3)]
        [InlineData(true, 0, 5)]
        [InlineData(false, 5, 0)]
        public void Gemv(bool trans, int m, int n)
        {
            int lda = n + 3;
            int aLen = m == 0 ? 0 : (m - 1) * lda + n;
            double[] a = Reference.Random(aLen, 3);
            int xLen = trans ? m : n, yLen = trans ? n : m;
            double[] x = Reference.Random(xLen, 4), y0 = Reference.Random(yLen, 5);
            foreach (var (alpha, beta) in new[] { (1.0, 0.0), (-0.5, 2.0), (0.0, 0.5), (2.0, 1.0) })
            {
                double[] expected = new double[yLen];
                for (int i = 0; i < yLen; i++)
                {
                    double s = 0;
                    for (int p = 0; p < xLen; p++) s += (trans ? a[p * lda + i] : a[i * lda + p]) * x[p];
                    expected[i] = alpha * s + beta * y0[i];
                }

                double[] y = (double[])y0.Clone();
                Gemm.Gemv(trans, m, n, alpha, a, lda, x, beta, y);
                for (int i = 0; i < yLen; i++) Assert.Equal(expected[i], y[i], 12);

                float[] yf = Reference.ToFloat(y0);
                Gemm.Gemv(trans, m, n, (float)alpha, Reference.ToFloat(a), lda, Reference.ToFloat(x), (float)beta, yf);
                for (int i = 0; i < yLen; i++) Assert.Equal(expected[i], yf[i], 4);
            }
        }

        [Fact]
        public void Gemv_BetaZero_IgnoresNaN()
        {
            float[] y = { float.NaN, float.NaN };
            Gemm.Gemv(false, 2, 2, 1f, new float[] { 1, 2, 3, 4 }, 2, new float[] { 1, 1 }, 0f, y);
            Assert.Equal(new float[] { 3, 7 }, y);
            y = new[] { float.NaN, float.NaN };
            Gemm.Gemv(true, 2, 2, 1f, new float[] { 1, 2, 3, 4 }, 2, new float[] { 1, 1 }, 0f, y);
            Assert.Equal(new float[] { 4, 6 }, y);
        }
    }
}
