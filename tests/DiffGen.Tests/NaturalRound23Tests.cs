using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 23 (<see cref="NaturalRound23"/>): the eleventh probe batch, each function checked as written by
    /// <see cref="MethodOracle"/> (HeatDiffusivityLoss, the one float method, against its double twin), with the inputs of
    /// the batch's own Args() (the same seeds and sizes) and both branches of the option flags and modes where cheap. By hand:
    /// the two ReadOnlySpan methods, MixtureDensityNll and RcCircuitFitLoss, called with arrays (and slices) against central
    /// differences of the user's method. Input sensitivities of the user's own arithmetic (not generator bugs):
    /// LocalLevelLogLikelihood's sample initialVariance 1e7 makes its first update cancel, so the gradient is checked at 100
    /// and the value alone at 1e7; GarchTNll's sample has nu = 7 exactly, where its LogGamma's while loop changes trip count,
    /// so nu = 6.6 here. Bad input (<see cref="Bad{TEx}"/>): the method, its Forward and its Backward throw the same exception,
    /// with the same message and parameter name.
    /// </summary>
    public class NaturalRound23Tests
    {
        private static readonly Type T = typeof(NaturalRound23);

        private static void Check(string name, params object?[] args) => MethodOracle.Check(T, name, args);

        private static double U(Random rng, double scale = 1.0) => scale * (2.0 * rng.NextDouble() - 1.0);

        private static double Gauss(Random rng)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }

        private static double[][] M(Random rng, int rows, int cols, double s) =>
            Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, cols).Select(__ => U(rng, s)).ToArray()).ToArray();

        private static double[,] W(Random rng, int rows, int cols, double s)
        {
            var w = new double[rows, cols];
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) w[i, j] = U(rng, s);
            return w;
        }

        // ---- machine learning ----

        private static object?[] Transformer(int numHeads = 2)
        {
            var rng = new Random(101);
            const int seq = 4, d = 6, ff = 8;
            double[] V(int n, double s, double centre) => Enumerable.Range(0, n).Select(_ => centre + U(rng, s)).ToArray();
            var x = M(rng, seq, d, 1.0);
            var wq = M(rng, d, d, 0.4);
            var wk = M(rng, d, d, 0.4);
            var wv = M(rng, d, d, 0.4);
            var wo = M(rng, d, d, 0.4);
            var w1 = M(rng, ff, d, 0.4);
            var b1 = V(ff, 0.1, 0.0);
            var w2 = M(rng, d, ff, 0.4);
            var b2 = V(d, 0.1, 0.0);
            var gamma = V(d, 0.1, 1.0);
            var beta = V(d, 0.1, 0.0);
            var target = M(rng, seq, d, 1.0);
            return new object?[] { x, wq, wk, wv, wo, w1, b1, w2, b2, gamma, beta, target, numHeads };
        }

        [Theory]
        [InlineData(2)]
        [InlineData(3)]
        public void TransformerBlockLoss(int numHeads) => Check("TransformerBlockLoss", Transformer(numHeads));

        [Fact] public void TransformerBlockLoss_bad_input() => Bad<ArgumentException>("TransformerBlockLoss", "numHeads", Transformer(4));

        private static object?[] Gru(int labelCount = 3)
        {
            var rng = new Random(202);
            const int batch = 3, steps = 5, inDim = 3, hidden = 4, classes = 3;
            var xs = new double[batch, steps, inDim];
            for (int n = 0; n < batch; n++)
                for (int t = 0; t < steps; t++)
                    for (int d = 0; d < inDim; d++)
                        xs[n, t, d] = U(rng);
            var labels = new[] { 0, 2, 1 }.Take(labelCount).ToArray();
            var wx = new double[3 * hidden, inDim];
            var wh = new double[3 * hidden, hidden];
            var b = new double[3 * hidden];
            for (int r = 0; r < 3 * hidden; r++)
            {
                for (int d = 0; d < inDim; d++) wx[r, d] = U(rng, 0.5);
                for (int j = 0; j < hidden; j++) wh[r, j] = U(rng, 0.5);
                b[r] = U(rng, 0.1);
            }
            var wOut = new double[classes, hidden];
            var bOut = new double[classes];
            for (int c = 0; c < classes; c++)
            {
                for (int j = 0; j < hidden; j++) wOut[c, j] = U(rng, 0.7);
                bOut[c] = U(rng, 0.1);
            }
            return new object?[] { xs, labels, wx, wh, b, wOut, bOut };
        }

        [Fact] public void GruSequenceNll() => Check("GruSequenceNll", Gru());

        [Fact] public void GruSequenceNll_bad_input() => Bad<ArgumentException>("GruSequenceNll", "labels", Gru(2));

        private static object?[] Elbo(double klWeight)
        {
            var rng = new Random(404);
            const int n = 8, inDim = 2, hidden = 5, samples = 3;
            var x = new double[n, inDim];
            var y = new double[n];
            for (int i = 0; i < n; i++)
            {
                x[i, 0] = U(rng, 2.0);
                x[i, 1] = U(rng, 2.0);
                y[i] = Math.Sin(x[i, 0]) + 0.5 * x[i, 1] + 0.1 * Gauss(rng);
            }
            var w1Mu = new double[hidden, inDim];
            var w1Rho = new double[hidden, inDim];
            var w2Mu = new double[hidden];
            var w2Rho = new double[hidden];
            for (int h = 0; h < hidden; h++)
            {
                for (int d = 0; d < inDim; d++) { w1Mu[h, d] = U(rng, 0.8); w1Rho[h, d] = -3.0 + U(rng, 0.3); }
                w2Mu[h] = U(rng, 0.8);
                w2Rho[h] = -3.0 + U(rng, 0.3);
            }
            var eps1 = new double[samples, hidden, inDim];
            var eps2 = new double[samples, hidden];
            for (int s = 0; s < samples; s++)
                for (int h = 0; h < hidden; h++)
                {
                    for (int d = 0; d < inDim; d++) eps1[s, h, d] = Gauss(rng);
                    eps2[s, h] = Gauss(rng);
                }
            return new object?[] { x, y, w1Mu, w1Rho, w2Mu, w2Rho, Math.Log(0.3), eps1, eps2, new NaturalRound23.ElboConfig(1.0, klWeight) };
        }

        [Theory]
        [InlineData(0.1)]
        [InlineData(1.0)]
        public void BayesianMlpNegElbo(double klWeight) => Check("BayesianMlpNegElbo", Elbo(klWeight));

        private static (double[] X, double[] Y, double[] W1, double[] B1, double[,] WAlpha, double[] BAlpha, double[,] WMu, double[] BMu, double[,] WLogSigma, double[] BLogSigma) Mdn()
        {
            var rng = new Random(505);
            const int n = 8, hidden = 6, k = 3;
            var x = new double[n];
            var y = new double[n];
            for (int i = 0; i < n; i++)
            {
                x[i] = -1.5 + 3.0 * i / (n - 1) + U(rng, 0.05);
                y[i] = (i % 2 == 0 ? 1.0 : -1.0) * Math.Sqrt(Math.Abs(x[i]) + 0.2) + U(rng, 0.1);
            }
            var w1 = new double[hidden];
            var b1 = new double[hidden];
            for (int j = 0; j < hidden; j++) { w1[j] = U(rng, 1.5); b1[j] = U(rng, 0.5); }
            double[] B(double c) { var b = new double[k]; for (int r = 0; r < k; r++) b[r] = c + U(rng, 0.2); return b; }
            var wAlpha = W(rng, k, hidden, 0.5); var bAlpha = B(0.0);
            var wMu = W(rng, k, hidden, 0.5); var bMu = new[] { -1.0, 0.1, 1.0 };
            var wLogSigma = W(rng, k, hidden, 0.5); var bLogSigma = B(-0.7);
            return (x, y, w1, b1, wAlpha, bAlpha, wMu, bMu, wLogSigma, bLogSigma);
        }

        [Fact]
        public void MixtureDensityNll()
        {
            // ReadOnlySpan<double> x and y (both differentiated: Span gradients), by hand with arrays
            var (x, y, w1, b1, wa, ba, wm, bm, ws, bs) = Mdn();
            double F() => NaturalRound23.MixtureDensityNll(x, y, w1, b1, wa, ba, wm, bm, ws, bs);
            var before = new object[] { TestData.Clone(x), TestData.Clone(y), TestData.Clone(w1), TestData.Clone(b1), TestData.Clone(wa), TestData.Clone(ba), TestData.Clone(wm), TestData.Clone(bm), TestData.Clone(ws), TestData.Clone(bs) };
            double value = F();
            DiffGen.Tests.Check.Forward(value, NaturalRound23.MixtureDensityNllForward(x, y, w1, b1, wa, ba, wm, bm, ws, bs), "Forward");

            (double Value, double[] Gx, double[] Gy, double[] Gw1, double[] Gb1, double[,] Gwa, double[] Gba, double[,] Gwm, double[] Gbm, double[,] Gws, double[] Gbs) Back(double seed)
            {
                var g = (x: TestData.Garbage(x), y: TestData.Garbage(y), w1: TestData.Garbage(w1), b1: TestData.Garbage(b1), wa: TestData.Garbage(wa), ba: TestData.Garbage(ba),
                    wm: TestData.Garbage(wm), bm: TestData.Garbage(bm), ws: TestData.Garbage(ws), bs: TestData.Garbage(bs));
                double v = NaturalRound23.MixtureDensityNllBackward(x, y, w1, b1, wa, ba, wm, bm, ws, bs, g.x, g.y, g.w1, g.b1, g.wa, g.ba, g.wm, g.bm, g.ws, g.bs, seed);
                return (v, g.x, g.y, g.w1, g.b1, g.wa, g.ba, g.wm, g.bm, g.ws, g.bs);
            }

            var b = Back(1.0);
            DiffGen.Tests.Check.Forward(value, b.Value, "Backward value");
            var after = new object[] { x, y, w1, b1, wa, ba, wm, bm, ws, bs };
            for (int i = 0; i < after.Length; i++) Assert.Equal(((Array)before[i]).Cast<double>(), ((Array)after[i]).Cast<double>());
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(F, x), b.Gx, "dx");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(F, y), b.Gy, "dy");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(F, w1), b.Gw1, "dw1");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(F, b1), b.Gb1, "db1");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(F, wa), b.Gwa, "dwAlpha");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(F, ba), b.Gba, "dbAlpha");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(F, wm), b.Gwm, "dwMu");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(F, bm), b.Gbm, "dbMu");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(F, ws), b.Gws, "dwLogSigma");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(F, bs), b.Gbs, "dbLogSigma");

            const double seedValue = -2.5;
            var s = Back(seedValue);
            DiffGen.Tests.Check.Scaled(b.Gx, s.Gx, seedValue, "dx");
            DiffGen.Tests.Check.Scaled(b.Gy, s.Gy, seedValue, "dy");
            DiffGen.Tests.Check.Scaled(b.Gw1, s.Gw1, seedValue, "dw1");
            DiffGen.Tests.Check.Scaled(b.Gbs, s.Gbs, seedValue, "dbLogSigma");

            // slices of longer arrays, gradients into slices
            var bigX = new[] { 9.0 }.Concat(x).Concat(new[] { -9.0 }).ToArray();
            var bigY = new[] { 5.0, 5.0 }.Concat(y).ToArray();
            DiffGen.Tests.Check.Forward(value, NaturalRound23.MixtureDensityNllForward(bigX.AsSpan(1, x.Length), bigY.AsSpan(2), w1, b1, wa, ba, wm, bm, ws, bs), "Forward on slices");
            var gx = Enumerable.Repeat(double.NaN, x.Length + 2).ToArray();
            var gy = Enumerable.Repeat(double.NaN, y.Length + 1).ToArray();
            double sv = NaturalRound23.MixtureDensityNllBackward(bigX.AsSpan(1, x.Length), bigY.AsSpan(2), w1, b1, wa, ba, wm, bm, ws, bs,
                gx.AsSpan(1, x.Length), gy.AsSpan(0, y.Length), TestData.Garbage(w1), TestData.Garbage(b1), TestData.Garbage(wa), TestData.Garbage(ba),
                TestData.Garbage(wm), TestData.Garbage(bm), TestData.Garbage(ws), TestData.Garbage(bs));
            DiffGen.Tests.Check.Forward(value, sv, "Backward on slices");
            DiffGen.Tests.Check.Gradient(b.Gx, gx.Skip(1).Take(x.Length).ToArray(), "dx into a slice");
            DiffGen.Tests.Check.Gradient(b.Gy, gy.Take(y.Length).ToArray(), "dy into a slice");
            Assert.True(double.IsNaN(gx[0]) && double.IsNaN(gx[^1]) && double.IsNaN(gy[^1]), "Backward wrote outside the gradient slice");
        }

        [Fact]
        public void MixtureDensityNll_bad_input()
        {
            var (x, y, w1, b1, wa, ba, wm, bm, ws, bs) = Mdn();
            SpanBad<ArgumentException>(null,
                () => NaturalRound23.MixtureDensityNll(x, y.AsSpan(1), w1, b1, wa, ba, wm, bm, ws, bs),
                () => NaturalRound23.MixtureDensityNllForward(x, y.AsSpan(1), w1, b1, wa, ba, wm, bm, ws, bs),
                () => NaturalRound23.MixtureDensityNllBackward(x, y.AsSpan(1), w1, b1, wa, ba, wm, bm, ws, bs, new double[x.Length], new double[y.Length - 1],
                    new double[w1.Length], new double[b1.Length], new double[3, 6], new double[3], new double[3, 6], new double[3], new double[3, 6], new double[3]));
        }

        private static object?[] Byol()
        {
            var rng = new Random(606);
            const int batch = 4, inDim = 6, hidden = 8, projDim = 4;
            var view1 = new double[batch][];
            var view2 = new double[batch][];
            for (int i = 0; i < batch; i++)
            {
                var baseVec = Enumerable.Range(0, inDim).Select(_ => U(rng)).ToArray();
                view1[i] = baseVec.Select(v => v + U(rng, 0.2)).ToArray();
                view2[i] = baseVec.Select(v => 0.9 * v + U(rng, 0.2)).ToArray();
            }
            var encOnline = W(rng, hidden, inDim, 0.6);
            var projOnline = W(rng, projDim, hidden, 0.6);
            var predictor = W(rng, projDim, projDim, 0.6);
            var encTarget = new double[hidden, inDim];
            var projTarget = new double[projDim, hidden];
            for (int i = 0; i < hidden; i++) for (int j = 0; j < inDim; j++) encTarget[i, j] = encOnline[i, j] + U(rng, 0.05);
            for (int i = 0; i < projDim; i++) for (int j = 0; j < hidden; j++) projTarget[i, j] = projOnline[i, j] + U(rng, 0.05);
            return new object?[] { view1, view2, encOnline, projOnline, predictor, encTarget, projTarget };
        }

        [Fact] public void ByolLoss() => Check("ByolLoss", Byol());

        private static object?[] FocalDice(double gamma, double alpha, double diceWeight)
        {
            var rng = new Random(707);
            const int channels = 3, height = 6, width = 6;
            var features = new double[channels, height, width];
            var mask = new double[height, width];
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    double dy = y - 2.6, dx = x - 2.4;
                    bool inside = dx * dx + dy * dy < 4.5;
                    mask[y, x] = inside ? 1.0 : 0.0;
                    features[0, y, x] = (inside ? 1.0 : -1.0) + 0.5 * (rng.NextDouble() - 0.5);
                    features[1, y, x] = rng.NextDouble() - 0.5;
                    features[2, y, x] = 0.2 * x - 0.5 + 0.3 * (rng.NextDouble() - 0.5);
                }
            return new object?[] { features, mask, new[] { 0.8, -0.2, 0.15 }, -0.1, gamma, alpha, diceWeight };
        }

        [Theory]
        [InlineData(2.0, 0.25, 0.5)]
        [InlineData(1.5, 0.6, 0.0)]
        public void FocalDiceLoss(double gamma, double alpha, double diceWeight) => Check("FocalDiceLoss", FocalDice(gamma, alpha, diceWeight));

        private static object?[] Gumbel(NaturalRound23.Reduction reduction)
        {
            var rng = new Random(808);
            const int n = 5, k = 4;
            var logits = new double[n, k];
            var noise = new double[n, k];
            var cost = new double[n, k];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < k; j++)
                {
                    logits[i, j] = rng.NextDouble() * 2.0 - 1.0;
                    noise[i, j] = 0.05 + 0.9 * rng.NextDouble();
                    cost[i, j] = Math.Abs(i - j) + 0.3 * rng.NextDouble();
                }
            return new object?[] { logits, noise, cost, 0.7, 0.1, reduction };
        }

        [Theory]
        [InlineData(NaturalRound23.Reduction.Mean)]
        [InlineData(NaturalRound23.Reduction.Sum)]
        public void GumbelSoftmaxAssignmentLoss(NaturalRound23.Reduction reduction) => Check("GumbelSoftmaxAssignmentLoss", Gumbel(reduction));

        private static object?[] Vae(int epoch, int warmupEpochs)
        {
            var rng = new Random(909);
            const int batch = 4, dataDim = 8, latent = 2, hidden = 5;
            var x = new double[batch, dataDim];
            for (int i = 0; i < batch; i++)
                for (int d = 0; d < dataDim; d++)
                    x[i, d] = rng.NextDouble() < 0.4 ? 1.0 : 0.0;
            var mu = new double[batch, latent];
            var logVar = new double[batch, latent];
            var eps = new double[batch, latent];
            for (int i = 0; i < batch; i++)
                for (int l = 0; l < latent; l++)
                {
                    mu[i, l] = U(rng, 0.8);
                    logVar[i, l] = -1.0 + U(rng, 0.3);
                    eps[i, l] = Gauss(rng);
                }
            var wHidden = new double[hidden, latent];
            var bHidden = new double[hidden];
            for (int j = 0; j < hidden; j++) { for (int l = 0; l < latent; l++) wHidden[j, l] = U(rng); bHidden[j] = U(rng, 0.2); }
            var wOut = new double[dataDim, hidden];
            var bOut = new double[dataDim];
            for (int d = 0; d < dataDim; d++) { for (int j = 0; j < hidden; j++) wOut[d, j] = U(rng); bOut[d] = U(rng, 0.2); }
            return new object?[] { x, mu, logVar, eps, wHidden, bHidden, wOut, bOut, epoch, warmupEpochs };
        }

        [Theory]
        [InlineData(3, 10)]  // beta = 0.3, inside the ramp
        [InlineData(12, 10)] // beta = 1 after the warm-up
        [InlineData(0, 0)]   // no warm-up
        public void AnnealedVaeLoss(int epoch, int warmupEpochs) => Check("AnnealedVaeLoss", Vae(epoch, warmupEpochs));

        private static object?[] Sinkhorn(int maxIter, double tolerance)
        {
            var rng = new Random(1212);
            const int n = 6, m = 5;
            var source = new double[n, 2];
            var target = new double[m, 2];
            for (int i = 0; i < n; i++)
            {
                source[i, 0] = rng.NextDouble() - 0.5;
                source[i, 1] = rng.NextDouble() - 0.5;
            }
            for (int j = 0; j < m; j++)
            {
                double angle = 2.0 * Math.PI * j / m + 0.1;
                target[j, 0] = 0.3 + 0.6 * Math.Cos(angle);
                target[j, 1] = -0.2 + 0.6 * Math.Sin(angle);
            }
            return new object?[] { source, target, 0.1, maxIter, tolerance };
        }

        [Theory]
        [InlineData(50)]
        [InlineData(7)]
        public void SinkhornWassersteinLoss(int maxIter) => Check("SinkhornWassersteinLoss", Sinkhorn(maxIter, 1e-14));

        // ---- statistics ----

        private static object?[] Hierarchical(double mu)
        {
            var y = new[] { 28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0 };
            var sigma = new[] { 15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0 };
            var region = new[] { 0, 0, 1, 1, 1, 2, 2, 0 };
            var rng = new Random(1313);
            var regionRaw = new double[3];
            for (int r = 0; r < 3; r++) regionRaw[r] = rng.NextDouble() - 0.5;
            var schoolRaw = new double[8];
            for (int j = 0; j < 8; j++) schoolRaw[j] = 1.2 * (rng.NextDouble() - 0.5);
            return new object?[] { y, sigma, region, mu, Math.Log(2.0), Math.Log(3.5), regionRaw, schoolRaw };
        }

        [Fact] public void HierarchicalLogPosterior() => Check("HierarchicalLogPosterior", Hierarchical(6.5));

        private static object?[] Zip(int[] counts)
        {
            var rng = new Random(1414);
            const int n = 8, p = 3;
            var x = new double[n, p];
            for (int i = 0; i < n; i++)
            {
                x[i, 0] = 1.0;
                x[i, 1] = 2.0 * rng.NextDouble() - 1.0;
                x[i, 2] = rng.NextDouble();
            }
            return new object?[] { counts, x, new[] { 0.6, 0.4, -0.3 }, new[] { -0.8, 0.2, 0.5 } };
        }

        [Fact] public void ZeroInflatedPoissonNll() => Check("ZeroInflatedPoissonNll", Zip(new[] { 0, 3, 0, 1, 5, 0, 2, 0 }));

        [Fact] public void ZeroInflatedPoissonNll_no_zeros() => Check("ZeroInflatedPoissonNll", Zip(new[] { 4, 3, 1, 1, 5, 2, 2, 7 }));

        private static object?[] LocalLevel(double initialVariance)
        {
            var rng = new Random(1515);
            const int n = 24;
            var y = new double[n];
            double level = 11.0;
            for (int t = 0; t < n; t++)
            {
                level += 0.3 * (rng.NextDouble() - 0.5);
                y[t] = level + 0.8 * (rng.NextDouble() - 0.5);
            }
            y[7] = double.NaN;
            y[15] = double.NaN;
            return new object?[] { y, Math.Log(0.25), Math.Log(0.1), 0.0, initialVariance };
        }

        [Fact]
        public void LocalLevelLogLikelihood() => Check("LocalLevelLogLikelihood", LocalLevel(100.0));

        [Fact]
        public void LocalLevelLogLikelihood_diffuse_value()
        {
            // initialVariance 1e7 (the sample's): the user's first update cancels (p * (1 - gain) of ~1e7 * ~1e-8), so central
            // differences of the user's method are noise there; Forward and Backward must still give the user's value
            var a = LocalLevel(1e7);
            var y = (double[])a[0]!;
            double value = NaturalRound23.LocalLevelLogLikelihood(y, (double)a[1]!, (double)a[2]!, 0.0, 1e7);
            DiffGen.Tests.Check.Forward(value, NaturalRound23.LocalLevelLogLikelihoodForward(y, (double)a[1]!, (double)a[2]!, 0.0, 1e7), "Forward");
            DiffGen.Tests.Check.Forward(value, NaturalRound23.LocalLevelLogLikelihoodBackward(y, (double)a[1]!, (double)a[2]!, 0.0, 1e7, out _, out _), "Backward value");
        }

        private static object?[] Garch(double nu)
        {
            var rng = new Random(1616);
            const int n = 30;
            var returns = new double[n];
            double s2 = 1e-4, prev = 0.0;
            for (int t = 0; t < n; t++)
            {
                s2 = 2e-6 + 0.08 * prev * prev + 0.9 * s2;
                double u = rng.NextDouble() + rng.NextDouble() + rng.NextDouble() - 1.5;
                prev = Math.Sqrt(s2) * 2.0 * u;
                returns[t] = 0.0003 + prev;
            }
            return new object?[] { returns, Math.Log(2e-6), Math.Log(0.08 / 0.04), Math.Log(0.88 / 0.04), Math.Log(nu - 2.0), 0.0002 };
        }

        [Theory]
        [InlineData(6.6)] // the sample's nu = 7 sits where LogGamma's while (x < 7) changes trip count
        [InlineData(11.3)]
        public void GarchTNll(double nu) => Check("GarchTNll", Garch(nu));

        private static object?[] DirMult()
        {
            var rng = new Random(1717);
            const int n = 6, k = 4, p = 2;
            var covariates = new double[n, p];
            var counts = new int[n, k];
            for (int i = 0; i < n; i++)
            {
                covariates[i, 0] = 1.0;
                covariates[i, 1] = 2.0 * rng.NextDouble() - 1.0;
                for (int c = 0; c < k; c++) counts[i, c] = rng.Next(0, 9);
            }
            var coef = new double[k, p];
            for (int c = 0; c < k; c++)
            {
                coef[c, 0] = 0.5 + 0.3 * c;
                coef[c, 1] = 0.4 * (rng.NextDouble() - 0.5);
            }
            return new object?[] { counts, covariates, coef };
        }

        [Fact] public void DirichletMultinomialNll() => Check("DirichletMultinomialNll", DirMult());

        private static object?[] Copula()
        {
            var rng = new Random(1818);
            const int n = 8, d = 3;
            var u = new double[n, d];
            for (int i = 0; i < n; i++)
            {
                double common = rng.NextDouble();
                for (int j = 0; j < d; j++) u[i, j] = Math.Clamp(0.6 * common + 0.4 * rng.NextDouble(), 0.03, 0.97);
            }
            var lowerRaw = new double[d, d];
            lowerRaw[1, 0] = 0.5;
            lowerRaw[2, 0] = 0.4;
            lowerRaw[2, 1] = 0.3;
            return new object?[] { u, lowerRaw };
        }

        [Fact] public void GaussianCopulaNll() => Check("GaussianCopulaNll", Copula());

        // ---- physics and engineering ----

        private static object?[] SpringNet()
        {
            var rng = new Random(1919);
            const int cols = 3, rows = 3, n = cols * rows;
            var positions = new double[n, 2];
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++)
                {
                    int i = r * cols + c;
                    positions[i, 0] = c + 0.05 * (rng.NextDouble() - 0.5);
                    positions[i, 1] = -r - 0.05 * rng.NextDouble();
                }
            var springs = new (int A, int B)[]
            {
                (0, 1), (1, 2), (3, 4), (4, 5), (6, 7), (7, 8),
                (0, 3), (3, 6), (1, 4), (4, 7), (2, 5), (5, 8),
                (0, 4), (4, 8), (2, 4), (4, 6),
            };
            var restLengths = new double[springs.Length];
            for (int s = 0; s < springs.Length; s++)
            {
                var (a, b) = springs[s];
                bool diagonal = (a % cols != b % cols) && (a / cols != b / cols);
                restLengths[s] = diagonal ? Math.Sqrt(2.0) : 1.0;
            }
            var masses = new double[n];
            for (int i = 0; i < n; i++) masses[i] = 0.1 + 0.02 * i;
            return new object?[] { positions, springs, restLengths, 50.0, masses, 9.81, new[] { 0, 2 }, new double[,] { { 0.0, 0.0 }, { 2.0, 0.0 } } };
        }

        [Fact] public void SpringNetworkEnergy() => Check("SpringNetworkEnergy", SpringNet());

        private static object?[] Orbit(double maxStep)
        {
            var rng = new Random(2020);
            const int m = 8;
            var times = new double[m];
            var observed = new double[m, 2];
            for (int k = 0; k < m; k++)
            {
                times[k] = 0.25 * (k + 1);
                double angle = 1.05 * times[k];
                double radius = 1.0 + 0.05 * Math.Sin(angle);
                observed[k, 0] = radius * Math.Cos(angle) + 0.01 * (rng.NextDouble() - 0.5);
                observed[k, 1] = radius * Math.Sin(angle) + 0.01 * (rng.NextDouble() - 0.5);
            }
            return new object?[] { Math.Log(1.02), new[] { 1.0, 0.0, 0.02, 1.03 }, times, observed, maxStep };
        }

        [Theory]
        [InlineData(0.1)]
        [InlineData(0.3)] // steps shortened to land on each observation
        public void OrbitFitLoss(double maxStep) => Check("OrbitFitLoss", Orbit(maxStep));

        private static object?[] Heat(int steps, float smoothness)
        {
            var rng = new Random(2121);
            const int n = 8;
            float dx = 1f / (n - 1);
            var initial = new float[n];
            var observed = new float[n];
            var logKappa = new float[n];
            for (int i = 0; i < n; i++)
            {
                float x = i * dx;
                initial[i] = i == 0 ? 1f : (i == n - 1 ? 0f : MathF.Sin(MathF.PI * x) * 0.5f);
                observed[i] = (1f - x) * 0.7f + 0.3f * initial[i] + (float)(0.01 * (rng.NextDouble() - 0.5));
                logKappa[i] = MathF.Log(0.1f) + (float)(0.2 * (rng.NextDouble() - 0.5));
            }
            observed[0] = 1f;
            observed[n - 1] = 0f;
            return new object?[] { logKappa, initial, observed, steps, 0.02f, dx, smoothness };
        }

        [Theory]
        [InlineData(20, 0.05f)]
        [InlineData(7, 0.5f)]
        public void HeatDiffusivityLoss(int steps, float smoothness) => Check("HeatDiffusivityLoss", Heat(steps, smoothness));

        private static (double[] Times, double[] Measured) Rc()
        {
            var rng = new Random(2424);
            const int n = 8;
            const double r = 1e3, c = 1e-6, amplitude = 5.0;
            var times = new double[n];
            var measured = new double[n];
            for (int k = 0; k < n; k++)
            {
                times[k] = 0.5e-3 * (k + 1);
                measured[k] = amplitude * (1.0 - Math.Exp(-times[k] / (r * c))) + 0.02 * (rng.NextDouble() - 0.5);
            }
            return (times, measured);
        }

        [Theory]
        [InlineData(NaturalRound23.SourceWaveform.Step, 10)]
        [InlineData(NaturalRound23.SourceWaveform.Ramp, 10)]
        [InlineData(NaturalRound23.SourceWaveform.Sine, 4)]
        public void RcCircuitFitLoss(NaturalRound23.SourceWaveform waveform, int substeps)
        {
            // ReadOnlySpan<double> times and measured (not differentiated), scalar gradients logR and logC: by hand
            var (times, measured) = Rc();
            double logR = Math.Log(1.2e3), logC = Math.Log(0.9e-6);
            double F(double r, double c) => NaturalRound23.RcCircuitFitLoss(times, measured, r, c, 5.0, waveform, substeps);
            var before = (TestData.Clone(times), TestData.Clone(measured));
            double value = F(logR, logC);
            DiffGen.Tests.Check.Forward(value, NaturalRound23.RcCircuitFitLossForward(times, measured, logR, logC, 5.0, waveform, substeps), "Forward");
            double bv = NaturalRound23.RcCircuitFitLossBackward(times, measured, logR, logC, 5.0, waveform, substeps, out double gr, out double gc);
            DiffGen.Tests.Check.Forward(value, bv, "Backward value");
            Assert.Equal(before.Item1, times);
            Assert.Equal(before.Item2, measured);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(v => F(v, logC), logR), gr, "dlogR");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(v => F(logR, v), logC), gc, "dlogC");
            const double seed = -2.5;
            NaturalRound23.RcCircuitFitLossBackward(times, measured, logR, logC, 5.0, waveform, substeps, out double sr, out double sc, seed);
            DiffGen.Tests.Check.Scaled(new[] { gr, gc }, new[] { sr, sc }, seed, "dlogR, dlogC");

            // slices of longer arrays
            var bigTimes = new[] { 7.0 }.Concat(times).ToArray();
            var bigMeasured = measured.Concat(new[] { 7.0, 7.0 }).ToArray();
            DiffGen.Tests.Check.Forward(value, NaturalRound23.RcCircuitFitLossForward(bigTimes.AsSpan(1), bigMeasured.AsSpan(0, measured.Length), logR, logC, 5.0, waveform, substeps), "Forward on slices");
            NaturalRound23.RcCircuitFitLossBackward(bigTimes.AsSpan(1), bigMeasured.AsSpan(0, measured.Length), logR, logC, 5.0, waveform, substeps, out double lr, out double lc);
            DiffGen.Tests.Check.Gradient(new[] { gr, gc }, new[] { lr, lc }, "gradients on slices");
        }

        // ---- finance and imaging ----

        private static object?[] Binomial(double sigma, int steps)
        {
            var strikes = new[] { 90.0, 97.0, 104.0, 110.0, 95.0 };
            var maturities = new[] { 0.5, 0.25, 0.5, 1.0, 0.75 };
            var isCall = new[] { false, true, false, true, false };
            var marketPrices = new[] { 2.4, 6.6, 7.7, 7.3, 4.9 };
            return new object?[] { 100.3, 0.03, 0.01, strikes, maturities, isCall, marketPrices, sigma, steps };
        }

        [Theory]
        [InlineData(0.24, 40)]
        [InlineData(0.31, 15)]
        public void BinomialVolFitLoss(double sigma, int steps) => Check("BinomialVolFitLoss", Binomial(sigma, steps));

        private static object?[] RiskParity(double logit3)
        {
            var rng = new Random(2626);
            const int n = 5;
            var vols = new[] { 0.12, 0.18, 0.25, 0.08, 0.30 };
            var cov = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                {
                    double rho = i == j ? 1.0 : 0.2 + 0.1 * ((i + j) % 3);
                    cov[i, j] = rho * vols[i] * vols[j];
                }
            var logits = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
            logits[3] = logit3;
            return new object?[] { logits, cov, new[] { 0.2, 0.2, 0.2, 0.2, 0.2 }, 0.4, 10.0 };
        }

        [Theory]
        [InlineData(1.3)] // one weight above the cap
        [InlineData(0.1)] // none
        public void RiskParityObjective(double logit3) => Check("RiskParityObjective", RiskParity(logit3));

        private static object?[] Affine(double[] theta)
        {
            var rng = new Random(2727);
            const int h = 8, w = 8;
            var source = new double[h, w];
            var target = new double[h, w];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    source[y, x] = Math.Exp(-((x - 3.3) * (x - 3.3) + (y - 4.1) * (y - 4.1)) / 6.0) + 0.02 * rng.NextDouble();
                    target[y, x] = Math.Exp(-((x - 3.8) * (x - 3.8) + (y - 3.7) * (y - 3.7)) / 6.0) + 0.02 * rng.NextDouble();
                }
            return new object?[] { source, target, theta };
        }

        [Fact] public void AffineWarpLoss() => Check("AffineWarpLoss", Affine(new[] { 0.97, -0.06, -0.37, 0.05, 1.02, 0.31 }));

        // ------------------------------------------------------------ span bad input

        /// <summary>The span method, its Forward and its Backward throw <typeparamref name="TEx"/> (exactly) with one message and parameter name.</summary>
        private static void SpanBad<TEx>(string? paramName, Func<double> user, Func<double> forward, Func<double> backward) where TEx : Exception
        {
            var expected = Assert.Throws<TEx>(() => user());
            if (expected is ArgumentException ae) Assert.Equal(paramName, ae.ParamName);
            foreach (var call in new[] { forward, backward })
            {
                var e = Assert.Throws<TEx>(() => call());
                Assert.Equal(expected.Message, e.Message);
            }
        }

        // ------------------------------------------------------------ bad input

        /// <summary>
        /// The method, its Forward and its Backward (gradient buffers shaped like the inputs) throw <typeparamref name="TEx"/>
        /// (exactly) with one message; <paramref name="paramName"/> is the exception's ParamName (null: the original names none).
        /// </summary>
        private static void Bad<TEx>(string name, string? paramName, params object?[] inputs) where TEx : Exception =>
            MethodOracle.BadInput<TEx>(T, name, paramName, inputs);
    }
}
