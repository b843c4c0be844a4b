// DiffGen.Fuzz reproducer (shrunk automatically; not compiled by the fuzz project)
// oracle: compile   seed: 6   program size 92 -> 5
// rerun the original: dotnet run -c Release --project tests/DiffGen.Fuzz -- --count 1 --seed 6
// sizes: k = 2, m = 2, n = 2; inputs: Oracles.MakeInputs (arrays and scalars uniform in [-1, 1] from the seed)
// features of the original: max/min, labels, void layer, ?:, call, int local, computed index, output overwrite, if on index
// failure: Fz.C6s11x0.H1.g.cs: DiffGen.Generator/DiffGen.Generator.DifferentiableGenerator/Fz.C6s11x0.H1.g.cs(54,17): warning CS1718: Comparison made to same variable; did you mean to compare something else?

using System;
using DiffGen;

namespace Fz
{
    public static partial class C6
    {
        [Differentiable]
        public static void L0(double[] u, double[] y)
        {
            int n = u.Length;
        }

        [Differentiable]
        public static double H1(double a, double b)
        {
            return Math.Min(a, a);
        }

        [Differentiable]
        public static void F(double[][] x0, double[] x1, double a0, int[] lab, double[,] y0, double[,] y1)
        {
            int m = x1.Length;
            int n = x0.Length;
            double s0 = 0.0;
            double s1 = 0.0;
            double s2 = 1.0;
            for (int i0 = 0; i0 < n; i0++)
            {
            }
            for (int i2 = 0; i2 < m; i2++)
            {
            }
        }
    }
}
