using System;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Issue 10, arrays held as rows of one 2-D buffer (generator/Parse/DifferentiableParser.Buffers.cs): jagged locals whose
    /// rows share one length (RNN hidden states, per-sample scratch), and local arrays whose references are exchanged between
    /// time steps (heat equation, leapfrog wave equation, a fresh array per step).
    /// </summary>
    public static partial class NaturalBuffers
    {
        /// <summary>RNN hidden states in a jagged local: all rows allocated in one loop, read as h[t][j], h.Length, h[t].Length.</summary>
        [Differentiable]
        public static double RnnJagged(double[] x, double w, double u, int hidden)
        {
            int steps = x.Length;
            double[][] h = new double[steps + 1][];
            for (int t = 0; t <= steps; t++) h[t] = new double[hidden];
            for (int t = 0; t < steps; t++)
                for (int j = 0; j < h[t].Length; j++)
                    h[t + 1][j] = Math.Tanh(w * h[t][j] + u * x[t] * (j + 1));
            double s = 0;
            for (int j = 0; j < hidden; j++) s += h[h.Length - 1][j] * h[steps / 2][j];
            return s;
        }

        private static double Dot(double[] a, double[] b)
        {
            double s = 0;
            for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
            return s;
        }

        /// <summary>Each row allocated inside the time loop, rows passed to a helper, a LINQ sum and foreach over a row.</summary>
        [Differentiable]
        public static double RnnRowsInLoop(double[,] x, double[] w, int hidden)
        {
            int steps = x.GetLength(0);
            var hs = new double[steps + 1][];
            hs[0] = new double[hidden];
            for (int t = 0; t < steps; t++)
            {
                hs[t + 1] = new double[hidden];
                for (int j = 0; j < hidden; j++)
                    hs[t + 1][j] = Math.Tanh(w[j] * hs[t][j] + x[t, j % x.GetLength(1)]);
            }
            double s = 0;
            for (int t = 1; t <= steps; t++) s += Dot(hs[t], hs[t - 1]) + hs[t].Sum();
            foreach (var v in hs[steps]) s += v * v;
            return s;
        }

        /// <summary>A jagged scratch declared inside the per-sample loop (one buffer reused by every sample, zeroed per 'new').</summary>
        [Differentiable]
        public static double PerSampleJagged(double[,] x, double a)
        {
            double s = 0;
            int n = x.GetLength(0), m = x.GetLength(1);
            for (int b = 0; b < n; b++)
            {
                double[][] p = new double[2][];
                p[0] = new double[m];
                p[1] = new double[m];
                for (int j = 0; j < m; j++) { p[0][j] = a * x[b, j]; p[1][j] = p[0][j] * p[0][j]; }
                for (int j = 0; j < m; j++) s += p[1][j] - p[0][^1];
            }
            return s;
        }

        /// <summary>Explicit heat equation (plus a reaction term), double buffered: 'var tmp = cur; cur = next; next = tmp;'.</summary>
        [Differentiable]
        public static double Heat(double[] u0, double alpha, int steps)
        {
            int n = u0.Length;
            double[] cur = (double[])u0.Clone();
            double[] next = new double[n];
            for (int t = 0; t < steps; t++)
            {
                next[0] = cur[0];
                next[n - 1] = cur[n - 1];
                for (int i = 1; i < n - 1; i++)
                    next[i] = cur[i] + alpha * (cur[i - 1] - 2 * cur[i] + cur[i + 1]) + 0.1 * cur[i] * cur[i];
                var tmp = cur;
                cur = next;
                next = tmp;
            }
            double s = 0;
            for (int i = 0; i < n; i++) s += cur[i] * cur[i] * (i + 1);
            return s;
        }

        /// <summary>The tuple swap '(u, v) = (v, u)' and a LINQ sum of the final buffer.</summary>
        [Differentiable]
        public static double TupleSwap(double[] u0, double alpha, int steps)
        {
            int n = u0.Length;
            var u = new double[n];
            var v = new double[n];
            for (int i = 0; i < n; i++) u[i] = u0[i];
            for (int t = 0; t < steps; t++)
            {
                for (int i = 0; i < n; i++)
                    v[i] = Math.Sin(u[i]) * alpha + u[(i + 1) % n] * u[i];
                (u, v) = (v, u);
            }
            return u.Sum();
        }

        /// <summary>Leapfrog wave equation: three buffers rotated (prev, cur, next).</summary>
        [Differentiable]
        public static double Wave(double[] u0, double c, int steps)
        {
            int n = u0.Length;
            double[] prev = (double[])u0.Clone();
            double[] cur = (double[])u0.Clone();
            double[] next = new double[n];
            for (int t = 0; t < steps; t++)
            {
                for (int i = 1; i < n - 1; i++)
                    next[i] = 2 * cur[i] - prev[i] + c * (cur[i - 1] - 2 * cur[i] + cur[i + 1]);
                double[] old = prev;
                prev = cur;
                cur = next;
                next = old;
            }
            double e = 0;
            for (int i = 0; i < n; i++) e += cur[i] * cur[i] + 0.5 * prev[i];
            return e;
        }

        /// <summary>A swap inside an if: which buffer each name holds depends on the step.</summary>
        [Differentiable]
        public static double ConditionalSwap(double[] x, int steps)
        {
            var a = (double[])x.Clone();
            var b = new double[x.Length];
            for (int t = 0; t < steps; t++)
            {
                for (int i = 0; i < a.Length; i++) b[i] = Math.Exp(-a[i]) + 0.5 * a[(i + t) % a.Length];
                if (t % 2 == 0) { var tmp = a; a = b; b = tmp; }
                else { for (int i = 0; i < a.Length; i++) a[i] = b[i] * 0.9; }
            }
            return a.Sum() + 2 * b[0];
        }

        /// <summary>A fresh array per step and the name moved on: 'var next = new double[n]; ...; u = next;'.</summary>
        [Differentiable]
        public static double FreshEachStep(double[] x, double k, int steps)
        {
            var u = (double[])x.Clone();
            for (int t = 0; t < steps; t++)
            {
                var next = new double[x.Length];
                for (int i = 0; i < x.Length; i++) next[i] += u[i] * Math.Cos(k * u[(i + 1) % x.Length]);
                u = next;
            }
            return u.Sum() + u[0] * u[1];
        }

        /// <summary>A fresh copy per step, the previous state kept: 'prev = cur; cur = nxt;'.</summary>
        [Differentiable]
        public static double FreshCopyKeepsPrevious(double[] x, int steps)
        {
            var prev = new double[x.Length];
            var cur = x.ToArray();
            for (int t = 0; t < steps; t++)
            {
                var nxt = cur.ToArray();
                for (int i = 0; i < nxt.Length; i++) nxt[i] = 0.5 * nxt[i] + Math.Sin(prev[i]) * cur[i];
                prev = cur;
                cur = nxt;
            }
            double s = 0;
            for (int i = 0; i < cur.Length; i++) s += cur[i] * prev[i];
            return s;
        }
    }
}
