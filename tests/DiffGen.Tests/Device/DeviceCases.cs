using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using DiffGen.Cuda.Execution;

namespace DiffGen.Tests.Device
{
    /// <summary>A corpus method that has generated device code.</summary>
    /// <param name="ArrayForm">
    /// For a method written with fields, spans, T[,,] or config parameters: the name of its generated array form
    /// (<c>{Name}Arrays</c>, which has the device code), and <paramref name="Method"/> is that form's host Forward.
    /// </param>
    public sealed record DeviceCase(Type Type, MethodInfo Method, string? ArrayForm = null)
    {
        /// <summary>The name the generated members start with: the method's, or its array form's.</summary>
        public string BaseName => ArrayForm ?? Method.Name;

        /// <summary>The parameters of the method (of the array form: every field and member as a parameter).</summary>
        public ParameterInfo[] Parameters => Method.GetParameters();

        /// <summary>Type.Method.</summary>
        public string Name => Type.Name + "." + BaseName;

        /// <summary>Works in float (tolerances follow).</summary>
        public bool IsFloat => Method.GetParameters().Any(p => p.ParameterType == typeof(float) || p.ParameterType == typeof(float[]) || p.ParameterType == typeof(float[,]));

        /// <inheritdoc/>
        public override string ToString() => Name;
    }

    /// <summary>What one case computed on the device against the CPU backend.</summary>
    public sealed record DeviceResult(string Name, double MaxRelativeError, string Worst, string Inputs, int Launches);

    /// <summary>
    /// Runs every corpus method that has device code on an <see cref="IKernelDevice"/> (the emulator in CI, a GPU in
    /// tests/gpu) and compares Forward and Backward (value, every gradient, every output) with the CPU backend on the
    /// same inputs. Shared by the xunit tests and the GPU check program, so both check the same thing.
    /// </summary>
    public static class DeviceCases
    {
        /// <summary>Every [Differentiable] method of <paramref name="corpus"/> (namespace DiffGen.Tests.Corpus) with a generated CUDA source.</summary>
        public static IReadOnlyList<DeviceCase> All(Assembly corpus)
        {
            var list = new List<DeviceCase>();
            foreach (var type in corpus.GetTypes().Where(t => t.Namespace == "DiffGen.Tests.Corpus").OrderBy(t => t.FullName, StringComparer.Ordinal))
            {
                // a generic type (GenericTypes.cs) is closed over int, which every corpus type's constraints allow
                var t = type.ContainsGenericParameters ? type.MakeGenericType(type.GetGenericArguments().Select(_ => typeof(int)).ToArray()) : type;
                foreach (var f in t.GetFields(BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.Name.EndsWith("CudaSource", StringComparison.Ordinal)).OrderBy(f => f.Name, StringComparer.Ordinal))
                {
                    string name = f.Name.Substring(2, f.Name.Length - 2 - "CudaSource".Length);
                    var m = t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                        .SingleOrDefault(x => x.Name == name && x.GetCustomAttributes().Any(a => a.GetType().Name == "DifferentiableAttribute"));
                    if (m is not null)
                    {
                        list.Add(new DeviceCase(t, m));
                        continue;
                    }
                    // the array form of a method with fields, spans, T[,,] or config parameters: its host Forward
                    var host = t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                        .Single(x => x.Name == name + "Forward" && !x.GetParameters().Any(p => p.ParameterType.IsGenericType && p.ParameterType.GetGenericTypeDefinition() == typeof(DeviceArray<>)));
                    list.Add(new DeviceCase(t, host, name));
                }
            }
            return list;
        }

        /// <summary>The CUDA source of a case, as the runtime compiles it (the prelude, then the generated kernels).</summary>
        public static string Source(DeviceCase c) => KernelPrelude.With(GeneratedSource(c));

