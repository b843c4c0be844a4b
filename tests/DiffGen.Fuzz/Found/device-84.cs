// DiffGen.Fuzz reproducer (shrunk automatically; not compiled by the fuzz project)
// oracle: device   seed: 84   program size 86 -> 16
// rerun the original: dotnet run -c Release --project tests/DiffGen.Fuzz -- --count 1 --seed 84
// sizes: k = 2, m = 2, n = 2; inputs: Oracles.MakeInputs (arrays and scalars uniform in [-1, 1] from the seed)
// features of the original: local array, row-parallel, log-sum-exp, triangular loop, ?:, max/min, computed index, local array overwrite, if on value, int local, gemm into array
// failure: gradient a0Grad differs from the CPU by 3.189E-001 (relative); inputs Double[3,3], Double[3], Double[3], 0.7

using System;
using DiffGen;

namespace Fz
{
    public static partial class C84
    {
        [Differentiable]
        public static double F(double[,] x0, double[] x1, double[] x2, double a0)
        {
            int m = x0.GetLength(0);
            int n = x0.GetLength(1);
            double s0 = 1.0;
            double[,] t0 = new double[m, m];
            double[] t1 = new double[n];
            for (int i5 = 0; i5 < n; i5++)
            {
                for (int i6 = 0; i6 < 1; i6++)
                {
                    if (s0 < 0.5)
                    {
                        s0 /= 0.5;
                    }
                    else
                    {
                        t1[i6] += a0;
                    }
                    s0 -= Math.Tanh(t1[i5]);
                }
            }
            return s0;
        }
    }
}
