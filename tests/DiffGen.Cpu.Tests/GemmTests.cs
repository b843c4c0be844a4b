using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Xunit;

namespace DiffGen.Cpu.Tests
{
    /// <summary>Gemm.Multiply against the naive double triple loop.</summary>
    public sealed class GemmTests : IDisposable
    {
        private const double FloatEps = 1.0 / (1 << 23);
        private const double DoubleEps = 1.0 / (1L << 52);

        private readonly int _savedThreads = Gemm.MaxDegreeOfParallelism;
        private readonly GemmBackend _savedBackend = Gemm.Backend;

        public GemmTests()
        {
            Gemm.Backend = GemmBackend.Managed;
            Gemm.ForcedKernel = GemmKernelKind.Auto;
        }

        public void Dispose()
        {
            Gemm.MaxDegreeOfParallelism = _savedThreads;
            Gemm.Backend = _savedBackend;
            Gemm.ForcedKernel = GemmKernelKind.Auto;
        }

        internal static void Check(bool useFloat, bool transA, bool transB, int m, int n, int k, double alpha, double beta,
            int padA = 0, int padB = 0, int padC = 0, int seed = 1)
        {
            int lda = (transA ? m : k) + padA, ldb = (transB ? k : n) + padB, ldc = n + padC;
            int aRows = transA ? k : m, bRows = transB ? n : k;
            // Exact lengths: the last row is not padded, so an off-by-one read past the end would throw.
            int aLen = aRows == 0 ? 0 : (aRows - 1) * lda + (transA ? m : k);
            int bLen = bRows == 0 ? 0 : (bRows - 1) * ldb + (transB ? k : n);
            int cLen = m == 0 ? 0 : (m - 1) * ldc + n;
            double[] a = Reference.Random(aLen, seed), b = Reference.Random(bLen, seed + 1), c0 = Reference.Random(cLen, seed + 2);
            string label = $"{(useFloat ? "float" : "double")} {(transA ? 'T' : 'N')}{(transB ? 'T' : 'N')} m={m} n={n} k={k} alpha={alpha} beta={beta} pads={padA},{padB},{padC} kernel={Gemm.ForcedKernel} threads={Gemm.MaxDegreeOfParallelism}";
            if (useFloat)
            {
                float[] af = Reference.ToFloat(a), bf = Reference.ToFloat(b), cf = Reference.ToFloat(c0);
                double[] ad = Reference.ToDouble(af), bd = Reference.ToDouble(bf), cd = Reference.ToDouble(cf);
                var (expected, mag) = Reference.Gemm(transA, transB, m, n, k, (float)alpha, ad, lda, bd, ldb, (float)beta, cd, ldc);
                Gemm.Multiply(transA, transB, m, n, k, (float)alpha, af, lda, bf, ldb, (float)beta, cf, ldc);
                Reference.AssertClose(expected, mag, Reference.ToDouble(cf), cd, m, n, ldc, k, FloatEps, label);
            }
            else
            {
                double[] c = (double[])c0.Clone();
                var (expected, mag) = Reference.Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c0, ldc);
                Gemm.Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
                Reference.AssertClose(expected, mag, c, c0, m, n, ldc, k, DoubleEps, label);
            }
        }

        public static IEnumerable<object[]> Variants()
        {
            foreach (bool f in new[] { true, false })
                foreach (bool ta in new[] { false, true })
                    foreach (bool tb in new[] { false, true })
                        yield return new object[] { f, ta, tb };
        }

        [Theory]
        [MemberData(nameof(Variants))]
        public void OddSizes_AllTransposes(bool useFloat, bool transA, bool transB)
        {
            int[] sizes = { 1, 7, 33, 100 };
            int seed = 10;
            foreach (int m in sizes)
                foreach (int n in sizes)
                    foreach (int k in sizes)
                        Check(useFloat, transA, transB, m, n, k, 1.0, 0.0, seed: seed++);
        }

