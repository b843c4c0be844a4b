using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 27 (<see cref="NaturalRound27"/>, <see cref="Round27LinearRegressor"/>, <see cref="Round27LogisticClassifier"/>):
    /// probe batch 27's 40 functions, all accepted as written, each checked by <see cref="MethodOracle"/> (the nine float
    /// static methods against their double twins) with the batch's own sample inputs: <see cref="Sample"/> replays the
    /// batch's Program.cs draw for draw (new Random(27), the same sizes and scales; <see cref="Sample_replays_the_batch"/>
    /// finds the 42 values it printed), so every function sees the arrays it was probed with. Also the other side of the
    /// early returns, loop exits and branches where cheap: MaskedBinaryFocalLoss and MaskedMeanSquaredError with an
    /// all-false mask, NanSkippingMeanAbsoluteError with every target missing (a NaN entry's gradient must be 0, see
    /// MethodOracle), CosineEmbeddingLoss's label -1 both at the sample's (a, a) (a gradient near zero) and at a b near a
    /// (cos ≈ 0.95, past the margin), KeplerOrbitPositionError from E = pi (eccentricity 0.9), BarrierCrossingTime with a
    /// barrier the oscillator never reaches (the loop runs out), BondPricingError with no coupon period,
    /// CumulativeDefaultProbability with a horizon past the curve (no break), SoftmaxLossAndAccuracy with and without an
    /// upstream gradient for the accuracy. By hand (signatures MethodOracle cannot drive): SoftmaxLossAndAccuracy (a tuple:
    /// the gradient of loss + u · accuracy), LayerNormSquaredError and DiagonalMahalanobisDistance (ReadOnlySpan inputs, a
    /// Span output buffer; with arrays and with slices of longer arrays), and the two instance methods against central
    /// differences of the user's instance method (LogisticClassifier, float: of its double twin). Inputs that differ from
    /// the sample: BarrierCrossingTime's crossing case runs the sample's very trajectory in time units of 10 (v0 0.1,
    /// stiffness 0.04, damping 0.03, dt 0.1: the same 52 steps, a time 10 × 0.5236): at the sample's dt = 0.01 the
    /// oracle's step (1e-6) is 1e-4 of dt and central differences of d/d dt are off by 1.5e-6 (-0.1186978 against the
    /// generated -0.1186963, which smaller steps reproduce). SpectralLoudnessLoss's sample frequencies include 1000 Hz, on
    /// the kink of its weight 1 / (1 + |log2(f / 1000)|): there the generated gradient (0, the derivative of |x| at 0) and
    /// central differences (the mean of the two sides, 0 by symmetry) agree, and a second case moves every frequency 10%
    /// up, off the kink. No argmax (ArgmaxRow, the hinge's worst other class, MaxPool1dLoss's best,
    /// DecayWeightedForecastError's Max/Min, SymlogClippedLoss's MaxMagnitude), branch (Huber, IsOutlier, Smooth, ReLU,
    /// Clamp, Round/Floor/Ceiling, the softplus sign) or loop count (the calibration's segment, Kepler's Newton loop, the
    /// barrier step, the default horizon) changes under the step at these inputs. Bad input (each guard clause,
    /// <see cref="MethodOracle.BadInput{TEx}"/>; DiagonalMahalanobisDistance's spans by hand): the method, its Forward and
    /// its Backward throw the same exception, with the same message and parameter name; skipped for
    /// MovingAverageSmoothnessPenalty's ThrowIfNull(series), whose message the generated null check replaces (see the
    /// Skip). CosineEmbeddingLoss's and GaussLegendreSpringWork's Debug.Assert calls are dropped by the generator
    /// (documented) and are not checked.
    /// </summary>
    public class NaturalRound27Tests
    {
        private static readonly Type T = typeof(NaturalRound27);

        private static void Check(string name, params object?[] args) => MethodOracle.Check(T, name, args);

        private static void Bad<TEx>(string name, string? paramName, params object?[] inputs) where TEx : Exception =>
            MethodOracle.BadInput<TEx>(T, name, paramName, inputs);

        /// <summary>
        /// Batch 27's Program.cs, its draws in its order from new Random(27): every function's sample arguments. A fresh
        /// instance per test (the checks perturb entries in place).
        /// </summary>
        private sealed class Sample
        {
            private readonly Random rng = new(27);

            private double N(double scale = 1.0) => scale * (rng.NextDouble() * 2.0 - 1.0);
            private double[] Vec(int n, double scale = 1.0) { var v = new double[n]; for (int i = 0; i < n; i++) v[i] = N(scale); return v; }
            private double[,] Mat(int r, int c, double scale = 1.0) { var m = new double[r, c]; for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) m[i, j] = N(scale); return m; }
            private float[] VecF(int n, double scale = 1.0) { var v = new float[n]; for (int i = 0; i < n; i++) v[i] = (float)N(scale); return v; }
            private float[,] MatF(int r, int c, double scale = 1.0) { var m = new float[r, c]; for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) m[i, j] = (float)N(scale); return m; }
            private int[] Labels(int n, int c) { var l = new int[n]; for (int i = 0; i < n; i++) l[i] = rng.Next(c); return l; }
            private bool[] Mask(int n, double pTrue) { var m = new bool[n]; for (int i = 0; i < n; i++) m[i] = rng.NextDouble() < pTrue; return m; }
            private double[] Positive(int n, double lo, double hi) { var v = new double[n]; for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * rng.NextDouble(); return v; }

            // ClassificationLosses
            public readonly object?[] SoftmaxCrossEntropy, MaskedFocal, Hinge, Distillation, CosinePlus;
            public readonly double[,] AccuracyLogits;
            public readonly int[] AccuracyLabels;
            public readonly float[] CosineA, CosineB;

            // RegressionLosses
            public readonly object?[] Huber, Truncated, SmoothL1, Swish, MaskedMse, NanMae, Calibration, Symlog, Mape, DecayWeighted;
            public readonly double[] ElasticWeights;

            // NeuralLayers
            public readonly object?[] Mlp, Attention, MaxPool, Dense, Bilinear;
            public readonly double[] LayerNormX, LayerNormTarget;

            // Models
            public readonly Round27LinearRegressor Regressor;
            public readonly double[,] RegressorX;
            public readonly double[] RegressorY;
            public readonly Round27LogisticClassifier Classifier;
            public readonly float[,] ClassifierX;
            public readonly int[] ClassifierLabels;

            // PhysicsObjectives
            public readonly object?[] Helmholtz, Angular, Rapidity, Spectral;

            // StatisticalLosses
            public readonly object?[] GaussianKl, Quantization, MovingAverage;
            public readonly double[] MahalanobisX, MahalanobisMean, MahalanobisInverseVariance;

            // FinanceObjectives
            public readonly object?[] DefaultProbability, TrackingError, Sharpe;

            public Sample()
            {
                {
                    var x = Mat(6, 4); var w = Mat(4, 3, 0.5); var b = Vec(3, 0.1); var y = Labels(6, 3);
                    SoftmaxCrossEntropy = new object?[] { x, w, b, y };
                }
                {
                    AccuracyLogits = Mat(8, 4, 2.0); AccuracyLabels = Labels(8, 4);
                }
                {
                    var logits = VecF(10, 3.0); var t = new float[10]; for (int i = 0; i < 10; i++) t[i] = rng.NextDouble() < 0.3 ? 1f : 0f;
                    var mask = Mask(10, 0.7);
                    MaskedFocal = new object?[] { logits, t, mask, 2f, 0.25f };
                }
                {
                    var s = Mat(6, 5, 1.5); var y = Labels(6, 5); var sw = Positive(6, 0.5, 2.0);
                    Hinge = new object?[] { s, y, sw, 1.0 };
                }
                {
                    var student = Vec(5, 2.0); var teacher = Vec(5, 3.0);
                    Distillation = new object?[] { student, teacher, new Round27DistillationConfig(Tau: 2.0, Alpha: 0.7) };
                }
                {
                    CosineA = VecF(8); CosineB = VecF(8);
                    CosinePlus = new object?[] { CosineA, CosineB, 1, 0.2f };
                }

                {
                    var p = Vec(12, 2.0); var t = Vec(12, 2.0);
                    Huber = new object?[] { p, t, 1.0 };
                }
                {
                    var p = VecF(12, 2.0); var t = VecF(12, 2.0);
                    Truncated = new object?[] { p, t, 1.5f };
                }
                {
                    var boxes = Mat(5, 4, 2.0); var tgt = Mat(5, 4, 2.0);
                    SmoothL1 = new object?[] { boxes, tgt, 1.0 };
                }
                {
                    var x = Vec(10, 3.0); var y = new double[10]; for (int i = 0; i < 10; i++) y[i] = x[i] / (1 + Math.Exp(-x[i])) + N(0.05);
                    Swish = new object?[] { x, y, 0.8, 0.1, 1.0 };
                }
                {
                    var p = Vec(10); var t = Vec(10); var m = Mask(10, 0.6);
                    MaskedMse = new object?[] { p, t, m };
                }
                {
                    var p = VecF(10); var t = VecF(10); t[2] = float.NaN; t[7] = float.NaN;
                    NanMae = new object?[] { p, t };
                }
                {
                    float[] knots = { 0f, 0.25f, 0.5f, 0.75f, 1f };
                    float[] values = { 0.02f, 0.2f, 0.45f, 0.7f, 0.97f };
                    var scores = new float[12]; for (int i = 0; i < 12; i++) scores[i] = (float)rng.NextDouble();
                    Array.Sort(scores);
                    var labels = new float[12]; for (int i = 0; i < 12; i++) labels[i] = rng.NextDouble() < scores[i] ? 1f : 0f;
                    Calibration = new object?[] { values, knots, scores, labels };
                }
                {
                    var p = Vec(10, 50.0); var t = Vec(10, 50.0);
                    Symlog = new object?[] { p, t, 2.0, 1.5 };
                }
                {
                    var actual = Positive(10, 50, 150); var forecast = new double[10]; for (int i = 0; i < 10; i++) forecast[i] = actual[i] * (1 + N(0.1));
                    Mape = new object?[] { forecast, actual };
                }
                {
                    var actual = Positive(12, 90, 110); var forecast = new double[12]; for (int i = 0; i < 12; i++) forecast[i] = actual[i] + N(3.0);
                    DecayWeighted = new object?[] { forecast, actual, 0.9 };
                }
                {
                    ElasticWeights = Vec(8);
                }

                {
                    var x = MatF(6, 3); var w1 = MatF(3, 5, 0.7); var b1 = VecF(5, 0.1); var w2 = VecF(5, 0.7); var y = VecF(6);
                    Mlp = new object?[] { x, w1, b1, w2, 0.05f, y };
                }
                {
                    var q = Mat(3, 4); var k = Mat(5, 4); var v = Mat(5, 2); var t = Mat(3, 2);
                    Attention = new object?[] { q, k, v, t };
                }
                {
                    var s = VecF(12); var t = VecF(4, 0.5);
                    MaxPool = new object?[] { s, 3, t };
                }
                {
                    var input = VecF(4); var w = MatF(4, 3, 0.6); var b = VecF(3, 0.1); var output = new float[3];
                    Dense = new object?[] { input, w, b, output };
                }
                {
                    LayerNormX = Vec(8, 3.0); LayerNormTarget = Vec(8);
                }
                {
                    var x = new float[4, 3, 2]; for (int b = 0; b < 4; b++) for (int p = 0; p < 3; p++) for (int q = 0; q < 2; q++) x[b, p, q] = (float)N();
                    var u = VecF(3); var v = VecF(2); var y = VecF(4, 0.5);
                    Bilinear = new object?[] { x, u, v, y };
                }

                {
                    Regressor = new Round27LinearRegressor(Vec(3), 0.2);
                    RegressorX = Mat(7, 3); RegressorY = Vec(7);
                }
                {
                    Classifier = new Round27LogisticClassifier(3) { Weights = VecF(3), Bias = -0.1f };
                    ClassifierX = MatF(8, 3, 2.0); ClassifierLabels = Labels(8, 2);
                }

                {
                    var levels = Positive(6, 0.0, 3.0);
                    Helmholtz = new object?[] { levels, 0.8 };
                }
                {
                    var dirs = Mat(5, 3); var az = new double[5]; var el = new double[5];
                    for (int i = 0; i < 5; i++) { az[i] = N(Math.PI); el[i] = N(Math.PI / 2 * 0.9); }
                    Angular = new object?[] { dirs, az, el };
                }
                {
                    var yv = Vec(6, 2.0); var pt = Positive(6, 0.2, 2.0); double m = 0.1396;
                    var e = new double[6]; var pz = new double[6];
                    for (int i = 0; i < 6; i++) { double mT = Math.Sqrt(m * m + pt[i] * pt[i]); double yt = yv[i] + N(0.1); e[i] = mT * Math.Cosh(yt); pz[i] = mT * Math.Sinh(yt); }
                    Rapidity = new object?[] { yv, pt, m, e, pz };
                }
                {
                    double[] freqs = { 125, 250, 500, 1000, 2000, 4000, 8000 };
                    var pp = Positive(7, 1e-4, 1.0); var tp = Positive(7, 1e-4, 1.0);
                    Spectral = new object?[] { pp, tp, freqs };
                }

                {
                    var gen = Vec(20, 1.5); var refd = Vec(20, 1.0);
                    GaussianKl = new object?[] { gen, refd };
                }
                {
                    MahalanobisX = Vec(4); MahalanobisMean = Vec(4, 0.5); MahalanobisInverseVariance = Positive(4, 0.5, 2.0);
                }
                {
                    var w = Vec(16, 0.5);
                    Quantization = new object?[] { w, 4, 0.5 };
                }
                {
                    var series = new double[15]; for (int t = 0; t < 15; t++) series[t] = Math.Sin(0.4 * t) + N(0.1);
                    MovingAverage = new object?[] { series, 3 };
                }

                {
                    var hz = Positive(8, 0.005, 0.03);
                    DefaultProbability = new object?[] { hz, 1.0, 5.5 };
                }
                {
                    var w = new[] { 0.5, 0.3, 0.2 }; var lr = Mat(10, 3, 0.02); var bench = Vec(10, 0.015);
                    TrackingError = new object?[] { w, lr, bench };
                }
                {
                    var w = new[] { 0.4, 0.35, 0.25 };
                    var rets = new double[20][]; for (int t = 0; t < 20; t++) rets[t] = new[] { 0.0005 + N(0.01), 0.0003 + N(0.015), 0.0001 + N(0.005) };
                    Sharpe = new object?[] { w, rets, 0.0001 };
                }
            }
        }

        [Fact]
        public void Sample_replays_the_batch()
        {
            // the values batch 27's Program.cs printed (G10), from the user's methods at these inputs
            var s = new Sample();
            double V(string name, object?[] a) => Convert.ToDouble(typeof(NaturalRound27).GetMethod(name)!.Invoke(null, MethodOracle.Clone(a)));
            var (loss, accuracy) = NaturalRound27.SoftmaxLossAndAccuracy(s.AccuracyLogits, s.AccuracyLabels);
            var dense = (float[])MethodOracle.DeepClone(s.Dense[3])!;
            NaturalRound27.DenseLayerForward((float[])s.Dense[0]!, (float[,])s.Dense[1]!, (float[])s.Dense[2]!, dense);
            double lambda = 0.01;
            var printed = new (double Value, double Expected)[]
            {
                (V("SoftmaxCrossEntropyLoss", s.SoftmaxCrossEntropy), 1.211208777),
                (loss, 1.468998329),
                (accuracy, 0.375),
                (V("MaskedBinaryFocalLoss", s.MaskedFocal), 0.2763093114),
                (V("WeightedMulticlassHingeLoss", s.Hinge), 1.839621975),
                (V("DistillationKlDivergence", s.Distillation), 0.5057646916),
                (V("CosineEmbeddingLoss", s.CosinePlus), 0.2022017241),
                (NaturalRound27.CosineEmbeddingLoss(s.CosineA, s.CosineA, -1, 0.2f), 0.7999999523),
                (V("HuberLoss", s.Huber), 0.9193655071),
                (V("TruncatedSquaredLoss", s.Truncated), 1.456694484),
                (V("SmoothL1Loss", s.SmoothL1), 4.154767886),
                (V("SwishRegressionLoss", s.Swish), 0.03510495195),
                (V("MaskedMeanSquaredError", s.MaskedMse), 0.6659619488),
                (V("NanSkippingMeanAbsoluteError", s.NanMae), 0.2873773277),
                (V("PiecewiseLinearCalibrationLoss", s.Calibration), 0.1518274099),
                (V("SymlogClippedLoss", s.Symlog), 1.921913933),
                (V("MeanAbsolutePercentageError", s.Mape), 6.025286326),
                (V("DecayWeightedForecastError", s.DecayWeighted), 0.006134692964),
                (NaturalRound27.ElasticNetPenalty(s.ElasticWeights, in lambda, 0.5), 0.02853360718),
                (V("MlpRowRegressionLoss", s.Mlp), 0.3136847317),
                (V("AttentionRowLoss", s.Attention), 0.3959049146),
                (V("MaxPool1dLoss", s.MaxPool), 0.544035852),
                (dense[0] + dense[1] + dense[2], 0.2014530897),
                (NaturalRound27.LayerNormSquaredError(s.LayerNormX, s.LayerNormTarget, new double[8], 1.1, 0.05), 1.80115704),
                (V("BilinearScoreLoss", s.Bilinear), 0.1920879483),
                (s.Regressor.MeanSquaredLoss(s.RegressorX, s.RegressorY), 0.5620533641),
                (s.Classifier.NegativeLogLikelihood(s.ClassifierX, s.ClassifierLabels), 0.844362855),
                (V("HelmholtzFreeEnergy", s.Helmholtz), -0.2361248242),
                (NaturalRound27.KeplerOrbitPositionError(1.2, 0.3, 1.5, 0.2, 1.3), 0.3107640401),
                (NaturalRound27.BarrierCrossingTime(0.0, 1.0, 4.0, 0.3, 0.4, 0.01, 1000), 0.5236280789),
                (NaturalRound27.GaussLegendreSpringWork(2.0, 0.5, 0.0, 1.5), 2.8828125),
                (V("AngularSeparationLoss", s.Angular), 1.543972761),
                (V("RapidityKinematicsLoss", s.Rapidity), 0.005491250768),
                (V("SpectralLoudnessLoss", s.Spectral), 9.574701747),
                (V("GaussianKlFromMoments", s.GaussianKl), 0.2758072433),
                (NaturalRound27.DiagonalMahalanobisDistance(s.MahalanobisX, s.MahalanobisMean, s.MahalanobisInverseVariance), 1.044456147),
                (V("FixedPointQuantizationError", s.Quantization), 0.0006664308227),
                (V("MovingAverageSmoothnessPenalty", s.MovingAverage), 0.07159622095),
                (NaturalRound27.BondPricingError(0.025, 3.0, 100.0, 10, 103.5), 0.7674320046),
                (V("CumulativeDefaultProbability", s.DefaultProbability), 0.1189255892),
                (V("LogReturnTrackingError", s.TrackingError), 0.007045728441),
                (V("PortfolioSharpeRatioLoss", s.Sharpe), -1.196535517),
            };
            for (int k = 0; k < printed.Length; k++)
                Assert.True(Math.Abs(printed[k].Value - printed[k].Expected) <= 1e-9 * Math.Abs(printed[k].Expected), $"entry {k}: {printed[k].Value:R} against the printed {printed[k].Expected:R}");
        }

        // ------------------------------------------------------------ ClassificationLosses

        [Fact] public void SoftmaxCrossEntropyLoss() => Check("SoftmaxCrossEntropyLoss", new Sample().SoftmaxCrossEntropy);

        [Fact]
        public void SoftmaxCrossEntropyLoss_bad_input()
        {
            var a = new Sample().SoftmaxCrossEntropy;
            a[3] = ((int[])a[3]!).Take(5).ToArray(); // 5 labels for 6 rows
            Bad<ArgumentException>("SoftmaxCrossEntropyLoss", "labels", a);
        }

        [Theory]
        [InlineData(0.0)]
        [InlineData(-0.7)]
        public void SoftmaxLossAndAccuracy(double accuracyUpstream)
        {
            // a tuple (loss, accuracy): Backward takes the upstream gradient of accuracy (a step function: it adds nothing), by hand
            var s = new Sample();
            var logits = s.AccuracyLogits;
            var labels = s.AccuracyLabels;
            var before = TestData.Clone(logits);
            var expected = NaturalRound27.SoftmaxLossAndAccuracy(logits, labels);
            var f = NaturalRound27.SoftmaxLossAndAccuracyForward(logits, labels);
            DiffGen.Tests.Check.Forward(expected.loss, f.loss, "Forward.loss");
            DiffGen.Tests.Check.Forward(expected.accuracy, f.accuracy, "Forward.accuracy");
            var g = TestData.Garbage(logits);
            var b = NaturalRound27.SoftmaxLossAndAccuracyBackward(logits, labels, g, accuracyUpstream);
            DiffGen.Tests.Check.Forward(expected.loss, b.loss, "Backward.loss");
            DiffGen.Tests.Check.Forward(expected.accuracy, b.accuracy, "Backward.accuracy");
            DiffGen.Tests.Check.Unchanged(before, logits, "logits");
            Assert.True(expected.accuracy > 0 && expected.accuracy < 1, "the sample has right and wrong predictions");
            double Pulled() { var r = NaturalRound27.SoftmaxLossAndAccuracy(logits, labels); return r.loss + accuracyUpstream * r.accuracy; }
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(Pulled, logits), g, "dlogits");
            const double seed = -2.5;
            var gs = TestData.Garbage(logits);
            NaturalRound27.SoftmaxLossAndAccuracyBackward(logits, labels, gs, seed * accuracyUpstream, seed);
            DiffGen.Tests.Check.Scaled(g, gs, seed, "dlogits");
        }

        [Fact] public void MaskedBinaryFocalLoss() => Check("MaskedBinaryFocalLoss", new Sample().MaskedFocal);

        [Fact]
        public void MaskedBinaryFocalLoss_nothing_masked_in()
        {
            var a = new Sample().MaskedFocal;
            a[2] = new bool[10]; // used == 0: returns 0
            Check("MaskedBinaryFocalLoss", a);
        }

        [Fact] public void WeightedMulticlassHingeLoss() => Check("WeightedMulticlassHingeLoss", new Sample().Hinge);

        [Fact] public void DistillationKlDivergence() => Check("DistillationKlDivergence", new Sample().Distillation);

        [Fact]
        public void DistillationKlDivergence_bad_input()
        {
            var a = new Sample().Distillation;
            a[1] = ((double[])a[1]!).Take(4).ToArray();
            Bad<ArgumentException>("DistillationKlDivergence", null, a);
        }

        [Fact] public void CosineEmbeddingLoss() => Check("CosineEmbeddingLoss", new Sample().CosinePlus);

        [Fact]
        public void CosineEmbeddingLoss_dissimilar_label_at_a_itself()
        {
            // the sample's second call, (a, a, -1): cos = 1 - tiny, the gradient (near) zero
            var s = new Sample();
            Check("CosineEmbeddingLoss", s.CosineA, (float[])s.CosineA.Clone(), -1, 0.2f);
        }

        [Fact]
        public void CosineEmbeddingLoss_dissimilar_label_past_the_margin()
        {
            // label -1 with b near a (cos ≈ 0.95 > margin): the cos - margin side, a gradient of size
            var s = new Sample();
            var b = s.CosineA.Select((v, i) => v + 0.3f * s.CosineB[i]).ToArray();
            Assert.True(NaturalRound27.CosineEmbeddingLoss(s.CosineA, b, -1, 0.2f) > 0.5f, "cos - margin > 0.5");
            Check("CosineEmbeddingLoss", s.CosineA, b, -1, 0.2f);
        }

        // ------------------------------------------------------------ RegressionLosses

        [Fact] public void HuberLoss() => Check("HuberLoss", new Sample().Huber);

        [Fact]
        public void HuberLoss_bad_input()
        {
            var a = new Sample().Huber;
            a[1] = ((double[])a[1]!).Take(11).ToArray();
            Bad<ArgumentException>("HuberLoss", null, a);
        }

        [Fact] public void TruncatedSquaredLoss() => Check("TruncatedSquaredLoss", new Sample().Truncated);

        [Fact] public void SmoothL1Loss() => Check("SmoothL1Loss", new Sample().SmoothL1);

        [Fact] public void SwishRegressionLoss() => Check("SwishRegressionLoss", new Sample().Swish);

        [Fact] public void MaskedMeanSquaredError() => Check("MaskedMeanSquaredError", new Sample().MaskedMse);

        [Fact]
        public void MaskedMeanSquaredError_nothing_masked_in()
        {
            var a = new Sample().MaskedMse;
            a[2] = new bool[10]; // count == 0: returns 0
            Check("MaskedMeanSquaredError", a);
        }

        [Fact] public void NanSkippingMeanAbsoluteError() => Check("NanSkippingMeanAbsoluteError", new Sample().NanMae);

        [Fact]
        public void NanSkippingMeanAbsoluteError_every_target_missing()
        {
            var a = new Sample().NanMae;
            a[1] = Enumerable.Repeat(float.NaN, 10).ToArray(); // valid == 0: returns 0
            Check("NanSkippingMeanAbsoluteError", a);
        }

        [Fact] public void PiecewiseLinearCalibrationLoss() => Check("PiecewiseLinearCalibrationLoss", new Sample().Calibration);

        [Fact] public void SymlogClippedLoss() => Check("SymlogClippedLoss", new Sample().Symlog);

        [Fact]
        public void SymlogClippedLoss_bad_input()
        {
            var a = new Sample().Symlog;
            a[0] = ((double[])a[0]!).Take(9).ToArray();
            Bad<ArgumentException>("SymlogClippedLoss", null, a);
        }

        [Fact] public void MeanAbsolutePercentageError() => Check("MeanAbsolutePercentageError", new Sample().Mape);

        [Fact] public void MeanAbsolutePercentageError_no_observation() => Bad<ArgumentException>("MeanAbsolutePercentageError", "actual", new double[0], new double[0]);

        [Fact]
        public void MeanAbsolutePercentageError_lengths_differ()
        {
            var a = new Sample().Mape;
            a[0] = ((double[])a[0]!).Take(9).ToArray();
            Bad<ArgumentException>("MeanAbsolutePercentageError", "forecast", a);
        }

        [Fact] public void DecayWeightedForecastError() => Check("DecayWeightedForecastError", new Sample().DecayWeighted);

        [Fact] public void ElasticNetPenalty() => Check("ElasticNetPenalty", new Sample().ElasticWeights, 0.01, 0.5);

        // ------------------------------------------------------------ NeuralLayers

        [Fact] public void MlpRowRegressionLoss() => Check("MlpRowRegressionLoss", new Sample().Mlp);

        [Fact] public void AttentionRowLoss() => Check("AttentionRowLoss", new Sample().Attention);

        [Fact] public void MaxPool1dLoss() => Check("MaxPool1dLoss", new Sample().MaxPool);

        [Fact] public void DenseLayerForward() => Check("DenseLayerForward", new Sample().Dense);

        [Fact]
        public void DenseLayerForward_bad_input()
        {
            var a = new Sample().Dense;
            a[3] = new float[2]; // output of 2 for 3 units
            Bad<ArgumentException>("DenseLayerForward", null, a);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void LayerNormSquaredError(bool slices)
        {
            // ReadOnlySpan<double> x and target, a Span<double> output buffer normalized (its upstream a ReadOnlySpan), by hand
            // with arrays (or slices of longer arrays): L = seed · value + Σ u · normalized
            var s = new Sample();
            var x = s.LayerNormX;
            var target = s.LayerNormTarget;
            const double gamma = 1.1, beta = 0.05;
            int n = x.Length;
            var rng = new Random(1);
            var u = Enumerable.Range(0, n).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
            int off = slices ? 2 : 0;
            double[] Long(double[] a, double pad) => Enumerable.Repeat(pad, off).Concat(a).Concat(Enumerable.Repeat(pad, off)).ToArray();
            var xs = Long(x, 9.0);
            var ts = Long(target, -9.0);
            Span<double> X(double[] a) => a.AsSpan(off, n);

            var buf = new double[n];
            double value = NaturalRound27.LayerNormSquaredError(x, target, buf, gamma, beta);
            var fbuf = Long(new double[n], double.NaN);
            DiffGen.Tests.Check.Forward(value, NaturalRound27.LayerNormSquaredErrorForward(X(xs), X(ts), X(fbuf), gamma, beta), "Forward");
            for (int i = 0; i < n; i++) DiffGen.Tests.Check.Forward(buf[i], fbuf[off + i], $"Forward normalized[{i}]");

            (double Value, double[] Normalized, double[] Gx, double[] Gt, double Ggamma, double Gbeta) Back(double seed)
            {
                var b = Long(new double[n], double.NaN);
                var gx = Long(new double[n], double.NaN);
                var gt = Long(new double[n], double.NaN);
                var up = Long(u.Select(v => seed * v).ToArray(), double.NaN);
                double v = NaturalRound27.LayerNormSquaredErrorBackward(X(xs), X(ts), X(b), gamma, beta, X(gx), X(gt), X(up), out double gg, out double gb, seed);
                if (slices) Assert.True(double.IsNaN(gx[0]) && double.IsNaN(gx[^1]) && double.IsNaN(gt[1]) && double.IsNaN(b[^2]), "Backward wrote outside a slice");
                return (v, b.Skip(off).Take(n).ToArray(), gx.Skip(off).Take(n).ToArray(), gt.Skip(off).Take(n).ToArray(), gg, gb);
            }

            var r = Back(1.0);
            DiffGen.Tests.Check.Forward(value, r.Value, "Backward value");
            for (int i = 0; i < n; i++) DiffGen.Tests.Check.Forward(buf[i], r.Normalized[i], $"Backward normalized[{i}]");
            Assert.Equal(Long(s.LayerNormX, 9.0), xs);
            Assert.Equal(Long(s.LayerNormTarget, -9.0), ts);

            double L(double g, double be)
            {
                var nb = new double[n];
                double v = NaturalRound27.LayerNormSquaredError(x, target, nb, g, be);
                for (int i = 0; i < n; i++) v += u[i] * nb[i];
                return v;
            }
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => L(gamma, beta), x), r.Gx, "dx");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => L(gamma, beta), target), r.Gt, "dtarget");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(g => L(g, beta), gamma), r.Ggamma, "dgamma");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(be => L(gamma, be), beta), r.Gbeta, "dbeta");

            const double seedValue = -2.5;
            var sc = Back(seedValue);
            DiffGen.Tests.Check.Scaled(r.Gx, sc.Gx, seedValue, "dx");
            DiffGen.Tests.Check.Scaled(r.Gt, sc.Gt, seedValue, "dtarget");
            DiffGen.Tests.Check.Scaled(r.Ggamma, sc.Ggamma, seedValue, "dgamma");
            DiffGen.Tests.Check.Scaled(r.Gbeta, sc.Gbeta, seedValue, "dbeta");
        }

        [Fact] public void BilinearScoreLoss() => Check("BilinearScoreLoss", new Sample().Bilinear);

        // ------------------------------------------------------------ Models (instance methods, by hand)

        [Fact]
        public void LinearRegressorMeanSquaredLoss()
        {
            // an instance method reading private fields (_weights, _bias), differentiated in x and y
            var s = new Sample();
            var model = s.Regressor;
            var x = s.RegressorX;
            var y = s.RegressorY;
            var before = (TestData.Clone(x), TestData.Clone(y));
            double value = model.MeanSquaredLoss(x, y);
            DiffGen.Tests.Check.Forward(value, model.MeanSquaredLossForward(x, y), "Forward");
            var gx = TestData.Garbage(x);
            var gy = TestData.Garbage(y);
            DiffGen.Tests.Check.Forward(value, model.MeanSquaredLossBackward(x, y, gx, gy), "Backward value");
            DiffGen.Tests.Check.Unchanged(before.Item1, x, "x");
            DiffGen.Tests.Check.Unchanged(before.Item2, y, "y");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => model.MeanSquaredLoss(x, y), x), gx, "dx");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => model.MeanSquaredLoss(x, y), y), gy, "dy");
            const double seed = -2.5;
            var sx = TestData.Garbage(x);
            var sy = TestData.Garbage(y);
            model.MeanSquaredLossBackward(x, y, sx, sy, seed);
            DiffGen.Tests.Check.Scaled(gx, sx, seed, "dx");
            DiffGen.Tests.Check.Scaled(gy, sy, seed, "dy");
        }

        [Fact]
        public void LogisticClassifierNegativeLogLikelihood()
        {
            // a float instance method reading auto-properties (Weights, Bias), differentiated in x: central differences of its
            // double twin at the widened inputs
            var s = new Sample();
            var clf = s.Classifier;
            var x = s.ClassifierX;
            var labels = s.ClassifierLabels;
            var before = TestData.Clone(x);
            float value = clf.NegativeLogLikelihood(x, labels);
            DiffGen.Tests.Check.Near(value, clf.NegativeLogLikelihoodForward(x, labels), DiffGen.Tests.Check.FloatForwardTol, "Forward");
            var g = TestData.Garbage(x);
            DiffGen.Tests.Check.Near(value, clf.NegativeLogLikelihoodBackward(x, labels, g), DiffGen.Tests.Check.FloatForwardTol, "Backward value");
            DiffGen.Tests.Check.Unchanged(before, x, "x");
            var xd = TestData.ToDouble(x);
            DiffGen.Tests.Check.Near(clf.NegativeLogLikelihoodTwin(xd, labels), value, DiffGen.Tests.Check.FloatForwardTol, "the double twin");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => clf.NegativeLogLikelihoodTwin(xd, labels), xd), g, "dx");
            const float seed = -2.5f;
            var gs = TestData.Garbage(x);
            clf.NegativeLogLikelihoodBackward(x, labels, gs, seed);
            DiffGen.Tests.Check.Scaled(TestData.ToDouble(g), TestData.ToDouble(gs), seed, "dx", 1e-5);
        }

        // ------------------------------------------------------------ PhysicsObjectives

        [Fact] public void HelmholtzFreeEnergy() => Check("HelmholtzFreeEnergy", new Sample().Helmholtz);

        [Theory]
        [InlineData(0.3)] // the sample's: Newton from E = M
        [InlineData(0.9)] // eccentricity >= 0.8: Newton from E = pi, more iterations
        public void KeplerOrbitPositionError(double eccentricity) => Check("KeplerOrbitPositionError", 1.2, eccentricity, 1.5, 0.2, 1.3);

        [Theory]
        [InlineData(0.1, 0.04, 0.03, 0.4, 0.1)] // the sample's trajectory in time units of 10: returns from the loop at step 52
        [InlineData(1.0, 4.0, 0.3, 0.6, 0.01)]  // the sample's, barrier above the amplitude (≈ 0.5): the loop runs out, maxSteps · dt
        public void BarrierCrossingTime(double v0, double stiffness, double damping, double barrier, double dt) =>
            Check("BarrierCrossingTime", 0.0, v0, stiffness, damping, barrier, dt, 1000);

        [Fact] public void GaussLegendreSpringWork() => Check("GaussLegendreSpringWork", 2.0, 0.5, 0.0, 1.5);

        [Fact] public void AngularSeparationLoss() => Check("AngularSeparationLoss", new Sample().Angular);

        [Fact] public void RapidityKinematicsLoss() => Check("RapidityKinematicsLoss", new Sample().Rapidity);

        [Theory]
        [InlineData(1.0)] // the sample's frequencies: 1000 Hz sits on the kink of |log2(f / 1000)| (see the class comment)
        [InlineData(1.1)] // every frequency 10% higher, off the kink
        public void SpectralLoudnessLoss(double frequencyScale)
        {
            var a = new Sample().Spectral;
            a[2] = ((double[])a[2]!).Select(f => f * frequencyScale).ToArray();
            Check("SpectralLoudnessLoss", a);
        }

        // ------------------------------------------------------------ StatisticalLosses

        [Fact] public void GaussianKlFromMoments() => Check("GaussianKlFromMoments", new Sample().GaussianKl);

        [Fact]
        public void GaussianKlFromMoments_bad_input()
        {
            // the helper's guard (its own parameter named x), inlined
            var a = new Sample().GaussianKl;
            a[1] = new[] { 0.5 };
            Bad<ArgumentException>("GaussianKlFromMoments", "x", a);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void DiagonalMahalanobisDistance(bool slices)
        {
            // three ReadOnlySpan<double> (Span gradients), by hand with arrays (or slices of longer arrays)
            var s = new Sample();
            var x = s.MahalanobisX;
            var mean = s.MahalanobisMean;
            var iv = s.MahalanobisInverseVariance;
            int n = x.Length, off = slices ? 1 : 0;
            double[] Long(double[] a, double pad) => Enumerable.Repeat(pad, off).Concat(a).Concat(Enumerable.Repeat(pad, 2 * off)).ToArray();
            Span<double> X(double[] a) => a.AsSpan(off, n);
            var (xl, ml, il) = (Long(x, 7.0), Long(mean, -7.0), Long(iv, 3.0));
            double F() => NaturalRound27.DiagonalMahalanobisDistance(x, mean, iv);
            double value = F();
            DiffGen.Tests.Check.Forward(value, NaturalRound27.DiagonalMahalanobisDistanceForward(X(xl), X(ml), X(il)), "Forward");

            (double Value, double[] Gx, double[] Gm, double[] Gi) Back(double seed)
            {
                var (gx, gm, gi) = (Long(new double[n], double.NaN), Long(new double[n], double.NaN), Long(new double[n], double.NaN));
                double v = NaturalRound27.DiagonalMahalanobisDistanceBackward(X(xl), X(ml), X(il), X(gx), X(gm), X(gi), seed);
                if (slices) Assert.True(double.IsNaN(gx[0]) && double.IsNaN(gm[^1]) && double.IsNaN(gi[^2]), "Backward wrote outside a slice");
                return (v, gx.Skip(off).Take(n).ToArray(), gm.Skip(off).Take(n).ToArray(), gi.Skip(off).Take(n).ToArray());
            }

            var r = Back(1.0);
            DiffGen.Tests.Check.Forward(value, r.Value, "Backward value");
            Assert.Equal(Long(s.MahalanobisX, 7.0), xl);
            Assert.Equal(Long(s.MahalanobisMean, -7.0), ml);
            Assert.Equal(Long(s.MahalanobisInverseVariance, 3.0), il);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(F, x), r.Gx, "dx");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(F, mean), r.Gm, "dmean");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(F, iv), r.Gi, "dinverseVariance");
            const double seedValue = -2.5;
            var sc = Back(seedValue);
            DiffGen.Tests.Check.Scaled(r.Gx, sc.Gx, seedValue, "dx");
            DiffGen.Tests.Check.Scaled(r.Gm, sc.Gm, seedValue, "dmean");
            DiffGen.Tests.Check.Scaled(r.Gi, sc.Gi, seedValue, "dinverseVariance");
        }

        [Fact]
        public void DiagonalMahalanobisDistance_bad_input()
        {
            // spans of different lengths: ArgumentException naming no parameter, from the method, Forward and Backward
            var s = new Sample();
            var (x, mean, iv) = (s.MahalanobisX, s.MahalanobisMean, s.MahalanobisInverseVariance);
            var expected = Assert.Throws<ArgumentException>(() => NaturalRound27.DiagonalMahalanobisDistance(x, mean.AsSpan(1), iv));
            Assert.Null(expected.ParamName);
            var f = Assert.Throws<ArgumentException>(() => NaturalRound27.DiagonalMahalanobisDistanceForward(x, mean.AsSpan(1), iv));
            Assert.Equal(expected.Message, f.Message);
            var b = Assert.Throws<ArgumentException>(() => NaturalRound27.DiagonalMahalanobisDistanceBackward(x, mean.AsSpan(1), iv,
                new double[x.Length], new double[mean.Length - 1], new double[iv.Length]));
            Assert.Equal(expected.Message, b.Message);
        }

        [Fact] public void FixedPointQuantizationError() => Check("FixedPointQuantizationError", new Sample().Quantization);

        [Fact]
        public void FixedPointQuantizationError_bad_input()
        {
            var a = new Sample().Quantization;
            a[1] = -1;
            Bad<ArgumentOutOfRangeException>("FixedPointQuantizationError", "fractionalBits", a);
        }

        [Fact] public void MovingAverageSmoothnessPenalty() => Check("MovingAverageSmoothnessPenalty", new Sample().MovingAverage);

        // the generated entry points check "series" for null before the method's own ArgumentNullException.ThrowIfNull(series), with
        // .NET's message (the same exception, message and parameter name)
        [Fact]
        public void MovingAverageSmoothnessPenalty_null_series() => Bad<ArgumentNullException>("MovingAverageSmoothnessPenalty", "series", null, 3);

        [Fact]
        public void MovingAverageSmoothnessPenalty_null_series_type_and_parameter()
        {
            // what does hold (the contract of earlier rounds' null checks): ArgumentNullException naming 'series' from all three
            var expected = Assert.Throws<ArgumentNullException>(() => NaturalRound27.MovingAverageSmoothnessPenalty((double[])null!, 3));
            var f = Assert.Throws<ArgumentNullException>(() => NaturalRound27.MovingAverageSmoothnessPenaltyForward((double[])null!, 3));
            var b = Assert.Throws<ArgumentNullException>(() => NaturalRound27.MovingAverageSmoothnessPenaltyBackward((double[])null!, 3, (double[])null!));
            Assert.Equal("series", expected.ParamName);
            Assert.Equal("series", f.ParamName);
            Assert.Equal("series", b.ParamName);
        }

        [Fact]
        public void MovingAverageSmoothnessPenalty_window_zero()
        {
            var a = new Sample().MovingAverage;
            a[1] = 0;
            Bad<ArgumentOutOfRangeException>("MovingAverageSmoothnessPenalty", "window", a);
        }

        [Fact]
        public void MovingAverageSmoothnessPenalty_series_shorter_than_the_window()
        {
            var a = new Sample().MovingAverage;
            a[1] = 16;
            Bad<ArgumentException>("MovingAverageSmoothnessPenalty", "series", a);
        }

        // ------------------------------------------------------------ FinanceObjectives

        [Theory]
        [InlineData(10)] // the sample's
        [InlineData(0)]  // the while loop never runs: price = face
        public void BondPricingError(int periods) => Check("BondPricingError", 0.025, 3.0, 100.0, periods, 103.5);

        [Fact] public void CumulativeDefaultProbability() => Check("CumulativeDefaultProbability", new Sample().DefaultProbability);

        [Fact]
        public void CumulativeDefaultProbability_horizon_past_the_curve()
        {
            var a = new Sample().DefaultProbability;
            a[2] = 10.5; // 8 periods of 1: the loop ends without the break
            Check("CumulativeDefaultProbability", a);
        }

        [Fact] public void LogReturnTrackingError() => Check("LogReturnTrackingError", new Sample().TrackingError);

        [Fact] public void PortfolioSharpeRatioLoss() => Check("PortfolioSharpeRatioLoss", new Sample().Sharpe);
    }
}
