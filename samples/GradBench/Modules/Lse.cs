using System;
using DiffGen;

namespace DiffGen.GradBench.Modules
{
    /// <summary>
    /// gradbench eval "lse" (evals/lse/README.md): LSE(x) = log sum_i exp(x_i), computed with the
    /// LogSumExp trick from its primitive parts as the README asks: a loop for the maximum a, a loop for
    /// the sum of exp(x_i - a), then a + log(sum). No built-in LSE, no hand-written derivative:
    /// <c>gradient</c> is the generated <c>LogSumExpBackward</c>.
    /// </summary>
    public static partial class Lse
    {
        /// <param name="x">The vector.</param>
        /// <param name="n">Its length (at least 1).</param>
        [Differentiable]
        public static double LogSumExp(double[] x, int n)
        {
            double a = x[0];
            for (int i = 1; i < n; i++)
            {
                a = Math.Max(a, x[i]);
            }
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                s += Math.Exp(x[i] - a);
            }
            return Math.Log(s) + a;
        }
    }
}
