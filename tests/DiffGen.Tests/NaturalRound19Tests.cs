using System;
using System.Linq;
using DiffGen.Tests.Corpus;
using Xunit;

namespace DiffGen.Tests
{
    /// <summary>
    /// Round 19 (<see cref="NaturalRound19"/>): the seventh probe batch, each accepted function checked as written by
    /// <see cref="MethodOracle"/> (float methods against their double twins), on plausible inputs away from the functions'
    /// kinks (both branches of the option flags and every string mode; an optional array passed and left out).
    /// </summary>
    public class NaturalRound19Tests
    {
        private static void Check(string name, params object?[] args) => MethodOracle.Check(typeof(NaturalRound19), name, args);

        private static double[] V(int seed, int n, double lo = -1, double hi = 1)
        {
            var r = new Random(1900 + seed);
            return Enumerable.Range(0, n).Select(_ => lo + (hi - lo) * r.NextDouble()).ToArray();
        }
        private static double[,] M(int seed, int rows, int cols, double lo = -1, double hi = 1)
        {
            var v = V(seed, rows * cols, lo, hi);
            var m = new double[rows, cols];
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) m[i, j] = v[i * cols + j];
            return m;
        }
        private static int[] I(int seed, int n, int max)
        {
            var r = new Random(1900 + seed);
            return Enumerable.Range(0, n).Select(_ => r.Next(max)).ToArray();
        }
        private static bool[] B(int seed, int n)
        {
            var r = new Random(1900 + seed);
            return Enumerable.Range(0, n).Select(_ => r.Next(3) != 0).ToArray();
        }
        private static float[] F(double[] a) => TestData.ToFloat(a);
        private static float[,] F(double[,] a) => TestData.ToFloat(a);

        [Fact] public void TobitNegLogLik() => Check("TobitNegLogLik", M(1, 20, 3), V(2, 20, -1, 2), V(3, 3, -0.5, 0.5), Math.Log(0.8), 0.0);

        [Fact] public void HeckmanSelectionNegLogLik() => Check("HeckmanSelectionNegLogLik", M(4, 20, 2), V(5, 2, -0.5, 0.5), M(6, 20, 3), V(7, 3, -0.5, 0.5), B(8, 20), V(9, 20, -2, 2), Math.Log(0.9), 0.3);

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void ChamferDistance(bool squared) => Check("ChamferDistance", F(V(10, 6 * 3)), F(V(11, 5 * 3)), 3, squared);

