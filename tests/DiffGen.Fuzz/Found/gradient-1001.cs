// DiffGen.Fuzz reproducer (shrunk automatically; not compiled by the fuzz project)
// oracle: gradient   seed: 1001   program size 139 -> 33
// rerun the original: dotnet run -c Release --project tests/DiffGen.Fuzz -- --count 1 --seed 1001
// sizes: k = 2, m = 2, n = 2; inputs: Oracles.MakeInputs (arrays and scalars uniform in [-1, 1] from the seed)
// features of the original: outputs+value, local array, computed index, ?:, log-sum-exp, step 2, pow, local array overwrite, max/min, int local, if on index, if on value, continue, output overwrite
// failure: d/dx0[0]: Backward 3.216175049136379, central differences 1 (h=1e-5: 1)

using System;
using DiffGen;

namespace Fz
{
    public static partial class C1001
    {
        [Differentiable]
        public static double F(double[,] x0, double a0, double[] y0)
        {
            int k = x0.GetLength(0);
            int m = x0.GetLength(1);
            double s0 = 0.0;
            double s1 = 0.0;
            double[,] t0 = new double[k, k];
            double[,] t1 = new double[m, k];
            for (int i0 = 0; i0 < m; i0++)
            {
                y0[i0] = 0.5;
            }
            for (int i1 = 0; i1 < k; i1++)
            {
                double den3 = 0.0;
                for (int i2 = 0; i2 < 1; i2++)
                {
                    den3 += Math.Exp(x0[i1, i2]);
                }
                s1 += Math.Log(den3);
            }
            t1[0, k - 1] += x0[0, 0];
            if (t1[0, k - 1] >= 0.5)
            {
                for (int i5 = 0; i5 < 1; i5++)
                {
                    if (s0 > t1[i5 % m, i5])
                    {
                    }
                    else
                    {
                        t1[i5 % m, 0] -= 0.5;
                    }
                }
                t1[m - 1, 0] *= 0.5;
            }
            return s1;
        }
    }
}
