using System;
using DiffGen.Kernels;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>The kernels raised contractions call, against naive loops: general, Gram (one array on both sides), adjoints.</summary>
    public class ContractionTests
    {
        private static double[,] Rand(int r, int c, int seed)
        {
            var rng = new Random(seed);
            var a = new double[r, c];
            for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) a[i, j] = rng.NextDouble() * 2 - 1;
            return a;
        }

        [Theory]
        [InlineData(5, 7, 3, 3, false)]
        [InlineData(300, 300, 17, 17, true)]
        [InlineData(601, 601, 33, 20, true)]
        [InlineData(260, 129, 9, 9, false)]
        public void RowsByRowsAndAdjoint(int m, int n, int cols, int k, bool gram)
        {
            var a = Rand(m, cols, 1);
            var b = gram ? a : Rand(n, cols, 2);
            var c = new double[m, n];
            Contraction.RowsByRows(a, b, k, c);
            for (int i = 0; i < m; i += 7)
                for (int j = 0; j < n; j += 5)
                {
                    double s = 0;
                    for (int d = 0; d < k; d++) s += a[i, d] * b[j, d];
                    Assert.True(Math.Abs(s - c[i, j]) < 1e-11, $"c[{i},{j}] = {c[i, j]}, expected {s}");
                }

            var cAdj = Rand(m, n, 3);
            var expectedA = new double[m, cols];
            var expectedB = new double[n, cols];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                    for (int d = 0; d < k; d++)
                    {
                        expectedA[i, d] += cAdj[i, j] * b[j, d];
                        expectedB[j, d] += cAdj[i, j] * a[i, d];
                    }
            var aAdj = new double[m, cols];
            var bAdj = gram ? aAdj : new double[n, cols];
            Contraction.RowsByRowsAdjoint(a, b, k, cAdj, aAdj, bAdj);
            for (int i = 0; i < m; i++)
                for (int d = 0; d < cols; d++)
                {
                    double e = gram ? expectedA[i, d] + expectedB[i, d] : expectedA[i, d];
                    Assert.True(Math.Abs(e - aAdj[i, d]) < 1e-10, $"aAdj[{i},{d}] = {aAdj[i, d]}, expected {e}");
                }
            if (!gram)
                for (int j = 0; j < n; j++)
                    for (int d = 0; d < cols; d++)
                        Assert.True(Math.Abs(expectedB[j, d] - bAdj[j, d]) < 1e-10, $"bAdj[{j},{d}]");
            foreach (var x in cAdj) Assert.Equal(0.0, x);
        }

        [Fact]
        public void BoundBeyondRowsThrowsLikeTheLoop()
        {
            var a = Rand(3, 4, 1);
            Assert.Throws<IndexOutOfRangeException>(() => Contraction.RowsByRows(a, a, 5, new double[3, 3]));
        }

        [Fact]
        public void FloatGramMatchesDouble()
        {
            var a = Rand(300, 16, 4);
            var af = new float[300, 16];
            for (int i = 0; i < 300; i++) for (int j = 0; j < 16; j++) af[i, j] = (float)a[i, j];
            var c = new double[300, 300];
            var cf = new float[300, 300];
            Contraction.RowsByRows(a, a, 16, c);
            Contraction.RowsByRows(af, af, 16, cf);
            for (int i = 0; i < 300; i++)
                for (int j = 0; j < 300; j++)
                    Assert.True(Math.Abs(c[i, j] - cf[i, j]) < 1e-4, $"[{i},{j}]");
        }

        [Theory]
        [InlineData(false, false)]
        [InlineData(false, true)]
        [InlineData(true, false)]
        [InlineData(true, true)]
        public void ProductEveryLayoutAndAdjoint(bool transA, bool transB)
        {
            int m = 13, n = 10, k = 7, extra = 2;
            var a = transA ? Rand(k + extra, m, 5) : Rand(m, k + extra, 5);
            var b = transB ? Rand(k + extra, n, 6) : Rand(n, k + extra, 6);
            double L(int i, int d) => transA ? a[d, i] : a[i, d];
            double R(int j, int d) => transB ? b[d, j] : b[j, d];
            var c = new double[m, n];
            Contraction.Product(a, transA, b, transB, k, c);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int d = 0; d < k; d++) s += L(i, d) * R(j, d);
                    Assert.True(Math.Abs(s - c[i, j]) < 1e-12, $"c[{i},{j}]");
                }
            var cAdj = Rand(m, n, 7);
            var aAdj = new double[a.GetLength(0), a.GetLength(1)];
            var bAdj = new double[b.GetLength(0), b.GetLength(1)];
            Contraction.ProductAdjoint(a, transA, b, transB, k, cAdj, aAdj, bAdj);
            var ea = new double[a.GetLength(0), a.GetLength(1)];
            var eb = new double[b.GetLength(0), b.GetLength(1)];
            var g = Rand(m, n, 7);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                    for (int d = 0; d < k; d++)
                    {
                        if (transA) ea[d, i] += g[i, j] * R(j, d); else ea[i, d] += g[i, j] * R(j, d);
                        if (transB) eb[d, j] += g[i, j] * L(i, d); else eb[j, d] += g[i, j] * L(i, d);
                    }
            for (int i = 0; i < ea.GetLength(0); i++) for (int j = 0; j < ea.GetLength(1); j++) Assert.True(Math.Abs(ea[i, j] - aAdj[i, j]) < 1e-12, $"aAdj[{i},{j}]");
            for (int i = 0; i < eb.GetLength(0); i++) for (int j = 0; j < eb.GetLength(1); j++) Assert.True(Math.Abs(eb[i, j] - bAdj[i, j]) < 1e-12, $"bAdj[{i},{j}]");
            foreach (var x in cAdj) Assert.Equal(0.0, x);
        }
    
        [Theory]
        [InlineData(6, 5, 4)]
        [InlineData(1, 3, 3)]
        [InlineData(40, 33, 33)]
        public void RowsByVector_BothOrders_AndAdjoint(int m, int cols, int k)
        {
            var a = Rand(m, cols, 7);
            var v = new double[cols + 2];
            var rng = new Random(8);
            for (int d = 0; d < v.Length; d++) v[d] = rng.NextDouble() - 0.5;
            var expected = new double[m];
            for (int i = 0; i < m; i++) for (int d = 0; d < k; d++) expected[i] += a[i, d] * v[d];

            var column = new double[m, 1];
            Contraction.RowsByRows(a, v, k, column);
            var row = new double[1, m];
            Contraction.RowsByRows(v, a, k, row);
            for (int i = 0; i < m; i++)
            {
                Assert.True(Math.Abs(expected[i] - column[i, 0]) < 1e-12, $"column[{i}]");
                Assert.True(Math.Abs(expected[i] - row[0, i]) < 1e-12, $"row[{i}]");
            }

            // adjoint: aAdj[i, d] += g[i] v[d], vAdj[d] += Σ_i g[i] a[i, d] (d < k), table cleared
            var g = Rand(m, 1, 9);
            var aAdj = Rand(m, cols, 10);
            var vAdj = new double[v.Length];
            vAdj[0] = 0.25;
            var ea = (double[,])aAdj.Clone();
            var ev = (double[])vAdj.Clone();
            for (int i = 0; i < m; i++) for (int d = 0; d < k; d++) { ea[i, d] += g[i, 0] * v[d]; ev[d] += g[i, 0] * a[i, d]; }
            var g2 = new double[1, m];
            for (int i = 0; i < m; i++) g2[0, i] = g[i, 0];
            var aAdj2 = (double[,])aAdj.Clone();
            var vAdj2 = (double[])vAdj.Clone();
            Contraction.RowsByRowsAdjoint(a, v, k, g, aAdj, vAdj);
            Contraction.RowsByRowsAdjoint(v, a, k, g2, vAdj2, aAdj2);
            for (int i = 0; i < m; i++) for (int d = 0; d < cols; d++)
            {
                Assert.True(Math.Abs(ea[i, d] - aAdj[i, d]) < 1e-12, $"aAdj[{i},{d}]");
                Assert.True(Math.Abs(ea[i, d] - aAdj2[i, d]) < 1e-12, $"aAdj2[{i},{d}]");
            }
            for (int d = 0; d < v.Length; d++)
            {
                Assert.True(Math.Abs(ev[d] - vAdj[d]) < 1e-12, $"vAdj[{d}]");
                Assert.True(Math.Abs(ev[d] - vAdj2[d]) < 1e-12, $"vAdj2[{d}]");
            }
            foreach (var x in g) Assert.Equal(0.0, x);
            foreach (var x in g2) Assert.Equal(0.0, x);
            Assert.Throws<IndexOutOfRangeException>(() => Contraction.RowsByRows(a, new double[k - 1], k, column));
        }
}
}
