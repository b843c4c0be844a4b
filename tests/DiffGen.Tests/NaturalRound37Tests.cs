using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 37 (<see cref="NaturalRound37"/> and its instance classes): probe batch 37's 40 functions (audio DSP, image
    /// processing, control and robotics, physics and chemistry, economics and finance, statistics, machine learning,
    /// geometry; 38 accepted as written, the other 2 as written after this round's generator fixes: MpcTracking's ArrayPool
    /// scratch in try/finally, LaplacianEnergy's Buffer.BlockCopy), each checked by <see cref="MethodOracle"/> (Forward
    /// against the method, Backward's value, unchanged inputs, every gradient against central differences of the user's
    /// method in double, the void methods' outputs after Backward with a random upstream gradient, seed scaling) or, for the
    /// instance classes, by hand against central differences of the user's method over the inputs and the weight fields.
    /// Inputs are the probe's own: its Program.cs cases at seed 37 (<c>new Random(37)</c>), built so that both sides of the
    /// branches are reached (ToneCurveLoss's three pieces, Drive's three modes and both cubic sides, MpcTracking's clamp on
    /// both sides, FirstViolation above/below and inside the limits, MorseEnergy inside and past the cutoff, ProgressiveTax's
    /// three brackets, TukeyLoss inside and past c, ArcFace's margin and linear sides, SupCon's skipped anchor, NegElbo's
    /// two Softplus branches, DropoutHead's three activations and both mask values, LaplacianEnergy's vertex without
    /// neighbours). SpringStep's newVel is in-and-out (Array.Copy(vel, newVel, vel.Length) then +=; docs/natural-csharp.md,
    /// Round 37): the oracle passes it as written.
    /// </summary>
    public class NaturalRound37Tests
    {
        private static readonly Type T = typeof(NaturalRound37);

        private static void Check(string name, params object?[] args) => MethodOracle.Check(T, name, args);

        // the probe's input helpers (Program.cs)
        private static double U(Random r, double lo, double hi) => lo + (hi - lo) * r.NextDouble();
        private static double[] V(Random r, int n, double lo, double hi) => Enumerable.Range(0, n).Select(_ => U(r, lo, hi)).ToArray();
        private static double[,] M(Random r, int n, int m, double lo, double hi)
        {
            var a = new double[n, m];
            for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) a[i, j] = U(r, lo, hi);
            return a;
        }
        private static double N(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

        /// <summary>The probe's generator at seed 37.</summary>
        private static Random R() => new(37);

        private static double[] Flat(Array a) => MethodOracle.Cells(a).Select(c => c.Get()).ToArray();

        private static void Fd(Func<double> L, Array a, Array g, string what)
        {
            var fd = MethodOracle.Cells(a).Select(c => FiniteDiff.Derivative(x => { double old = c.Get(); c.Set(x); double r = L(); c.Set(old); return r; }, c.Get())).ToArray();
            DiffGen.Tests.Check.Gradient(fd, Flat(g), what);
        }

        private static void Unchanged(Array before, Array after, string what) => Assert.True(Flat(before).SequenceEqual(Flat(after)), what + " changed");

        private static T2 Copy<T2>(T2 a) where T2 : class => (T2)MethodOracle.DeepClone(a)!;

        [Fact]
        public void FirBank()
        {
            // F01: Dsp.FirBank
            Check("FirBank", new Func<Random, object?[]>(r => new object?[] { V(r, 12, -1, 1), M(r, 3, 4, -1, 1), new double[3, 12] })(R()));
        }

        [Fact]
        public void BiquadEnergy()
        {
            // F02: Dsp.BiquadEnergy
            Check("BiquadEnergy", new Func<Random, object?[]>(r => new object?[] { V(r, 16, -1, 1), U(r, 0.2, 0.4), U(r, 0.1, 0.3), U(r, 0, 0.2), U(r, -0.7, -0.3), U(r, 0.1, 0.3) })(R()));
        }

        [Fact]
        public void LogMelEnergy()
        {
            // F03: Dsp.LogMelEnergy
            Check("LogMelEnergy", new Func<Random, object?[]>(r =>
            {
                var w = M(r, 4, 9, 0, 1); for (int k = 0; k < 9; k++) w[0, k] = 0;
                return new object?[] { V(r, 9, -1, 1), V(r, 9, -1, 1), w };
            })(R()));
        }

        [Fact]
        public void PhaseVocoderStep()
        {
            // F04: Dsp.PhaseVocoderStep
            Check("PhaseVocoderStep", new Func<Random, object?[]>(r =>
            {
                var re = V(r, 9, -1, 1); var im = V(r, 9, -1, 1); var pp = V(r, 9, -3, 3);
                re[0] = U(r, -1, -0.5); im[0] = U(r, 0.2, 0.6); pp[0] = U(r, -3.1, -2.5);   // bin 0 wraps down
                return new object?[] { re, im, pp, V(r, 9, -3, 3), U(r, 2.5, 4.5), U(r, 1.2, 2), new double[9], new double[9] };
            })(R()));
        }

        [Theory]
        [InlineData("tanh")]
        [InlineData("cubic")]
        [InlineData("clip")]
        public void Drive(string mode)
        {
            // F05: Dsp.Drive, each mode (string ==, nested ternary; the probe's three cases)
            Check("Drive", new Func<Random, object?[]>(r => new object?[] { V(r, 10, -2, 2), U(r, 0.5, 1.5), mode })(R()));
        }

        [Fact]
        public void ToneCurveLoss()
        {
            // F06: Img.ToneCurveLoss
            Check("ToneCurveLoss", new Func<Random, object?[]>(r => new object?[] { V(r, 12, -0.5, 1.5), V(r, 12, 0, 1), U(r, 1.8, 2.4), U(r, 0.3, 0.7), U(r, 0.2, 0.5) })(R()));
        }

        [Fact]
        public void Ssim()
        {
            // F07: Img.Ssim
            Check("Ssim", new Func<Random, object?[]>(r => new object?[] { M(r, 4, 4, 0, 1), M(r, 4, 4, 0, 1) })(R()));
        }

        [Fact]
        public void YuvHuber()
        {
            // F08: Img.YuvHuber
            Check("YuvHuber", new Func<Random, object?[]>(r =>
            {
                var rgb = M(r, 6, 3, 0, 1); var t = new double[6, 3];
                for (int p = 0; p < 6; p++) for (int c = 0; c < 3; c++)
                {
                    double y = 0; for (int k = 0; k < 3; k++) y += Round37ColorSpaces.RgbToYuv[c, k] * rgb[p, k];
                    t[p, c] = y + U(r, -0.25, 0.25);
                }
                return new object?[] { rgb, t, U(r, 0.08, 0.12) };
            })(R()));
        }

        [Fact]
        public void LqrCost()
        {
            // F10: Control.LqrCost
            Check("LqrCost", new Func<Random, object?[]>(r => new object?[]
        {
            V(r, 2, -1, 1), M(r, 1, 2, 0.5, 1.5),
            new double[,] { { 1, 0.1 + U(r, -0.02, 0.02) }, { U(r, -0.05, 0.05), 1 } }, new double[,] { { U(r, 0, 0.01) }, { 0.1 } }, 8
        })(R()));
        }

        [Fact]
        public void OdometryError()
        {
            // F11: Control.OdometryError
            Check("OdometryError", new Func<Random, object?[]>(r => new object?[] { V(r, 10, 0.5, 1.5), V(r, 10, 0.5, 1.5), U(r, 0.4, 0.6), 0.1, new Round37Pose2(U(r, 0.5, 1.5), U(r, -0.3, 0.3), U(r, -0.5, 0.5)) })(R()));
        }

        [Fact]
        public void MpcTracking()
        {
            // F12: Control.MpcTracking as written (ArrayPool Rent/Return in try/finally); u beyond ±uMax on both sides
            Check("MpcTracking", new Func<Random, object?[]>(r => new object?[] { V(r, 10, -2, 2), V(r, 10, -0.5, 0.5), U(r, 1.0, 1.4), 0.1 })(R()));
        }

        [Fact]
        public void PidTrackingError()
        {
            // F13: Control.PidTrackingError
            Check("PidTrackingError", new Func<Random, object?[]>(r =>
            {
                var sp = new double[40]; double lvl = U(r, 2.5, 3.5);
                for (int t = 0; t < 40; t++) sp[t] = t < 2 ? 0 : t < 25 ? 2.5 * lvl : -lvl;
                return new object?[] { U(r, 1.5, 2.5), U(r, 1.5, 3), U(r, 0.02, 0.08), sp, 0.05, U(r, 0.2, 0.4) };
            })(R()));
        }

        [Fact]
        public void HoverAltitudeError()
        {
            // F14: Control.HoverAltitudeError
            Check("HoverAltitudeError", new Func<Random, object?[]>(r => new object?[] { V(r, 15, 7, 12.5), U(r, 0.9, 1.1), U(r, 0.05, 0.15), 0.05, 0.3 })(R()));
        }

        [Fact]
        public void FirstViolation()
        {
            // F15: Control.FirstViolation
            Check("FirstViolation", new Func<Random, object?[]>(r => new object?[] { M(r, 6, 3, -1.25, 1.25), V(r, 3, -1.3, -1.05), V(r, 3, 1.05, 1.3) })(R()));
        }

        [Fact]
        public void FirstViolation_inside_limits()
        {
            // F15: Control.FirstViolation/inside limits
            Check("FirstViolation", new Func<Random, object?[]>(r => new object?[] { M(r, 6, 3, -1, 1), V(r, 3, -1.3, -1.05), V(r, 3, 1.05, 1.3) })(R()));
        }

        [Fact]
        public void SpringStep()
        {
            // F16: Cloth.SpringStep
            Check("SpringStep", new Func<Random, object?[]>(r =>
            {
                var pos = new double[] { 0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1 }.Select(v => v + U(r, -0.1, 0.1)).ToArray();
                return new object?[] { pos, V(r, 12, -0.5, 0.5), new[] { 0, 1, 1, 2, 2, 3, 3, 0, 0, 2 }, U(r, 30, 60), U(r, 0.9, 1.1), 0.01, new double[12], new double[12] };
            })(R()));
        }

        [Fact]
        public void KeplerRadius()
        {
            // F17: Orbit.KeplerRadius
            Check("KeplerRadius", new Func<Random, object?[]>(r => new object?[] { U(r, 0, 2 * Math.PI), U(r, 0.1, 0.7), U(r, 1, 2) })(R()));
        }

        [Fact]
        public void Range()
        {
            // F18: Ballistics.Range. Checked by hand, not by the oracle: its step (1e-6 of max(1, |x|), 1e-4 relative for
            // dt = 0.01) changes the integrator's trip count, so the central difference in dt straddles kinks of the piecewise-smooth
            // range (the probe saw the same); dt's derivative uses a 1e-6 relative step, within one trip count
            var r = R();
            double[] a = { U(r, 20, 40), U(r, 20, 60), U(r, 0.01, 0.03), 0.01 };
            double value = NaturalRound37.Range(a[0], a[1], a[2], a[3]);
            DiffGen.Tests.Check.Forward(value, NaturalRound37.RangeForward(a[0], a[1], a[2], a[3]), "Forward");
            DiffGen.Tests.Check.Forward(value, NaturalRound37.RangeBackward(a[0], a[1], a[2], a[3], out double g0, out double g1, out double g2, out double g3), "Backward value");
            double F(int i, double x) { var b = (double[])a.Clone(); b[i] = x; return NaturalRound37.Range(b[0], b[1], b[2], b[3]); }
            var fd = new double[4];
            for (int i = 0; i < 3; i++) fd[i] = FiniteDiff.Derivative(x => F(i, x), a[i]);
            double h = 1e-6 * a[3];
            fd[3] = (F(3, a[3] + h) - F(3, a[3] - h)) / (2 * h);
            DiffGen.Tests.Check.Gradient(fd, new[] { g0, g1, g2, g3 }, "Range gradient (v0, angleDeg, k, dt)");
            NaturalRound37.RangeBackward(a[0], a[1], a[2], a[3], out double s0, out _, out _, out double s3, -2.5);
            DiffGen.Tests.Check.Near(-2.5 * g0, s0, 1e-12, "seed scaling v0"); DiffGen.Tests.Check.Near(-2.5 * g3, s3, 1e-12, "seed scaling dt");
        }

        [Fact]
        public void MorseEnergy()
        {
            // F19: Chem.MorseEnergy
            Check("MorseEnergy", new Func<Random, object?[]>(r => new object?[] { V(r, 15, 0, 2.5), U(r, 0.8, 1.2), U(r, 1.2, 1.8), U(r, 0.9, 1.1), U(r, 1.8, 2.2) })(R()));
        }

        [Fact]
        public void ArrheniusFit()
        {
            // F20: Chem.ArrheniusFit
            Check("ArrheniusFit", new Func<Random, object?[]>(r =>
            {
                var T = V(r, 8, 300, 400); double lA = 20, Ea = 50000;
                var k = T.Select(t => Math.Exp(lA - Ea / (Round37Gas.R * t) + 0.05 * N(r))).ToArray();
                return new object?[] { lA + U(r, -1, 1), Ea + U(r, -2000, 2000), T, k };
            })(R()));
        }

        [Fact]
        public void CesUtility()
        {
            // F21: Econ.CesUtility
            Check("CesUtility", new Func<Random, object?[]>(r => new object?[] { V(r, 5, 0.5, 2), V(r, 5, 0.1, 1), (r.Next(2) == 0 ? -1 : 1) * U(r, 0.2, 0.8) })(R()));
        }

        [Fact]
        public void CobbDouglasFit()
        {
            // F22: Econ.CobbDouglasFit
            Check("CobbDouglasFit", new Func<Random, object?[]>(r =>
            {
                var K = V(r, 10, 1, 10); var Lb = V(r, 10, 1, 10);
                var Y = K.Zip(Lb, (k, l) => Math.Exp(0.5) * Math.Pow(k, 0.3) * Math.Pow(l, 0.7) * Math.Exp(0.05 * N(r))).ToArray();
                return new object?[] { U(r, 0, 1), U(r, 0.2, 0.4), U(r, 0.6, 0.8), K, Lb, Y };
            })(R()));
        }

        [Fact]
        public void Price()
        {
            // F23: Bonds.Price
            Check("Price", new Func<Random, object?[]>(r =>
            {
                var days = new[] { 90, 273, 456, 638, 821, 1003, 1186, 1368, 1551, 1733, 2098, 2828, 3650, 4380 };
                return new object?[] { V(r, 5, 0.01, 0.05), new[] { 0.5, 1, 2, 5, 10 }, days, U(r, 0.03, 0.05), U(r, 95, 105) };
            })(R()));
        }

        [Fact]
        public void NegLogLik()
        {
            // F24: Garch.NegLogLik
            Check("NegLogLik", new Func<Random, object?[]>(r => new object?[] { U(r, 0.03, 0.08), U(r, 0.05, 0.15), U(r, 0.75, 0.85), Enumerable.Range(0, 50).Select(_ => N(r)).ToArray(), 40 + r.Next(11) })(R()));
        }

        [Fact]
        public void NelsonSiegelSse()
        {
            // F25: Curves.NelsonSiegelSse
            Check("NelsonSiegelSse", new Func<Random, object?[]>(r =>
            {
                var tau = new[] { 0.25, 0.5, 1, 2, 3, 5, 7, 10, 20, 30 };
                return new object?[] { U(r, 0.03, 0.05), U(r, -0.03, -0.01), U(r, 0, 0.02), U(r, 1.5, 3), tau, tau.Select(t => 0.04 - 0.02 * Math.Exp(-t / 2) + 0.002 * N(r)).ToArray() };
            })(R()));
        }

        [Fact]
        public void CertaintyEquivalent()
        {
            // F26: Econ.CertaintyEquivalent
            Check("CertaintyEquivalent", new Func<Random, object?[]>(r => new object?[] { V(r, 4, 0.1, 0.4), M(r, 20, 4, -0.1, 0.15), U(r, 2, 5) })(R()));
        }

        [Fact]
        public void ProgressiveTax()
        {
            // F27: Econ.ProgressiveTax
            Check("ProgressiveTax", new Func<Random, object?[]>(r => new object?[] { V(r, 9, 3000, 80000), U(r, 0.05, 0.15), U(r, 0.15, 0.25), U(r, 0.3, 0.45) })(R()));
        }

        [Fact]
        public void TukeyLoss()
        {
            // F28: Robust.TukeyLoss
            Check("TukeyLoss", new Func<Random, object?[]>(r =>
            {
                var X = M(r, 20, 3, -1, 1); var beta = V(r, 3, -1, 1);
                var y = Enumerable.Range(0, 20).Select(i => X[i, 0] * 0.5 - X[i, 1] + 0.2 * X[i, 2] + (i % 5 == 0 ? 6 * N(r) : 0.5 * N(r))).ToArray();
                return new object?[] { beta, X, y, U(r, 1.0, 2.0) };
            })(R()));
        }

        [Fact]
        public void LogisticMixedNll()
        {
            // F29: Mixed.LogisticMixedNll
            Check("LogisticMixedNll", new Func<Random, object?[]>(r => new object?[]
        {
            V(r, 3, -1, 1), V(r, 4, -1, 1), U(r, -0.5, 0.5), M(r, 20, 3, -2, 2), Enumerable.Range(0, 20).Select(_ => r.Next(4)).ToArray(), Enumerable.Range(0, 20).Select(_ => r.Next(2) == 1).ToArray()
        })(R()));
        }

        [Fact]
        public void LogEvidence()
        {
            // F30: Bayes.LogEvidence
            Check("LogEvidence", new Func<Random, object?[]>(r =>
            {
                var Phi = M(r, 15, 3, -1, 1); for (int k = 0; k < 15; k++) Phi[k, 0] = 1;
                return new object?[] { U(r, -1, 1), U(r, 0, 2), Phi, Enumerable.Range(0, 15).Select(k => 0.5 + Phi[k, 1] - 0.3 * Phi[k, 2] + 0.3 * N(r)).ToArray() };
            })(R()));
        }

        [Fact]
        public void ArcFace()
        {
            // F31: Metric.ArcFace
            Check("ArcFace", new Func<Random, object?[]>(r =>
            {
                var W = M(r, 3, 4, -1, 1); var labels = Enumerable.Range(0, 6).Select(_ => r.Next(3)).ToArray(); var emb = M(r, 6, 4, -1, 1);
                for (int k = 0; k < 4; k++) emb[0, k] = -W[labels[0], k] + U(r, -0.05, 0.05);
                return new object?[] { emb, W, labels, U(r, 8, 16), U(r, 0.3, 0.5) };
            })(R()));
        }

        [Fact]
        public void SupCon()
        {
            // F33: Metric.SupCon
            Check("SupCon", new Func<Random, object?[]>(r => new object?[] { M(r, 8, 4, -1, 1), new[] { 0, 1, 0, 2, 1, 2, 9, 0 }, U(r, 0.3, 0.7) })(R()));
        }

        [Fact]
        public void NegElbo()
        {
            // F34: Generative.NegElbo
            Check("NegElbo", new Func<Random, object?[]>(r =>
            {
                var b = V(r, 6, -0.5, 0.5); b[0] = 25;
                return new object?[] { V(r, 3, -1, 1), V(r, 3, -1, 0.5), Enumerable.Range(0, 3).Select(_ => N(r)).ToArray(), M(r, 6, 3, -1, 1), b, Enumerable.Range(0, 6).Select(_ => (double)r.Next(2)).ToArray() };
            })(R()));
        }

        [Fact]
        public void MdnNll()
        {
            // F35: Generative.MdnNll
            Check("MdnNll", new Func<Random, object?[]>(r => new object?[] { V(r, 4, -1, 1), V(r, 4, -2, 2), V(r, 4, -1, 0.5), U(r, -1, 1) })(R()));
        }

        [Theory]
        [InlineData(Round37Activation.Relu)]
        [InlineData(Round37Activation.Tanh)]
        [InlineData(Round37Activation.Softplus)]
        public void DropoutHead(Round37Activation act)
        {
            // F36: scalar enum parameter in a switch expression, bool[] mask (each activation)
            Check("DropoutHead", new Func<Random, object?[]>(r => new object?[]
            {
                V(r, 5, -1, 1), M(r, 4, 5, -1, 1), V(r, 4, -1, 1), new[] { true, r.Next(2) == 1, false, true }, 0.8, act
            })(R()));
        }

        [Fact]
        public void Chamfer()
        {
            // F38: Mesh.Chamfer
            Check("Chamfer", new Func<Random, object?[]>(r => new object?[] { M(r, 6, 2, 0, 1), M(r, 5, 2, 0, 1) })(R()));
        }

        [Fact]
        public void LaplacianEnergy()
        {
            // F39: Mesh.LaplacianEnergy as written (Buffer.BlockCopy); vertex 4 without neighbours (continue)
            Check("LaplacianEnergy", new Func<Random, object?[]>(r => new object?[]
        {
            V(r, 15, -1, 1), new int[][] { new[] { 1, 3 }, new[] { 0, 2 }, new[] { 1, 3 }, new[] { 2, 0 }, Array.Empty<int>() }, V(r, 15, -1, 1), U(r, 0.3, 0.7)
        })(R()));
        }

        [Fact]
        public void EdgeLengthEnergy()
        {
            // F40: Mesh.EdgeLengthEnergy
            Check("EdgeLengthEnergy", new Func<Random, object?[]>(r => new object?[]
        {
            V(r, 15, -1, 1), new (int, int)[] { (0, 1), (1, 2), (2, 3), (3, 0), (0, 4), (2, 4) }, V(r, 6, 0.8, 1.6), U(r, 0.5, 2)
        })(R()));
        }

        [Fact]
        public void VignetteModel_Loss()
        {
            // F09: get-only array property K trained via [Differentiable(nameof(gain), nameof(K))], private readonly data
            var r = R();
            var xs = V(r, 20, 0, 1); var ys = V(r, 20, 0, 1); var obs = V(r, 20, 0.5, 1);
            var m = new Round37VignetteModel(xs, ys, obs, 0.5, 0.5);
            m.K[0] = U(r, -0.5, -0.2); m.K[1] = U(r, -0.2, 0.2); m.K[2] = U(r, -0.1, 0.1);
            double gain = U(r, 0.8, 1.2);
            double value = m.Loss(gain);
            DiffGen.Tests.Check.Forward(value, m.LossForward(gain), "Forward");
            var K = Copy(m.K); var gK = TestData.Garbage(K);
            DiffGen.Tests.Check.Forward(value, m.LossBackward(gain, out double gGain, gK), "Backward value");
            Unchanged(K, m.K, "K");
            Fd(() => m.Loss(gain), m.K, gK, "dK");
            DiffGen.Tests.Check.Gradient(new[] { FiniteDiff.Derivative(g => m.Loss(g), gain) }, new[] { gGain }, "dgain");
        }

        [Fact]
        public void CenterLoss_Loss()
        {
            // F32: private readonly T[,] field trained via nameof(_centers), (uint)k >= (uint)n check
            var r = R();
            var feats = M(r, 8, 4, -1, 1); var cls = Enumerable.Range(0, 8).Select(_ => r.Next(3)).ToArray();
            var model = new Round37CenterLoss(M(r, 3, 4, -1, 1), U(r, 0.3, 0.7));
            double value = model.Loss(feats, cls);
            DiffGen.Tests.Check.Forward(value, model.LossForward(feats, cls), "Forward");
            var C = Copy(model.Centers); var f0 = Copy(feats);
            var gF = TestData.Garbage(feats); var gC = TestData.Garbage(C);
            DiffGen.Tests.Check.Forward(value, model.LossBackward(feats, cls, gF, gC), "Backward value");
            Unchanged(C, model.Centers, "_centers"); Unchanged(f0, feats, "feats");
            Fd(() => model.Loss(feats, cls), feats, gF, "dfeats");
            Fd(() => model.Loss(feats, cls), model.Centers, gC, "d_centers");
        }

        [Fact]
        public void TiedAutoencoder_ReconstructionLoss()
        {
            // F37: public readonly fields W (used as W and W transposed), bEnc, bDec named in the attribute (x, not named, is data)
            var r = R();
            var x = V(r, 6, -1, 1);
            var ae = new Round37TiedAutoencoder(6, 3, r);
            double value = ae.ReconstructionLoss(x);
            DiffGen.Tests.Check.Forward(value, ae.ReconstructionLossForward(x), "Forward");
            var (W, bE, bD) = (Copy(ae.W), Copy(ae.bEnc), Copy(ae.bDec));
            var gW = TestData.Garbage(W); var gE = TestData.Garbage(bE); var gD = TestData.Garbage(bD);
            DiffGen.Tests.Check.Forward(value, ae.ReconstructionLossBackward(x, gW, gE, gD), "Backward value");
            Unchanged(W, ae.W, "W"); Unchanged(bE, ae.bEnc, "bEnc"); Unchanged(bD, ae.bDec, "bDec");
            double L() => ae.ReconstructionLoss(x);
            Fd(L, ae.W, gW, "dW"); Fd(L, ae.bEnc, gE, "dbEnc"); Fd(L, ae.bDec, gD, "dbDec");
        }
    }
}
