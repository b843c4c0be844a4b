using System;
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace DiffGen.Cpu.Tests
{
    /// <summary>Naive double-precision GEMM and the comparison with a rounding-aware tolerance.</summary>
    internal static class Reference
    {
        public static double At(double[] x, int ld, bool trans, int i, int j) => trans ? x[j * ld + i] : x[i * ld + j];

        /// <summary>
        /// Expected C and, per element, the bound sum |alpha a b| + |beta c| that scales the rounding error.
        /// </summary>
        public static (double[] Expected, double[] Magnitude) Gemm(bool transA, bool transB, int m, int n, int k, double alpha,
            double[] a, int lda, double[] b, int ldb, double beta, double[] c, int ldc)
        {
            var expected = (double[])c.Clone();
            var magnitude = new double[c.Length];
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double sum = 0, abs = 0;
                    for (int p = 0; p < k; p++)
                    {
                        double t = At(a, lda, transA, i, p) * At(b, ldb, transB, p, j);
                        sum += t;
                        abs += Math.Abs(t);
                    }

                    double old = c[i * ldc + j];
                    expected[i * ldc + j] = alpha * sum + (beta == 0 ? 0 : beta * old);
                    magnitude[i * ldc + j] = Math.Abs(alpha) * abs + (beta == 0 ? 0 : Math.Abs(beta * old));
                }
            }

            return (expected, magnitude);
        }

        public static double[] Random(int length, int seed)
        {
            var rnd = new Random(seed);
            var x = new double[length];
            for (int i = 0; i < x.Length; i++) x[i] = rnd.NextDouble() * 2 - 1;
            return x;
        }

        public static float[] ToFloat(double[] x) => Array.ConvertAll(x, v => (float)v);

        public static double[] ToDouble(float[] x) => Array.ConvertAll(x, v => (double)v);

        /// <summary>
        /// Checks every element of the m x n window of C against the reference, with error bound
        /// (k + 2) * eps * magnitude, and that the padding between rows (ldc &gt; n) was not touched.
        /// </summary>
        public static void AssertClose(double[] expected, double[] magnitude, double[] actual, double[] original, int m, int n, int ldc,
            int k, double eps, string label)
        {
            for (int idx = 0; idx < actual.Length; idx++)
            {
                int i = idx / ldc, j = idx % ldc;
                if (i < m && j < n)
                {
                    double tol = (k + 2) * eps * magnitude[idx] + 1e-30;
                    double err = Math.Abs(actual[idx] - expected[idx]);
                    if (!(err <= tol))
                        Assert.Fail($"{label}: C[{i},{j}] = {actual[idx]:R}, expected {expected[idx]:R} (|err| {err:E2} > tol {tol:E2})");
                }
                else if (!actual[idx].Equals(original[idx]))
                {
                    Assert.Fail($"{label}: element {idx} outside the {m}x{n} window (ldc {ldc}) was changed: {original[idx]:R} -> {actual[idx]:R}");
                }
            }
        }
    }
}
