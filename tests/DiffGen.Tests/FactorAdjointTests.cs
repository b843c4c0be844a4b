using System;
using DiffGen.Kernels;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// The contraction adjoints Backward's own adjoint calls: a null factor adjoint skips that product and leaves the other
    /// one as the full adjoint computes it; the row-sum forms (<c>*AdjointRowSum</c>) add the sum over rows [lo, hi) of what
    /// the full adjoint adds to the left factor's adjoint, and the right factor's adjoint over all rows. Each against the
    /// full adjoint of the same kernel.
    /// </summary>
    public class FactorAdjointTests
    {
        private static double[,] Rand(int r, int c, Random rng) => TriangularContractionTests.Rand(r, c, rng);

        private static double[,] Triangle(int n, bool lower, bool transB, Random rng) => TriangularContractionTests.Triangle(n, lower, transB, rng);

        private static void Close(double[,] expected, double[,] actual, string what)
        {
            for (int i = 0; i < expected.GetLength(0); i++)
                for (int j = 0; j < expected.GetLength(1); j++)
                    Assert.True(Math.Abs(expected[i, j] - actual[i, j]) <= 1e-12 * (1 + Math.Abs(expected[i, j])), $"{what}[{i},{j}] = {actual[i, j]}, expected {expected[i, j]}");
        }

        private static double[] RowSum(double[,] a, int lo, int hi)
        {
            var s = new double[a.GetLength(1)];
            for (int i = lo; i < hi; i++) for (int j = 0; j < s.Length; j++) s[j] += a[i, j];
            return s;
        }

        [Theory]
        [InlineData(7, 5, 3, false)]
        [InlineData(7, 5, 3, true)]
        [InlineData(130, 17, 40, false)]
        [InlineData(64, 64, 64, true)]
        public void ProductAdjoint_null_buffer_skips_only_its_product(int m, int n, int k, bool transB)
        {
            var rng = new Random(m + n * 7 + k);
            var a = Rand(m, k, rng);
            var b = transB ? Rand(k, n, rng) : Rand(n, k, rng);
            var g = Rand(m, n, rng);
            var aFull = Rand(m, k, rng);
            var bFull = transB ? Rand(k, n, rng) : Rand(n, k, rng);
            var aOnly = (double[,])aFull.Clone();
            var bOnly = (double[,])bFull.Clone();
            var g1 = (double[,])g.Clone();
            var g2 = (double[,])g.Clone();
            var g3 = (double[,])g.Clone();
            Contraction.ProductAdjoint(a, false, b, transB, k, g1, aFull, bFull);
            Contraction.ProductAdjoint(a, false, b, transB, k, g2, aOnly, null);
            Contraction.ProductAdjoint(a, false, b, transB, k, g3, null, bOnly);
            Close(aFull, aOnly, "aAdj");
            Close(bFull, bOnly, "bAdj");
            Assert.All(new[] { g1, g2, g3 }, x => Assert.Equal(new double[m, n], x)); // the table's adjoint is consumed either way
        }

        [Theory]
        [InlineData(9, 6, 4)]
        [InlineData(128, 64, 64)]
        public void RowsByRowsAdjoint_null_buffer_skips_only_its_product(int m, int n, int k)
        {
            var rng = new Random(m * 3 + n);
            var a = Rand(m, k, rng);
            var b = Rand(n, k, rng);
            var g = Rand(m, n, rng);
            var aFull = new double[m, k];
            var bFull = new double[n, k];
            var aOnly = new double[m, k];
            var bOnly = new double[n, k];
            Contraction.RowsByRowsAdjoint(a, b, k, (double[,])g.Clone(), aFull, bFull);
            Contraction.RowsByRowsAdjoint(a, b, k, (double[,])g.Clone(), aOnly, null);
            Contraction.RowsByRowsAdjoint(a, b, k, (double[,])g.Clone(), null, bOnly);
            Close(aFull, aOnly, "aAdj");
            Close(bFull, bOnly, "bAdj");
        }

        [Theory]
        [InlineData(128, 16, true, true, 0, 128)]
        [InlineData(128, 64, true, true, 0, 37)]
        [InlineData(130, 17, false, true, 5, 130)]
        [InlineData(7, 5, true, false, 2, 2)]
        [InlineData(40, 40, false, false, 0, 40)]
        public void TriangularAdjointRowSum_is_the_row_sum_of_the_full_adjoint(int m, int n, bool lower, bool transB, int lo, int hi)
        {
            var rng = new Random(m * 11 + n + lo);
            var a = Rand(m, n, rng);
            var b = Triangle(n, lower, transB, rng);
            var g = Rand(m, n, rng);
            var aAdj = new double[m, n];
            var bFull = Rand(n, n, rng);
            var bSum = (double[,])bFull.Clone();
            Contraction.TriangularAdjoint(a, b, transB, lower, n, (double[,])g.Clone(), aAdj, bFull);
            var sum = new double[n];
            sum[0] = 0.25; // added to, not overwritten
            var g2 = (double[,])g.Clone();
            Contraction.TriangularAdjointRowSum(a, b, transB, lower, n, g2, lo, hi, sum, bSum);
            var expected = RowSum(aAdj, lo, hi);
            expected[0] += 0.25;
            for (int d = 0; d < n; d++)
                Assert.True(Math.Abs(expected[d] - sum[d]) <= 1e-11 * (1 + Math.Abs(expected[d])), $"sum[{d}] = {sum[d]}, expected {expected[d]}");
            // R's adjoint keeps only its triangle's meaning; compare there
            for (int j = 0; j < n; j++)
                for (int d = 0; d < n; d++)
                    if (lower ? d <= j : d >= j)
                    {
                        var (x, y) = transB ? (bFull[d, j], bSum[d, j]) : (bFull[j, d], bSum[j, d]);
                        Assert.True(Math.Abs(x - y) <= 1e-12 * (1 + Math.Abs(x)), $"bAdj at ({j},{d}) = {y}, expected {x}");
                    }
            Assert.Equal(new double[m, n], g2);
        }

        [Theory]
        [InlineData(128, 20, 12, false, 0, 100)]
        [InlineData(128, 20, 12, true, 3, 128)]
        [InlineData(5, 3, 7, true, 0, 5)]
        public void ProductAdjointRowSum_is_the_row_sum_of_the_full_adjoint(int m, int n, int k, bool transB, int lo, int hi)
        {
            var rng = new Random(m + n + k + lo);
            var a = Rand(m, k, rng);
            var b = transB ? Rand(k, n, rng) : Rand(n, k, rng);
            var g = Rand(m, n, rng);
            var aAdj = new double[m, k];
            var bFull = transB ? new double[k, n] : new double[n, k];
            var bSum = transB ? new double[k, n] : new double[n, k];
            Contraction.ProductAdjoint(a, false, b, transB, k, (double[,])g.Clone(), aAdj, bFull);
            var sum = new double[k];
            Contraction.ProductAdjointRowSum(a, b, transB, k, (double[,])g.Clone(), lo, hi, sum, bSum);
            var expected = RowSum(aAdj, lo, hi);
            for (int d = 0; d < k; d++)
                Assert.True(Math.Abs(expected[d] - sum[d]) <= 1e-11 * (1 + Math.Abs(expected[d])), $"sum[{d}] = {sum[d]}, expected {expected[d]}");
            Close(bFull, bSum, "bAdj");
        }

        [Fact]
        public void RowSum_float_matches_double()
        {
            var rng = new Random(5);
            var a = Rand(20, 8, rng);
            var b = Triangle(8, true, true, rng);
            var g = Rand(20, 8, rng);
            var sd = new double[8];
            Contraction.TriangularAdjointRowSum(a, b, true, true, 8, g, 0, 20, sd, null);
            var af = new float[20, 8];
            var bf = new float[8, 8];
            var gf = new float[20, 8];
            var rngf = new Random(5);
            var a2 = Rand(20, 8, rngf);
            var b2 = Triangle(8, true, true, rngf);
            var g2 = Rand(20, 8, rngf);
            for (int i = 0; i < 20; i++) for (int j = 0; j < 8; j++) { af[i, j] = (float)a2[i, j]; gf[i, j] = (float)g2[i, j]; }
            for (int i = 0; i < 8; i++) for (int j = 0; j < 8; j++) bf[i, j] = (float)b2[i, j];
            var sf = new float[8];
            Contraction.TriangularAdjointRowSum(af, bf, true, true, 8, gf, 0, 20, sf, null);
            for (int d = 0; d < 8; d++) Assert.True(Math.Abs(sd[d] - sf[d]) < 1e-4, $"float sum[{d}] = {sf[d]}, double {sd[d]}");
        }

        [Fact]
        public void RowSum_rejects_rows_outside_the_table()
        {
            var a = new double[4, 3];
            var b = new double[3, 3];
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Contraction.ProductAdjointRowSum(a, b, false, 3, new double[4, 3], 2, 5, new double[3], null));
            Assert.Equal("rowLo", ex.ParamName);
            var ex2 = Assert.Throws<ArgumentException>(() => Contraction.ProductAdjointRowSum(a, b, false, 3, new double[4, 3], 0, 4, new double[2], null));
            Assert.Equal("aRowSum", ex2.ParamName);
        }
    }
}
