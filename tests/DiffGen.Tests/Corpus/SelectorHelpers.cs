using System;
using System.Collections.Generic;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// LINQ selectors naming static helpers of another file (<see cref="Functional"/>; probe batch 47's F06 and F23 wrote
    /// 'x.Select(F.Gelu)'): DIFF0005 "a static helper of this file" until the twenty-seventh session.
    /// </summary>
    public static partial class SelectorHelpers
    {
        [Differentiable]
        public static double GeluHead(double[] x, double[] w)
        {
            var h = x.Select(Functional.Gelu).ToArray();
            double s = 0;
            for (int i = 0; i < h.Length; i++) s += w[i] * h[i];
            return s + h.Sum(Functional.Softplus);
        }

        [Differentiable]
        public static double CenteredRows(double[][] x, double[] w)
        {
            var rows = x.Select(Functional.Standardize).ToArray();
            double s = 0;
            for (int i = 0; i < rows.Length; i++)
                for (int j = 0; j < w.Length; j++) s += w[j] * rows[i][j] * rows[i][j];
            return s;
        }
    
        /// <summary>
        /// Max-over-time features collected in a List, then 'features.ToArray()' (probe batch 47's F30 TextCnn): a copy of the
        /// Count values. DIFF0002 until the twenty-seventh session.
        /// </summary>
        [Differentiable]
        public static double PooledFeatures(double[] x, double[,] w)
        {
            var features = new List<double>();
            for (int c = 0; c < w.GetLength(0); c++)
            {
                double best = double.NegativeInfinity;
                for (int t = 0; t + 1 < x.Length; t++) best = Math.Max(best, w[c, 0] * x[t] + w[c, 1] * x[t + 1]);
                features.Add(Math.Tanh(best));
            }
            var f = features.ToArray();
            double s = 0;
            for (int i = 0; i < f.Length; i++) s += f[i] * f[i] * (i + 1);
            return s;
        }
    }
}
