// DiffGen.Fuzz reproducer (shrunk automatically; not compiled by the fuzz project)
// oracle: device   seed: 13974   program size 112 -> 10
// rerun the original: dotnet run -c Release --project tests/DiffGen.Fuzz -- --count 1 --seed 13974
// sizes: k = 2, m = 2, n = 2; inputs: Oracles.MakeInputs (arrays and scalars uniform in [-1, 1] from the seed)
// features of the original: float, local array, computed index, int local, max/min, log-sum-exp, reverse loop, local array overwrite, gemm, ?:
// failure: gradient x1Grad differs from the CPU by Infinity (relative); inputs Single[3,3], Single[3,3]

using System;
using DiffGen;

namespace Fz
{
    public static partial class C13974
    {
        [Differentiable]
        public static float F(float[,] x0, float[,] x1)
        {
            int k = x0.GetLength(1);
            int m = x1.GetLength(1);
            int n = x0.GetLength(0);
            float s0 = 0.0f;
            float[] t0 = new float[m];
            s0 -= x1[k - 1, m - 1];
            for (int i5 = 0; i5 < n; i5++)
            {
                for (int i6 = 0; i6 < k; i6++)
                {
                    s0 += MathF.Pow(s0, 3.0f);
                }
            }
            return 0.5f;
        }
    }
}

// the double twin (finite-difference reference of the float program)
using System;
using DiffGen;

namespace Fz
{
    public static partial class C13974D
    {
        [Differentiable]
        public static double F(double[,] x0, double[,] x1)
        {
            int k = x0.GetLength(1);
            int m = x1.GetLength(1);
            int n = x0.GetLength(0);
            double s0 = 0.0;
            double[] t0 = new double[m];
            s0 -= x1[k - 1, m - 1];
            for (int i5 = 0; i5 < n; i5++)
            {
                for (int i6 = 0; i6 < k; i6++)
                {
                    s0 += Math.Pow(s0, 3.0);
                }
            }
            return 0.5;
        }
    }
}
