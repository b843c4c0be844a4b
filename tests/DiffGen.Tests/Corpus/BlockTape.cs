using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Loops that store one restore-stack value per iteration (CPU: one block of the stack per loop, SIMD lanes
    /// where the loop qualifies), loops that update one element of a local row (the element kept in a local while
    /// the loop runs), and pop loops that restore a scalar. Sizes leave scalar tails.
    /// </summary>
    public static partial class BlockTape
    {
        /// <summary>gmm's shape: per point and component, rows xc and qx overwritten (stored before each overwrite,
        /// restored in the reverse sweep), a packed triangular product, and a log-sum-exp over components.</summary>
        [Differentiable]
        public static double Mixture(double[,] x, double[,] mu, double[,] q, double[,] l, int d, int k)
        {
            int n = x.GetLength(0);
            double[] xc = new double[d];
            double[] qx = new double[d];
            double[] beta = new double[k];
            double total = 0;
            for (int ix = 0; ix < n; ix++)
            {
                for (int ik = 0; ik < k; ik++)
                {
                    for (int j = 0; j < d; j++) xc[j] = x[ix, j] - mu[ik, j];
                    for (int j = 0; j < d; j++) qx[j] = Math.Exp(q[ik, j]) * xc[j];
                    for (int j = 0; j < d; j++)
                        for (int i = j + 1; i < d; i++)
                            qx[i] += l[ik, j * (2 * d - j - 1) / 2 + i - j - 1] * xc[j];
                    beta[ik] = 0;
                    for (int i = 0; i < d; i++) beta[ik] -= 0.5 * qx[i] * qx[i];
                }
                double bmax = beta[0];
                for (int ik = 1; ik < k; ik++) bmax = Math.Max(bmax, beta[ik]);
                double bsum = 0;
                for (int ik = 0; ik < k; ik++) bsum += Math.Exp(beta[ik] - bmax);
                total += Math.Log(bsum) + bmax;
            }
            return total;
        }

        /// <summary>llsq's shape: a polynomial per sample with Math.Pow(t, j) (strength-reduced to a running product,
        /// stored per term), accumulated into r[i] by an inner loop.</summary>
        [Differentiable]
        public static double Polynomial(double[] c, int m, int n)
        {
            double[] t = new double[n];
            double[] r = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                t[i] = -1.0 + i * 2.0 / (n - 1);
                r[i] = t[i] > 0 ? 1.0 : -0.5;
                for (int j = 0; j < m; j++) r[i] -= c[j] * Math.Pow(t[i], j);
                sum += r[i] * r[i];
            }
            return sum / 2;
        }

        /// <summary>
        /// Running recurrences the reverse sweep recomputes instead of storing per iteration: p starts at an input
        /// (its entry value is stored once per point), its factor reads an active scalar and a row element that the
        /// point overwrites after the loop (so that overwrite must store it for the replay), and q starts at a constant.
        /// The inner loops run on SIMD lanes (running products); sizes leave scalar tails.
        /// </summary>
        [Differentiable]
        public static double Recurrences(double[] c, double[] w, double a, int n)
        {
            int m = c.Length;
            double[] f = new double[n];
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                f[i] = 0.8 + 0.3 * i / n;
                double p = w[i];
                double q = 1.0;
                double acc = 0;
                for (int j = 0; j < m; j++)
                {
                    acc += c[j] * p - 0.25 * q * c[j] * c[j];
                    p = p * (a * f[i]);
                    q = q * f[i];
                }
                f[i] = acc * a;
                s += acc * acc + f[i] * w[i] + p;
            }
            return s;
        }

        /// <summary>An ode-like step loop: y updated in place each step (stored before each update), a stage row
        /// overwritten per step, and an element accumulated over an inner loop.</summary>
        [Differentiable]
        public static void Steps(double[] a, int n, int s, double[] y)
        {
            double[] k1 = new double[n];
            double[] acc = new double[2];
            for (int i = 0; i < n; i++) y[i] = 0.1 * i;
            for (int step = 0; step < s; step++)
            {
                k1[0] = a[0];
                for (int i = 1; i < n; i++) k1[i] = a[i] * y[i - 1];
                for (int i = 0; i < n; i++) y[i] += 0.1 * k1[i] * y[i];
                acc[1] = 0;
                for (int i = 0; i < n; i++) acc[1] += y[i] * a[i];
                y[0] += 0.01 * acc[1];
            }
        }
    }
}
