// DiffGen.Fuzz reproducer (shrunk automatically; not compiled by the fuzz project)
// oracle: gradient   seed: 1566   program size 351 -> 15
// rerun the original: dotnet run -c Release --project tests/DiffGen.Fuzz -- --count 1 --seed 1566
// sizes: k = 2, m = 2, n = 2; inputs: Oracles.MakeInputs (arrays and scalars uniform in [-1, 1] from the seed)
// features of the original: labels, log-sum-exp, ?:, step 2, max/min, int local, if on value, if on index, triangular loop, computed index, continue, reverse loop
// failure: d/da0[0]: Backward 0, central differences 1 (h=1e-5: 1)

using System;
using DiffGen;

namespace Fz
{
    public static partial class C1566
    {
        [Differentiable]
        public static double F(double[] x0, double a0)
        {
            int k = x0.Length;
            double s0 = 0.0;
            if (s0 < 0.5)
            {
                for (int i12 = 0; i12 < 1; i12++)
                {
                    for (int i13 = 0; i13 < 1; i13++)
                    {
                        if (0.5 < s0)
                        {
                            s0 -= 0.5;
                        }
                        s0 += a0;
                    }
                }
            }
            return s0;
        }
    }
}
