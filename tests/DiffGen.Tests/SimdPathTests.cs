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
    }
}
