// DiffGen.Fuzz reproducer (shrunk automatically; not compiled by the fuzz project)
// oracle: gradient-float   seed: 2717   program size 188 -> 37
// rerun the original: dotnet run -c Release --project tests/DiffGen.Fuzz -- --count 1 --seed 2717
// sizes: k = 3, m = 5, n = 2; inputs: Oracles.MakeInputs (arrays and scalars uniform in [-1, 1] from the seed)
// features of the original: float, int local, triangular loop, computed index, pow, ?:, max/min, reverse loop, step 2, if on value, continue, if on index
// failure: d/dx2[0]: Backward 2.298614025115967, central differences 2.293056695696084 (h=1e-5: 2.293060970270266)

using System;
using DiffGen;

namespace Fz
{
    public static partial class C2717
    {
        [Differentiable]
        public static void L0(float[] u, float[] y)
        {
            int n = u.Length;
        }

        [Differentiable]
        public static float F(float[] x0, float[,] x1, float[] x2)
        {
            int k = x2.Length;
            int m = x0.Length;
            int n = x1.GetLength(1);
            float s0 = 0.0f;
            for (int i0 = 1; i0 < m; i0++)
            {
                if ((s0 * x0[i0]) <= (-0.25f))
                {
                    for (int i2 = 0; i2 < 1; i2++)
                    {
                        s0 = (0.125f * (i2));
                    }
                }
                else
                {
                    for (int i4 = 0; i4 < i0 + 1; i4++)
                    {
                        s0 += x2[i0 % k];
                        for (int i5 = 0; i5 < k; i5 += 2)
                        {
                            s0 += s0;
                        }
                        for (int i9 = i0; i9 < m; i9++)
                        {
                            s0 += (0.5f - (0.25f * (i9)));
                        }
                        s0 += ((x0[i0 - 1] + s0) + x2[(i4 + i0) % k]);
                    }
                }
            }
            for (int i16 = 1; i16 < k; i16++)
            {
                s0 += MathF.Sin(s0);
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
    public static partial class C2717D
    {
        [Differentiable]
        public static void L0(double[] u, double[] y)
        {
            int n = u.Length;
        }

        [Differentiable]
        public static double F(double[] x0, double[,] x1, double[] x2)
        {
            int k = x2.Length;
            int m = x0.Length;
            int n = x1.GetLength(1);
            double s0 = 0.0;
            for (int i0 = 1; i0 < m; i0++)
            {
                if ((s0 * x0[i0]) <= (-0.25))
                {
                    for (int i2 = 0; i2 < 1; i2++)
                    {
                        s0 = (0.125 * (i2));
                    }
                }
                else
                {
                    for (int i4 = 0; i4 < i0 + 1; i4++)
                    {
                        s0 += x2[i0 % k];
                        for (int i5 = 0; i5 < k; i5 += 2)
                        {
                            s0 += s0;
                        }
                        for (int i9 = i0; i9 < m; i9++)
                        {
                            s0 += (0.5 - (0.25 * (i9)));
                        }
                        s0 += ((x0[i0 - 1] + s0) + x2[(i4 + i0) % k]);
                    }
                }
            }
            for (int i16 = 1; i16 < k; i16++)
            {
                s0 += Math.Sin(s0);
            }
            return s0;
        }
    }
}
