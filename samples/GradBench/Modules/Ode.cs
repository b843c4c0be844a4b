using DiffGen;

namespace DiffGen.GradBench.Modules
{
    /// <summary>
    /// gradbench eval "ode" (evals/ode/README.md, after cmpad's an_ode): solve y'(t) = f(x, y) on [0, 2]
    /// from y(0) = 0 with s steps of classical Runge-Kutta, where f(x, y)_0 = x_0 and
    /// f(x, y)_i = x_i y_{i-1} for i &gt; 0. That is the C++ reference (cpp/gradbench/evals/ode.hpp) and
    /// cmpad; the README's sum over j is not what the reference computes, and the eval validates against
    /// the reference.
    /// <para>
    /// Written once, as a method with an output array: <c>primal</c> is the generated
    /// <c>SolveForward</c>; <c>gradient</c>, the gradient of the last element y_{n-1} with respect to x,
    /// is the generated <c>SolveBackward</c> with the upstream gradient yGrad = e_{n-1}.
    /// </para>
    /// </summary>
    public static partial class Ode
    {
        /// <param name="x">The n coefficients.</param>
        /// <param name="n">The length of x and y (at least 1).</param>
        /// <param name="s">The number of Runge-Kutta steps (at least 1).</param>
        /// <param name="y">Output: y(2), n values.</param>
        [Differentiable]
        public static void Solve(double[] x, int n, int s, double[] y)
        {
            double h = 2.0 / s;
            double[] k1 = new double[n];
            double[] k2 = new double[n];
            double[] k3 = new double[n];
            double[] k4 = new double[n];
            double[] tmp = new double[n];
            for (int i = 0; i < n; i++)
            {
                y[i] = 0;
            }
            for (int step = 0; step < s; step++)
            {
                k1[0] = x[0];
                for (int i = 1; i < n; i++)
                {
                    k1[i] = x[i] * y[i - 1];
                }
                for (int i = 0; i < n; i++)
                {
                    tmp[i] = y[i] + h * k1[i] / 2;
                }
                k2[0] = x[0];
                for (int i = 1; i < n; i++)
                {
                    k2[i] = x[i] * tmp[i - 1];
                }
                for (int i = 0; i < n; i++)
                {
                    tmp[i] = y[i] + h * k2[i] / 2;
                }
                k3[0] = x[0];
                for (int i = 1; i < n; i++)
                {
                    k3[i] = x[i] * tmp[i - 1];
                }
                for (int i = 0; i < n; i++)
                {
                    tmp[i] = y[i] + h * k3[i];
                }
                k4[0] = x[0];
                for (int i = 1; i < n; i++)
                {
                    k4[i] = x[i] * tmp[i - 1];
                }
                for (int i = 0; i < n; i++)
                {
                    y[i] += h * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) / 6;
                }
            }
        }
    }
}
