// DiffGen.Fuzz reproducer (shrunk automatically; not compiled by the fuzz project)
// oracle: compile   seed: 184   program size 65 -> 10
// rerun the original: dotnet run -c Release --project tests/DiffGen.Fuzz -- --count 1 --seed 184
// sizes: k = 2, m = 2, n = 2; inputs: Oracles.MakeInputs (arrays and scalars uniform in [-1, 1] from the seed)
// features of the original: void layer, computed index, output overwrite, reverse loop, step 2, max/min, ?:
// failure: Fz.C184s12x1.F.g.cs: DiffGen.Generator/DiffGen.Generator.DifferentiableGenerator/Fz.C184s12x1.F.g.cs(94,21): warning CS1718: Comparison made to same variable; did you mean to compare something else?

using System;
using DiffGen;

namespace Fz
{
    public static partial class C184
    {
        [Differentiable]
        public static void F(double[,] x0, double[][] x1, double[] y0)
        {
            int k = x0.GetLength(0);
            int n = x0.GetLength(1);
            double s0 = 0.0;
            double s1 = 1.0;
            for (int i0 = 0; i0 < k; i0++)
            {
            }
            for (int i1 = 0; i1 < 1; i1++)
            {
                s1 = x0[i1, i1 % n];
            }
            s0 += Math.Min(s1, s1);
        }
    }
}
