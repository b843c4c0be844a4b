using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Optional array parameters (issue 10, probe batch 16): <c>double[]? w = null</c> tested with <c>!= null</c>, <c>is null</c>,
    /// <c>is not null</c>, <c>== null</c>. The entry points pass an empty array for null and the test's outcome as an input.
    /// </summary>
    public static partial class OptionalArrays
    {
        /// <summary>Probe batch 16, as written: per-point standard deviations when given (all parameters differentiated).</summary>
        [Differentiable]
        public static double MichaelisMentenFit(double vmax, double km, double[] substrate, double[] rate, double[]? rateStdDev = null)
        {
            int n = substrate.Length;
            if (rate.Length != n) throw new ArgumentException("substrate and rate must have the same length");
            if (km <= 0) return double.PositiveInfinity; // outside the feasible region

            double chi2 = 0;
            for (int i = 0; i < n; i++)
            {
                double s = substrate[i];
                double predicted = vmax * s / (km + s);
                double sigma = rateStdDev != null && rateStdDev.Length == n ? rateStdDev[i] : 1.0;
                double z = (rate[i] - predicted) / sigma;
                chi2 += z * z;
            }
            return 0.5 * chi2;
        }

        /// <summary>Sample weights, uniform when null; the targets are constants.</summary>
        [Differentiable]
        public static double WeightedMse(double[] pred, [Constant] double[] target, double[]? weights = null)
        {
            if (weights is not null && weights.Length != pred.Length) throw new ArgumentException("one weight per prediction", nameof(weights));
            double s = 0, wsum = 0;
            for (int i = 0; i < pred.Length; i++)
            {
                double w = weights is null ? 1.0 : weights[i];
                double d = pred[i] - target[i];
                s += w * d * d;
                wsum += w;
            }
            return s / wsum;
        }

        /// <summary>A dense layer with an optional bias (a matrix input, an optional vector), tanh, summed squares.</summary>
        [Differentiable]
        public static double DenseOptionalBias(double[,] x, double[,] w, double[]? bias = null)
        {
            int n = x.GetLength(0), din = x.GetLength(1), dout = w.GetLength(0);
            double s = 0;
            for (int i = 0; i < n; i++)
                for (int o = 0; o < dout; o++)
                {
                    double a = null == bias ? 0.0 : bias[o];
                    for (int k = 0; k < din; k++) a += w[o, k] * x[i, k];
                    double h = Math.Tanh(a);
                    s += h * h;
                }
            return s;
        }

        /// <summary>An optional per-row mask as a jagged array, and an optional matrix of prior means.</summary>
        [Differentiable]
        public static double MaskedRowNorms(double[][] rows, [Constant] double[][]? keep = null, double[,]? prior = null)
        {
            double s = 0;
            for (int i = 0; i < rows.Length; i++)
                for (int j = 0; j < rows[i].Length; j++)
                {
                    if (keep != null && keep[i][j] == 0) continue;
                    double d = rows[i][j] - (prior == null ? 0.0 : prior[i, j]);
                    s += d * d;
                }
            return Math.Sqrt(s + 1e-12);
        }
    }
}
