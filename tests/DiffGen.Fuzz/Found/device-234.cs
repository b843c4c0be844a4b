// DiffGen.Fuzz reproducer (shrunk automatically; not compiled by the fuzz project)
// oracle: device   seed: 234   program size 115 -> 12
// rerun the original: dotnet run -c Release --project tests/DiffGen.Fuzz -- --count 1 --seed 234
// sizes: k = 2, m = 2, n = 2; inputs: Oracles.MakeInputs (arrays and scalars uniform in [-1, 1] from the seed)
// features of the original: local array, ?:, max/min, computed index, gemm, local array overwrite, if on value
// failure: gradient x1Grad differs from the CPU by 7.500E+002 (relative); inputs Double[3,3], Double[3,3], Double[3], 0.7, 0.7

using System;
using DiffGen;

namespace Fz
{
    public static partial class C234
    {
        [Differentiable]
        public static double H0(double a, double b)
        {
            return 0.5;
        }

        [Differentiable]
        public static double F(double[,] x0, double[,] x1, double[] x2, double a0, double a1)
        {
            int k = x0.GetLength(1);
            int m = x1.GetLength(0);
            int n = x0.GetLength(0);
            double s0 = 0.0;
            double s1 = 0.0;
            double s2 = 0.0;
            double[] t0 = new double[k];
            if (s2 <= 0.5)
            {
                for (int i4 = 0; i4 < 1; i4++)
                {
                    t0[i4 % k] *= x0[n - 1 - i4, k - 1];
                }
            }
            else
            {
                s2 -= x1[0, 0];
            }
            return s2;
        }
    }
}
