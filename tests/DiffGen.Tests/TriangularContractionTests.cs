using System;
using DiffGen.Kernels;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Contraction.Triangular and its adjoint (Raise.BatchedProducts' triangular maps) against naive loops over the dense
    /// product: lower and upper, R stored as is or transposed, float and double, sizes on and off the register tiles' edges
    /// (16 columns, 4 rows), and the tiny products that skip the GEMM's packing.
    /// </summary>
    public class TriangularContractionTests
    {
        public static TheoryData<int, int, bool, bool> Cases()
        {
            var data = new TheoryData<int, int, bool, bool>();
            // (128, 2), (128, 10), (130, 6), (9, 3), (133, 23): gmm's maps and the one-vector and scalar column tails after the
            // two-vector tiles (8 = 4 + 4, 6 = 4 + 2, 3 = 2 + 1, 23 = 16 + 4 + 2 + 1 columns)
            foreach (var (m, n) in new[] { (1, 1), (3, 5), (128, 16), (130, 17), (7, 37), (128, 64), (5, 40), (128, 2), (128, 10), (130, 6), (9, 3), (133, 23) })
                foreach (bool lower in new[] { true, false })
                    foreach (bool transB in new[] { true, false })
                        data.Add(m, n, lower, transB);
            return data;
        }

        /// <summary>R(j, d) with zeros off its triangle, stored as b[j, d] or, transposed, b[d, j].</summary>
        internal static double[,] Triangle(int n, bool lower, bool transB, Random rng)
        {
            var b = new double[n, n];
            for (int j = 0; j < n; j++)
                for (int d = 0; d < n; d++)
                {
                    double v = (lower ? d <= j : d >= j) ? rng.NextDouble() * 2 - 1 : 0;
                    if (transB) b[d, j] = v; else b[j, d] = v;
                }
            return b;
        }

        internal static double[,] Rand(int r, int c, Random rng)
        {
            var a = new double[r, c];
            for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) a[i, j] = rng.NextDouble() * 2 - 1;
            return a;
        }

        private static double R(double[,] b, bool transB, int j, int d) => transB ? b[d, j] : b[j, d];

        [Theory, MemberData(nameof(Cases))]
        public void Double_MatchesTheDenseProduct(int m, int n, bool lower, bool transB)
        {
            var rng = new Random(m * 31 + n);
            var a = Rand(m, n, rng);
            var b = Triangle(n, lower, transB, rng);
            var c = Rand(m, n, rng); // overwritten
            Contraction.Triangular(a, b, transB, lower, n, c);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int d = 0; d < n; d++) s += a[i, d] * R(b, transB, j, d);
                    Assert.True(Math.Abs(s - c[i, j]) < 1e-12, $"c[{i},{j}] = {c[i, j]}, expected {s}");
                }

            var cAdj = Rand(m, n, rng);
            var aAdj = Rand(m, n, rng);
            var bAdj = Rand(n, n, rng);
            var aAdj0 = (double[,])aAdj.Clone();
            var bAdj0 = (double[,])bAdj.Clone();
            var g = (double[,])cAdj.Clone();
            Contraction.TriangularAdjoint(a, b, transB, lower, n, cAdj, aAdj, bAdj);
            for (int i = 0; i < m; i++)
                for (int d = 0; d < n; d++)
                {
                    double s = aAdj0[i, d];
                    for (int j = 0; j < n; j++) s += g[i, j] * R(b, transB, j, d);
                    Assert.True(Math.Abs(s - aAdj[i, d]) < 1e-12, $"aAdj[{i},{d}] = {aAdj[i, d]}, expected {s}");
                }
            for (int j = 0; j < n; j++)
                for (int d = 0; d < n; d++)
                {
                    if (lower ? d > j : d < j) continue; // off the triangle: unspecified
                    double s = transB ? bAdj0[d, j] : bAdj0[j, d];
                    for (int i = 0; i < m; i++) s += g[i, j] * a[i, d];
                    double got = transB ? bAdj[d, j] : bAdj[j, d];
                    Assert.True(Math.Abs(s - got) < 1e-12, $"R̄({j},{d}) = {got}, expected {s}");
                }
            Assert.All(Flat(cAdj), v => Assert.Equal(0.0, v));
        }

        [Theory]
        [InlineData(130, 17, true, true)]
        [InlineData(9, 33, false, false)]
        [InlineData(128, 64, true, false)]
        [InlineData(128, 10, true, true)]
        [InlineData(131, 7, false, true)]
        public void Float_MatchesTheDenseProduct(int m, int n, bool lower, bool transB)
        {
            var rng = new Random(m + n);
            var a = Rand(m, n, rng);
            var b = Triangle(n, lower, transB, rng);
            var af = ToFloat(a);
            var bf = ToFloat(b);
            var c = new float[m, n];
            Contraction.Triangular(af, bf, transB, lower, n, c);
            var cAdj = ToFloat(Rand(m, n, rng));
            var g = (float[,])cAdj.Clone();
            var aAdj = new float[m, n];
            var bAdj = new float[n, n];
            Contraction.TriangularAdjoint(af, bf, transB, lower, n, cAdj, aAdj, bAdj);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0, sa = 0;
                    for (int d = 0; d < n; d++) s += (double)af[i, d] * (transB ? bf[d, j] : bf[j, d]);
                    for (int q = 0; q < n; q++) sa += (double)g[i, q] * (transB ? bf[j, q] : bf[q, j]);
                    Assert.True(Math.Abs(s - c[i, j]) < 1e-4, $"c[{i},{j}] = {c[i, j]}, expected {s}");
                    Assert.True(Math.Abs(sa - aAdj[i, j]) < 1e-4, $"aAdj[{i},{j}] = {aAdj[i, j]}, expected {sa}");
                }
            for (int j = 0; j < n; j++)
                for (int d = 0; d < n; d++)
                {
                    if (lower ? d > j : d < j) continue; // off the triangle: unspecified
                    double s = 0;
                    for (int i = 0; i < m; i++) s += (double)g[i, j] * af[i, d];
                    double got = transB ? bAdj[d, j] : bAdj[j, d];
                    Assert.True(Math.Abs(s - got) < 1e-3, $"R̄({j},{d}) = {got}, expected {s}");
                }
        }

        [Fact]
        public void WrongShapes_NameTheTable()
        {
            var a = new double[4, 3];
            var b = new double[3, 3];
            Assert.Throws<ArgumentException>(() => Contraction.Triangular(a, b, true, true, 3, new double[4, 2]));
            Assert.Throws<IndexOutOfRangeException>(() => Contraction.Triangular(a, b, true, true, 4, new double[4, 3]));
            var ex = Assert.Throws<ArgumentException>(() => Contraction.TriangularAdjoint(a, b, true, true, 3, new double[4, 3], new double[4, 2], new double[3, 3]));
            Assert.Equal("aAdj", ex.ParamName);
        }

        /// <summary>Tiny products (m·n·k ≤ 4096) multiply directly instead of packing: general layouts and the adjoint's
        /// accumulation into what the buffers held.</summary>
        [Theory]
        [InlineData(128, 2, 2, false, true)]
        [InlineData(3, 4, 5, true, false)]
        [InlineData(16, 16, 16, false, false)]
        public void TinyProducts_MatchNaiveLoops(int m, int n, int k, bool transA, bool transB)
        {
            var rng = new Random(m * n + k);
            var a = transA ? Rand(k, m, rng) : Rand(m, k, rng);
            var b = transB ? Rand(k, n, rng) : Rand(n, k, rng);
            var c = new double[m, n];
            Contraction.Product(a, transA, b, transB, k, c);
            double L(int i, int d) => transA ? a[d, i] : a[i, d];
            double Rt(int j, int d) => transB ? b[d, j] : b[j, d];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int d = 0; d < k; d++) s += L(i, d) * Rt(j, d);
                    Assert.True(Math.Abs(s - c[i, j]) < 1e-12, $"c[{i},{j}] = {c[i, j]}, expected {s}");
                }
            var cAdj = Rand(m, n, rng);
            var g = (double[,])cAdj.Clone();
            var aAdj = Rand(a.GetLength(0), a.GetLength(1), rng);
            var bAdj = Rand(b.GetLength(0), b.GetLength(1), rng);
            var aAdj0 = (double[,])aAdj.Clone();
            var bAdj0 = (double[,])bAdj.Clone();
            Contraction.ProductAdjoint(a, transA, b, transB, k, cAdj, aAdj, bAdj);
            for (int i = 0; i < m; i++)
                for (int d = 0; d < k; d++)
                {
                    double s = transA ? aAdj0[d, i] : aAdj0[i, d];
                    for (int j = 0; j < n; j++) s += g[i, j] * Rt(j, d);
                    double got = transA ? aAdj[d, i] : aAdj[i, d];
                    Assert.True(Math.Abs(s - got) < 1e-12, $"aAdj({i},{d}) = {got}, expected {s}");
                }
            for (int j = 0; j < n; j++)
                for (int d = 0; d < k; d++)
                {
                    double s = transB ? bAdj0[d, j] : bAdj0[j, d];
                    for (int i = 0; i < m; i++) s += g[i, j] * L(i, d);
                    double got = transB ? bAdj[d, j] : bAdj[j, d];
                    Assert.True(Math.Abs(s - got) < 1e-12, $"bAdj({j},{d}) = {got}, expected {s}");
                }
        }

        private static float[,] ToFloat(double[,] x)
        {
            var f = new float[x.GetLength(0), x.GetLength(1)];
            for (int i = 0; i < x.GetLength(0); i++) for (int j = 0; j < x.GetLength(1); j++) f[i, j] = (float)x[i, j];
            return f;
        }

        private static System.Collections.Generic.IEnumerable<double> Flat(double[,] x)
        {
            foreach (var v in x) yield return v;
        }
    }
}
