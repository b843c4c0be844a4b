using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 14 (<see cref="NaturalRound14"/>): the second probe batch written without DiffGen's documentation, each accepted
    /// function checked as written by <see cref="MethodOracle"/>; the span method by hand.
    /// </summary>
    public class NaturalRound14Tests
    {
        private static readonly Type T = typeof(NaturalRound14);

        private static double[] V(int seed, int n, double scale = 1.0) => TestData.Vector(new Random(seed), n, scale);
        private static double[,] M(int seed, int r, int c) => TestData.Matrix(new Random(seed), r, c);
        private static double[][] J(int seed, int r, int c) => TestData.Jagged(new Random(seed), r, c);

        private static void Check(string name, params object?[] args) => MethodOracle.Check(T, name, args);

        [Fact] public void BlackScholesCall() => Check("BlackScholesCall", 100.0, 95.0, 0.03, 0.2, 0.75);

        [Fact]
        public void PortfolioVariance()
        {
            var a = M(1401, 4, 4);
            var cov = new double[4, 4];
            for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) for (int k = 0; k < 4; k++) cov[i, j] += a[i, k] * a[j, k];
            Check("PortfolioVariance", V(1402, 4), cov);
        }

        [Fact] public void CvarEstimate() => Check("CvarEstimate", V(1403, 3), J(1404, 6, 3), 0.9, 0.05);

        [Theory]
        [InlineData(2)]
        [InlineData(0)] // continuous compounding
        public void BondPrice(int compounding) => Check("BondPrice", new[] { 5.0, 5, 5, 105 }, new[] { 0.5, 1, 1.5, 2 }, 0.04, compounding);

        [Fact] public void TwoLinkArmError() => Check("TwoLinkArmError", new[] { 0.4f, 1.1f }, 0.3f, 0.4f, 0.35f, 0.3f);
        [Fact] public void QuaternionAlignLoss() => Check("QuaternionAlignLoss", new[] { 0.9, 0.2, -0.3, 0.1 }, V(1405, 9), V(1406, 9));
        [Fact] public void BezierLength() => Check("BezierLength", V(1407, 8), 16);
        [Fact] public void InverseDistanceWeighting() => Check("InverseDistanceWeighting", V(1408, 4), M(1409, 4, 2), 0.3, -0.2, 2.0);
        [Fact] public void PoissonRegressionNll() => Check("PoissonRegressionNll", V(1410, 4, 0.3), M(1411, 5, 3), new[] { 0, 2, 1, 3, 0 }, true, 0.1);
        [Fact] public void GaussianMixtureNll() => Check("GaussianMixtureNll", V(1412, 6), new[] { 0.2, -0.5, -0.3, 0.8, 0.1 });
        [Fact] public void KdeLogLikelihood() => Check("KdeLogLikelihood", V(1413, 5), V(1414, 3), 0.7);
        [Fact] public void TukeyLineFit() => Check("TukeyLineFit", 0.8, 0.1, V(1415, 6), new[] { 0.3, -0.5, 10.0, 0.9, -0.2, 0.4 }, 4.685); // one outlier
        [Fact] public void PendulumSwingError() => Check("PendulumSwingError", 0.3, 0.1, 1.0, 0.2, 0.505, 0.5, 0.01); // 51 steps, away from a 50/51 boundary

        [Fact]
        public void SpringNetworkEnergy() => Check("SpringNetworkEnergy", V(1416, 8),
            new NaturalRound14.SpringNetworkEdge[] { new(0, 1, 1.0, 2.0), new(1, 2, 0.8, 1.5), new(2, 3, 1.2, 1.0), new(0, 3, 1.0, 3.0) }, 9.81);

        [Fact] public void BeamEnergy() => Check("BeamEnergy", V(1417, 6, 0.1), V(1418, 6), 2.0, 3.0);
        [Fact] public void OrbitEnergyDrift() => Check("OrbitEnergyDrift", new[] { 1.0, 0.0, 0.1, 1.05 }, 1.0, 0.05, 10);
        [Fact] public void FirFilter() => Check("FirFilter", V(1419, 3), V(1420, 6), new double[6]);
        [Fact] public void LjungBoxStatistic() => Check("LjungBoxStatistic", V(1421, 10), 3);
        [Fact] public void TvDenoiseEnergy() => Check("TvDenoiseEnergy", M(1422, 3, 4), M(1423, 3, 4), 0.3, 0.1); // eps well above the difference step
        [Fact] public void DctHighFrequencyEnergy() => Check("DctHighFrequencyEnergy", V(1424, 8), 3);
        [Fact] public void Rosenbrock() => Check("Rosenbrock", V(1425, 5));
        [Fact] public void AugmentedLagrangian() => Check("AugmentedLagrangian", V(1426, 3), new[] { 0.5, -0.2, 0.3 }, 2.0, V(1427, 3));
        [Fact] public void LogBarrierObjective() => Check("LogBarrierObjective", V(1428, 3, 0.1), V(1429, 3), M(1430, 4, 3), new[] { 2.0, 2, 2, 2 }, 1.5);

        [Theory]
        [InlineData(NaturalRound14.RobustLossKind.Squared)]
        [InlineData(NaturalRound14.RobustLossKind.Absolute)]
        [InlineData(NaturalRound14.RobustLossKind.Huber)]
        [InlineData(NaturalRound14.RobustLossKind.LogCosh)]
        [InlineData(NaturalRound14.RobustLossKind.Cauchy)]
        public void RobustRegressionLoss(NaturalRound14.RobustLossKind kind) => Check("RobustRegressionLoss", V(1431, 3), J(1432, 5, 3), V(1433, 5), kind, 1.0);

        [Theory]
        [InlineData(3, true)]
        [InlineData(2, false)]
        public void SmoothingWindowCost(int window, bool normalize) =>
            Check("SmoothingWindowCost", V(1434, 8), V(1435, 8), new NaturalRound14.SmoothingWindowConfig(0.5, 2.0, window, normalize));

        [Fact]
        public void EmaForecastError()
        {
            var prices = V(1436, 7);
            double smoothing = 0.3;
            double value = NaturalRound14.EmaForecastError(prices, smoothing);
            Assert.Equal(value, NaturalRound14.EmaForecastErrorForward(prices, smoothing), 12);
            var g = TestData.Garbage(prices);
            double b = NaturalRound14.EmaForecastErrorBackward(prices, smoothing, g, out double gs);
            Assert.Equal(value, b, 12);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => NaturalRound14.EmaForecastError(prices, smoothing), prices), g, "dprices");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(s => NaturalRound14.EmaForecastError(prices, s), smoothing), gs, "dsmoothing");
        }
    }
}

namespace DiffGen.Tests
{
    public class EnumsAndStepsTests
    {
        [Fact]
        public void An_enum_array_is_data_passed_without_a_copy()
        {
            var kinds = new[] { EnumsAndSteps.LayerKind.Conduction, EnumsAndSteps.LayerKind.Convection, EnumsAndSteps.LayerKind.Contact, EnumsAndSteps.LayerKind.Conduction };
            MethodOracle.Check(typeof(EnumsAndSteps), "HeatFlow", new object?[] { new[] { 0.2, 0.5, 0.01, 0.3 }, new[] { 1.5, 20, 0.3, 0.8 }, kinds, 2.0, 80.0, 20.0 });
            var e = Assert.Throws<ArgumentNullException>(() => EnumsAndSteps.HeatFlowForward(new double[4], new double[4], null!, 2, 80, 20));
            Assert.Equal("kinds", e.ParamName);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(7)]
        public void Steps_inside_expressions(int n) =>
            MethodOracle.Check(typeof(EnumsAndSteps), "Compact", new object?[] { TestData.Vector(new Random(1440 + n), n) });
    }
}
