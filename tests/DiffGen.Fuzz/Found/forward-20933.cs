// DiffGen.Fuzz reproducer (shrunk automatically; not compiled by the fuzz project)
// oracle: forward   seed: 20933   program size 177 -> 21
// rerun the original: dotnet run -c Release --project tests/DiffGen.Fuzz -- --count 1 --seed 20933
// sizes: k = 4, m = 4, n = 5; inputs: Oracles.MakeInputs (arrays and scalars uniform in [-1, 1] from the seed)
// features of the original: labels, gemm, continue, reverse loop, step 2, ?:, computed index, int local, if on value, if on index, pow, triangular loop, max/min
// failure: F = -668.4224821569849, FForward = -668.4223641076677

using System;
using DiffGen;

namespace Fz
{
    public static partial class C20933
    {
        [Differentiable]
        public static double F(double[,] x0, double[,] x1, double[] x2, int[] lab)
        {
            int k = x0.GetLength(1);
            int m = x1.GetLength(1);
            int n = x0.GetLength(0);
            double s0 = 0.0;
            for (int i0 = 0; i0 < 1; i0++)
            {
                for (int i1 = 0; i1 < m; i1++)
                {
                    double g3 = 0.0;
                    for (int i2 = 0; i2 < k; i2++)
                    {
                        g3 += (x0[i0, i2] * x1[i2, i1]);
                    }
                    s0 += Math.Exp(g3);
                }
            }
            for (int i5 = 0; i5 < 1; i5++)
            {
                for (int i6 = 0; i6 < n; i6++)
                {
                    s0 /= Math.Cos(s0);
                }
            }
            return s0;
        }
    }
}
