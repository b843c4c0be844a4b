using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Rows of a jagged local swapped with a tuple, and <c>Array.Sort(keys, items)</c> (probe batch 32's LuDet and CoxNll as written,
    /// refused then with DIFF0004 and DIFF0005). A jagged local is held as rows of one length, so a row swap exchanges the two
    /// rows' elements; the sort is DiffGen's insertion sort moving each item with its key.
    /// </summary>
    public static partial class RowPivots
    {
        /// <summary>A determinant by LU factorisation with partial pivoting: rows swapped by reference, as C# programmers write it.</summary>
        [Differentiable]
        public static double LuDet(double[][] A)
        {
            int n = A.Length;
            var m = new double[n][];
            for (int i = 0; i < n; i++) m[i] = (double[])A[i].Clone();
            double det = 1;
            for (int k = 0; k < n; k++)
            {
                int p = k;
                double best = Math.Abs(m[k][k]);
                for (int i = k + 1; i < n; i++)
                    if (Math.Abs(m[i][k]) > best) { best = Math.Abs(m[i][k]); p = i; }
                if (p != k) { (m[k], m[p]) = (m[p], m[k]); det = -det; }
                det *= m[k][k];
                for (int i = k + 1; i < n; i++)
                {
                    double f = m[i][k] / m[k][k];
                    for (int j = k; j < n; j++) m[i][j] -= f * m[k][j];
                }
            }
            return det;
        }

        /// <summary>The same, the rows swapped through a temporary (<c>var t = m[k]; m[k] = m[p]; m[p] = t;</c>), as written before tuples.</summary>
        [Differentiable]
        public static double LuDetTemp(double[][] A)
        {
            int n = A.Length;
            var m = new double[n][];
            for (int i = 0; i < n; i++) m[i] = (double[])A[i].Clone();
            double det = 1;
            for (int k = 0; k < n; k++)
            {
                int p = k;
                for (int i = k + 1; i < n; i++)
                    if (Math.Abs(m[i][k]) > Math.Abs(m[p][k])) p = i;
                if (p != k)
                {
                    double[] tmp = m[k];
                    m[k] = m[p];
                    m[p] = tmp;
                    det = -det;
                }
                det *= m[k][k];
                for (int i = k + 1; i < n; i++)
                {
                    double f = m[i][k] / m[k][k];
                    for (int j = k; j < n; j++) m[i][j] -= f * m[k][j];
                }
            }
            return det;
        }

        /// <summary>The first two rows swapped through a temporary at the top level of the method, then weighted by position.</summary>
        [Differentiable]
        public static double SwapFirstRows(double[][] A)
        {
            int n = A.Length;
            var m = new double[n][];
            for (int i = 0; i < n; i++) m[i] = (double[])A[i].Clone();
            var t = m[0];
            m[0] = m[1];
            m[1] = t;
            double s = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m[i].Length; j++) s += (i + 1) * (j + 2) * m[i][j] * m[i][j];
            return s;
        }

        /// <summary>Solves A x = b by Gaussian elimination with row pivoting (rows of A and b swapped together) and returns x · c.</summary>
        [Differentiable(nameof(A), nameof(b))]
        public static double SolveDot(double[][] A, double[] b, double[] c)
        {
            int n = b.Length;
            var m = new double[n][];
            for (int i = 0; i < n; i++) { m[i] = new double[n + 1]; for (int j = 0; j < n; j++) m[i][j] = A[i][j]; m[i][n] = b[i]; }
            for (int k = 0; k < n; k++)
            {
                int p = k;
                for (int i = k + 1; i < n; i++) if (Math.Abs(m[i][k]) > Math.Abs(m[p][k])) p = i;
                (m[k], m[p]) = (m[p], m[k]);
                for (int i = k + 1; i < n; i++)
                {
                    double f = m[i][k] / m[k][k];
                    for (int j = k; j <= n; j++) m[i][j] -= f * m[k][j];
                }
            }
            var x = new double[n];
            for (int i = n - 1; i >= 0; i--)
            {
                double s = m[i][n];
                for (int j = i + 1; j < n; j++) s -= m[i][j] * x[j];
                x[i] = s / m[i][i];
            }
            double r = 0;
            for (int i = 0; i < n; i++) r += x[i] * c[i];
            return r;
        }

        /// <summary>The Cox partial likelihood, subjects ordered by time with <c>Array.Sort(keys, items)</c>.</summary>
        [Differentiable]
        public static double CoxNll(double[] beta, [Constant] double[] X, [Constant] double[] times, [Constant] bool[] events)
        {
            int n = times.Length, p = beta.Length;
            var order = new int[n];
            for (int i = 0; i < n; i++) order[i] = i;
            var keys = (double[])times.Clone();
            Array.Sort(keys, order);
            var eta = new double[n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < p; j++) eta[i] += X[i * p + j] * beta[j];
            double nll = 0, risk = 0;
            for (int k = n - 1; k >= 0; k--)
            {
                int i = order[k];
                risk += Math.Exp(eta[i]);
                if (events[i]) nll -= eta[i] - Math.Log(risk);
            }
            return nll;
        }

        /// <summary>Values sorted together with their weights (both differentiated): each derivative moves with its value.</summary>
        [Differentiable]
        public static double RankWeighted(double[] x, double[] w)
        {
            var k = (double[])x.Clone();
            var v = (double[])w.Clone();
            Array.Sort(k, v);
            double s = 0;
            for (int i = 0; i < k.Length; i++) s += (i + 1) * k[i] * v[i];
            return s;
        }
    }
}
