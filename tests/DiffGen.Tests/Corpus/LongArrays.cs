using System;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// <c>long[]</c> parameters (event times, ids: probe batch 15's Cox model took its times as <c>long[]</c>): int data inside the
    /// generated code, copied at entry; a value outside int's range throws <c>ArgumentOutOfRangeException</c> naming the parameter.
    /// </summary>
    public static partial class LongArrays
    {
        /// <summary>Cox partial likelihood (no tie correction) with integer event times; <c>long ti = times[i]</c> is an int local.</summary>
        [Differentiable]
        public static double CoxNegLogLik(double[,] x, double[] beta, long[] times, bool[] events)
        {
            int n = times.Length;
            double nll = 0;
            for (int i = 0; i < n; i++)
            {
                if (!events[i]) continue;
                double eta = 0;
                for (int k = 0; k < beta.Length; k++) eta += x[i, k] * beta[k];
                double risk = 0;
                long ti = times[i];
                for (int j = 0; j < n; j++)
                    if (times[j] >= ti)
                    {
                        double e = 0;
                        for (int k = 0; k < beta.Length; k++) e += x[j, k] * beta[k];
                        risk += Math.Exp(e);
                    }
                nll -= eta - Math.Log(risk);
            }
            return nll;
        }

        /// <summary>Embedding rows picked by 64-bit ids (a long[,] of (row, column) pairs), squared and summed.</summary>
        [Differentiable]
        public static double PickedSquares(double[,] table, long[,] picks)
        {
            double s = 0;
            for (int p = 0; p < picks.GetLength(0); p++)
            {
                double v = table[picks[p, 0], picks[p, 1]];
                s += v * v;
            }
            return s;
        }
    }
}
