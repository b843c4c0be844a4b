using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// The void layer <see cref="Networks.Linear"/>: y is an output. LinearBackward takes the upstream
    /// gradient yGrad (read-only) and writes dL/dx, dL/dw, dL/db for L = sum(yGrad .* y), checked against
    /// central differences of that L computed with the user's own Linear.
    /// </summary>
    public class LinearLayerTests
    {
        private static (double[,] x, double[,] w, double[] b, double[,] yGrad) Inputs(int seed, int n = 5, int din = 4, int dout = 3)
        {
            var rng = new Random(seed);
            return (TestData.Matrix(rng, n, din), TestData.Matrix(rng, din, dout), TestData.Vector(rng, dout), TestData.Matrix(rng, n, dout));
        }

        private static double[,] UserY(double[,] x, double[,] w, double[] b)
        {
            var y = new double[x.GetLength(0), w.GetLength(1)];
            Networks.Linear(x, w, b, y);
            return y;
        }

        [Fact]
        public void LinearForward_WritesTheSameOutputAsTheUsersMethod()
        {
            var (x, w, b, _) = Inputs(701);
            var reference = UserY(x, w, b);
            var y = TestData.Filled(new double[5, 3], double.NaN);
            Networks.LinearForward(x, w, b, y);
            Check.Gradient(reference, y, "LinearForward y", Check.ForwardTol);
        }

        [Fact]
        public void LinearBackward_UpstreamGradient_MatchesFiniteDifferences()
        {
            var (x, w, b, yGrad) = Inputs(702);
            var yGradBefore = TestData.Clone(yGrad);
            var xBefore = TestData.Clone(x);
            Func<double> loss = () => TestData.Inner(yGrad, UserY(x, w, b));

            var y = TestData.Filled(new double[5, 3], double.NaN);
            var gx = TestData.Garbage(x);
            var gw = TestData.Garbage(w);
            var gb = TestData.Garbage(b);
            Networks.LinearBackward(x, w, b, y, gx, gw, gb, yGrad);

            Check.Gradient(UserY(x, w, b), y, "LinearBackward leaves the forward result in y", Check.ForwardTol);
            Check.Unchanged(yGradBefore, yGrad, "yGrad (read-only upstream gradient)");
            Check.Unchanged(xBefore, x, "x");
            Check.Gradient(FiniteDiff.Gradient(loss, x), gx, "Linear dx");
            Check.Gradient(FiniteDiff.Gradient(loss, w), gw, "Linear dw");
            Check.Gradient(FiniteDiff.Gradient(loss, b), gb, "Linear db");

            // closed forms: dx = yGrad w^T, dw = x^T yGrad, db = column sums of yGrad
            var ex = new double[5, 4];
            var ew = new double[4, 3];
            var eb = new double[3];
            for (int i = 0; i < 5; i++)
                for (int o = 0; o < 3; o++)
                {
                    eb[o] += yGrad[i, o];
                    for (int k = 0; k < 4; k++)
                    {
                        ex[i, k] += yGrad[i, o] * w[k, o];
                        ew[k, o] += x[i, k] * yGrad[i, o];
                    }
                }
            Check.Gradient(ex, gx, "Linear dx = yGrad w^T", 1e-13);
            Check.Gradient(ew, gw, "Linear dw = x^T yGrad", 1e-13);
            Check.Gradient(eb, gb, "Linear db = sum_i yGrad", 1e-13);
        }

        [Fact]
        public void LinearBackward_IsLinearInTheUpstreamGradient()
        {
            var (x, w, b, yGrad) = Inputs(703);
            var y = new double[5, 3];
            var gx = TestData.Garbage(x);
            var gw = TestData.Garbage(w);
            var gb = TestData.Garbage(b);
            Networks.LinearBackward(x, w, b, y, gx, gw, gb, yGrad);

            var scaled = TestData.Scale(yGrad, -2.5);
            var sx = TestData.Garbage(x);
            var sw = TestData.Garbage(w);
            var sb = TestData.Garbage(b);
            Networks.LinearBackward(x, w, b, y, sx, sw, sb, scaled);
            Check.Scaled(gx, sx, -2.5, "Linear dx");
            Check.Scaled(gw, sw, -2.5, "Linear dw");
            Check.Scaled(gb, sb, -2.5, "Linear db");
        }

        [Fact]
        public void LinearBackward_ZeroUpstreamGradient_GivesZeroGradients()
        {
            var (x, w, b, _) = Inputs(704);
            var y = new double[5, 3];
            var gx = TestData.Garbage(x);
            var gw = TestData.Garbage(w);
            var gb = TestData.Garbage(b);
            Networks.LinearBackward(x, w, b, y, gx, gw, gb, new double[5, 3]);
            foreach (var v in gx) Assert.Equal(0.0, v);
            foreach (var v in gw) Assert.Equal(0.0, v);
            foreach (var v in gb) Assert.Equal(0.0, v);
        }
    }
}
