// DiffGen.Fuzz reproducer (shrunk automatically; not compiled by the fuzz project)
// oracle: crash   seed: 163   program size 321 -> 15
// rerun the original: dotnet run -c Release --project tests/DiffGen.Fuzz -- --count 1 --seed 163
// sizes: k = 2, m = 2, n = 2; inputs: Oracles.MakeInputs (arrays and scalars uniform in [-1, 1] from the seed)
// features of the original: labels, local array, step 2, triangular loop, call, computed index, ?:, local array overwrite, int local, if on value, reverse loop, max/min, log-sum-exp
// failure: System.InvalidOperationException: DiffGen restore stack underflow: the generated backward pass is inconsistent; please report this as a bug.
// failure:    at Fz.C163s25x6.__FAdjoint(Double[] x0, Double[,] x1, Double[] x2, Double a0, Double a1, Double[] x0_adj, Double[,] x1_adj, Double[] x2_adj, Double& a0_adj, Double& a1_adj, Double __seed)
// failure:    at System.RuntimeMethodHandle.InvokeMethod(ObjectHandleOnStack target, Void** arguments, ObjectHandleOnStack sig, BOOL isConstructor, ObjectHandleOnStack result)
// failure:    at System.Reflection.MethodBaseInvoker.InvokeWithManyArgs(Object obj, BindingFlags invokeAttr, Binder binder, Object[] parameters, CultureInfo culture)
// failure: --- End of stack trace from previous location ---
// failure:    at DiffGen.Fuzz.Oracles.Invoke(MethodInfo m, Object[] args) in /work/main/tests/DiffGen.Fuzz/Oracles.cs:line 199
// failure:    at DiffGen.Fuzz.Oracles.RunBackward(Type t, FuzzProgram p, Prec prec, Object[] inputs, Dictionary`2 upstream, Double seed, Object[] reuse) in /work/main/tests/DiffGen.Fuzz/Oracles.cs:line 247
// failure:    at DiffGen.Fuzz.Oracles.Check(FuzzProgram p, Type t, Type twin, Outcome o, RunOptions opts) in /work/main/tests/DiffGen.Fuzz/Oracles.cs:line 312
// failure:    at DiffGen.Fuzz.Batch.Execute(Compilation output, Dictionary`2 byClass, List`1 keep, Dictionary`2 outcomes, RunOptions opts) in /work/main/tests/DiffGen.Fuzz/Batch.cs:line 194

using System;
using DiffGen;

namespace Fz
{
    public static partial class C163
    {
        [Differentiable]
        public static double H0(double a, double b)
        {
            return 0.5;
        }

        [Differentiable]
        public static double F(double[] x0, double[,] x1, double[] x2, double a0, double a1)
        {
            int m = x1.GetLength(0);
            int n = x0.Length;
            double s0 = 0.0;
            double s1 = 0.0;
            double[] t0 = new double[n];
            if (0.5 < t0[0])
            {
                for (int i4 = 0; i4 < 1; i4++)
                {
                    t0[i4] *= x0[i4];
                }
            }
            else
            {
                if (s0 >= 0.0)
                {
                }
                else
                {
                    s0 += 0.5;
                }
            }
            return 0.5;
        }
    }
}
