using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// <see cref="ArraysAndSelectors"/>: each function against central differences and its Forward against the user's code
    /// (MethodOracle); the span method by hand through its array form; a switch arm that throws throws the user's exception.
    /// </summary>
    public class ArraysAndSelectorsTests
    {
        private static void Check(string name, params object?[] args) => MethodOracle.Check(typeof(ArraysAndSelectors), name, args);
        private static double[] V(int seed, int n, double scale = 1.0) => TestData.Vector(new Random(seed), n, scale);
        private static double[,] M(int seed, int r, int c, double scale = 1.0) => TestData.Matrix(new Random(seed), r, c, scale);

        [Fact]
        public void IndexRefilledPerRow() => Check("IndexRefilledPerRow", TestData.Vector(new Random(1), 5, 1.0), TestData.Vector(new Random(2), 5, 1.0));

        [Fact]
        public void ProjectThenReadOut() => Check("ProjectThenReadOut", M(22, 6, 4), M(23, 4, 3), V(24, 3));

        [Fact]
        public void ChainedSymmetric() => Check("ChainedSymmetric", M(1, 5, 3));

        [Fact]
        public void PlanarFlows() => Check("PlanarFlows", V(2, 2, 0.5), M(3, 3, 2, 0.5), M(4, 3, 2, 0.5), V(5, 3, 0.2), M(6, 4, 2));

        [Fact]
        public void ArmPose() => Check("ArmPose", new[] { 0.3, -0.5, 0.9, 0.2, -1.1 }, new[] { 2, 1, 1, 0, 1 }, new[] { 0.3, 0.45, 0.4, 0.1, 0.08 }, new[] { 0.6, 0.4, 0.5 });

        [Fact]
        public void ArmPose_unknown_axis_throws_the_users_exception()
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => ArraysAndSelectors.ArmPoseForward(new[] { 0.3 }, new[] { 7 }, new[] { 0.3 }, new[] { 0.6, 0.4, 0.5 }));
            Assert.Equal("axis", e.ParamName);
        }

        [Fact]
        public void MaskSpan_against_central_differences()
        {
            double[] t = { 0.2, -0.4, 1.1, 0.5, -0.9, 0.3 };
            bool[] obs = { true, false, true, true, false, true };
            double mu = 0.1, ls = -0.3;
            Assert.Equal(ArraysAndSelectors.MaskSpan(t, obs, mu, ls), ArraysAndSelectors.MaskSpanForward(t, obs, mu, ls), 12);
            var gt = new double[t.Length];
            double value = ArraysAndSelectors.MaskSpanBackward(t, obs, mu, ls, gt, out double gmu, out double gls);
            Assert.Equal(ArraysAndSelectors.MaskSpan(t, obs, mu, ls), value, 12);
            const double h = 1e-6;
            double F(double[] tt, double m, double l) => ArraysAndSelectors.MaskSpan(tt, obs, m, l);
            Assert.Equal((F(t, mu + h, ls) - F(t, mu - h, ls)) / (2 * h), gmu, 6);
            Assert.Equal((F(t, mu, ls + h) - F(t, mu, ls - h)) / (2 * h), gls, 6);
            for (int i = 0; i < t.Length; i++)
            {
                var p = (double[])t.Clone(); p[i] += h;
                var m = (double[])t.Clone(); m[i] -= h;
                Assert.Equal((F(p, mu, ls) - F(m, mu, ls)) / (2 * h), gt[i], 6);
            }
        }
    }
}