        /// <summary>The generated kernels of a case (<c>__MCudaSource</c>).</summary>
        public static string GeneratedSource(DeviceCase c) =>
            (string)c.Type.GetField("__" + c.BaseName + "CudaSource", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

        /// <summary>Runs the case on <paramref name="device"/> and on the CPU; returns the largest relative difference.</summary>
        public static DeviceResult Run(DeviceCase c, IKernelDevice target, int seed = 1, int? size = null)
        {
            var (inputs, describe) = Inputs(c, seed, size);
            var device = new CountingDevice(target);
            var worst = (Error: 0.0, Where: "");
            void Note(double err, string where)
            {
                if (double.IsNaN(err) || err > worst.Error) worst = (double.IsNaN(err) ? double.PositiveInfinity : err, where);
            }

            // Forward
            var hostArgs = Clone(inputs);
            var cpuForward = Find(c, "Forward", device: false).Invoke(null, hostArgs);
            var devArgs = Upload(device, inputs, out var owned);
            try
            {
                var devForwardArgs = devArgs.Append(device).ToArray();
                var gpuForward = Find(c, "Forward", device: true).Invoke(null, devForwardArgs);
                if (cpuForward is not null) Note(Relative(ToDouble(cpuForward), ToDouble(gpuForward!)), "Forward value");
                foreach (var (p, i) in c.Parameters.Select((p, i) => (p, i)).Where(x => IsWritten(c, x.p)))
                    Note(Relative(Flat(hostArgs[i]!), Download(devArgs[i]!)), $"Forward output {p.Name}");
            }
            finally
            {
                foreach (var d in owned) d.Dispose();
            }

            // Backward
            var hostB = Find(c, "Backward", device: false);
            var devB = Find(c, "Backward", device: true);
            var bParams = hostB.GetParameters();
            int n = c.Parameters.Length;
            var rng = new Random(seed + 17);
            var hostBArgs = new object?[bParams.Length];
            var extra = new List<object?>(); // host values of the gradient arguments, for the device call
            var cloned = Clone(inputs);
            for (int i = 0; i < n; i++) hostBArgs[i] = cloned[i];
            for (int i = n; i < bParams.Length; i++)
            {
                var bp = bParams[i];
                if (bp.ParameterType.IsByRef) { hostBArgs[i] = null; extra.Add(null); continue; }
                if (bp.Name!.StartsWith("seed", StringComparison.Ordinal) && !bp.ParameterType.IsArray)
                {
                    hostBArgs[i] = bp.ParameterType == typeof(float) ? 0.75f : (object)0.75;
                    extra.Add(hostBArgs[i]);
                    continue;
                }
                var primal = c.Parameters.Single(p => p.Name == bp.Name!.TrimEnd('_')[..^"Grad".Length]);
                var like = inputs[primal.Position]!;
                // upstream gradients of outputs are inputs (random); gradient buffers are outputs (garbage: must be overwritten)
                var buffer = Fill(like, rng, IsWritten(c, primal) ? 1.0 : 9.0);
                hostBArgs[i] = buffer;
                extra.Add(Clone(new[] { buffer })[0]);
            }
            var cpuValue = hostB.Invoke(null, hostBArgs);

            var devBArgs = new List<object?>();
            var devInputs = Upload(device, inputs, out var owned2);
            try
            {
                devBArgs.AddRange(devInputs);
                foreach (var x in extra)
                {
                    if (x is Array a)
                    {
                        var d = UploadOne(device, a);
                        owned2.Add(d);
                        devBArgs.Add(d);
                    }
                    else devBArgs.Add(x);
                }
                devBArgs.Add(device);
                var devArr = devBArgs.ToArray();
                var gpuValue = devB.Invoke(null, devArr);
                if (cpuValue is not null) Note(Relative(ToDouble(cpuValue), ToDouble(gpuValue!)), "Backward value");
                for (int i = n; i < bParams.Length; i++)
                {
                    var bp = bParams[i];
                    if (bp.ParameterType.IsByRef) Note(Relative(ToDouble(hostBArgs[i]!), ToDouble(devArr[i]!)), "gradient " + bp.Name);
                    else if (hostBArgs[i] is Array ha) Note(Relative(Flat(ha), Download(devArr[i]!)), "gradient " + bp.Name);
                }
                foreach (var (p, i) in c.Parameters.Select((p, i) => (p, i)).Where(x => IsWritten(c, x.p)))
                    Note(Relative(Flat(hostBArgs[i]!), Download(devArr[i]!)), $"Backward output {p.Name}");
            }
            finally
            {
                foreach (var d in owned2) d.Dispose();
            }
            return new DeviceResult(c.Name, worst.Error, worst.Where, describe, device.Launches);
        }

        /// <summary>
        /// Host Forward and Backward of a case on fixed inputs: every number they produce (values, gradients, outputs),
        /// flattened in a fixed order, to compare two CPU configurations (sequential and multi-core loops).
        /// </summary>
        public static List<double[]> RunHost(DeviceCase c, object?[] inputs, int seed)
        {
            var results = new List<double[]>();
            var hostArgs = Clone(inputs);
            var fwd = Find(c, "Forward", device: false).Invoke(null, hostArgs);
            if (fwd is not null) results.Add(new[] { ToDouble(fwd) });
            foreach (var a in hostArgs.OfType<Array>()) results.Add(Flat(a));
            var hostB = Find(c, "Backward", device: false);
            var bParams = hostB.GetParameters();
            int n = c.Parameters.Length;
            var rng = new Random(seed + 17);
            var args = new object?[bParams.Length];
            var cloned = Clone(inputs);
            for (int i = 0; i < n; i++) args[i] = cloned[i];
            for (int i = n; i < bParams.Length; i++)
            {
                var bp = bParams[i];
                if (bp.ParameterType.IsByRef) continue;
                if (bp.Name!.StartsWith("seed", StringComparison.Ordinal) && !bp.ParameterType.IsArray) { args[i] = bp.ParameterType == typeof(float) ? 0.75f : (object)0.75; continue; }
                var primal = c.Parameters.Single(p => p.Name == bp.Name!.TrimEnd('_')[..^"Grad".Length]);
                args[i] = Fill(inputs[primal.Position]!, rng, IsWritten(c, primal) ? 1.0 : 9.0);
            }
            var value = hostB.Invoke(null, args);
            if (value is not null) results.Add(new[] { ToDouble(value) });
            foreach (var a in args) if (a is Array arr) results.Add(Flat(arr)); else if (a is double or float) results.Add(new[] { ToDouble(a) });
            return results;
        }

        // ------------------------------------------------------------ inputs

        /// <summary>
        /// Inputs the CPU backend accepts (no exception, a finite value): known shapes for methods whose arrays relate
        /// to each other, else every matrix square; values uniform in [-1, 1], or positive when negatives give NaN.
        /// </summary>
        public static (object?[] Inputs, string Description) Inputs(DeviceCase c, int seed, int? size = null)
        {
            var ps = c.Parameters;
            var attempts = new List<Func<Random, object?[]>>();
            // a class-qualified key first ("NaturalRound17.SoftDiceLoss"): corpus classes may reuse a method name with another signature
            if (Explicit.TryGetValue(c.Name, out var make) || Explicit.TryGetValue(c.BaseName, out make))
                attempts.Add(r => make(r, size ?? 5));
            if (size is null && Overrides.TryGetValue(c.BaseName, out var shapes))
                attempts.Add(r => Make(ps, shapes, r, positive: false));
            foreach (int n in size is { } s ? new[] { s } : new[] { 5, 4, 3 })
            {
                attempts.Add(r => Make(ps, Square(ps, n), r, positive: false));
                attempts.Add(r => Make(ps, Square(ps, n), r, positive: true));
            }
            var errors = new List<string>();
            foreach (var attempt in attempts)
            {
                var inputs = attempt(new Random(seed));
                try
                {
                    var v = Find(c, "Forward", device: false).Invoke(null, Clone(inputs));
                    if (v is not null && !double.IsFinite(ToDouble(v))) { errors.Add("not finite"); continue; }
                    return (inputs, string.Join(", ", inputs.Select(Describe)));
                }
                catch (TargetInvocationException ex)
                {
                    errors.Add(ex.InnerException?.GetType().Name ?? ex.GetType().Name);
                }
            }
            throw new InvalidOperationException($"No inputs found that {c.Name} accepts on the CPU ({string.Join("; ", errors)}); add its shapes to DeviceCases.Overrides.");
        }

        /// <summary>Shapes per parameter (null for scalars) for methods whose arrays have related sizes.</summary>
        private static readonly Dictionary<string, int[]?[]> Overrides = new(StringComparer.Ordinal)
        {
            ["NtXent"] = new[] { new[] { 6, 4 }, new[] { 6, 4 }, null },
            ["NtXentF"] = new[] { new[] { 6, 4 }, new[] { 6, 4 }, null },
            ["SoftmaxCrossEntropy"] = new[] { new[] { 5, 3 }, new[] { 3, 4 }, new[] { 5 } },
            ["Linear"] = new[] { new[] { 5, 3 }, new[] { 3, 4 }, new[] { 4 }, new[] { 5, 4 } },
            ["Dense"] = new[] { new[] { 5, 3 }, new[] { 3, 4 }, new[] { 4 }, new[] { 5, 4 } },
            ["MlpMse"] = new[] { new[] { 5, 3 }, new[] { 3, 4 }, new[] { 4 }, new[] { 4, 2 }, new[] { 2 }, new[] { 5, 2 } },
            ["ClipLoss"] = new[] { new[] { 5, 3 }, new[] { 5, 3 }, null },
            ["ProjectedNtXent"] = new[] { new[] { 4, 5 }, new[] { 4, 5 }, new[] { 5, 3 }, null },
            ["SelfAttention"] = new[] { new[] { 5, 3 }, new[] { 3, 4 }, new[] { 3, 4 } },
            ["FlatRows"] = new[] { new[] { 10 }, new[] { 5 }, null }, // w holds `outputs` (2) rows of x's length
        };

        /// <summary>Inputs made by hand, at size n, for methods whose int arrays must be valid indices or offsets, or whose
        /// array sizes are multiples of each other.</summary>
        private static float[] F(System.Collections.Generic.IEnumerable<double> v) => v.Select(x => (float)x).ToArray();

        /// <summary>A double matrix in float (this file is also compiled into DiffGen.Fuzz, which has no TestData).</summary>
        private static float[,] F2(double[,] m)
        {
            var f = new float[m.GetLength(0), m.GetLength(1)];
            for (int i = 0; i < m.GetLength(0); i++)
                for (int j = 0; j < m.GetLength(1); j++) f[i, j] = (float)m[i, j];
            return f;
        }

        private static readonly Dictionary<string, Func<Random, int, object?[]>> Explicit = new(StringComparer.Ordinal)
        {
            // x[D], hPrev[H], wIn[3H, D], wHid[3H, H], bias[3H], hNext[H] (gate rows [reset | update | candidate])
            ["GruCell"] = (r, n) => new object?[] { Vec(r, n), Vec(r, n), Mat(r, 3 * n, n), Mat(r, 3 * n, n), Vec(r, 3 * n), new double[n] },
            // 8 control values (4 points), n samples along the curve
            ["BezierLength"] = (r, n) => new object?[] { Vec(r, 8), n },
            // beta[p + 1] (the intercept last), features[n, p], counts[n]
            ["PoissonRegressionNll"] = (r, n) => new object?[] { Vec(r, 4).Select(v => 0.3 * v).ToArray(), Mat(r, n, 3), Enumerable.Range(0, n).Select(k => k % 4).ToArray(), true, 0.1 },
            // series[n] with AR(2) and MA(1) coefficients small enough to keep the residual recursion stable
            ["ArmaResidualSseArrays"] = (r, n) => new object?[] { Vec(r, n), Vec(r, 2).Select(v => 0.3 * v).ToArray(), Vec(r, 1).Select(v => 0.3 * v).ToArray(), 0.1 },
            // round 17: an ARMA(2, 1) series of length n (the method throws when n is too short for the order)
            ["ArmaConditionalSse"] = (r, n) => new object?[] { Vec(r, Math.Max(n, 4)), Vec(r, 2).Select(v => 0.3 * v).ToArray(), Vec(r, 1).Select(v => 0.3 * v).ToArray(), 0.1 },
            // n pixels x 3 classes of logits, one class label per pixel
            ["NaturalRound17.SoftDiceLoss"] = (r, n) => new object?[] { Vec(r, 3 * n).Select(v => (float)(2 * v)).ToArray(), Enumerable.Range(0, n).Select(k => k % 3).ToArray(), 3, 1f },
            // the array form of a T[,,] parameter: image[n, n], kernels flattened to [3, 3·3] with its dimensions 3 and 3
            ["ChannelConvEnergyArrays"] = (r, n) => new object?[] { Mat(r, n, n), Mat(r, 3, 9), 3, 3 },
            // round 18: n daily case counts (positive), a population of 1e5
            ["SeirCaseFitLoss"] = (r, n) => new object?[] { 0.4, 0.2, 0.1, Vec(r, n).Select(v => Math.Round(20 + 10 * v)).ToArray(), 1e5, 10.0, 4 },
            // x[d], tied weights [h * d] with h = 3, biases, scales
            ["TiedAutoencoderAnomalyScore"] = (r, n) => new object?[] { F(Vec(r, n)), F(Vec(r, 3 * n).Select(v => 0.5 * v)), F(Vec(r, 3).Select(v => 0.1 * v)), F(Vec(r, n).Select(v => 0.1 * v)), F(Vec(r, n).Select(v => 1 + 0.5 * v)), 3 },
            // x[d], layer norm gain and bias [d], w1[2d * d], b1[2d], w2[d * 2d], b2[d], target[d]
            ["PreNormMlpBlockLoss"] = (r, n) => new object?[] { F(Vec(r, n)), F(Vec(r, n).Select(v => 1 + 0.2 * v)), F(Vec(r, n).Select(v => 0.1 * v)), F(Vec(r, 2 * n * n).Select(v => 0.3 * v)), F(Vec(r, 2 * n).Select(v => 0.1 * v)), F(Vec(r, 2 * n * n).Select(v => 0.3 * v)), F(Vec(r, n).Select(v => 0.1 * v)), F(Vec(r, n)), 1e-5f },
            // round 19: n controls and reference positions, the state [position, velocity]
            ["MpcTrackingCost"] = (r, n) => new object?[] { Vec(r, n).Select(v => 3 * v).ToArray(), Vec(r, 2), Vec(r, n), 0.1, 1.0, 0.1, 0.01, 2.0, 10.0 },
            // planar 2-vectors (velocity, position, target) near a unit orbit, 4n Verlet steps
            ["OrbitShootingMiss"] = (r, n) => new object?[] { Vec(r, 2).Select((v, k) => (k == 0 ? 0.1 : 1.1) + 0.1 * v).ToArray(), new[] { 1.0, 0.0 }, new[] { -1.0, 0.3 }, 3.0, 1.0, 4 * n, 0.1 },
            // n days of rain (non-negative), evaporation and flow (positive); warm-up over the first half
            ["BucketRunoffNseLoss"] = (r, n) => new object?[] { 150.0, 2.0, 0.1, 1.0, Vec(r, n).Select(v => 10 * (1 + v)).ToArray(), Vec(r, n).Select(v => 2.5 + 1.5 * v).ToArray(), Vec(r, n).Select(v => 2.75 + 2.25 * v).ToArray(), 0.7, n / 2, 0.5 },
            // a T[,,] field (CubeFields): image[n, n], the [Constant] target [3, (n-2)·(n-2)] with its dimensions, kernels [3, 3·3], bias[3]
            ["Conv2dLayer.LossArrays"] = (r, n) =>
            {
                int s = Math.Max(n, 3), o = s - 2;
                return new object?[] { Mat(r, s, s), Mat(r, 3, o * o), o, o, Mat(r, 3, 9), 3, 3, Vec(r, 3) };
            },
            // round 20: an even image (2x2 pooling) of side n or n + 1, a 0/1 mask, F = 3 encoder kernels of 3x3 (flattened [F, 9]),
            // a 2F-weight head over skip and decoder features
            ["NaturalRound20.UNetBlockLossArrays"] = (r, n) =>
            {
                int s = n + n % 2;
                var mask = new int[s, s];
                for (int i = 0; i < s; i++) for (int j = 0; j < s; j++) mask[i, j] = (i + 2 * j) % 3 == 0 ? 1 : 0;
                return new object?[] { Mat(r, s, s), mask, Mat(r, 3, 9), 3, 3, Vec(r, 3), Mat(r, 3, 3), Vec(r, 3), Vec(r, 6), 0.05, 2.0 };
            },
            // round 23: x[n, 2], y[n], hidden 3 (mu, rho near -3), eps1 [2 samples, 3 * 2] with its dims 3, 2, eps2 [2, 3], the config's two fields
            ["NaturalRound23.BayesianMlpNegElboArrays"] = (r, n) => new object?[]
            {
                Mat(r, n, 2), Vec(r, n), Mat(r, 3, 2), Scaled(Mat(r, 3, 2), 0.3, -3.0), Vec(r, 3), Vec(r, 3).Select(v => -3.0 + 0.3 * v).ToArray(),
                Math.Log(0.3), Mat(r, 2, 6), 3, 2, Mat(r, 2, 3), 1.0, 0.1,
            },
            // round 22: contexts [n, 4], prior [4, 3], projections [3, 4·4] with their dims 4, 4, embeddings [6 words, 4], targets < 6
            ["NaturalRound22.MixtureOfSoftmaxesArrays"] = (r, n) => new object?[]
            {
                Mat(r, n, 4), Mat(r, 4, 3), Mat(r, 3, 16), 4, 4, Mat(r, 6, 4), Enumerable.Range(0, n).Select(i => (i * 5 + 1) % 6).ToArray(),
            },
            // round 22: an intercept and 3 coefficients, covariates [n, 3], positive times, events 0/1 (the bool span as ints)
            ["NaturalRound22.WeibullAftSurvivalArrays"] = (r, n) => new object?[]
            {
                Vec(r, 4).Select(v => 0.3 * v).ToArray(), Math.Log(1.5), Mat(r, n, 3), Vec(r, n).Select(v => 1.0 + 0.8 * v).ToArray(),
                Enumerable.Range(0, n).Select(i => i % 3 == 0 ? 0 : 1).ToArray(),
            },
            // round 23: uniform noise strictly inside (0, 1) (Gumbel(u) = -log(-log u)), reduction a valid Reduction (1 = Sum)
            ["NaturalRound23.GumbelSoftmaxAssignmentLossArrays"] = (r, n) => new object?[]
            {
                Mat(r, n, 4), Scaled(Mat(r, n, 4), 0.45, 0.5), Mat(r, n, 4), 0.7, 0.1, 1,
            },
            // round 26: theta = [alpha, beta, delta, gamma] near the sample's, prey 10 and predators 5, n observations [n, 2]
            // near them, dt 0.01 and 10 substeps (the method throws unless theta has 4 entries and observed 2 columns)
            // round 28: probabilities in (0.1, 0.9), 0/1 labels, the author's eps (Math.Clamp throws when eps > 1 - eps, as the
            // default float scalar 0.7 would make it)
            ["NaturalRound28.BinaryCrossEntropy"] = (r, n) => new object?[]
            {
                F(Vec(r, n).Select(v => 0.5 + 0.4 * v)), F(Enumerable.Range(0, n).Select(k => (double)(k % 2))), 1e-7f, true,
            },
            ["NaturalRound26.LotkaVolterraFitLoss"] = (r, n) => new object?[]
            {
                new[] { 1.05, 0.11, 0.07, 1.4 }.Zip(Vec(r, 4), (v, e) => v * (1 + 0.05 * e)).ToArray(), 10.0, 5.0,
                Scaled(Mat(r, n, 2), 2.0, 7.5), 0.01, 10,
            },
            // round 25: a triangle's 3 vertices (float[6], counter-clockwise, jittered), intensity, an n x n target, its height and
            // width n, sharpness 60
            ["NaturalRound25.SoftRasterizerArrays"] = (r, n) => new object?[]
            {
                F(new[] { 0.25, 0.25, 0.75, 0.25, 0.5, 0.8 }.Zip(Vec(r, 6), (v, e) => v + 0.05 * e)), 0.5f, F2(Scaled(Mat(r, n, n), 0.4, 0.4)), n, n, 60f,
            },
            // round 31: an LSTM cell with D = H = n: x[D], hPrev[H], cPrev[H], Wx[4H, D], Wh[4H, H], bias[4H]
            ["NaturalRound31.LstmStep"] = (r, n) => new object?[] { Vec(r, n), Vec(r, n), Vec(r, n), Mat(r, 4 * n, n), Mat(r, 4 * n, n), Vec(r, 4 * n) },
            // round 32: n vertices (3n coordinates) and a fan of n - 2 triangles (0, i, i + 1) over them: tris must index verts
            ["NaturalRound32.MeshArea"] = (r, n) => new object?[] { Vec(r, 3 * n), Enumerable.Range(1, n - 2).SelectMany(i => new[] { 0, i, i + 1 }).ToArray() },
            // round 32: A[n, n] symmetric positive definite (M Mᵀ / n + I: the Cholesky square roots stay real), b[n]
            ["NaturalRound32.CholeskyQuad"] = (r, n) =>
            {
                var m = Mat(r, n, n);
                var a = new double[n, n];
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++)
                    {
                        double s = i == j ? 1 : 0;
                        for (int k = 0; k < n; k++) s += m[i, k] * m[j, k] / n;
                        a[i, j] = s;
                    }
                return new object?[] { a, Vec(r, n) };
            },
            // round 33: n rows of d = 3 in a flat X[n·3] (X.AsSpan(r·d, d)), w[3], y[n]
            ["NaturalRound33.AsSpanRows"] = (r, n) => new object?[] { Vec(r, 3 * n), Vec(r, 3), Vec(r, n) },
            // round 33: x[d = n], W[hidden·d] flat, hidden n (on the stack up to 32, on the heap above)
            ["NaturalRound33.StackallocHidden"] = (r, n) => new object?[] { Vec(r, n), Vec(r, n * n), n },
            // round 33: x[d = n], W1[h·d] flat with h = n, w2[h], y
            ["NaturalRound33.TanhMlp"] = (r, n) => new object?[] { Vec(r, n), Vec(r, n * n), Vec(r, n), 0.3 },
            // round 33: w[3], b, n rows of 3 in a flat X[n·3], 0/1 labels y[n]
            ["NaturalRound33.StableSigmoidBce"] = (r, n) => new object?[]
            {
                Vec(r, 3), 0.1, Vec(r, 3 * n), Enumerable.Range(0, n).Select(k => (double)(k % 2)).ToArray(),
            },
            // round 33: Lotka-Volterra's two populations y0[2] and four rates p[4] near the probe's (positive), dt 0.05, n steps, yOut[2]
            ["NaturalRound33.Rk4Lv"] = (r, n) => new object?[]
            {
                new[] { 1.0, 0.5 }.Zip(Vec(r, 2), (v, e) => v * (1 + 0.1 * e)).ToArray(),
                new[] { 1.1, 0.4, 0.1, 0.4 }.Zip(Vec(r, 4), (v, e) => v * (1 + 0.1 * e)).ToArray(), 0.05, n, new double[2],
            },
            // round 33: lr 0.1, lambda 0.05, n training and n validation rows of d = 3 (flat X[n·3], Xv[n·3]), 10 iterations
            ["NaturalRound33.UnrolledRidge"] = (r, n) => new object?[] { 0.1, 0.05, Vec(r, 3 * n), Vec(r, n), Vec(r, 3 * n), Vec(r, n), 3, 10 },
            // round 33: GruModel's instance Run as its static RunArrays (the Hidden and Input fields last): Input 2, Hidden n,
            // T 3 steps of xs[T·Input], each weight [Hidden·(Input + Hidden)] flat
            ["Round33GruModel.RunArrays"] = (r, n) => new object?[] { Vec(r, 3 * 2), Vec(r, n * (2 + n)), Vec(r, n * (2 + n)), Vec(r, n * (2 + n)), 3, n, 2 },
            // round 34: StudentTLogLikelihood's array form takes LogGamma's static readonly Lanczos table as its last parameter:
            // the table's 9 coefficients (LogGamma reads all 9), x[n], mu 0.2, logSigma -0.1, nu 4.5 (the probe's)
            ["NaturalRound34.StudentTLogLikelihoodArrays"] = (r, n) => new object?[]
            {
                Vec(r, n), 0.2, -0.1, 4.5,
                new[] { 0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7 },
            },
            // round 35: GaeAdvantages' array form (the bool[] dones as 0/1 ints): rewards[n], values[n + 1] (the bootstrap value
            // last), dones (every third step), gamma, lambda, advantages[n]
            ["NaturalRound35.GaeAdvantagesArrays"] = (r, n) => new object?[]
            {
                Vec(r, n), Vec(r, n + 1), Enumerable.Range(0, n).Select(k => k % 3 == 2 ? 1 : 0).ToArray(), 0.97, 0.9, new double[n],
            },
            // round 36: SinkhornCost's array form (its long iterations an int): n source points and n + 1 targets in 2-D,
            // uniform marginals, epsilon 1 and 5 iterations (random signs of epsilon, or n iterations at size 70, make the
            // scaling ill-conditioned: the device's sums then differ from the CPU's beyond rounding)
            ["NaturalRound36.SinkhornCostArrays"] = (r, n) => new object?[]
            {
                Mat(r, n, 2), Mat(r, n + 1, 2), Enumerable.Repeat(1.0 / n, n).ToArray(), Enumerable.Repeat(1.0 / (n + 1), n + 1).ToArray(), 1.0, 5,
            },
            // round 36: LstmSequence's instance SequenceLoss as its array form (the Hidden property last): 3 steps of 2 inputs,
            // Hidden n, W[4n, 2], U[4n, n], B[4n], target[n]
            ["Round36LstmSequence.SequenceLossArrays"] = (r, n) => new object?[] { Mat(r, 3, 2), Vec(r, n), Mat(r, 4 * n, 2), Mat(r, 4 * n, n), Vec(r, 4 * n), n },
            // round 37: SpringStep: n vertices in 3-D (pos, vel, newPos, newVel of 3n), springs as index pairs (a ring over the
            // vertices), stiffness 40, rest length 1, dt 0.01
            ["NaturalRound37.SpringStep"] = (r, n) => new object?[]
            {
                Vec(r, 3 * n), Vec(r, 3 * n), Enumerable.Range(0, n).SelectMany(k => new[] { k, (k + 1) % n }).ToArray(), 40.0, 1.0, 0.01, new double[3 * n], new double[3 * n],
            },
            // round 37: EdgeLengthEnergy's array form (its (int From, int To)[] edges an int[m, 2]): n vertices in 3-D, a ring of
            // n edges, rest lengths 0.5 to 1.5 (never 0: the strain divides by it), stiffness 1.5
            ["NaturalRound37.EdgeLengthEnergyArrays"] = (r, n) =>
            {
                var edges = new int[n, 2];
                for (int k = 0; k < n; k++) { edges[k, 0] = k; edges[k, 1] = (k + 1) % n; }
                return new object?[] { Vec(r, 3 * n), edges, Enumerable.Range(0, n).Select(_ => 0.5 + r.NextDouble()).ToArray(), 1.5 };
            },
            // ObjSoftmaxClassifier's array form (its record's members last): x[n], label 1, W[3n] (3 classes of n), temperature 1.3,
            // weight decay 0.05, 3 classes
            ["ObjSoftmaxClassifier.LossArrays"] = (r, n) => new object?[] { Vec(r, n), 1, Vec(r, 3 * n), 1.3, 0.05, 3 },
            // PairCosines: n pairs of 4-vectors back to back (a and b of 4n), similar flags alternating, dim 4, margin 0.2
            ["CounterSizedScratch.PairCosines"] = (r, n) => new object?[] { Vec(r, 4 * n), Vec(r, 4 * n), Enumerable.Range(0, n).Select(k => k % 2).ToArray(), 4, 0.2 },
            // Jacobians.Reprojection: one observation (11 camera numbers, a point 3, a weight, a feature 2, err 2), whatever n;
            // a rotation well away from zero and a point in front of the camera
            ["Jacobians.Reprojection"] = (r, n) => new object?[]
            {
                new[] { 0.12, -0.2, 0.31, 1.0, 2.0, 3.0, 500.0, 10.0, 20.0, 1e-3, 1e-5 }, new[] { 5.0 + r.NextDouble(), 6.0, 17.0 }, 0.8, new[] { 100.0, 200.0 }, new double[2],
            },
            // n bags over 2n indices: offsets 0, 0, 2, 4, ... (bag 0 empty, the last one holds 4); mode 2 = max
            ["EmbeddingBag"] = (r, n) => new object?[]
            {
                Mat(r, n, 3), Enumerable.Range(0, 2 * n).Select(k => (k * 7) % n).ToArray(),
                Enumerable.Range(0, n).Select(b => b == 0 ? 0 : 2 * (b - 1)).ToArray(), new double[n, 3], 2,
            },
        };

