using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 17 (<see cref="NaturalRound17"/>): the fifth probe batch, each accepted function checked as written by
    /// <see cref="MethodOracle"/> (value, outputs, every gradient against central differences, seed scaling; float methods
    /// against their double twins), by hand the two float methods with <c>float[][]</c> inputs, which MethodOracle does not widen.
    /// Inputs are the ones the batch's author used to check the functions, with the paths they exercise (an ignored label,
    /// a missing observation, a padded position, reaction order 2, an empty query).
    /// </summary>
    public class NaturalRound17Tests
    {
        private static void Check(string name, params object?[] args) => MethodOracle.Check(typeof(NaturalRound17), name, args);

        private static double[] V(int seed, int n, double lo = -1, double hi = 1)
        {
            var r = new Random(seed);
            return Enumerable.Range(0, n).Select(_ => lo + (hi - lo) * r.NextDouble()).ToArray();
        }
        private static double[,] M(int seed, int rows, int cols, double lo = -1, double hi = 1)
        {
            var v = V(seed, rows * cols, lo, hi);
            var m = new double[rows, cols];
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) m[i, j] = v[i * cols + j];
            return m;
        }
        private static double[][] J(int seed, int rows, int cols, double lo = -1, double hi = 1) =>
            Enumerable.Range(0, rows).Select(i => V(seed * 31 + i, cols, lo, hi)).ToArray();
        private static int[] I(int seed, int n, int max)
        {
            var r = new Random(seed);
            return Enumerable.Range(0, n).Select(_ => r.Next(max)).ToArray();
        }
        private static bool[] B(int seed, int n)
        {
            var r = new Random(seed);
            return Enumerable.Range(0, n).Select(_ => r.Next(2) == 1).ToArray();
        }
        private static float[] F(double[] a) => TestData.ToFloat(a);
        private static float[][] F(double[][] a) => a.Select(TestData.ToFloat).ToArray();
        private static double[][] Wide(float[][] a) => a.Select(TestData.ToDouble).ToArray();
        private static float[][] GarbageF(float[][] a) => a.Select(TestData.Garbage).ToArray();

        [Fact] public void FocalLoss() => Check("FocalLoss", V(1701, 8, -3, 3), I(1702, 8, 2), 2.0, 0.25);

        [Fact] public void SoftmaxCrossEntropy() => Check("SoftmaxCrossEntropy", M(1703, 4, 6, -2, 2), new[] { 1, 5, -100, 0 }, -100, 0.1);

        [Fact] public void TdLambdaValueLoss() => Check("TdLambdaValueLoss", V(1704, 6), V(1705, 6, 0, 1), new[] { false, false, true, false, false, false }, 0.5, 0.99, 0.95);

        [Fact]
        public void MatrixFactorizationLoss() =>
            Check("MatrixFactorizationLoss", M(1706, 3, 4, -0.5, 0.5), M(1707, 5, 4, -0.5, 0.5), V(1708, 3, -0.1, 0.1), V(1709, 5, -0.1, 0.1), 3.5, I(1710, 10, 3), I(1711, 10, 5), V(1712, 10, 1, 5), 0.02);

        [Fact] public void ArmaConditionalSse() => Check("ArmaConditionalSse", V(1713, 20), new[] { 0.5, -0.2 }, new[] { 0.3 }, 0.1);

        [Fact]
        public void LennardJonesEnergy()
        {
            var r = V(1714, 15, -0.1, 0.1);
            var pos = Enumerable.Range(0, 5).Select(i => new[] { 1.2 * i + r[3 * i], r[3 * i + 1], r[3 * i + 2] }).ToArray();
            Check("LennardJonesEnergy", pos, 1.0, 1.0, 2.5);
        }

        [Fact] public void MorseBondEnergy() => Check("MorseBondEnergy", M(1715, 4, 3), new[] { 0, 1, 2 }, new[] { 1, 2, 3 }, V(1716, 3, 1, 5), V(1717, 3, 1, 2), V(1718, 3, 0.9, 1.5));

        [Fact] public void BlackScholesCall() => Check("BlackScholesCall", 100.0, 95.0, 0.03, 0.25, 0.75, 0.01);

        [Fact] public void TwoLinkReachError() => Check("TwoLinkReachError", V(1719, 5), V(1720, 5), M(1721, 5, 2, -0.5, 0.5), 0.35, 0.3, 0.1);

        [Fact] public void SpectralConvergenceLoss() => Check("SpectralConvergenceLoss", F(V(1722, 12, 0.01, 2)), F(V(1723, 12, 0.01, 2)), 3, 1.0f);

        [Fact] public void CoxPartialLikelihood() => Check("CoxPartialLikelihood", M(1724, 8, 3), V(1725, 3, -0.5, 0.5), V(1726, 8, 0.5, 10), B(1727, 8), 0.01);

        [Fact]
        public void ListNetLoss_with_an_empty_query() =>
            Check("ListNetLoss", new[] { V(1728, 4), V(1729, 3), new double[0] }, new[] { V(1730, 4, 0, 3), V(1731, 3, 0, 3), new double[0] }, 1.0);

        [Fact]
        public void GcnGraphRegression() =>
            Check("GcnGraphRegression", J(1732, 4, 3, -0.5, 2), new[] { new[] { 1, 2 }, new[] { 0 }, new[] { 0, 3 }, new[] { 2 } }, M(1733, 3, 5), V(1734, 5), 0.7);

        [Fact] public void HuberRegressionLoss() => Check("HuberRegressionLoss", J(1735, 10, 3), V(1736, 10, -3, 3), V(1737, 3), 0.2, 1.35, 1e-4);

        [Fact]
        public void MeanVarianceUtility_with_previous_weights() => Check("MeanVarianceUtility", V(1738, 4), V(1739, 4, 0, 0.1), Covariance(), 3.0, 0.01, new[] { 0.2, 0.3, 0.1, 0.4 });

        [Fact]
        public void MeanVarianceUtility_without_previous_weights()
        {
            var (logits, mu, cov) = (V(1738, 4), V(1739, 4, 0, 0.1), Covariance());
            double value = NaturalRound17.MeanVarianceUtility(logits, mu, cov, 3.0, 0.01);
            Assert.Equal(value, NaturalRound17.MeanVarianceUtilityForward(logits, mu, cov, 3.0, 0.01), 12);
            var g = TestData.Garbage(logits);
            Assert.Equal(value, NaturalRound17.MeanVarianceUtilityBackward(logits, mu, cov, 3.0, 0.01, null, g, TestData.Garbage(mu), TestData.Garbage(cov), out _, out _, null), 12);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => NaturalRound17.MeanVarianceUtility(logits, mu, cov, 3.0, 0.01), logits), g, "dweightLogits");
        }

        private static double[,] Covariance()
        {
            var cov = M(1740, 4, 4, -0.01, 0.01);
            var d = V(1741, 4, 0, 0.02);
            for (int i = 0; i < 4; i++) { for (int j = 0; j < i; j++) cov[i, j] = cov[j, i]; cov[i, i] = 0.04 + d[i]; }
            return cov;
        }

        [Fact] public void PoissonGlmDeviance_with_exposure() => Check("PoissonGlmDeviance", M(1742, 10, 3), I(1743, 10, 6), V(1744, 3, -0.3, 0.3), V(1745, 10, 0.5, 2));

        [Fact]
        public void PoissonGlmDeviance_without_exposure()
        {
            var (x, y, b) = (M(1742, 10, 3), I(1743, 10, 6), V(1744, 3, -0.3, 0.3));
            double value = NaturalRound17.PoissonGlmDeviance(x, y, b);
            Assert.Equal(value, NaturalRound17.PoissonGlmDevianceForward(x, y, b), 12);
            var (gx, gb) = (TestData.Garbage(x), TestData.Garbage(b));
            Assert.Equal(value, NaturalRound17.PoissonGlmDevianceBackward(x, y, b, null, gx, gb, null), 12);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => NaturalRound17.PoissonGlmDeviance(x, y, b), b), gb, "dcoef");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => NaturalRound17.PoissonGlmDeviance(x, y, b), x), gx, "ddesign");
        }

        [Fact]
        public void SpringChainTrajectoryLoss() =>
            Check("SpringChainTrajectoryLoss", V(1746, 4, 5, 15), V(1747, 3, 0.5, 2), V(1748, 3, -0.2, 0.2), V(1749, 3, -0.2, 0.2), 0.05, 0.01, 200);

        [Fact] public void ContrastiveEmbeddingLoss() => Check("ContrastiveEmbeddingLoss", M(1750, 6, 4), M(1751, 6, 4), B(1752, 6), 1.0);

        [Fact]
        public void AdditiveAttentionContext_with_padding() =>
            Check("AdditiveAttentionContext", J(1753, 5, 4), V(1754, 4), M(1755, 3, 4), M(1756, 3, 4), V(1757, 3), V(1758, 4), new[] { false, false, false, true, true });

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void PpoClipObjective(bool normalize) =>
            Check("PpoClipObjective", V(1759, 8, -2, 0), V(1760, 8, -2, 0), V(1761, 8), V(1762, 8), V(1763, 8), 0.2, 0.5, normalize);

        [Fact] public void GaussianMixtureNll() => Check("GaussianMixtureNll", V(1764, 15, -3, 3), V(1765, 3), new[] { -1.0, 0.0, 1.5 }, V(1766, 3, -0.5, 0.5));

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        public void ArrheniusKineticsLoss(int order) =>
            Check("ArrheniusKineticsLoss", 20.0, 60000.0, V(1767, 4, 300, 400), V(1768, 4, 0.5, 1.0), V(1769, 4, 0.1, 0.5), V(1770, 4, 10, 100), order);

        [Fact] public void SoftDiceLoss() => Check("SoftDiceLoss", F(V(1771, 48, -2, 2)), I(1772, 16, 3), 3, 1f);

        [Fact]
        public void LocalLevelKalmanNll_with_a_missing_observation()
        {
            // the NaN observation is skipped by the method ('continue'); central differences are taken at the other entries
            var obs = V(1773, 12, -2, 2);
            obs[4] = double.NaN;
            double value = NaturalRound17.LocalLevelKalmanNll(obs, Math.Log(0.5), Math.Log(0.1), 0.0, 1e4);
            Assert.Equal(value, NaturalRound17.LocalLevelKalmanNllForward(obs, Math.Log(0.5), Math.Log(0.1), 0.0, 1e4), 9);
            var g = TestData.Garbage(obs);
            double bv = NaturalRound17.LocalLevelKalmanNllBackward(obs, Math.Log(0.5), Math.Log(0.1), 0.0, 1e4, g, out double gObs, out double gLevel, out double gInit, out double gInitVar);
            Assert.Equal(value, bv, 9);
            Assert.Equal(0.0, g[4]);
            for (int i = 0; i < obs.Length; i++)
            {
                if (i == 4) continue;
                int k = i;
                double fd = FiniteDiff.Derivative(v => { var o = (double[])obs.Clone(); o[k] = v; return NaturalRound17.LocalLevelKalmanNll(o, Math.Log(0.5), Math.Log(0.1), 0.0, 1e4); }, obs[i]);
                DiffGen.Tests.Check.Gradient(new[] { fd }, new[] { g[i] }, $"dobservations[{i}]");
            }
            DiffGen.Tests.Check.Gradient(new[]
            {
                FiniteDiff.Derivative(v => NaturalRound17.LocalLevelKalmanNll(obs, v, Math.Log(0.1), 0.0, 1e4), Math.Log(0.5)),
                FiniteDiff.Derivative(v => NaturalRound17.LocalLevelKalmanNll(obs, Math.Log(0.5), v, 0.0, 1e4), Math.Log(0.1)),
                FiniteDiff.Derivative(v => NaturalRound17.LocalLevelKalmanNll(obs, Math.Log(0.5), Math.Log(0.1), v, 1e4), 0.0),
            }, new[] { gObs, gLevel, gInit }, "dlogObsVar, dlogLevelVar, dinitialLevel");
            Assert.True(double.IsFinite(gInitVar));
        }

        [Fact]
        public void BprRankingLoss() => Check("BprRankingLoss", J(1774, 3, 4), J(1775, 5, 4), new (int, int, int)[] { (0, 1, 2), (1, 3, 0), (2, 2, 4) }, 1e-4);

        [Fact]
        public void PlanarIkCost() =>
            Check("PlanarIkCost", V(1776, 3), new[] { 0.4, 0.3, 0.2 }, 0.5, 0.3, 0.8, new[] { -2.0, -2.0, -2.0 }, new[] { 2.0, 2.0, 2.0 }, 0.2, 10.0);

        [Fact] public void WeibullAftNll() => Check("WeibullAftNll", J(1777, 8, 3), V(1778, 3, -0.5, 0.5), Math.Log(1.5), V(1779, 8, 0.2, 5), B(1780, 8));

        [Fact]
        public void WeibullAftNll_guard_with_Any_throws_the_same_exception()
        {
            var (x, c, d, o) = (J(1781, 3, 2), V(1782, 2), new[] { 1.0, -0.5, 2.0 }, B(1783, 3));
            var e = Assert.Throws<ArgumentException>(() => NaturalRound17.WeibullAftNll(x, c, 0.1, d, o));
            Assert.Equal(e.Message, Assert.Throws<ArgumentException>(() => NaturalRound17.WeibullAftNllForward(x, c, 0.1, d, o)).Message);
            Assert.Equal(e.Message, Assert.Throws<ArgumentException>(() => NaturalRound17.WeibullAftNllBackward(x, c, 0.1, d, o, TestData.Garbage(x), new double[2], out _, new double[3])).Message);
        }

        [Fact]
        public void LayerNormReconstruction()
        {
            // float[][] inputs: by hand against the double twin
            var (h, gamma, beta, t) = (F(J(1784, 4, 6)), F(V(1785, 6, 0.5, 1.5)), F(V(1786, 6, -0.1, 0.1)), F(J(1787, 4, 6)));
            const float eps = 1e-5f;
            float value = NaturalRound17.LayerNormReconstruction(h, gamma, beta, t, eps);
            DiffGen.Tests.Check.Near(value, NaturalRound17.LayerNormReconstructionForward(h, gamma, beta, t, eps), DiffGen.Tests.Check.FloatForwardTol, "Forward");
            var (gh, gg, gb, gt) = (GarbageF(h), TestData.Garbage(gamma), TestData.Garbage(beta), GarbageF(t));
            float bv = NaturalRound17.LayerNormReconstructionBackward(h, gamma, beta, t, eps, gh, gg, gb, gt, out float geps);
            DiffGen.Tests.Check.Near(value, bv, DiffGen.Tests.Check.FloatForwardTol, "Backward value");
            var (hd, gd, bd, td) = (Wide(h), TestData.ToDouble(gamma), TestData.ToDouble(beta), Wide(t));
            double L() => NaturalRound17.LayerNormReconstructionTwin(hd, gd, bd, td, eps);
            DiffGen.Tests.Check.Near(L(), value, DiffGen.Tests.Check.FloatForwardTol, "float method vs double twin");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, hd), Wide(gh), "dhidden", DiffGen.Tests.Check.FloatGradTol);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, gd), TestData.ToDouble(gg), "dgamma", DiffGen.Tests.Check.FloatGradTol);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, bd), TestData.ToDouble(gb), "dbeta", DiffGen.Tests.Check.FloatGradTol);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, td), Wide(gt), "dtarget", DiffGen.Tests.Check.FloatGradTol);
            Assert.True(float.IsFinite(geps));
        }

        [Fact]
        public void LogMelDistance()
        {
            var (p, t, mel) = (F(J(1788, 3, 10, 0.05, 2)), F(J(1789, 3, 10, 0.05, 2)), TestData.ToFloat(M(1790, 4, 10, 0, 1)));
            const float floor = 1e-5f;
            float value = NaturalRound17.LogMelDistance(p, t, mel, floor);
            DiffGen.Tests.Check.Near(value, NaturalRound17.LogMelDistanceForward(p, t, mel, floor), DiffGen.Tests.Check.FloatForwardTol, "Forward");
            var (gp, gt, gm) = (GarbageF(p), GarbageF(t), TestData.Garbage(mel));
            float bv = NaturalRound17.LogMelDistanceBackward(p, t, mel, floor, gp, gt, gm, out _);
            DiffGen.Tests.Check.Near(value, bv, DiffGen.Tests.Check.FloatForwardTol, "Backward value");
            var (pd, tdd, md) = (Wide(p), Wide(t), TestData.ToDouble(mel));
            double L() => NaturalRound17.LogMelDistanceTwin(pd, tdd, md, floor);
            DiffGen.Tests.Check.Near(L(), value, DiffGen.Tests.Check.FloatForwardTol, "float method vs double twin");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, pd), Wide(gp), "dpredictedPower", DiffGen.Tests.Check.FloatGradTol);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, tdd), Wide(gt), "dtargetPower", DiffGen.Tests.Check.FloatGradTol);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, md), TestData.ToDouble(gm), "dmelBasis", DiffGen.Tests.Check.FloatGradTol);
        }
    }
}
