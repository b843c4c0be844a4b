using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>[Differentiable] helpers and functions that call them (on rows of jagged arrays, on scalars).</summary>
    public static partial class Helpers
    {
        /// <summary>a . b</summary>
        [Differentiable]
        public static double Dot(double[] a, double[] b)
        {
            double s = 0;
            for (int i = 0; i < a.Length; i++)
            {
                s += a[i] * b[i];
            }
            return s;
        }

        /// <summary>|a|^2 as Dot(a, a): both arguments alias the same array.</summary>
        [Differentiable]
        public static double SquaredNorm(double[] a)
        {
            return Dot(a, a);
        }

        /// <summary>log(1 + exp(x)), a scalar helper.</summary>
        [Differentiable]
        public static double Softplus(double x)
        {
            return Math.Log(1.0 + Math.Exp(x));
        }

        /// <summary>
        /// sum_i softplus(w[i]) |z_i|^2 + sum_{i &lt; j} (z_i . z_j)^2 / (1 + |z_i|^2 |z_j|^2):
        /// helper calls on jagged rows z[i], an inner loop starting at the outer counter.
        /// </summary>
        [Differentiable]
        public static double PairwiseEnergy(double[][] z, double[] w)
        {
            int n = z.Length;
            double e = 0;
            double g = 0;
            for (int i = 0; i < n; i++)
            {
                e += Softplus(w[i]) * SquaredNorm(z[i]);
            }
            for (int i = 0; i < n; i++)
            {
                for (int j = i + 1; j < n; j++)
                {
                    g = Dot(z[i], z[j]);
                    e += g * g / (1.0 + SquaredNorm(z[i]) * SquaredNorm(z[j]));
                }
            }
            return e;
        }

        /// <summary>sum_i (sum_k a[i][k] v[k])^2 with jagged indexing and the row length as bound.</summary>
        [Differentiable]
        public static double JaggedQuadratic(double[][] a, double[] v)
        {
            double s = 0;
            double r = 0;
            for (int i = 0; i < a.Length; i++)
            {
                r = 0;
                for (int k = 0; k < a[i].Length; k++)
                {
                    r += a[i][k] * v[k];
                }
                s += r * r;
            }
            return s;
        }
    
        /// <summary>
        /// A softmax over pairwise similarities of jagged rows (rows may be longer than d; only the first d entries
        /// count): Raise turns the inner sums into one Gram GEMM over the rows' first d entries.
        /// </summary>
        [Differentiable]
        public static double JaggedPairSoftmax(double[][] x, double[][] y, int d, double tau)
        {
            double loss = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double den = 0;
                for (int j = 0; j < y.Length; j++)
                {
                    double s = 0;
                    for (int k = 0; k < d; k++)
                    {
                        s += x[i][k] * y[j][k];
                    }
                    den += Math.Exp(s / tau);
                }
                double own = 0;
                for (int k = 0; k < d; k++)
                {
                    own += x[i][k] * x[i][k];
                }
                loss += Math.Log(den) - own / tau;
            }
            return loss;
        }
}
}
