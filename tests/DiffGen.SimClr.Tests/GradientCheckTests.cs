using System;
using DiffGen.Samples.SimClr;
using Xunit;

namespace DiffGen.SimClr.Tests
{
    /// <summary>
    /// The gradient of the whole SimCLR model — encoder, projection head, view split and NT-Xent, chained through the
    /// generated Backward methods exactly as the trainer chains them — against central finite differences of the
    /// user's loops, in double precision (<see cref="Model64"/>, the double twins), at a tiny size; and the float32
    /// model the trainer runs against those twins.
    /// </summary>
    public sealed class GradientCheckTests
    {
        private const int B = 3, Din = 5, Hid = 7, Feat = 4, ProjHid = 5, Proj = 3;
        private const double Tau = 0.5;

        /// <summary>Inputs and weights of the tiny model, in double.</summary>
        private sealed class Net
        {
            public double[,] X = new double[2 * B, Din];
            public double[,] W1 = new double[Din, Hid];
            public double[] B1 = new double[Hid];
            public double[,] W2 = new double[Hid, Feat];
            public double[] B2 = new double[Feat];
            public double[,] W3 = new double[Feat, ProjHid];
            public double[] B3 = new double[ProjHid];
            public double[,] W4 = new double[ProjHid, Proj];
            public double[] B4 = new double[Proj];

            public Array[] Weights => new Array[] { W1, B1, W2, B2, W3, B3, W4, B4 };

            public static Net Random(int seed)
            {
                var rng = new Random(seed);
                var n = new Net();
                Fill(n.X, rng, 1.0);
                foreach (var a in n.Weights) Fill(a, rng, 0.8);
                return n;
            }

            private static void Fill(Array a, Random rng, double scale)
            {
                if (a is double[,] m)
                {
                    for (int i = 0; i < m.GetLength(0); i++)
                        for (int j = 0; j < m.GetLength(1); j++) m[i, j] = scale * (2 * rng.NextDouble() - 1);
                }
                else
                {
                    var v = (double[])a;
                    for (int i = 0; i < v.Length; i++) v[i] = scale * (2 * rng.NextDouble() - 1);
                }
            }

            /// <summary>The loss through the user's own loop methods (not the generated code).</summary>
            public double Loss()
            {
                var h = new double[2 * B, Feat];
                var z = new double[2 * B, Proj];
                var zi = new double[B, Proj];
                var zj = new double[B, Proj];
                Model64.Encoder(X, W1, B1, W2, B2, h);
                Model64.Head(h, W3, B3, W4, B4, z);
                Model64.Split(z, zi, zj);
                return Model64.NtXent(zi, zj, Tau);
            }

            /// <summary>The loss and every weight gradient, chained through the generated Backward methods.</summary>
            public (double Loss, Array[] Gradients) Backward()
            {
                var h = new double[2 * B, Feat];
                var z = new double[2 * B, Proj];
                var zi = new double[B, Proj];
                var zj = new double[B, Proj];
                var ziGrad = new double[B, Proj];
                var zjGrad = new double[B, Proj];
                var zGrad = new double[2 * B, Proj];
                var hGrad = new double[2 * B, Feat];
                var g = new Array[] { new double[Din, Hid], new double[Hid], new double[Hid, Feat], new double[Feat], new double[Feat, ProjHid], new double[ProjHid], new double[ProjHid, Proj], new double[Proj] };
                Model64.EncoderForward(X, W1, B1, W2, B2, h);
                Model64.HeadForward(h, W3, B3, W4, B4, z);
                Model64.SplitForward(z, zi, zj);
                double loss = Model64.NtXentBackward(zi, zj, Tau, ziGrad, zjGrad);
                Model64.SplitBackward(z, zi, zj, zGrad, ziGrad, zjGrad);
                Model64.HeadBackward(h, W3, B3, W4, B4, z, hGrad, (double[,])g[4], (double[])g[5], (double[,])g[6], (double[])g[7], zGrad);
                Model64.EncoderBackward(X, W1, B1, W2, B2, h, (double[,])g[0], (double[])g[1], (double[,])g[2], (double[])g[3], hGrad);
                return (loss, g);
            }
        }