        private static double[,] Scaled(double[,] a, double scale, double shift)
        {
            for (int i = 0; i < a.GetLength(0); i++) for (int j = 0; j < a.GetLength(1); j++) a[i, j] = shift + scale * a[i, j];
            return a;
        }

        private static double[] Vec(Random r, int n) => Enumerable.Range(0, n).Select(_ => 2 * r.NextDouble() - 1).ToArray();

        private static double[,] Mat(Random r, int rows, int cols)
        {
            var a = new double[rows, cols];
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) a[i, j] = 2 * r.NextDouble() - 1;
            return a;
        }

        private static int[]?[] Square(ParameterInfo[] ps, int n) =>
            ps.Select(p => p.ParameterType.IsArray ? (p.ParameterType.GetArrayRank() == 2 ? new[] { n, n } : new[] { n }) : null).ToArray();

        private static object?[] Make(ParameterInfo[] ps, int[]?[] shapes, Random r, bool positive)
        {
            var args = new object?[ps.Length];
            for (int i = 0; i < ps.Length; i++)
            {
                var t = ps[i].ParameterType;
                double Next() => positive ? 0.1 + r.NextDouble() : 2 * r.NextDouble() - 1;
                if (t == typeof(double)) args[i] = 0.7;
                else if (t == typeof(float)) args[i] = 0.7f;
                else if (t == typeof(int)) args[i] = 2;
                else if (t == typeof(bool)) args[i] = true;
                else if (t == typeof(int[])) args[i] = Enumerable.Range(0, shapes[i]![0]).Select(k => k % 2).ToArray();
                else if (t == typeof(int[,]))
                {
                    // a 0/1 mask (bool[,] parameters reach the array form as int[,]): every row keeps an entry when it has two columns
                    var s = shapes[i]!;
                    var a = new int[s[0], s[1]];
                    for (int x = 0; x < s[0]; x++)
                        for (int y = 0; y < s[1]; y++) a[x, y] = (x + y) % 3 == 2 ? 0 : 1;
                    args[i] = a;
                }
                else if (t == typeof(double[])) args[i] = Enumerable.Range(0, shapes[i]![0]).Select(_ => Next()).ToArray();
                else if (t == typeof(float[])) args[i] = Enumerable.Range(0, shapes[i]![0]).Select(_ => (float)Next()).ToArray();
                else if (t == typeof(double[,]) || t == typeof(float[,]))
                {
                    var s = shapes[i]!;
                    var a = Array.CreateInstance(t.GetElementType()!, s[0], s[1]);
                    for (int x = 0; x < s[0]; x++)
                        for (int y = 0; y < s[1]; y++)
                            a.SetValue(t == typeof(float[,]) ? (object)(float)Next() : Next(), x, y);
                    args[i] = a;
                }
                else throw new NotSupportedException(t.Name);
            }
            return args;
        }

