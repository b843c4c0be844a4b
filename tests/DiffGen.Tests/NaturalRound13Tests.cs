using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 13 (<see cref="NaturalRound13"/>): a probe batch written without DiffGen's documentation, each function checked as
    /// written by <see cref="MethodOracle"/> (Forward equals the method, Backward's value and outputs, gradients against central
    /// differences, in-and-out output buffers, seed scaling), plus the late guards' exceptions.
    /// </summary>
    public class NaturalRound13Tests
    {
        private static readonly Type T = typeof(NaturalRound13);

        private static double[] V(int seed, int n, double scale = 1.0) => TestData.Vector(new Random(seed), n, scale);
        private static double[,] M(int seed, int r, int c) => TestData.Matrix(new Random(seed), r, c);
        private static double[][] J(int seed, int r, int c) => TestData.Jagged(new Random(seed), r, c);
        private static double[] Positive(int seed, int n) => V(seed, n).Select(x => 0.5 + Math.Abs(x)).ToArray();
        private static float[] F(double[] x) => TestData.ToFloat(x);

        private static void Check(string name, params object?[] args) => MethodOracle.Check(T, name, args);

        [Fact] public void FocalLoss() => Check("FocalLoss", V(1301, 6), new[] { 1, 0, 1, 1, 0, 0 }, 2.0, 0.25);
        [Fact] public void TripletLoss() => Check("TripletLoss", J(1302, 4, 3), J(1303, 4, 3), J(1304, 4, 3), 1.0);
        [Fact] public void InfoNceLoss() => Check("InfoNceLoss", M(1305, 4, 3), M(1306, 4, 3), 0.5);
        [Fact] public void HuberLoss() => Check("HuberLoss", V(1307, 6, 2.0), V(1308, 6), 1.0);
        [Fact] public void QuantileLoss() => Check("QuantileLoss", M(1309, 5, 3), V(1310, 5));
        [Fact] public void KlDivergenceSoftmax() => Check("KlDivergenceSoftmax", V(1311, 5), V(1312, 5), 2.0);
        [Fact] public void LabelSmoothedCrossEntropy() => Check("LabelSmoothedCrossEntropy", J(1313, 4, 3), new[] { 0, 2, 1, 2 }, 0.1);
        [Fact] public void SoftDiceLoss() => Check("SoftDiceLoss", F(V(1314, 6)), new[] { 1f, 0f, 1f, 1f, 0f, 1f }, 1f);
        [Fact] public void LayerNorm() => Check("LayerNorm", M(1315, 3, 4), V(1316, 4), V(1317, 4), new double[3, 4], 1e-5);
        [Fact] public void RmsNorm() => Check("RmsNorm", F(V(1318, 5)), F(V(1319, 5)), new float[5], 1e-6f);
        [Fact] public void GeluMlp() => Check("GeluMlp", V(1320, 3), M(1321, 4, 3), V(1322, 4), M(1323, 2, 4), V(1324, 2), new double[2]);

        [Theory]
        [InlineData(1, 1, 6)]
        [InlineData(2, 1, 3)]
        [InlineData(1, 0, 5)] // output longer than outLen (4): the last element keeps the bias
        public void Conv1d(int stride, int padding, int outputs) => Check("Conv1d", V(1325, 6), V(1326, 3), 0.2, new double[outputs], stride, padding);

        [Fact]
        public void Conv1d_checks_the_output_length_first()
        {
            // the check follows two int locals: it runs first, with the locals' initializers in their place
            var output = new double[2];
            var e = Assert.Throws<ArgumentException>(() => NaturalRound13.Conv1dForward(V(1, 6), V(2, 3), 0.2, output, 1, 1));
            Assert.Equal("output", e.ParamName);
            Assert.Contains("at least 6 elements", e.Message);
            var grads = TestData.Filled(new double[6], 7.0);
            Assert.Throws<ArgumentException>(() => NaturalRound13.Conv1dBackward(V(1, 6), V(2, 3), 0.2, output, 1, 1, grads, new double[3], out _, new double[2]));
            Assert.All(grads, g => Assert.Equal(7.0, g)); // nothing written before the check
        }

        [Fact] public void MaxPool1d() => Check("MaxPool1d", V(1327, 8), new double[4], 2, 2);
        [Fact] public void SingleQueryAttention() => Check("SingleQueryAttention", V(1328, 3), M(1329, 5, 3), M(1330, 5, 2), new double[2]);
        [Fact] public void GruCell() => Check("GruCell", V(1331, 3), V(1332, 2), M(1333, 6, 3), M(1334, 6, 2), V(1335, 6), new double[2]);

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(2)]
        public void EmbeddingBag(int mode) =>
            Check("EmbeddingBag", M(1336, 5, 3), new[] { 0, 2, 4, 1, 3, 3 }, new[] { 0, 2, 2, 5 }, new double[4, 3], mode); // bag 1 is empty

        [Fact]
        public void SpringNetworkEnergy() =>
            Check("SpringNetworkEnergy", M(1337, 4, 2), M(1338, 4, 2), Positive(1339, 4), new[] { new[] { 1, 2 }, new[] { 0, 3 }, new[] { 0, 3, 1 }, new[] { 1, 2 } }, 2.0, 1.0);

        [Fact] public void HeatEquationEnergy() => Check("HeatEquationEnergy", V(1340, 6), 0.2, 1.0, 1.0, 4);

        [Fact]
        public void HeatEquationEnergy_checks_stability_first()
        {
            var e = Assert.Throws<ArgumentException>(() => NaturalRound13.HeatEquationEnergyForward(V(1, 6), 0.8, 1.0, 1.0, 4));
            Assert.Contains("unstable", e.Message);
            Assert.Throws<ArgumentException>(() => NaturalRound13.HeatEquationEnergyBackward(V(1, 6), 0.8, 1.0, 1.0, 4, new double[6], out _, out _, out _));
        }

        [Fact]
        public void LennardJonesEnergy() =>
            Check("LennardJonesEnergy", new double[,] { { 0, 0, 0 }, { 1.1, 0, 0 }, { 0, 1.2, 0.1 }, { 0.9, 1.0, 1.1 }, { 2.9, 2.5, 0.4 } }, 1.0, 1.0, 2.5);

        [Fact] public void Horner() => Check("Horner", 0.7, V(1341, 5));

        [Fact]
        public void InterpolationLoss() =>
            Check("InterpolationLoss", new[] { 0.0, 1.0, 2.5, 3.0, 4.2 }, V(1342, 5), new[] { 0.3, 1.7, 2.8, 3.9, -0.5, 5.0 }, V(1343, 6));

        [Theory]
        [InlineData(16)]
        [InlineData(15)] // odd: one more interval
        public void SimpsonSecondMoment(int intervals) => Check("SimpsonSecondMoment", 0.3, 1.2, -4.0, 4.0, intervals);

        [Fact] public void LogisticRegressionLoss() => Check("LogisticRegressionLoss", M(1344, 5, 3), new[] { 1.0, 0, 1, 1, 0 }, V(1345, 3), 0.1, 1e-3);
        [Fact] public void GpLogMarginalLikelihood() => Check("GpLogMarginalLikelihood", new[] { 0.0, 0.5, 1.3, 2.0 }, V(1346, 4), 0.8, 1.1, 0.1);

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(2)]
        public void AnnealedSoftmaxLoss(int schedule) => Check("AnnealedSoftmaxLoss", V(1347, 5), 2, 3, 10, schedule);

        [Fact] public void UnrolledRmsPropLoss() => Check("UnrolledRmsPropLoss", V(1348, 4), V(1349, 4), new NaturalRound13.Config(0.1, 1e-8), 3);

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        [InlineData(4)]
        [InlineData(5)]
        public void ActivationLayer(int kind) => Check("ActivationLayer", V(1350, 6), new double[6], kind, 0.01);

        [Fact] public void StandardizedMse() => Check("StandardizedMse", V(1351, 6), V(1352, 6));
        [Fact] public void RelativeErrorLoss() => Check("RelativeErrorLoss", V(1353, 6), new[] { 0.5, -1.2, 0.0005, 2, 0.8, -0.3 }, 1e-3);
        [Fact] public void PolynomialFeatureRegression() => Check("PolynomialFeatureRegression", V(1354, 5), V(1355, 5), V(1356, 4));

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void CosineEmbeddingLoss(bool similar) => Check("CosineEmbeddingLoss", V(1357, 4), V(1358, 4), similar, -0.5);

        [Fact] public void SplineTrackingLoss() => Check("SplineTrackingLoss", V(1359, 5), new[] { -0.5, 0.3, 1.5, 2.2, 3.7, 4.5 }, V(1360, 6));
    }
}

namespace DiffGen.Tests
{
    public class SignCheckTests
    {
        [Fact]
        public void Sign_and_integer_tests_branch_as_dotnet_does()
        {
            MethodOracle.Check(typeof(Corpus.SignChecks), "SignedHinge", new object?[] { new[] { 0.3, -1.2, 2.1, 0.9, -0.4, 3.3 }, 0.8 }); // away from whole numbers (a jump there)
            // -0.0 is negative, +0.0 positive and an integer (each branch taken)
            var x = new[] { -0.0, 0.0, 2.5, -3.0, 1.0 };
            Assert.Equal(Corpus.SignChecks.SignedHinge(x, 0.8), Corpus.SignChecks.SignedHingeForward(x, 0.8));
        }
    }
}