        [Fact]
        public void FullModelGradientMatchesCentralDifferences()
        {
            var net = Net.Random(seed: 7);
            var (loss, grads) = net.Backward();
            Assert.Equal(net.Loss(), loss, 12);

            const double eps = 1e-6;
            string[] names = { "w1", "b1", "w2", "b2", "w3", "b3", "w4", "b4" };
            int checkedCount = 0, nonZero = 0;
            for (int p = 0; p < names.Length; p++)
            {
                Array weights = net.Weights[p];
                Array grad = grads[p];
                int length = weights.Length;
                for (int e = 0; e < length; e++)
                {
                    double original = Get(weights, e);
                    Set(weights, e, original + eps);
                    double plus = net.Loss();
                    Set(weights, e, original - eps);
                    double minus = net.Loss();
                    Set(weights, e, original);
                    double fd = (plus - minus) / (2 * eps);
                    double analytic = Get(grad, e);
                    double tolerance = 1e-6 * Math.Max(1.0, Math.Abs(fd));
                    Assert.True(Math.Abs(analytic - fd) <= tolerance,
                        $"d loss / d {names[p]}[{e}]: generated {analytic:R}, central difference {fd:R}");
                    checkedCount++;
                    if (Math.Abs(fd) > 1e-6) nonZero++;
                }
            }
            Assert.Equal(Din * Hid + Hid + Hid * Feat + Feat + Feat * ProjHid + ProjHid + ProjHid * Proj + Proj, checkedCount);
            Assert.True(nonZero > checkedCount / 2, $"only {nonZero} of {checkedCount} derivatives are non-zero: the check would be weak");
        }

        [Fact]
        public void FloatModelMatchesItsDoubleTwin()
        {
            var net = Net.Random(seed: 11);
            var (loss64, grads64) = net.Backward();

            float[,] F(double[,] a)
            {
                var r = new float[a.GetLength(0), a.GetLength(1)];
                for (int i = 0; i < a.GetLength(0); i++)
                    for (int j = 0; j < a.GetLength(1); j++) r[i, j] = (float)a[i, j];
                return r;
            }
            float[] V(double[] a) => Array.ConvertAll(a, v => (float)v);

            float[,] x = F(net.X), w1 = F(net.W1), w2 = F(net.W2), w3 = F(net.W3), w4 = F(net.W4);
            float[] b1 = V(net.B1), b2 = V(net.B2), b3 = V(net.B3), b4 = V(net.B4);
            var h = new float[2 * B, Feat];
            var z = new float[2 * B, Proj];
            var zi = new float[B, Proj];
            var zj = new float[B, Proj];
            var ziGrad = new float[B, Proj];
            var zjGrad = new float[B, Proj];
            var zGrad = new float[2 * B, Proj];
            var hGrad = new float[2 * B, Feat];
            var g = new Array[] { new float[Din, Hid], new float[Hid], new float[Hid, Feat], new float[Feat], new float[Feat, ProjHid], new float[ProjHid], new float[ProjHid, Proj], new float[Proj] };
            Model.EncoderForward(x, w1, b1, w2, b2, h);
            Model.HeadForward(h, w3, b3, w4, b4, z);
            Model.SplitForward(z, zi, zj);
            float loss = Model.NtXentBackward(zi, zj, (float)Tau, ziGrad, zjGrad);
            Model.SplitBackward(z, zi, zj, zGrad, ziGrad, zjGrad);
            Model.HeadBackward(h, w3, b3, w4, b4, z, hGrad, (float[,])g[4], (float[])g[5], (float[,])g[6], (float[])g[7], zGrad);
            Model.EncoderBackward(x, w1, b1, w2, b2, h, (float[,])g[0], (float[])g[1], (float[,])g[2], (float[])g[3], hGrad);

            Assert.Equal(loss64, loss, 1e-5);
            for (int p = 0; p < g.Length; p++)
            {
                double scale = 0;
                for (int e = 0; e < g[p].Length; e++) scale = Math.Max(scale, Math.Abs(Get(grads64[p], e)));
                for (int e = 0; e < g[p].Length; e++)
                {
                    double expected = Get(grads64[p], e);
                    double actual = Convert.ToDouble(g[p] is float[,] m ? m[e / m.GetLength(1), e % m.GetLength(1)] : ((float[])g[p])[e]);
                    Assert.True(Math.Abs(actual - expected) <= 1e-4 * Math.Max(scale, 1e-3), $"gradient {p}[{e}]: float {actual}, double {expected}");
                }
            }
        }

        private static double Get(Array a, int e) => a is double[,] m ? m[e / m.GetLength(1), e % m.GetLength(1)] : ((double[])a)[e];

        private static void Set(Array a, int e, double v)
        {
            if (a is double[,] m) m[e / m.GetLength(1), e % m.GetLength(1)] = v;
            else ((double[])a)[e] = v;
        }
    }
}
