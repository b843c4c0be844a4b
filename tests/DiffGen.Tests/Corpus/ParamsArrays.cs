using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// <c>params</c> parameters after optional ones (probe batch 33's PNorm, legal C# that broke the build: Forward kept the
    /// default and dropped <c>params</c>, CS1737). Forward keeps both; Backward, whose gradients follow, has neither.
    /// </summary>
    public static partial class ParamsArrays
    {
        /// <summary>The p-norm of the values, p = 2 unless given.</summary>
        [Differentiable]
        public static double PNorm(double p = 2.0, params double[] xs)
        {
            double s = 0;
            foreach (var x in xs) s += Math.Pow(Math.Abs(x), p);
            return Math.Pow(s, 1.0 / p);
        }
    }
}
