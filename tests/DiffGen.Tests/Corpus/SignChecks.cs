using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>double.IsNegative / IsPositive / IsInteger in conditions (comparisons without derivative).</summary>
    public static partial class SignChecks
    {
        /// <summary>A signed hinge that treats -0.0 as negative, with a bonus term on whole-number inputs.</summary>
        [Differentiable]
        public static double SignedHinge(double[] x, double w)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                if (double.IsNegative(x[i])) s += w * x[i] * x[i];
                else if (double.IsPositive(x[i]) && !double.IsInteger(x[i])) s += Math.Sin(w * x[i]);
                else s += 2 * w;
            }
            return s;
        }
    }
}
