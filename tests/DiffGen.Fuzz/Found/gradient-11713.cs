// DiffGen.Fuzz reproducer (shrunk automatically; not compiled by the fuzz project)
// oracle: gradient   seed: 11713   program size 192 -> 18
// rerun the original: dotnet run -c Release --project tests/DiffGen.Fuzz -- --count 1 --seed 11713
// sizes: k = 2, m = 2, n = 4; inputs: Oracles.MakeInputs (arrays and scalars uniform in [-1, 1] from the seed)
// features of the original: local array, local array overwrite, reverse loop, triangular loop, computed index, continue, if on index, int local, if on value, pow, step 2, ?:, max/min
// failure: d/dx1[3]: Backward -0.4343971861660423, central differences 0 (h=1e-5: 0)

using System;
using DiffGen;

namespace Fz
{
    public static partial class C11713
    {
        [Differentiable]
        public static double F(double[,] x0, double[,] x1)
        {
            int k = x1.GetLength(0);
            int m = x0.GetLength(1);
            int n = x0.GetLength(0);
            double s0 = 0.0;
            double s1 = 0.0;
            double[] t0 = new double[m];
            t0[0] += 2.0;
            for (int i10 = 0; i10 < n; i10 += 2)
            {
                t0[i10 % m] += Math.Pow(Math.Pow(t0[0], 3.0), 3.0);
            }
            t0[0] += x1[k - 1, k - 1];
            for (int i12 = 0; i12 < 1; i12++)
            {
                s1 += Math.Sin(t0[i12]);
            }
            return s1;
        }
    }
}
