using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 30 (<see cref="NaturalRound30"/>): probe batch 30's 35 accepted functions (40 small functions aimed at idioms tools
    /// find hard; Mlp.Loss, TwoLayerNet.Loss, JaggedMlpLoss, PoissonNll and RotatedPointsScore, rejected in the probe, left
    /// out), each checked as written by <see cref="MethodOracle"/> (the four float methods, LayerNormLoss, DropoutDense,
    /// BiquadEnergy and MovingAverageRoughness, against their double twins): Forward against the method, Backward's value and
    /// unchanged inputs, every gradient against central differences of the user's method, seed scaling. Inputs are the batch's
    /// own (its sample program, Tests.cs and Extra.cs, <c>Random(30)</c> with Box-Muller normals, replayed in its order by
    /// <see cref="Sample"/>, the same sizes and scales), its variants included (each ResidualBlock activation, each
    /// RegressionLoss mode, the Conv2dLoss strides and paddings, CausalMhaLoss's sequence lengths and head counts, TextCnnMaxPool's
    /// widths, MovingAverageRoughness's windows, BinomialAmericanPut's and BondYield's step counts, RaySphereHitDistance from
    /// inside the sphere and on a miss, a repeated embedding token, medians of odd and even length). Bad input:
    /// RegressionLoss's switch default (an unknown mode), the same ArgumentException from Forward and Backward. No ReLU or
    /// pinball side, argmax, bin, sort order, Clamp, IRLS weight zone or ground-hit step changes within the difference step
    /// at these inputs.
    /// </summary>
    public class NaturalRound30Tests
    {
        private static readonly Type T = typeof(NaturalRound30);

        private static void Check(string name, params object?[] args) => MethodOracle.Check(T, name, args);

        /// <summary>The batch's sample program (Tests.cs, then Extra.cs; Random(30)), replayed in its order: every input it draws.</summary>
        private sealed class Sample
        {
            public static readonly Sample Inputs = new();

            // NeuralNet
            public readonly (double[,] Input, double[,] Kernel, int Stride, int Pad)[] Conv = new (double[,], double[,], int, int)[4];
            public readonly (double[,] X, double[,] Wq, double[,] Wk, double[,] Wv, int Heads)[] Mha = new (double[,], double[,], double[,], double[,], int)[4];
            public readonly float[] LnX, LnGamma, LnBeta;
            public readonly float[] DropX, DropW;
            public readonly bool[] DropMask;
            public readonly double[][] EmbTable, EmbTable2;
            public readonly double[] EmbProj, EmbProj2;
            public readonly (double[][] Xs, double[,] Wx, double[,] Wh, double[] B)[] Lstm = new (double[][], double[,], double[,], double[])[2];
            public readonly (double[] X, double[,] W1, double[,] W2)[] Residual = new (double[], double[,], double[,])[3];
            public readonly double[] LsLogits, LsLogits2;
            public readonly (double[][] Seq, double[,] Filters, int Width)[] TextCnn = new (double[][], double[,], int)[3];

            // ClassicMl
            public readonly double[,] LogX;
            public readonly int[] LogY;
            public readonly double[] LogW;
            public readonly double[][] KmPoints, KmCentroids;
            public readonly double[] GmmData, GmmMeans, GmmLogSigmas, GmmLogits;
            public readonly double[,] RidgeXtr, RidgeXval;
            public readonly double[] RidgeYtr, RidgeYval;
            public readonly double[] KdeSample, KdeQueries;
            public readonly double[,] QPreds;
            public readonly double[] QTargets;
            public readonly (double[] X, double[] Y)[] Irls = new (double[], double[])[2];

            // Physics
            public readonly double[,] NbPos, NbVel;
            public readonly double[] NbMass;
            public readonly double[,] ClothPx, ClothPy;
            public readonly double[] Ray;
            public readonly double[] BaryB;

            // FinanceSignal
            public readonly double[] GarchReturns;
            public readonly float[] BiquadSignal;
            public readonly double[] ConvSignal, ConvKernel, ConvReadout;
            public readonly (float[] Series, int Window)[] MovAvg = new (float[], int)[4];
            public readonly double[] PortLogits;
            public readonly double[][] PortReturns;
            public readonly double[] InterpXs, InterpYs, InterpQueries;
            public readonly double[] Increments, Increments200;
            public readonly double[][] Medians = new double[7][];
            public readonly double[] BinValues, BinWeights;
            public readonly (double[] Pred, double[] Target, string Mode)[] Regression = new (double[], double[], string)[4];
            public readonly double[][] Binomial = new double[2][];

            private Sample()
            {
                var rng = new Random(30);
                double N() { double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble(); return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2); }
                double[] Vec(int n, double s = 1) => Enumerable.Range(0, n).Select(_ => s * N()).ToArray();
                double[,] Mat(int r, int c, double s = 1) { var m = new double[r, c]; for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) m[i, j] = s * N(); return m; }
                double[][] Jag(int r, int c, double s = 1) => Enumerable.Range(0, r).Select(_ => Vec(c, s)).ToArray();
                float[] F(double[] a) => a.Select(x => (float)x).ToArray();

                // ---- NeuralNet (Tests.cs NeuralTests) ----
                int k = 0;
                foreach (var (stride, pad) in new[] { (2, 1), (1, 0), (1, 2) }) { var input = Mat(7, 7); Conv[k++] = (input, Mat(3, 3), stride, pad); }
                { var x = Mat(5, 4); var wq = Mat(4, 4, 0.6); var wk = Mat(4, 4, 0.6); Mha[0] = (x, wq, wk, Mat(4, 4, 0.6), 2); }
                LnX = F(Vec(8)); LnGamma = F(Vec(8, 0.5).Select(v => v + 1).ToArray()); LnBeta = F(Vec(8, 0.3));
                DropX = F(Vec(10, 0.5)); DropW = F(Vec(10, 0.5));
                DropMask = Enumerable.Range(0, 10).Select(_ => rng.NextDouble() > 0.3).ToArray();
                EmbTable = Jag(5, 4); EmbProj = Vec(4);
                { var xs = Jag(4, 3); var wx = Mat(12, 3, 0.5); var wh = Mat(12, 3, 0.5); Lstm[0] = (xs, wx, wh, Vec(12, 0.2)); }
                for (int a = 0; a < 3; a++) { var x = Vec(4); var w1 = Mat(6, 4, 0.5); Residual[a] = (x, w1, Mat(4, 6, 0.5)); }
                LsLogits = Vec(6, 2);
                { var seq = Jag(7, 3); TextCnn[0] = (seq, Mat(4, 9, 0.4), 3); }

                // ---- ClassicMl ----
                LogX = Mat(20, 3); LogY = Enumerable.Range(0, 20).Select(_ => rng.Next(2)).ToArray(); LogW = Vec(3);
                KmPoints = Jag(15, 2); KmCentroids = Jag(3, 2);
                GmmData = Vec(20, 2); GmmMeans = Vec(3); GmmLogSigmas = Vec(3, 0.3); GmmLogits = Vec(3, 0.5);
                RidgeXtr = Mat(12, 3); RidgeYtr = Vec(12); RidgeXval = Mat(6, 3); RidgeYval = Vec(6);
                KdeSample = Vec(10); KdeQueries = Vec(5);
                QPreds = Mat(8, 3); QTargets = Vec(8);
                {
                    var x = Vec(15); var y = x.Select(v => 1 + 2 * v + 0.3 * N()).ToArray(); y[3] += 6; y[9] -= 5;
                    Irls[0] = (x, y);
                }

                // ---- Physics (ProjectileRange, VerletPendulum and IkJointCost draw nothing) ----
                NbPos = Mat(4, 3); NbVel = Mat(4, 3, 0.3); NbMass = Vec(4).Select(v => 1 + 0.3 * Math.Abs(v)).ToArray();
                ClothPx = new double[4, 5]; ClothPy = new double[4, 5];
                for (int r = 0; r < 4; r++) for (int c = 0; c < 5; c++) { ClothPx[r, c] = c * 1.1 + 0.1 * N(); ClothPy[r, c] = r * 0.95 + 0.1 * N(); }
                Ray = new[] { 0.1 * N(), 0.1 * N(), -5.0, 0.1, 0.05, 1.0, 0.2 * N(), 0.2 * N(), 0.2 * N(), 1.5 };
                BaryB = new[] { 2.0 + 0.1 * N(), 0.1 * N() };

                // ---- FinanceSignal (BinomialAmericanPut and BondYield draw nothing) ----
                GarchReturns = Vec(50);
                BiquadSignal = F(Vec(32));
                ConvSignal = Vec(12); ConvKernel = Vec(5); ConvReadout = Vec(12);
                MovAvg[0] = (F(Vec(20)), 4);
                PortLogits = Vec(4); PortReturns = Jag(30, 4, 0.05);
                InterpXs = new double[8]; double acc = 0; for (int i = 0; i < 8; i++) { acc += 0.5 + rng.NextDouble(); InterpXs[i] = acc; }
                InterpYs = Vec(8);
                var xq = InterpXs;
                InterpQueries = new[] { xq[0] - 0.3, xq[1] + 0.37, xq[3] + 0.11, xq[5] + 0.2, xq[6] + 0.41, xq[7] + 1.0, 0.5 * (xq[2] + xq[3]) };
                Increments = Vec(10);
                k = 0;
                foreach (int n in new[] { 9, 10, 3, 17, 4 }) Medians[k++] = Vec(n);
                BinValues = Enumerable.Range(0, 30).Select(_ => { double v; do v = rng.NextDouble() * 1.2 - 0.1; while (Math.Abs(v * 5 - Math.Round(v * 5)) < 0.01); return v; }).ToArray();
                BinWeights = Vec(5);
                k = 0;
                foreach (var mode in new[] { "mse", "mae", "huber", "logcosh" }) { var pred = Vec(10, 1.5); Regression[k++] = (pred, Vec(10), mode); }

                // ---- Extra.cs ----
                _ = Vec(4); // the harness self-test's input
                k = 1;
                foreach (var (t, d, heads) in new[] { (1, 4, 2), (6, 8, 4), (4, 3, 1) })
                {
                    var x = Mat(t, d); var wq = Mat(d, d, 0.5); var wk = Mat(d, d, 0.5);
                    Mha[k++] = (x, wq, wk, Mat(d, d, 0.5), heads);
                }
                { var input = Mat(6, 9); Conv[3] = (input, Mat(2, 4), 3, 2); }
                { var xs = Jag(9, 4); var wx = Mat(8, 4, 0.7); var wh = Mat(8, 2, 0.7); Lstm[1] = (xs, wx, wh, Vec(8, 0.3)); }
                k = 1;
                foreach (int w in new[] { 2, 5 }) { var seq = Jag(8, 2); TextCnn[k++] = (seq, Mat(3, 2 * w, 0.4), w); }
                k = 1;
                foreach (int win in new[] { 1, 3, 25 }) MovAvg[k++] = (F(Vec(20)), win);
                for (int s = 0; s < 2; s++) Binomial[s] = new[] { 92.0 + 5 * rng.NextDouble(), 0.03, 0.35 };
                {
                    var x = Vec(25); var y = x.Select(v => -1 + 0.5 * v + 0.4 * N()).ToArray(); y[0] += 8; y[7] -= 4; y[20] += 3;
                    Irls[1] = (x, y);
                }
                EmbTable2 = Jag(3, 5); EmbProj2 = Vec(5);
                Medians[5] = Vec(301); Medians[6] = Vec(5);
                Increments200 = Vec(200);
                LsLogits2 = Vec(6, 3);
            }
        }

        private static Sample S => Sample.Inputs;

        [Fact]
        public void Sample_replays_the_probe()
        {
            // the user's methods at the replayed inputs give the values the probe printed (run_output.txt, 8 significant digits):
            // the replay draws what the probe drew
            double layerNorm = NaturalRound30.LayerNormLoss(S.LnX, S.LnGamma, S.LnBeta); // float methods: their float value, widened
            (string What, double Value, double Printed)[] cases =
            {
                ("Conv2dLoss(s=2,p=1)", NaturalRound30.Conv2dLoss(S.Conv[0].Input, S.Conv[0].Kernel, 0.1, 2, 1), 1.5499774),
                ("Conv2dLoss(s=1,p=0)", NaturalRound30.Conv2dLoss(S.Conv[1].Input, S.Conv[1].Kernel, 0.1, 1, 0), 5.6149193),
                ("Conv2dLoss(s=1,p=2)", NaturalRound30.Conv2dLoss(S.Conv[2].Input, S.Conv[2].Kernel, 0.1, 1, 2), 2.1864621),
                ("Conv2dLoss(6x9)", NaturalRound30.Conv2dLoss(S.Conv[3].Input, S.Conv[3].Kernel, -0.2, 3, 2), 0.34916612),
                ("CausalMhaLoss", NaturalRound30.CausalMhaLoss(S.Mha[0].X, S.Mha[0].Wq, S.Mha[0].Wk, S.Mha[0].Wv, 2), 6.464598),
                ("CausalMhaLoss(T=1)", NaturalRound30.CausalMhaLoss(S.Mha[1].X, S.Mha[1].Wq, S.Mha[1].Wk, S.Mha[1].Wv, 2), 4.6543206),
                ("CausalMhaLoss(T=6)", NaturalRound30.CausalMhaLoss(S.Mha[2].X, S.Mha[2].Wq, S.Mha[2].Wk, S.Mha[2].Wv, 4), 91.539139),
                ("CausalMhaLoss(T=4)", NaturalRound30.CausalMhaLoss(S.Mha[3].X, S.Mha[3].Wq, S.Mha[3].Wk, S.Mha[3].Wv, 1), 6.8487793),
                ("LayerNormLoss", layerNorm, 25.173208),
                ("DropoutDense", NaturalRound30.DropoutDense(S.DropX, S.DropW, S.DropMask, 0.3f), 0.7722525),
                ("EmbeddingBagScore", NaturalRound30.EmbeddingBagScore(new[] { 0, 3, 3, 1, 4, 3 }, S.EmbTable, S.EmbProj), 0.72674304),
                ("EmbeddingBagScore(repeated)", NaturalRound30.EmbeddingBagScore(new[] { 2, 2, 2, 2 }, S.EmbTable2, S.EmbProj2), 0.11159301),
                ("LstmFinalState", NaturalRound30.LstmFinalState(S.Lstm[0].Xs, S.Lstm[0].Wx, S.Lstm[0].Wh, S.Lstm[0].B), 0.27513387),
                ("LstmFinalState(T=9)", NaturalRound30.LstmFinalState(S.Lstm[1].Xs, S.Lstm[1].Wx, S.Lstm[1].Wh, S.Lstm[1].B), -0.24670952),
                ("ResidualBlock(Gelu)", NaturalRound30.ResidualBlock(S.Residual[0].X, S.Residual[0].W1, S.Residual[0].W2, Round30Activation.Gelu), 2.465168),
                ("ResidualBlock(Tanh)", NaturalRound30.ResidualBlock(S.Residual[1].X, S.Residual[1].W1, S.Residual[1].W2, Round30Activation.Tanh), 3.9810647),
                ("ResidualBlock(Relu)", NaturalRound30.ResidualBlock(S.Residual[2].X, S.Residual[2].W1, S.Residual[2].W2, Round30Activation.Relu), 21.773772),
                ("LabelSmoothedCrossEntropy", NaturalRound30.LabelSmoothedCrossEntropy(S.LsLogits, 2), 3.157537),
                ("LabelSmoothedCE(5, .3)", NaturalRound30.LabelSmoothedCrossEntropy(S.LsLogits2, 5, 0.3), 7.0835961),
                ("TextCnnMaxPool", NaturalRound30.TextCnnMaxPool(S.TextCnn[0].Seq, S.TextCnn[0].Filters), -0.11802685),
                ("TextCnnMaxPool(2)", NaturalRound30.TextCnnMaxPool(S.TextCnn[1].Seq, S.TextCnn[1].Filters, 2), 1.2471371),
                ("TextCnnMaxPool(5)", NaturalRound30.TextCnnMaxPool(S.TextCnn[2].Seq, S.TextCnn[2].Filters, 5), 0.96773112),
                ("LogisticL2", NaturalRound30.LogisticL2(S.LogX, S.LogY, S.LogW, 0.2), 1.0485662),
                ("SoftKMeans", NaturalRound30.SoftKMeans(S.KmPoints, S.KmCentroids), 1.741448),
                ("GmmLogLik", NaturalRound30.GmmLogLik(S.GmmData, S.GmmMeans, S.GmmLogSigmas, S.GmmLogits), -44.857189),
                ("RidgeValidationLoss", NaturalRound30.RidgeValidationLoss(S.RidgeXtr, S.RidgeYtr, S.RidgeXval, S.RidgeYval, 0.3), 2.4934101),
                ("KdeLogLikelihood", NaturalRound30.KdeLogLikelihood(S.KdeSample, S.KdeQueries, 0.7), -6.7282438),
                ("MultiQuantileLoss", NaturalRound30.MultiQuantileLoss(S.QPreds, S.QTargets), 1.5690996),
                ("HuberIrlsPrediction", NaturalRound30.HuberIrlsPrediction(S.Irls[0].X, S.Irls[0].Y), 4.797682),
                ("HuberIrlsPrediction(.5, 20)", NaturalRound30.HuberIrlsPrediction(S.Irls[1].X, S.Irls[1].Y, 0.5, 20), 0.24082027),
                ("NBodyKineticAfter", NaturalRound30.NBodyKineticAfter(S.NbPos, S.NbVel, S.NbMass), 0.71770396),
                ("ClothSpringEnergy", NaturalRound30.ClothSpringEnergy(S.ClothPx, S.ClothPy, 1.0, 2.0), 1.1392331),
                ("RaySphereHitDistance", NaturalRound30.RaySphereHitDistance(S.Ray[0], S.Ray[1], S.Ray[2], S.Ray[3], S.Ray[4], S.Ray[5], S.Ray[6], S.Ray[7], S.Ray[8], S.Ray[9]), 3.353468),
                ("BarycentricInterpolate", NaturalRound30.BarycentricInterpolate(new[] { 0.8, 0.6 }, new[] { 0.0, 0.0 }, S.BaryB, new[] { 0.5, 1.8 }, 1.0, -2.0, 3.5), 0.90681672),
                ("BinomialAmericanPut(10)", NaturalRound30.BinomialAmericanPut(S.Binomial[0][0], 100, S.Binomial[0][1], S.Binomial[0][2], 0.5, 10), 12.179618),
                ("BinomialAmericanPut(200)", NaturalRound30.BinomialAmericanPut(S.Binomial[1][0], 100, S.Binomial[1][1], S.Binomial[1][2], 0.5, 200), 11.903567),
                ("Garch11NegLogLik", NaturalRound30.Garch11NegLogLik(S.GarchReturns, 0.1, 0.1, 0.8), 83.826059),
                ("BiquadEnergy", NaturalRound30.BiquadEnergy(S.BiquadSignal, 0.2f, 0.3f, 0.2f, -0.5f, 0.2f), 0.31198958),
                ("Conv1dSame", NaturalRound30.Conv1dSame(S.ConvSignal, S.ConvKernel, S.ConvReadout), 56.282179),
                ("MovingAverageRoughness", NaturalRound30.MovingAverageRoughness(S.MovAvg[0].Series), 2.6245382),
                ("MovingAverageRoughness(1)", NaturalRound30.MovingAverageRoughness(S.MovAvg[1].Series, 1), 38.80365),
                ("MovingAverageRoughness(3)", NaturalRound30.MovingAverageRoughness(S.MovAvg[2].Series, 3), 4.6686497),
                ("MovingAverageRoughness(25)", NaturalRound30.MovingAverageRoughness(S.MovAvg[3].Series, 25), 0.34191224),
                ("SoftmaxPortfolioUtility", NaturalRound30.SoftmaxPortfolioUtility(S.PortLogits, S.PortReturns), -0.0024991117),
                ("InterpSumSquares", NaturalRound30.InterpSumSquares(S.InterpXs, S.InterpYs, S.InterpQueries), 5.1670199),
                ("CumsumPenalty", NaturalRound30.CumsumPenalty(S.Increments), 0.77663767),
                ("CumsumPenalty(200)", NaturalRound30.CumsumPenalty(S.Increments200), 41.590761),
                ("Median(9)", NaturalRound30.Median(S.Medians[0]), 0.038644573),
                ("Median(10)", NaturalRound30.Median(S.Medians[1]), 0.26283806),
                ("Median(3)", NaturalRound30.Median(S.Medians[2]), 0.057677694),
                ("Median(17)", NaturalRound30.Median(S.Medians[3]), -0.59905461),
                ("Median(4)", NaturalRound30.Median(S.Medians[4]), 0.40950646),
                ("Median(301)", NaturalRound30.Median(S.Medians[5]), 0.0013994658),
                ("Median(5)", NaturalRound30.Median(S.Medians[6]), -0.4203903),
                ("BinnedWeightedMeans", NaturalRound30.BinnedWeightedMeans(S.BinValues, S.BinWeights, 0, 1), -0.026192419),
                ("RegressionLoss(mse)", NaturalRound30.RegressionLoss(S.Regression[0].Pred, S.Regression[0].Target, "mse"), 2.3683627),
                ("RegressionLoss(mae)", NaturalRound30.RegressionLoss(S.Regression[1].Pred, S.Regression[1].Target, "mae"), 1.3257344),
                ("RegressionLoss(huber)", NaturalRound30.RegressionLoss(S.Regression[2].Pred, S.Regression[2].Target, "huber"), 1.0664375),
                ("RegressionLoss(logcosh)", NaturalRound30.RegressionLoss(S.Regression[3].Pred, S.Regression[3].Target, "logcosh"), 0.36827694),
            };
            foreach (var (what, value, printed) in cases)
                Assert.True(Math.Abs(value - printed) <= 6e-8 * Math.Abs(printed), $"{what}: {value:R}, the probe printed {printed:R}");
        }

        // ---- NeuralNet ----

        [Theory]
        [InlineData(0)] // stride 2, pad 1 (the defaults)
        [InlineData(1)] // stride 1, pad 0
        [InlineData(2)] // stride 1, pad 2
        [InlineData(3)] // 6 x 9 input, 2 x 4 kernel, stride 3, pad 2, bias -0.2
        public void Conv2dLoss(int variant)
        {
            var c = S.Conv[variant];
            Check("Conv2dLoss", c.Input, c.Kernel, variant == 3 ? -0.2 : 0.1, c.Stride, c.Pad);
        }

        [Theory]
        [InlineData(0)] // T 5, D 4, 2 heads
        [InlineData(1)] // T 1, D 4, 2 heads
        [InlineData(2)] // T 6, D 8, 4 heads
        [InlineData(3)] // T 4, D 3, 1 head
        public void CausalMhaLoss(int variant)
        {
            var m = S.Mha[variant];
            Check("CausalMhaLoss", m.X, m.Wq, m.Wk, m.Wv, m.Heads);
        }

        [Fact] public void LayerNormLoss() => Check("LayerNormLoss", S.LnX, S.LnGamma, S.LnBeta, 1e-5f);

        [Fact] public void DropoutDense() => Check("DropoutDense", S.DropX, S.DropW, S.DropMask, 0.3f);

        [Fact] public void EmbeddingBagScore() => Check("EmbeddingBagScore", new[] { 0, 3, 3, 1, 4, 3 }, S.EmbTable, S.EmbProj);

        [Fact] public void EmbeddingBagScore_repeated_token() => Check("EmbeddingBagScore", new[] { 2, 2, 2, 2 }, S.EmbTable2, S.EmbProj2);

        [Theory]
        [InlineData(0)] // 4 steps, H 3, D 3
        [InlineData(1)] // 9 steps, H 2, D 4
        public void LstmFinalState(int variant)
        {
            var l = S.Lstm[variant];
            Check("LstmFinalState", l.Xs, l.Wx, l.Wh, l.B);
        }

        [Theory]
        [InlineData(Round30Activation.Gelu)] // the default
        [InlineData(Round30Activation.Tanh)]
        [InlineData(Round30Activation.Relu)]
        public void ResidualBlock(Round30Activation act)
        {
            var r = S.Residual[act switch { Round30Activation.Gelu => 0, Round30Activation.Tanh => 1, _ => 2 }];
            Check("ResidualBlock", r.X, r.W1, r.W2, act);
        }

        [Fact] public void LabelSmoothedCrossEntropy() => Check("LabelSmoothedCrossEntropy", S.LsLogits, 2, 0.1);

        [Fact] public void LabelSmoothedCrossEntropy_last_label() => Check("LabelSmoothedCrossEntropy", S.LsLogits2, 5, 0.3);

        [Theory]
        [InlineData(0)] // width 3 (the default), 7 steps of 3
        [InlineData(1)] // width 2, 8 steps of 2
        [InlineData(2)] // width 5
        public void TextCnnMaxPool(int variant)
        {
            var t = S.TextCnn[variant];
            Check("TextCnnMaxPool", t.Seq, t.Filters, t.Width);
        }

        // ---- ClassicMl ----

        [Fact] public void LogisticL2() => Check("LogisticL2", S.LogX, S.LogY, S.LogW, 0.2, 1e-2);

        [Fact] public void SoftKMeans() => Check("SoftKMeans", S.KmPoints, S.KmCentroids, 5.0);

        [Fact] public void GmmLogLik() => Check("GmmLogLik", S.GmmData, S.GmmMeans, S.GmmLogSigmas, S.GmmLogits);

        [Fact] public void RidgeValidationLoss() => Check("RidgeValidationLoss", S.RidgeXtr, S.RidgeYtr, S.RidgeXval, S.RidgeYval, 0.3, 50, 0.05);

        [Fact] public void KdeLogLikelihood() => Check("KdeLogLikelihood", S.KdeSample, S.KdeQueries, 0.7);

        [Fact] public void MultiQuantileLoss() => Check("MultiQuantileLoss", S.QPreds, S.QTargets);

        [Theory]
        [InlineData(0, 1.0, 50)] // the defaults, two outliers
        [InlineData(1, 0.5, 20)] // 25 points, three outliers
        public void HuberIrlsPrediction(int variant, double delta, int maxIter)
        {
            var d = S.Irls[variant];
            Check("HuberIrlsPrediction", d.X, d.Y, delta, maxIter);
        }

        // ---- Physics ----

        [Fact] public void NBodyKineticAfter() => Check("NBodyKineticAfter", S.NbPos, S.NbVel, S.NbMass, 10, 0.01, 0.1);

        [Fact] public void ClothSpringEnergy() => Check("ClothSpringEnergy", S.ClothPx, S.ClothPy, 1.0, 2.0);

        [Theory]
        [InlineData(20.0, 0.7, 0.05, 1e-3)] // the sample's (the default dt)
        [InlineData(35.0, 0.3, 0.2, 5e-3)] // high drag, a coarser step
        public void ProjectileRange(double speed, double angle, double drag, double dt) => Check("ProjectileRange", speed, angle, drag, dt, 9.81);

        [Theory]
        [InlineData(300)] // the default
        [InlineData(1)] // the first step only
        public void VerletPendulum(int steps) => Check("VerletPendulum", 0.5, 0.3, 1.2, 0.01, steps);

        [Fact]
        public void RaySphereHitDistance()
        {
            // the sample's: from outside, the near root
            var s = S.Ray;
            Check("RaySphereHitDistance", s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9]);
        }

        [Fact] public void RaySphereHitDistance_inside() => Check("RaySphereHitDistance", 0.1, -0.2, 0.3, 0.3, 0.2, 1.0, 0.0, 0.0, 0.0, 2.0); // the far root

        [Fact] public void RaySphereHitDistance_miss() => Check("RaySphereHitDistance", 5.0, 5.0, -5.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0); // -1, no gradient

        [Fact] public void BarycentricInterpolate() => Check("BarycentricInterpolate", new[] { 0.8, 0.6 }, new[] { 0.0, 0.0 }, S.BaryB, new[] { 0.5, 1.8 }, 1.0, -2.0, 3.5);

        [Fact] public void IkJointCost() => Check("IkJointCost", 1.2, 0.6, 1.0, 0.8);

        // ---- FinanceSignal ----

        [Fact] public void BinomialAmericanPut() => Check("BinomialAmericanPut", 100.0, 105.0, 0.05, 0.2, 1.0, 50);

        [Theory]
        [InlineData(0, 10)]
        [InlineData(1, 200)]
        public void BinomialAmericanPut_steps(int variant, int steps)
        {
            var s = S.Binomial[variant];
            Check("BinomialAmericanPut", s[0], 100.0, s[1], s[2], 0.5, steps);
        }

        [Fact] public void Garch11NegLogLik() => Check("Garch11NegLogLik", S.GarchReturns, 0.1, 0.1, 0.8);

        [Fact] public void BiquadEnergy() => Check("BiquadEnergy", S.BiquadSignal, 0.2f, 0.3f, 0.2f, -0.5f, 0.2f);

        [Fact] public void Conv1dSame() => Check("Conv1dSame", S.ConvSignal, S.ConvKernel, S.ConvReadout);

        [Theory]
        [InlineData(0)] // window 4 (the default)
        [InlineData(1)] // window 1
        [InlineData(2)] // window 3
        [InlineData(3)] // window 25, longer than the series: the buffer never fills
        public void MovingAverageRoughness(int variant)
        {
            var m = S.MovAvg[variant];
            Check("MovingAverageRoughness", m.Series, m.Window);
        }

        [Fact] public void SoftmaxPortfolioUtility() => Check("SoftmaxPortfolioUtility", S.PortLogits, S.PortReturns, 3.0);

        [Theory]
        [InlineData(95.0, 5.0, 10)] // the sample's
        [InlineData(104.0, 6.0, 1)]
        [InlineData(104.0, 6.0, 30)]
        public void BondYield(double price, double coupon, int periods) => Check("BondYield", price, coupon, periods, 100.0);

        [Fact] public void InterpSumSquares() => Check("InterpSumSquares", S.InterpXs, S.InterpYs, S.InterpQueries);

        [Fact] public void CumsumPenalty() => Check("CumsumPenalty", S.Increments);

        [Fact] public void CumsumPenalty_long() => Check("CumsumPenalty", S.Increments200); // 200 entries

        [Theory]
        [InlineData(0)] // 9
        [InlineData(1)] // 10
        [InlineData(2)] // 3
        [InlineData(3)] // 17
        [InlineData(4)] // 4
        [InlineData(5)] // 301
        [InlineData(6)] // 5, after 301
        public void Median(int variant) => Check("Median", S.Medians[variant]);

        [Fact] public void BinnedWeightedMeans() => Check("BinnedWeightedMeans", S.BinValues, S.BinWeights, 0.0, 1.0);

        [Theory]
        [InlineData(0)] // mse (the default)
        [InlineData(1)] // mae
        [InlineData(2)] // huber
        [InlineData(3)] // logcosh
        public void RegressionLoss(int variant)
        {
            var r = S.Regression[variant];
            Check("RegressionLoss", r.Pred, r.Target, r.Mode);
        }

        [Fact]
        public void RegressionLoss_unknown_mode() =>
            MethodOracle.BadInput<ArgumentException>(T, "RegressionLoss", null, new object?[] { new[] { 1.0 }, new[] { 0.0 }, "bogus" });
    }
}