        private static string Describe(object? o) => o switch
        {
            Array a when a.Rank == 2 => $"{a.GetType().GetElementType()!.Name}[{a.GetLength(0)},{a.GetLength(1)}]",
            Array a => $"{a.GetType().GetElementType()!.Name}[{a.Length}]",
            _ => Convert.ToString(o, System.Globalization.CultureInfo.InvariantCulture) ?? "null",
        };

        // ------------------------------------------------------------ reflection and copies

        private static bool IsWritten(DeviceCase c, ParameterInfo p)
        {
            // an output: the generated Backward takes a read-only upstream gradient for it (no 'out', array) and the
            // method writes it; the host Backward documents it, but the simplest test is the generated XML-free rule:
            // Backward has a {p}Grad parameter while p is an array the method's Forward also fills
            var b = Find(c, "Backward", device: false);
            return p.ParameterType.IsArray && p.ParameterType != typeof(int[]) && Written(c).Contains(p.Name!) && b.GetParameters().Any(x => x.Name == p.Name + "Grad");
        }

        private static readonly Dictionary<MethodInfo, HashSet<string>> s_written = new();

        /// <summary>Array parameters the method writes: the CPU Forward changes them.</summary>
        private static HashSet<string> Written(DeviceCase c)
        {
            lock (s_written)
            {
                if (s_written.TryGetValue(c.Method, out var w)) return w;
                w = new HashSet<string>(StringComparer.Ordinal);
                var (inputs, _) = Inputs(c, 99);
                var copy = Clone(inputs);
                Find(c, "Forward", device: false).Invoke(null, copy);
                foreach (var (p, i) in c.Parameters.Select((p, i) => (p, i)))
                    if (inputs[i] is Array a && !Flat(a).SequenceEqual(Flat(copy[i]!))) w.Add(p.Name!);
                s_written[c.Method] = w;
                return w;
            }
        }

