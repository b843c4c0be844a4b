using System;
using DiffGen;

namespace DiffGen.GradBench.Modules
{
    /// <summary>
    /// gradbench eval "llsq" (evals/llsq/README.md, after cmpad's llsq_obj):
    /// y(x) = 1/2 sum_{i=0}^{n-1} (s_i - x_0 - x_1 t_i - x_2 t_i^2 - ... - x_{m-1} t_i^{m-1})^2 with
    /// t_i = -1 + 2 i / (n - 1) and s_i = sign(t_i). The powers are <c>Math.Pow(t_i, j)</c>, as in the
    /// C++ reference. <c>gradient</c> is the generated <c>LeastSquaresBackward</c>.
    /// </summary>
    public static partial class Llsq
    {
        /// <param name="x">The m coefficients.</param>
        /// <param name="m">The length of x.</param>
        /// <param name="n">The number of sample points t_i (at least 2).</param>
        [Differentiable]
        public static double LeastSquares(double[] x, int m, int n)
        {
            double[] t = new double[n];
            double[] r = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                t[i] = -1.0 + i * 2.0 / (n - 1);
                r[i] = t[i] > 0 ? 1.0 : (t[i] < 0 ? -1.0 : 0.0);
                for (int j = 0; j < m; j++)
                {
                    r[i] -= x[j] * Math.Pow(t[i], j);
                }
                sum += r[i] * r[i];
            }
            return sum / 2;
        }
    }
}
