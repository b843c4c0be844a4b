using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary><see cref="SortsAndCells"/>: each function against central differences and its Forward against the user's code (MethodOracle).</summary>
    public class SortsAndCellsTests
    {
        private static void Check(string name, params object?[] args) => MethodOracle.Check(typeof(SortsAndCells), name, args);
        private static double[] V(int seed, int n, double scale = 1.0) => TestData.Vector(new Random(seed), n, scale);
        private static double[,] M(int seed, int r, int c, double scale = 1.0) => TestData.Matrix(new Random(seed), r, c, scale);
        private static double[][] J(int seed, int r, int c, double scale = 1.0) => TestData.Jagged(new Random(seed), r, c, scale);

        [Fact]
        public void CoxPartialLikelihood() =>
            Check("CoxPartialLikelihood", M(1, 7, 2), new[] { 3.1, 0.4, 5.2, 1.7, 2.9, 4.4, 0.9 }, new[] { true, false, true, true, false, true, true }, new[] { 0.4, -0.7 });

        [Fact]
        public void RankByKey() => Check("RankByKey", new[] { 0.9, -0.3, 0.15, 1.4, -1.1, 0.55 }, 0.2);

        [Fact]
        public void RecurrentCells()
        {
            var r = new Random(3);
            var xs = new double[2, 4, 3];
            for (int b = 0; b < 2; b++) for (int t = 0; t < 4; t++) for (int d = 0; d < 3; d++) xs[b, t, d] = r.NextDouble() - 0.5;
            Check("RecurrentCells", xs, M(4, 5, 3, 0.5), M(5, 5, 5, 0.5), V(6, 5));
        }

        [Fact]
        public void JaggedAttention() => Check("JaggedAttention", J(7, 4, 3), J(8, 3, 3, 0.5), J(9, 3, 3, 0.5), J(10, 3, 2, 0.5));

        [Fact]
        public void ListOfContributions()
        {
            var a = M(11, 4, 4, 0.3);
            var cov = new double[4, 4];
            for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) { for (int k = 0; k < 4; k++) cov[i, j] += a[i, k] * a[j, k]; if (i == j) cov[i, j] += 0.1; }
            Check("ListOfContributions", new[] { 0.3, 0.2, 0.35, 0.15 }, cov, new[] { 0.25, 0.25, 0.25, 0.25 });
        }

        [Fact]
        public void RungeKuttaWeights() => Check("RungeKuttaWeights", new[] { 0.5, 1.2, -0.8 }, 0.7, 0.1);
    }
}
