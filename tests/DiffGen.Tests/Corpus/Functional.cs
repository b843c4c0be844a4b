using System;
using System.Linq;

namespace DiffGen.Tests.Corpus
{
    /// <summary>
    /// torch.nn.functional-style helpers in a file of their own, not [Differentiable]: named as method groups by
    /// <see cref="SelectorHelpers"/> in another file (inlined with this file's semantic model).
    /// </summary>
    public static class Functional
    {
        public static double Gelu(double x) => 0.5 * x * (1 + Math.Tanh(0.7978845608 * (x + 0.044715 * x * x * x)));

        public static double Softplus(double x)
        {
            double e = Math.Exp(-Math.Abs(x));
            return Math.Max(x, 0) + Math.Log(1 + e);
        }

        public static double[] Standardize(double[] row)
        {
            double m = row.Average();
            return row.Select(v => v - m).ToArray();
        }
    }
}
