using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Issue 10, a sixth round of natural idioms (docs/natural-csharp.md), the ones that needed a change to be accepted:
    /// 'checked { ... }' / 'unchecked { ... }' blocks, and the descending loop 'for (int i = n; i-- &gt; 0;)'.
    /// </summary>
    public static partial class NaturalRound6
    {
        /// <summary>A weighted sum of squares inside 'checked { }', a cross term inside 'unchecked { }'.</summary>
        [Differentiable]
        public static double CheckedBlocks(double[] x)
        {
            double s = 0;
            checked
            {
                for (int i = 0; i < x.Length; i++)
                {
                    int k = 2 * i + 1;
                    s += k * x[i] * x[i];
                }
            }
            unchecked
            {
                double cross = x[0] * x[x.Length - 1];
                s += cross;
            }
            return s;
        }

        /// <summary>Horner's rule over the coefficients from the last down: 'for (int i = c.Length; i-- &gt; 0;)'.</summary>
        [Differentiable]
        public static double HornerDescending(double[] c, double t)
        {
            double r = 0;
            for (int i = c.Length; i-- > 0;)
                r = r * t + c[i];
            return r;
        }

        /// <summary>'i-- &gt; lo' with a bound of its own, nested in a counted loop: a reverse suffix recurrence per row.</summary>
        [Differentiable]
        public static double SuffixDecay(double[,] a, [Constant] int lo)
        {
            int rows = a.GetLength(0), cols = a.GetLength(1);
            double total = 0;
            for (int r = 0; r < rows; r++)
            {
                double acc = 0;
                for (int j = cols; j-- > lo;)
                {
                    acc = 0.5 * acc + Math.Sin(a[r, j]);
                    total += acc * acc;
                }
            }
            return total;
        }
    }
}