        private static MethodInfo Find(DeviceCase c, string pass, bool device)
        {
            var name = c.BaseName + pass;
            return c.Type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                .Single(m => m.Name == name && m.GetParameters().Any(p => p.ParameterType.IsGenericType && p.ParameterType.GetGenericTypeDefinition() == typeof(DeviceArray<>)) == device);
        }

        private static object?[] Clone(object?[] values) => values.Select(v => v is Array a ? a.Clone() : v).ToArray();

        private static Array Fill(object like, Random r, double scale)
        {
            var a = (Array)((Array)like).Clone();
            var idx = new int[a.Rank];
            for (int i = 0; i < a.Length; i++)
            {
                if (a.Rank == 2) { idx[0] = i / a.GetLength(1); idx[1] = i % a.GetLength(1); } else idx[0] = i;
                double v = scale * (2 * r.NextDouble() - 1);
                a.SetValue(a.GetType().GetElementType() == typeof(float) ? (object)(float)v : v, idx);
            }
            return a;
        }

        private static object?[] Upload(IKernelDevice device, object?[] inputs, out List<IDisposable> owned)
        {
            owned = new List<IDisposable>();
            var result = new object?[inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
            {
                if (inputs[i] is Array a)
                {
                    var d = UploadOne(device, a);
                    owned.Add(d);
                    result[i] = d;
                }
                else result[i] = inputs[i];
            }
            return result;
        }