        [Fact]
        public void EloRatingLogLoss()
        {
            var home = new[] { 0, 1, 2, 3, 4, 5, 0, 2, 4, 1, 3, 3 };
            var away = new[] { 1, 2, 3, 4, 5, 0, 3, 5, 1, 4, 0, 3 }; // the last row is a team against itself (skipped)
            var outcome = new[] { 1.0, 0.5, 0.0, 1.0, 1.0, 0.0, 0.5, 1.0, 0.0, 1.0, 0.5, 1.0 };
            Check("EloRatingLogLoss", V(12, 6, 1400, 1600), home, away, outcome, 50.0, 400.0, 1e-4);
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void TotalVariationDenoise(bool isotropic) => Check("TotalVariationDenoise", M(13, 5, 6), M(14, 5, 6), 0.2, 1e-3, isotropic);

        [Fact] public void MpcTrackingCost() => Check("MpcTrackingCost", V(15, 10, -3, 3), new[] { 0.2, -0.1 }, V(16, 10, 0, 1), 0.1, 1.0, 0.1, 0.01, 2.0, 10.0);

        [Theory]
        [InlineData("l2")]
        [InlineData("l1smooth")]
        [InlineData("huber")]
        public void FirFilterFitResidual(string norm) => Check("FirFilterFitResidual", V(17, 4, -0.5, 0.5), V(18, 20), V(19, 20), 0.01, norm, 0.5);

        [Fact]
        public void FirFilterFitResidual_unknown_norm_names_it()
        {
            var e = Assert.Throws<ArgumentException>(() => NaturalRound19.FirFilterFitResidualForward(new double[2], new double[4], new double[4], 0.0, "l3"));
            Assert.Equal("norm", e.ParamName);
            Assert.StartsWith("Unknown norm 'l3'.", e.Message);
        }

        [Fact]
        public void YieldCurveBootstrapResidual() =>
            // maturities off the coupon grid and the knots (a coupon date on a knot, or a maturity on the grid, is a kink)
            Check("YieldCurveBootstrapResidual", new[] { 0.02, 0.025, 0.03, 0.032 }, new[] { 1.0, 2.0, 5.0, 10.0 }, new[] { 0.02, 0.03, 0.025, 0.04, 0.035 },
                new[] { 1.3, 2.2, 3.7, 5.1, 7.4 }, new[] { 100.2, 101.5, 99.0, 104.8, 101.9 }, 2, 1.0);

        private static (double[] RestPositions, int[] Triangles) Grid()
        {
            // 3 x 3 vertices on a unit grid, two counter-clockwise triangles per cell
            var rest = new double[18];
            for (int j = 0; j < 3; j++) for (int i = 0; i < 3; i++) { rest[2 * (3 * j + i)] = i; rest[2 * (3 * j + i) + 1] = j; }
            var tris = new System.Collections.Generic.List<int>();
            for (int j = 0; j < 2; j++)
                for (int i = 0; i < 2; i++)
                {
                    int a = 3 * j + i;
                    tris.AddRange(new[] { a, a + 1, a + 4, a, a + 4, a + 3 });
                }
            return (rest, tris.ToArray());
        }

        private static double[] Deformed(double[] rest)
        {
            var noise = V(20, 18, -0.08, 0.08);
            return rest.Select((x, k) => 1.1 * x + noise[k]).ToArray();
        }

        [Fact]
        public void NeoHookeanStrainEnergy_with_gravity()
        {
            var (rest, tris) = Grid();
            Check("NeoHookeanStrainEnergy", Deformed(rest), rest, tris, 1000.0, 0.3, 1.0, 9.81, 1.0);
        }

        [Fact]
        public void NeoHookeanStrainEnergy_without_gravity()
        {
            // 'if (gravity != 0.0)' branches on the value itself: at gravity = 0 the term is skipped, so as written the
            // derivative with respect to gravity (and density) is 0 there; every other gradient is checked
            var (rest, tris) = Grid();
            var positions = Deformed(rest);
            double value = NaturalRound19.NeoHookeanStrainEnergy(positions, rest, tris, 1000.0, 0.3);
            Assert.Equal(value, NaturalRound19.NeoHookeanStrainEnergyForward(positions, rest, tris, 1000.0, 0.3), 12);
            var (gp, gr) = (TestData.Garbage(positions), TestData.Garbage(rest));
            Assert.Equal(value, NaturalRound19.NeoHookeanStrainEnergyBackward(positions, rest, tris, 1000.0, 0.3, 1.0, 0.0, 1.0, gp, gr,
                out double gE, out double gNu, out double gT, out _, out _), 12);
            double L() => NaturalRound19.NeoHookeanStrainEnergy(positions, rest, tris, 1000.0, 0.3);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, positions), gp, "dpositions");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, rest), gr, "drestPositions");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(e => NaturalRound19.NeoHookeanStrainEnergy(positions, rest, tris, e, 0.3), 1000.0), gE, "dyoungsModulus");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(nu => NaturalRound19.NeoHookeanStrainEnergy(positions, rest, tris, 1000.0, nu), 0.3), gNu, "dpoissonRatio");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(t => NaturalRound19.NeoHookeanStrainEnergy(positions, rest, tris, 1000.0, 0.3, t), 1.0), gT, "dthickness");
        }

        private static double[,] Rt60() { var m = M(24, 3, 3, 0.5, 2.0); m[1, 2] = -1.0; return m; } // one band not measured (coded negative)

        [Theory]
        [InlineData(NaturalRound19.ReverbFormula.Sabine)]
        [InlineData(NaturalRound19.ReverbFormula.Eyring)]
        public void ReverberationTimeFitLoss_with_air(NaturalRound19.ReverbFormula formula) =>
            Check("ReverberationTimeFitLoss", M(21, 4, 3, -2, 1), M(22, 3, 4, 20, 150), V(23, 3, 100, 500), Rt60(), V(25, 3, 0.001, 0.01), formula);

        [Theory]
        [InlineData(NaturalRound19.ReverbFormula.Sabine)]
        [InlineData(NaturalRound19.ReverbFormula.Eyring)]
        public void ReverberationTimeFitLoss_without_air(NaturalRound19.ReverbFormula formula)
        {
            var (logits, areas, volumes, rt) = (M(21, 4, 3, -2, 1), M(22, 3, 4, 20, 150), V(23, 3, 100, 500), Rt60());
            double value = NaturalRound19.ReverberationTimeFitLoss(logits, areas, volumes, rt, null, formula);
            Assert.Equal(value, NaturalRound19.ReverberationTimeFitLossForward(logits, areas, volumes, rt, null, formula), 12);
            var (gl, ga, gv, gr) = (TestData.Garbage(logits), TestData.Garbage(areas), TestData.Garbage(volumes), TestData.Garbage(rt));
            Assert.Equal(value, NaturalRound19.ReverberationTimeFitLossBackward(logits, areas, volumes, rt, null, formula, gl, ga, gv, gr, null), 12);
            double L() => NaturalRound19.ReverberationTimeFitLoss(logits, areas, volumes, rt, null, formula);
            DiffGen.Tests.Check.Gradient(Fd(L, logits), gl, "dabsorptionLogits");
            DiffGen.Tests.Check.Gradient(Fd(L, areas), ga, "dsurfaceAreas");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, volumes), gv, "droomVolumes");
            DiffGen.Tests.Check.Gradient(Fd(L, rt), gr, "dmeasuredRt60");
        }

        private static double[,] Fd(Func<double> f, double[,] a)
        {
            var g = new double[a.GetLength(0), a.GetLength(1)];
            for (int i = 0; i < a.GetLength(0); i++)
                for (int j = 0; j < a.GetLength(1); j++)
                {
                    double x = a[i, j];
                    g[i, j] = FiniteDiff.Derivative(v => { a[i, j] = v; return f(); }, x);
                    a[i, j] = x;
                }
            return g;
        }

        [Fact]
        public void OneCompartmentPkNll()
        {
            var times = new[] { 0.5, 1.0, 2.0, 4.0, 8.0, 13.0, 20.0, 25.5, 30.0, 47.0 };
            var conc = new[] { 2.1, 3.4, 4.0, 3.2, 1.9, 2.6, 1.4, 2.9, 2.2, 0.03 }; // the last is below the limit of quantification
            Check("OneCompartmentPkNll", Math.Log(1.2), Math.Log(0.1), Math.Log(30), Math.Log(0.2), times, conc, new[] { 0.0, 12.0, 24.0 }, new[] { 100.0, 100.0, 100.0 }, 0.9, 0.05);
        }

        [Fact]
        public void HillDoseResponseLoss()
        {
            var doses = new[] { 0.0, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0 };
            var responses = new[] { 2.0, 4.5, 2.0, 6.0, 18.0, 62.0, 88.0, 96.0, 99.5, 97.0 };
            // a slope above 2 keeps the vehicle control (dose 0, a branch) smooth within the finite-difference step;
            // residuals on both sides of the Huber threshold
            Check("HillDoseResponseLoss", 3.0, 98.0, Math.Log(0.8), 2.5, doses, responses, 5.0);
        }

        [Fact] public void CompetitiveLangmuirFit() => Check("CompetitiveLangmuirFit", V(26, 3, 0, 1), V(27, 3, -1, 0.5), M(28, 10, 3, 0.05, 2), M(29, 10, 3, 0.1, 1.5), 1e-3);

        [Fact]
        public void TwoLayerEnergyBalanceLoss()
        {
            var forcing = Enumerable.Range(0, 30).Select(y => 0.04 * y + 0.3 * Math.Sin(y)).ToArray();
            var observed = V(30, 30, -0.1, 0.1).Select((e, y) => 0.025 * y + e).ToArray();
            Check("TwoLayerEnergyBalanceLoss", 1.3, Math.Log(8), Math.Log(100), 0.7, 1.2, forcing, observed, 1.0, 4, 1.2);
        }

        [Fact]
        public void BucketRunoffNseLoss()
        {
            var rain = V(31, 60, 0, 20).Select((p, t) => t % 3 == 0 ? 0.0 : p).ToArray();
            Check("BucketRunoffNseLoss", 150.0, 2.0, 0.1, 1.0, rain, V(32, 60, 1, 4), V(33, 60, 0.5, 5), 0.7, 30, 0.5);
        }

        [Fact]
        public void WeibullSurvivalNll_with_entry_times()
        {
            var times = V(34, 15, 1, 10);
            var entry = V(35, 15, 0.1, 0.9).Select((f, i) => f * times[i]).ToArray();
            Check("WeibullSurvivalNll", Math.Log(1.5), Math.Log(5), V(36, 2, -0.3, 0.3), M(37, 15, 2), times, B(38, 15), entry);
        }

        [Fact]
        public void WeibullSurvivalNll_without_entry_times()
        {
            var (beta, x, times, events) = (V(36, 2, -0.3, 0.3), M(37, 15, 2), V(34, 15, 1, 10), B(38, 15));
            double value = NaturalRound19.WeibullSurvivalNll(Math.Log(1.5), Math.Log(5), beta, x, times, events);
            Assert.Equal(value, NaturalRound19.WeibullSurvivalNllForward(Math.Log(1.5), Math.Log(5), beta, x, times, events), 12);
            var (gb, gx, gt) = (TestData.Garbage(beta), TestData.Garbage(x), TestData.Garbage(times));
            Assert.Equal(value, NaturalRound19.WeibullSurvivalNllBackward(Math.Log(1.5), Math.Log(5), beta, x, times, events, null, out double gShape, out double gScale, gb, gx, gt, null), 12);
            double L() => NaturalRound19.WeibullSurvivalNll(Math.Log(1.5), Math.Log(5), beta, x, times, events);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(s => NaturalRound19.WeibullSurvivalNll(s, Math.Log(5), beta, x, times, events), Math.Log(1.5)), gShape, "dlogShape");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(s => NaturalRound19.WeibullSurvivalNll(Math.Log(1.5), s, beta, x, times, events), Math.Log(5)), gScale, "dlogScale");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, beta), gb, "dbeta");
            DiffGen.Tests.Check.Gradient(Fd(L, x), gx, "dcovariates");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(L, times), gt, "dtimes");
        }

        [Fact] public void LabelSmoothingCrossEntropy() => Check("LabelSmoothingCrossEntropy", F(M(39, 6, 5, -2, 2)), new[] { 1, 4, -100, 0, 2, 2 }, 0.1f, -100);

        [Fact] public void CtcLoss() => Check("CtcLoss", M(40, 8, 4, -2, 2), new[] { 1, 2, 2, 3 }, 0);

        [Fact]
        public void BilateralDepthSmoothness()
        {
            var valid = new bool[6, 7];
            for (int y = 0; y < 6; y++) for (int x = 0; x < 7; x++) valid[y, x] = (3 * y + x) % 4 != 0;
            Check("BilateralDepthSmoothness", F(M(41, 6, 7, 1, 3)), F(M(42, 6, 7, 1, 3)), valid, F(M(43, 6, 7, 0, 0.5)), 1.5f, 0.1f, 2, 0.5f, 1e-3f);
        }

        [Fact]
        public void ParaxialLensDesignLoss() =>
            // a cemented-free doublet (mm): the last thickness is the back focal distance
            Check("ParaxialLensDesignLoss", new[] { 0.02, -0.01, 0.012, -0.004 }, new[] { 5.0, 3.0, 4.0, 45.0 }, new[] { 1.5, 1.0, 1.62, 1.0 },
                V(44, 5, -10, 10), V(45, 5, -0.05, 0.05), 50.0, 1e-3);

        [Fact] public void OrbitShootingMiss() => Check("OrbitShootingMiss", new[] { 0.1, 1.1 }, new[] { 1.0, 0.0 }, new[] { -1.0, 0.3 }, 3.0, 1.0, 200, 0.1);

        [Theory]
        [InlineData("spherical")]
        [InlineData("Exponential")]
        [InlineData("gaussian")]
        [InlineData("MATERN32")]
        public void VariogramFitLoss(string model)
        {
            var lags = new[] { 0.5, 1.2, 2.0, 3.1, 4.3, 5.6, 7.0, 8.5 }; // none at the range (5), where the spherical model has a kink
            var gamma = new[] { 0.35, 0.55, 0.8, 0.95, 1.05, 1.1, 1.12, 1.08 };
            var pairs = new[] { 12, 45, 80, 120, 140, 90, 60, 25 };
            Check("VariogramFitLoss", 0.1, 1.0, 5.0, lags, gamma, pairs, model, 30);
        }

        [Fact]
        public void VariogramFitLoss_unknown_model_names_it()
        {
            var e = Assert.Throws<ArgumentException>(() => NaturalRound19.VariogramFitLossForward(0.1, 1.0, 5.0, new[] { 1.0 }, new[] { 0.5 }, new[] { 40 }, "cubic"));
            Assert.Equal("model", e.ParamName);
            Assert.StartsWith("Unsupported variogram model 'cubic'.", e.Message);
        }

        private static double[,] ArmPath()
        {
            var p = new double[8, 2];
            var n = V(46, 16, -0.05, 0.05);
            for (int t = 0; t < 8; t++) { p[t, 0] = -0.5 + 0.2 * t + n[2 * t]; p[t, 1] = 1.0 - 0.1 * t + n[2 * t + 1]; }
            return p;
        }

        [Fact] public void TwoLinkArmEffortCost_with_start_and_goal() => Check("TwoLinkArmEffortCost", ArmPath(), 0.1, 1.0, 0.8, 0.5, 0.4, 9.81, new[] { -0.5, 1.0 }, new[] { 0.9, 0.3 }, 100.0);

        [Fact]
        public void TwoLinkArmEffortCost_without_start_and_goal()
        {
            var path = ArmPath();
            double value = NaturalRound19.TwoLinkArmEffortCost(path, 0.1);
            Assert.Equal(value, NaturalRound19.TwoLinkArmEffortCostForward(path, 0.1), 12);
            var g = TestData.Garbage(path);
            Assert.Equal(value, NaturalRound19.TwoLinkArmEffortCostBackward(path, 0.1, 1.0, 0.8, 0.5, 0.4, 9.81, null, null, 100.0, g,
                out double gdt, out _, out _, out _, out _, out _, null, null, out double gw), 12);
            DiffGen.Tests.Check.Gradient(Fd(() => NaturalRound19.TwoLinkArmEffortCost(path, 0.1), path), g, "djointPath");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(dt => NaturalRound19.TwoLinkArmEffortCost(path, dt), 0.1), gdt, "ddt");
            Assert.Equal(0.0, gw);
        }

        [Fact]
        public void RickerStockRecruitNll()
        {
            var spawners = V(47, 12, 200, 2000);
            var recruits = spawners.Select((s, y) => s * Math.Exp(1.5 - 8e-4 * s + 0.3 * Math.Sin(3 * y))).ToArray();
            spawners[5] = -1; // a missing brood year (coded negative) breaks the AR chain
            Check("RickerStockRecruitNll", 1.4, 7e-4, Math.Log(0.4), 0.4, spawners, recruits);
        }

        [Fact]
        public void WindFarmLayoutLoss()
        {
            // a 3 x 2 block with 500 m spacing, jittered, one pair closer than 3 diameters
            var x = new double[] { 0, 500, 1000, 0, 500, 1000 }.Zip(V(48, 6, -40, 40), (a, b) => a + b).ToArray();
            var y = new double[] { 0, 0, 0, 500, 500, 200 }.Zip(V(49, 6, -40, 40), (a, b) => a + b).ToArray();
            Check("WindFarmLayoutLoss", F(x), F(y), 0.3f, 9f, 120f, 0.04f, 0.8f, 3f, 10f);
        }

        // ages and a step that keep every integration point off a band edge and off the age itself
        private static readonly int[] SeroAges = { 1, 2, 5, 8, 12, 20, 30, 44 };
        private static readonly int[] SeroTested = { 40, 50, 0, 60, 55, 70, 65, 50 };
        private static readonly int[] SeroPositive = { 2, 5, 0, 14, 18, 30, 36, 33 };
        private static double[] SeroFoi() => new[] { Math.Log(0.02), Math.Log(0.04), Math.Log(0.03) };
        private static readonly double[] SeroBands = { 5.0, 15.0, 100.0 };

        [Fact] public void SeroCatalyticNll_reversible() => Check("SeroCatalyticNll", SeroFoi(), SeroBands, SeroAges, SeroTested, SeroPositive, 0.05, 0.95, 0.98, 0.35);

        [Fact]
        public void SeroCatalyticNll_irreversible()
        {
            // seroreversion = 0 takes the closed-form branch ('seroreversion <= 0.0'), the reversible one is Euler-stepped: the
            // function jumps there, so its derivative with respect to seroreversion is not checked; every other one is
            var foi = SeroFoi();
            double Nll(double[] f, double sens, double spec, double step) => NaturalRound19.SeroCatalyticNll(f, SeroBands, SeroAges, SeroTested, SeroPositive, 0.0, sens, spec, step);
            double value = Nll(foi, 0.95, 0.98, 0.35);
            Assert.Equal(value, NaturalRound19.SeroCatalyticNllForward(foi, SeroBands, SeroAges, SeroTested, SeroPositive, 0.0, 0.95, 0.98, 0.35), 12);
            var g = TestData.Garbage(foi);
            Assert.Equal(value, NaturalRound19.SeroCatalyticNllBackward(foi, SeroBands, SeroAges, SeroTested, SeroPositive, 0.0, 0.95, 0.98, 0.35, g,
                out _, out double gSens, out double gSpec, out double gStep), 12);
            DiffGen.Tests.Check.Gradient(FiniteDiff.Gradient(() => Nll(foi, 0.95, 0.98, 0.35), foi), g, "dlogForceOfInfection");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(x => Nll(foi, x, 0.98, 0.35), 0.95), gSens, "dsensitivity");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(x => Nll(foi, 0.95, x, 0.35), 0.98), gSpec, "dspecificity");
            DiffGen.Tests.Check.Gradient(FiniteDiff.Derivative(x => Nll(foi, 0.95, 0.98, x), 0.35), gStep, "dstepYears");
        }

        [Fact]
        public void ElasticNetTourEnergy()
        {
            var angle = Enumerable.Range(0, 8).Select(j => 2 * Math.PI * j / 8).ToArray();
            var noise = V(50, 16, -0.05, 0.05);
            Check("ElasticNetTourEnergy", angle.Select((a, j) => 0.5 * Math.Cos(a) + noise[j]).ToArray(), angle.Select((a, j) => 0.5 * Math.Sin(a) + noise[8 + j]).ToArray(),
                V(51, 5), V(52, 5), 0.2, 0.2, 2.0);
        }
    }
}
