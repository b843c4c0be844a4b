// DiffGen.Fuzz reproducer (shrunk automatically; not compiled by the fuzz project)
// oracle: gradient   seed: 1036   program size 121 -> 17
// rerun the original: dotnet run -c Release --project tests/DiffGen.Fuzz -- --count 1 --seed 1036
// sizes: k = 2, m = 2, n = 2; inputs: Oracles.MakeInputs (arrays and scalars uniform in [-1, 1] from the seed)
// features of the original: step 2, computed index, call with arrays, jagged row call, max/min, if on index, reverse loop, int local, if on value, continue, pow
// failure: d/dx0[2]: Backward 0, central differences 1.0000000000277556 (h=1e-5: 1.0000000000055511)

using System;
using DiffGen;

namespace Fz
{
    public static partial class C1036
    {
        [Differentiable]
        public static void L0(double[] u, double[] y)
        {
            int n = u.Length;
        }

        [Differentiable]
        public static double V1(double[] u, double[] w)
        {
            int n = u.Length;
            double s = 0.0;
            return s;
        }

        [Differentiable]
        public static double F(double[,] x0, double[][] x1, double[,] x2, double a0)
        {
            int k = x1[0].Length;
            int m = x2.GetLength(0);
            int n = x0.GetLength(0);
            double s0 = 1.0;
            double s1 = 0.0;
            double s2 = 0.0;
            if ((0.5 - s1) >= 0.5)
            {
                for (int i4 = 0; i4 < n; i4++)
                {
                    if (s1 <= V1(x1[i4], x1[i4]))
                    {
                        s1 += 0.5;
                    }
                    else
                    {
                        s0 += x0[i4, (i4 + 1) % n];
                    }
                }
            }
            return s0;
        }
    }
}
