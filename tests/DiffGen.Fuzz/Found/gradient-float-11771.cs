// DiffGen.Fuzz reproducer (shrunk automatically; not compiled by the fuzz project)
// oracle: gradient-float   seed: 11771   program size 165 -> 41
// rerun the original: dotnet run -c Release --project tests/DiffGen.Fuzz -- --count 1 --seed 11771
// sizes: k = 2, m = 2, n = 4; inputs: Oracles.MakeInputs (arrays and scalars uniform in [-1, 1] from the seed)
// features of the original: float, local array, step 2, pow, log-sum-exp, max/min, reverse loop, computed index, local array overwrite, gemm, triangular loop, if on value, ?:, int local, call, if on index
// failure: d/dx1[0]: Backward 842.1085205078125, central differences 840.3588042481002 (h=1e-5: 840.3595161174558)

using System;
using DiffGen;

namespace Fz
{
    public static partial class C11771
    {
        [Differentiable]
        public static float H0(float a, float b)
        {
            return (MathF.Sin((a + a)) + 0.5f);
        }

        [Differentiable]
        public static float F(float[,] x0, float[,] x1, float[,] x2)
        {
            int k = x0.GetLength(1);
            int m = x1.GetLength(0);
            int n = x0.GetLength(0);
            float s0 = 0.0f;
            float[,] t0 = new float[m, n];
            float[,] t1 = new float[n, m];
            for (int i1 = 0; i1 < m; i1++)
            {
                float den3 = 0.0f;
                for (int i2 = 0; i2 < k; i2++)
                {
                    den3 += MathF.Exp(x1[i1, i2]);
                }
                s0 += (-den3);
            }
            for (int i4 = 0; i4 < n; i4++)
            {
                s0 += s0;
                for (int i5 = 0; i5 < n; i5++)
                {
                    t0[i5 % m, i4] += s0;
                }
            }
            for (int i10 = 0; i10 < 1; i10++)
            {
                s0 += 0.5f;
                for (int i13 = 0; i13 < n; i13++)
                {
                    if (i10 < i13)
                    {
                        s0 = (H0(s0, 0.5f) * MathF.Abs(t0[(i13 + i10) % m, i10]));
                    }
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
    public static partial class C11771D
    {
        [Differentiable]
        public static double H0(double a, double b)
        {
            return (Math.Sin((a + a)) + 0.5);
        }

        [Differentiable]
        public static double F(double[,] x0, double[,] x1, double[,] x2)
        {
            int k = x0.GetLength(1);
            int m = x1.GetLength(0);
            int n = x0.GetLength(0);
            double s0 = 0.0;
            double[,] t0 = new double[m, n];
            double[,] t1 = new double[n, m];
            for (int i1 = 0; i1 < m; i1++)
            {
                double den3 = 0.0;
                for (int i2 = 0; i2 < k; i2++)
                {
                    den3 += Math.Exp(x1[i1, i2]);
                }
                s0 += (-den3);
            }
            for (int i4 = 0; i4 < n; i4++)
            {
                s0 += s0;
                for (int i5 = 0; i5 < n; i5++)
                {
                    t0[i5 % m, i4] += s0;
                }
            }
            for (int i10 = 0; i10 < 1; i10++)
            {
                s0 += 0.5;
                for (int i13 = 0; i13 < n; i13++)
                {
                    if (i10 < i13)
                    {
                        s0 = (H0(s0, 0.5) * Math.Abs(t0[(i13 + i10) % m, i10]));
                    }
                }
            }
            return s0;
        }
    }
}
