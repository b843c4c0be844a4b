using System.Linq;
using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// For every corpus function: the generated XForward equals the user's X (<see cref="Check.ForwardTol"/>),
    /// XBackward returns the same value and gradients equal to central finite differences of the user's X
    /// (<see cref="Check.GradTol"/>; float functions: <see cref="Check.FloatGradTol"/> against the double
    /// twin), Backward with a seed scales every gradient by the seed, and Backward leaves its inputs alone.
    /// Gradient buffers start out NaN-filled, so an entry Backward does not overwrite fails the test.
    /// </summary>
    public class CorpusGradientTests
    {
        private const double Seed = -2.5;

        // ------------------------------------------------------------------ NT-Xent family

        [Fact]
        public void NtXent_ForwardBackwardAndSeed()
        {
            var rng = new Random(101);
            var zi = TestData.Matrix(rng, 4, 5);
            var zj = TestData.Matrix(rng, 4, 5);
            double tau = 0.5;
            var ziBefore = TestData.Clone(zi);
            var zjBefore = TestData.Clone(zj);

            double reference = NtXentCorpus.NtXent(zi, zj, tau);
            Check.Forward(reference, NtXentCorpus.NtXentForward(zi, zj, tau), "NtXentForward");

            var gzi = TestData.Garbage(zi);
            var gzj = TestData.Garbage(zj);
            double value = NtXentCorpus.NtXentBackward(zi, zj, tau, gzi, gzj, out double gtau);
            Check.Forward(reference, value, "NtXentBackward value");
            Check.Unchanged(ziBefore, zi, "zi");
            Check.Unchanged(zjBefore, zj, "zj");

            Check.Gradient(FiniteDiff.Gradient(() => NtXentCorpus.NtXent(zi, zj, tau), zi), gzi, "NtXent dzi");
            Check.Gradient(FiniteDiff.Gradient(() => NtXentCorpus.NtXent(zi, zj, tau), zj), gzj, "NtXent dzj");
            Check.Gradient(FiniteDiff.Derivative(t => NtXentCorpus.NtXent(zi, zj, t), tau), gtau, "NtXent dtau");

            var szi = TestData.Garbage(zi);
            var szj = TestData.Garbage(zj);
            double sValue = NtXentCorpus.NtXentBackward(zi, zj, tau, szi, szj, out double stau, Seed);
            Check.Forward(reference, sValue, "NtXentBackward value with seed (the primal, not scaled)");
            Check.Scaled(gzi, szi, Seed, "NtXent dzi");
            Check.Scaled(gzj, szj, Seed, "NtXent dzj");
            Check.Scaled(gtau, stau, Seed, "NtXent dtau");
        }

        [Fact]
        public void NtXent_SmallTemperatureLargerBatch()
        {
            var rng = new Random(102);
            var zi = TestData.Matrix(rng, 8, 6);
            var zj = TestData.Matrix(rng, 8, 6);
            double tau = 0.1;
            double reference = NtXentCorpus.NtXent(zi, zj, tau);
            var gzi = TestData.Garbage(zi);
            var gzj = TestData.Garbage(zj);
            double value = NtXentCorpus.NtXentBackward(zi, zj, tau, gzi, gzj, out double gtau);
            Check.Forward(reference, value, "NtXentBackward value");
            Check.Gradient(FiniteDiff.Gradient(() => NtXentCorpus.NtXent(zi, zj, tau), zi), gzi, "NtXent dzi");
            Check.Gradient(FiniteDiff.Gradient(() => NtXentCorpus.NtXent(zi, zj, tau), zj), gzj, "NtXent dzj");
            Check.Gradient(FiniteDiff.Derivative(t => NtXentCorpus.NtXent(zi, zj, t), tau), gtau, "NtXent dtau");
        }

        [Fact]
        public void CosineSimilarity_ForwardBackwardAndSeed()
        {
            var rng = new Random(103);
            var a = TestData.Vector(rng, 6);
            var b = TestData.Vector(rng, 6);
            double reference = NtXentCorpus.CosineSimilarity(a, b);
            Check.Forward(reference, NtXentCorpus.CosineSimilarityForward(a, b), "CosineSimilarityForward");
            var ga = TestData.Garbage(a);
            var gb = TestData.Garbage(b);
            Check.Forward(reference, NtXentCorpus.CosineSimilarityBackward(a, b, ga, gb), "CosineSimilarityBackward value");
            Check.Gradient(FiniteDiff.Gradient(() => NtXentCorpus.CosineSimilarity(a, b), a), ga, "CosineSimilarity da");
            Check.Gradient(FiniteDiff.Gradient(() => NtXentCorpus.CosineSimilarity(a, b), b), gb, "CosineSimilarity db");
            var sa = TestData.Garbage(a);
            var sb = TestData.Garbage(b);
            NtXentCorpus.CosineSimilarityBackward(a, b, sa, sb, Seed);
            Check.Scaled(ga, sa, Seed, "CosineSimilarity da");
            Check.Scaled(gb, sb, Seed, "CosineSimilarity db");
        }

        [Fact]
        public void NtXentJagged_ForwardBackwardAndSeed_MatchesTwoDimensional()
        {
            var rng = new Random(104);
            var zi2 = TestData.Matrix(rng, 4, 5);
            var zj2 = TestData.Matrix(rng, 4, 5);
            var zi = TestData.ToJagged(zi2);
            var zj = TestData.ToJagged(zj2);
            double tau = 0.5;
            var ziBefore = TestData.Clone(zi);

            double reference = NtXentCorpus.NtXentJagged(zi, zj, tau);
            Check.Near(NtXentCorpus.NtXent(zi2, zj2, tau), reference, 1e-12, "user NtXentJagged vs user NtXent");
            Check.Forward(reference, NtXentCorpus.NtXentJaggedForward(zi, zj, tau), "NtXentJaggedForward");

            var gzi = TestData.Garbage(zi);
            var gzj = TestData.Garbage(zj);
            double value = NtXentCorpus.NtXentJaggedBackward(zi, zj, tau, gzi, gzj, out double gtau);
            Check.Forward(reference, value, "NtXentJaggedBackward value");
            Check.Unchanged(ziBefore, zi, "zi");
            Check.Gradient(FiniteDiff.Gradient(() => NtXentCorpus.NtXentJagged(zi, zj, tau), zi), gzi, "NtXentJagged dzi");
            Check.Gradient(FiniteDiff.Gradient(() => NtXentCorpus.NtXentJagged(zi, zj, tau), zj), gzj, "NtXentJagged dzj");
            Check.Gradient(FiniteDiff.Derivative(t => NtXentCorpus.NtXentJagged(zi, zj, t), tau), gtau, "NtXentJagged dtau");

            var szi = TestData.Garbage(zi);
            var szj = TestData.Garbage(zj);
            NtXentCorpus.NtXentJaggedBackward(zi, zj, tau, szi, szj, out double stau, Seed);
            Check.Scaled(gzi, szi, Seed, "NtXentJagged dzi");
            Check.Scaled(gzj, szj, Seed, "NtXentJagged dzj");
            Check.Scaled(gtau, stau, Seed, "NtXentJagged dtau");
        }

        [Fact]
        public void NtXentF_ForwardBackwardAndSeed_AgainstDoubleTwin()
        {
            var rng = new Random(105);
            var zi = TestData.ToFloat(TestData.Matrix(rng, 4, 5));
            var zj = TestData.ToFloat(TestData.Matrix(rng, 4, 5));
            float tau = 0.5f;

            float reference = NtXentCorpus.NtXentF(zi, zj, tau);
            Check.Near(reference, NtXentCorpus.NtXentFForward(zi, zj, tau), Check.FloatForwardTol, "NtXentFForward");

            var gzi = TestData.Garbage(zi);
            var gzj = TestData.Garbage(zj);
            float value = NtXentCorpus.NtXentFBackward(zi, zj, tau, gzi, gzj, out float gtau);
            Check.Near(reference, value, Check.FloatForwardTol, "NtXentFBackward value");

            // the double twin is the double NT-Xent, at the float inputs widened exactly
            var dzi = TestData.ToDouble(zi);
            var dzj = TestData.ToDouble(zj);
            Check.Near(NtXentCorpus.NtXent(dzi, dzj, tau), reference, Check.FloatForwardTol, "NtXentF vs double twin");
            Check.Gradient(FiniteDiff.Gradient(() => NtXentCorpus.NtXent(dzi, dzj, tau), dzi), gzi, "NtXentF dzi");
            Check.Gradient(FiniteDiff.Gradient(() => NtXentCorpus.NtXent(dzi, dzj, tau), dzj), gzj, "NtXentF dzj");
            Check.Gradient(FiniteDiff.Derivative(t => NtXentCorpus.NtXent(dzi, dzj, t), tau), gtau, "NtXentF dtau", Check.FloatGradTol);

            // seed -2 is a power of two: scaling commutes with float rounding
            var szi = TestData.Garbage(zi);
            var szj = TestData.Garbage(zj);
            NtXentCorpus.NtXentFBackward(zi, zj, tau, szi, szj, out float stau, -2f);
            Check.Scaled(TestData.ToDouble(gzi), TestData.ToDouble(szi), -2.0, "NtXentF dzi", 1e-6);
            Check.Scaled(TestData.ToDouble(gzj), TestData.ToDouble(szj), -2.0, "NtXentF dzj", 1e-6);
            Check.Scaled(gtau, stau, -2.0, "NtXentF dtau", 1e-6);
        }

        [Fact]
        public void ProjectedNtXent_RestrictedToW()
        {
            var rng = new Random(106);
            var xi = TestData.Matrix(rng, 4, 6);
            var xj = TestData.Matrix(rng, 4, 6);
            var w = TestData.Matrix(rng, 6, 3, 0.5);
            double tau = 0.3;

            double reference = NtXentCorpus.ProjectedNtXent(xi, xj, w, tau);
            Check.Forward(reference, NtXentCorpus.ProjectedNtXentForward(xi, xj, w, tau), "ProjectedNtXentForward");

            // restricted: the only gradient argument is wGrad
            var gw = TestData.Garbage(w);
            double value = NtXentCorpus.ProjectedNtXentBackward(xi, xj, w, tau, gw);
            Check.Forward(reference, value, "ProjectedNtXentBackward value");
            Check.Gradient(FiniteDiff.Gradient(() => NtXentCorpus.ProjectedNtXent(xi, xj, w, tau), w), gw, "ProjectedNtXent dw");

            var sw = TestData.Garbage(w);
            NtXentCorpus.ProjectedNtXentBackward(xi, xj, w, tau, sw, Seed);
            Check.Scaled(gw, sw, Seed, "ProjectedNtXent dw");

            // the projection is a function of z only: with w = identity-like it is the plain NT-Xent of the inputs
            var eye = new double[6, 6];
            for (int i = 0; i < 6; i++) eye[i, i] = 1.0;
            Check.Near(NtXentCorpus.NtXent(xi, xj, tau), NtXentCorpus.ProjectedNtXent(xi, xj, eye, tau), 1e-12, "ProjectedNtXent(I) vs NtXent");
        }

        // ------------------------------------------------------------------ classification

        [Fact]
        public void SoftmaxCrossEntropy_ForwardBackwardAndSeed()
        {
            var rng = new Random(201);
            var x = TestData.Matrix(rng, 5, 4);
            var w = TestData.Matrix(rng, 4, 3);
            var labels = new[] { 0, 2, 1, 1, 0 };
            var labelsBefore = (int[])labels.Clone();

            double reference = Classification.SoftmaxCrossEntropy(x, w, labels);
            Check.Forward(reference, Classification.SoftmaxCrossEntropyForward(x, w, labels), "SoftmaxCrossEntropyForward");
            var gx = TestData.Garbage(x);
            var gw = TestData.Garbage(w);
            Check.Forward(reference, Classification.SoftmaxCrossEntropyBackward(x, w, labels, gx, gw), "SoftmaxCrossEntropyBackward value");
            Assert.Equal(labelsBefore, labels);
            Check.Gradient(FiniteDiff.Gradient(() => Classification.SoftmaxCrossEntropy(x, w, labels), x), gx, "SoftmaxCrossEntropy dx");
            Check.Gradient(FiniteDiff.Gradient(() => Classification.SoftmaxCrossEntropy(x, w, labels), w), gw, "SoftmaxCrossEntropy dw");

            var sx = TestData.Garbage(x);
            var sw = TestData.Garbage(w);
            Classification.SoftmaxCrossEntropyBackward(x, w, labels, sx, sw, Seed);
            Check.Scaled(gx, sx, Seed, "SoftmaxCrossEntropy dx");
            Check.Scaled(gw, sw, Seed, "SoftmaxCrossEntropy dw");
        }

        [Fact]
        public void TripletLoss_ForwardBackwardAndSeed()
        {
            var rng = new Random(202);
            var a = TestData.Matrix(rng, 6, 4);
            var p = TestData.Matrix(rng, 6, 4);
            var n = TestData.Matrix(rng, 6, 4);
            double margin = 1.0;
            // test-data guard: no triplet sits on the hinge, and both sides of it occur
            int active = 0;
            for (int i = 0; i < 6; i++)
            {
                double dp = 0, dn = 0;
                for (int k = 0; k < 4; k++)
                {
                    dp += (a[i, k] - p[i, k]) * (a[i, k] - p[i, k]);
                    dn += (a[i, k] - n[i, k]) * (a[i, k] - n[i, k]);
                }
                Assert.True(Math.Abs(dp - dn + margin) > 1e-3, "test data lies on the hinge; choose another seed");
                if (dp - dn + margin > 0) active++;
            }
            Assert.InRange(active, 1, 5);

            double reference = Classification.TripletLoss(a, p, n, margin);
            Check.Forward(reference, Classification.TripletLossForward(a, p, n, margin), "TripletLossForward");
            var ga = TestData.Garbage(a);
            var gp = TestData.Garbage(p);
            var gn = TestData.Garbage(n);
            Check.Forward(reference, Classification.TripletLossBackward(a, p, n, margin, ga, gp, gn, out double gm), "TripletLossBackward value");
            Check.Gradient(FiniteDiff.Gradient(() => Classification.TripletLoss(a, p, n, margin), a), ga, "TripletLoss danchor");
            Check.Gradient(FiniteDiff.Gradient(() => Classification.TripletLoss(a, p, n, margin), p), gp, "TripletLoss dpositive");
            Check.Gradient(FiniteDiff.Gradient(() => Classification.TripletLoss(a, p, n, margin), n), gn, "TripletLoss dnegative");
            Check.Gradient(FiniteDiff.Derivative(m => Classification.TripletLoss(a, p, n, m), margin), gm, "TripletLoss dmargin");

            var sa = TestData.Garbage(a);
            var sp = TestData.Garbage(p);
            var sn = TestData.Garbage(n);
            Classification.TripletLossBackward(a, p, n, margin, sa, sp, sn, out double sm, Seed);
            Check.Scaled(ga, sa, Seed, "TripletLoss danchor");
            Check.Scaled(gp, sp, Seed, "TripletLoss dpositive");
            Check.Scaled(gn, sn, Seed, "TripletLoss dnegative");
            Check.Scaled(gm, sm, Seed, "TripletLoss dmargin");
        }

        [Fact]
        public void ClipLoss_ForwardBackwardAndSeed()
        {
            var rng = new Random(203);
            var img = TestData.Matrix(rng, 4, 5);
            var txt = TestData.Matrix(rng, 4, 5);
            double logScale = 1.2;

            double reference = Classification.ClipLoss(img, txt, logScale);
            Check.Forward(reference, Classification.ClipLossForward(img, txt, logScale), "ClipLossForward");
            var gi = TestData.Garbage(img);
            var gt = TestData.Garbage(txt);
            Check.Forward(reference, Classification.ClipLossBackward(img, txt, logScale, gi, gt, out double gs), "ClipLossBackward value");
            Check.Gradient(FiniteDiff.Gradient(() => Classification.ClipLoss(img, txt, logScale), img), gi, "ClipLoss dimg");
            Check.Gradient(FiniteDiff.Gradient(() => Classification.ClipLoss(img, txt, logScale), txt), gt, "ClipLoss dtxt");
            Check.Gradient(FiniteDiff.Derivative(s => Classification.ClipLoss(img, txt, s), logScale), gs, "ClipLoss dlogScale");

            var si = TestData.Garbage(img);
            var st = TestData.Garbage(txt);
            Classification.ClipLossBackward(img, txt, logScale, si, st, out double ss, Seed);
            Check.Scaled(gi, si, Seed, "ClipLoss dimg");
            Check.Scaled(gt, st, Seed, "ClipLoss dtxt");
            Check.Scaled(gs, ss, Seed, "ClipLoss dlogScale");
        }

        [Fact]
        public void LogSumExp_ForwardBackwardAndSeed_IsSoftmax()
        {
            var rng = new Random(204);
            var x = TestData.Vector(rng, 7, 2.0);
            double reference = Classification.LogSumExp(x);
            Check.Forward(reference, Classification.LogSumExpForward(x), "LogSumExpForward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, Classification.LogSumExpBackward(x, gx), "LogSumExpBackward value");
            Check.Gradient(FiniteDiff.Gradient(() => Classification.LogSumExp(x), x), gx, "LogSumExp dx");
            // the gradient of log-sum-exp is the softmax (the max shift has zero net derivative)
            var softmax = new double[x.Length];
            for (int i = 0; i < x.Length; i++) softmax[i] = Math.Exp(x[i] - reference);
            Check.Gradient(softmax, gx, "LogSumExp dx vs softmax", 1e-12);

            var sx = TestData.Garbage(x);
            Classification.LogSumExpBackward(x, sx, Seed);
            Check.Scaled(gx, sx, Seed, "LogSumExp dx");

            // large inputs: the max trick keeps the value and the gradient finite
            var big = TestData.Scale(x, 400.0);
            var gbig = TestData.Garbage(big);
            double vbig = Classification.LogSumExpBackward(big, gbig);
            Check.Forward(Classification.LogSumExp(big), vbig, "LogSumExpBackward value, large inputs");
            Assert.True(double.IsFinite(vbig), "LogSumExp of large inputs must be finite");
            double total = 0;
            foreach (var g in gbig)
            {
                Assert.True(double.IsFinite(g), "LogSumExp gradient of large inputs must be finite");
                total += g;
            }
            Check.Near(1.0, total, 1e-12, "sum of softmax");
        }

        // ------------------------------------------------------------------ networks

        [Fact]
        public void MlpMse_ForwardBackwardAndSeed()
        {
            var rng = new Random(301);
            var x = TestData.Matrix(rng, 5, 3);
            var w1 = TestData.Matrix(rng, 3, 4, 0.7);
            var b1 = TestData.Vector(rng, 4, 0.3);
            var w2 = TestData.Matrix(rng, 4, 2, 0.7);
            var b2 = TestData.Vector(rng, 2, 0.3);
            var target = TestData.Matrix(rng, 5, 2);
            Func<double> f = () => Networks.MlpMse(x, w1, b1, w2, b2, target);

            double reference = f();
            Check.Forward(reference, Networks.MlpMseForward(x, w1, b1, w2, b2, target), "MlpMseForward");
            var gx = TestData.Garbage(x);
            var gw1 = TestData.Garbage(w1);
            var gb1 = TestData.Garbage(b1);
            var gw2 = TestData.Garbage(w2);
            var gb2 = TestData.Garbage(b2);
            var gt = TestData.Garbage(target);
            Check.Forward(reference, Networks.MlpMseBackward(x, w1, b1, w2, b2, target, gx, gw1, gb1, gw2, gb2, gt), "MlpMseBackward value");
            Check.Gradient(FiniteDiff.Gradient(f, x), gx, "MlpMse dx");
            Check.Gradient(FiniteDiff.Gradient(f, w1), gw1, "MlpMse dw1");
            Check.Gradient(FiniteDiff.Gradient(f, b1), gb1, "MlpMse db1");
            Check.Gradient(FiniteDiff.Gradient(f, w2), gw2, "MlpMse dw2");
            Check.Gradient(FiniteDiff.Gradient(f, b2), gb2, "MlpMse db2");
            Check.Gradient(FiniteDiff.Gradient(f, target), gt, "MlpMse dtarget");

            var sx = TestData.Garbage(x);
            var sw1 = TestData.Garbage(w1);
            var sb1 = TestData.Garbage(b1);
            var sw2 = TestData.Garbage(w2);
            var sb2 = TestData.Garbage(b2);
            var st = TestData.Garbage(target);
            Networks.MlpMseBackward(x, w1, b1, w2, b2, target, sx, sw1, sb1, sw2, sb2, st, Seed);
            Check.Scaled(gx, sx, Seed, "MlpMse dx");
            Check.Scaled(gw1, sw1, Seed, "MlpMse dw1");
            Check.Scaled(gb1, sb1, Seed, "MlpMse db1");
            Check.Scaled(gw2, sw2, Seed, "MlpMse dw2");
            Check.Scaled(gb2, sb2, Seed, "MlpMse db2");
            Check.Scaled(gt, st, Seed, "MlpMse dtarget");
        }

        [Fact]
        public void LeakyReluRegression_ForwardBackwardAndSeed()
        {
            var rng = new Random(302);
            var x = TestData.Matrix(rng, 6, 3);
            var w = TestData.Vector(rng, 3);
            var y = TestData.Vector(rng, 6);
            double slope = 0.1;
            // test-data guard: both branches of the ternary occur, none at the kink
            int positive = 0;
            for (int i = 0; i < 6; i++)
            {
                double z = 0;
                for (int k = 0; k < 3; k++) z += x[i, k] * w[k];
                Assert.True(Math.Abs(z) > 1e-3, "test data at the ReLU kink; choose another seed");
                if (z > 0) positive++;
            }
            Assert.InRange(positive, 1, 5);

            Func<double> f = () => Networks.LeakyReluRegression(x, w, y, slope);
            double reference = f();
            Check.Forward(reference, Networks.LeakyReluRegressionForward(x, w, y, slope), "LeakyReluRegressionForward");
            var gx = TestData.Garbage(x);
            var gw = TestData.Garbage(w);
            var gy = TestData.Garbage(y);
            Check.Forward(reference, Networks.LeakyReluRegressionBackward(x, w, y, slope, gx, gw, gy, out double gs), "LeakyReluRegressionBackward value");
            Check.Gradient(FiniteDiff.Gradient(f, x), gx, "LeakyReluRegression dx");
            Check.Gradient(FiniteDiff.Gradient(f, w), gw, "LeakyReluRegression dw");
            Check.Gradient(FiniteDiff.Gradient(f, y), gy, "LeakyReluRegression dy");
            Check.Gradient(FiniteDiff.Derivative(s => Networks.LeakyReluRegression(x, w, y, s), slope), gs, "LeakyReluRegression dslope");

            var sx = TestData.Garbage(x);
            var sw = TestData.Garbage(w);
            var sy = TestData.Garbage(y);
            Networks.LeakyReluRegressionBackward(x, w, y, slope, sx, sw, sy, out double ss, Seed);
            Check.Scaled(gx, sx, Seed, "LeakyReluRegression dx");
            Check.Scaled(gw, sw, Seed, "LeakyReluRegression dw");
            Check.Scaled(gy, sy, Seed, "LeakyReluRegression dy");
            Check.Scaled(gs, ss, Seed, "LeakyReluRegression dslope");
        }

        [Fact]
        public void LayerNormInPlace_ForwardBackwardAndSeed()
        {
            var rng = new Random(303);
            var x = TestData.Vector(rng, 6, 2.0);
            var gamma = TestData.Vector(rng, 6);
            var beta = TestData.Vector(rng, 6, 0.5);
            var xBefore = TestData.Clone(x);
            Func<double> f = () => Networks.LayerNormInPlace(x, gamma, beta);

            double reference = f();
            Check.Forward(reference, Networks.LayerNormInPlaceForward(x, gamma, beta), "LayerNormInPlaceForward");
            var gx = TestData.Garbage(x);
            var gg = TestData.Garbage(gamma);
            var gb = TestData.Garbage(beta);
            Check.Forward(reference, Networks.LayerNormInPlaceBackward(x, gamma, beta, gx, gg, gb), "LayerNormInPlaceBackward value");
            Check.Unchanged(xBefore, x, "x (the method works on a local copy)");
            Check.Gradient(FiniteDiff.Gradient(f, x), gx, "LayerNormInPlace dx");
            Check.Gradient(FiniteDiff.Gradient(f, gamma), gg, "LayerNormInPlace dgamma");
            Check.Gradient(FiniteDiff.Gradient(f, beta), gb, "LayerNormInPlace dbeta");

            var sx = TestData.Garbage(x);
            var sg = TestData.Garbage(gamma);
            var sb = TestData.Garbage(beta);
            Networks.LayerNormInPlaceBackward(x, gamma, beta, sx, sg, sb, Seed);
            Check.Scaled(gx, sx, Seed, "LayerNormInPlace dx");
            Check.Scaled(gg, sg, Seed, "LayerNormInPlace dgamma");
            Check.Scaled(gb, sb, Seed, "LayerNormInPlace dbeta");
        }

        // ------------------------------------------------------------------ helpers and calls

        [Fact]
        public void Dot_ForwardBackwardAndSeed()
        {
            var rng = new Random(401);
            var a = TestData.Vector(rng, 5);
            var b = TestData.Vector(rng, 5);
            double reference = Helpers.Dot(a, b);
            Check.Forward(reference, Helpers.DotForward(a, b), "DotForward");
            var ga = TestData.Garbage(a);
            var gb = TestData.Garbage(b);
            Check.Forward(reference, Helpers.DotBackward(a, b, ga, gb), "DotBackward value");
            Check.Gradient(b, ga, "Dot da = b", 1e-15);
            Check.Gradient(a, gb, "Dot db = a", 1e-15);
            var sa = TestData.Garbage(a);
            var sb = TestData.Garbage(b);
            Helpers.DotBackward(a, b, sa, sb, Seed);
            Check.Scaled(ga, sa, Seed, "Dot da");
            Check.Scaled(gb, sb, Seed, "Dot db");
        }

        [Fact]
        public void SquaredNorm_AliasedHelperCall()
        {
            var rng = new Random(402);
            var a = TestData.Vector(rng, 5);
            double reference = Helpers.SquaredNorm(a);
            Check.Forward(reference, Helpers.SquaredNormForward(a), "SquaredNormForward");
            var ga = TestData.Garbage(a);
            Check.Forward(reference, Helpers.SquaredNormBackward(a, ga), "SquaredNormBackward value");
            // Dot(a, a): both adjoints land in the same buffer, d|a|^2/da = 2a
            Check.Gradient(TestData.Scale(a, 2.0), ga, "SquaredNorm da = 2a", 1e-15);
            Check.Gradient(FiniteDiff.Gradient(() => Helpers.SquaredNorm(a), a), ga, "SquaredNorm da");
            var sa = TestData.Garbage(a);
            Helpers.SquaredNormBackward(a, sa, Seed);
            Check.Scaled(ga, sa, Seed, "SquaredNorm da");
        }

        [Fact]
        public void Softplus_ScalarOutGradient()
        {
            foreach (double x in new[] { -3.0, -0.2, 0.0, 0.9, 25.0 })
            {
                double reference = Helpers.Softplus(x);
                Check.Forward(reference, Helpers.SoftplusForward(x), "SoftplusForward");
                Check.Forward(reference, Helpers.SoftplusBackward(x, out double gx), "SoftplusBackward value");
                Check.Gradient(FiniteDiff.Derivative(Helpers.Softplus, x), gx, $"Softplus d/dx at {x}");
                Check.Near(1.0 / (1.0 + Math.Exp(-x)), gx, 1e-14, $"Softplus' = sigmoid at {x}");
                Helpers.SoftplusBackward(x, out double sx, Seed);
                Check.Scaled(gx, sx, Seed, "Softplus dx");
            }
        }

        [Fact]
        public void PairwiseEnergy_HelperCallsOnJaggedRows()
        {
            var rng = new Random(403);
            var z = TestData.Jagged(rng, 4, 3);
            var w = TestData.Vector(rng, 4);
            var zBefore = TestData.Clone(z);
            Func<double> f = () => Helpers.PairwiseEnergy(z, w);

            double reference = f();
            Check.Forward(reference, Helpers.PairwiseEnergyForward(z, w), "PairwiseEnergyForward");
            var gz = TestData.Garbage(z);
            var gw = TestData.Garbage(w);
            Check.Forward(reference, Helpers.PairwiseEnergyBackward(z, w, gz, gw), "PairwiseEnergyBackward value");
            Check.Unchanged(zBefore, z, "z");
            Check.Gradient(FiniteDiff.Gradient(f, z), gz, "PairwiseEnergy dz");
            Check.Gradient(FiniteDiff.Gradient(f, w), gw, "PairwiseEnergy dw");

            var sz = TestData.Garbage(z);
            var sw = TestData.Garbage(w);
            Helpers.PairwiseEnergyBackward(z, w, sz, sw, Seed);
            Check.Scaled(gz, sz, Seed, "PairwiseEnergy dz");
            Check.Scaled(gw, sw, Seed, "PairwiseEnergy dw");
        }

        [Fact]
        public void JaggedQuadratic_RaggedRows()
        {
            var rng = new Random(404);
            var a = new[] { TestData.Vector(rng, 2), TestData.Vector(rng, 4), TestData.Vector(rng, 3) };
            var v = TestData.Vector(rng, 4);
            Func<double> f = () => Helpers.JaggedQuadratic(a, v);

            double reference = f();
            Check.Forward(reference, Helpers.JaggedQuadraticForward(a, v), "JaggedQuadraticForward");
            var ga = TestData.Garbage(a);
            var gv = TestData.Garbage(v);
            Check.Forward(reference, Helpers.JaggedQuadraticBackward(a, v, ga, gv), "JaggedQuadraticBackward value");
            Check.Gradient(FiniteDiff.Gradient(f, a), ga, "JaggedQuadratic da");
            Check.Gradient(FiniteDiff.Gradient(f, v), gv, "JaggedQuadratic dv");

            var sa = TestData.Garbage(a);
            var sv = TestData.Garbage(v);
            Helpers.JaggedQuadraticBackward(a, v, sa, sv, Seed);
            Check.Scaled(ga, sa, Seed, "JaggedQuadratic da");
            Check.Scaled(gv, sv, Seed, "JaggedQuadratic dv");
        }

        [Fact]
        public void JaggedPairSoftmax_GemmOverJaggedRows()
        {
            var rng = new Random(405);
            // ragged rows, all at least d = 3 long: only the first 3 entries count (and get gradients)
            var x = new[] { TestData.Vector(rng, 3), TestData.Vector(rng, 5), TestData.Vector(rng, 4), TestData.Vector(rng, 3) };
            var y = new[] { TestData.Vector(rng, 4), TestData.Vector(rng, 3), TestData.Vector(rng, 3) };
            const int d = 3;
            const double tau = 0.7;
            Func<double> f = () => Helpers.JaggedPairSoftmax(x, y, d, tau);

            double reference = f();
            Check.Forward(reference, Helpers.JaggedPairSoftmaxForward(x, y, d, tau), "JaggedPairSoftmaxForward");
            var gx = TestData.Garbage(x);
            var gy = TestData.Garbage(y);
            Check.Forward(reference, Helpers.JaggedPairSoftmaxBackward(x, y, d, tau, gx, gy, out double gtau), "JaggedPairSoftmaxBackward value");
            Check.Gradient(FiniteDiff.Gradient(f, x), gx, "JaggedPairSoftmax dx");
            Check.Gradient(FiniteDiff.Gradient(f, y), gy, "JaggedPairSoftmax dy");
            Assert.Equal(0.0, gx[1][3]); // beyond d: no influence
            Assert.Equal(0.0, gx[1][4]);

            // the same rows twice (a Gram matrix of x): both contributions land in one gradient
            Func<double> g = () => Helpers.JaggedPairSoftmax(x, x, d, tau);
            var gxx = TestData.Garbage(x);
            var gxx2 = TestData.Garbage(x);
            Helpers.JaggedPairSoftmaxBackward(x, x, d, tau, gxx, gxx2, out _);
            var sum = x.Select((row, i) => row.Select((_, k) => gxx[i][k] + gxx2[i][k]).ToArray()).ToArray();
            Check.Gradient(FiniteDiff.Gradient(g, x), sum, "JaggedPairSoftmax Gram dx");

            // a row shorter than d: the same exception as the loop
            var shortRows = new[] { TestData.Vector(rng, 3), TestData.Vector(rng, 2) };
            Assert.Throws<IndexOutOfRangeException>(() => Helpers.JaggedPairSoftmax(shortRows, y, d, tau));
            Assert.Throws<IndexOutOfRangeException>(() => Helpers.JaggedPairSoftmaxForward(shortRows, y, d, tau));
        }

        // ------------------------------------------------------------------ elementwise, control flow, loops

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void Huber_IfElseOnValues(bool mean)
        {
            var rng = new Random(501);
            var pred = TestData.Vector(rng, 8);
            var target = TestData.Vector(rng, 8);
            double delta = 1.5;
            int quadratic = 0;
            for (int i = 0; i < 8; i++)
            {
                double ad = Math.Abs(pred[i] - target[i]);
                Assert.True(Math.Abs(ad - delta) > 1e-3 && ad > 1e-3, "test data at a Huber kink; choose another seed");
                if (ad <= delta) quadratic++;
            }
            Assert.InRange(quadratic, 1, 7);
            Func<double> f = () => Elementwise.Huber(pred, target, delta, mean);

            double reference = f();
            Check.Forward(reference, Elementwise.HuberForward(pred, target, delta, mean), "HuberForward");
            var gp = TestData.Garbage(pred);
            var gt = TestData.Garbage(target);
            Check.Forward(reference, Elementwise.HuberBackward(pred, target, delta, mean, gp, gt, out double gd), "HuberBackward value");
            Check.Gradient(FiniteDiff.Gradient(f, pred), gp, "Huber dpred");
            Check.Gradient(FiniteDiff.Gradient(f, target), gt, "Huber dtarget");
            Check.Gradient(FiniteDiff.Derivative(d => Elementwise.Huber(pred, target, d, mean), delta), gd, "Huber ddelta");

            var sp = TestData.Garbage(pred);
            var st = TestData.Garbage(target);
            Elementwise.HuberBackward(pred, target, delta, mean, sp, st, out double sd, Seed);
            Check.Scaled(gp, sp, Seed, "Huber dpred");
            Check.Scaled(gt, st, Seed, "Huber dtarget");
            Check.Scaled(gd, sd, Seed, "Huber ddelta");
        }

        [Fact]
        public void MaskedMse_Continue()
        {
            var rng = new Random(502);
            var pred = TestData.Vector(rng, 8);
            var target = TestData.Vector(rng, 8);
            for (int i = 0; i < 8; i++) target[i] = Math.Clamp(target[i], -2.5, 2.5);
            target[3] = 3.5; // skipped by the value test
            var mask = new[] { 1, 0, 1, 1, 0, 1, 1, 1 };
            Func<double> f = () => Elementwise.MaskedMse(pred, target, mask);

            double reference = f();
            Check.Forward(reference, Elementwise.MaskedMseForward(pred, target, mask), "MaskedMseForward");
            var gp = TestData.Garbage(pred);
            var gt = TestData.Garbage(target);
            Check.Forward(reference, Elementwise.MaskedMseBackward(pred, target, mask, gp, gt), "MaskedMseBackward value");
            Check.Gradient(FiniteDiff.Gradient(f, pred), gp, "MaskedMse dpred");
            Check.Gradient(FiniteDiff.Gradient(f, target), gt, "MaskedMse dtarget");
            // skipped entries have an exact zero gradient (not NaN, not left over)
            foreach (int i in new[] { 1, 3, 4 })
            {
                Assert.Equal(0.0, gp[i]);
                Assert.Equal(0.0, gt[i]);
            }

            var sp = TestData.Garbage(pred);
            var st = TestData.Garbage(target);
            Elementwise.MaskedMseBackward(pred, target, mask, sp, st, Seed);
            Check.Scaled(gp, sp, Seed, "MaskedMse dpred");
            Check.Scaled(gt, st, Seed, "MaskedMse dtarget");
        }

        [Fact]
        public void Intrinsics_PowSqrtLogCosSinMinAbsExp()
        {
            var rng = new Random(503);
            var x = TestData.Vector(rng, 6);
            double p = 1.3;
            foreach (double v in x)
            {
                Assert.True(Math.Abs(v) > 1e-3 && Math.Abs(v - 0.25) > 1e-3, "test data at an Abs/Min kink; choose another seed");
            }
            Func<double> f = () => Elementwise.Intrinsics(x, p);

            double reference = f();
            Check.Forward(reference, Elementwise.IntrinsicsForward(x, p), "IntrinsicsForward");
            var gx = TestData.Garbage(x);
            Check.Forward(reference, Elementwise.IntrinsicsBackward(x, p, gx, out double gp), "IntrinsicsBackward value");
            Check.Gradient(FiniteDiff.Gradient(f, x), gx, "Intrinsics dx");
            Check.Gradient(FiniteDiff.Derivative(q => Elementwise.Intrinsics(x, q), p), gp, "Intrinsics dp");

            var sx = TestData.Garbage(x);
            Elementwise.IntrinsicsBackward(x, p, sx, out double sp, Seed);
            Check.Scaled(gx, sx, Seed, "Intrinsics dx");
            Check.Scaled(gp, sp, Seed, "Intrinsics dp");
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(12)]
        public void IteratedSin_RunningValueReassigned(int steps)
        {
            double x0 = 0.7;
            double a = 1.3;
            double reference = Elementwise.IteratedSin(x0, a, steps);
            Check.Forward(reference, Elementwise.IteratedSinForward(x0, a, steps), "IteratedSinForward");
            Check.Forward(reference, Elementwise.IteratedSinBackward(x0, a, steps, out double gx0, out double ga), "IteratedSinBackward value");
            Check.Gradient(FiniteDiff.Derivative(v => Elementwise.IteratedSin(v, a, steps), x0), gx0, $"IteratedSin dx0 ({steps} steps)");
            Check.Gradient(FiniteDiff.Derivative(v => Elementwise.IteratedSin(x0, v, steps), a), ga, $"IteratedSin da ({steps} steps)");
            if (steps == 0)
            {
                Assert.Equal(1.0, gx0);
                Assert.Equal(0.0, ga);
            }
            Elementwise.IteratedSinBackward(x0, a, steps, out double sx0, out double sa, Seed);
            Check.Scaled(gx0, sx0, Seed, "IteratedSin dx0");
            Check.Scaled(ga, sa, Seed, "IteratedSin da");
        }

        [Fact]
        public void LoopForms_CountersAndUpdates()
        {
            var rng = new Random(504);
            var x = TestData.Vector(rng, 7);
            var m = TestData.Matrix(rng, 3, 4);
            Func<double> f = () => Elementwise.LoopForms(x, m);

            double reference = f();
            Check.Forward(reference, Elementwise.LoopFormsForward(x, m), "LoopFormsForward");
            var gx = TestData.Garbage(x);
            var gm = TestData.Garbage(m);
            Check.Forward(reference, Elementwise.LoopFormsBackward(x, m, gx, gm), "LoopFormsBackward value");
            Check.Gradient(FiniteDiff.Gradient(f, x), gx, "LoopForms dx");
            Check.Gradient(FiniteDiff.Gradient(f, m), gm, "LoopForms dm");

            var sx = TestData.Garbage(x);
            var sm = TestData.Garbage(m);
            Elementwise.LoopFormsBackward(x, m, sx, sm, Seed);
            Check.Scaled(gx, sx, Seed, "LoopForms dx");
            Check.Scaled(gm, sm, Seed, "LoopForms dm");
        }

        [Fact]
        public void RestrictedQuadratic_OnlyA()
        {
            var rng = new Random(505);
            var a = TestData.Vector(rng, 5);
            var b = TestData.Vector(rng, 5);
            double c = 0.8;
            var bBefore = TestData.Clone(b);
            double reference = Elementwise.RestrictedQuadratic(a, b, c);
            Check.Forward(reference, Elementwise.RestrictedQuadraticForward(a, b, c), "RestrictedQuadraticForward");
            var ga = TestData.Garbage(a);
            // [Differentiable(nameof(a))]: aGrad is the only gradient argument
            Check.Forward(reference, Elementwise.RestrictedQuadraticBackward(a, b, c, ga), "RestrictedQuadraticBackward value");
            Check.Unchanged(bBefore, b, "b");
            Check.Gradient(FiniteDiff.Gradient(() => Elementwise.RestrictedQuadratic(a, b, c), a), ga, "RestrictedQuadratic da");
            var sa = TestData.Garbage(a);
            Elementwise.RestrictedQuadraticBackward(a, b, c, sa, Seed);
            Check.Scaled(ga, sa, Seed, "RestrictedQuadratic da");
        }

        // ------------------------------------------------------------------ float (MathF)

        [Fact]
        public void FloatGaussianNll_AgainstDoubleTwin()
        {
            var rng = new Random(601);
            var x = TestData.ToFloat(TestData.Vector(rng, 6));
            var mu = TestData.ToFloat(TestData.Vector(rng, 6));
            var ls = TestData.ToFloat(TestData.Vector(rng, 6, 0.3));
            var dx = TestData.ToDouble(x);
            var dmu = TestData.ToDouble(mu);
            var dls = TestData.ToDouble(ls);
            Func<double> twin = () => DoubleTwins.GaussianNll(dx, dmu, dls);

            float reference = FloatCorpus.GaussianNll(x, mu, ls);
            Check.Near(twin(), reference, Check.FloatForwardTol, "GaussianNll vs double twin");
            Check.Near(reference, FloatCorpus.GaussianNllForward(x, mu, ls), Check.FloatForwardTol, "GaussianNllForward");
            var gx = TestData.Garbage(x);
            var gmu = TestData.Garbage(mu);
            var gls = TestData.Garbage(ls);
            Check.Near(reference, FloatCorpus.GaussianNllBackward(x, mu, ls, gx, gmu, gls), Check.FloatForwardTol, "GaussianNllBackward value");
            Check.Gradient(FiniteDiff.Gradient(twin, dx), gx, "GaussianNll dx");
            Check.Gradient(FiniteDiff.Gradient(twin, dmu), gmu, "GaussianNll dmu");
            Check.Gradient(FiniteDiff.Gradient(twin, dls), gls, "GaussianNll dlogSigma");

            var sx = TestData.Garbage(x);
            var smu = TestData.Garbage(mu);
            var sls = TestData.Garbage(ls);
            FloatCorpus.GaussianNllBackward(x, mu, ls, sx, smu, sls, -2f);
            Check.Scaled(TestData.ToDouble(gx), TestData.ToDouble(sx), -2.0, "GaussianNll dx", 1e-6);
            Check.Scaled(TestData.ToDouble(gmu), TestData.ToDouble(smu), -2.0, "GaussianNll dmu", 1e-6);
            Check.Scaled(TestData.ToDouble(gls), TestData.ToDouble(sls), -2.0, "GaussianNll dlogSigma", 1e-6);
        }

        [Fact]
        public void FloatMixed_AgainstDoubleTwin()
        {
            var rng = new Random(602);
            var a = TestData.ToFloat(TestData.Matrix(rng, 4, 3));
            var v = TestData.ToFloat(TestData.Vector(rng, 3));
            float s = 0.8f;
            var da = TestData.ToDouble(a);
            var dv = TestData.ToDouble(v);
            // test-data guard: r = tanh(s a v) away from the kinks at 0, 0.1 and -0.1; both ternary branches occur
            int positive = 0;
            for (int i = 0; i < 4; i++)
            {
                double r = 0;
                for (int j = 0; j < 3; j++) r += da[i, j] * dv[j];
                r = Math.Tanh(s * r);
                Assert.True(Math.Abs(r) > 1e-3 && Math.Abs(r - 0.1) > 1e-3 && Math.Abs(r + 0.1) > 1e-3, "test data at a kink; choose another seed");
                if (r > 0) positive++;
            }
            Assert.InRange(positive, 1, 3);
            Func<double> twin = () => DoubleTwins.Mixed(da, dv, s);

            float reference = FloatCorpus.Mixed(a, v, s);
            Check.Near(twin(), reference, Check.FloatForwardTol, "Mixed vs double twin");
            Check.Near(reference, FloatCorpus.MixedForward(a, v, s), Check.FloatForwardTol, "MixedForward");
            var ga = TestData.Garbage(a);
            var gv = TestData.Garbage(v);
            Check.Near(reference, FloatCorpus.MixedBackward(a, v, s, ga, gv, out float gs), Check.FloatForwardTol, "MixedBackward value");
            Check.Gradient(FiniteDiff.Gradient(twin, da), ga, "Mixed da");
            Check.Gradient(FiniteDiff.Gradient(twin, dv), gv, "Mixed dv");
            Check.Gradient(FiniteDiff.Derivative(q => DoubleTwins.Mixed(da, dv, q), s), gs, "Mixed ds", Check.FloatGradTol);

            var sa = TestData.Garbage(a);
            var sv = TestData.Garbage(v);
            FloatCorpus.MixedBackward(a, v, s, sa, sv, out float ss, -2f);
            Check.Scaled(TestData.ToDouble(ga), TestData.ToDouble(sa), -2.0, "Mixed da", 1e-6);
            Check.Scaled(TestData.ToDouble(gv), TestData.ToDouble(sv), -2.0, "Mixed dv", 1e-6);
            Check.Scaled(gs, ss, -2.0, "Mixed ds", 1e-6);
        }
    }
}
