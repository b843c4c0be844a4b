using System;
using System.Collections.Generic;
using System.Reflection;

namespace DiffGen.Fuzz
{
    /// <summary>
    /// Issue 11's aliasing rule: passing one array as two parameters (input and output, gradient buffer and input, two
    /// gradient buffers, upstream gradient and output) should throw ArgumentException naming both parameters. The
    /// generator does not implement it yet; this probe reports, case by case, whether it is diagnosed today. Not an
    /// oracle (it does not count as a failure).
    /// </summary>
    public static class Aliasing
    {
        private const string Source = @"using System;
using DiffGen;
namespace Fz
{
    public static partial class Alias
    {
        [Differentiable]
        public static void Layer(double[] x, double[] y)
        {
            for (int i = 0; i < x.Length; i++) { y[i] = Math.Tanh(x[i]); }
        }

        [Differentiable]
        public static double Sum(double[] x, double[] w)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++) { s += x[i] * w[i]; }
            return s;
        }
    }
}";

        public sealed record Case(string Name, bool Diagnosed, string What);

        public static List<Case> Probe()
        {
            var (asm, alc) = Batch.CompileAndLoad(Source, "Aliasing");
            try
            {
                var t = asm.GetType("Fz.Alias", throwOnError: true)!;
                MethodInfo M(string name, int arity) => Array.Find(t.GetMethods(BindingFlags.Public | BindingFlags.Static), m => m.Name == name && m.GetParameters().Length == arity && !m.GetParameters()[0].ParameterType.IsGenericType)!;
                double[] V() => new[] { 0.1, -0.2, 0.3 };
                var list = new List<Case>();
                void Try(string name, string p1, string p2, Action call)
                {
                    try
                    {
                        call();
                        list.Add(new Case(name, false, "no exception"));
                    }
                    catch (TargetInvocationException ex) when (ex.InnerException is ArgumentException ae)
                    {
                        bool both = ae.Message.Contains(p1, StringComparison.Ordinal) && ae.Message.Contains(p2, StringComparison.Ordinal);
                        list.Add(new Case(name, both, both ? "ArgumentException naming both" : "ArgumentException without both names: " + ae.Message));
                    }
                    catch (TargetInvocationException ex)
                    {
                        list.Add(new Case(name, false, ex.InnerException!.GetType().Name + ": " + ex.InnerException.Message));
                    }
                }
                var x = V();
                Try("LayerForward(x, y: x)", "x", "y", () => M("LayerForward", 2).Invoke(null, new object[] { x, x }));
                x = V();
                Try("LayerBackward(x, y, xGrad, yGrad: y)", "y", "yGrad", () => { var y = V(); M("LayerBackward", 4).Invoke(null, new object[] { x, y, V(), y }); });
                x = V();
                Try("SumBackward(x, w, xGrad: x, wGrad)", "x", "xGrad", () => M("SumBackward", 5).Invoke(null, new object[] { x, V(), x, V(), 1.0 }));
                Try("SumBackward(x, w, xGrad: g, wGrad: g)", "xGrad", "wGrad", () => { var g = V(); M("SumBackward", 5).Invoke(null, new object[] { V(), V(), g, g, 1.0 }); });
                return list;
            }
            finally
            {
                alc.Unload();
            }
        }
    }
}
