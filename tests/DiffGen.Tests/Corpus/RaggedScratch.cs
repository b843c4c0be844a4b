using System;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Scratch arrays whose size changes per row (probe batch 15's mixture density network, as written: 'var terms = new double[k]'
    /// with k = piLogits[i].Length): one buffer of the longest row's size, computed before the loop; the array's Length is its
    /// own row's size.
    /// </summary>
    public static partial class RaggedScratch
    {
        [Differentiable]
        public static double MdnNegLogLikelihood(double[][] piLogits, double[][] mu, double[][] logSigma, double[] y)
        {
            int n = y.Length;
            double nll = 0.0;
            for (int i = 0; i < n; i++)
            {
                int k = piLogits[i].Length;
                double maxLogit = double.MinValue;
                for (int j = 0; j < k; j++) maxLogit = Math.Max(maxLogit, piLogits[i][j]);
                double z = 0;
                for (int j = 0; j < k; j++) z += Math.Exp(piLogits[i][j] - maxLogit);
                double logZ = maxLogit + Math.Log(z);

                var terms = new double[k];
                for (int j = 0; j < k; j++)
                {
                    double sigma = MdnNegLogLikelihoodRequirePositive(Math.Exp(logSigma[i][j]), "sigma");
                    double r = (y[i] - mu[i][j]) / sigma;
                    terms[j] = piLogits[i][j] - logZ - 0.5 * r * r - Math.Log(sigma) - 0.5 * Math.Log(2 * Math.PI);
                }
                double m = terms.Max();
                double s = 0;
                foreach (var t in terms) s += Math.Exp(t - m);
                nll -= m + Math.Log(s);
            }
            return nll / n;
        }

        private static double MdnNegLogLikelihoodRequirePositive(double value, string what)
        {
            if (!(value > 0.0) || double.IsInfinity(value))
                throw new ArgumentOutOfRangeException(what, value, "must be positive and finite");
            return value;
        }

        /// <summary>A per-row array one longer than the row (an "other" class at logit 0), read through its Length.</summary>
        [Differentiable]
        public static double RaggedSoftmaxWithOther(double[][] logits, int[] labels)
        {
            double loss = 0;
            for (int i = 0; i < logits.Length; i++)
            {
                var p = new double[logits[i].Length + 1];
                double mx = 0;
                for (int j = 0; j < logits[i].Length; j++) mx = Math.Max(mx, logits[i][j]);
                double z = 0;
                for (int j = 0; j < p.Length; j++) { p[j] = Math.Exp((j < logits[i].Length ? logits[i][j] : 0.0) - mx); z += p[j]; }
                loss -= Math.Log(p[labels[i]] / z);
            }
            return loss;
        }

        /// <summary>A per-bag window sized by an int array parameter, filled from a flat feature array, then max-pooled.</summary>
        [Differentiable]
        public static double BagMaxPool(double[] features, int[] bagSizes, int[] bagStarts)
        {
            double total = 0;
            for (int b = 0; b < bagSizes.Length; b++)
            {
                var window = new double[bagSizes[b]];
                for (int k = 0; k < window.Length; k++) window[k] = Math.Tanh(features[bagStarts[b] + k]);
                if (window.Length == 0) continue;
                total += window.Max();
            }
            return total;
        }
    }
}
