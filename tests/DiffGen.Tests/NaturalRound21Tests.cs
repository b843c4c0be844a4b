using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 21 (<see cref="NaturalRound21"/>): the ninth probe batch, each accepted function checked as written by
    /// <see cref="MethodOracle"/> (float methods, and StftMagnitudeLoss's float signals, against their double twins), with the
    /// inputs of the batch's own check program at smaller sizes, and both branches of the option flags and modes. By hand
    /// (<see cref="Hand"/>): OrderedLogitNegLogLik without weights (a null optional array) and PipeNetworkHeadLoss, whose
    /// viscosity (1e-6 m²/s) and pipe roughness (1e-4 m) are smaller than the oracle's step, so central differences take a
    /// step relative to the value for those two. Bad input (<see cref="Bad{TEx}"/>): the method, its Forward and its Backward
    /// throw the same exception, with the same message and parameter name.
    /// </summary>
    public class NaturalRound21Tests
    {
        private static readonly Type T = typeof(NaturalRound21);

        private static void Check(string name, params object?[] args) => MethodOracle.Check(T, name, args);

        private static double[] V(int seed, int n, double lo = -1, double hi = 1)
        {
            var r = new Random(2100 + seed);
            return Enumerable.Range(0, n).Select(_ => lo + (hi - lo) * r.NextDouble()).ToArray();
        }
        private static double[,] M(int seed, int rows, int cols, double lo = -1, double hi = 1)
        {
            var v = V(seed, rows * cols, lo, hi);
            var m = new double[rows, cols];
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) m[i, j] = v[i * cols + j];
            return m;
        }
        private static double[,,] T3(int seed, int a, int b, int c, double lo = -1, double hi = 1)
        {
            var v = V(seed, a * b * c, lo, hi);
            var t = new double[a, b, c];
            for (int i = 0; i < a; i++) for (int j = 0; j < b; j++) for (int k = 0; k < c; k++) t[i, j, k] = v[(i * b + j) * c + k];
            return t;
        }
        private static double[][] J(int seed, int rows, int cols, double lo = -1, double hi = 1) =>
            Enumerable.Range(0, rows).Select(i => V(seed * 31 + i, cols, lo, hi)).ToArray();
        private static int[] I(int seed, int n, int max)
        {
            var r = new Random(2100 + seed);
            return Enumerable.Range(0, n).Select(_ => r.Next(max)).ToArray();
        }
        private static float[] F(double[] a) => TestData.ToFloat(a);
        private static float[,] F(double[,] a) => TestData.ToFloat(a);

        // ---- deep learning ----

        private static object?[] Lstm(int[] tokens, int padToken) =>
            new object?[] { J(1, 6, 4, -0.5, 0.5), M(2, 12, 4, -0.3, 0.3), M(3, 12, 3, -0.3, 0.3), V(4, 12, -0.1, 0.1), M(5, 6, 3, -0.3, 0.3), V(6, 6, -0.1, 0.1), tokens, padToken };

        [Theory]
        [InlineData(-1)]
        [InlineData(3)] // two of the next tokens are padding: skipped
        public void LstmLanguageModelLoss(int padToken) => Check("LstmLanguageModelLoss", Lstm(new[] { 0, 3, 1, 5, 2, 3, 4, 1, 0 }, padToken));

        [Fact]
        public void LstmLanguageModelLoss_bad_input()
        {
            Bad<ArgumentException>("LstmLanguageModelLoss", "tokens", Lstm(new[] { 2 }, -1));
            var a = Lstm(new[] { 0, 1, 2 }, -1);
            a[3] = V(4, 11);
            Bad<ArgumentException>("LstmLanguageModelLoss", null, a);
        }

        private static readonly int[] FocalLabels = { 0, -1, 2, -2, 3, -1, 1, -1, -2, 0, -1, 2 };

        [Theory]
        [InlineData(0.25, 2.0)]
        [InlineData(0.75, 1.5)]
        public void FocalDetectionLoss(double alpha, double gamma) => Check("FocalDetectionLoss", M(10, 12, 4, -2, 2), FocalLabels, alpha, gamma);

        [Fact]
        public void FocalDetectionLoss_bad_input()
        {
            Bad<ArgumentException>("FocalDetectionLoss", "labels", M(10, 12, 4), FocalLabels.Take(11).ToArray(), 0.25, 2.0);
            Bad<ArgumentException>("FocalDetectionLoss", "alpha", M(10, 12, 4), FocalLabels, 1.0, 2.0);
        }

        [Theory]
        [InlineData(4.0, 0.9)]
        [InlineData(1.0, 0.5)]
        public void DistillationLoss(double temperature, double alpha) => Check("DistillationLoss", J(20, 5, 6, -3, 3), J(21, 5, 6, -3, 3), I(22, 5, 6), temperature, alpha);

        [Fact]
        public void DistillationLoss_bad_input()
        {
            Bad<ArgumentException>("DistillationLoss", "studentLogits", new double[0][], new double[0][], new int[0], 4.0, 0.9);
            Bad<ArgumentException>("DistillationLoss", null, J(20, 5, 6), J(21, 4, 6), I(22, 5, 6), 4.0, 0.9);
        }

        private static object?[] Vae(NaturalRound21.VaeElboConfig config, double[][]? eps = null) => new object?[]
        {
            J(30, 3, 5, 0.05, 0.95), eps ?? J(31, 3, 2), M(32, 6, 5, -0.3, 0.3), V(33, 6, -0.1, 0.1), M(34, 2, 6, -0.3, 0.3), V(35, 2, -0.1, 0.1),
            M(36, 2, 6, -0.1, 0.1), V(37, 2, -0.1, 0.1), M(38, 5, 2, -0.3, 0.3), V(39, 5, -0.1, 0.1), config,
        };

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void VaeElbo(bool bernoulliDecoder) =>
            Check("VaeElbo", Vae(bernoulliDecoder ? new NaturalRound21.VaeElboConfig(1.0, true, 0.1) : new NaturalRound21.VaeElboConfig(0.5, false, 0.3)));

        [Fact]
        public void VaeElbo_bad_input()
        {
            var empty = Vae(new NaturalRound21.VaeElboConfig(1.0, true, 0.1));
            (empty[0], empty[1]) = (new double[0][], new double[0][]);
            Bad<ArgumentException>("VaeElbo", "x", empty);
            Bad<ArgumentException>("VaeElbo", "eps", Vae(new NaturalRound21.VaeElboConfig(1.0, true, 0.1), J(31, 3, 3)));
        }

        private static object?[] Conv1d(int poolSize, int denseWidth) => new object?[]
        {
            Enumerable.Range(0, 3).Select(k => M(40 + k, 2, 12)).ToArray(), new[] { 1, 3, 0 }, T3(43, 3, 2, 3, -0.5, 0.5), V(44, 3, -0.1, 0.1),
            M(45, 4, denseWidth, -0.3, 0.3), V(46, 4, -0.1, 0.1), poolSize,
        };

        [Theory]
        [InlineData(1, 30)] // convolutions of length 10: 3 channels x 10 / poolSize features
        [InlineData(2, 15)]
        [InlineData(3, 9)] // the last convolution output is not pooled
        public void Conv1dMaxPoolClassifier(int poolSize, int denseWidth) => Check("Conv1dMaxPoolClassifier", Conv1d(poolSize, denseWidth));

        [Fact]
        public void Conv1dMaxPoolClassifier_bad_input()
        {
            Bad<ArgumentException>("Conv1dMaxPoolClassifier", "poolSize", Conv1d(0, 15));
            var labels = Conv1d(2, 15);
            labels[1] = new[] { 1, 3 };
            Bad<ArgumentException>("Conv1dMaxPoolClassifier", "labels", labels);
            Bad<ArgumentException>("Conv1dMaxPoolClassifier", null, Conv1d(2, 14));
        }

        private static object?[] BatchNorm(int batch, int targets) =>
            new object?[] { M(50, batch, 3), V(51, targets), M(52, 3, 4, -0.5, 0.5), V(53, 4, 0.9, 1.1), V(54, 4, -0.1, 0.1), V(55, 4, -0.5, 0.5), 0.1, 1e-5 };

        [Fact]
        public void BatchNormTrainingLoss() => Check("BatchNormTrainingLoss", BatchNorm(8, 8));

        [Fact]
        public void BatchNormTrainingLoss_bad_input()
        {
            Bad<ArgumentException>("BatchNormTrainingLoss", "inputs", BatchNorm(1, 1));
            Bad<ArgumentException>("BatchNormTrainingLoss", "targets", BatchNorm(8, 7));
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)] // the first embedding points away from its class centre: cos(theta) below cos(pi - m), the fallback cos - mm
        public void ArcFaceLoss(bool opposite)
        {
            var embeddings = J(60, 5, 6);
            var centers = J(61, 4, 6);
            var labels = I(62, 5, 4);
            if (opposite) embeddings[0] = centers[labels[0]].Select((c, d) => -c + 0.05 * Math.Cos(d)).ToArray();
            Check("ArcFaceLoss", embeddings, centers, labels, 64.0, 0.5);
        }

        [Fact]
        public void ArcFaceLoss_bad_input()
        {
            Bad<ArgumentException>("ArcFaceLoss", "labels", J(60, 5, 6), J(61, 4, 6), I(62, 4, 4), 64.0, 0.5);
            Bad<ArgumentException>("ArcFaceLoss", "classCenters", J(60, 5, 6), J(61, 1, 6), new int[5], 64.0, 0.5);
        }

        private static bool[] Valid(int n) => Enumerable.Range(0, n).Select(i => i % 7 != 0).ToArray();

        [Theory]
        [InlineData("dice")]
        [InlineData("iou")]
        [InlineData("tversky")]
        public void DiceSegmentationLoss(string mode) => Check("DiceSegmentationLoss", M(70, 20, 3, -2, 2), I(71, 20, 3), Valid(20), mode, 0.5, 1.0, 0.7);

        [Fact]
        public void DiceSegmentationLoss_no_valid_pixel_is_zero() => Check("DiceSegmentationLoss", M(70, 20, 3, -2, 2), I(71, 20, 3), new bool[20], "dice", 0.5, 1.0, 0.7);

        [Fact]
        public void DiceSegmentationLoss_bad_input()
        {
            Bad<ArgumentException>("DiceSegmentationLoss", "mode", M(70, 20, 3), I(71, 20, 3), Valid(20), "focal", 0.5, 1.0, 0.7);
            Bad<ArgumentException>("DiceSegmentationLoss", null, M(70, 20, 3), I(71, 20, 3), Valid(19), "dice", 0.5, 1.0, 0.7);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        public void MixtureDensityLoss(int numComponents) => Check("MixtureDensityLoss", J(80 + numComponents, 5, numComponents * 5), J(84, 5, 2), numComponents, 1e-3);

        [Fact]
        public void MixtureDensityLoss_bad_input()
        {
            Bad<ArgumentException>("MixtureDensityLoss", "numComponents", J(81, 5, 5), J(84, 5, 2), 0, 1e-3);
            Bad<ArgumentException>("MixtureDensityLoss", null, J(81, 5, 9), J(84, 5, 2), 2, 1e-3);
            Bad<ArgumentException>("MixtureDensityLoss", null, J(81, 5, 5), J(84, 4, 2), 1, 1e-3);
        }

        // ---- statistics ----

        [Theory]
        [InlineData(0.1, 0.08, 0.9, 5)]
        [InlineData(0.1, 0.1, 0.95, 0)] // alpha + beta above 0.999: the stationarity penalty
        [InlineData(-0.05, 0.08, 0.85, 5)] // omega below zero: its penalty, |omega| in the recursion
        public void Garch11NegLogLik(double omega, double alpha, double beta, int burnIn) =>
            // returns in percent (the author's were fractions, 0.02, with omega = 1e-5: the oracle's step of 1e-6 is a tenth of omega)
            Check("Garch11NegLogLik", V(90, 60, -2, 2), 0.05, omega, alpha, beta, burnIn);

        [Fact]
        public void Garch11NegLogLik_bad_input()
        {
            Bad<ArgumentException>("Garch11NegLogLik", "returns", V(90, 9), 0.05, 0.1, 0.08, 0.9, 0);
            Bad<ArgumentException>("Garch11NegLogLik", "burnIn", V(90, 60), 0.05, 0.1, 0.08, 0.9, 60);
        }

        private static object?[] Ordered(double[]? weights, int[]? y = null, double[]? coef = null) =>
            new object?[] { M(100, 30, 3), y ?? I(101, 30, 5), coef ?? V(102, 3, -0.5, 0.5), -1.0, V(103, 3, -0.3, 0.3), weights, 0.01 };

        [Fact] public void OrderedLogitNegLogLik() => Check("OrderedLogitNegLogLik", Ordered(V(104, 30, 0.5, 1.5)));

        [Fact] public void OrderedLogitNegLogLik_without_weights() => Hand("OrderedLogitNegLogLik", Ordered(null));

        [Fact]
        public void OrderedLogitNegLogLik_bad_input()
        {
            Bad<ArgumentException>("OrderedLogitNegLogLik", "y", Ordered(null, I(101, 29, 5)));
            Bad<ArgumentException>("OrderedLogitNegLogLik", "coef", Ordered(null, coef: V(102, 2)));
            Bad<ArgumentException>("OrderedLogitNegLogLik", "weights", Ordered(V(104, 29, 0.5, 1.5)));
            var y = I(101, 30, 5);
            y[4] = 5;
            Bad<ArgumentException>("OrderedLogitNegLogLik", null, Ordered(null, y));
        }

        private static object?[] Hierarchical(int[] group) =>
            new object?[] { J(110, 20, 3), V(111, 20), group, 0.3, V(112, 3), V(113, 4, -0.5, 0.5), 0.0, -0.5, 5.0, 2.5 };

        [Fact] public void HierarchicalGroupOffsets() => Check("HierarchicalGroupOffsets", Hierarchical(I(114, 20, 4)));

        [Fact]
        public void HierarchicalGroupOffsets_bad_input()
        {
            var group = I(114, 20, 4);
            group[7] = 4;
            Bad<ArgumentException>("HierarchicalGroupOffsets", "group", Hierarchical(group));
            Bad<ArgumentException>("HierarchicalGroupOffsets", null, Hierarchical(I(114, 19, 4)));
        }

        [Theory]
        [InlineData(0.2)]
        [InlineData(1.5)] // strong dependence
        public void ClaytonCopulaNegLogLik(double logTheta) => Check("ClaytonCopulaNegLogLik", V(120, 15, 0.1, 5), V(121, 15, 0.1, 5), 0.0, -0.3, logTheta);

        [Fact]
        public void ClaytonCopulaNegLogLik_bad_input()
        {
            var t2 = V(121, 15, 0.1, 5);
            t2[3] = 0.0;
            Bad<ArgumentException>("ClaytonCopulaNegLogLik", null, V(120, 15, 0.1, 5), t2, 0.0, -0.3, 0.2);
            Bad<ArgumentException>("ClaytonCopulaNegLogLik", null, V(120, 15, 0.1, 5), V(121, 14, 0.1, 5), 0.0, -0.3, 0.2);
        }

        [Theory]
        [InlineData(1, null)] // sigma profiled out
        [InlineData(1, 0.2)] // the full Gaussian likelihood (a nullable scalar: data, it has no gradient)
        [InlineData(2, null)] // MA(2): the pre-sample break
        public void ArmaCssNegLogLik(int maOrder, double? logSigma) =>
            Check("ArmaCssNegLogLik", V(130, 40), 0.1, V(131, 2, -0.3, 0.3), V(132, maOrder, -0.3, 0.3), logSigma);

        [Fact]
        public void ArmaCssNegLogLik_bad_input() => Bad<ArgumentException>("ArmaCssNegLogLik", "series", V(130, 4), 0.1, V(131, 2), V(132, 1), null);

        // ---- physics and engineering ----

        private static object?[] Heat(double[] logDiffusivity, double[,] readings, double dt) =>
            new object?[] { logDiffusivity, V(141, 12), 1.0, 0.0, new[] { 2, 5, 9 }, readings, 0.01, dt, 5, 1e-3 };

        [Fact] public void HeatEquationFitLoss() => Check("HeatEquationFitLoss", Heat(V(140, 12, -0.3, 0.3).Select(v => Math.Log(1e-3) + v).ToArray(), M(142, 3, 3), 1e-3));

        [Fact]
        public void HeatEquationFitLoss_bad_input()
        {
            var logKappa = V(140, 12, -0.3, 0.3).Select(v => Math.Log(1e-3) + v).ToArray();
            Bad<ArgumentException>("HeatEquationFitLoss", "logDiffusivity", Heat(logKappa.Take(11).ToArray(), M(142, 3, 3), 1e-3));
            Bad<ArgumentException>("HeatEquationFitLoss", "readings", Heat(logKappa, M(142, 3, 2), 1e-3));
            Bad<ArgumentException>("HeatEquationFitLoss", null, Heat(logKappa, M(142, 3, 3), 0.1)); // r > 0.5: unstable
        }

        private static object?[] Pipe(int[] pipeTo, bool[] isReservoir) => new object?[]
        {
            // the last pipe's flow is laminar (Re about 300), the others turbulent (Swamee-Jain)
            new[] { 0.04, -0.03, 0.02, 0.05, 5e-5 }, V(150, 4, 45, 55), new[] { 0, 0, 1, 1, 2 }, pipeTo, V(151, 5, 100, 500), V(152, 5, 0.1, 0.3),
            Enumerable.Repeat(1e-4, 5).ToArray(), new[] { 0.0, 0.01, 0.02, 0.015 }, isReservoir, 1e-6, 100.0,
        };

        [Theory]
        [InlineData(false)]
        [InlineData(true)] // a second reservoir: its continuity is not enforced
        public void PipeNetworkHeadLoss(bool twoReservoirs) =>
            HandRelative(new[] { "viscosity", "roughness" }, "PipeNetworkHeadLoss", Pipe(new[] { 1, 2, 2, 3, 3 }, new[] { true, false, false, twoReservoirs }));

        [Fact]
        public void PipeNetworkHeadLoss_bad_input()
        {
            Bad<ArgumentException>("PipeNetworkHeadLoss", null, Pipe(new[] { 1, 2, 2, 3 }, new[] { true, false, false, false }));
            Bad<ArgumentException>("PipeNetworkHeadLoss", null, Pipe(new[] { 1, 2, 2, 3, 3 }, new[] { true, false, false }));
        }

        private static object?[] Robot(double[] angles, double[] target) =>
            new object?[] { angles, target, new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }, new double[6], 0.1, 10.0, 1e-3, 2 * Math.PI };

        [Theory]
        [InlineData(false)]
        [InlineData(true)] // two joints past +-2 pi: the joint-limit barrier
        public void RobotIkError(bool pastLimits)
        {
            var angles = V(160, 6);
            if (pastLimits) (angles[2], angles[4]) = (7.0, -6.6);
            Check("RobotIkError", Robot(angles, new[] { 0.3, 0.2, 0.4 }));
        }

        [Fact]
        public void RobotIkError_bad_input()
        {
            Bad<ArgumentException>("RobotIkError", "jointAngles", Robot(V(160, 5), new[] { 0.3, 0.2, 0.4 }));
            Bad<ArgumentException>("RobotIkError", "targetPosition", Robot(V(160, 6), new[] { 0.3, 0.2 }));
        }

        // ---- finance and operations ----

        private static object?[] MeanVariance(NaturalRound21.MeanVarianceCostModel model, bool longOnly, int covSize = 6)
        {
            var weights = V(170, 6, -0.1, 0.1).Select(w => 1.0 / 6 + w).ToArray();
            weights[2] = -0.05; // a short position
            var a = M(172, covSize, covSize, -0.1, 0.1);
            var cov = new double[covSize, covSize];
            for (int i = 0; i < covSize; i++) for (int j = 0; j < covSize; j++) for (int k = 0; k < covSize; k++) cov[i, j] += a[i, k] * a[j, k];
            return new object?[] { weights, Enumerable.Repeat(1.0 / 6, 6).ToArray(), V(171, 6, -0.1, 0.1), cov, 3.0, 0.001, model, longOnly, 1e3 };
        }

        [Theory]
        [InlineData(NaturalRound21.MeanVarianceCostModel.Linear, true)]
        [InlineData(NaturalRound21.MeanVarianceCostModel.SquareRootImpact, true)]
        [InlineData(NaturalRound21.MeanVarianceCostModel.Linear, false)]
        public void MeanVarianceTxCost(NaturalRound21.MeanVarianceCostModel model, bool longOnly) => Check("MeanVarianceTxCost", MeanVariance(model, longOnly));

        [Fact]
        public void MeanVarianceTxCost_bad_input()
        {
            Bad<ArgumentException>("MeanVarianceTxCost", "costModel", MeanVariance((NaturalRound21.MeanVarianceCostModel)7, true));
            Bad<ArgumentException>("MeanVarianceTxCost", "covariance", MeanVariance(NaturalRound21.MeanVarianceCostModel.Linear, true, 5));
        }

        private static object?[] BlackScholes(double atmVol, double spot, double[] maturities, double unit = 1.0, double minVega = 1e-3) => new object?[]
        {
            atmVol, -0.1, 0.05, 0.01, spot, 0.03, 0.01, V(180, 8, 80, 120).Select(k => unit * k).ToArray(), maturities,
            V(182, 8, 1, 20).Select(p => unit * p).ToArray(), Enumerable.Range(0, 8).Select(i => i % 2 == 0).ToArray(), minVega,
        };

        [Theory]
        [InlineData(false)]
        [InlineData(true)] // an expired quote: skipped
        public void BlackScholesCalibrationLoss(bool expired)
        {
            var maturities = V(181, 8, 0.1, 2);
            if (expired) maturities[3] = -0.25;
            Check("BlackScholesCalibrationLoss", BlackScholes(0.2, 100.0, maturities));
        }

        [Fact]
        public void BlackScholesCalibrationLoss_floored_volatility()
        {
            // volatility floored at 0.01, most vegas below minVega: prices in units of the spot (spot 1) and a vega floor of 1% of
            // it, since at spot 100 a volatility of 0.01 bends the price over a spot move of about 1 and the oracle's step of 1e-4
            // misses the tolerance (dspot -15915.6913 by differences against -15915.8886 analytic; -15915.8856 with a step of
            // 1e-5), and with minVega = 1e-3 the step of 1e-6 is a thousandth of it (dminVega -28538981.7 by differences, the
            // loss being 1/minVega², against -28538924.7 analytic)
            Check("BlackScholesCalibrationLoss", BlackScholes(-0.3, 1.0, V(181, 8, 0.1, 2), unit: 0.01, minVega: 0.01));
        }

        [Fact]
        public void BlackScholesCalibrationLoss_bad_input()
        {
            Bad<ArgumentException>("BlackScholesCalibrationLoss", "spot", BlackScholes(0.2, 0.0, V(181, 8, 0.1, 2)));
            Bad<ArgumentException>("BlackScholesCalibrationLoss", null, BlackScholes(0.2, 100.0, V(181, 7, 0.1, 2)));
        }

        private static object?[] Newsvendor(float capacity, float smoothing, int products = 4, int probs = 6)
        {
            var demand = new float[6, 4];
            var d = V(191, 24, 50, 150);
            for (int s = 0; s < 6; s++) for (int j = 0; j < 4; j++) demand[s, j] = (float)d[s * 4 + j];
            return new object?[]
            {
                F(V(190, products, 60, 140)), demand, Enumerable.Repeat(1f / 6, probs).ToArray(), F(V(192, 4, 2, 5)), F(V(193, 4, 6, 12)),
                F(V(194, 4, 0.5, 1.5)), F(V(195, 4, 0.1, 0.5)), capacity, smoothing, 100f,
            };
        }

        [Theory]
        [InlineData(100f, 0.5f)] // over capacity: the penalty
        [InlineData(400f, 5f)] // within capacity; a wide softplus
        public void NewsvendorSmoothedCost(float capacity, float smoothing) => Check("NewsvendorSmoothedCost", Newsvendor(capacity, smoothing));

        [Fact]
        public void NewsvendorSmoothedCost_bad_input()
        {
            Bad<ArgumentException>("NewsvendorSmoothedCost", "orderQty", Newsvendor(100f, 0.5f, products: 3));
            Bad<ArgumentException>("NewsvendorSmoothedCost", "scenarioProb", Newsvendor(100f, 0.5f, probs: 5));
            Bad<ArgumentException>("NewsvendorSmoothedCost", "smoothing", Newsvendor(100f, 0f));
        }

        // ---- signals and vision ----

        [Theory]
        [InlineData(new[] { 16, 32 }, 1.0)]
        [InlineData(new[] { 64 }, 0.5)] // one frame the length of the signal
        public void StftMagnitudeLoss(int[] fftSizes, double logWeight) =>
            Check("StftMagnitudeLoss", F(V(200, 64, -0.5, 0.5)), F(V(201, 64, -0.5, 0.5)), fftSizes, logWeight, 1e-7);

        [Fact]
        public void StftMagnitudeLoss_bad_input()
        {
            Bad<ArgumentException>("StftMagnitudeLoss", "fftSizes", F(V(200, 64)), F(V(201, 64)), new int[0], 1.0, 1e-7);
            Bad<ArgumentException>("StftMagnitudeLoss", null, F(V(200, 64)), F(V(201, 64)), new[] { 16, 128 }, 1.0, 1e-7);
            Bad<ArgumentException>("StftMagnitudeLoss", null, F(V(200, 64)), F(V(201, 63)), new[] { 16 }, 1.0, 1e-7);
        }

        private static double[] Camera(bool rotated) =>
            new[] { rotated ? 0.1 : 0.0, rotated ? -0.05 : 0.0, rotated ? 0.02 : 0.0, 0.1, 0.0, 5.0, 800, 800, 320, 240, -0.1, 0.01, 0.001, -0.001 };

        private static double[][] Observations(int n) => Enumerable.Range(0, n).Select(k => new[] { V(211 + k, 1, 0, 640)[0], V(251 + k, 1, 0, 480)[0] }).ToArray();

        [Theory]
        [InlineData(true, 2.0, false)] // pixel residuals far above the Huber threshold: the linear branch
        [InlineData(true, 1000.0, false)] // the quadratic branch
        [InlineData(false, 2.0, true)] // no rotation (the first-order branch of Rodrigues) and a point behind the camera
        public void ReprojectionErrorDistortion(bool rotated, double huberDelta, bool behind)
        {
            var points = J(210, 8, 3);
            var pointIndex = I(212, 12, 8);
            if (behind) (points[5], pointIndex[0]) = (new[] { 0.2, -0.1, -10.0 }, 5);
            Check("ReprojectionErrorDistortion", Camera(rotated), points, pointIndex, Observations(12), huberDelta);
        }

        [Fact]
        public void ReprojectionErrorDistortion_bad_input()
        {
            Bad<ArgumentException>("ReprojectionErrorDistortion", "camera", Camera(true).Take(13).ToArray(), J(210, 8, 3), I(212, 12, 8), Observations(12), 2.0);
            Bad<ArgumentException>("ReprojectionErrorDistortion", null, Camera(true), J(210, 8, 3), I(212, 11, 8), Observations(12), 2.0);
        }

        // ------------------------------------------------------------ bad input

        /// <summary>
        /// The method, its Forward and its Backward (gradient buffers shaped like the inputs) throw <typeparamref name="TEx"/>
        /// (exactly) with one message; <paramref name="paramName"/> is the exception's ParamName (null: the original names none).
        /// </summary>
        private static void Bad<TEx>(string name, string? paramName, params object?[] inputs) where TEx : Exception =>
            MethodOracle.BadInput<TEx>(T, name, paramName, inputs);

        // ------------------------------------------------------------ by hand

        private static void Hand(string name, params object?[] inputs) => HandRelative(Array.Empty<string>(), name, inputs);

        /// <summary>
        /// MethodOracle's checks for a method none of whose arrays it writes, with null arrays, and central differences with a
        /// step relative to the value (1e-6 |x|) for the parameters named in <paramref name="relative"/> (physical constants
        /// smaller than the oracle's step of 1e-6 max(1, |x|)): Forward and Backward return the method's value and leave the
        /// inputs alone; every gradient entry (NaN-filled before the call) equals central differences of the method (a float
        /// method: of its double twin at widened inputs); seed -2.5 scales every gradient.
        /// </summary>
        private static void HandRelative(string[] relative, string name, params object?[] inputs)
        {
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static;
            var (user, fwd, bwd) = MethodOracle.EntryPoints(T, name);
            var ps = user.GetParameters();
            int n = ps.Length;
            bool isFloat = user.ReturnType == typeof(float) || ps.Any(p => Elem(p.ParameterType) == typeof(float));
            var twin = isFloat ? T.GetMethod(name + "Twin", all)! : user;
            double fwdTol = isFloat ? DiffGen.Tests.Check.FloatForwardTol : DiffGen.Tests.Check.ForwardTol;
            double gradTol = isFloat ? DiffGen.Tests.Check.FloatGradTol : DiffGen.Tests.Check.GradTol;

            var run = Clone(inputs);
            double value = ToD(user.Invoke(null, run)!);
            for (int i = 0; i < n; i++) Assert.True(Same(inputs[i], run[i]), $"{name} writes {ps[i].Name}: not a case for Hand");
            DiffGen.Tests.Check.Near(value, ToD(fwd.Invoke(null, Clone(inputs))!), fwdTol, name + "Forward value");

            (double Value, Dictionary<int, double[]> Grads) Backward(double seed)
            {
                var bps = bwd.GetParameters();
                var args = new object?[bps.Length];
                var primal = Clone(inputs);
                for (int i = 0; i < n; i++) args[i] = primal[i];
                var slot = new Dictionary<int, int>();
                for (int j = n; j < bps.Length; j++)
                {
                    var bp = bps[j];
                    if (bp.Name == "seed") { args[j] = bp.ParameterType == typeof(float) ? (float)seed : (object)seed; continue; }
                    int i = Array.FindIndex(ps, p => p.Name + "Grad" == bp.Name);
                    Assert.True(i >= 0, $"{bp.Name} matches no parameter");
                    slot[i] = j;
                    if (!bp.ParameterType.IsByRef && inputs[i] is Array a)
                    {
                        var buffer = (Array)DeepClone(a)!;
                        foreach (var c in MethodOracle.Cells(buffer)) c.Set(double.NaN);
                        args[j] = buffer;
                    }
                }
                double v = ToD(bwd.Invoke(null, args)!);
                for (int i = 0; i < n; i++) Assert.True(Same(inputs[i], args[i]), $"{name}Backward changed its input {ps[i].Name}");
                return (v, slot.Where(x => inputs[x.Key] is not null).ToDictionary(x => x.Key,
                    x => args[x.Value] is Array g ? MethodOracle.Cells(g).Select(c => c.Get()).ToArray() : new[] { ToD(args[x.Value]!) }));
            }

            var (bv, grads) = Backward(1.0);
            var (_, scaled) = Backward(-2.5);
            DiffGen.Tests.Check.Near(value, bv, fwdTol, name + "Backward value");
            Assert.NotEmpty(grads);

            var at = inputs.Select(Widen).ToArray();
            double L() => ToD(twin.Invoke(null, Clone(at))!);
            double Derivative(Func<double, double> f, double x0, bool rel)
            {
                if (!rel) return FiniteDiff.Derivative(f, x0);
                double h = FiniteDiff.RelativeStep * Math.Abs(x0);
                double xp = x0 + h, xm = x0 - h;
                return (f(xp) - f(xm)) / (xp - xm);
            }
            foreach (var (i, g) in grads)
            {
                string what = $"{name} d{ps[i].Name}";
                bool rel = relative.Contains(ps[i].Name);
                double[] fd;
                if (at[i] is Array arr)
                {
                    fd = MethodOracle.Cells(arr).Select(c =>
                    {
                        double x0 = c.Get();
                        return Derivative(x => { c.Set(x); double r = L(); c.Set(x0); return r; }, x0, rel);
                    }).ToArray();
                }
                else
                {
                    double x0 = ToD(at[i]!);
                    fd = new[] { Derivative(x => { at[i] = x; double r = L(); at[i] = x0; return r; }, x0, rel) };
                    at[i] = x0;
                }
                Assert.Equal(fd.Length, g.Length);
                for (int k = 0; k < fd.Length; k++) DiffGen.Tests.Check.Near(fd[k], g[k], gradTol, $"{what} [{k}] (analytic vs finite differences)");
                for (int k = 0; k < g.Length; k++) DiffGen.Tests.Check.Near(-2.5 * g[k], scaled[i][k], isFloat ? 1e-5 : DiffGen.Tests.Check.SeedTol, $"{what} [{k}] with seed -2.5");
            }
        }

        private static bool Same(object? x, object? y) => (x, y) switch
        {
            (Array[] a, Array[] b) => a.Length == b.Length && a.Zip(b).All(p => Same(p.First, p.Second)),
            (Array a, Array b) => a.Cast<object>().SequenceEqual(b.Cast<object>()),
            _ => Equals(x, y),
        };

        private static double ToD(object o) => Convert.ToDouble(o, System.Globalization.CultureInfo.InvariantCulture);

        private static object?[] Clone(object?[] xs) => MethodOracle.Clone(xs);

        private static object? DeepClone(object? o) => MethodOracle.DeepClone(o);

        /// <summary>float → double: scalars and 1-D/2-D arrays; other values as they are.</summary>
        private static object? Widen(object? o) => o switch
        {
            float f => (double)f,
            float[] a => TestData.ToDouble(a),
            float[,] m => TestData.ToDouble(m),
            _ => DeepClone(o),
        };

        private static Type? Elem(Type t) => t.IsArray ? Elem(t.GetElementType()!) : t;
    }
}
