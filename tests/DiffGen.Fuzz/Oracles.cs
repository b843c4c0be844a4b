using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using DiffGen.Cpu;
using DiffGen.Cuda.Execution;
using DiffGen.Tests.Device;

namespace DiffGen.Fuzz
{
    public sealed record RunOptions
    {
        /// <summary>Fraction of programs with device code that also run on the g++ GPU emulation (slow: a g++ build each).</summary>
        public double DeviceFraction { get; init; } = 0.05;

        /// <summary>Run the device oracle on every program that has device code (shrinking a device failure).</summary>
        public bool DeviceAlways { get; init; }

        /// <summary>Leave out what <see cref="KnownBugs"/> lists (none open today).</summary>
        public bool ExcludeKnownBugs { get; init; }

        /// <summary>Skip the device oracle (no g++).</summary>
        public bool NoDevice { get; init; }

        /// <summary>
        /// Large sizes (--large): central differences over every entry would take too long, so the gradient oracle of a
        /// float program is its double twin's generated gradient (itself checked against central differences at small
        /// sizes): max-norm relative error per gradient array within <see cref="Oracles.LargeFloatTol"/>. Double
        /// programs keep every other oracle.
        /// </summary>
        public bool Large { get; init; }
    }

    /// <summary>
    /// The oracles. Error measure everywhere (as tests/DiffGen.Tests/Check.cs): |a - b| &lt;= tol · max(1, |a|, |b|).
    /// <list type="bullet">
    /// <item>forward: MForward (value and outputs) against the user's method. Double: 1e-10 (raised GEMMs, SIMD sums and
    /// the log-sum-exp rewrite reorder sums; random programs have intermediates far larger than their result, so the
    /// README's ~1e-15 does not hold). Float: 1e-4, or, failing that, MForward no farther from the double twin than 4× the
    /// user's float method is (+1e-5): the generated float code may be more accurate than the literal loop, never much worse.</item>
    /// <item>backward-value / backward-outputs: the value Backward returns and the outputs it leaves, against Forward / the user.</item>
    /// <item>gradient: Backward (seed 1, random upstream gradients for outputs) against central differences of
    /// L = value + Σ upstream·outputs of the USER's method in double (float programs: the double twin at the float
    /// inputs widened). Two steps h = 1e-5 and 2e-6 (× max(1, |x|)); an entry whose two quotients disagree by more than
    /// 1e-6 · max(1, |fd|) straddles a kink or a jump (Max, Abs, a branch on a value) and is skipped. Tolerance 1e-5
    /// (double) or 2e-3 (float), plus the rounding noise of the quotient, 1e-13 · |L| / h.</item>
    /// <item>seed: Backward with seed s and upstream gradients × s is s × the seed-1 gradient (double: s = 0.75, 1e-12; float:
    /// s = 2, which commutes with rounding, 1e-5).</item>
    /// <item>repeat: a second Backward into the same (now filled) gradient buffers gives the same numbers exactly
    /// (buffers are overwritten, pooled scratch is cleared).</item>
    /// <item>inputs: Forward and Backward leave every differentiated input bit for bit unchanged.</item>
    /// <item>parallel: every number of Forward and Backward with LoopParallelism.MinWork = 0 and
    /// Gemm.MaxDegreeOfParallelism = 4 against the default (sequential at these sizes); 1e-10 (float 1e-4), as the device
    /// comparison (per-chunk sums reorder; with cancellation 1e-12 is not reliable), of the array's scale.</item>
    /// <item>device: a sampled fraction of the programs with device code run on the g++ emulation against the CPU
    /// (tests/DiffGen.Tests/Device/DeviceCases.Run: square sizes 3; 1e-10, float 1e-4), no allocation left.</item>
    /// </list>
    /// A program whose user method gives a non-finite value or one beyond 1e6, whose intermediates leave the monitor's
    /// range (<see cref="Ctx.Monitor"/>), or (float) whose value differs from its double twin's by more than 1e-3 is
    /// rejected (counted, not checked).
    /// </summary>
    public static class Oracles
    {
        public const double ForwardTol = 1e-10, FloatForwardTol = 1e-4;
        public const double GradTol = 1e-5, FloatGradTol = 2e-3;

        /// <summary>A float program whose value is farther than this from its double twin's is rejected as ill-conditioned.</summary>
        public const double FloatValueTol = 1e-3;

