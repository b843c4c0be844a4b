using System;
using DiffGen;

namespace DiffGen.GradBench.Modules
{
    /// <summary>
    /// gradbench eval "gmm" (evals/gmm/README.md): the log posterior of a Gaussian mixture model with
    /// a Wishart prior on the precision matrices, with the same formulas and the same layouts as the C++
    /// reference (cpp/gradbench/evals/gmm.hpp):
    /// <list type="bullet">
    /// <item>Q_k is lower triangular: diagonal exp(q[k, i]); strictly lower part from l[k, ·], packed
    /// column by column: column j holds rows j+1 .. d-1, starting at offset j (2d - j - 1) / 2.</item>
    /// <item>beta[i, k] = alpha[k] + sum_j q[k, j] - 1/2 |Q_k (x_i - mu_k)|^2.</item>
    /// <item>log p(X | theta, phi) = -N (D log(2 pi) / 2 + logsumexp(alpha)) + sum_i logsumexp(beta_i).</item>
    /// <item>log p(theta) = K (D n log(gamma / sqrt 2) - log Gamma_D(n / 2)) - gamma^2 / 2 sum_k |Q_k|_F^2
    /// + m sum_k sum_j q[k, j], with n = D + m + 1.</item>
    /// </list>
    /// Only alpha, mu, q and l are differentiated; <c>jacobian</c> is the generated
    /// <c>LogPosteriorBackward</c>. The only constant computed outside is log Gamma_D(n / 2), which needs
    /// lgamma (see <see cref="SpecialFunctions.LogMultivariateGamma"/>); it does not depend on any
    /// differentiated input.
    /// </summary>
    public static partial class Gmm
    {
        /// <param name="d">Dimension D.</param>
        /// <param name="k">Number of mixture components K (at least 1).</param>
        /// <param name="n">Number of observations N.</param>
        /// <param name="x">Observations, N x D.</param>
        /// <param name="m">Additional degrees of freedom of the Wishart prior.</param>
        /// <param name="gamma">Precision of the Wishart prior.</param>
        /// <param name="logGammaD">log Gamma_D((D + m + 1) / 2), from <see cref="SpecialFunctions.LogMultivariateGamma"/>.</param>
        /// <param name="alpha">Weight parametrisation, K.</param>
        /// <param name="mu">Means, K x D.</param>
        /// <param name="q">Log-diagonal of Q_k, K x D.</param>
        /// <param name="l">Strictly lower part of Q_k, K x D(D-1)/2, column-major packed.</param>
        [Differentiable(nameof(alpha), nameof(mu), nameof(q), nameof(l))]
        public static double LogPosterior(int d, int k, int n, double[,] x, int m, double gamma, double logGammaD,
            double[] alpha, double[,] mu, double[,] q, double[,] l)
        {
            int lsz = d * (d - 1) / 2;
            int nu = d + m + 1;
            double[,] qdiag = new double[k, d];
            double[] sumq = new double[k];
            double[] xc = new double[d];
            double[] qx = new double[d];
            double[] beta = new double[k];
            double slse = 0;
            double bmax = 0;
            double bsum = 0;
            double amax = alpha[0];
            double asum = 0;
            double frobenius = 0;
            double qsum = 0;

            // Diagonals of Q_k and their log-determinants.
            for (int ik = 0; ik < k; ik++)
            {
                for (int j = 0; j < d; j++)
                {
                    qdiag[ik, j] = Math.Exp(q[ik, j]);
                    sumq[ik] += q[ik, j];
                }
            }

            // Likelihood: sum over observations of logsumexp over components.
            for (int ix = 0; ix < n; ix++)
            {
                for (int ik = 0; ik < k; ik++)
                {
                    for (int j = 0; j < d; j++)
                    {
                        xc[j] = x[ix, j] - mu[ik, j];
                    }
                    // Q_k (x_i - mu_k), column by column like the C++ reference's Qtimesx: column j of
                    // the strictly lower part is l[ik, off_j .. off_j + d - j - 2], off_j = j (2d - j - 1) / 2.
                    for (int j = 0; j < d; j++)
                    {
                        qx[j] = qdiag[ik, j] * xc[j];
                    }
                    for (int j = 0; j < d; j++)
                    {
                        for (int i = j + 1; i < d; i++)
                        {
                            qx[i] += l[ik, j * (2 * d - j - 1) / 2 + i - j - 1] * xc[j];
                        }
                    }
                    beta[ik] = alpha[ik] + sumq[ik];
                    for (int i = 0; i < d; i++)
                    {
                        beta[ik] -= 0.5 * qx[i] * qx[i];
                    }
                }
                bmax = beta[0];
                for (int ik = 1; ik < k; ik++)
                {
                    bmax = Math.Max(bmax, beta[ik]);
                }
                bsum = 0;
                for (int ik = 0; ik < k; ik++)
                {
                    bsum += Math.Exp(beta[ik] - bmax);
                }
                slse += Math.Log(bsum) + bmax;
            }

            // logsumexp(alpha), the normaliser of the mixture weights.
            for (int ik = 1; ik < k; ik++)
            {
                amax = Math.Max(amax, alpha[ik]);
            }
            for (int ik = 0; ik < k; ik++)
            {
                asum += Math.Exp(alpha[ik] - amax);
            }
            double lseAlpha = Math.Log(asum) + amax;

            // Wishart prior: squared Frobenius norms of the Q_k and their log-diagonals.
            for (int ik = 0; ik < k; ik++)
            {
                for (int j = 0; j < d; j++)
                {
                    frobenius += qdiag[ik, j] * qdiag[ik, j];
                    qsum += q[ik, j];
                }
                for (int p = 0; p < lsz; p++)
                {
                    frobenius += l[ik, p] * l[ik, p];
                }
            }

            double logLikelihood = -0.5 * n * d * Math.Log(2 * Math.PI) + slse - n * lseAlpha;
            double logPrior = k * (nu * d * (Math.Log(gamma) - 0.5 * Math.Log(2.0)) - logGammaD)
                - 0.5 * gamma * gamma * frobenius + m * qsum;
            return logLikelihood + logPrior;
        }
    }
}
