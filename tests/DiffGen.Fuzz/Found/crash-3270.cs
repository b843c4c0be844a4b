// DiffGen.Fuzz reproducer (shrunk automatically; not compiled by the fuzz project)
// oracle: crash   seed: 3270   program size 98 -> 23
// rerun the original: dotnet run -c Release --project tests/DiffGen.Fuzz -- --count 1 --seed 3270
// sizes: k = 2, m = 3, n = 3; inputs: Oracles.MakeInputs (arrays and scalars uniform in [-1, 1] from the seed)
// features of the original: float, reverse loop, step 2, ?:, computed index, triangular loop, if on value, if on index, continue, int local, gemm
// failure: System.InvalidOperationException: DiffGen restore stack underflow: the generated backward pass is inconsistent; please report this as a bug.
// failure:    at Fz.C3270s13x24.__FAdjoint(Single[,] x0, Single[,] x1, Single[,] x0_adj, Single[,] x1_adj, Single __seed)
// failure:    at System.RuntimeMethodHandle.InvokeMethod(ObjectHandleOnStack target, Void** arguments, ObjectHandleOnStack sig, BOOL isConstructor, ObjectHandleOnStack result)
// failure:    at System.Reflection.MethodBaseInvoker.InvokeWithManyArgs(Object obj, BindingFlags invokeAttr, Binder binder, Object[] parameters, CultureInfo culture)
// failure: --- End of stack trace from previous location ---
// failure:    at DiffGen.Fuzz.Oracles.Invoke(MethodInfo m, Object[] args) in /work/main/tests/DiffGen.Fuzz/Oracles.cs:line 206
// failure:    at DiffGen.Fuzz.Oracles.RunBackward(Type t, FuzzProgram p, Prec prec, Object[] inputs, Dictionary`2 upstream, Double seed, Object[] reuse) in /work/main/tests/DiffGen.Fuzz/Oracles.cs:line 254
// failure:    at DiffGen.Fuzz.Oracles.Check(FuzzProgram p, Type t, Type twin, Type[] monitors, Outcome o, RunOptions opts) in /work/main/tests/DiffGen.Fuzz/Oracles.cs:line 341
// failure:    at DiffGen.Fuzz.Batch.Execute(Compilation output, Dictionary`2 byClass, List`1 keep, Dictionary`2 outcomes, RunOptions opts) in /work/main/tests/DiffGen.Fuzz/Batch.cs:line 200

using System;
using DiffGen;

namespace Fz
{
    public static partial class C3270
    {
        [Differentiable]
        public static float F(float[,] x0, float[,] x1)
        {
            int k = x0.GetLength(1);
            int m = x1.GetLength(1);
            int n = x0.GetLength(0);
            float s0 = 0.0f;
            float s1 = 1.0f;
            for (int i0 = 0; i0 < m; i0++)
            {
                for (int i1 = m - 1; i1 >= 0; i1 -= 2)
                {
                    s1 += x0[(i1 + i0) % n, i0 % k];
                    if (MathF.Cos(s1) <= x1[(i1 + i0) % k, m - 1 - i1])
                    {
                        continue;
                    }
                    if ((x0[n - 1, (i1 + i0) % k] * s1) <= 0.5f)
                    {
                        if (i1 == m - 1)
                        {
                            float u3 = MathF.Sin(s1);
                            s1 += 0.5f;
                        }
                    }
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
    public static partial class C3270D
    {
        [Differentiable]
        public static double F(double[,] x0, double[,] x1)
        {
            int k = x0.GetLength(1);
            int m = x1.GetLength(1);
            int n = x0.GetLength(0);
            double s0 = 0.0;
            double s1 = 1.0;
            for (int i0 = 0; i0 < m; i0++)
            {
                for (int i1 = m - 1; i1 >= 0; i1 -= 2)
                {
                    s1 += x0[(i1 + i0) % n, i0 % k];
                    if (Math.Cos(s1) <= x1[(i1 + i0) % k, m - 1 - i1])
                    {
                        continue;
                    }
                    if ((x0[n - 1, (i1 + i0) % k] * s1) <= 0.5)
                    {
                        if (i1 == m - 1)
                        {
                            double u3 = Math.Sin(s1);
                            s1 += 0.5;
                        }
                    }
                }
            }
            return 0.5;
        }
    }
}