        private static IDisposable UploadOne(IKernelDevice device, Array a) => a switch
        {
            double[] v => DeviceArray<double>.Upload(device, v),
            float[] v => DeviceArray<float>.Upload(device, v),
            int[] v => DeviceArray<int>.Upload(device, v),
            int[,] v => DeviceArray<int>.Upload(device, v),
            double[,] v => DeviceArray<double>.Upload(device, v),
            float[,] v => DeviceArray<float>.Upload(device, v),
            _ => throw new NotSupportedException(a.GetType().Name),
        };

        private static double[] Download(object d) => d switch
        {
            DeviceArray<double> x => x.ToArray(),
            DeviceArray<float> x => x.ToArray().Select(v => (double)v).ToArray(),
            _ => throw new NotSupportedException(d.GetType().Name),
        };

        private static double[] Flat(object a) => ((Array)a).Cast<object>().Select(ToDouble).ToArray();

        private static double ToDouble(object o) => o switch
        {
            double d => d,
            float f => f,
            int i => i,
            _ => throw new NotSupportedException(o.GetType().Name),
        };

        /// <summary>|a - b| over the scale of the reference (at least 1e-3 of it): a relative error that tolerates near-zero entries.</summary>
        public static double Relative(double reference, double value)
        {
            if (double.IsNaN(reference) && double.IsNaN(value)) return 0;
            return Math.Abs(reference - value) / Math.Max(Math.Abs(reference), 1e-3);
        }

