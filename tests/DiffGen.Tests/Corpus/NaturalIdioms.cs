using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>Issue 10: idioms of everyday C# numeric code that the generator accepts.</summary>
    public static partial class NaturalIdioms
    {
        /// <summary>Guard clauses at the top (item 7): kept in every generated entry point, checked before anything is written.</summary>
        [Differentiable]
        public static double GuardedMeanSquare(double[] x, double scale)
        {
            if (x.Length == 0) throw new ArgumentException("x must not be empty.", nameof(x));
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
            if (double.IsNaN(scale))
            {
                throw new ArgumentOutOfRangeException(nameof(scale), "scale must be a number.");
            }
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += scale * x[i] * x[i];
            return s / x.Length;
        }
    }
}
