// DiffGen.Fuzz reproducer (shrunk automatically; not compiled by the fuzz project)
// oracle: gradient   seed: 1273   program size 178 -> 16
// rerun the original: dotnet run -c Release --project tests/DiffGen.Fuzz -- --count 1 --seed 1273
// sizes: k = 2, m = 2, n = 2; inputs: Oracles.MakeInputs (arrays and scalars uniform in [-1, 1] from the seed)
// features of the original: max/min, computed index, ?:, call, reverse loop, step 2, int local, if on value, continue, if on index, triangular loop
// failure: d/dx0[0]: Backward 0, central differences -1 (h=1e-5: -1)

using System;
using DiffGen;

namespace Fz
{
    public static partial class C1273
    {
        [Differentiable]
        public static double H0(double a, double b)
        {
            return 0.5;
        }

        [Differentiable]
        public static void L1(double[] u, double[] y)
        {
            int n = u.Length;
        }

        [Differentiable]
        public static double F(double[] x0, double a0)
        {
            int m = x0.Length;
            double s0 = 0.0;
            double s1 = 1.0;
            if (0.5 > s0)
            {
                for (int i4 = 1; i4 < m; i4++)
                {
                    for (int i6 = 0; i6 < 1; i6++)
                    {
                        if (s1 <= 0.5)
                        {
                        }
                        else
                        {
                            s1 += 0.5;
                        }
                    }
                }
                s0 -= x0[0];
            }
            return s0;
        }
    }
}
