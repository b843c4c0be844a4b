using System;

namespace DiffGen.Tests
{
    /// <summary>
    /// Double-precision twins of the float corpus functions (<see cref="Corpus.FloatCorpus"/>), line for line,
    /// so that float gradients can be checked against finite differences computed in double. Plain methods:
    /// not [Differentiable], nothing is generated for them.
    /// </summary>
    public static class DoubleTwins
    {
        /// <summary>Twin of <see cref="Corpus.FloatCorpus.GaussianNll"/>.</summary>
        public static double GaussianNll(double[] x, double[] mu, double[] logSigma)
        {
            double nll = 0;
            double z;
            for (int i = 0; i < x.Length; i++)
            {
                z = (x[i] - mu[i]) * Math.Exp(-logSigma[i]);
                nll += 0.5 * z * z + logSigma[i] + 0.5 * Math.Log(2.0 * Math.PI);
            }
            return nll;
        }

        /// <summary>Twin of <see cref="Corpus.FloatCorpus.Mixed"/>.</summary>
        public static double Mixed(double[,] a, double[] v, double s)
        {
            int rows = a.GetLength(0);
            int cols = a.GetLength(1);
            double acc = 0;
            double r;
            for (int i = 0; i < rows; i++)
            {
                r = 0;
                for (int j = 0; j < cols; j++)
                {
                    r += a[i, j] * v[j];
                }
                r = Math.Tanh(s * r);
                acc += r > 0 ? Math.Sqrt(1 + r * r) : Math.Pow(1 + Math.Abs(r), 1.5);
                if (i < rows - 1)
                {
                    acc += Math.Max(r, 0.1) * Math.Sin(a[i, 0]);
                }
                else
                {
                    acc -= Math.Min(r, -0.1) * Math.Cos(a[i, cols - 1]);
                }
            }
            return Math.Log(1 + acc * acc);
        }
    }
}
