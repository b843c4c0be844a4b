using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// <c>out double</c> results (<see cref="NaturalResults"/>): Forward and Backward give the same results as the user's method,
    /// and the gradients are those of <c>seed · value + Σ auxGrad · aux</c> (central differences), for seeds that pick either
    /// result alone and a mix of both.
    /// </summary>
    public class NaturalResultsTests
    {
        private static readonly double[] X = { 0.3, -0.7, 1.1, 0.4, -0.2, 0.9 };

        [Theory]
        [InlineData(1.0, 0.0)]
        [InlineData(0.0, 1.0)]
        [InlineData(-2.0, 0.7)]
        public void Out_mean_is_a_second_result(double seed, double meanSeed)
        {
            const double w = 1.3;
            var xb = TestData.Clone(X);
            double reference = NaturalResults.CenteredLoss(X, w, out double refMean);
            Check.Forward(reference, NaturalResults.CenteredLossForward(X, w, out double fm), "Forward");
            Check.Forward(refMean, fm, "Forward mean");
            var g = TestData.Garbage(X);
            double value = NaturalResults.CenteredLossBackward(X, w, out double bm, g, out double gw, meanSeed, seed);
            Check.Forward(reference, value, "Backward value");
            Check.Forward(refMean, bm, "Backward mean");
            Check.Unchanged(xb, X, "x");
            double Combined(double[] x, double v) => seed * NaturalResults.CenteredLoss(x, v, out double m) + meanSeed * m;
            Check.Gradient(FiniteDiff.Gradient(() => Combined(X, w), X), g, "dx");
            Check.Gradient(FiniteDiff.Derivative(v => Combined(X, v), w), gw, "dw");
        }

        [Fact]
        public void Two_out_results_from_a_foreach()
        {
            var g = TestData.Garbage(X);
            double value = NaturalResults.RangeAndSumBackward(X, out double lo, out double hi, g, 0.5, -1.5, 2.0);
            double reference = NaturalResults.RangeAndSum(X, out double rlo, out double rhi);
            Check.Forward(reference, value, "Backward value");
            Assert.Equal(rlo, lo);
            Assert.Equal(rhi, hi);
            Check.Forward(reference, NaturalResults.RangeAndSumForward(X, out _, out _), "Forward");
            Check.Gradient(FiniteDiff.Gradient(() => 2.0 * NaturalResults.RangeAndSum(X, out double a, out double b) + 0.5 * a - 1.5 * b, X), g, "dx");
        }

        [Fact]
        public void Float_out_result_of_a_void_layer()
        {
            var x = new[] { 0.5f, -1.25f, 2f, 0.75f };
            const float a = 1.5f;
            var y = new float[x.Length];
            NaturalResults.ScaleWithNorm(x, a, y, out float norm2);
            var fy = new float[x.Length];
            NaturalResults.ScaleWithNormForward(x, a, fy, out float fnorm);
            Assert.Equal(y, fy);
            Assert.Equal(norm2, fnorm, 4);
            // L = Σ yGrad·y + normGrad·norm2: dL/dx_i = a·(yGrad_i + 2·normGrad·y_i), dL/da = Σ x_i·(yGrad_i + 2·normGrad·y_i)
            var yGrad = new[] { 0.25f, -0.5f, 1f, 0.125f };
            const float normGrad = -0.75f;
            var gx = new float[x.Length];
            var by = new float[x.Length];
            NaturalResults.ScaleWithNormBackward(x, a, by, out float bnorm, gx, out float ga, yGrad, normGrad);
            Assert.Equal(y, by);
            Assert.Equal(norm2, bnorm, 4);
            double expectedA = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double up = yGrad[i] + 2 * normGrad * y[i];
                Assert.Equal(a * up, gx[i], 4);
                expectedA += x[i] * up;
            }
            Assert.Equal(expectedA, ga, 3);
        }
    }
}
