// DiffGen.Fuzz reproducer (shrunk automatically; not compiled by the fuzz project)
// oracle: gradient   seed: 1363   program size 186 -> 27
// rerun the original: dotnet run -c Release --project tests/DiffGen.Fuzz -- --count 1 --seed 1363
// sizes: k = 2, m = 2, n = 2; inputs: Oracles.MakeInputs (arrays and scalars uniform in [-1, 1] from the seed)
// features of the original: reverse loop, step 2, int local, computed index, triangular loop, continue, ?:, max/min, if on value, pow, if on index
// failure: d/dx2[1]: Backward 0.5, central differences 0 (h=1e-5: 0)

using System;
using DiffGen;

namespace Fz
{
    public static partial class C1363
    {
        [Differentiable]
        public static double F(double[] x0, double[][] x1, double[,] x2)
        {
            int m = x0.Length;
            int n = x2.GetLength(1);
            double s0 = 0.0;
            double s1 = 1.0;
            for (int i5 = 0; i5 < 1; i5++)
            {
                for (int i6 = i5 + 1; i6 < n; i6++)
                {
                    for (int i7 = i5; i7 < 1; i7++)
                    {
                        double u8 = x2[i7 % m, (i7 + i6) % n];
                        s1 = (s0 * u8);
                    }
                    if (0.5 <= Math.Log(1.0 + Math.Exp(s0)))
                    {
                        if (((i5 > 0) ? s0 : 0.5) < 0.5)
                        {
                        }
                        else
                        {
                            for (int i9 = 0; i9 < 1; i9++)
                            {
                                s0 += 0.5;
                            }
                        }
                    }
                }
                s0 += s1;
            }
            return s0;
        }
    }
}
