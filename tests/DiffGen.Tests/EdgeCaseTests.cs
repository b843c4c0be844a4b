using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>Checks for <see cref="EdgeCases"/> and long trip counts.</summary>
    public class EdgeCaseTests
    {
        [Fact]
        public void SafeSqrtLog_UntakenBranchesDoNotPoisonTheGradient()
        {
            var x = new[] { 2.0, -1.5, 0.0, 0.3, -0.01, 4.0 };
            double reference = EdgeCases.SafeSqrtLog(x);
            Assert.True(double.IsFinite(reference));
            Check.Forward(reference, EdgeCases.SafeSqrtLogForward(x), "SafeSqrtLogForward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, EdgeCases.SafeSqrtLogBackward(x, gx), "SafeSqrtLogBackward value");

            // the taken branches: x > 0: 1/(2 sqrt x) + 1/x; x <= 0: 0 + 1
            for (int i = 0; i < x.Length; i++)
            {
                Assert.True(double.IsFinite(gx[i]), $"dx[{i}] at x = {x[i]} is {gx[i]}: an untaken branch leaked a NaN/infinite derivative");
                double expected = x[i] > 0 ? 0.5 / Math.Sqrt(x[i]) + 1.0 / x[i] : 1.0;
                Check.Near(expected, gx[i], 1e-12, $"SafeSqrtLog dx[{i}] at x = {x[i]}");
            }
            // finite differences wherever the input is not at the branch point 0
            var fd = FiniteDiff.Gradient(() => EdgeCases.SafeSqrtLog(x), x);
            for (int i = 0; i < x.Length; i++)
            {
                if (x[i] == 0.0) continue;
                Check.Gradient(fd[i], gx[i], $"SafeSqrtLog dx[{i}]");
            }
        }

        [Fact]
        public void SoftmaxLayer_OutputRewrittenInPlace()
        {
            var rng = new Random(1101);
            var x = TestData.Vector(rng, 6, 1.5);
            var yGrad = TestData.Vector(rng, 6);
            var yGradBefore = TestData.Clone(yGrad);
            Func<double> loss = () =>
            {
                var yy = new double[6];
                EdgeCases.SoftmaxLayer(x, yy);
                double s = 0;
                for (int i = 0; i < 6; i++) s += yGrad[i] * yy[i];
                return s;
            };

            var reference = new double[6];
            EdgeCases.SoftmaxLayer(x, reference);
            var yf = TestData.Garbage(x);
            EdgeCases.SoftmaxLayerForward(x, yf);
            Check.Gradient(reference, yf, "SoftmaxLayerForward y", Check.ForwardTol);

            var y = TestData.Garbage(x);
            var gx = TestData.Garbage(x);
            EdgeCases.SoftmaxLayerBackward(x, y, gx, yGrad);
            Check.Gradient(reference, y, "SoftmaxLayerBackward leaves the forward result in y", Check.ForwardTol);
            Check.Unchanged(yGradBefore, yGrad, "yGrad");
            Check.Gradient(FiniteDiff.Gradient(loss, x), gx, "SoftmaxLayer dx");

            // closed form: dx_i = y_i (g_i - sum_j g_j y_j)
            double gy = 0;
            for (int j = 0; j < 6; j++) gy += yGrad[j] * reference[j];
            for (int i = 0; i < 6; i++) Check.Near(reference[i] * (yGrad[i] - gy), gx[i], 1e-12, $"SoftmaxLayer dx[{i}] closed form");
        }

        [Fact]
        public void Conv2d_FourNestedLoops()
        {
            var rng = new Random(1102);
            var img = TestData.Matrix(rng, 6, 5);
            var k = TestData.Matrix(rng, 3, 2, 0.5);
            Func<double> f = () => EdgeCases.Conv2d(img, k);
            double reference = f();
            Check.Forward(reference, EdgeCases.Conv2dForward(img, k), "Conv2dForward");
            var gi = TestData.Garbage(img);
            var gk = TestData.Garbage(k);
            Check.Forward(reference, EdgeCases.Conv2dBackward(img, k, gi, gk), "Conv2dBackward value");
            Check.Gradient(FiniteDiff.Gradient(f, img), gi, "Conv2d dimg");
            Check.Gradient(FiniteDiff.Gradient(f, k), gk, "Conv2d dk");
            var si = TestData.Garbage(img);
            var sk = TestData.Garbage(k);
            EdgeCases.Conv2dBackward(img, k, si, sk, 0.5);
            Check.Scaled(gi, si, 0.5, "Conv2d dimg");
            Check.Scaled(gk, sk, 0.5, "Conv2d dk");
        }

        [Fact]
        public void CubicSum_ExpressionBodiedHelper()
        {
            var rng = new Random(1103);
            var x = TestData.Vector(rng, 5);
            var w = TestData.Vector(rng, 5);
            Check.Forward(EdgeCases.Cube(-1.7), EdgeCases.CubeForward(-1.7), "CubeForward");
            EdgeCases.CubeBackward(-1.7, out double dc);
            Check.Near(3 * 1.7 * 1.7, dc, 1e-14, "Cube'");

            double reference = EdgeCases.CubicSum(x, w);
            Check.Forward(reference, EdgeCases.CubicSumForward(x, w), "CubicSumForward");
            var gx = TestData.Garbage(x);
            var gw = TestData.Garbage(w);
            Check.Forward(reference, EdgeCases.CubicSumBackward(x, w, gx, gw), "CubicSumBackward value");
            for (int i = 0; i < 5; i++)
            {
                Check.Near(3 * x[i] * x[i] * w[i], gx[i], 1e-13, $"CubicSum dx[{i}]");
                Check.Near(x[i] * x[i] * x[i], gw[i], 1e-13, $"CubicSum dw[{i}]");
            }
        }

        [Fact]
        public void IteratedSin_LongTripCount()
        {
            const int steps = 200_000;
            double x0 = 0.7, a = 1.3;
            double reference = Elementwise.IteratedSin(x0, a, steps);
            Check.Forward(reference, Elementwise.IteratedSinForward(x0, a, steps), "IteratedSinForward (long)");
            double value = Elementwise.IteratedSinBackward(x0, a, steps, out double gx0, out double ga);
            Check.Forward(reference, value, "IteratedSinBackward value (long)");
            Assert.True(double.IsFinite(gx0) && double.IsFinite(ga));
            Check.Gradient(FiniteDiff.Derivative(v => Elementwise.IteratedSin(x0, v, steps), a), ga, "IteratedSin da (long)");
            // a second call reuses the restore stack: same result
            Elementwise.IteratedSinBackward(x0, a, steps, out double gx0b, out double gab);
            Assert.Equal(gx0, gx0b);
            Assert.Equal(ga, gab);
        }
    }
}