        /// <inheritdoc cref="Relative(double, double)"/>
        public static double Relative(double[] reference, double[] value)
        {
            if (reference.Length != value.Length) return double.PositiveInfinity;
            double scale = 1e-3, diff = 0;
            for (int i = 0; i < reference.Length; i++)
            {
                scale = Math.Max(scale, Math.Abs(reference[i]));
                if (double.IsNaN(reference[i]) && double.IsNaN(value[i])) continue;
                diff = Math.Max(diff, double.IsNaN(value[i]) || double.IsNaN(reference[i]) ? double.PositiveInfinity : Math.Abs(reference[i] - value[i]));
            }
            return diff / scale;
        }
    }

    /// <summary>Counts kernel launches and GEMMs on the way to another device (to show that work ran there).</summary>
    public sealed class CountingDevice(IKernelDevice inner) : IKernelDevice
    {
        /// <summary>Kernel launches plus GEMMs so far.</summary>
        public int Launches { get; private set; }

        /// <inheritdoc/>
        public string Name => inner.Name;

        /// <inheritdoc/>
        public int ThreadsPerBlock => inner.ThreadsPerBlock;

        /// <inheritdoc/>
        public bool AllowTf32 => inner.AllowTf32;

        /// <inheritdoc/>
        public ulong Allocate(long bytes) => inner.Allocate(bytes);

