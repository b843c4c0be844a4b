using System;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// The SIMD loops (Schedule) against finite differences of the user's scalar loops, at sizes that run both
    /// the vector body and the scalar tail, and at sizes below one vector (scalar loop only).
    /// </summary>
    public class SimdPathTests
    {
        [Theory]
        [InlineData(3, 2)]
        [InlineData(5, 9)]
        [InlineData(13, 37)]
        public void MaskedRows_MatchesFiniteDifferences(int n, int m)
        {
            var rng = new Random(n * 100 + m);
            var a = TestData.Matrix(rng, n, m);
            var w = TestData.Vector(rng, Math.Max(n, m));
            double t = 0.8;
            double reference = Simd.MaskedRows(a, w, t);
            Check.Forward(reference, Simd.MaskedRowsForward(a, w, t), "MaskedRowsForward");
            var ga = TestData.Garbage(a);
            var gw = TestData.Garbage(w);
            double value = Simd.MaskedRowsBackward(a, w, t, ga, gw, out double gt);
            Check.Forward(reference, value, "MaskedRowsBackward value");
            Check.Gradient(FiniteDiff.Gradient(() => Simd.MaskedRows(a, w, t), a), ga, "d/da");
            Check.Gradient(FiniteDiff.Gradient(() => Simd.MaskedRows(a, w, t), w), gw, "d/dw");
            Check.Gradient(FiniteDiff.Derivative(x => Simd.MaskedRows(a, w, x), t), gt, "d/dt");
        }

        [Theory]
        [InlineData(4, 3)]
        [InlineData(7, 29)]
        public void MaskedRowsF_MatchesDoubleFiniteDifferences(int n, int m)
        {
            var rng = new Random(7 * n + m);
            var a = TestData.Matrix(rng, n, m, 0.5);
            var w = TestData.Vector(rng, n);
            var af = new float[n, m];
            for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) af[i, j] = (float)a[i, j];
            var wf = Array.ConvertAll(w, x => (float)x);
            // the float function evaluated in double precision through its double twin below
            double F(double[,] aa, double[] ww, double t)
            {
                double s = 0;
                for (int i = 0; i < n; i++)
                {
                    double inv = Math.Sqrt(ww[i] * ww[i] + 1);
                    for (int j = 0; j < m; j++) if (j != i) s += Math.Exp(aa[i, j] * inv / t) - Math.Log(1 + aa[i, j] * aa[i, j]);
                }
                return s;
            }
            var ga = new float[n, m];
            var gw = new float[n];
            float value = Simd.MaskedRowsFBackward(af, wf, 0.9f, ga, gw, out float gt);
            Assert.Equal(Simd.MaskedRowsF(af, wf, 0.9f), value, 3);
            var fa = FiniteDiff.Gradient(() => F(a, w, 0.9), a);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++)
                    Assert.True(Math.Abs(fa[i, j] - ga[i, j]) <= 1e-3 * Math.Max(1, Math.Abs(fa[i, j])), $"d/da[{i},{j}]: {ga[i, j]} vs {fa[i, j]}");
            double ft = FiniteDiff.Derivative(x => F(a, w, x), 0.9);
            Assert.True(Math.Abs(ft - gt) <= 1e-3 * Math.Max(1, Math.Abs(ft)), $"d/dt {gt} vs {ft}");
        }

        [Theory]
        [InlineData(9, 7)]
        [InlineData(19, 5)]
        public void NtXent_VectorAndTailPaths(int batch, int dim)
        {
            var rng = new Random(batch);
            var zi = TestData.Matrix(rng, batch, dim);
            var zj = TestData.Matrix(rng, batch, dim);
            double tau = 0.3;
            var gzi = TestData.Garbage(zi);
            var gzj = TestData.Garbage(zj);
            double value = NtXentCorpus.NtXentBackward(zi, zj, tau, gzi, gzj, out double gtau);
            Check.Forward(NtXentCorpus.NtXent(zi, zj, tau), value, "value");
            Check.Gradient(FiniteDiff.Gradient(() => NtXentCorpus.NtXent(zi, zj, tau), zi), gzi, "dzi");
            Check.Gradient(FiniteDiff.Gradient(() => NtXentCorpus.NtXent(zi, zj, tau), zj), gzj, "dzj");
            Check.Gradient(FiniteDiff.Derivative(t => NtXentCorpus.NtXent(zi, zj, t), tau), gtau, "dtau");
        }

        [Theory]
        [InlineData(3)]
        [InlineData(9)]
        [InlineData(23)]
        [InlineData(37)] // unroll-and-jam (Schedule.UnrollJam): jammed groups, corners, the break when the shared range gets short, leftovers
        [InlineData(64)]
        public void Triangular_OffsetRowsAndElementReductions(int d)
        {
            var rng = new Random(d);
            var l = TestData.Vector(rng, d * (d - 1) / 2 + 1);
            var x = TestData.Vector(rng, d);
            var gl = TestData.Garbage(l);
            var gx = TestData.Garbage(x);
            double value = Simd.TriangularBackward(l, x, d, gl, gx);
            Check.Forward(Simd.Triangular(l, x, d), value, "value");
            Check.Forward(Simd.Triangular(l, x, d), Simd.TriangularForward(l, x, d), "forward");
            Check.Gradient(FiniteDiff.Gradient(() => Simd.Triangular(l, x, d), l), gl, "dl");
            Check.Gradient(FiniteDiff.Gradient(() => Simd.Triangular(l, x, d), x), gx, "dx");
        }
    
        [Theory]
        [InlineData(3, 2, 5, 1.0)]
        [InlineData(7, 3, 4, 1.0)]
        [InlineData(9, 5, 3, 1.0)]
        // several blocks of points (Raise.LoopInterchange runs 128 at a time), the last one partial; small inputs, since the
        // value sums n points and central differences lose digits in proportion to it
        [InlineData(5, 3, 300, 0.3)]
        [InlineData(7, 2, 129, 0.3)]
        public void BlockTape_MixtureRowsStoredPerPoint(int d, int k, int n, double scale)
        {
            var rng = new Random(d * 31 + k);
            var x = TestData.Matrix(rng, n, d, scale);
            var mu = TestData.Matrix(rng, k, d, scale);
            var q = TestData.Matrix(rng, k, d);
            var l = TestData.Matrix(rng, k, d * (d - 1) / 2 + 1);
            var gx = TestData.Garbage(x);
            var gmu = TestData.Garbage(mu);
            var gq = TestData.Garbage(q);
            var gl = TestData.Garbage(l);
            double value = BlockTape.MixtureBackward(x, mu, q, l, d, k, gx, gmu, gq, gl);
            Check.Forward(BlockTape.Mixture(x, mu, q, l, d, k), value, "value");
            Check.Forward(BlockTape.Mixture(x, mu, q, l, d, k), BlockTape.MixtureForward(x, mu, q, l, d, k), "forward");
            Check.Gradient(FiniteDiff.Gradient(() => BlockTape.Mixture(x, mu, q, l, d, k), x), gx, "dx");
            Check.Gradient(FiniteDiff.Gradient(() => BlockTape.Mixture(x, mu, q, l, d, k), mu), gmu, "dmu");
            Check.Gradient(FiniteDiff.Gradient(() => BlockTape.Mixture(x, mu, q, l, d, k), q), gq, "dq");
            Check.Gradient(FiniteDiff.Gradient(() => BlockTape.Mixture(x, mu, q, l, d, k), l), gl, "dl");
        }

        [Theory]
        [InlineData(1, 2)]
        [InlineData(6, 5)]
        [InlineData(13, 9)]
        public void BlockTape_PolynomialPromotedElementAndRestoredScalar(int m, int n)
        {
            var rng = new Random(m * 7 + n);
            var c = TestData.Vector(rng, m);
            var gc = TestData.Garbage(c);
            double value = BlockTape.PolynomialBackward(c, m, n, gc);
            Check.Forward(BlockTape.Polynomial(c, m, n), value, "value");
            Check.Forward(BlockTape.Polynomial(c, m, n), BlockTape.PolynomialForward(c, m, n), "forward");
            Check.Gradient(FiniteDiff.Gradient(() => BlockTape.Polynomial(c, m, n), c), gc, "dc");
        }

        [Theory]
        [InlineData(1, 1)]
        [InlineData(3, 2)]
        [InlineData(9, 5)]
        [InlineData(14, 3)]
        public void BlockTape_RecurrencesRecomputedInTheReverseSweep(int m, int n)
        {
            var rng = new Random(m * 11 + n);
            var c = TestData.Vector(rng, m);
            var w = TestData.Vector(rng, n);
            double a = 0.9 + 0.1 * rng.NextDouble();
            var gc = TestData.Garbage(c);
            var gw = TestData.Garbage(w);
            double value = BlockTape.RecurrencesBackward(c, w, a, n, gc, gw, out double ga);
            double reference = BlockTape.Recurrences(c, w, a, n);
            Check.Forward(reference, value, "value");
            Check.Forward(reference, BlockTape.RecurrencesForward(c, w, a, n), "forward");
            Check.Gradient(FiniteDiff.Gradient(() => BlockTape.Recurrences(c, w, a, n), c), gc, "dc");
            Check.Gradient(FiniteDiff.Gradient(() => BlockTape.Recurrences(c, w, a, n), w), gw, "dw");
            var ab = new[] { a };
            Check.Gradient(FiniteDiff.Gradient(() => BlockTape.Recurrences(c, w, ab[0], n), ab), new[] { ga }, "da");
        }

        [Theory]
        [InlineData(1, 1)]
        [InlineData(6, 3)]
        [InlineData(11, 4)]
        public void BlockTape_StepsStoredPerStep(int n, int s)
        {
            var rng = new Random(n * 5 + s);
            var a = TestData.Vector(rng, n);
            var ga = TestData.Garbage(a);
            var y = new double[n];
            var yGrad = new double[n];
            for (int i = 0; i < n; i++) yGrad[i] = 1.0 + 0.25 * i;
            var yb = new double[n];
            var gy = (double[])yGrad.Clone();
            BlockTape.StepsBackward(a, n, s, yb, ga, gy);
            double F(double[] aa) { var yy = new double[n]; BlockTape.Steps(aa, n, s, yy); double f = 0; for (int i = 0; i < n; i++) f += yGrad[i] * yy[i]; return f; }
            Check.Gradient(FiniteDiff.Gradient(() => F(a), a), ga, "da");
            // y[0] is read after the loops (an entry value when n is 0), so yGrad is in and out: every entry value is
            // overwritten first here, so the gradient with respect to them is 0
            Check.Gradient(new double[n], gy, "dy (entry values)");
            var yf = new double[n];
            BlockTape.StepsForward(a, n, s, yf);
            BlockTape.Steps(a, n, s, y);
            Check.Forward(y[n - 1], yf[n - 1], "forward");
        }
        /// <summary>
        /// Two rows of one array written at one column per iteration run on SIMD lanes (the plan says so); the rows may be the
        /// same row. Forward equals the user's scalar loop and the gradient equals central differences for every pair of rows,
        /// at sizes below one vector, with a tail, and with several vectors.
        /// </summary>
        [Theory]
        [InlineData(3)]
        [InlineData(4)]
        [InlineData(13)]
        [InlineData(33)]
        public void TwoRowCell_AnyRowPair_MatchesTheLoopAndFiniteDifferences(int n)
        {
            foreach (var (r, q) in new[] { (0, 1), (1, 0), (0, 0), (1, 1) })
            {
                var rng = new Random(31 * n + 7 * r + q);
                var x = TestData.Vector(rng, n);
                var w = TestData.Vector(rng, n);
                string what = $"TwoRowCell n={n} rows ({r}, {q})";
                double reference = Simd.TwoRowCell(x, w, r, q);
                Check.Forward(reference, Simd.TwoRowCellForward(x, w, r, q), what + " Forward");
                var gx = TestData.Garbage(x);
                var gw = TestData.Garbage(w);
                Check.Forward(reference, Simd.TwoRowCellBackward(x, w, r, q, gx, gw), what + " Backward value");
                Check.Gradient(FiniteDiff.Gradient(() => Simd.TwoRowCell(x, w, r, q), x), gx, what + " dx");
                Check.Gradient(FiniteDiff.Gradient(() => Simd.TwoRowCell(x, w, r, q), w), gw, what + " dw");
            }
        }

        /// <summary>The float form: the same loops with float lanes (float SIMD tanh), against the double form's derivative.</summary>
        [Theory]
        [InlineData(5)]
        [InlineData(19)]
        public void TwoRowCellF_MatchesTheDoubleForm(int n)
        {
            foreach (var (r, q) in new[] { (0, 1), (1, 1) })
            {
                var rng = new Random(11 * n + r + q);
                var x = TestData.Vector(rng, n);
                var w = TestData.Vector(rng, n);
                var xf = Array.ConvertAll(x, v => (float)v);
                var wf = Array.ConvertAll(w, v => (float)v);
                var xd = Array.ConvertAll(xf, v => (double)v);
                var wd = Array.ConvertAll(wf, v => (double)v);
                float reference = Simd.TwoRowCellF(xf, wf, r, q);
                Assert.Equal(reference, Simd.TwoRowCellFForward(xf, wf, r, q), 3);
                var gx = new float[n];
                var gw = new float[n];
                Assert.Equal(reference, Simd.TwoRowCellFBackward(xf, wf, r, q, gx, gw), 3);
                var gxd = new double[n];
                var gwd = new double[n];
                Simd.TwoRowCellBackward(xd, wd, r, q, gxd, gwd);
                for (int i = 0; i < n; i++)
                {
                    Assert.True(Math.Abs(gx[i] - gxd[i]) <= 1e-4 * Math.Max(1, Math.Abs(gxd[i])), $"rows ({r}, {q}) dx[{i}]: {gx[i]} vs {gxd[i]}");
                    Assert.True(Math.Abs(gw[i] - gwd[i]) <= 1e-4 * Math.Max(1, Math.Abs(gwd[i])), $"rows ({r}, {q}) dw[{i}]: {gw[i]} vs {gwd[i]}");
                }
            }
        }
}
}
