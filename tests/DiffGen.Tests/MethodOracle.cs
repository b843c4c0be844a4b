using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using DiffGen.Cuda.Execution;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// The corpus oracle for any [Differentiable] method with host arrays, by reflection, so a probe batch is checked as written
    /// without a hand-made test per signature. With L = seed · value + Σ u · (outputs on return), u random:
    /// <list type="bullet">
    /// <item>MForward equals the method (value and outputs);</item>
    /// <item>MBackward returns the same value, fills the outputs as the method does and leaves the inputs alone;</item>
    /// <item>every gradient (NaN-filled before the call, so each entry must be written) equals central differences of L
    /// computed with the USER's method (a float method: with its double twin <c>{Name}Twin</c>, widened inputs); at an input
    /// entry that is NaN (a missing value the method skips) differences are meaningless and the gradient must be 0; an
    /// optional array input given as null gets a null gradient buffer and no check;</item>
    /// <item>an output's gradient buffer holds u afterwards (read only, and then L must not depend on the output's entry values)
    /// or the gradient of L with respect to its entry values (in and out);</item>
    /// <item>seed s with upstream s · u scales every gradient by s.</item>
    /// </list>
    /// </summary>
    public static class MethodOracle
    {
        private const double SeedValue = -2.5;

        /// <summary>
        /// The user's [Differentiable] method <paramref name="name"/> of <paramref name="owner"/> and its generated host Forward and
        /// Backward (not the DeviceArray overloads): the ones whose leading parameters are the method's.
        /// </summary>
        public static (MethodInfo User, MethodInfo Forward, MethodInfo Backward) EntryPoints(Type owner, string name)
        {
            var user = owner.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                .Single(m => m.Name == name && m.GetCustomAttributes().Any(a => a.GetType().Name == "DifferentiableAttribute"));
            var ps = user.GetParameters();
            int n = ps.Length;
            bool Host(MethodInfo m) => !m.GetParameters().Any(p => p.ParameterType.IsGenericType && p.ParameterType.GetGenericTypeDefinition() == typeof(DeviceArray<>));
            bool Prefix(MethodInfo m) => m.GetParameters().Take(n).Select(p => p.ParameterType).SequenceEqual(ps.Select(p => p.ParameterType));
            var fwd = owner.GetMethods().Single(m => m.Name == name + "Forward" && m.GetParameters().Length == n && Host(m) && Prefix(m));
            var bwd = owner.GetMethods().Single(m => m.Name == name + "Backward" && Host(m) && Prefix(m));
            return (user, fwd, bwd);
        }

        /// <summary>
        /// Bad input: the user's method <paramref name="name"/> of <paramref name="T"/>, its Forward and its Backward (gradient
        /// buffers shaped like the inputs) throw <typeparamref name="TEx"/> (exactly) with one message; <paramref name="paramName"/>
        /// is the exception's ParamName (null: the original names none).
        /// </summary>
        public static void BadInput<TEx>(Type T, string name, string? paramName, object?[] inputs) where TEx : Exception
        {
            var (user, fwd, bwd) = EntryPoints(T, name);
            var ps = user.GetParameters();
            int n = ps.Length;

            Exception Thrown(MethodInfo m, object?[] args)
            {
                try
                {
                    m.Invoke(null, args);
                }
                catch (TargetInvocationException e)
                {
                    return e.InnerException!;
                }
                Assert.Fail($"{m.Name} accepted the bad input");
                return null!;
            }

            var bps = bwd.GetParameters();
            var bargs = new object?[bps.Length];
            var primal = Clone(inputs);
            for (int i = 0; i < n; i++) bargs[i] = primal[i];
            for (int j = n; j < bps.Length; j++)
            {
                var bp = bps[j];
                if (bp.Name == "seed") { bargs[j] = bp.ParameterType == typeof(float) ? 1f : (object)1.0; continue; }
                if (bp.ParameterType.IsByRef) continue;
                int i = Array.FindIndex(ps, p => p.Name + "Grad" == bp.Name);
                Assert.True(i >= 0, $"{bp.Name} matches no parameter");
                bargs[j] = DeepClone(inputs[i]);
            }

            var expected = Thrown(user, Clone(inputs));
            Assert.IsType<TEx>(expected);
            if (expected is ArgumentException ae) Assert.Equal(paramName, ae.ParamName);
            foreach (var (m, args) in new[] { (fwd, Clone(inputs)), (bwd, bargs) })
            {
                var e = Thrown(m, args);
                Assert.IsType<TEx>(e);
                Assert.Equal(expected.Message, e.Message);
            }
        }

        /// <param name="seedTol">Relative tolerance of "seed × gradient = gradient at that seed": rounding does not scale exactly,
        /// so a method that runs thousands of dependent steps (a time-stepped simulation) may pass a looser one.</param>
        public static void Check(Type owner, string name, object?[] inputs, int seed = 1, double? seedTol = null)
        {
            var (user, fwd, bwd) = EntryPoints(owner, name);
            var ps = user.GetParameters();
            int n = ps.Length;
            bool isFloat = ps.Any(p => Elem(p.ParameterType) == typeof(float)) || user.ReturnType == typeof(float);
            var twin = isFloat ? owner.GetMethod(name + "Twin", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                ?? throw new InvalidOperationException($"{name} is a float method: write its double twin {name}Twin") : user;
            double fwdTol = isFloat ? DiffGen.Tests.Check.FloatForwardTol : DiffGen.Tests.Check.ForwardTol;
            double gradTol = isFloat ? DiffGen.Tests.Check.FloatGradTol : DiffGen.Tests.Check.GradTol;

            // the user's method: value and the arrays it writes (the outputs)
            var run = Clone(inputs);
            object? value = user.Invoke(null, run);
            var outputs = Enumerable.Range(0, n).Where(i => inputs[i] is Array a && Numeric(a) && !Flat(a).SequenceEqual(Flat((Array)run[i]!))).ToHashSet();
            var rng = new Random(seed);
            var upstream = outputs.ToDictionary(i => i, i => Flat((Array)inputs[i]!).Select(_ => Round(2 * rng.NextDouble() - 1, isFloat)).ToArray());

            // Forward
            var f = Clone(inputs);
            object? fv = fwd.Invoke(null, f);
            if (value is not null) DiffGen.Tests.Check.Near(ToDouble(value), ToDouble(fv!), fwdTol, name + "Forward value");
            foreach (var i in outputs) Near(Flat((Array)run[i]!), Flat((Array)f[i]!), fwdTol, $"{name}Forward output {ps[i].Name}");

            // Backward at seed 1 and at SeedValue
            var (bv, b, grads) = Backward(bwd, n, inputs, upstream, 1.0, isFloat);
            var (_, _, scaled) = Backward(bwd, n, inputs, upstream, SeedValue, isFloat);
            if (value is not null) DiffGen.Tests.Check.Near(ToDouble(value), ToDouble(bv!), fwdTol, name + "Backward value");
            for (int i = 0; i < n; i++)
            {
                if (inputs[i] is not Array a) continue;
                if (!Numeric(a))
                {
                    // an array of structs or tuples: data
                    Assert.True(a.Cast<object>().SequenceEqual(((Array)b[i]!).Cast<object>()), $"{name}Backward changed its input {ps[i].Name}");
                    continue;
                }
                if (outputs.Contains(i)) Near(Flat((Array)run[i]!), Flat((Array)b[i]!), fwdTol, $"{name}Backward output {ps[i].Name}");
                else Assert.True(Flat(a).SequenceEqual(Flat((Array)b[i]!)), $"{name}Backward changed its input {ps[i].Name}");
            }

            // L with the user's method (or its double twin), at double inputs
            var at = isFloat ? inputs.Select(Widen).ToArray() : Clone(inputs);
            double L()
            {
                var args = Clone(at);
                object? v = twin.Invoke(null, args);
                double l = v is null ? 0 : ToDouble(v);
                foreach (var i in outputs)
                {
                    var o = Flat((Array)args[i]!);
                    for (int k = 0; k < o.Length; k++) l += upstream[i][k] * o[k];
                }
                return l;
            }

            foreach (var (i, g) in grads)
            {
                string what = $"{name} d{ps[i].Name}";
                double[] fd;
                if (at[i] is Array arr) fd = Cells(arr).Select(c => double.IsNaN(c.Get()) ? 0.0 : FiniteDiff.Derivative(x => { double old = c.Get(); c.Set(x); double r = L(); c.Set(old); return r; }, c.Get())).ToArray();
                else
                {
                    double x0 = ToDouble(at[i]!);
                    fd = new[] { FiniteDiff.Derivative(x => { at[i] = x; double r = L(); at[i] = x0; return r; }, x0) };
                    at[i] = x0;
                }
                if (outputs.Contains(i) && g.SequenceEqual(upstream[i]))
                {
                    // read only: then L must not depend on the entry values
                    Near(new double[fd.Length], fd, gradTol, what + ": the upstream gradient came back unchanged (read only), but L depends on the entry values");
                    continue;
                }
                Near(fd, g, gradTol, what + (outputs.Contains(i) ? " (in and out: entry values)" : "") + " (analytic vs finite differences)");
                var s = scaled[i];
                Near(g.Select(x => x * SeedValue).ToArray(), s, seedTol ?? (isFloat ? 1e-5 : DiffGen.Tests.Check.SeedTol), what + $" with seed {SeedValue}");
            }
        }

        /// <summary>One Backward call: primal copies, gradient buffers NaN (inputs) or the upstream gradient × seed (outputs).</summary>
        private static (object? Value, object?[] Args, Dictionary<int, double[]> Grads) Backward(MethodInfo bwd, int n, object?[] inputs,
            Dictionary<int, double[]> upstream, double seed, bool isFloat)
        {
            var bps = bwd.GetParameters();
            var args = new object?[bps.Length];
            var primal = Clone(inputs);
            for (int i = 0; i < n; i++) args[i] = primal[i];
            var slot = new Dictionary<int, int>();
            for (int j = n; j < bps.Length; j++)
            {
                var bp = bps[j];
                if (bp.Name!.StartsWith("seed", StringComparison.Ordinal) && !bp.ParameterType.IsArray)
                {
                    args[j] = bp.ParameterType == typeof(float) ? (float)seed : (object)seed;
                    continue;
                }
                int i = Array.FindIndex(bps, 0, n, p => p.Name + "Grad" == bp.Name!.TrimEnd('_'));
                if (i < 0) throw new InvalidOperationException($"Backward parameter {bp.Name} matches no parameter");
                if (inputs[i] is null) continue; // an optional array left null: no gradient buffer, nothing to check
                slot[i] = j;
                if (bp.ParameterType.IsByRef) continue;
                args[j] = upstream.TryGetValue(i, out var u) ? Filled((Array)inputs[i]!, u.Select(x => Round(x * seed, isFloat)).ToArray()) : Filled((Array)inputs[i]!, null);
            }
            object? v = bwd.Invoke(null, args);
            var grads = slot.ToDictionary(x => x.Key, x => args[x.Value] is Array a ? Flat(a) : new[] { ToDouble(args[x.Value]!) });
            return (v, args, grads);
        }

        private static double Round(double x, bool isFloat) => isFloat ? (float)x : x;

        private static Type? Elem(Type t)
        {
            while (t.IsArray) t = t.GetElementType()!; // double[][][] (a jagged stack) too
            return t;
        }

        private static double ToDouble(object o) => Convert.ToDouble(o, System.Globalization.CultureInfo.InvariantCulture);

        private static void Near(double[] expected, double[] actual, double tol, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int k = 0; k < expected.Length; k++) DiffGen.Tests.Check.Near(expected[k], actual[k], tol, $"{what} [{k}]");
        }

        internal sealed record Cell(Func<double> Get, Action<double> Set);

        /// <summary>The row-major index of entry <paramref name="k"/> of an array of any rank.</summary>
        internal static int[] Index(Array a, int k)
        {
            var idx = new int[a.Rank];
            for (int d = a.Rank - 1; d >= 0; d--)
            {
                idx[d] = k % a.GetLength(d);
                k /= a.GetLength(d);
            }
            return idx;
        }

        /// <summary>Every float/double entry of an array of any rank, of a jagged array or of a stack of arrays, in row-major order (int arrays have none).</summary>
        internal static IEnumerable<Cell> Cells(Array a)
        {
            if (a is Array[] rows)
            {
                foreach (var r in rows) foreach (var c in Cells(r)) yield return c;
                yield break;
            }
            var t = a.GetType().GetElementType();
            if (t != typeof(double) && t != typeof(float)) yield break;
            for (int k = 0; k < a.Length; k++)
            {
                var idx = Index(a, k);
                yield return new Cell(() => ToDouble(a.GetValue(idx)!), v => a.SetValue(t == typeof(float) ? (float)v : (object)v, idx));
            }
        }

        /// <summary>An array of numbers (float, double, int), rows included.</summary>
        private static bool Numeric(Array a) => Elem(a.GetType()) is { } t && (t == typeof(double) || t == typeof(float) || t == typeof(int));

        private static double[] Flat(Array a) => a is Array[] rows ? rows.SelectMany(Flat).ToArray()
            : a.GetType().GetElementType() == typeof(int) ? a.Cast<int>().Select(x => (double)x).ToArray()
            : a.Cast<object>().Select(ToDouble).ToArray();

        /// <summary>An array shaped like <paramref name="like"/>, filled with <paramref name="values"/> (row-major) or NaN.</summary>
        private static Array Filled(Array like, double[]? values)
        {
            var copy = (Array)DeepClone(like)!;
            int k = 0;
            foreach (var c in Cells(copy)) c.Set(values is null ? double.NaN : values[k++]);
            return copy;
        }

        /// <summary>Deep copies of call arguments (arrays, and the rows of jagged arrays and stacks); scalars as they are.</summary>
        internal static object?[] Clone(object?[] xs) => xs.Select(DeepClone).ToArray();

        internal static object? DeepClone(object? o) => o switch
        {
            Array[] rows => CloneRows(rows),
            Array a => a.Clone(),
            _ => o,
        };

        private static Array CloneRows(Array[] rows)
        {
            var copy = (Array)rows.Clone();
            for (int i = 0; i < rows.Length; i++) copy.SetValue(DeepClone(rows[i]), i); // rows of rows (double[][][]) too
            return copy;
        }

        /// <summary>A float array of any rank (float[,,], ...) as a double array of the same shape.</summary>
        private static Array WidenAnyRank(Array a)
        {
            var w = Array.CreateInstance(typeof(double), Enumerable.Range(0, a.Rank).Select(a.GetLength).ToArray());
            for (int k = 0; k < a.Length; k++)
            {
                var idx = Index(a, k);
                w.SetValue((double)(float)a.GetValue(idx)!, idx);
            }
            return w;
        }

        /// <summary>float → double (scalars, arrays of any rank and jagged rows), other values as they are.</summary>
        private static object? Widen(object? o) => o switch
        {
            float f => (double)f,
            float[] a => a.Select(x => (double)x).ToArray(),
            float[,] m => TestData.ToDouble(m),
            float[][] rows => rows.Select(r => r.Select(x => (double)x).ToArray()).ToArray(),
            Array a when a.GetType().GetElementType() == typeof(float) => WidenAnyRank(a),
            _ => DeepClone(o),
        };
    }
}