        [Theory]
        [MemberData(nameof(Variants))]
        public void AlphaBeta_LeadingDimensions_Size257(bool useFloat, bool transA, bool transB)
        {
            Check(useFloat, transA, transB, 257, 131, 67, 0.75, -1.25, padA: 3, padB: 5, padC: 2);
            Check(useFloat, transA, transB, 61, 257, 300, -2.0, 1.0, padA: 1, padB: 0, padC: 7);
            Check(useFloat, transA, transB, 19, 23, 257, 1.5, 0.5, padA: 9, padB: 4, padC: 1);
        }

        [Theory]
        [MemberData(nameof(Variants))]
        public void CrossesEveryCacheBlock(bool useFloat, bool transA, bool transB)
        {
            // k > KC (several k slices, beta applied once), m > MC, n > NC (several column panels).
            Check(useFloat, transA, transB, 301, 45, 600, 1.0, 0.5);
            Check(useFloat, transA, transB, 13, 4200, 9, 1.0, 2.0, padC: 3);
        }

        [Theory]
        [InlineData("Scalar")]
        [InlineData("Vector128")]
        [InlineData("Vector256")]
        [InlineData("Vector512")]
        public void EveryKernelFamily(string kind)
        {
            // Families the hardware does not accelerate still run (software vectors): small sizes only.
            Gemm.ForcedKernel = Enum.Parse<GemmKernelKind>(kind);
            Gemm.MaxDegreeOfParallelism = 2;
            int seed = 100;
            foreach (var v in Variants())
            {
                bool f = (bool)v[0], ta = (bool)v[1], tb = (bool)v[2];
                Check(f, ta, tb, 29, 37, 41, 0.5, 0.25, padA: 1, padB: 2, padC: 3, seed: seed++);
                Check(f, ta, tb, 12, 32, 5, 1.0, 0.0, seed: seed++);
                Check(f, ta, tb, 1, 1, 1, 2.0, 0.0, seed: seed++);
            }
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void KZero_ScalesC(bool useFloat)
        {
            Check(useFloat, false, false, 5, 6, 0, 1.0, 3.0, padC: 1);
            Check(useFloat, true, true, 5, 6, 0, 1.0, 0.0, padC: 1);
            Check(useFloat, false, true, 9, 3, 0, 2.0, 1.0);
        }

        [Fact]
        public void EmptyOutputs_AreNoOps()
        {
            Gemm.Multiply(false, false, 0, 5, 3, 1f, ReadOnlySpan<float>.Empty, 3, new float[15], 5, 0f, Span<float>.Empty, 5);
            Gemm.Multiply(false, false, 4, 0, 3, 1f, new float[12], 3, ReadOnlySpan<float>.Empty, 0, 0f, Span<float>.Empty, 0);
            Gemm.Multiply(true, true, 0, 0, 0, 1d, ReadOnlySpan<double>.Empty, 0, ReadOnlySpan<double>.Empty, 0, 1d, Span<double>.Empty, 0);
        }

        [Fact]
        public void BetaZero_IgnoresNaNInC_AlphaZero_DoesNotReadAB()
        {
            int m = 17, n = 19, k = 23;
            float[] a = Reference.ToFloat(Reference.Random(m * k, 1)), b = Reference.ToFloat(Reference.Random(k * n, 2));
            float[] c = new float[m * n];
            Array.Fill(c, float.NaN);
            Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
            Assert.DoesNotContain(c, float.IsNaN);

            float[] nanA = new float[m * k], nanB = new float[k * n];
            Array.Fill(nanA, float.NaN);
            Array.Fill(nanB, float.PositiveInfinity);
            float[] c2 = Reference.ToFloat(Reference.Random(m * n, 3));
            float[] expected = Array.ConvertAll(c2, v => v * 0.5f);
            Gemm.Multiply(false, false, m, n, k, 0f, nanA, k, nanB, n, 0.5f, c2, n);
            Assert.Equal(expected, c2);

            Array.Fill(c2, float.NaN);
            Gemm.Multiply(true, false, m, n, 0, 1f, ReadOnlySpan<float>.Empty, m, ReadOnlySpan<float>.Empty, n, 0f, c2, n);
            Assert.All(c2, v => Assert.Equal(0f, v));
        }

        [Theory]
        [MemberData(nameof(Variants))]
        public void ThreadCount_DoesNotChangeTheResult(bool useFloat, bool transA, bool transB)
        {
            // Large enough that 2..4 threads are used; every element must be bit-identical.
            int m = 203, n = 301, k = 150;
            int lda = transA ? m : k, ldb = transB ? k : n;
            double[] a = Reference.Random(m * k, 5), b = Reference.Random(k * n, 6), c0 = Reference.Random(m * n, 7);
            if (useFloat)
            {
                float[] af = Reference.ToFloat(a), bf = Reference.ToFloat(b);
                float[]? first = null;
                foreach (int t in new[] { 1, 2, 3, 4 })
                {
                    Gemm.MaxDegreeOfParallelism = t;
                    float[] c = Reference.ToFloat(c0);
                    Gemm.Multiply(transA, transB, m, n, k, 1.5f, af, lda, bf, ldb, -0.5f, c, n);
                    if (first is null) first = c;
                    else Assert.Equal(first, c);
                }
            }
            else
            {
                double[]? first = null;
                foreach (int t in new[] { 1, 2, 3, 4 })
                {
                    Gemm.MaxDegreeOfParallelism = t;
                    double[] c = (double[])c0.Clone();
                    Gemm.Multiply(transA, transB, m, n, k, 1.5, a, lda, b, ldb, -0.5, c, n);
                    if (first is null) first = c;
                    else Assert.Equal(first, c);
                }
            }
        }

        [Fact]
        public void MultiThreaded_StillCorrect_TallAndWide()
        {
            Gemm.MaxDegreeOfParallelism = 4;
            Check(true, false, true, 517, 129, 128, 1.0, 0.0);
            Check(true, false, false, 6, 2000, 300, 1.0, 1.0);
            Check(false, true, false, 1000, 7, 200, 0.5, 0.0);
        }

        [Fact]
        public void ConcurrentCallers_GetCorrectResults()
        {
            Gemm.MaxDegreeOfParallelism = 2;
            int m = 150, n = 140, k = 130;
            float[] a = Reference.ToFloat(Reference.Random(m * k, 11)), b = Reference.ToFloat(Reference.Random(k * n, 12));
            float[] expected = new float[m * n];
            Gemm.MaxDegreeOfParallelism = 1;
            Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, expected, n);
            Gemm.MaxDegreeOfParallelism = 2;
            Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
            {
                for (int r = 0; r < 5; r++)
                {
                    float[] c = new float[m * n];
                    Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
                    Assert.Equal(expected, c);
                }
            });
        }

        [Fact]
        public void TwoDimensionalOverloads()
        {
            var rnd = new Random(3);
            var a = new float[5, 7];
            var b = new float[7, 4];
            var bt = new float[4, 7];
            for (int i = 0; i < 5; i++) for (int j = 0; j < 7; j++) a[i, j] = (float)rnd.NextDouble();
            for (int i = 0; i < 7; i++) for (int j = 0; j < 4; j++) bt[j, i] = b[i, j] = (float)rnd.NextDouble();
            float[,] c = Gemm.Multiply(a, b);
            float[,] c2 = Gemm.Multiply(a, bt, transB: true);
            Assert.Equal(5, c.GetLength(0));
            Assert.Equal(4, c.GetLength(1));
            for (int i = 0; i < 5; i++)
            {
                for (int j = 0; j < 4; j++)
                {
                    double s = 0;
                    for (int p = 0; p < 7; p++) s += (double)a[i, p] * b[p, j];
                    Assert.Equal(s, c[i, j], 5);
                    Assert.Equal(c[i, j], c2[i, j]);
                }
            }

            var cd = new double[3, 2];
            cd[1, 1] = 10;
            Gemm.Multiply(true, false, 2.0, new double[,] { { 1, 2, 3 } }, new double[,] { { 4, 5 } }, 0.5, cd);
            Assert.Equal(new double[,] { { 8, 10 }, { 16, 25 }, { 24, 30 } }, cd);
            Assert.Equal(new double[,] { { 4, 5 }, { 8, 10 } }, Gemm.Multiply(new double[,] { { 1, 2 } }, new double[,] { { 4, 5 } }, transA: true));
            Assert.Empty(Gemm.Multiply(new float[0, 3], new float[3, 2]));
        }
    }
}
