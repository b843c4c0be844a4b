using System;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Issue 10: <c>out double</c> results on the [Differentiable] method itself (a loss and the statistic it used). The
    /// generated Backward returns them too and takes an upstream derivative for each (docs/api.md, Outputs).
    /// </summary>
    public partial class NaturalResults
    {
        /// <summary>A weighted variance that also hands out the mean it subtracted.</summary>
        [Differentiable]
        public static double CenteredLoss(double[] x, double w, out double mean)
        {
            mean = 0;
            for (int i = 0; i < x.Length; i++) mean += x[i];
            mean /= x.Length;
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += w * (x[i] - mean) * (x[i] - mean);
            return s;
        }

        /// <summary>Two out results updated in a foreach (min and max), both read back in the return value.</summary>
        [Differentiable]
        public static double RangeAndSum(double[] x, out double lo, out double hi)
        {
            lo = x[0];
            hi = x[0];
            foreach (var v in x)
            {
                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
            }
            return hi - lo + x.Sum();
        }

        /// <summary>A void layer with an array output and a float out result (its squared norm).</summary>
        [Differentiable]
        public static void ScaleWithNorm(float[] x, float a, float[] y, out float norm2)
        {
            norm2 = 0;
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = a * x[i];
                norm2 += y[i] * y[i];
            }
        }
    }
}
