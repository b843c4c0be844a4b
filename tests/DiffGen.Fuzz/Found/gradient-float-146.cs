// DiffGen.Fuzz reproducer (shrunk automatically; not compiled by the fuzz project)
// oracle: gradient-float   seed: 146   program size 419 -> 16
// rerun the original: dotnet run -c Release --project tests/DiffGen.Fuzz -- --count 1 --seed 146
// sizes: k = 2, m = 2, n = 2; inputs: Oracles.MakeInputs (arrays and scalars uniform in [-1, 1] from the seed)
// features of the original: float, reverse loop, ?:, max/min, computed index, int local, continue, triangular loop, if on index, step 2, if on value
// failure: d/dx0[1]: Backward 0, central differences 1 (h=1e-5: 1)

using System;
using DiffGen;

namespace Fz
{
    public static partial class C146
    {
        [Differentiable]
        public static float F(float[,] x0, float a0, float a1)
        {
            int n = x0.GetLength(0);
            float s0 = 0.0f;
            float s1 = 0.0f;
            if (s0 < 0.0f)
            {
            }
            else
            {
                for (int i17 = 0; i17 < 1; i17++)
                {
                    for (int i19 = 0; i19 < 1; i19++)
                    {
                        if (0.5f > s1)
                        {
                            continue;
                        }
                        s1 = 0.5f;
                    }
                    s0 += x0[i17, (i17 + 1) % n];
                }
            }
            return s0;
        }
    }
}

// the double twin (finite-difference reference of the float program)
using System;
using DiffGen;

namespace Fz
{
    public static partial class C146D
    {
        [Differentiable]
        public static double F(double[,] x0, double a0, double a1)
        {
            int n = x0.GetLength(0);
            double s0 = 0.0;
            double s1 = 0.0;
            if (s0 < 0.0)
            {
            }
            else
            {
                for (int i17 = 0; i17 < 1; i17++)
                {
                    for (int i19 = 0; i19 < 1; i19++)
                    {
                        if (0.5 > s1)
                        {
                            continue;
                        }
                        s1 = 0.5;
                    }
                    s0 += x0[i17, (i17 + 1) % n];
                }
            }
            return s0;
        }
    }
}
