// DiffGen.Fuzz reproducer (shrunk automatically; not compiled by the fuzz project)
// oracle: crash   seed: 271   program size 174 -> 13
// rerun the original: dotnet run -c Release --project tests/DiffGen.Fuzz -- --count 1 --seed 271
// sizes: k = 2, m = 2, n = 2; inputs: Oracles.MakeInputs (arrays and scalars uniform in [-1, 1] from the seed)
// features of the original: reverse loop, computed index, pow, if on index, continue, triangular loop, max/min, ?:, if on value, int local
// failure: System.InvalidOperationException: DiffGen restore stack underflow: the generated backward pass is inconsistent; please report this as a bug.
// failure:    at Fz.C271s21x16.__FAdjoint(Double[] x0, Double[] x1, Double[] x0_adj, Double[] x1_adj, Double __seed)
// failure:    at System.RuntimeMethodHandle.InvokeMethod(ObjectHandleOnStack target, Void** arguments, ObjectHandleOnStack sig, BOOL isConstructor, ObjectHandleOnStack result)
// failure:    at System.RuntimeMethodHandle.InvokeMethod(ObjectHandleOnStack target, Void** arguments, ObjectHandleOnStack sig, BOOL isConstructor, ObjectHandleOnStack result)
// failure:    at System.Reflection.MethodBaseInvoker.InterpretedInvoke_Method(Object obj, IntPtr* args)
// failure:    at System.Reflection.MethodBaseInvoker.InvokeWithManyArgs(Object obj, BindingFlags invokeAttr, Binder binder, Object[] parameters, CultureInfo culture)
// failure: --- End of stack trace from previous location ---
// failure:    at DiffGen.Fuzz.Oracles.Invoke(MethodInfo m, Object[] args) in /work/main/tests/DiffGen.Fuzz/Oracles.cs:line 202
// failure:    at DiffGen.Fuzz.Oracles.RunBackward(Type t, FuzzProgram p, Prec prec, Object[] inputs, Dictionary`2 upstream, Double seed, Object[] reuse) in /work/main/tests/DiffGen.Fuzz/Oracles.cs:line 250
// failure:    at DiffGen.Fuzz.Oracles.Check(FuzzProgram p, Type t, Type twin, Outcome o, RunOptions opts) in /work/main/tests/DiffGen.Fuzz/Oracles.cs:line 315
// failure:    at DiffGen.Fuzz.Batch.Execute(Compilation output, Dictionary`2 byClass, List`1 keep, Dictionary`2 outcomes, RunOptions opts) in /work/main/tests/DiffGen.Fuzz/Batch.cs:line 194

using System;
using DiffGen;

namespace Fz
{
    public static partial class C271
    {
        [Differentiable]
        public static double F(double[] x0, double[] x1)
        {
            int k = x1.Length;
            int m = x0.Length;
            double s0 = 0.0;
            double s1 = 0.0;
            double s2 = 0.0;
            for (int i1 = 0; i1 < 2; i1++)
            {
                if ((-0.5) >= s1)
                {
                }
                else
                {
                    if (i1 % 2 == 0)
                    {
                        continue;
                    }
                }
                if (s1 <= 0.5)
                {
                }
                else
                {
                    s1 *= x1[k - 1];
                }
            }
            return 0.5;
        }
    }
}
