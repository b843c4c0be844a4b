// DiffGen.Fuzz reproducer (shrunk automatically; not compiled by the fuzz project)
// oracle: compile   seed: 3   program size 112 -> 10
// rerun the original: dotnet run -c Release --project tests/DiffGen.Fuzz -- --count 1 --seed 3
// sizes: k = 2, m = 2, n = 2; inputs: Oracles.MakeInputs (arrays and scalars uniform in [-1, 1] from the seed)
// features of the original: void layer, float, local array, max/min, row-parallel, computed index, local array overwrite, ?:, if on value, output overwrite, triangular loop, continue
// failure: Fz.C3s14x7D.F.g.cs: DiffGen.Generator/DiffGen.Generator.DifferentiableGenerator/Fz.C3s14x7D.F.g.cs(126,25): warning CS1718: Comparison made to same variable; did you mean to compare something else?

using System;
using DiffGen;

namespace Fz
{
    public static partial class C3
    {
        [Differentiable]
        public static void F(float[,] x0, float[,] x1, float[,] y0)
        {
            int k = x0.GetLength(1);
            int m = x1.GetLength(0);
            int n = x0.GetLength(0);
            float s0 = 1.0f;
            float[] t0 = new float[n];
            for (int i0 = 0; i0 < n; i0++)
            {
            }
            s0 += MathF.Min(s0, s0);
            for (int i8 = 0; i8 < 1; i8++)
            {
                s0 += x1[i8 % m, 0];
            }
        }
    }
}

// the double twin (finite-difference reference of the float program)
using System;
using DiffGen;

namespace Fz
{
    public static partial class C3D
    {
        [Differentiable]
        public static void F(double[,] x0, double[,] x1, double[,] y0)
        {
            int k = x0.GetLength(1);
            int m = x1.GetLength(0);
            int n = x0.GetLength(0);
            double s0 = 1.0;
            double[] t0 = new double[n];
            for (int i0 = 0; i0 < n; i0++)
            {
            }
            s0 += Math.Min(s0, s0);
            for (int i8 = 0; i8 < 1; i8++)
            {
                s0 += x1[i8 % m, 0];
            }
        }
    }
}