        /// <summary>Large mode: float gradient against the double twin's, max-norm relative (programs whose float value is
        /// more than 1e-3 from the twin's are rejected as ill-conditioned before this).</summary>
        public const double LargeFloatTol = 1e-3;
        public const double SeedTol = 1e-12, FloatSeedTol = 1e-5;
        public const double ParallelTol = 1e-10, FloatParallelTol = 1e-4;
        public const double Range = 1e6;

        public static bool Near(double a, double b, double tol)
        {
            if (double.IsNaN(a) || double.IsNaN(b)) return double.IsNaN(a) && double.IsNaN(b);
            if (double.IsInfinity(a) || double.IsInfinity(b)) return a.Equals(b);
            return Math.Abs(a - b) <= tol * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));
        }

        private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

        // ------------------------------------------------------------ inputs

        /// <summary>Inputs of the main method: arrays uniform in [-1, 1], scalars in [-1, 1], labels in their size, outputs 0.3.</summary>
        public static object?[] MakeInputs(FuzzProgram p, Prec prec, int salt = 0)
        {
            var r = new Random(p.Seed * 31 + 7 + salt);
            var ps = p.Main.Params;
            var args = new object?[ps.Count];
            for (int i = 0; i < ps.Count; i++)
            {
                var q = ps[i];
                int S(int axis) => p.Sizes[q.Dims[axis]];
                double Next() => q.IsOutput ? 0.3 : (float)(2 * r.NextDouble() - 1);   // values exactly representable in float
                args[i] = q.Kind switch
                {
                    PKind.Scalar => prec == Prec.Float ? (object)(float)Next() : Next(),
                    PKind.Labels => Enumerable.Range(0, S(0)).Select(_ => r.Next(S(1))).ToArray(),
                    PKind.Vec => Fill(prec == Prec.Float ? new float[S(0)] : new double[S(0)], Next),
                    PKind.Mat => Fill(prec == Prec.Float ? new float[S(0), S(1)] : new double[S(0), S(1)], Next),
                    _ => Jagged(prec, S(0), S(1), Next),
                };
            }
            return args;
        }

        private static object Jagged(Prec prec, int rows, int cols, Func<double> next)
        {
            if (prec == Prec.Float) return Enumerable.Range(0, rows).Select(_ => (float[])Fill(new float[cols], next)).ToArray();
            return Enumerable.Range(0, rows).Select(_ => (double[])Fill(new double[cols], next)).ToArray();
        }

        private static Array Fill(Array a, Func<double> next)
        {
            for (int i = 0; i < a.Length; i++) Set(a, i, next());
            return a;
        }

        // ------------------------------------------------------------ flat access to T[], T[,], T[][]

        public static int Count(object a) => a switch
        {
            Array x when x.GetType().GetElementType()!.IsArray => ((Array)x).Cast<Array>().Sum(row => row.Length),
            Array x => x.Length,
            _ => 1,
        };

        public static double Get(object a, int i)
        {
            var x = (Array)a;
            if (x.GetType().GetElementType()!.IsArray)
            {
                foreach (Array row in x) { if (i < row.Length) return ToDouble(row.GetValue(i)!); i -= row.Length; }
                throw new IndexOutOfRangeException();
            }
            return x.Rank == 2 ? ToDouble(x.GetValue(i / x.GetLength(1), i % x.GetLength(1))!) : ToDouble(x.GetValue(i)!);
        }

        public static void Set(object a, int i, double v)
        {
            var x = (Array)a;
            if (x.GetType().GetElementType()!.IsArray)
            {
                foreach (Array row in x) { if (i < row.Length) { Set(row, i, v); return; } i -= row.Length; }
                throw new IndexOutOfRangeException();
            }
            object boxed = x.GetType().GetElementType() == typeof(float) ? (float)v : x.GetType().GetElementType() == typeof(int) ? (int)v : (object)v;
            if (x.Rank == 2) x.SetValue(boxed, i / x.GetLength(1), i % x.GetLength(1));
            else x.SetValue(boxed, i);
        }

        public static double[] Flat(object a) => Enumerable.Range(0, Count(a)).Select(i => Get(a, i)).ToArray();

        public static double ToDouble(object o) => o switch { double d => d, float f => f, int i => i, _ => throw new NotSupportedException(o.GetType().Name) };

        public static object? Clone(object? v) => v switch
        {
            Array a when a.GetType().GetElementType()!.IsArray => CloneJagged(a),
            Array a => a.Clone(),
            _ => v,
        };

        private static object CloneJagged(Array a)
        {
            var c = Array.CreateInstance(a.GetType().GetElementType()!, a.Length);
            for (int i = 0; i < a.Length; i++) c.SetValue(((Array)a.GetValue(i)!).Clone(), i);
            return c;
        }

        public static object?[] CloneAll(object?[] xs) => xs.Select(Clone).ToArray();

        /// <summary>A same-shape array filled with <paramref name="v"/> (or from <paramref name="values"/>).</summary>
        private static object Like(object a, double v, double[]? values = null, Prec? as_ = null)
        {
            var c = Clone(a)!;
            if (as_ is { } prec) c = Convert(c, prec)!;
            for (int i = 0; i < Count(c); i++) Set(c, i, values?[i] ?? v);
            return c;
        }

        /// <summary>An array or scalar converted to precision <paramref name="p"/> (float values widen exactly).</summary>
        public static object? Convert(object? v, Prec p)
        {
            Type el = p == Prec.Float ? typeof(float) : typeof(double);
            switch (v)
            {
                case double or float: return p == Prec.Float ? (float)ToDouble(v) : (object)ToDouble(v);
                case int[] labels: return labels.Clone();
                case Array a when a.GetType().GetElementType()!.IsArray:
                {
                    var c = Array.CreateInstance(el.MakeArrayType(), a.Length);
                    for (int i = 0; i < a.Length; i++) c.SetValue(Convert(a.GetValue(i), p), i);
                    return c;
                }
                case Array a:
                {
                    var c = a.Rank == 2 ? Array.CreateInstance(el, a.GetLength(0), a.GetLength(1)) : Array.CreateInstance(el, a.Length);
                    for (int i = 0; i < a.Length; i++) Set(c, i, Get(a, i));
                    return c;
                }
                default: return v;
            }
        }

        // ------------------------------------------------------------ reflection

        private static MethodInfo Host(Type t, string name) =>
            t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
             .Single(m => m.Name == name && !m.GetParameters().Any(p => p.ParameterType.IsGenericType && p.ParameterType.GetGenericTypeDefinition() == typeof(DeviceArray<>)));

        private static object? Invoke(MethodInfo m, object?[] args)
        {
            try { return m.Invoke(null, args); }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }
        }

        /// <summary>Everything a call produced: the value (or null) and the outputs after it.</summary>
        private sealed record Primal(double? Value, Dictionary<int, double[]> Outputs);

        private static Primal RunPrimal(MethodInfo m, FuzzProgram p, object?[] inputs)
        {
            var args = CloneAll(inputs);
            var v = Invoke(m, args);
            var outs = new Dictionary<int, double[]>();
            for (int i = 0; i < p.Main.Params.Count; i++) if (p.Main.Params[i].IsOutput) outs[i] = Flat(args[i]!);
            return new Primal(v is null ? null : ToDouble(v), outs);
        }

        /// <summary>L = seed · value + Σ upstream · outputs, of the user's method.</summary>
        private static double Objective(Primal r, Dictionary<int, double[]> upstream)
        {
            double l = r.Value ?? 0;
            foreach (var (i, u) in upstream) for (int k = 0; k < u.Length; k++) l += u[k] * r.Outputs[i][k];
            return l;
        }

        private sealed record Backward(double? Value, Dictionary<int, double[]> Grads, Dictionary<int, double[]> Outputs, object?[] Args);

        /// <summary>Calls MBackward: gradient buffers prefilled with 7 (they must be overwritten), upstream gradients for outputs.</summary>
        private static Backward RunBackward(Type t, FuzzProgram p, Prec prec, object?[] inputs, Dictionary<int, double[]> upstream, double seed, object?[]? reuse = null)
        {
            var b = Host(t, "FBackward");
            var bps = b.GetParameters();
            int n = p.Main.Params.Count;
            var args = reuse ?? new object?[bps.Length];
            if (reuse is null)
            {
                var primal = CloneAll(inputs);
                for (int i = 0; i < n; i++) args[i] = primal[i];
                for (int i = n; i < bps.Length; i++)
                {
                    var bp = bps[i];
                    if (bp.Name == "seed") { args[i] = prec == Prec.Float ? (float)seed : (object)seed; continue; }
                    int pi = p.Main.Params.FindIndex(q => q.Name + "Grad" == bp.Name);
                    if (pi < 0) throw new InvalidOperationException($"Backward parameter {bp.Name} matches no parameter");
                    if (bp.ParameterType.IsByRef) { args[i] = null; continue; }
                    args[i] = p.Main.Params[pi].IsOutput ? Like(inputs[pi]!, 0, upstream[pi].Select(u => u * seed).ToArray()) : Like(inputs[pi]!, 7.0);
                }
            }
            var v = Invoke(b, args);
            var grads = new Dictionary<int, double[]>();
            var outs = new Dictionary<int, double[]>();
            for (int i = n; i < bps.Length; i++)
            {
                int pi = p.Main.Params.FindIndex(q => q.Name + "Grad" == bps[i].Name);
                if (pi < 0 || p.Main.Params[pi].IsOutput) continue;
                grads[pi] = args[i] is Array ? Flat(args[i]!) : new[] { ToDouble(args[i]!) };
            }
            for (int i = 0; i < n; i++) if (p.Main.Params[i].IsOutput) outs[i] = Flat(args[i]!);
            return new Backward(v is null ? null : ToDouble(v), grads, outs, args);
        }

        // ------------------------------------------------------------ the checks

        public static void Check(FuzzProgram p, Type t, Type? twin, Type[] monitors, Outcome o, RunOptions opts)
        {
            var prec = p.Prec;
            bool fl = prec == Prec.Float;
            var user = Host(t, "F");
            var userD = Host(twin ?? t, "F");
            var inputs = MakeInputs(p, prec);
            var inputsD = inputs.Select(x => Convert(x, Prec.Double)).ToArray();
            var ps = p.Main.Params;

            Primal u, uD;
            try
            {
                u = RunPrimal(user, p, inputs);
                uD = RunPrimal(userD, p, inputsD);
            }
            catch (Exception ex)
            {
                o.Fail("harness", "the user's method throws: " + ex.GetType().Name + ": " + ex.Message);
                return;
            }
            // intermediates in range (the monitor copies throw OverflowException otherwise)
            foreach (var mon in monitors)
            {
                try
                {
                    var mp = mon.Name.EndsWith("DM", StringComparison.Ordinal) || p.Prec == Prec.Double ? Prec.Double : Prec.Float;
                    RunPrimal(Host(mon, "F"), p, mp == prec ? inputs : inputsD);
                }
                catch (OverflowException)
                {
                    o.Rejected = "intermediate value out of range";
                    return;
                }
            }
            IEnumerable<double> all(Primal r) => (r.Value is { } v ? new[] { v } : Array.Empty<double>()).Concat(r.Outputs.Values.SelectMany(x => x));
            if (all(u).Concat(all(uD)).Any(x => !double.IsFinite(x) || Math.Abs(x) > Range))
            {
                o.Rejected = "value out of range";
                return;
            }

            // a float program that does not approximate its double twin (chaotic: rounding amplified past 1e-3) has no
            // meaningful float reference; rejected
            if (fl && all(u).Zip(all(uD)).Any(x => !Near(x.First, x.Second, FloatValueTol)))
            {
                o.Rejected = "float program ill-conditioned (its value differs from the double twin's by more than FloatValueTol)";
                return;
            }

            // a program that amplifies rounding (a chaotic recurrence such as s /= cos(s), a sum that absorbs its inputs)
            // cannot tell a correct reordering from a wrong one: inputs moved by 1e-13 (relative) must not move the value by
            // more than 1e-9; otherwise rejected
            if (Sensitive(userD, p, inputsD, uD, 1e-13, 1e-9))
            {
                o.Rejected = "ill-conditioned (inputs moved by 1e-13 move the value by more than 1e-9)";
                return;
            }
            // float: the same at float rounding (inputs moved by 6e-8 must not move the double twin's value by more than
            // 1e-4), or float rounding alone takes the gradient past FloatGradTol (sin of a doubled-up sum, found at seed 11771)
            if (fl && Sensitive(userD, p, inputsD, uD, 6e-8, 1e-4))
            {
                o.Rejected = "float ill-conditioned (inputs moved by 6e-8 move the value by more than 1e-4)";
                return;
            }

            // forward
            var fwd = RunPrimal(Host(t, "FForward"), p, inputs);
            bool ForwardNear(double user1, double gen, double twinValue) =>
                !fl ? Near(user1, gen, ForwardTol)
                    : Near(user1, gen, FloatForwardTol) || Math.Abs(gen - twinValue) <= 4 * Math.Abs(user1 - twinValue) + 1e-5 * Math.Max(1, Math.Abs(twinValue));
            if (u.Value is { } uv && !ForwardNear(uv, fwd.Value!.Value, uD.Value!.Value))
                o.Fail("forward", $"F = {F(uv)}, FForward = {F(fwd.Value.Value)}" + (fl ? $" (double twin {F(uD.Value.Value)})" : ""));
            foreach (var (i, arr) in u.Outputs)
                for (int k = 0; k < arr.Length; k++)
                    if (!ForwardNear(arr[k], fwd.Outputs[i][k], uD.Outputs[i][k])) { o.Fail("forward", $"output {ps[i].Name}[{k}]: F wrote {F(arr[k])}, FForward {F(fwd.Outputs[i][k])}"); break; }

            // inputs unchanged by Forward
            {
                var args = CloneAll(inputs);
                Invoke(Host(t, "FForward"), args);
                CheckUnchanged(p, inputs, args, o, "Forward");
            }

            // backward, seed 1
            var r = new Random(p.Seed * 17 + 3);
            var upstream = new Dictionary<int, double[]>();
            for (int i = 0; i < ps.Count; i++) if (ps[i].IsOutput) upstream[i] = Enumerable.Range(0, Count(inputs[i]!)).Select(_ => (double)(float)(2 * r.NextDouble() - 1)).ToArray();
            var b1 = RunBackward(t, p, prec, inputs, upstream, 1.0);
            CheckUnchanged(p, inputs, b1.Args, o, "Backward");
            if (u.Value is not null && !ForwardNear(fwd.Value!.Value, b1.Value!.Value, uD.Value!.Value))
                o.Fail("backward-value", $"FForward = {F(fwd.Value.Value)}, FBackward returned {F(b1.Value.Value)}");
            foreach (var (i, arr) in u.Outputs)
                for (int k = 0; k < arr.Length; k++)
                    if (!ForwardNear(arr[k], b1.Outputs[i][k], uD.Outputs[i][k])) { o.Fail("backward-outputs", $"output {ps[i].Name}[{k}]: F wrote {F(arr[k])}, after FBackward {F(b1.Outputs[i][k])}"); break; }
            // An output's upstream gradient buffer is read only, or in and out when the generator could not prove that every read
            // of the output sees a value the method wrote. Programs initialise their outputs first, so then it must hold the
            // gradient with respect to the entry values: zeros.
            {
                var bps = Host(t, "FBackward").GetParameters();
                for (int i = ps.Count; i < bps.Length; i++)
                {
                    int pi = ps.FindIndex(q => q.Name + "Grad" == bps[i].Name);
                    if (pi < 0 || !ps[pi].IsOutput) continue;
                    var after = Flat(b1.Args[i]!);
                    if (!after.SequenceEqual(upstream[pi]) && after.Any(x => x != 0))
                        o.Fail("backward-outputs", $"{bps[i].Name}: neither the upstream gradient (read only) nor zeros (in and out, entry values never read) after FBackward");
                }
            }

            // gradient against central differences of the user's method in double (large sizes: float against the double twin)
            if (fl && GradientSensitive(t, p, inputs, upstream, b1))
            {
                o.Rejected = "float gradient ill-conditioned (inputs moved by an ulp move it by more than FloatGradTol / 4)";
                return;
            }
            if (!opts.Large) CheckGradient(p, userD, inputsD, upstream, b1, o, fl);
            else if (fl && twin is not null) CheckAgainstTwin(p, RunBackward(twin, p, Prec.Double, inputsD, upstream, 1.0), b1, o);

            // repeat: a second Backward into the filled buffers
            {
                var again = CloneAll(b1.Args);
                for (int i = 0; i < ps.Count; i++) again[i] = Clone(inputs[i]);
                // the upstream gradients again (an in-and-out buffer holds the entry values' gradient after the first call)
                var bps = Host(t, "FBackward").GetParameters();
                for (int i = ps.Count; i < bps.Length; i++)
                {
                    int pi = ps.FindIndex(q => q.Name + "Grad" == bps[i].Name);
                    if (pi >= 0 && ps[pi].IsOutput) again[i] = Like(inputs[pi]!, 0, upstream[pi]);
                }
                var b2 = RunBackward(t, p, prec, inputs, upstream, 1.0, again);
                foreach (var (i, g) in b1.Grads)
                    for (int k = 0; k < g.Length; k++)
                        if (!g[k].Equals(b2.Grads[i][k])) { o.Fail("repeat", $"{ps[i].Name}Grad[{k}]: {F(g[k])} on the first Backward, {F(b2.Grads[i][k])} on the second"); break; }
            }

            // seed linearity
            {
                // 0.75 in double; 2 in float, where scaling by a power of two commutes with rounding (any other seed
                // changes the rounding of every product, which float cancellation can amplify past any fixed tolerance)
                double s = fl ? 2.0 : 0.75;
                var bs = RunBackward(t, p, prec, inputs, upstream, s);
                double tol = fl ? FloatSeedTol : SeedTol;
                foreach (var (i, g) in b1.Grads)
                    for (int k = 0; k < g.Length; k++)
                        if (!Near(s * g[k], bs.Grads[i][k], tol)) { o.Fail("seed", $"{ps[i].Name}Grad[{k}]: seed 1 gives {F(g[k])}, seed {F(s)} gives {F(bs.Grads[i][k])} (expected {F(s * g[k])})"); break; }
            }

            // multi-core against sequential
            o.HasWorkers = t.GetNestedTypes(BindingFlags.NonPublic | BindingFlags.Public).Any(x => x.Name.StartsWith("__F_", StringComparison.Ordinal));
            {
                var seq = Everything(t, p, prec, inputs, upstream);
                long minWork = LoopParallelism.MinWork;
                int threads = Gemm.MaxDegreeOfParallelism;
                List<double[]> par;
                try
                {
                    LoopParallelism.MinWork = 0;
                    Gemm.MaxDegreeOfParallelism = 4;
                    par = Everything(t, p, prec, inputs, upstream);
                }
                finally
                {
                    LoopParallelism.MinWork = minWork;
                    Gemm.MaxDegreeOfParallelism = threads;
                }
                for (int i = 0; i < seq.Count; i++)
                {
                    double rel = DeviceCases.Relative(seq[i], par[i]);
                    if (rel > (fl ? FloatParallelTol : ParallelTol)) { o.Fail("parallel", $"result block {i} differs by {rel:E3} (relative) with MinWork = 0, 4 threads"); break; }
                }
            }

            // device (g++ emulation)
            o.HasDevice = t.GetField("__FCudaSource", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static) is not null;
            if (o.HasDevice && !opts.NoDevice && EmulatedDevice.Compiler is not null && (opts.DeviceAlways || new Random(p.Seed ^ 0x5eed).NextDouble() < opts.DeviceFraction))
            {
                o.DeviceChecked = true;
                var device = new EmulatedDevice();
                var c = new DeviceCase(t, user);
                try
                {
                    // DeviceCases.Run draws its own (square, size-3) inputs: the range monitors must see those too, or a
                    // program that overflows on them compares garbage with garbage (seed 13974: s += s³ reaches ∞, where
                    // the CPU's zero-adjoint guard and the device's 0·∞ = NaN differ); such inputs are not compared
                    var (devInputs, _) = DeviceCases.Inputs(c, p.Seed, 3);
                    if (!InRange(p, devInputs, monitors))
                    {
                        o.DeviceChecked = false;
                        return;
                    }
                    var res = DeviceCases.Run(c, device, p.Seed, size: 3);
                    if (res.Launches == 0) o.Fail("device", "nothing ran on the device");
                    if (!(res.MaxRelativeError <= (fl ? 1e-4 : 1e-10))) o.Fail("device", $"{res.Worst} differs from the CPU by {res.MaxRelativeError:E3} (relative); inputs {res.Inputs}");
                    if (device.LiveAllocations != 0) o.Fail("device", $"{device.LiveAllocations} device allocations left");
                }
                catch (InvalidOperationException ex) when (ex.Message.StartsWith("No inputs found", StringComparison.Ordinal))
                {
                    // the square size-3 inputs DeviceCases uses are out of range for this program
                }
                catch (Exception ex)
                {
                    var e = ex is TargetInvocationException { InnerException: { } inner } ? inner : ex;
                    o.Fail("device", e.GetType().Name + ": " + e.Message + "\n" + e.StackTrace);
                }
            }
        }

        /// <summary>Do the program's intermediates and results stay in range on these inputs (every monitor, both precisions)?</summary>
        private static bool InRange(FuzzProgram p, object?[] inputs, Type[] monitors)
        {
            var inputsD = inputs.Select(x => Convert(x, Prec.Double)).ToArray();
            foreach (var mon in monitors)
            {
                try
                {
                    var mp = mon.Name.EndsWith("DM", StringComparison.Ordinal) || p.Prec == Prec.Double ? Prec.Double : Prec.Float;
                    var r = RunPrimal(Host(mon, "F"), p, mp == p.Prec ? inputs : inputsD);
                    var values = (r.Value is { } v ? new[] { v } : Array.Empty<double>()).Concat(r.Outputs.Values.SelectMany(x => x));
                    if (values.Any(x => !double.IsFinite(x) || Math.Abs(x) > Range)) return false;
                }
                catch (OverflowException)
                {
                    return false;
                }
            }
            return true;
        }

        private static IEnumerable<Stmt> All(List<Stmt> b) => b.SelectMany(s => new[] { s }.Concat(s.Blocks.SelectMany(All)));



        private static List<double[]> Everything(Type t, FuzzProgram p, Prec prec, object?[] inputs, Dictionary<int, double[]> upstream)
        {
            var list = new List<double[]>();
            var f = RunPrimal(Host(t, "FForward"), p, inputs);
            if (f.Value is { } v) list.Add(new[] { v });
            list.AddRange(f.Outputs.OrderBy(x => x.Key).Select(x => x.Value));
            var b = RunBackward(t, p, prec, inputs, upstream, 1.0);
            if (b.Value is { } bv) list.Add(new[] { bv });
            list.AddRange(b.Grads.OrderBy(x => x.Key).Select(x => x.Value));
            list.AddRange(b.Outputs.OrderBy(x => x.Key).Select(x => x.Value));
            return list;
        }

        private static void CheckUnchanged(FuzzProgram p, object?[] before, object?[] after, Outcome o, string pass)
        {
            for (int i = 0; i < p.Main.Params.Count; i++)
            {
                var q = p.Main.Params[i];
                if (q.IsOutput || q.Kind == PKind.Scalar) continue;
                var a = Flat(before[i]!);
                var b = Flat(after[i]!);
                for (int k = 0; k < a.Length; k++)
                    if (!a[k].Equals(b[k])) { o.Fail("inputs", $"{pass} changed input {q.Name}[{k}] from {F(a[k])} to {F(b[k])}"); return; }
            }
        }

        /// <summary>
        /// Float programs: the generated float gradient at inputs moved by about an ulp (relative 1.2e-7, rounded to float).
        /// When that alone moves an entry by more than FloatGradTol / 4, float rounding of the forward decides the gradient
        /// at the oracle's tolerance (cancellation between the terms of a derivative): no float code can pass, so rejected.
        /// </summary>
        private static bool GradientSensitive(Type t, FuzzProgram p, object?[] inputs, Dictionary<int, double[]> upstream, Backward b)
        {
            // several draws: one random move can miss the direction that matters (seed 2717: a sin of a doubled-up sum
            // passed one draw and failed the oracle by 2.4e-3)
            for (int draw = 0; draw < 4; draw++)
                if (GradientMoves(t, p, inputs, upstream, b, draw)) return true;
            return false;
        }

        private static bool GradientMoves(Type t, FuzzProgram p, object?[] inputs, Dictionary<int, double[]> upstream, Backward b, int draw)
        {
            var moved = CloneAll(inputs);
            var r = new Random((p.Seed ^ 0x29) + 7919 * draw);
            for (int i = 0; i < p.Main.Params.Count; i++)
            {
                var q = p.Main.Params[i];
                if (!q.IsFloatInput) continue;
                if (q.Kind == PKind.Scalar) moved[i] = (float)((float)moved[i]! * (1 + 1.2e-7 * (2 * r.NextDouble() - 1)));
                else for (int k = 0; k < Count(moved[i]!); k++) Set(moved[i]!, k, (float)(Get(moved[i]!, k) * (1 + 1.2e-7 * (2 * r.NextDouble() - 1))));
            }
            var b2 = RunBackward(t, p, Prec.Float, moved, upstream, 1.0);
            foreach (var (i, g) in b.Grads)
                for (int k = 0; k < g.Length; k++)
                    if (!Near(g[k], b2.Grads[i][k], FloatGradTol / 4)) return true;
            return false;
        }

        /// <summary>Does moving every float input by a relative <paramref name="rel"/> (random sign) move a value by more than <paramref name="tol"/>?</summary>
        private static bool Sensitive(MethodInfo userD, FuzzProgram p, object?[] inputsD, Primal reference, double rel, double tol)
        {
            var moved = CloneAll(inputsD);
            var r = new Random(p.Seed ^ 0x13);
            for (int i = 0; i < p.Main.Params.Count; i++)
            {
                var q = p.Main.Params[i];
                if (!q.IsFloatInput) continue;
                if (q.Kind == PKind.Scalar) moved[i] = (double)moved[i]! * (1 + rel * (2 * r.NextDouble() - 1));
                else for (int k = 0; k < Count(moved[i]!); k++) Set(moved[i]!, k, Get(moved[i]!, k) * (1 + rel * (2 * r.NextDouble() - 1)));
            }
            var after = RunPrimal(userD, p, moved);
            IEnumerable<double> all(Primal x) => (x.Value is { } v ? new[] { v } : Array.Empty<double>()).Concat(x.Outputs.Values.SelectMany(y => y));
            return all(reference).Zip(all(after)).Any(x => !Near(x.First, x.Second, tol));
        }

        /// <summary>Large mode's float-against-double oracle: every gradient array within LargeFloatTol of the twin's, max-norm relative.</summary>
        private static void CheckAgainstTwin(FuzzProgram p, Backward twin, Backward b, Outcome o)
        {
            foreach (var (i, g64) in twin.Grads)
            {
                if (!b.Grads.TryGetValue(i, out var g32)) { o.Fail("gradient-float-large", $"Backward has no gradient for {p.Main.Params[i].Name}"); return; }
                double scale = 0, err = 0;
                int worst = 0;
                for (int k = 0; k < g64.Length; k++)
                {
                    scale = Math.Max(scale, Math.Abs(g64[k]));
                    double e = Math.Abs(g32[k] - g64[k]);
                    if (!(e <= err)) { err = double.IsNaN(e) ? double.PositiveInfinity : e; worst = k; }
                }
                if (err > LargeFloatTol * Math.Max(scale, 1e-30))
                {
                    o.Fail("gradient-float-large", $"d/d{p.Main.Params[i].Name}[{worst}]: float {F(g32[worst])}, double twin {F(g64[worst])}; max-norm relative {F(err / scale)} over {g64.Length} entries");
                    return;
                }
            }
        }

        private static void CheckGradient(FuzzProgram p, MethodInfo userD, object?[] inputsD, Dictionary<int, double[]> upstream, Backward b, Outcome o, bool fl)
        {
            var ps = p.Main.Params;
            double L(object?[] args) => Objective(RunPrimal(userD, p, args), upstream);
            var work = CloneAll(inputsD);
            double l0 = L(work);
            for (int i = 0; i < ps.Count; i++)
            {
                if (!ps[i].IsFloatInput) continue;
                if (!b.Grads.TryGetValue(i, out var g)) { o.Fail("gradient", $"Backward has no gradient for {ps[i].Name}"); return; }
                int count = ps[i].Kind == PKind.Scalar ? 1 : Count(work[i]!);
                for (int k = 0; k < count; k++)
                {
                    double x = ps[i].Kind == PKind.Scalar ? (double)work[i]! : Get(work[i]!, k);
                    double Quotient(double rel)
                    {
                        double h = rel * Math.Max(1, Math.Abs(x));
                        double xp = x + h, xm = x - h;
                        double fp = Eval(xp), fm = Eval(xm);
                        return (fp - fm) / (xp - xm);
                    }
                    double Eval(double v)
                    {
                        if (ps[i].Kind == PKind.Scalar) work[i] = v; else Set(work[i]!, k, v);
                        try { return L(work); }
                        finally { if (ps[i].Kind == PKind.Scalar) work[i] = x; else Set(work[i]!, k, x); }
                    }
                    double fd1 = Quotient(1e-5), fd2 = Quotient(2e-6);
                    if (!double.IsFinite(fd1) || !double.IsFinite(fd2)) continue;
                    double noise = 1e-13 * Math.Abs(l0) / (2e-6 * Math.Max(1, Math.Abs(x)));
                    if (Math.Abs(fd1 - fd2) > 1e-6 * Math.Max(1, Math.Abs(fd2)) + noise) continue;  // a kink or jump within h
                    double tol = fl ? FloatGradTol : GradTol;
                    double err = Math.Abs(g[k] - fd2);
                    if (double.IsNaN(g[k]) || err > tol * Math.Max(1, Math.Max(Math.Abs(g[k]), Math.Abs(fd2))) + noise)
                    {
                        o.Fail(fl ? "gradient-float" : "gradient", $"d/d{ps[i].Name}[{k}]: Backward {F(g[k])}, central differences {F(fd2)} (h=1e-5: {F(fd1)})");
                        return;
                    }
                }
            }
        }
    }
}
