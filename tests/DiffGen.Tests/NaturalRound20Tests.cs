using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 20 (<see cref="NaturalRound20"/>): the eighth probe batch, each accepted function checked as written by
    /// <see cref="MethodOracle"/> (float methods against their double twins), with the inputs the batch's author used (both
    /// branches of the option flags and modes). By hand (<see cref="Hand"/>, the same checks for any array rank): the methods
    /// with parameters MethodOracle does not perturb (T[,,], T[,,,], T[][,,], float[][]: DepthwiseSeparableConvLoss,
    /// WaveNetCausalLoss, CapsuleMarginLoss, UNetBlockLoss, GruSequenceLoss), optional arrays passed as null
    /// (ZeroInflatedPoissonNll, NegativeBinomialGlmNll), a NaN observation (WindTurbinePowerCurveLoss) and a dose of zero
    /// (HillDoseResponseNll's control group, where central differences straddle the branch). Accepted in round 21:
    /// NBodyOrbitFitLoss, BayesianLinearRegressionEvidence (both bases) and CameraReprojectionError (both Huber branches, the
    /// series branch of Rodrigues' formula, a point behind the camera), with their guard clauses.
    /// </summary>
    public class NaturalRound20Tests
    {
        private static readonly Type T = typeof(NaturalRound20);

        private static void Check(string name, params object?[] args) => MethodOracle.Check(T, name, args);

        private static double[] V(int seed, int n, double lo = -1, double hi = 1)
        {
            var r = new Random(2000 + seed);
            return Enumerable.Range(0, n).Select(_ => lo + (hi - lo) * r.NextDouble()).ToArray();
        }
        private static double[,] M(int seed, int rows, int cols, double lo = -1, double hi = 1) => (double[,])A(seed, new[] { rows, cols }, lo, hi);
        private static double[,,] T3(int seed, int a, int b, int c, double lo = -1, double hi = 1) => (double[,,])A(seed, new[] { a, b, c }, lo, hi);
        private static double[][] J(int seed, int rows, int cols, double lo = -1, double hi = 1) =>
            Enumerable.Range(0, rows).Select(i => V(seed * 31 + i, cols, lo, hi)).ToArray();
        private static int[] I(int seed, int n, int max)
        {
            var r = new Random(2000 + seed);
            return Enumerable.Range(0, n).Select(_ => r.Next(max)).ToArray();
        }
        private static bool[,] B(int seed, int rows, int cols, double p)
        {
            var r = new Random(2000 + seed);
            var b = new bool[rows, cols];
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) b[i, j] = r.NextDouble() < p;
            return b;
        }
        private static float[] F(double[] a) => TestData.ToFloat(a);
        private static float[,] F(double[,] a) => TestData.ToFloat(a);

        /// <summary>A double array of any rank, uniform in [lo, hi], filled in row-major order.</summary>
        private static Array A(int seed, int[] dims, double lo = -1, double hi = 1)
        {
            var a = Array.CreateInstance(typeof(double), dims);
            var v = V(seed, a.Length, lo, hi);
            for (int k = 0; k < a.Length; k++) a.SetValue(v[k], Index(a, k));
            return a;
        }

        // ---- deep-learning layers ----

        [Fact] public void DepthwiseSeparableConvLoss() => Hand("DepthwiseSeparableConvLoss", T3(1, 3, 6, 6), T3(2, 3, 3, 3, -0.5, 0.5), M(3, 4, 3, -0.5, 0.5), V(4, 4, -0.1, 0.1), T3(5, 4, 6, 6));

        [Fact]
        public void GruSequenceLoss() => Hand("GruSequenceLoss", J(6, 7, 3).Select(F).ToArray(), F(V(7, 7)), F(M(8, 15, 3, -0.5, 0.5)), F(M(9, 15, 5, -0.5, 0.5)),
            F(V(10, 15, -0.1, 0.1)), F(V(11, 5, -0.5, 0.5)), 0.1f);

        [Fact]
        public void WaveNetCausalLoss()
        {
            const int ch = 4, layers = 3;
            Hand("WaveNetCausalLoss", V(12, 16), V(13, ch, -0.5, 0.5),
                Enumerable.Range(0, layers).Select(l => T3(14 + l, ch, ch, 2, -0.4, 0.4)).ToArray(),
                Enumerable.Range(0, layers).Select(l => T3(17 + l, ch, ch, 2, -0.4, 0.4)).ToArray(),
                Enumerable.Range(0, layers).Select(l => M(20 + l, ch, ch, -0.4, 0.4)).ToArray(), V(23, ch, -0.5, 0.5), 0.05);
        }

        [Theory]
        [InlineData("L1")]
        [InlineData("L2")]
        public void TransEMarginLoss(string norm) => Check("TransEMarginLoss", F(M(24, 10, 6, -0.4, 0.4)), F(M(25, 3, 6, -0.4, 0.4)), I(26, 12, 10), I(27, 12, 3), I(28, 12, 10), I(29, 12, 10), 1f, norm);

        [Theory]
        [InlineData(3)]
        [InlineData(1)]
        public void CapsuleMarginLoss(int routingIterations) => Hand("CapsuleMarginLoss", J(30, 6, 4), A(31, new[] { 6, 3, 5, 4 }, -0.3, 0.3), new[] { true, false, false }, routingIterations, 0.9, 0.1, 0.5);

        [Fact] public void UNetBlockLoss() => Hand("UNetBlockLoss", M(32, 8, 8), B(33, 8, 8, 0.3), T3(34, 3, 3, 3, -0.5, 0.5), V(35, 3, -0.1, 0.1), M(36, 3, 3, -0.5, 0.5), V(37, 3, -0.1, 0.1), V(38, 6, -0.5, 0.5), 0.05, 2.0);

        [Fact]
        public void ResidualMlpClassifierNll() => Check("ResidualMlpClassifierNll", J(39, 10, 5), I(40, 10, 4), M(41, 8, 5, -0.5, 0.5), V(42, 8, -0.1, 0.1),
            new[] { M(43, 8, 8, -0.3, 0.3), M(44, 8, 8, -0.3, 0.3) }, new[] { V(45, 8, -0.1, 0.1), V(46, 8, -0.1, 0.1) }, M(47, 4, 8, -0.5, 0.5), B(48, 10, 8, 0.9), 0.9, 0.1);

        // ---- statistical models ----

        [Theory]
        [InlineData(NaturalRound20.GpKernel.SquaredExponential)]
        [InlineData(NaturalRound20.GpKernel.Matern32)]
        [InlineData(NaturalRound20.GpKernel.Matern52)]
        public void GaussianProcessNegLogMarginal(NaturalRound20.GpKernel kernel) => Check("GaussianProcessNegLogMarginal", J(49, 15, 2), V(50, 15), Math.Log(0.7), 0.0, Math.Log(0.1), kernel);

        [Fact] public void QuantileRegressionPinballLoss() => Check("QuantileRegressionPinballLoss", M(51, 30, 3), V(52, 30), M(53, 3, 3), V(54, 3), new[] { 0.1, 0.5, 0.9 }, 10.0);

        [Fact] public void ZeroInflatedPoissonNll() => Check("ZeroInflatedPoissonNll", J(55, 25, 3, -0.5, 0.5), I(56, 25, 6), V(57, 3, -0.5, 0.5), V(58, 3, -0.5, 0.5), V(59, 25, 1, 2), 0.1);

        [Fact] public void ZeroInflatedPoissonNll_without_exposure() => Hand("ZeroInflatedPoissonNll", J(55, 25, 3, -0.5, 0.5), I(56, 25, 6), V(57, 3, -0.5, 0.5), V(58, 3, -0.5, 0.5), null, 0.1);

        [Fact] public void NegativeBinomialGlmNll() => Check("NegativeBinomialGlmNll", M(60, 25, 3, -0.5, 0.5), I(61, 25, 12), V(62, 3, -0.5, 0.5), Math.Log(0.5), V(63, 25, 0.5, 1.5));

        [Fact] public void NegativeBinomialGlmNll_without_weights() => Hand("NegativeBinomialGlmNll", M(60, 25, 3, -0.5, 0.5), I(61, 25, 12), V(62, 3, -0.5, 0.5), Math.Log(0.5), null);

        [Theory]
        [InlineData("logit")]
        [InlineData("cloglog")]
        public void BetaRegressionNll(string link) => Check("BetaRegressionNll", J(64, 20, 3), V(65, 20, 0.05, 0.95), V(66, 3, -0.5, 0.5), Math.Log(5.0), link);

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void DirichletMultinomialNll(bool includeMultinomialCoefficient)
        {
            var counts = new int[8, 5];
            var r = new Random(67);
            for (int i = 0; i < 8; i++) for (int j = 0; j < 5; j++) counts[i, j] = r.Next(10);
            Check("DirichletMultinomialNll", counts, V(68, 5), includeMultinomialCoefficient, 0.01);
        }

        [Theory]
        [InlineData(2.0)]
        [InlineData(80.0)] // the large-argument expansion of log I0
        public void VonMisesRegressionNll(double kappa) => Check("VonMisesRegressionNll", V(69, 20, -Math.PI, Math.PI), J(70, 20, 2), 0.3, V(71, 2, -0.5, 0.5), Math.Log(kappa));

        // ---- physics, imaging, engineering ----

        [Fact] public void HeatEquationInverseLoss() => Check("HeatEquationInverseLoss", V(72, 20, -0.3, 0.3), V(73, 20), new[] { 3, 8, 15 }, V(74, 3), 1.0, 0.0, 0.05, 0.0005, 100, 1e-2);

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void PoissonImageEditingEnergy(bool mixedGradients)
        {
            var region = new bool[10, 10];
            for (int i = 2; i < 8; i++) for (int j = 3; j < 7; j++) region[i, j] = true;
            Check("PoissonImageEditingEnergy", M(75, 10, 10), M(76, 10, 10), M(77, 10, 10), region, mixedGradients);
        }

        [Theory]
        [InlineData(0.1, 6)]
        [InlineData(0.0, 0)]
        public void PhotometricStereoResidual(double integrabilityWeight, int imageWidth)
        {
            var (lx, ly) = (V(78, 4, -0.5, 0.5), V(79, 4, -0.5, 0.5));
            var lights = new double[4, 3];
            for (int l = 0; l < 4; l++)
            {
                double n = Math.Sqrt(lx[l] * lx[l] + ly[l] * ly[l] + 1);
                (lights[l, 0], lights[l, 1], lights[l, 2]) = (lx[l] / n, ly[l] / n, 1 / n);
            }
            Check("PhotometricStereoResidual", V(80, 36, -0.5, 0.5), V(81, 36, -0.5, 0.5), V(82, 36, 0.2, 1.0), lights, V(83, 4, 0.5, 1.5), M(84, 36, 4, 0, 1), 0.05, integrabilityWeight, imageWidth);
        }

        private static (float[] Slip, float[] Force) Pacejka()
        {
            var slip = F(V(85, 30, -0.2, 0.2));
            var noise = V(86, 30, -50, 50);
            return (slip, slip.Select((s, i) => 3000f * MathF.Sin(1.4f * MathF.Atan(10f * s)) + (float)noise[i]).ToArray());
        }

        [Theory]
        [InlineData(0.5f)]
        [InlineData(1.2f)] // above 1: the curvature penalty
        public void PacejkaTireFitLoss(float curvatureE)
        {
            var (slip, force) = Pacejka();
            Check("PacejkaTireFitLoss", slip, force, 9f, 1.3f, 2900f, curvatureE, 0.001f, 10f);
        }

        [Fact]
        public void BatteryEcmVoltageLoss()
        {
            var current = Enumerable.Range(0, 200).Select(k => k % 50 < 25 ? 2.0 : 0.0).ToArray();
            var noise = V(87, 200, -0.01, 0.01);
            var voltage = current.Select((c, k) => 3.9 - 0.02 * c + noise[k]).ToArray();
            Check("BatteryEcmVoltageLoss", new NaturalRound20.EcmParameters { R0 = 0.02 }, current, voltage, 1.0, 1.0);
        }

        [Fact] public void PidTuningCost() => Check("PidTuningCost", 0.8, 0.15, 0.3, 2.0, 5.0, 1.0, 0.05, 60.0, 0.1, 5.0);

        [Fact] public void PidTuningCost_saturating() => Check("PidTuningCost", 4.0, 0.5, 0.3, 2.0, 5.0, 1.0, 0.05, 20.0, 0.1, 1.5);

        private static (float[] Speed, float[] Density, float[] Power) Wind()
        {
            var speed = F(V(88, 40, 0, 28));
            var density = F(V(89, 40, 1.1, 1.3));
            var noise = V(90, 40, -30, 30);
            var power = speed.Select((v, i) => v < 3 || v > 25 ? 0f : 2000f / (1f + MathF.Exp(-0.8f * (v - 9f))) + (float)noise[i]).ToArray();
            return (speed, density, power);
        }

        [Fact]
        public void WindTurbinePowerCurveLoss()
        {
            var (speed, density, power) = Wind();
            Check("WindTurbinePowerCurveLoss", speed, density, power, 2050f, 9.2f, 0.75f, 1.1f, 3f, 25f, 50f);
        }

        [Fact]
        public void WindTurbinePowerCurveLoss_with_a_scada_gap()
        {
            var (speed, density, power) = Wind();
            power[5] = float.NaN;
            Hand("WindTurbinePowerCurveLoss", speed, density, power, 2050f, 9.2f, 0.75f, 1.1f, 3f, 25f, 50f);
        }

        [Fact]
        public void GreenAmptInfiltrationLoss()
        {
            // the author's inputs in millimetres (his were in metres: a rain rate of 3e-5 m/s, so that the oracle's step of 1e-6
            // was 3% of it and central differences missed the tolerance, 0.4768093 against 0.4768076 for the first entry)
            var rain = Enumerable.Range(0, 60).Select(k => k < 40 ? 3e-2 : 0.0).ToArray();
            var observed = Enumerable.Range(0, 60).Select(k => Math.Min(k, 40) * 2e-2 * 60).ToArray();
            Check("GreenAmptInfiltrationLoss", Math.Log(1e-2), Math.Log(100.0), 0.3, rain, observed, 60.0, 1e-10, 50);
        }

        [Fact]
        public void HillDoseResponseNll() => Check("HillDoseResponseNll", new[] { 0.03, 0.1, 0.3, 1.0, 3.0, 10.0 }, new[] { 1, 2, 5, 9, 15, 18 }, new[] { 20, 20, 20, 20, 20, 20 }, Math.Log(1.0), 1.5, -3.0, 2.5);

        [Fact]
        public void HillDoseResponseNll_control_group()
        {
            // dose 0 takes the 'bottom' branch: its gradient is 0 (central differences would straddle the branch)
            Hand("HillDoseResponseNll", new[] { 0.0, 0.1, 0.3, 1.0, 3.0, 10.0 }, new[] { 1, 2, 5, 9, 15, 18 }, new[] { 20, 20, 20, 20, 20, 20 }, Math.Log(1.0), 1.5, -3.0, 2.5);
        }

        // ------------------------------------------------------------ by hand, for any array rank

        /// <summary>
        /// MethodOracle's checks for a method none of whose arrays it writes, with arrays of any rank (T[,,], T[,,,]), stacks
        /// (T[][,,]), float[][] and null arrays: Forward and Backward return the method's value (a float method: within float
        /// tolerance) and leave the inputs alone; every gradient entry (NaN-filled before the call) equals central differences
        /// of the method (a float method: of its double twin at widened inputs), step 1e-6; seed -2.5 scales every gradient.
        /// Entries of a dose of exactly zero or a NaN observation are expected to have gradient 0 (differences are meaningless there).
        /// </summary>
        private static void Hand(string name, params object?[] inputs)
        {
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static;
            var user = T.GetMethods(all).Single(m => m.Name == name && m.GetCustomAttributes().Any(a => a.GetType().Name == "DifferentiableAttribute"));
            var ps = user.GetParameters();
            int n = ps.Length;
            bool Host(MethodInfo m) => !m.GetParameters().Any(p => p.ParameterType.IsGenericType);
            bool Prefix(MethodInfo m) => m.GetParameters().Take(n).Select(p => p.ParameterType).SequenceEqual(ps.Select(p => p.ParameterType));
            var fwd = T.GetMethods().Single(m => m.Name == name + "Forward" && m.GetParameters().Length == n && Host(m) && Prefix(m));
            var bwd = T.GetMethods().Single(m => m.Name == name + "Backward" && Host(m) && Prefix(m));
            bool isFloat = user.ReturnType == typeof(float);
            var twin = isFloat ? T.GetMethod(name + "Twin", all)! : user;
            double fwdTol = isFloat ? DiffGen.Tests.Check.FloatForwardTol : DiffGen.Tests.Check.ForwardTol;
            double gradTol = isFloat ? DiffGen.Tests.Check.FloatGradTol : DiffGen.Tests.Check.GradTol;

            var run = Clone(inputs);
            double value = ToD(user.Invoke(null, run)!);
            for (int i = 0; i < n; i++) Assert.True(Same(inputs[i], run[i]), $"{name} writes {ps[i].Name}: not a case for Hand");
            DiffGen.Tests.Check.Near(value, ToD(fwd.Invoke(null, Clone(inputs))!), fwdTol, name + "Forward value");

            (double Value, Dictionary<int, double[]> Grads) Backward(double seed)
            {
                var bps = bwd.GetParameters();
                var args = new object?[bps.Length];
                var primal = Clone(inputs);
                for (int i = 0; i < n; i++) args[i] = primal[i];
                var slot = new Dictionary<int, int>();
                for (int j = n; j < bps.Length; j++)
                {
                    var bp = bps[j];
                    if (bp.Name == "seed") { args[j] = isFloat ? (float)seed : (object)seed; continue; }
                    int i = Array.FindIndex(ps, p => p.Name + "Grad" == bp.Name);
                    Assert.True(i >= 0, $"{bp.Name} matches no parameter");
                    slot[i] = j;
                    if (!bp.ParameterType.IsByRef && inputs[i] is Array a)
                    {
                        var buffer = (Array)DeepClone(a)!;
                        foreach (var c in Cells(buffer)) c.Set(double.NaN);
                        args[j] = buffer;
                    }
                }
                double v = ToD(bwd.Invoke(null, args)!);
                for (int i = 0; i < n; i++) Assert.True(Same(inputs[i], args[i]), $"{name}Backward changed its input {ps[i].Name}");
                return (v, slot.Where(x => inputs[x.Key] is not null).ToDictionary(x => x.Key, x => args[x.Value] is Array g ? Cells(g).Select(c => c.Get()).ToArray() : new[] { ToD(args[x.Value]!) }));
            }

            var (bv, grads) = Backward(1.0);
            var (_, scaled) = Backward(-2.5);
            DiffGen.Tests.Check.Near(value, bv, fwdTol, name + "Backward value");

            var at = inputs.Select(Widen).ToArray();
            double L() => ToD(twin.Invoke(null, Clone(at))!);
            if (isFloat) DiffGen.Tests.Check.Near(L(), value, fwdTol, name + " against its double twin");
            foreach (var (i, g) in grads)
            {
                string what = $"{name} d{ps[i].Name}";
                double[] fd;
                if (at[i] is Array arr)
                {
                    fd = Cells(arr).Select(c =>
                    {
                        double x0 = c.Get();
                        if (double.IsNaN(x0) || (name == "HillDoseResponseNll" && ps[i].Name == "doses" && x0 == 0)) return 0.0;
                        return FiniteDiff.Derivative(x => { c.Set(x); double r = L(); c.Set(x0); return r; }, x0);
                    }).ToArray();
                }
                else
                {
                    double x0 = ToD(at[i]!);
                    fd = new[] { FiniteDiff.Derivative(x => { at[i] = x; double r = L(); at[i] = x0; return r; }, x0) };
                    at[i] = x0;
                }
                Assert.Equal(fd.Length, g.Length);
                for (int k = 0; k < fd.Length; k++) DiffGen.Tests.Check.Near(fd[k], g[k], gradTol, $"{what} [{k}] (analytic vs finite differences)");
                for (int k = 0; k < g.Length; k++) DiffGen.Tests.Check.Near(-2.5 * g[k], scaled[i][k], isFloat ? 1e-5 : DiffGen.Tests.Check.SeedTol, $"{what} [{k}] with seed -2.5");
            }
        }

        private static int[] Index(Array a, int k) => MethodOracle.Index(a, k);

        private static IEnumerable<MethodOracle.Cell> Cells(Array a) => MethodOracle.Cells(a);

        private static bool Same(object? x, object? y) => (x, y) switch
        {
            (Array[] a, Array[] b) => a.Length == b.Length && a.Zip(b).All(p => Same(p.First, p.Second)),
            (Array a, Array b) => a.Cast<object>().SequenceEqual(b.Cast<object>()),
            _ => Equals(x, y),
        };

        private static double ToD(object o) => Convert.ToDouble(o, System.Globalization.CultureInfo.InvariantCulture);

        private static object?[] Clone(object?[] xs) => MethodOracle.Clone(xs);

        private static object? DeepClone(object? o) => MethodOracle.DeepClone(o);

        /// <summary>float → double: scalars, arrays of any rank and stacks of them; other values as they are.</summary>
        private static object? Widen(object? o)
        {
            switch (o)
            {
                case float f: return (double)f;
                case Array[] rows when Elem(rows.GetType()) == typeof(float):
                    {
                        var first = Widen(rows.Length > 0 ? rows[0] : null);
                        var stack = Array.CreateInstance(first?.GetType() ?? typeof(double[]), rows.Length);
                        for (int i = 0; i < rows.Length; i++) stack.SetValue(Widen(rows[i]), i);
                        return stack;
                    }
                case Array a when a.GetType().GetElementType() == typeof(float):
                    {
                        var dims = Enumerable.Range(0, a.Rank).Select(a.GetLength).ToArray();
                        var w = Array.CreateInstance(typeof(double), dims);
                        for (int k = 0; k < a.Length; k++) { var idx = Index(a, k); w.SetValue((double)(float)a.GetValue(idx)!, idx); }
                        return w;
                    }
                default: return DeepClone(o);
            }
        }

        private static Type? Elem(Type t) => t.IsArray ? Elem(t.GetElementType()!) : t;

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(4)]
        public void MixtureOfExpertsLoss(int topK) =>
            Check("MixtureOfExpertsLoss", J(200, 20, 3), V(201, 20), M(202, 4, 3),
                Enumerable.Range(0, 4).Select(e => M(203 + e, 6, 3, -0.5, 0.5)).ToArray(), J(207, 4, 6, -0.5, 0.5), topK, 0.01);

        // ---- accepted in round 21 ----

        /// <summary>The method, its Forward and its Backward (gradient buffers shaped like the inputs) throw <typeparamref name="TEx"/>
        /// (exactly) with one message and one parameter name.</summary>
        private static void SameThrow<TEx>(Func<object?> user, Func<object?> forward, Func<object?> backward, string? paramName) where TEx : Exception
        {
            var expected = Assert.Throws<TEx>(user);
            if (expected is ArgumentException ae) Assert.Equal(paramName, ae.ParamName);
            Assert.Equal(expected.Message, Assert.Throws<TEx>(forward).Message);
            Assert.Equal(expected.Message, Assert.Throws<TEx>(backward).Message);
        }

        [Theory]
        [InlineData(20, 0.05)]
        [InlineData(5, 0.2)]
        public void NBodyOrbitFitLoss(int steps, double softening) =>
            Check("NBodyOrbitFitLoss", V(300, 3, -0.3, 0.3), M(301, 3, 3), M(302, 3, 3, -0.3, 0.3), M(303, 3, 3), 1.0, steps, softening, 1.0);

        [Fact]
        public void NBodyOrbitFitLoss_bad_input()
        {
            var (m, p, v, o) = (V(300, 3), M(301, 3, 3), M(302, 3, 3), M(303, 3, 3));
            SameThrow<ArgumentOutOfRangeException>(() => NaturalRound20.NBodyOrbitFitLoss(m, p, v, o, 1.0, 0), () => NaturalRound20.NBodyOrbitFitLossForward(m, p, v, o, 1.0, 0),
                () => NaturalRound20.NBodyOrbitFitLossBackward(m, p, v, o, 1.0, 0, 1e-3, 1.0, new double[3], new double[3, 3], new double[3, 3], new double[3, 3], out _, out _, out _), "steps");
            var v2 = M(302, 2, 3);
            SameThrow<ArgumentException>(() => NaturalRound20.NBodyOrbitFitLoss(m, p, v2, o, 1.0), () => NaturalRound20.NBodyOrbitFitLossForward(m, p, v2, o, 1.0),
                () => NaturalRound20.NBodyOrbitFitLossBackward(m, p, v2, o, 1.0, 200, 1e-3, 1.0, new double[3], new double[3, 3], new double[2, 3], new double[3, 3], out _, out _, out _), null);
        }

        private static (double[] X, double[] T) Evidence()
        {
            var x = V(310, 15, 0, 1);
            var noise = V(311, 15, -0.2, 0.2);
            return (x, x.Select((v, i) => Math.Sin(2 * Math.PI * v) + noise[i]).ToArray());
        }

        [Theory]
        [InlineData(6, "gaussian")]
        [InlineData(2, "gaussian")] // one centre: the spacing divides by max(1, M - 2)
        [InlineData(4, "polynomial")]
        public void BayesianLinearRegressionEvidence(int numBasis, string basis)
        {
            var (x, t) = Evidence();
            Check("BayesianLinearRegressionEvidence", x, t, Math.Log(2.0), Math.Log(25.0), numBasis, basis, 0.3);
        }

        [Fact]
        public void BayesianLinearRegressionEvidence_bad_input()
        {
            var (x, t) = Evidence();
            SameThrow<ArgumentOutOfRangeException>(() => NaturalRound20.BayesianLinearRegressionEvidence(x, t, 0.7, 3.2, 0), () => NaturalRound20.BayesianLinearRegressionEvidenceForward(x, t, 0.7, 3.2, 0),
                () => NaturalRound20.BayesianLinearRegressionEvidenceBackward(x, t, 0.7, 3.2, 0, "gaussian", 0.3, new double[15], new double[15], out _, out _, out _), "numBasis");
            SameThrow<ArgumentException>(() => NaturalRound20.BayesianLinearRegressionEvidence(x, t, 0.7, 3.2, 6, "spline"), () => NaturalRound20.BayesianLinearRegressionEvidenceForward(x, t, 0.7, 3.2, 6, "spline"),
                () => NaturalRound20.BayesianLinearRegressionEvidenceBackward(x, t, 0.7, 3.2, 6, "spline", 0.3, new double[15], new double[15], out _, out _, out _), null);
            Assert.StartsWith("Unsupported basis 'spline'.", Assert.Throws<ArgumentException>(() => NaturalRound20.BayesianLinearRegressionEvidenceForward(x, t, 0.7, 3.2, 6, "spline")).Message);
            var t14 = t.Take(14).ToArray();
            SameThrow<ArgumentException>(() => NaturalRound20.BayesianLinearRegressionEvidence(x, t14, 0.7, 3.2), () => NaturalRound20.BayesianLinearRegressionEvidenceForward(x, t14, 0.7, 3.2),
                () => NaturalRound20.BayesianLinearRegressionEvidenceBackward(x, t14, 0.7, 3.2, 6, "gaussian", 0.3, new double[15], new double[14], out _, out _, out _), null);
        }

        private static readonly double[] Intrinsics = { 500.0, 500.0, 320.0, 240.0, -0.1, 0.01 };

        private static double[,] Pixels(int seed, int n)
        {
            var (u, v) = (V(seed, n, 0, 640), V(seed + 1, n, 0, 480));
            var p = new double[n, 2];
            for (int i = 0; i < n; i++) (p[i, 0], p[i, 1]) = (u[i], v[i]);
            return p;
        }

        [Theory]
        [InlineData(1.0, 2.0, false)] // residuals of hundreds of pixels: Huber's linear branch
        [InlineData(1.0, 1000.0, false)] // the quadratic branch
        [InlineData(1e-8, 2.0, true)] // a rotation vector of norm below 1e-8 (the series branch) and a point behind the camera
        [InlineData(0.0, 2.0, false)] // no rotation: theta = sqrt(0) (its derivative is not needed, the series is even in theta)
        public void CameraReprojectionError(double rotationScale, double huberDelta, bool behind)
        {
            var world = M(320, 8, 3);
            if (behind) (world[3, 0], world[3, 1], world[3, 2]) = (0.1, 0.2, -9.0);
            var rotation = V(321, 3, -0.2, 0.2).Select(w => rotationScale * w).ToArray();
            Check("CameraReprojectionError", Intrinsics, rotation, new[] { 0.0, 0.0, 5.0 }, world, Pixels(322, 8), huberDelta);
        }

        [Fact]
        public void CameraReprojectionError_bad_input()
        {
            var (r, tr, w, p) = (V(321, 3, -0.2, 0.2), new[] { 0.0, 0.0, 5.0 }, M(320, 8, 3), Pixels(322, 8));
            var k5 = Intrinsics.Take(5).ToArray();
            SameThrow<ArgumentException>(() => NaturalRound20.CameraReprojectionError(k5, r, tr, w, p), () => NaturalRound20.CameraReprojectionErrorForward(k5, r, tr, w, p),
                () => NaturalRound20.CameraReprojectionErrorBackward(k5, r, tr, w, p, 1.0, new double[5], new double[3], new double[3], new double[8, 3], new double[8, 2], out _), null);
            var p7 = Pixels(322, 7);
            SameThrow<ArgumentException>(() => NaturalRound20.CameraReprojectionError(Intrinsics, r, tr, w, p7), () => NaturalRound20.CameraReprojectionErrorForward(Intrinsics, r, tr, w, p7),
                () => NaturalRound20.CameraReprojectionErrorBackward(Intrinsics, r, tr, w, p7, 1.0, new double[6], new double[3], new double[3], new double[8, 3], new double[7, 2], out _), null);
            var behind = new[] { 0.0, 0.0, -5.0 }; // every point behind the camera
            SameThrow<InvalidOperationException>(() => NaturalRound20.CameraReprojectionError(Intrinsics, r, behind, w, p), () => NaturalRound20.CameraReprojectionErrorForward(Intrinsics, r, behind, w, p),
                () => NaturalRound20.CameraReprojectionErrorBackward(Intrinsics, r, behind, w, p, 1.0, new double[6], new double[3], new double[3], new double[8, 3], new double[8, 2], out _), null);
        }
    }
}
