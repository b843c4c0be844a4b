using System;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// A string mode passed on to a helper that switches on it (probe batch 17's VariogramFitLoss, with a constant message in its
    /// default branch: a message that reads the string stays DIFF0003), and LINQ predicates (Any, All, Count) as guards and counts.
    /// </summary>
    public static partial class ModesAndPredicates
    {
        [Differentiable]
        public static double VariogramFit(double[] lags, double[] empirical, [Constant] int[] pairCounts, double nugget, double sill, double range, string model = "spherical")
        {
            if (lags.Length != empirical.Length || lags.Length != pairCounts.Length)
                throw new ArgumentException("lag arrays must have equal length");
            double loss = 0.0;
            for (int k = 0; k < lags.Length; k++)
            {
                double gamma = nugget + (sill - nugget) * VariogramStructure(lags[k], range, model);
                double rel = empirical[k] / gamma - 1.0;
                loss += pairCounts[k] * rel * rel;
            }
            return loss;
        }

        private static double VariogramStructure(double h, double range, string model)
        {
            double r = h / range;
            switch (model)
            {
                case "spherical":
                    return r >= 1.0 ? 1.0 : 1.5 * r - 0.5 * r * r * r;
                case "exponential":
                    return 1.0 - Math.Exp(-3.0 * r);
                case "gaussian":
                    return 1.0 - Math.Exp(-3.0 * r * r);
                default:
                    throw new ArgumentException("unknown variogram model: " + model, nameof(model)); // the message names the bad mode
            }
        }

        /// <summary>All as a guard, Count with a predicate as a divisor, Any without a predicate.</summary>
        [Differentiable]
        public static double MeanOfPositiveSquares(double[] x, [Constant] double[] weights)
        {
            if (!weights.All(w => w >= 0)) throw new ArgumentException("weights must be non-negative", nameof(weights));
            if (!x.Any()) return 0.0;
            int positive = x.Count(v => v > 0);
            if (positive == 0) return 0.0;
            double s = 0;
            for (int i = 0; i < x.Length; i++)
                if (x[i] > 0) s += weights[i] * x[i] * x[i];
            return s / positive;
        }
    }
}
