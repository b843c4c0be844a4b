using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 18 (<see cref="NaturalRound18"/>): the sixth probe batch, each accepted function checked as written by
    /// <see cref="MethodOracle"/> (float methods against their double twins), with the inputs the batch's author used
    /// (both branches of the option flags).
    /// </summary>
    public class NaturalRound18Tests
    {
        private static void Check(string name, params object?[] args) => MethodOracle.Check(typeof(NaturalRound18), name, args);

        private static double[] V(int seed, int n, double lo = -1, double hi = 1)
        {
            var r = new Random(1800 + seed);
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
            var r = new Random(1800 + seed);
            return Enumerable.Range(0, n).Select(_ => r.Next(max)).ToArray();
        }
        private static bool[] B(int seed, int n)
        {
            var r = new Random(1800 + seed);
            return Enumerable.Range(0, n).Select(_ => r.Next(3) == 0).ToArray();
        }
        private static float[] F(double[] a) => TestData.ToFloat(a);

        [Fact] public void ThinLensFocalError() => Check("ThinLensFocalError", V(1, 3, 50, 150), V(2, 2, 5, 20), 60.0, 1000.0);
        [Fact] public void SabineReverbLoss() => Check("SabineReverbLoss", M(3, 6, 4, -2, 1), V(4, 6, 10, 60), 200.0, V(5, 4, 0.4, 1.2), 0.001);
        [Fact] public void SeirCaseFitLoss() => Check("SeirCaseFitLoss", 0.4, 0.2, 0.1, V(6, 12, 1, 50).Select(v => Math.Round(v)).ToArray(), 1e5, 10.0, 4);
        [Fact] public void ManningRatingCurveLoss() => Check("ManningRatingCurveLoss", 0.035, 0.001, 5.0, 2.0, V(7, 10, 0.2, 3), V(8, 10, 1, 40));
        [Fact] public void DcPowerFlowMismatch() => Check("DcPowerFlowMismatch", V(9, 5, -0.2, 0.2), new[] { 0, 0, 1, 2, 3, 1 }, new[] { 1, 2, 2, 3, 4, 4 }, V(10, 6, 0.05, 0.2), V(11, 5, -1, 1), V(12, 6, 0.5, 2), 10.0);
        [Fact] public void OralPkNll() => Check("OralPkNll", Math.Log(1.0), Math.Log(0.1), Math.Log(30), Math.Log(0.2), 500.0, V(13, 8, 0.5, 24), V(14, 8, 1, 15), 1.0);
        [Fact]
        public void BradleyTerryNll()
        {
            var home = I(15, 20, 6);
            var r = new Random(16);
            var away = home.Select(h => (h + 1 + r.Next(5)) % 6).ToArray();
            Check("BradleyTerryNll", V(17, 6), home, away, B(18, 20), 0.3, 0.1);
        }
        [Fact] public void LogMelSpectralLoss() => Check("LogMelSpectralLoss", F(V(19, 4 * 33, 0.01, 2)), F(V(20, 4 * 33, 0.01, 2)), 4, 8, 16000f);
        [Fact]
        public void BlinnPhongFitLoss()
        {
            var normals = M(21, 16, 3);
            var z = V(22, 16, 0.2, 1);
            for (int p = 0; p < 16; p++) normals[p, 2] = z[p];
            Check("BlinnPhongFitLoss", 0.7, 0.3, Math.Log(20), normals, new[] { 0.3, 0.5, 1.0 }, new[] { 0.0, 0.0, 1.0 }, V(23, 16, 0, 1), 0.05);
        }
        [Fact] public void LqrRolloutCost() => Check("LqrRolloutCost", M(24, 1, 2, 0.5, 1.5), new double[,] { { 1, 0.1 }, { 0, 1 } }, new double[,] { { 0 }, { 0.1 } }, new[] { 1.0, 0.0 }, new[] { 1.0, 0.1 }, new[] { 0.01 }, 50);
        [Fact] public void ErlangCStaffingCost() => Check("ErlangCStaffingCost", 2.0, 7.0, 5, 50.0, 3.0);
        [Fact] public void LotkaVolterraFitLoss() => Check("LotkaVolterraFitLoss", 1.0, 0.1, 0.075, 1.5, V(25, 20, 5, 15), V(26, 20, 3, 8), 0.1, 5);
        [Fact]
        public void TwoParamIrtNll()
        {
            var r = new Random(27);
            var resp = new int[8, 5];
            var obs = new bool[8, 5];
            for (int p = 0; p < 8; p++) for (int i = 0; i < 5; i++) { resp[p, i] = r.Next(2); obs[p, i] = r.NextDouble() < 0.8; }
            Check("TwoParamIrtNll", V(28, 8), V(29, 5, -0.3, 0.3), V(30, 5), resp, obs, 1.0);
        }
        [Fact] public void LinearChainCrfNll() => Check("LinearChainCrfNll", M(31, 7, 4), M(32, 4, 4), V(33, 4, -0.5, 0.5), I(34, 7, 4));
        [Fact] public void BiasedMfRatingLoss() => Check("BiasedMfRatingLoss", J(35, 5, 3, -0.3, 0.3), J(36, 6, 3, -0.3, 0.3), V(37, 5, -0.2, 0.2), V(38, 6, -0.2, 0.2), 3.5, I(39, 20, 5), I(40, 20, 6), V(41, 20, 1, 5), 0.02);
        [Fact] public void TiedAutoencoderAnomalyScore() => Check("TiedAutoencoderAnomalyScore", F(V(42, 6)), F(V(43, 18, -0.5, 0.5)), F(V(44, 3, -0.1, 0.1)), F(V(45, 6, -0.1, 0.1)), F(V(46, 6, 0.5, 1.5)), 3);
        [Fact]
        public void GeneralizedIouLoss()
        {
            static double[,] Boxes(int seed, int n)
            {
                var (xy, wh) = (V(seed, 2 * n, 0, 10), V(seed + 1, 2 * n, 1, 4));
                var b = new double[n, 4];
                for (int i = 0; i < n; i++) { b[i, 0] = xy[2 * i]; b[i, 1] = xy[2 * i + 1]; b[i, 2] = wh[2 * i]; b[i, 3] = wh[2 * i + 1]; }
                return b;
            }
            Check("GeneralizedIouLoss", Boxes(47, 5), Boxes(49, 3), new[] { 0, -1, 2, 1, -1 });
        }
        [Fact] public void PlanarFlowReverseKl() => Check("PlanarFlowReverseKl", M(51, 3, 2, -0.5, 0.5), M(52, 3, 2), V(53, 3, -0.5, 0.5), M(54, 16, 2, -2, 2));
        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void DiffusionNoisePredictionLoss(bool minSnr) => Check("DiffusionNoisePredictionLoss", F(V(55, 16, -0.2, 0.2)), F(V(56, 4, -0.1, 0.1)), F(V(57, 4, -0.1, 0.1)), F(V(58, 4)), F(V(59, 4)), 300, 1000, minSnr);
        [Fact] public void GreeksHedgeMismatch() => Check("GreeksHedgeMismatch", V(60, 4, -2, 2), V(61, 4, 80, 120), V(62, 4, 0.1, 1), new[] { true, false, true, false }, 100.0, 0.02, 0.25, 0.5, 0.01, 20.0);
        [Fact] public void CreditScorecardLoss() => Check("CreditScorecardLoss", V(63, 3, -0.5, 0.5), -2.0, M(64, 40, 3, -2, 2), B(65, 40), V(66, 40, 1e3, 1e5), 0.45, 1.0);
        [Fact]
        public void KalmanInnovationNll()
        {
            var steps = V(67, 30, 0.5, 1.5);
            var walk = new double[30];
            for (int i = 1; i < 30; i++) walk[i] = walk[i - 1] + steps[i];
            Check("KalmanInnovationNll", Math.Log(0.1), Math.Log(0.5), walk, 1.0);
        }
        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void CausalSelfAttentionMse(bool causal) => Check("CausalSelfAttentionMse", M(68, 5, 4), M(69, 4, 3), M(70, 4, 3), M(71, 4, 3), M(72, 5, 3), causal);
        [Fact] public void PreNormMlpBlockLoss() => Check("PreNormMlpBlockLoss", F(V(73, 6)), F(V(74, 6, 0.8, 1.2)), F(V(75, 6, -0.1, 0.1)), F(V(76, 48, -0.3, 0.3)), F(V(77, 8, -0.1, 0.1)), F(V(78, 48, -0.3, 0.3)), F(V(79, 6, -0.1, 0.1)), F(V(80, 6)), 1e-5f);
        [Theory]
        [InlineData(0)]
        [InlineData(2)]
        public void HeatExchangerDesignObjective(int arrangement) => Check("HeatExchangerDesignObjective", Math.Log(10), 500.0, 2000.0, 1500.0, 150.0, 20.0, 150000.0, arrangement, 1e-4);
        [Fact] public void GaussianMixtureNll() => Check("GaussianMixtureNll", V(81, 3), V(82, 3, -2, 2), V(83, 3, -0.5, 0.5), V(84, 50, -3, 3));
        [Fact] public void PortfolioSmoothedCvar() => Check("PortfolioSmoothedCvar", V(85, 5), 0.02, M(86, 100, 5, -0.05, 0.06), 0.95, 1.0, 0.01);
        [Fact] public void MultiImpulseTransferDeltaV_with_AddRange() => Check("MultiImpulseTransferDeltaV", new[] { 9000.0, 20000.0, 30000.0 }, 7000.0, 42164.0, 398600.4418, 8000.0);
            [Theory]
        [InlineData("pinned")]
        [InlineData("clamped")]
        public void BeamTotalPotentialEnergy(string support) => Check("BeamTotalPotentialEnergy", V(87, 7, -0.02, 0.02), V(88, 9, 1, 2), V(89, 7, -1, 1), 2.0, support);
        [Fact]
        public void BeamTotalPotentialEnergy_unknown_support_names_it()
        {
            var e = Assert.Throws<ArgumentException>(() => NaturalRound18.BeamTotalPotentialEnergyForward(new double[3], new double[5], new double[3], 1.0, "glued"));
            Assert.Equal("support", e.ParamName);
            Assert.StartsWith("Unknown support type 'glued'.", e.Message);
            var b = Assert.Throws<ArgumentException>(() => NaturalRound18.BeamTotalPotentialEnergyBackward(new double[3], new double[5], new double[3], 1.0, "glued", new double[3], new double[5], new double[3], out _));
            Assert.Equal(e.Message, b.Message);
        }
    }
}
