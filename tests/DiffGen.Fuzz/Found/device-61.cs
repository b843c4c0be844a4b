// DiffGen.Fuzz reproducer (shrunk automatically; not compiled by the fuzz project)
// oracle: device   seed: 61   program size 294 -> 6
// rerun the original: dotnet run -c Release --project tests/DiffGen.Fuzz -- --count 1 --seed 61
// sizes: k = 2, m = 2, n = 2; inputs: Oracles.MakeInputs (arrays and scalars uniform in [-1, 1] from the seed)
// features of the original: labels, computed index, step 2, if on index, continue, if on value, triangular loop, int local, ?:, reverse loop, max/min, pow
// failure: InvalidOperationException: g++ could not compile the generated kernels (/tmp/diffgen-device-emu-2CE1F51D04A339052E22907E):
// failure: In file included from wrap.cpp:2:
// failure: kernels.cu: In function ‘void F_b0(__dg_args)’:
// failure: kernels.cu:154:13: error: ‘v_i1’ was not declared in this scope; did you mean ‘v_i0’?
// failure:   154 |             v_i1 = (0 + (v___trip * 2));
// failure:       |             ^~~~
// failure:       |             v_i0
// failure: 
// failure:    at DiffGen.Tests.Device.EmulatedDevice.Module.Build(String source, Boolean strict) in /work/main/tests/DiffGen.Tests/Device/EmulatedDevice.cs:line 203
// failure:    at System.Lazy`1.ViaFactory(LazyThreadSafetyMode mode)
// failure:    at System.Lazy`1.CreateValue()
// failure:    at DiffGen.Tests.Device.EmulatedDevice.Launch(String source, String kernel, Int32 grid, Int32 block, KernelArgs& args) in /work/main/tests/DiffGen.Tests/Device/EmulatedDevice.cs:line 104

using System;
using DiffGen;

namespace Fz
{
    public static partial class C61
    {
        [Differentiable]
        public static void L0(double[] u, double[] y)
        {
            int n = u.Length;
        }

        [Differentiable]
        public static double F(double[,] x0, double[,] x1, double a0, int[] lab)
        {
            int k = x0.GetLength(1);
            int m = x1.GetLength(0);
            int n = x0.GetLength(0);
            double s0 = 1.0;
            double s1 = 1.0;
            double s2 = 0.0;
            for (int i0 = 0; i0 < 1; i0++)
            {
                for (int i1 = 0; i1 < 1; i1 += 2)
                {
                    s0 = x0[i1, i0 % k];
                }
            }
            return 0.5;
        }
    }
}
