using System;
using DiffGen;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// Log-sum-exps the user stabilised by hand (max, then the sum of exp(x − max), then log + max). The result does not
    /// depend on the max, so Raise detaches it (Raise/ShiftInvariance.cs); the last method uses the max elsewhere too,
    /// and keeps its derivative.
    /// </summary>
    public static partial class ShiftedLogSumExp
    {
        /// <summary>gradbench's lse as written there.</summary>
        [Differentiable]
        public static double Lse(double[] x, int n)
        {
            double a = x[0];
            for (int i = 1; i < n; i++) a = Math.Max(a, x[i]);
            double s = 0;
            for (int i = 0; i < n; i++) s += Math.Exp(x[i] - a);
            return Math.Log(s) + a;
        }

        /// <summary>Softmax cross-entropy per row with the max, the sum and the label's logit (gmm's per-point shape).</summary>
        [Differentiable]
        public static double RowsCrossEntropy(double[,] z, int[] label)
        {
            int n = z.GetLength(0);
            int c = z.GetLength(1);
            double loss = 0;
            double m = 0;
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                m = z[i, 0];
                for (int k = 1; k < c; k++) m = Math.Max(m, z[i, k]);
                s = 0;
                for (int k = 0; k < c; k++) s += Math.Exp(z[i, k] - m);
                loss += Math.Log(s) + m - z[i, label[i]];
            }
            return loss / n;
        }

        /// <summary>The max found with an if (its condition reads the max), the log-sum-exp kept in a local.</summary>
        [Differentiable]
        public static double IfMaxLocal(double[] x)
        {
            double best = double.NegativeInfinity;
            for (int i = 0; i < x.Length; i++)
                if (x[i] > best) best = x[i];
            double total = 0;
            for (int i = 0; i < x.Length; i++) total += Math.Exp(x[i] - best);
            double lse = best + Math.Log(total);
            return 2 * lse - x[0];
        }

        /// <summary>The max is also part of the result (0.5 · max): it keeps its derivative (an argmax gets 0.5).</summary>
        [Differentiable]
        public static double MaxAlsoUsed(double[] x)
        {
            double a = x[0];
            for (int i = 1; i < x.Length; i++) a = Math.Max(a, x[i]);
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += Math.Exp(x[i] - a);
            return Math.Log(s) + a + 0.5 * a;
        }
    }
}
