using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Issue 12, item 1: what the reverse sweep stores, at element level, and where it recomputes instead. Each method's
    /// IR snapshot (tests/DiffGen.Generator.Tests/Snapshots/DiffGen.Tests.Corpus.Restore.*.ir.verified.txt) shows the
    /// pushes that remain; RestoreTests checks every gradient against central differences.
    /// </summary>
    public static partial class Restore
    {
        /// <summary>
        /// Element overwritten in place: b[j] is set, then decreased d times, then read by an exp. Each round overwrites
        /// b[j] again, and the exp of the previous round read it, so the set stores the old value; the -= that follow do
        /// not (no adjoint has read b[j] since it was set).
        /// </summary>
        [Differentiable]
        public static double ElementInPlace(double[] x, double[,] w, int rounds)
        {
            int k = w.GetLength(0);
            int d = w.GetLength(1);
            double[] b = new double[k];
            double s = 0;
            for (int r = 0; r < rounds; r++)
            {
                for (int j = 0; j < k; j++)
                {
                    b[j] = x[j] * (r + 1);
                    for (int i = 0; i < d; i++)
                    {
                        b[j] -= 0.5 * w[j, i] * x[i % x.Length] * x[j];
                    }
                    s += Math.Exp(b[j]);
                }
            }
            return Math.Log(s);
        }

        /// <summary>
        /// Rows private to an iteration, in nested loops: row i of h is written and read only in iteration i (at index
        /// [i, j] for several inner counters j). Nothing stores h's first write (no earlier iteration's adjoint reads row
        /// i); the second write stores, because the sqrt's adjoint reads the value it overwrites.
        /// </summary>
        [Differentiable]
        public static double NestedRows(double[,] a)
        {
            int n = a.GetLength(0);
            int m = a.GetLength(1);
            double[,] h = new double[n, m];
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < m; j++)
                {
                    h[i, j] = a[i, j] * a[i, j];
                }
                for (int j = 0; j < m; j++)
                {
                    h[i, j] = Math.Sqrt(h[i, j] + 1) * a[i, (j + 1) % m];
                }
                for (int j = 0; j < m; j++)
                {
                    s += h[i, j] * a[i, j];
                }
            }
            return s;
        }

        /// <summary>
        /// Recomputation chosen over storing: classical Runge-Kutta steps of y_i' = x_i y_i y_(i-1) (y_0' = x_0). Only y is
        /// carried from step to step; k1..k4 and tmp are recomputed from it. The forward sweep stores y before each update
        /// and nothing else; each step of the reverse sweep replays k1 .. k4 (cheap products) and stores tmp's two
        /// intermediate versions there, in cache, instead of keeping three versions of tmp for the whole sweep.
        /// </summary>
        [Differentiable]
        public static void RungeKutta4(double[] x, int steps, double[] y)
        {
            int n = y.Length;
            double h = 0.5 / steps;
            double[] k1 = new double[n];
            double[] k2 = new double[n];
            double[] k3 = new double[n];
            double[] k4 = new double[n];
            double[] tmp = new double[n];
            for (int step = 0; step < steps; step++)
            {
                k1[0] = x[0];
                for (int i = 1; i < n; i++)
                {
                    k1[i] = x[i] * y[i] * y[i - 1];
                }
                for (int i = 0; i < n; i++)
                {
                    tmp[i] = y[i] + h * k1[i];
                }
                k2[0] = x[0];
                for (int i = 1; i < n; i++)
                {
                    k2[i] = x[i] * tmp[i] * tmp[i - 1];
                }
                for (int i = 0; i < n; i++)
                {
                    tmp[i] = y[i] + h * k2[i];
                }
                k3[0] = x[0];
                for (int i = 1; i < n; i++)
                {
                    k3[i] = x[i] * tmp[i] * tmp[i - 1];
                }
                for (int i = 0; i < n; i++)
                {
                    tmp[i] = y[i] + 2 * h * k3[i];
                }
                k4[0] = x[0];
                for (int i = 1; i < n; i++)
                {
                    k4[i] = x[i] * tmp[i] * tmp[i - 1];
                }
                for (int i = 0; i < n; i++)
                {
                    y[i] += h * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) / 3;
                }
            }
        }

        /// <summary>
        /// Storing chosen over recomputation: the same shape of loop, but each value costs calls to Math.Exp and
        /// Math.Sin, so the cost model keeps the tape (tmp's old values are stored, nothing is replayed).
        /// </summary>
        [Differentiable]
        public static void CostlySteps(double[] x, int steps, double[] y)
        {
            int n = y.Length;
            double[] k = new double[n];
            double[] tmp = new double[n];
            for (int step = 0; step < steps; step++)
            {
                for (int i = 0; i < n; i++)
                {
                    tmp[i] = Math.Exp(Math.Sin(x[i] * y[i]));
                }
                for (int i = 0; i < n; i++)
                {
                    k[i] = tmp[i] * tmp[i];
                }
                for (int i = 0; i < n; i++)
                {
                    y[i] += 0.1 * k[i];
                }
            }
        }

        /// <summary>
        /// A running maximum and minimum: the forward sweep stores their first values only; the reverse finds the
        /// selected element again (ties keep the earlier value, as Math.Max's derivative does).
        /// </summary>
        [Differentiable]
        public static double Spread(double[] x)
        {
            double hi = x[0];
            double lo = x[0];
            for (int i = 1; i < x.Length; i++)
            {
                hi = Math.Max(hi, x[i] * x[i]);
            }
            for (int i = 1; i < x.Length; i++)
            {
                lo = Math.Min(lo, x[i]);
            }
            return hi - 2 * lo + hi * lo;
        }
    
        /// <summary>
        /// Scratch refilled per pair of nested loops, recomputed instead of stored (gmm's shape): for each point and each
        /// centre, diff = x_i - c_k is refilled whole, then read by the next statements and by their adjoints. The forward
        /// sweep stores none of it; each iteration of the reverse sweep refills diff first. The scaled copy u (u = s_k * diff,
        /// then u += a lower-triangular product of diff) is not: recomputing a product costs more than storing it, so its
        /// old values stay on the tape. The per-point log-sum-exp stores e[k] before each overwrite, as before.
        /// </summary>
        [Differentiable]
        public static double ScratchPerPair(double[,] x, double[,] c, double[] s, double[,] t)
        {
            int n = x.GetLength(0);
            int k = c.GetLength(0);
            int d = x.GetLength(1);
            double[] diff = new double[d];
            double[] u = new double[d];
            double[] e = new double[k];
            double total = 0;
            for (int i = 0; i < n; i++)
            {
                for (int kk = 0; kk < k; kk++)
                {
                    for (int j = 0; j < d; j++)
                    {
                        diff[j] = x[i, j] - c[kk, j];
                    }
                    for (int j = 0; j < d; j++)
                    {
                        u[j] = s[kk] * diff[j];
                    }
                    for (int j = 0; j < d; j++)
                    {
                        for (int r = j + 1; r < d; r++)
                        {
                            u[r] += t[kk, r] * diff[j];
                        }
                    }
                    e[kk] = -s[kk] * s[kk];
                    for (int j = 0; j < d; j++)
                    {
                        e[kk] -= 0.5 * u[j] * u[j] + 0.1 * diff[j] * diff[j];
                    }
                }
                double m = e[0];
                for (int kk = 1; kk < k; kk++)
                {
                    m = Math.Max(m, e[kk]);
                }
                double z = 0;
                for (int kk = 0; kk < k; kk++)
                {
                    z += Math.Exp(e[kk] - m);
                }
                total += Math.Log(z) + m;
            }
            return total;
        }

        /// <summary>
        /// A scalar declared in a nested loop's body and read by its adjoint (r = y - w·row, then r * r): recomputed per
        /// iteration of the reverse sweep instead of stored.
        /// </summary>
        [Differentiable]
        public static double ScratchScalar(double[,] x, double[,] w, double[,] y)
        {
            int n = x.GetLength(0);
            int m = w.GetLength(0);
            double loss = 0;
            for (int i = 0; i < n; i++)
            {
                for (int o = 0; o < m; o++)
                {
                    double r = y[i, o] - w[o, 0] * x[i, 0] - w[o, 1] * x[i, 1];
                    loss += r * r + 0.5 * Math.Sin(r);
                }
            }
            return loss;
        }

        /// <summary>
        /// Not scratch: the first statements read acc, which the rest of the body changes (acc[j] += g[j]), so refilling g in
        /// the reverse sweep would read later values of acc. g's old values stay on the tape.
        /// </summary>
        [Differentiable]
        public static double ScratchReadsWhatTheBodyWrites(double[,] x, double[] a0)
        {
            int n = x.GetLength(0);
            int d = a0.Length;
            double[] acc = new double[d];
            double[] g = new double[d];
            double s = 0;
            for (int j = 0; j < d; j++)
            {
                acc[j] = a0[j];
            }
            for (int i = 0; i < n; i++)
            {
                for (int rep = 0; rep < 2; rep++)
                {
                    for (int j = 0; j < d; j++)
                    {
                        g[j] = Math.Tanh(x[i, j] * acc[j]);
                    }
                    for (int j = 0; j < d; j++)
                    {
                        acc[j] += 0.5 * g[j];
                        s += g[j] * g[j];
                    }
                }
            }
            return s;
        }

        /// <summary>
        /// Not scratch: after the inner loop, the outer body reads the last refill (diff[0] of the last centre), so its adjoint
        /// needs that value after the inner loop's reverse has run; diff's old values stay on the tape.
        /// </summary>
        [Differentiable]
        public static double ScratchReadAfterTheLoop(double[,] x, double[,] c)
        {
            int n = x.GetLength(0);
            int k = c.GetLength(0);
            int d = x.GetLength(1);
            double[] diff = new double[d];
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                for (int kk = 0; kk < k; kk++)
                {
                    for (int j = 0; j < d; j++)
                    {
                        diff[j] = x[i, j] - c[kk, j];
                    }
                    for (int j = 0; j < d; j++)
                    {
                        s += diff[j] * diff[j] * c[kk, j];
                    }
                }
                s += diff[0] * diff[d - 1] * x[i, 0];
            }
            return s;
        }

        /// <summary>
        /// Not scratch: the refill covers the first d - 1 elements only, and the rest of the body reads the last one (set once
        /// before the loops), so the array is not written whole and the replay could not be trusted; the plain scheme stands.
        /// </summary>
        [Differentiable]
        public static double ScratchPartlyRefilled(double[,] x, double[] b)
        {
            int n = x.GetLength(0);
            int d = b.Length;
            double[] h = new double[d];
            double s = 0;
            h[d - 1] = b[d - 1] * b[0];
            for (int i = 0; i < n; i++)
            {
                for (int rep = 0; rep < 3; rep++)
                {
                    for (int j = 0; j < d - 1; j++)
                    {
                        h[j] = x[i, j] * b[j] + rep;
                    }
                    for (int j = 0; j < d; j++)
                    {
                        s += h[j] * h[j] * h[d - 1];
                    }
                }
            }
            return s;
        }
}
}
