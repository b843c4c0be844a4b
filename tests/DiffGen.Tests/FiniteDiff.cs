using System;

namespace DiffGen.Tests
{
    /// <summary>
    /// Central finite differences, the reference for every generated gradient. The function evaluated is
    /// always the USER's own method (never generated code): the callers pass a closure over the very arrays
    /// this helper perturbs, one entry at a time, restoring each entry exactly afterwards.
    /// </summary>
    /// <remarks>
    /// Step: h = <see cref="RelativeStep"/> * max(1, |x|), and the quotient divides by the difference of the
    /// two representable abscissae actually used. In double precision the truncation error is
    /// O(h^2 f''') and the rounding error about eps |f| / h = 1e-10 |f|, so a gradient entry is trusted to
    /// well under the 1e-6 tolerance used by <see cref="Check.Gradient(double[], double[], string, double)"/>,
    /// provided no kink (Max, Abs, a branch on a value) lies within h of the input: the test inputs are fixed
    /// seeds that keep away from kinks.
    /// </remarks>
    public static class FiniteDiff
    {
        /// <summary>Relative step of the central difference.</summary>
        public const double RelativeStep = 1e-6;

        /// <summary>d f / d x at x.</summary>
        public static double Derivative(Func<double, double> f, double x)
        {
            double h = RelativeStep * Math.Max(1.0, Math.Abs(x));
            double xp = x + h;
            double xm = x - h;
            return (f(xp) - f(xm)) / (xp - xm);
        }

        /// <summary>Gradient of f with respect to every entry of <paramref name="a"/>, which f reads.</summary>
        public static double[] Gradient(Func<double> f, double[] a)
        {
            var g = new double[a.Length];
            for (int i = 0; i < a.Length; i++)
            {
                double x = a[i];
                g[i] = Derivative(v => { a[i] = v; return f(); }, x);
                a[i] = x;
            }
            return g;
        }

        /// <summary>Gradient of f with respect to every entry of a 2-D array f reads.</summary>
        public static double[,] Gradient(Func<double> f, double[,] a)
        {
            var g = new double[a.GetLength(0), a.GetLength(1)];
            for (int i = 0; i < a.GetLength(0); i++)
            {
                for (int j = 0; j < a.GetLength(1); j++)
                {
                    double x = a[i, j];
                    g[i, j] = Derivative(v => { a[i, j] = v; return f(); }, x);
                    a[i, j] = x;
                }
            }
            return g;
        }

        /// <summary>Gradient of f with respect to every entry of a jagged array f reads.</summary>
        public static double[][] Gradient(Func<double> f, double[][] a)
        {
            var g = new double[a.Length][];
            for (int i = 0; i < a.Length; i++)
            {
                g[i] = Gradient(f, a[i]);
            }
            return g;
        }
    }
}
