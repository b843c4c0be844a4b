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
    }
}