        /// <inheritdoc/>
        public void Free(ulong address, long bytes) => inner.Free(address, bytes);

        /// <inheritdoc/>
        public void Clear(ulong address, long bytes) => inner.Clear(address, bytes);

        /// <inheritdoc/>
        public void CopyToDevice(ulong destination, nint source, long bytes) => inner.CopyToDevice(destination, source, bytes);

        /// <inheritdoc/>
        public void CopyToHost(nint destination, ulong source, long bytes) => inner.CopyToHost(destination, source, bytes);

        /// <inheritdoc/>
        public void CopyOnDevice(ulong destination, ulong source, long bytes) => inner.CopyOnDevice(destination, source, bytes);

        /// <inheritdoc/>
        public void Launch(string source, string kernel, int grid, int block, in KernelArgs args)
        {
            inner.Launch(source, kernel, grid, block, in args);
            Launches++;
        }

        /// <inheritdoc/>
        public void Gemm(bool transA, bool transB, int m, int n, int k, ulong a, int lda, ulong b, int ldb, float beta, ulong c, int ldc)
        {
            inner.Gemm(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc);
            Launches++;
        }

        /// <inheritdoc/>
        public void Gemm(bool transA, bool transB, int m, int n, int k, ulong a, int lda, ulong b, int ldb, double beta, ulong c, int ldc)
        {
            inner.Gemm(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc);
            Launches++;
        }
    }
}
